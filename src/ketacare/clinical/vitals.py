"""Vital signs as recorded at a session, and the blood-pressure comparisons the rules use.

Only definitional checks are made here (a pressure is positive, systolic above diastolic,
SpO2 is a percentage); clinical thresholds live with the rules that use them.
"""

from __future__ import annotations

from dataclasses import dataclass

from ketacare.clinical.errors import InvalidClinicalInput


@dataclass(frozen=True)
class BloodPressure:
    """A threshold pair such as 140/90: exceeded when either number is above its limit."""

    systolic_mmhg: int
    diastolic_mmhg: int

    def __str__(self) -> str:
        return f"{self.systolic_mmhg}/{self.diastolic_mmhg}"


@dataclass(frozen=True)
class VitalSigns:
    systolic_mmhg: int
    diastolic_mmhg: int
    heart_rate_bpm: int | None = None
    spo2_percent: int | None = None

    def __post_init__(self) -> None:
        if self.diastolic_mmhg <= 0 or self.systolic_mmhg <= 0:
            raise InvalidClinicalInput(
                "blood pressure must be positive (systolic_mmhg, diastolic_mmhg)"
            )
        if self.systolic_mmhg <= self.diastolic_mmhg:
            raise InvalidClinicalInput(
                f"systolic_mmhg {self.systolic_mmhg} must be above diastolic_mmhg "
                f"{self.diastolic_mmhg}"
            )
        if self.heart_rate_bpm is not None and self.heart_rate_bpm <= 0:
            raise InvalidClinicalInput(f"heart_rate_bpm {self.heart_rate_bpm} must be positive")
        if self.spo2_percent is not None and not 0 < self.spo2_percent <= 100:
            raise InvalidClinicalInput(f"spo2_percent {self.spo2_percent} must be within 1-100")

    @property
    def blood_pressure(self) -> BloodPressure:
        return BloodPressure(self.systolic_mmhg, self.diastolic_mmhg)

    def bp_above(self, limit: BloodPressure) -> bool:
        """True when systolic or diastolic is above the limit (the label's ">140/90" form)."""
        return (
            self.systolic_mmhg > limit.systolic_mmhg or self.diastolic_mmhg > limit.diastolic_mmhg
        )
