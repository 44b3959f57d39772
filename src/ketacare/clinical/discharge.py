"""Discharge readiness after an in-clinic session, with every unmet criterion listed.

Esketamine: at least 2 hours of observation, then a clinician's assessment of clinical
stability (S1 §5.1-5.2, S10). IV: the recovery time after the infusion (K21). IM: only a
clinic-set time (none published). Always: no driving until the next day after restful
sleep, and a ride home (S1 §17, S4).
"""

from __future__ import annotations

from dataclasses import dataclass

from ketacare.clinical.alerts import AlertKind, deterioration_alerts
from ketacare.clinical.clinic_settings import DEFAULT_MONITORING, MonitoringSettings
from ketacare.clinical.errors import InvalidClinicalInput
from ketacare.clinical.routes import Route
from ketacare.clinical.vitals import VitalSigns

MOAAS_FULLY_ALERT = 5  # top of the MOAA/S scale (0-5) the label rates sedation on (S1 §5.1)
NO_DRIVING = (
    "No driving or operating machinery until the next day, after a restful sleep "
    "(S1 §17); go home with an escort (S4)."
)


@dataclass(frozen=True)
class DischargeInput:
    """State at the moment the team asks whether the patient may leave.

    `minutes_observed`: esketamine, from the first device (S11); IV, from the end of the
    infusion; IM, from the injection.
    """

    route: Route
    minutes_observed: int
    predose: VitalSigns
    current: VitalSigns
    alert_and_oriented: bool
    escort_present: bool
    clinician_judges_stable: bool
    moaas: int | None = None
    unacknowledged_alerts: int = 0
    """In-session readings whose alerts no clinician has acknowledged with a note."""
    missing_checks: tuple[str, ...] = ()
    """Planned vital-sign checks with no reading (schedule_coverage.py)."""
    missing_checks_reason: str = ""
    """A clinician's recorded reason for discharging with checks missing."""


@dataclass(frozen=True)
class DischargeReadiness:
    is_ready_for_discharge: bool
    unmet: tuple[str, ...]
    instructions: tuple[str, ...]
    notes: tuple[str, ...] = ()


def _minimum_observation(route: Route, settings: MonitoringSettings) -> tuple[int | None, str]:
    if route is Route.ESKETAMINE_NASAL:
        return settings.esketamine_min_observation_minutes, "S1 §5.1-5.2, S10"
    if route is Route.IV_RACEMIC:
        return settings.iv_recovery_minutes, "K21"
    return settings.im_min_observation_minutes, "clinic setting"


def discharge_readiness(
    state: DischargeInput, settings: MonitoringSettings = DEFAULT_MONITORING
) -> DischargeReadiness:
    """Whether the patient may leave, with every unmet criterion listed.

    Vitals are back in range when BP is not above the review threshold, or not above the
    patient's own pre-dose value (the label monitors "until values decline", S1 §5.6), and
    no vital sign is at a NEWS2 alert limit nor the aggregate at urgent (N1, N2).
    """
    if not state.route.is_supervised_in_clinic:
        raise InvalidClinicalInput("route: at-home sessions have no clinic discharge")
    if state.moaas is not None and not 0 <= state.moaas <= MOAAS_FULLY_ALERT:
        raise InvalidClinicalInput(f"moaas {state.moaas} must be within 0-5")
    unmet: list[str] = []
    notes: list[str] = []
    minimum, source = _minimum_observation(state.route, settings)
    if minimum is None:
        notes.append("No minimum IM observation time: the clinic has not set one (unsourced).")
    elif state.minutes_observed < minimum:
        unmet.append(f"observed {state.minutes_observed} min of at least {minimum} min ({source})")
    now, before, review = state.current, state.predose, settings.bp_review_above
    if now.systolic_mmhg > max(
        review.systolic_mmhg, before.systolic_mmhg
    ) or now.diastolic_mmhg > max(review.diastolic_mmhg, before.diastolic_mmhg):
        unmet.append(
            f"BP {now.blood_pressure} not back to {review} or pre-dose "
            f"{before.blood_pressure} (S1 §5.6, S11)"
        )
    if now.spo2_percent is None:
        unmet.append("SpO2 not recorded at the last reading (pulse oximetry, S4, S9)")
    for alert in deterioration_alerts(now, state.moaas, settings):
        if alert.kind is not AlertKind.EXCESSIVE_SEDATION:  # listed as "not alert" below
            unmet.append(f"{alert.message} ({alert.source})")
    if not state.alert_and_oriented or (
        state.moaas is not None and state.moaas < settings.discharge_min_moaas
    ):
        unmet.append(
            f"not alert and oriented (S1 §5.1-5.2; MOAA/S {state.moaas} below "
            f"{settings.discharge_min_moaas}, N3)"
            if state.moaas is not None and state.moaas < settings.discharge_min_moaas
            else "not alert and oriented (S1 §5.1-5.2)"
        )
    if not state.escort_present:
        unmet.append("no escort to take the patient home (S1 §17, S4)")
    if state.missing_checks and not state.missing_checks_reason.strip():
        unmet.append(
            f"planned checks not recorded: {', '.join(state.missing_checks)} (schedule: K9, "
            "K10, S1 §5.6, S11); record them, or the reason they were not taken"
        )
    if state.unacknowledged_alerts:
        unmet.append(
            f"{state.unacknowledged_alerts} reading(s) with alerts not yet acknowledged by a "
            "clinician"
        )
    if not state.clinician_judges_stable:
        unmet.append("clinician has not judged the patient clinically stable (S1 §5.1-5.2, S10)")
    return DischargeReadiness(not unmet, tuple(unmet), (NO_DRIVING,), tuple(notes))
