"""Server-side charts (matplotlib, Agg backend, no pyplot state): PNG or SVG files.

Matplotlib is imported inside the functions so that importing the engine and
``ketacare simulate --json`` stay fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ketacare.pharmacology.pk import DISSOCIATION_BAND_NG_ML, PKCurve, PopulationPK

if TYPE_CHECKING:
    from ketacare.pharmacology.forecast import Forecast

PLOT_SUFFIXES = (".png", ".svg")


def _check_path(path: str | Path) -> Path:
    p = Path(path)
    if p.suffix.lower() not in PLOT_SUFFIXES:
        raise ValueError(f"plot file must end in .png or .svg; got {str(path)!r}")
    return p


def plot_pk(
    curve: PKCurve,
    path: str | Path,
    *,
    population: PopulationPK | None = None,
    title: str = "Ketamine concentration",
    narrow: bool = False,
) -> Path:
    """Plasma and effect-site curves, the population 5-95% band, the dissociation window.

    The window is racemic [P13]; it is not drawn for esketamine (the curve then has no
    ``time_in_dissociation_band_min``), for which no band is sourced. `narrow` is for a
    phone: a taller figure whose text stays legible at 360 px, the legend under the axes."""
    out = _check_path(path)
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4, 5) if narrow else (8, 4.5), dpi=110, layout="constrained")
    ax = fig.add_subplot()
    hours = curve.times_min / 60.0
    racemic = curve.time_in_dissociation_band_min is not None
    lo, hi = DISSOCIATION_BAND_NG_ML if racemic else (0.0, 0.0)
    if racemic:
        ax.axhspan(
            lo,
            hi,
            color="#f4a259",
            alpha=0.18,
            lw=0,
            label=f"dissociation window, racemic {lo:g}-{hi:g} ng/mL [P13]",
        )
    if population is not None:
        band = population.plasma_bands_ng_ml
        ph = population.times_min / 60.0
        ax.fill_between(
            ph,
            band["p5"],
            band["p95"],
            color="#4477aa",
            alpha=0.22,
            lw=0,
            label=f"plasma, 5-95th percentile ({population.cmax_ng_ml.size} patients)",
        )
        ax.plot(ph, band["p50"], color="#4477aa", lw=1, ls="--", label="plasma, population median")
    ax.plot(hours, curve.plasma_ng_ml, color="#224488", lw=2, label="plasma, typical patient")
    ax.plot(hours, curve.effect_site_ng_ml, color="#cc3311", lw=1.5, label="effect site (brain)")
    if curve.noresketamine_ng_ml is not None:
        ax.plot(hours, curve.noresketamine_ng_ml, color="#777777", lw=1, label="noresketamine")
    ax.set_xlabel("Time since first dose (h)")
    ax.set_ylabel("Concentration (ng/mL)")
    ax.set_xlim(hours[0], hours[-1])
    top = max(float(np.max(curve.plasma_ng_ml)), hi)
    if curve.noresketamine_ng_ml is not None:
        top = max(top, float(np.max(curve.noresketamine_ng_ml)))
    if population is not None:
        top = max(top, float(np.max(population.plasma_bands_ng_ml["p95"])))
    ax.set_ylim(0, top * 1.12)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    if narrow:
        ax.title.set_fontsize(10)
        ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=1)
    else:
        ax.legend(fontsize=8, loc="upper right")
    fig.savefig(out)
    return out


def plot_forecast(forecast: Forecast, path: str | Path, *, title: str = "Forecast") -> Path:
    """Observed scores, the forecast 5-95% band and median, and the booster date."""
    out = _check_path(path)
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 4.5), dpi=110, layout="constrained")
    ax = fig.add_subplot()
    ax.fill_between(
        forecast.days,
        forecast.score_p5,
        forecast.score_p95,
        color="#4477aa",
        alpha=0.22,
        lw=0,
        label="forecast, 5-95th percentile",
    )
    ax.plot(forecast.days, forecast.score_p50, color="#224488", lw=2, label="forecast median")
    ax.plot(forecast.observed_days, forecast.observed_scores, "o", color="black", label="observed")
    ax.axhline(forecast.relapse_score, color="#cc3311", lw=1, ls=":", label="relapse threshold")
    if forecast.booster_due_day is not None:
        ax.axvline(
            forecast.booster_due_day,
            color="#cc3311",
            lw=1.5,
            label="model: back above relapse line",
        )
    ax.set_xlabel("Days since first dose")
    ax.set_ylabel("MADRS score (0-60)")
    ax.set_ylim(0, 60)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.savefig(out)
    return out
