"""Per-patient linear systems dx/dt = A x + inputs, built from the models and a regimen.

States hold drug amounts in mg, except the effect site, which holds a concentration
(ng/mL) following dCe/dt = ke0 (Cp - Ce). All arrays carry patients on axis 0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ketacare.pharmacology.models import (
    MIN_PER_H,
    PEREZ_RUIXO_2021,
    EsketamineModel,
    FloatArray,
    MammillaryParameters,
)
from ketacare.pharmacology.regimen import Regimen
from ketacare.pharmacology.routes import Absorption, absorption_for

MG_PER_L_TO_NG_PER_ML = 1000.0

# Effect-site equilibration: blood-effect t1/2 0 to 11.8 min, mean 6.1 min for
# S-ketamine [P10], so ke0 = ln 2 / 6.1 min = 0.114 /min (calc in the domain file).
# For racemic ketamine this S-ketamine value is borrowed (ASSUMPTION); opentiva's
# model-specific ke0 (Clements 5.2, Domino 0.652 /min) are derived from an assumed 1-min
# time to peak effect, not measured [P1], and are therefore not the default.
KE0_PER_MIN = math.log(2) / 6.1


@dataclass(frozen=True)
class LinearSystem:
    """A population of linear systems sharing one state layout."""

    rate_matrix_per_min: FloatArray  # (P, n, n)
    state_names: tuple[str, ...]
    output_weights: dict[str, FloatArray]  # output name -> (P, n): ng/mL per unit of state
    parent_states: tuple[int, ...]  # states holding parent-drug mass (mass balance)
    parent_clearance_l_min: FloatArray  # (P,) systemic clearance of the parent drug

    @property
    def n_patients(self) -> int:
        return int(self.rate_matrix_per_min.shape[0])

    def index(self, state: str) -> int:
        return self.state_names.index(state)


@dataclass(frozen=True)
class Input:
    """Drug entering ``state``: a bolus (duration 0) or a zero-order input."""

    state: int
    amount_mg: FloatArray  # (P,) amount actually entering the state
    start_min: float
    duration_min: float


@dataclass(frozen=True)
class EsketaminePatients:
    """Per-patient Perez-Ruixo parameters (shape (P,) each), rates per hour as published."""

    vc_l: FloatArray
    vp1_l: FloatArray
    qh_l_h: FloatArray
    vh_l: FloatArray
    kel_per_h: FloatArray
    kmet_per_h: FloatArray
    cln_l_h: FloatArray
    vcn_l: FloatArray
    ka_nasal_per_h: FloatArray
    ka_swallowed_per_h: FloatArray
    frn_first_device: FloatArray


def _add_flow(a: FloatArray, src: int, dst: int, k: FloatArray) -> None:
    """First-order transfer src -> dst with rate constant k (P,)."""
    a[:, src, src] -= k
    a[:, dst, src] += k


def racemic_system(
    params: MammillaryParameters,
    regimen: Regimen,
    weight_kg: FloatArray,
    ke0_per_min: float = KE0_PER_MIN,
    absorption: Mapping[str, Absorption] | None = None,
) -> tuple[LinearSystem, list[Input]]:
    """Mammillary disposition + one depot per extravascular route + effect site.

    ``absorption`` overrides the default F / ka of a route (``routes.RACEMIC_ABSORPTION``),
    e.g. the labelled ASSUMPTIONS for IM ka or intranasal racemic F and ka.
    """
    routes = regimen.routes
    absorption = absorption or {}
    absorb = {r: absorption.get(r, absorption_for(r)) for r in routes}
    names = ["central", "peripheral2"]
    has_third = bool(np.any(params.v3_l > 0))
    if has_third:
        names.append("peripheral3")
    depots = [r for r in routes if absorb[r].ka_per_min is not None]
    names += [f"depot_{r}" for r in depots]
    names.append("effect_site")
    n_pat, n = params.v1_l.shape[0], len(names)
    a = np.zeros((n_pat, n, n))
    c, p2 = 0, 1
    a[:, c, c] -= params.cl_l_min / params.v1_l
    _add_flow(a, c, p2, params.q2_l_min / params.v1_l)
    _add_flow(a, p2, c, params.q2_l_min / params.v2_l)
    if has_third:
        p3 = names.index("peripheral3")
        _add_flow(a, c, p3, params.q3_l_min / params.v1_l)
        _add_flow(a, p3, c, params.q3_l_min / params.v3_l)
    for r in depots:
        ka = absorb[r].ka_per_min
        assert ka is not None
        _add_flow(a, names.index(f"depot_{r}"), c, np.full(n_pat, ka))
    e = names.index("effect_site")
    a[:, e, c] += ke0_per_min * MG_PER_L_TO_NG_PER_ML / params.v1_l
    a[:, e, e] -= ke0_per_min
    plasma = np.zeros((n_pat, n))
    plasma[:, c] = MG_PER_L_TO_NG_PER_ML / params.v1_l
    effect = np.zeros((n_pat, n))
    effect[:, e] = 1.0
    system = LinearSystem(
        rate_matrix_per_min=a,
        state_names=tuple(names),
        output_weights={"plasma": plasma, "effect_site": effect},
        parent_states=tuple(i for i, s in enumerate(names) if s != "effect_site"),
        parent_clearance_l_min=params.cl_l_min,
    )
    inputs = []
    for dose in regimen.doses:
        route = absorb[dose.route]
        state = c if route.ka_per_min is None else names.index(f"depot_{dose.route}")
        amount = _amounts(dose.dose_mg, dose.dose_mg_per_kg, weight_kg) * route.bioavailability
        inputs.append(Input(state, amount, dose.start_min, dose.duration_min))
    return system, inputs


def _amounts(
    dose_mg: float | None, dose_mg_per_kg: float | None, weight_kg: FloatArray
) -> FloatArray:
    if dose_mg is not None:
        return np.full(weight_kg.shape, dose_mg)
    assert dose_mg_per_kg is not None
    return np.asarray(dose_mg_per_kg * weight_kg, dtype=np.float64)


def esketamine_system(
    pat: EsketaminePatients,
    regimen: Regimen,
    weight_kg: FloatArray,
    model: EsketamineModel = PEREZ_RUIXO_2021,
    ke0_per_min: float = KE0_PER_MIN,
    japanese: FloatArray | None = None,
) -> tuple[LinearSystem, list[Input]]:
    """Perez-Ruixo 2021 [P2]: nasal depot, swallowed depot, 3 compartments, liver,
    noresketamine central + peripheral, effect site. Weight is not a covariate [P2]."""
    names = (
        "nasal_depot",
        "swallowed_depot",
        "central",
        "peripheral1",
        "peripheral2",
        "liver",
        "noresketamine_central",
        "noresketamine_peripheral",
        "effect_site",
    )
    nd, sd, c, p1, p2, liv, nc, npp, e = range(len(names))
    n_pat = pat.vc_l.shape[0]
    a = np.zeros((n_pat, len(names), len(names)))
    per_min = 1.0 / MIN_PER_H
    full = np.ones(n_pat)
    _add_flow(a, nd, c, pat.ka_nasal_per_h * per_min)
    _add_flow(a, sd, liv, pat.ka_swallowed_per_h * per_min)
    _add_flow(a, c, p1, model.q1_l_h * per_min / pat.vc_l)
    _add_flow(a, p1, c, model.q1_l_h * per_min / pat.vp1_l)
    _add_flow(a, c, p2, model.q2_l_h * per_min / pat.vc_l)
    _add_flow(a, p2, c, full * model.q2_l_h * per_min / model.vp2_l)
    _add_flow(a, c, liv, pat.qh_l_h * per_min / pat.vc_l)
    _add_flow(a, liv, c, pat.qh_l_h * per_min / pat.vh_l)
    a[:, liv, liv] -= pat.kel_per_h * per_min
    _add_flow(a, liv, nc, pat.kmet_per_h * per_min)
    a[:, nc, nc] -= pat.cln_l_h * per_min / pat.vcn_l
    _add_flow(a, nc, npp, full * model.q3_l_h * per_min / pat.vcn_l)
    _add_flow(a, npp, nc, full * model.q3_l_h * per_min / model.vpn_l)
    a[:, e, c] += ke0_per_min * MG_PER_L_TO_NG_PER_ML / pat.vc_l
    a[:, e, e] -= ke0_per_min
    weights = {}
    for out, state, vol in (
        ("plasma", c, pat.vc_l),
        ("noresketamine", nc, pat.vcn_l),
        ("effect_site", e, None),
    ):
        w = np.zeros((n_pat, len(names)))
        w[:, state] = 1.0 if vol is None else MG_PER_L_TO_NG_PER_ML / vol
        weights[out] = w
    cl_int = pat.vh_l * (pat.kel_per_h + pat.kmet_per_h)
    clearance = pat.qh_l_h * cl_int / (pat.qh_l_h + cl_int) * per_min  # well-stirred [P2]
    system = LinearSystem(a, names, weights, (nd, sd, c, p1, p2, liv), clearance)
    inputs = []
    jp = np.zeros(n_pat) if japanese is None else japanese
    for dose in regimen.doses:
        amount = _amounts(dose.dose_mg, dose.dose_mg_per_kg, weight_kg)
        devices = np.maximum(1, np.round(amount / model.device_mg))
        later = model.frn_later_device_factor
        frn = pat.frn_first_device * (1 + (devices - 1) * later) / devices
        frn = np.minimum(frn * model.frn_japanese_factor**jp, 1.0)
        inputs.append(Input(nd, amount * frn, dose.start_min, 0.0))
        swallowed = amount * (1 - frn) * model.f_gut
        inputs.append(Input(sd, swallowed, dose.start_min, model.swallowed_duration_h * MIN_PER_H))
    return system, inputs
