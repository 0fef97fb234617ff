"""`python -m bench [--quick]`: every measure in turn, then one table."""

from __future__ import annotations

import logging
import time
import traceback

from bench import ack, delivery, memory, startup, tick
from bench.report import Row, command_line, machine, print_table

MEASURES = [
    ("ack", ack.measure),
    ("tick", tick.measure),
    ("delivery", delivery.measure),
    ("memory", memory.measure),
    ("startup", startup.measure),
]


def main() -> None:
    args = command_line(__doc__.splitlines()[0])
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    rows: list[Row] = []
    started = time.perf_counter()
    for name, measure in MEASURES:
        began = time.perf_counter()
        try:
            rows += measure(args.quick)
        except Exception as error:  # one broken measure must not hide the others' figures
            traceback.print_exc()
            rows.append(Row(name, "failed", note=f"{type(error).__name__}: {error}"[:120]))
        print(f"# {name}: {time.perf_counter() - began:.0f} s", flush=True)
    print(f"machine: {machine()}; whole run {time.perf_counter() - started:.0f} s")
    print_table(rows)


main()
