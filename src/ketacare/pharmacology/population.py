"""Virtual patients: covariates plus log-normal inter-individual variability (IIV).

A parameter with coefficient of variation CV is drawn as typical x exp(eta), eta ~
N(0, omega^2) with omega^2 = ln(1 + CV^2) (the usual NONMEM exponential model, as in
[P2]). Covariates are applied as each source specifies: weight for the racemic models
(linear or allometric), age above 60 (hepatic flow) and Asian / Japanese ancestry for
esketamine [P2]. Weight is not a covariate of esketamine [P2]. Everything is seeded:
the same seed gives the same patients.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ketacare.pharmacology.models import (
    DEFAULT_IIV_CV,
    ESKETAMINE_FRN_LOGIT_SD,
    ESKETAMINE_IIV_CV,
    PEREZ_RUIXO_2021,
    RACEMIC_MODELS,
    FloatArray,
    scale_mammillary,
)
from ketacare.pharmacology.regimen import Regimen
from ketacare.pharmacology.routes import Absorption
from ketacare.pharmacology.systems import (
    KE0_PER_MIN,
    EsketaminePatients,
    Input,
    LinearSystem,
    esketamine_system,
    racemic_system,
)

# Noresketamine kmet IIV is stated but not reported in [P2]; nlmixr2lib uses a 30% CV
# placeholder. ASSUMPTION: kmet has no IIV here (typical value for all patients) unless
# ``iiv_cv`` has a "kmet" key; likewise "vcn" (P2 Table 3: 31.6%, not in the domain file).


@dataclass(frozen=True)
class Covariates:
    """Per-patient covariates, each of shape (P,)."""

    weight_kg: FloatArray
    age_years: FloatArray
    asian: FloatArray  # 1.0 / 0.0
    japanese: FloatArray  # 1.0 / 0.0 (Japanese implies Asian in [P2])

    @property
    def n(self) -> int:
        return int(self.weight_kg.shape[0])


def covariates(
    n_patients: int,
    weight_kg: float | FloatArray,
    age_years: float | FloatArray = 40.0,
    asian: bool | FloatArray = False,
    japanese: bool | FloatArray = False,
) -> Covariates:
    """Broadcast scalar or per-patient covariates; ValueError naming a bad argument."""
    if n_patients < 1:
        raise ValueError(f"n_patients must be >= 1; got {n_patients!r}")

    def arr(name: str, value: float | bool | FloatArray, lo: float, hi: float) -> FloatArray:
        a = np.broadcast_to(np.asarray(value, dtype=np.float64), (n_patients,)).copy()
        if not np.all(np.isfinite(a)) or np.any(a < lo) or np.any(a > hi):
            raise ValueError(f"{name} must be within {lo:g}-{hi:g}; got {value!r}")
        return a

    jp = arr("japanese", japanese, 0.0, 1.0)
    return Covariates(
        weight_kg=arr("weight_kg", weight_kg, 2.0, 350.0),
        age_years=arr("age_years", age_years, 0.0, 120.0),
        # a Japanese subject is also Asian in [P2] (both kel and CLn effects apply)
        asian=np.maximum(arr("asian", asian, 0.0, 1.0), jp),
        japanese=jp,
    )


def lognormal_factors(
    rng: np.random.Generator | None, n: int, cv: Mapping[str, float]
) -> dict[str, FloatArray]:
    """exp(eta) per parameter; all ones when ``rng`` is None (typical patient)."""
    if rng is None:
        return {k: np.ones(n) for k in cv}
    out = {}
    for key in sorted(cv):
        c = cv[key]
        if c < 0:
            raise ValueError(f"iiv_cv[{key!r}] must be >= 0; got {c!r}")
        omega = np.sqrt(np.log1p(c * c))
        out[key] = np.exp(rng.normal(0.0, omega, n))
    return out


def _esketamine_patients(
    cov: Covariates, rng: np.random.Generator | None, iiv_cv: Mapping[str, float]
) -> EsketaminePatients:
    m = PEREZ_RUIXO_2021
    drawn = lognormal_factors(rng, cov.n, iiv_cv)
    ones = np.ones(cov.n)
    keys = ("vc", "vp1", "qh", "vh", "kel", "kmet", "cln", "vcn", "ka_nasal", "ka_swallowed")
    f = {k: drawn.get(k, ones) for k in keys}
    logit = np.log(m.frn_first_device / (1 - m.frn_first_device))
    eta_frn = np.zeros(cov.n) if rng is None else rng.normal(0.0, ESKETAMINE_FRN_LOGIT_SD, cov.n)
    qh = m.qh_l_h - m.qh_loss_l_h_per_year_over_60 * np.maximum(0.0, cov.age_years - 60.0)
    return EsketaminePatients(
        vc_l=m.vc_l * f["vc"],
        vp1_l=m.vp1_l * f["vp1"],
        qh_l_h=np.maximum(qh, 1.0) * f["qh"],
        vh_l=m.vh_l * f["vh"],
        kel_per_h=m.kel_per_h * f["kel"] * m.kel_asian_factor**cov.asian,
        kmet_per_h=m.kmet_per_h * f["kmet"],
        cln_l_h=m.cln_l_h * f["cln"] * m.cln_asian_factor**cov.asian,
        vcn_l=m.vcn_l * f["vcn"],
        ka_nasal_per_h=m.ka_nasal_per_h * f["ka_nasal"],
        ka_swallowed_per_h=m.ka_swallowed_per_h * f["ka_swallowed"],
        frn_first_device=1.0 / (1.0 + np.exp(-(logit + eta_frn))),
    )


def build_system(
    regimen: Regimen,
    cov: Covariates,
    *,
    model: str = "clements250",
    seed: int | None = None,
    iiv_cv: Mapping[str, float] | None = None,
    ke0_per_min: float = KE0_PER_MIN,
    absorption: Mapping[str, Absorption] | None = None,
) -> tuple[LinearSystem, list[Input]]:
    """The linear systems and inputs of ``cov.n`` patients on ``regimen``.

    ``seed`` None gives typical patients (no IIV). ``model`` picks the racemic
    disposition model (ignored for esketamine, which always uses Perez-Ruixo 2021).
    ``iiv_cv`` replaces the default CVs (``DEFAULT_IIV_CV[model]`` or
    ``ESKETAMINE_IIV_CV``); a parameter missing from it has no variability.
    ``absorption`` overrides a racemic route's F / ka (see :func:`systems.racemic_system`).
    """
    if not (np.isfinite(ke0_per_min) and ke0_per_min > 0):
        raise ValueError(f"ke0_per_min must be > 0; got {ke0_per_min!r}")
    rng = None if seed is None else np.random.default_rng(seed)
    if regimen.is_esketamine:
        pat = _esketamine_patients(cov, rng, ESKETAMINE_IIV_CV if iiv_cv is None else iiv_cv)
        return esketamine_system(
            pat, regimen, cov.weight_kg, ke0_per_min=ke0_per_min, japanese=cov.japanese
        )
    if model not in RACEMIC_MODELS:
        raise ValueError(f"model must be one of {', '.join(RACEMIC_MODELS)}; got {model!r}")
    cv = DEFAULT_IIV_CV[model] if iiv_cv is None else iiv_cv
    factors = lognormal_factors(rng, cov.n, cv)
    params = scale_mammillary(RACEMIC_MODELS[model], cov.weight_kg, factors)
    return racemic_system(params, regimen, cov.weight_kg, ke0_per_min, absorption)
