"""The response forecast on the chart: the pharmacology engine's per-patient forecast from
this patient's own dosing sessions and MADRS scores.

A model's projection, not a promise: the page says what it rests on and where the model is
known to be wrong (docs/pharmacology.md, section 4).
"""

from __future__ import annotations

import base64
import math
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np

from ketacare.clinical import outcomes
from ketacare.clinical.routes import Route
from ketacare.clinical_input import ENGINE_ROUTE
from ketacare.pharmacology import plots
from ketacare.pharmacology.forecast import Forecast, forecast_patient
from ketacare.pharmacology.regimen import Dose, Regimen
from ketacare.pharmacology.response import DEFAULT_RESPONSE
from ketacare.pharmacology.trial import MAX_SIMULATED_DAYS

# What history the forecast reads (issue 9, item 7). The response model forgets a dose within
# weeks: plasticity half-life 2.231 days, between-patient CV 0.905 (log-normal), so the slowest
# 1% of virtual patients (half-life about 13 days) keep under 1% of a dose after 90 days
# (docs/pharmacology.md section 4; [P27]: the effect is gone by days 10-12). Older doses and
# scores change nothing the next four weeks show and would only make the simulation grow with
# the record (a year of care once overran the engine's 366 days: a 500). So the forecast is
# fitted to the MADRS scores of the last SCORE_HISTORY_DAYS, simulated from the doses of the
# DOSE_MEMORY_DAYS before those, plus the untreated baseline of the course.
SCORE_HISTORY_DAYS = 90
DOSE_MEMORY_DAYS = 90
BASELINE_DAYS = 60  # MADRS up to 60 days before the course's first dose is its baseline
HORIZON_DAYS = 28
assert SCORE_HISTORY_DAYS + DOSE_MEMORY_DAYS + HORIZON_DAYS <= MAX_SIMULATED_DAYS
MIN_MADRS_SCORES = 2
# Display rule, not a clinical number: when the engine had to widen its likelihood beyond
# twice the rating noise to find any virtual patient like this one, the model does not
# explain this course, and a forecast from it would mislead; say so instead.
MAX_LIKELIHOOD_SD_FACTOR = 2.0


@dataclass(frozen=True)
class SessionDose:
    route: str
    started_at: datetime
    dose_mg: float
    infusion_minutes: int | None


@dataclass(frozen=True)
class PatientForecast:
    forecast: Forecast
    first_dose: date
    crosses_response_line_on: date | None
    """Supporting evidence only, on the clinical rule's own line (see below)."""
    chart_data_uri: str
    basis: str
    explains_course: bool


@dataclass(frozen=True)
class ForecastHistory:
    """What the forecast is computed from: the engine's regimen (day 0 = its first dose),
    the MADRS points on that clock and the doses left out as beyond the model's memory."""

    regimen: Regimen
    first_dose: datetime
    points: list[tuple[float, int]]
    doses_left_out: int


def _same_drug_course(doses: list[SessionDose]) -> list[SessionDose]:
    """The doses of the drug given last (racemic or esketamine), oldest first."""
    doses = sorted(doses, key=lambda d: d.started_at)
    esketamine = doses[-1].route == "esketamine"
    return [d for d in doses if (d.route == "esketamine") == esketamine]


def _regimen(course: list[SessionDose]) -> Regimen:
    first = course[0].started_at
    return Regimen(
        tuple(
            Dose(
                ENGINE_ROUTE[Route(d.route)],
                start_min=(d.started_at - first).total_seconds() / 60,
                dose_mg=d.dose_mg,
                duration_min=float(d.infusion_minutes or 0) if d.route == "iv" else 0.0,
            )
            for d in course
        ),
        name="this patient's sessions",
    )


