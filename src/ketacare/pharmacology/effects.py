"""Acute effects other than the antidepressant one: the dissociation window and blood pressure.

Dissociation: 100-250 ng/mL is the plasma range during the dissociative phase of
0.5 mg/kg over 40 min (Krystal 1994 via Zanos 2018 [P13]); dissociative/psychedelic VAS
rises linearly with concentration between 50 and 200 ng/mL (Bowdle 1998 [P12]). The
domain file has no sigmoid-Emax C50 for dissociation (unsourced), so the scale below is
linear on that range and clipped outside it, not a fitted Emax model.

Blood pressure: after intranasal esketamine, systolic +7 to +9 and diastolic +4 to +6 mmHg
on average, peaking about 40 min after the dose and lasting about 4 h (Spravato label
[P22]). The SHAPE between those published points is an ASSUMPTION (a gamma-like rise and
fall, ``shape_power``); only the peak time, peak size and duration are sourced.
No sourced concentration-BP relation exists for racemic IV ketamine at clinic doses in
the domain file (P30 covers anaesthetic S-ketamine concentrations), so none is modelled.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ketacare.pharmacology.models import FloatArray

VAS_LINEAR_RANGE_NG_ML = (50.0, 200.0)  # [P12]


def dissociation_scale(conc_ng_ml: npt.ArrayLike) -> FloatArray:
    """0 at <= 50 ng/mL, 1 at >= 200 ng/mL, linear between [P12] (relative scale)."""
    lo, hi = VAS_LINEAR_RANGE_NG_ML
    c = np.asarray(conc_ng_ml, dtype=np.float64)
    return np.asarray(np.clip((c - lo) / (hi - lo), 0.0, 1.0))


@dataclass(frozen=True)
class BloodPressureRise:
    """Average BP rise after one esketamine dose [P22]; shape is an ASSUMPTION."""

    systolic_peak_mmhg: float = 8.0  # [P22] +7 to +9 (midpoint)
    diastolic_peak_mmhg: float = 5.0  # [P22] +4 to +6 (midpoint)
    peak_min: float = 40.0  # [P22]
    duration_min: float = 240.0  # [P22] ~4 h
    shape_power: float = 2.0  # ASSUMPTION: (t/tp)^a e^{a(1 - t/tp)} profile

    def profile(self, minutes_after_dose: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
        """(systolic, diastolic) rise in mmHg at each time after the dose."""
        t = np.asarray(minutes_after_dose, dtype=np.float64)
        if not np.all(np.isfinite(t)):
            raise ValueError("minutes_after_dose must be finite")
        x = np.maximum(t, 0.0) / self.peak_min
        a = self.shape_power
        shape = x**a * np.exp(a * (1.0 - x))
        # past the published duration the rise is taken as over
        shape = np.where(t <= self.duration_min, shape, 0.0)
        return self.systolic_peak_mmhg * shape, self.diastolic_peak_mmhg * shape

    def fraction_left_at_duration(self) -> float:
        x = self.duration_min / self.peak_min
        a = self.shape_power
        return float(x**a * math.exp(a * (1.0 - x)))


ESKETAMINE_BP = BloodPressureRise()
