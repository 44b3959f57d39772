"""The response forecast on the chart: the pharmacology engine's per-patient forecast from
this patient's own dosing sessions and MADRS scores.

A model's projection, not a promise: the page says what it rests on and where the model is
known to be wrong (docs/pharmacology.md, section 4).
"""

from __future__ import annotations

import base64
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from ketacare.pharmacology import plots
from ketacare.pharmacology.forecast import Forecast, forecast_patient
from ketacare.pharmacology.regimen import Dose, Regimen
from ketacare.pharmacology.response import DEFAULT_RESPONSE

# Clinic session routes -> the engine's routes (at-home tablets are sublingual/ODT).
ENGINE_ROUTE = {"iv": "iv", "im": "im", "at-home": "sublingual",
                "esketamine": "esketamine-intranasal"}  # fmt: skip
COURSE_WINDOW_DAYS = 365  # the engine forecasts within a year of the first dose
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
    booster_due: date | None
    chart_data_uri: str
    basis: str
    explains_course: bool


def regimen_from(doses: list[SessionDose]) -> tuple[Regimen, datetime] | None:
    """The latest course of one drug (racemic or esketamine) as an engine regimen, with the
    time of its first dose (the engine's day 0)."""
    if not doses:
        return None
    doses = sorted(doses, key=lambda d: d.started_at)
    esketamine = doses[-1].route == "esketamine"
    latest = doses[-1].started_at
    course = [d for d in doses if (d.route == "esketamine") == esketamine
              and (latest - d.started_at).days <= COURSE_WINDOW_DAYS]  # fmt: skip
    first = course[0].started_at
    regimen = Regimen(
        tuple(
            Dose(
                ENGINE_ROUTE[d.route],
                start_min=(d.started_at - first).total_seconds() / 60,
                dose_mg=d.dose_mg,
                duration_min=float(d.infusion_minutes or 0) if d.route == "iv" else 0.0,
            )
            for d in course
        ),
        name="this patient's sessions",
    )
    return regimen, first


def patient_forecast(
    doses: list[SessionDose], madrs: list[tuple[datetime, int]], weight_kg: float
) -> PatientForecast | None:
    """None when there is too little to forecast from (no sessions, under 2 MADRS scores)."""
    course = regimen_from(doses)
    if course is None:
        return None
    regimen, first = course
    points = [((when - first).total_seconds() / 86400, total) for when, total in madrs]
    points = [(day, total) for day, total in points if -60 <= day <= COURSE_WINDOW_DAYS]
    if len(points) < MIN_MADRS_SCORES:
        return None
    forecast = forecast_patient(
        regimen, weight_kg, [d for d, _ in points], [t for _, t in points], horizon_days=28
    )
    with tempfile.TemporaryDirectory() as folder:
        path = plots.plot_forecast(forecast, Path(folder) / "forecast.svg",
                                   title="MADRS: observed and forecast")  # fmt: skip
        uri = "data:image/svg+xml;base64," + base64.b64encode(path.read_bytes()).decode()
    basis = (
        f"Based on {len(regimen.doses)} recorded dose(s) and {len(points)} MADRS score(s) of "
        f"this patient, at {weight_kg:g} kg, weighed against 1,000 virtual patients of the "
        "response model (calibrated only to pooled single-infusion outcomes; it is known to "
        "over-predict benefit from repeated dosing: docs/pharmacology.md, section 4)."
    )
    explains = forecast.likelihood_sd_madrs <= (
        MAX_LIKELIHOOD_SD_FACTOR * DEFAULT_RESPONSE.measurement_sd_madrs
    )
    return PatientForecast(
        forecast, first.date(), forecast.booster_due_date(first.date()), uri, basis, explains
    )
