"""Run-sheet rules that are not vital signs: the esketamine device log and when sedation
(MOAA/S) and dissociation (CADSS) are assessed.

Device log. Esketamine is given in 28 mg devices with a 5-minute rest between devices (S3).
The label states the rest as an instruction for giving the drug, not as a limit beyond which
the dose is unsafe, and the run sheet records what happened: so a shorter rest is recorded
with a visible deviation (a warning the nurse sees and the signed record keeps), never refused
(refusing would leave the dose that was actually given undocumented). A device count that
does not match the dose, or devices out of order, is an entry error and is refused.

Assessment schedule. No source gives assessment times for MOAA/S or CADSS, so they follow
what is sourced: sedation (MOAA/S, N3) at every planned vital-sign check after dosing, since
discharge needs MOAA/S 5 (N3) and sedation peaks with the drug; dissociation (CADSS) at the
expected peak, 40 min (CADSS measured at 40 min, P23; esketamine peak S1 §5.6) and before
discharge, where the REMS form asks whether dissociation occurred (S11).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ketacare.clinical.dosing import ESKETAMINE_DEVICE_MG
from ketacare.clinical.errors import InvalidClinicalInput
from ketacare.clinical.monitoring import VitalsCheck
from ketacare.clinical.routes import Route

DEVICE_REST_MINUTES = 5  # S3: "wait 5 minutes between each device"
CADSS_PEAK_MINUTE = 40  # P23 (CADSS at 40 min); S1 §5.6 (esketamine peak ~40 min)


def device_deviations(dose_mg: float, device_times: Sequence[datetime]) -> tuple[str, ...]:
    """Warnings for a device log; raises InvalidClinicalInput for an impossible one."""
    devices, remainder = divmod(dose_mg, ESKETAMINE_DEVICE_MG)
    if remainder:
        raise InvalidClinicalInput(
            f"dose_mg {dose_mg:g}: esketamine is given in whole 28 mg devices (S3, S6)"
        )
    if len(device_times) != int(devices):
        raise InvalidClinicalInput(
            f"device_times: {dose_mg:g} mg is {int(devices)} device(s) of 28 mg (S3); "
            f"{len(device_times)} time(s) given"
        )
    warnings = []
    pairs = zip(device_times, device_times[1:], strict=False)
    for number, (before, after) in enumerate(pairs, start=2):
        gap = (after - before).total_seconds() / 60
        if gap <= 0:
            raise InvalidClinicalInput(
                f"device_times: device {number} must be after device {number - 1}"
            )
        if gap < DEVICE_REST_MINUTES:
            warnings.append(
                f"Device {number} was used {gap:g} min after device {number - 1}; the label "
                f"asks for a {DEVICE_REST_MINUTES}-minute rest between devices (S3)."
            )
    return tuple(warnings)


@dataclass(frozen=True)
class PlannedAssessment:
    minute: int
    kind: str  # "sedation" or "dissociation"
    reason: str
    source: str


def assessment_schedule(
    route: Route, vitals: Sequence[VitalsCheck]
) -> tuple[PlannedAssessment, ...]:
    """Planned sedation and dissociation assessments of one session, from its vitals
    schedule; none at home (no clinician present to assess, H1)."""
    if route is Route.AT_HOME_SUBLINGUAL:
        return ()
    after_dose = [check.minute for check in vitals if check.minute > 0]
    planned = [
        PlannedAssessment(m, "sedation", "MOAA/S with the planned check", "N3") for m in after_dose
    ]
    if after_dose:
        last = max(after_dose)
        peak = min((m for m in after_dose if m >= CADSS_PEAK_MINUTE), default=last)
        planned.append(PlannedAssessment(peak, "dissociation", "expected peak", "P23, S1 §5.6"))
        if last != peak:
            planned.append(PlannedAssessment(last, "dissociation", "before discharge", "S11"))
    return tuple(sorted(planned, key=lambda p: (p.minute, p.kind)))
