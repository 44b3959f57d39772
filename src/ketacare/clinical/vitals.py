"""Vital signs as recorded at a session, and the blood-pressure comparisons the rules use.

Only definitional checks are made here (a pressure is positive, systolic above diastolic,
SpO2 is a percentage, a temperature is one a living patient can have); clinical thresholds
live with the rules that use them (news2.py, monitoring.py).
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
    respiratory_rate_per_min: int | None = None
    temperature_c: float | None = None
    on_supplemental_oxygen: bool = False

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
        rate = self.respiratory_rate_per_min
        if rate is not None and rate <= 0:
            raise InvalidClinicalInput(f"respiratory_rate_per_min {rate} must be positive")
        if self.temperature_c is not None and not 25 <= self.temperature_c <= 45:
            raise InvalidClinicalInput(
                f"temperature_c {self.temperature_c} must be within 25-45 (degrees Celsius)"
            )

    @property
    def blood_pressure(self) -> BloodPressure:
        return BloodPressure(self.systolic_mmhg, self.diastolic_mmhg)

    def bp_above(self, limit: BloodPressure) -> bool:
        """True when systolic or diastolic is above the limit (the label's ">140/90" form)."""
        return (
            self.systolic_mmhg > limit.systolic_mmhg or self.diastolic_mmhg > limit.diastolic_mmhg
        )