def forecast_history(
    doses: list[SessionDose], madrs: list[tuple[datetime, int]]
) -> ForecastHistory | None:
    """The recent part of the latest course the forecast is fitted to (see
    SCORE_HISTORY_DAYS); None without a dose in it."""
    if not doses:
        return None
    course = _same_drug_course(doses)
    latest = max([course[-1].started_at, *(when for when, _ in madrs)])
    fit_from = latest - timedelta(days=SCORE_HISTORY_DAYS)
    recent = [d for d in course if d.started_at >= fit_from - timedelta(days=DOSE_MEMORY_DAYS)]
    if not recent:
        return None
    first = recent[0].started_at
    course_start = course[0].started_at
    baseline_from = course_start - timedelta(days=BASELINE_DAYS)

    def day(when: datetime) -> float:
        return (when - first).total_seconds() / 86400

    whole_course = first == course_start
    # A course inside the window is fitted whole. A longer one is fitted from fit_from only,
    # after DOSE_MEMORY_DAYS of doses have brought the model from its untreated start to where
    # the patient is; its baseline stands just before that start.
    fit_start = first if whole_course else max(first, fit_from)
    baseline = [(w, t) for w, t in madrs if baseline_from <= w < course_start]
    points = [((day(w) if whole_course else -1.0), t) for w, t in baseline]
    points += [(day(w), t) for w, t in madrs if w >= fit_start]
    return ForecastHistory(_regimen(recent), first, sorted(points), len(course) - len(recent))


def regimen_from(doses: list[SessionDose]) -> tuple[Regimen, datetime] | None:
    """The latest course of one drug (racemic or esketamine) as an engine regimen, with the
    time of its first dose (the engine's day 0)."""
    history = forecast_history(doses, [])
    return None if history is None else (history.regimen, history.first_dose)


def _basis(history: ForecastHistory, weight_kg: float) -> str:
    left_out = (
        f" ({history.doses_left_out} earlier dose(s) left out: the model forgets a dose "
        f"within weeks, so only the last {SCORE_HISTORY_DAYS + DOSE_MEMORY_DAYS} days count)"
        if history.doses_left_out
        else ""
    )
    return (
        f"Based on {len(history.regimen.doses)} recorded dose(s){left_out} and "
        f"{len(history.points)} MADRS score(s) of this patient, at {weight_kg:g} kg, weighed "
        "against 1,000 virtual patients of the response model (calibrated only to pooled "
        "single-infusion outcomes; it is known to over-predict benefit from repeated dosing: "
        "docs/pharmacology.md, section 4)."
    )


def patient_forecast(
    doses: list[SessionDose], madrs: list[tuple[datetime, int]], weight_kg: float
) -> PatientForecast | None:
    """None when there is too little to forecast from (no recent sessions, under 2 MADRS
    scores)."""
    history = forecast_history(doses, madrs)
    if history is None or len(history.points) < MIN_MADRS_SCORES:
        return None
    points = history.points
    forecast = forecast_patient(
        history.regimen, weight_kg, [d for d, _ in points], [t for _, t in points],
        horizon_days=HORIZON_DAYS,
    )  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        path = plots.plot_forecast(forecast, Path(folder) / "forecast.svg",
                                   title="MADRS: observed and forecast")  # fmt: skip
        uri = "data:image/svg+xml;base64," + base64.b64encode(path.read_bytes()).decode()
    explains = forecast.likelihood_sd_madrs <= (
        MAX_LIKELIHOOD_SD_FACTOR * DEFAULT_RESPONSE.measurement_sd_madrs
    )
    first = history.first_dose.date()
    baseline = min(madrs)[1]  # the clinical rule's baseline: the first MADRS in force
    crossing = crosses_response_line_on(forecast, first, baseline)
    return PatientForecast(forecast, first, crossing, uri, _basis(history, weight_kg), explains)


def crosses_response_line_on(forecast: Forecast, first_dose: date, baseline: int) -> date | None:
    """When the model's median is back above the clinical rule's response line, after the
    last score: evidence that can only agree in kind with the rule that decides a booster.

    The engine's own booster day is measured against half its *estimated* baseline; the
    rule (clinical/outcomes.py) uses the *observed* first score. The two lines differ, so the
    chart could say "no booster due" while the forecast dated one in the past, or the other
    way round. Here the forecast answers the rule's question on the rule's line, and only
    about the future: with the latest score already above the line, the rule has spoken
    (booster due or relapse) and there is nothing for the model to add. None as well when
    the median stays below the line through the horizon.
    """
    line = outcomes.response_line(baseline)
    order = np.argsort(forecast.observed_days)
    if forecast.observed_scores[order[-1]] > line:
        return None
    last_day = forecast.observed_days[order[-1]]
    ahead = np.nonzero((forecast.days > last_day) & (forecast.score_p50 > line))[0]
    if not ahead.size:
        return None
    return first_dose + timedelta(days=math.floor(forecast.days[ahead[0]]))
