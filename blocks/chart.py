"""The insights chart: open escalations by health over the last weeks, and update compliance,
as a PNG for Slack's file upload.

Drawn with matplotlib's Agg canvas on a `Figure` of its own (never pyplot), so it needs no
display and no global state: delivery workers may draw at the same time. matplotlib is
imported on first use, so start-up doesn't pay for it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from bot.domain import Health
from bot.policy.insights import WeekPoint

COLOURS = {Health.RED: "#d93f3f", Health.YELLOW: "#f2c744", Health.GREEN: "#3fa34d"}
COMPLIANCE_COLOUR = "#1d4f91"
WIDTH_INCHES, HEIGHT_INCHES, DPI = 8.0, 4.5, 100


def chart_png(points: Sequence[WeekPoint], *, tz_name: str = "UTC") -> bytes:
    """A 800x450 PNG: stacked bars of open escalations by health at the end of each week
    (this week: now), and a line of the share of status prompts answered on time."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    labels = [f"{point.week_start:%b %d}" for point in points]
    positions = list(range(len(points)))
    bottom = [0] * len(points)
    for health in (Health.RED, Health.YELLOW, Health.GREEN):
        counts = [point.open_by_health.get(health, 0) for point in points]
        axes.bar(positions, counts, bottom=bottom, color=COLOURS[health], label=health.label)
        bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    axes.set_xticks(positions, labels)
    axes.set_ylabel("Open escalations")
    axes.set_ylim(0, max([*bottom, 1]) * 1.25)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlabel(f"Week starting (Monday, {tz_name})")

    share = axes.twinx()
    # A week without judged prompts is a gap in the line, not a point drawn through.
    shares = [
        float("nan") if point.compliance.percent is None else float(point.compliance.percent)
        for point in points
    ]
    share.plot(
        positions, shares, color=COMPLIANCE_COLOUR, marker="o", linewidth=2, label="Updates on time"
    )
    share.set_ylim(0, 105)
    share.set_ylabel("Prompts answered on time (%)")

    handles, names = axes.get_legend_handles_labels()
    more_handles, more_names = share.get_legend_handles_labels()
    axes.legend(handles + more_handles, names + more_names, loc="upper left", fontsize=8, ncol=4)
    axes.set_title("Open escalations by health, and update compliance (last 8 weeks)")
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
