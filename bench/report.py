"""One table for every measure: what the bot did, what the reference did, and the goal."""

from __future__ import annotations

import argparse
import math
import os
import platform
import random
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


def ratio_interval(
    rounds: Sequence[Sequence[float]],
    reference_rounds: Sequence[Sequence[float]],
    fraction: float,
    confidence: float = 0.9,
    resamples: int = 2000,
) -> tuple[float, float]:
    """How far the ratio of two percentiles moves with the rounds that happened to be run: a
    bootstrap over rounds, the same rounds drawn for both sides (a round's bursts ran back to
    back, on the same machine state), each side's samples pooled. Returns the `confidence`
    interval's ends (0.9: the 5th and the 95th of `resamples` ratios)."""
    if len(rounds) != len(reference_rounds) or not rounds:
        raise ValueError("one list of samples per round, on both sides")
    draw = random.Random(0)  # the same interval for the same figures
    ratios = []
    for _ in range(resamples):
        picked = [draw.randrange(len(rounds)) for _ in rounds]
        mine = [value for index in picked for value in rounds[index]]
        theirs = [value for index in picked for value in reference_rounds[index]]
        ratios.append(percentile(mine, fraction) / percentile(theirs, fraction))
    tail = (1 - confidence) / 2
    return percentile(ratios, tail), percentile(ratios, 1 - tail)


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
