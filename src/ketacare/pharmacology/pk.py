"""Public entry points for concentration curves: one typical patient or a population.

The web layer and the ``ketacare simulate`` command call :func:`simulate_pk` and
:func:`simulate_population`; both return plain dataclasses of NumPy arrays with units
in the field names.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ketacare.pharmacology.metrics import (
    RunningExposure,
    auc_ng_h_ml,
    cmax_ng_ml,
    time_above_min,
    tmax_min,
)
from ketacare.pharmacology.models import FloatArray
from ketacare.pharmacology.population import build_system, covariates
from ketacare.pharmacology.population_bands import stream_population
from ketacare.pharmacology.regimen import Regimen
from ketacare.pharmacology.routes import Absorption
from ketacare.pharmacology.solve import solve_uniform_grid
from ketacare.pharmacology.systems import KE0_PER_MIN

# Dissociation window of the 0.5 mg/kg / 40 min infusion: 100-250 ng/mL [P13, V2]. It was
# measured for RACEMIC ketamine; the domain file has no band for esketamine (which peaks at
# 44-102 ng/mL yet dissociates in 61-84% of patients [P22]), so esketamine gets no number.
DISSOCIATION_BAND_NG_ML = (100.0, 250.0)


@dataclass(frozen=True)
class PKCurve:
    """Typical-patient curves on a uniform grid, plus exposure summaries (plasma)."""

    times_min: FloatArray
    plasma_ng_ml: FloatArray
    effect_site_ng_ml: FloatArray
    noresketamine_ng_ml: FloatArray | None
    cmax_ng_ml: float
    tmax_min: float
    auc_ng_h_ml: float
    # plasma within the racemic 100-250 ng/mL window; None for esketamine (not applicable)
    time_in_dissociation_band_min: float | None


@dataclass(frozen=True)
class PopulationPK:
    """Percentile curves (5/50/95) across patients at ``times_min`` and per-patient
    summaries (from the full output grid)."""

    times_min: FloatArray
    plasma_bands_ng_ml: dict[str, FloatArray]
    effect_site_bands_ng_ml: dict[str, FloatArray]
    cmax_ng_ml: FloatArray  # (P,)
    tmax_min: FloatArray  # (P,)
    auc_ng_h_ml: FloatArray  # (P,)
    cmax_percentiles_ng_ml: dict[str, float] = field(default_factory=dict)
    band_step_min: float = 0.0
    """Step of ``times_min``, the band time points: the output grid's step, or a multiple
    of it for long runs (see population_bands.MAX_BAND_POINTS)."""


def _grid(hours: float, dt_min: float) -> tuple[FloatArray, int]:
    if not (math.isfinite(hours) and 0 < hours <= 24 * 7 * 26):
        raise ValueError(f"hours must be > 0 and at most 26 weeks; got {hours!r}")
    if not (math.isfinite(dt_min) and dt_min > 0):
        raise ValueError(f"dt_min must be > 0; got {dt_min!r}")
    n = int(round(hours * 60.0 / dt_min)) + 1
    return np.arange(n, dtype=np.float64) * dt_min, n


def _time_in_band(times: FloatArray, conc: FloatArray) -> Any:
    lo, hi = DISSOCIATION_BAND_NG_ML
    return time_above_min(times, conc, lo) - time_above_min(times, conc, hi)


def simulate_pk(
    regimen: Regimen,
    weight_kg: float,
    *,
    hours: float = 6.0,
    dt_min: float = 0.5,
    model: str = "clements250",
    age_years: float = 40.0,
    ke0_per_min: float = KE0_PER_MIN,
    absorption: Mapping[str, Absorption] | None = None,
) -> PKCurve:
    """Curves of a typical patient of ``weight_kg`` on ``regimen`` for ``hours``.

    ``ke0_per_min`` and ``absorption`` (per-route F / ka) override labelled assumptions.
    """
    times, n = _grid(hours, dt_min)
    cov = covariates(1, weight_kg, age_years)
    system, inputs = build_system(
        regimen, cov, model=model, ke0_per_min=ke0_per_min, absorption=absorption
    )
    names = ["plasma", "effect_site"] + (["noresketamine"] if regimen.is_esketamine else [])
    out = solve_uniform_grid(system, inputs, dt_min, n, names)
    plasma = np.asarray(out["plasma"][0], dtype=np.float64)
    nor = out.get("noresketamine")
    return PKCurve(
        times_min=times,
        plasma_ng_ml=plasma,
        effect_site_ng_ml=np.asarray(out["effect_site"][0], dtype=np.float64),
        noresketamine_ng_ml=None if nor is None else np.asarray(nor[0], dtype=np.float64),
        cmax_ng_ml=float(cmax_ng_ml(plasma)),
        tmax_min=float(tmax_min(times, plasma)),
        auc_ng_h_ml=float(auc_ng_h_ml(times, plasma)),
        time_in_dissociation_band_min=(
            None if regimen.is_esketamine else float(_time_in_band(times, plasma))
        ),
    )


def simulate_population(
    regimen: Regimen,
    n_patients: int,
    seed: int,
    weight_kg: float | FloatArray,
    *,
    hours: float = 6.0,
    dt_min: float = 1.0,
    model: str = "clements250",
    age_years: float | FloatArray = 40.0,
    ke0_per_min: float = KE0_PER_MIN,
    iiv_cv: Mapping[str, float] | None = None,
    absorption: Mapping[str, Absorption] | None = None,
) -> PopulationPK:
    """``n_patients`` virtual patients (seeded IIV) on ``regimen``: bands and summaries.

    ``iiv_cv`` replaces the default CVs (some are borrowed ASSUMPTIONS, see
    ``models.DEFAULT_IIV_CV``); ``absorption`` overrides a racemic route's F / ka.
    """
    if n_patients < 1 or n_patients > 100_000:
        raise ValueError(f"n_patients must be within 1-100000; got {n_patients!r}")
    times, n = _grid(hours, dt_min)
    cov = covariates(n_patients, weight_kg, age_years)
    system, inputs = build_system(
        regimen,
        cov,
        model=model,
        seed=seed,
        ke0_per_min=ke0_per_min,
        iiv_cv=iiv_cv,
        absorption=absorption,
    )
    streamed = stream_population(system, inputs, dt_min, n)
    cmax = streamed.cmax_ng_ml
    return PopulationPK(
        times_min=streamed.band_times_min,
        plasma_bands_ng_ml=streamed.plasma_bands_ng_ml,
        effect_site_bands_ng_ml=streamed.effect_site_bands_ng_ml,
        cmax_ng_ml=cmax,
        tmax_min=streamed.tmax_min,
        auc_ng_h_ml=streamed.auc_ng_h_ml,
        cmax_percentiles_ng_ml={
            k: float(v)
            for k, v in zip(("p5", "p50", "p95"), np.percentile(cmax, [5, 50, 95]), strict=True)
        },
        band_step_min=streamed.band_step_min,
    )


@dataclass(frozen=True)
class PopulationExposure:
    """Per-patient exposure of a large population, computed without storing curves."""

    cmax_ng_ml: FloatArray  # (P,) plasma
    tmax_min: FloatArray  # (P,) plasma
    auc_ng_h_ml: FloatArray  # (P,) plasma, over the whole simulated time
    # (P,) plasma within the racemic 100-250 ng/mL window; NaN for esketamine (not applicable)
    time_in_dissociation_band_min: FloatArray
    effect_site_cmax_ng_ml: FloatArray  # (P,)


def population_exposure(
    regimen: Regimen,
    n_patients: int,
    seed: int,
    weight_kg: float | FloatArray,
    *,
    hours: float,
    dt_min: float = 5.0,
    model: str = "clements250",
    workers: int | None = None,
    iiv_cv: Mapping[str, float] | None = None,
    absorption: Mapping[str, Absorption] | None = None,
) -> PopulationExposure:
    """Exposure summaries of up to 100,000 patients over long regimens in bounded memory.

    ``iiv_cv`` and ``absorption`` override labelled assumptions as in
    :func:`simulate_population`.
    """
    if n_patients < 1 or n_patients > 100_000:
        raise ValueError(f"n_patients must be within 1-100000; got {n_patients!r}")
    times, n = _grid(hours, dt_min)
    cov = covariates(n_patients, weight_kg)
    system, inputs = build_system(
        regimen, cov, model=model, seed=seed, iiv_cv=iiv_cv, absorption=absorption
    )
    res = {k: np.empty(n_patients) for k in ("cmax", "tmax", "auc", "band", "ce_max")}

    def sink_for(sel: slice) -> Callable[[int, dict[str, FloatArray]], None]:
        size = sel.stop - sel.start
        plasma = RunningExposure(size, dt_min, DISSOCIATION_BAND_NG_ML)
        ce_max = np.full(size, -np.inf)
        last_k = n - 1

        def emit(k0: int, tiles: dict[str, FloatArray]) -> None:
            plasma.add(k0, tiles["plasma"])
            np.maximum(ce_max, tiles["effect_site"].max(axis=1), out=ce_max)
            if k0 + tiles["plasma"].shape[1] - 1 == last_k:
                r = plasma.result()
                res["cmax"][sel] = r["cmax_ng_ml"]
                res["tmax"][sel] = r["tmax_min"]
                res["auc"][sel] = r["auc_ng_h_ml"]
                res["band"][sel] = r["time_in_band_min"]
                res["ce_max"][sel] = ce_max

        return emit

    solve_uniform_grid(
        system,
        inputs,
        dt_min,
        n,
        ("plasma", "effect_site"),
        sink_for=sink_for,
        chunk_patients=512,
        block=256,
        workers=workers,
    )
    if regimen.is_esketamine:
        res["band"][:] = np.nan  # the racemic window does not apply to esketamine
    return PopulationExposure(res["cmax"], res["tmax"], res["auc"], res["band"], res["ce_max"])
