"""Symptom trajectories as SVG, drawn on the server (works without JavaScript)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from ketacare.clinical import instruments

# Light to dark: the bands read as "worse" upward without needing a legend.
BAND_COLOURS = ("#e8f4ec", "#f3f7e0", "#fdf3d8", "#fbe3cf", "#f7d4d0", "#f0c2c2")


def trajectory_svg(
    instrument_key: str,
    points: Sequence[tuple[datetime, int]],
    doses: Sequence[datetime] = (),
) -> str:
    """Totals over time on the scale's full range, with its severity bands shaded; `doses`
    (dosing sessions) are marked as thin vertical lines, so response can be read against
    the course of treatment."""
    return _drawn(instrument_key, tuple(points), tuple(doses))


# matplotlib takes a large part of a second per chart: the same points are drawn once per
# process (a scales page shows one chart per scale, reloaded on every visit).
@lru_cache(maxsize=256)
def _drawn(
    instrument_key: str,
    points: tuple[tuple[datetime, int], ...],
    doses: tuple[datetime, ...] = (),
) -> str:
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    scale = instruments.get(instrument_key)
    low, high = scale.total_range
    figure = Figure(figsize=(6.4, 2.8), dpi=100)
    FigureCanvasSVG(figure)
    axes = figure.add_subplot()
    for colour, band in zip(BAND_COLOURS, getattr(scale, "bands", ()), strict=False):
        axes.axhspan(band.lowest - 0.5, band.highest + 0.5, color=colour, zorder=0)
        axes.text(1.01, (band.lowest + band.highest) / 2, band.label, fontsize=7,
                  color="#5b6877", va="center", transform=axes.get_yaxis_transform())  # fmt: skip
    for n, when in enumerate(doses):
        axes.axvline(when, color="#8a5fbf", linewidth=0.6, alpha=0.55, zorder=1,  # type: ignore[arg-type]
                     label="dosing session" if n == 0 else None)  # fmt: skip
    if points:
        dates: list[Any] = [when for when, _ in points]  # matplotlib's stubs omit date units
        totals = [total for _, total in points]
        axes.plot(dates, totals, marker="o", color="#1f5f8b", linewidth=1.8, zorder=3)
    if doses:
        axes.legend(loc="upper left", fontsize=7, frameon=False)
    axes.set_ylim(low - 0.5, high + 0.5)
    axes.set_ylabel(f"{scale.name} total")
    axes.grid(axis="y", color="#ffffff", linewidth=0.6)
    axes.spines[["top", "right"]].set_visible(False)
    figure.autofmt_xdate()
    figure.subplots_adjust(left=0.1, right=0.8, top=0.95, bottom=0.22)
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    return buffer.getvalue()
