"""Vital signs during a session as SVG: BP and heart rate against minutes from dosing."""

from __future__ import annotations

import io
from collections.abc import Sequence

from ketacare.clinical.clinic_settings import DEFAULT_MONITORING


def session_vitals_svg(
    minutes: Sequence[int],
    systolic: Sequence[int],
    diastolic: Sequence[int],
    heart_rate: Sequence[int | None],
    planned: Sequence[int],
) -> str:
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.4, 3.0), dpi=100)
    FigureCanvasSVG(figure)
    axes = figure.add_subplot()
    hold = DEFAULT_MONITORING.bp_hold_above  # K18: the hold line clinicians watch for
    axes.axhline(hold.systolic_mmhg, color="#b42318", lw=0.8, ls="--")
    axes.axhline(hold.diastolic_mmhg, color="#b42318", lw=0.8, ls=":")
    axes.text(
        0.99,
        hold.systolic_mmhg,
        f" hold > {hold}",
        color="#b42318",
        fontsize=7,
        ha="right",
        va="bottom",
        transform=axes.get_yaxis_transform(),
    )
    for minute in planned:
        axes.axvline(minute, color="#d9e0e7", lw=0.6, zorder=0)
    axes.plot(minutes, systolic, marker="o", color="#1f5f8b", label="systolic")
    axes.plot(minutes, diastolic, marker="o", color="#5b8fb9", label="diastolic")
    rate = [(m, hr) for m, hr in zip(minutes, heart_rate, strict=True) if hr is not None]
    if rate:
        axes.plot(
            [m for m, _ in rate],
            [hr for _, hr in rate],
            marker="s",
            color="#c46b1c",
            label="heart rate (/min)",
        )
    axes.set_xlabel("Minutes from dosing (grey lines: planned checks)")
    axes.set_ylabel("mmHg, /min")
    axes.set_xlim(left=min([0, *minutes]) - 2, right=max([*planned, *minutes, 10]) + 5)
    axes.legend(fontsize=7, loc="lower right")
    axes.spines[["top", "right"]].set_visible(False)
    figure.subplots_adjust(left=0.1, right=0.97, top=0.95, bottom=0.17)
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    return buffer.getvalue()
