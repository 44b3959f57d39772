"""Predicted ketamine levels for one patient: the pharmacology engine at the chart's weight.

A prediction, not a measurement: the page says which model, which weight and which
population variability it rests on (docs/pharmacology.md has the sources).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

from ketacare.accounts.actor import Actor
from ketacare.accounts.roles import Action
from ketacare.patients.services import view_patient
from ketacare.pharmacology import pk, plots
from ketacare.pharmacology.regimen import Regimen
from ketacare.treatment.forms import PKForm

POPULATION_SIZE = 300  # enough for stable 5/95th percentiles in well under a second
POPULATION_SEED = 1
MODEL_BASIS = {
    True: "Perez-Ruixo 2021 esketamine model (nasal and swallowed parts, noresketamine)",
    False: "Clements 250 two-compartment model for racemic ketamine, with the route's "
    "bioavailability and absorption from docs/pharmacology.md",
}


@dataclass(frozen=True)
class Prediction:
    curve: pk.PKCurve
    population: pk.PopulationPK
    basis: str


def predict(regimen: Regimen, weight_kg: float, hours: float) -> Prediction:
    curve = pk.simulate_pk(regimen, weight_kg, hours=hours)
    population = pk.simulate_population(
        regimen, POPULATION_SIZE, POPULATION_SEED, weight_kg, hours=hours
    )
    basis = (
        f"{MODEL_BASIS[regimen.is_esketamine]}; weight {weight_kg:g} kg from the chart; "
        f"band: {POPULATION_SIZE} virtual patients with the published between-patient "
        "variability (seeded, so the same inputs give the same picture)."
    )
    return Prediction(curve, population, basis)


def prediction_svg(prediction: Prediction, title: str, narrow: bool = False) -> str:
    """The chart; `narrow` draws it for a phone (taller, legend under the axes)."""
    return curve_svg(prediction.curve, title, narrow, prediction.population)


def curve_svg(
    curve: pk.PKCurve, title: str, narrow: bool, population: pk.PopulationPK | None = None
) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "pk.svg"
        plots.plot_pk(curve, path, population=population, title=title, narrow=narrow)
        return path.read_text()


@dataclass(frozen=True)
class PatientPrediction:
    prediction: Prediction
    weight_kg: float
    dose_warning: str


def predict_for(actor: Actor, patient_id: Any, data: dict[str, Any]) -> PatientPrediction:
    """The PK page's prediction for the API: the patient through the gate (the audited read),
    the page's form rules, computed per request as the page computes it (a seeded
    300-patient band, well under a second)."""
    patient = view_patient(actor, patient_id, Action.PK_PREDICT)
    form = PKForm(data)
    if not form.is_valid():
        raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
    weight = float(patient.weight_kg)
    try:
        prediction = predict(form.regimen(), weight, form.cleaned_data["hours"])
    except ValueError as exc:
        raise ValidationError({"__all__": str(exc)}) from exc
    return PatientPrediction(prediction, weight, form.limit_warning(weight))
