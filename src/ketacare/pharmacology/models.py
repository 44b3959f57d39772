"""Disposition models of ketamine and esketamine, with their published parameters.

Every number below comes from ``shared/domain/pharmacology.md``; the key in brackets
(P1, P2, ...) is that file's reference list. Rate constants are per minute, volumes
in litres, clearances in litres per minute, amounts in mg.

Racemic ketamine models are mammillary (central + 1 or 2 peripheral compartments).
They are described here by volumes and clearances so that inter-individual variability
can be applied to the physiological quantities (V1, CL, Q2, V2, ...), then converted
back to micro-constants by :func:`mammillary_micro_constants`.

Esketamine uses Perez-Ruixo 2021 [P2]: three compartments plus a hepato-portal
(well-stirred liver) compartment through which the swallowed part of a nasal dose
passes, and a two-compartment apparent noresketamine model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

MIN_PER_H = 60.0
REFERENCE_WEIGHT_KG = 70.0


@dataclass(frozen=True)
class MammillaryModel:
    """A racemic ketamine model as published (micro-constants per kg or per 70 kg).

    ``weight_scaling`` is how the source scales with body weight:
    ``"linear"``: volumes and clearances proportional to weight (micro-constants fixed);
    ``"allometric"``: clearances x (W/70)^0.75, volumes x (W/70).
    """

    name: str
    source: str
    population: str
    v1_l_at_70kg: float
    cl_l_min_at_70kg: float
    q2_l_min_at_70kg: float
    v2_l_at_70kg: float
    q3_l_min_at_70kg: float = 0.0
    v3_l_at_70kg: float = 0.0
    weight_scaling: str = "linear"


def _from_micro(
    name: str,
    source: str,
    population: str,
    v1_l_per_kg: float,
    k10: float,
    k12: float,
    k21: float,
    k13: float = 0.0,
    k31: float = 0.0,
) -> MammillaryModel:
    """Express a micro-constant model (V1 per kg, k per min) as volumes/clearances at 70 kg."""
    v1 = v1_l_per_kg * REFERENCE_WEIGHT_KG
    return MammillaryModel(
        name=name,
        source=source,
        population=population,
        v1_l_at_70kg=v1,
        cl_l_min_at_70kg=k10 * v1,
        q2_l_min_at_70kg=k12 * v1,
        v2_l_at_70kg=k12 * v1 / k21,
        q3_l_min_at_70kg=k13 * v1,
        v3_l_at_70kg=(k13 * v1 / k31) if k31 > 0 else 0.0,
    )


# Clements 250 ug/kg (BJA 1981;53:27), as coded in opentiva [P1]: V1 1.7522 L/kg,
# k10 0.0109, k12 0.0186, k21 0.0137 /min. CL ~80 L/h, Vss ~289 L at 70 kg (calc),
# close to Kamp 2020's meta-analytic 79 L/h and 252 L [P5]. Default for adults.
CLEMENTS_250 = _from_micro(
    "clements250",
    "Clements 1981 via opentiva [P1]",
    "adults, racemic",
    v1_l_per_kg=1.7522,
    k10=0.0109,
    k12=0.0186,
    k21=0.0137,
)

# Domino (opentiva [P1]; primary reference not verified): V1 0.063 L/kg, k10 0.4381,
# k12 0.5921, k13 0.5900, k21 0.2470, k31 0.0146 /min. CL ~116 L/h, Vss ~193 L (calc).
DOMINO = _from_micro(
    "domino",
    "Domino via opentiva [P1]",
    "adults, racemic",
    v1_l_per_kg=0.063,
    k10=0.4381,
    k12=0.5921,
    k21=0.2470,
    k13=0.5900,
    k31=0.0146,
)

# Hijazi 2003 (children <= 18 y), opentiva [P1]: V1 1.08 L/kg, k10 0.0333, k12 0.0088,
# k21 0.0030 /min.
HIJAZI = _from_micro(
    "hijazi",
    "Hijazi 2003 via opentiva [P1]",
    "children <= 18 y, racemic",
    v1_l_per_kg=1.08,
    k10=0.0333,
    k12=0.0088,
    k21=0.0030,
)

# Herd 2007 (children 1-14 y) [P6, P1]: per 70 kg V1 38.7 L, V2 102 L, CL 90 L/h,
# Q 215 L/h; CL, Q x (W/70)^0.75, V x W/70.
HERD = MammillaryModel(
    name="herd",
    source="Herd 2007 [P6, P1]",
    population="children 1-14 y, racemic",
    v1_l_at_70kg=38.7,
    cl_l_min_at_70kg=90.0 / MIN_PER_H,
    q2_l_min_at_70kg=215.0 / MIN_PER_H,
    v2_l_at_70kg=102.0,
    weight_scaling="allometric",
)

# Hornik 2018 (1-18 y) [P1] as coded: V1 32.8 L, V2 152 L, CL 38.9 L/h, Q 54.9 L/h per
# 70 kg, allometric 0.75 / 1.
HORNIK = MammillaryModel(
    name="hornik",
    source="Hornik 2018 via opentiva [P1]",
    population="children 1-18 y, racemic",
    v1_l_at_70kg=32.8,
    cl_l_min_at_70kg=38.9 / MIN_PER_H,
    q2_l_min_at_70kg=54.9 / MIN_PER_H,
    v2_l_at_70kg=152.0,
    weight_scaling="allometric",
)

RACEMIC_MODELS: dict[str, MammillaryModel] = {
    m.name: m for m in (CLEMENTS_250, DOMINO, HIJAZI, HERD, HORNIK)
}

# Herd 2007 between-subject variability [P6]: V1 64%, V2 51.7%, CL 38.1%, Q 19%.
HERD_IIV_CV = {"v1": 0.64, "v2": 0.517, "cl": 0.381, "q2": 0.19}

# ASSUMPTION (borrowed IIV): no inter-individual variability is published for the
# adult racemic models (Clements, Domino). Defaults borrow sourced CVs of related
# models: CL 13% from Fanta 2015 (S-ketamine, adults) [P8]; V1 27.5% and V2 49.3%
# from Perez-Ruixo 2021 (esketamine Vc, Vp1) [P2]. Q2, Q3, V3: no variability.
# Override with the ``iiv_cv`` argument of the population functions.
BORROWED_ADULT_IIV_CV = {"cl": 0.13, "v1": 0.275, "v2": 0.493}

DEFAULT_IIV_CV: dict[str, dict[str, float]] = {
    "clements250": BORROWED_ADULT_IIV_CV,
    "domino": BORROWED_ADULT_IIV_CV,
    "hijazi": HERD_IIV_CV,  # ASSUMPTION: Herd's paediatric BSV borrowed for Hijazi
    "herd": HERD_IIV_CV,
    "hornik": HERD_IIV_CV,  # ASSUMPTION: Herd's paediatric BSV borrowed for Hornik
}


@dataclass(frozen=True)
class MammillaryParameters:
    """Per-patient volumes (L) and clearances (L/min); every field has shape (P,)."""

    v1_l: FloatArray
    cl_l_min: FloatArray
    q2_l_min: FloatArray
    v2_l: FloatArray
    q3_l_min: FloatArray
    v3_l: FloatArray


def scale_mammillary(
    model: MammillaryModel, weight_kg: FloatArray, iiv_factors: dict[str, FloatArray]
) -> MammillaryParameters:
    """Scale a model to each patient's weight, then apply multiplicative IIV factors.

    ``iiv_factors`` maps "v1", "cl", "q2", "v2", "q3", "v3" to arrays of multipliers
    (missing keys mean no variability).
    """
    w = np.asarray(weight_kg, dtype=np.float64) / REFERENCE_WEIGHT_KG
    vol = w
    flow = w if model.weight_scaling == "linear" else w**0.75
    ones = np.ones_like(w)

    def f(key: str) -> FloatArray:
        return np.asarray(iiv_factors.get(key, ones), dtype=np.float64)

    return MammillaryParameters(
        v1_l=model.v1_l_at_70kg * vol * f("v1"),
        cl_l_min=model.cl_l_min_at_70kg * flow * f("cl"),
        q2_l_min=model.q2_l_min_at_70kg * flow * f("q2"),
        v2_l=model.v2_l_at_70kg * vol * f("v2"),
        q3_l_min=model.q3_l_min_at_70kg * flow * f("q3"),
        v3_l=model.v3_l_at_70kg * vol * f("v3"),
    )


def clearance_and_vss(model: MammillaryModel, weight_kg: float = 70.0) -> tuple[float, float]:
    """Typical clearance (L/h) and steady-state volume (L) of a racemic model."""
    p = scale_mammillary(model, np.array([weight_kg]), {})
    vss = p.v1_l + p.v2_l + p.v3_l
    return float(p.cl_l_min[0] * MIN_PER_H), float(vss[0])


@dataclass(frozen=True)
class EsketamineModel:
    """Perez-Ruixo 2021 esketamine + noresketamine model [P2] (Table 3, via nlmixr2lib).

    Rates per hour and flows in L/h as published; :mod:`systems` converts to minutes.
    """

    vc_l: float = 192.0  # [P2] Vc
    q1_l_h: float = 84.3  # [P2] Q1
    vp1_l: float = 143.0  # [P2] Vp1
    q2_l_h: float = 37.6  # [P2] Q2
    vp2_l: float = 417.0  # [P2] Vp2
    qh_l_h: float = 151.0  # [P2] hepatic blood flow, -2.19 L/h per year above 60
    qh_loss_l_h_per_year_over_60: float = 2.19  # [P2]
    vh_l: float = 101.0  # [P2] hepato-portal volume
    kel_per_h: float = 1.11  # [P2] hepatic elimination to other metabolites (x0.36 Asian)
    kel_asian_factor: float = 0.36  # [P2]
    kmet_per_h: float = 2.77  # [P2] hepatic metabolism to noresketamine
    vcn_l: float = 70.0  # [P2] noresketamine Vcn/F
    cln_l_h: float = 38.0  # [P2] noresketamine CLn/F (x0.81 Asian)
    cln_asian_factor: float = 0.81  # [P2]
    vpn_l: float = 115.0  # [P2] Vpn/F
    q3_l_h: float = 26.1  # [P2] Q3/F
    frn_first_device: float = 0.54  # [P2, P22] nasal fraction of the first 28-mg device
    frn_later_device_factor: float = 0.62  # [P2] x0.62 for each later device
    # NOT IN THE DOMAIN FILE: Japanese on FRn x1.34 is P2 Table 3 as encoded by nlmixr2lib
    # (the domain file only says "covariates in P2", V4); it reproduces the Japanese
    # Table 4 Cmax within 10% (test). To be added to shared/domain/pharmacology.md.
    frn_japanese_factor: float = 1.34  # [P2 Table 3 via nlmixr2lib]
    ka_nasal_per_h: float = 2.93  # [P2]
    swallowed_duration_h: float = 0.53  # [P2] zero-order Dsw
    ka_swallowed_per_h: float = 1.45  # [P2]
    f_gut: float = 0.64  # [P2]
    device_mg: float = 28.0  # [P22] one Spravato device delivers 28 mg


PEREZ_RUIXO_2021 = EsketamineModel()

# Perez-Ruixo 2021 IIV (CV) in the domain file [P2]: Vc 27.5%, Vp1 49.3%, Qh 23.2%,
# Vh 34.6%, kel 120%, CLn 25.4%.
# NOT IN THE DOMAIN FILE (P2 Table 3 as encoded by nlmixr2lib, to be added there):
# ka_n 61.5%; ka_sw 132% (the domain file gives 132% for ka_po, which Table 3 shares
# with ka_sw); logit-additive SD 0.708 on FRn (nlmixr2lib's reading of "70.8").
# Table 3 also has Vcn/F 31.6% and an IIV on kmet whose value is blank; neither is in
# the default (ASSUMPTION: no IIV). Pass ``iiv_cv`` to the population functions with
# keys "vcn" and/or "kmet" to add them.
ESKETAMINE_IIV_CV = {
    "vc": 0.275,
    "vp1": 0.493,
    "qh": 0.232,
    "vh": 0.346,
    "kel": 1.20,
    "cln": 0.254,
    "ka_nasal": 0.615,
    "ka_swallowed": 1.32,
}
ESKETAMINE_FRN_LOGIT_SD = 0.708  # [P2 Table 3 via nlmixr2lib] additive on logit(FRn)


def effective_nasal_fraction(dose_mg: float, model: EsketamineModel = PEREZ_RUIXO_2021) -> float:
    """Mean nasal fraction FRn over the devices of one dose (0.54, 0.4375, 0.4032 ...) [P2].

    The first 28-mg device absorbs 0.54 nasally, each later device 0.62 times that.
    """
    devices = max(1, round(dose_mg / model.device_mg))
    first = model.frn_first_device
    return (first + (devices - 1) * first * model.frn_later_device_factor) / devices
