"""Predicted ketamine levels for one patient: the pharmacology engine at the chart's weight.

A prediction, not a measurement: the page says which model, which weight and which
population variability it rests on (docs/pharmacology.md has the sources).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from django import forms

from ketacare.pharmacology import pk, plots
from ketacare.pharmacology.regimen import Regimen, single_dose
from ketacare.pharmacology.routes import ALL_ROUTES

ROUTE_LABELS = {
    "iv": "IV infusion (racemic)",
    "im": "IM (racemic)",
    "sublingual": "Sublingual / ODT (racemic)",
    "oral": "Oral (racemic)",
    "intranasal": "Intranasal, compounded (racemic)",
    "esketamine-intranasal": "Intranasal esketamine (Spravato)",
}
POPULATION_SIZE = 300  # enough for stable 5/95th percentiles in well under a second
POPULATION_SEED = 1
MODEL_BASIS = {
    True: "Perez-Ruixo 2021 esketamine model (nasal and swallowed parts, noresketamine)",
    False: "Clements 250 two-compartment model for racemic ketamine, with the route's "
    "bioavailability and absorption from docs/pharmacology.md",
}


class PKForm(forms.Form):
    route = forms.ChoiceField(choices=[(r, ROUTE_LABELS.get(r, r)) for r in ALL_ROUTES])
    dose_mg_per_kg = forms.FloatField(
        required=False, min_value=0.01, max_value=10, label="Dose (mg/kg)"
    )
    dose_mg = forms.FloatField(required=False, min_value=1, max_value=1000, label="Dose (mg)")
    infusion_min = forms.FloatField(
        required=False, min_value=1, max_value=240, label="Infusion time (min, IV only)"
    )
    hours = forms.FloatField(min_value=1, max_value=48, initial=4, label="Hours to show")

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        per_kg, mg = data.get("dose_mg_per_kg"), data.get("dose_mg")
        if (per_kg is None) == (mg is None):
            raise forms.ValidationError("Give the dose either in mg/kg or in mg, not both.")
        if data.get("infusion_min") and data.get("route") != "iv":
            self.add_error("infusion_min", "An infusion time applies to IV only.")
        return data

    def regimen(self) -> Regimen:
        data = self.cleaned_data
        return single_dose(
            data["route"],
            dose_mg=data.get("dose_mg"),
            dose_mg_per_kg=data.get("dose_mg_per_kg"),
            infusion_min=data.get("infusion_min") or 0.0,
        )


DEFAULTS = {"route": "iv", "dose_mg_per_kg": "0.5", "infusion_min": "40", "hours": "4"}


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


def prediction_svg(prediction: Prediction, title: str) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "pk.svg"
        plots.plot_pk(prediction.curve, path, population=prediction.population, title=title)
        return path.read_text()
