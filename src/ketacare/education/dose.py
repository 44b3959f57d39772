"""The patient's next planned dose as predicted blood levels, for the patient to read.

A prediction for a typical person of the chart's weight, not a measurement: the page says
so and names the model (docs/pharmacology.md). The curve is computed once per set of inputs
(route, dose, weight, infusion time) and kept in a small bounded cache, so a page view does
not re-run the simulation (DESIGN.md: nothing expensive per request).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ketacare.accounts.actor import Actor
from ketacare.clinical.routes import Route
from ketacare.clinical_input import ENGINE_ROUTE
from ketacare.patients.models import Patient
from ketacare.pharmacology import pk
from ketacare.pharmacology.regimen import single_dose
from ketacare.treatment.services.pk import MODEL_BASIS, curve_svg
from ketacare.treatment.services.plans import planned_dose

HOURS = 6.0
CACHE_SIZE = 64  # distinct planned doses at a time; each entry is one curve (a few kB)


@dataclass(frozen=True)
class DoseInputs:
    route: Route
    dose_mg: float
    weight_kg: float
    infusion_minutes: float

    @property
    def is_esketamine(self) -> bool:
        return self.route is Route.ESKETAMINE_NASAL


@dataclass(frozen=True)
class ExplainedDose:
    plan_label: str
    inputs: DoseInputs
    peak_ng_ml: float
    peak_minutes: float
    minutes_in_window: float | None
    """Minutes in the racemic dissociation window (100-250 ng/mL, P13); None for
    esketamine, for which no window is sourced."""
    basis: str


def inputs_for(actor: Actor, patient: Patient) -> tuple[str, DoseInputs] | None:
    """The plan's next dose at the chart's weight, or None without a plan or a dose left."""
    planned = planned_dose(actor, patient)
    if planned is None:
        return None
    initial, weight = planned.initial, float(patient.weight_kg)
    per_kg = initial.get("dose_mg_per_kg")
    dose_mg = float(per_kg) * weight if per_kg is not None else float(initial["dose_mg"])  # type: ignore[arg-type]
    minutes = float(initial.get("infusion_minutes") or 0)  # type: ignore[arg-type]
    return planned.label, DoseInputs(Route(str(initial["route"])), dose_mg, weight, minutes)


@lru_cache(maxsize=CACHE_SIZE)
def _curve(inputs: DoseInputs) -> pk.PKCurve:
    regimen = single_dose(ENGINE_ROUTE[inputs.route], dose_mg=inputs.dose_mg,
                          infusion_min=inputs.infusion_minutes)  # fmt: skip
    return pk.simulate_pk(regimen, inputs.weight_kg, hours=HOURS)


@lru_cache(maxsize=CACHE_SIZE)
def curve_image(inputs: DoseInputs, narrow: bool) -> str:
    return curve_svg(_curve(inputs), "Your planned dose: predicted levels", narrow)


def explained(actor: Actor, patient: Patient) -> ExplainedDose | None:
    found = inputs_for(actor, patient)
    if found is None:
        return None
    label, inputs = found
    curve = _curve(inputs)
    basis = (f"{MODEL_BASIS[inputs.is_esketamine]}; a typical adult of {inputs.weight_kg:g} kg "
             "(the weight in your chart). Real levels differ from person to person.")  # fmt: skip
    return ExplainedDose(label, inputs, curve.cmax_ng_ml, curve.tmax_min,
                         curve.time_in_dissociation_band_min, basis)  # fmt: skip
