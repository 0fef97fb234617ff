"""One table for every measure: what the bot did, what the reference did, and the goal."""

from __future__ import annotations

import argparse
import math
import os
import platform
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass
class Row:
    measure: str
    bot: str
    reference: str = ""
    ratio: str = ""
    goal: str = ""
    note: str = ""


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (p99 of 400 samples is the 396th smallest)."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 10 else f"{seconds:.1f} s"


def machine() -> str:
    model = ""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            model = next(
                (
                    line.split(":", 1)[1].strip()
                    for line in cpuinfo
                    if line.startswith("model name")
                ),
                "",
            )
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores {model}, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def print_table(rows: Sequence[Row]) -> None:
    header = Row("measure", "bot", "reference", "ratio", "goal", "note")
    columns = list(header.__dataclass_fields__)
    table = [header, *rows]
    widths = {c: max(len(getattr(row, c)) for row in table) for c in columns}
    for index, row in enumerate(table):
        print("| " + " | ".join(getattr(row, c).ljust(widths[c]) for c in columns) + " |")
        if index == 0:
            print("|" + "|".join("-" * (widths[c] + 2) for c in columns) + "|")


def command_line(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="a short run: fewer rounds and sizes")
    return parser.parse_args()


def run_alone(description: str, measure: Callable[[bool], list[Row]]) -> None:
    """`python -m bench.<measure>`: run one measure and print its rows."""
    args = command_line(description)
    print(f"machine: {machine()}")
    print_table(measure(args.quick))
