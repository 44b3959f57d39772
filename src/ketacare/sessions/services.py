"""Dosing-session use cases: start (pre-dose check and dose, with hard stops), record vital
signs (in-session alerts), discharge (readiness). The rules are the clinical core's."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ketacare.accounts.actor import Actor
from ketacare.accounts.roles import Action
from ketacare.audit.services import record
from ketacare.clinical import monitoring
from ketacare.clinical.errors import ClinicalRuleError
from ketacare.clinical.news2 import news2
from ketacare.clinical.routes import Route
from ketacare.clinical.vitals import VitalSigns
from ketacare.clinical_input import (
    VITAL_SIGN_FIELDS,
    field_error,
    vital_signs,
    vital_signs_json,
    vital_signs_of,
)
from ketacare.clinics.monitoring_limits import monitoring_settings
from ketacare.consent.services import require_current_consent
from ketacare.measures.services import (
    clear_alerts_before_dosing,
)
from ketacare.patients.gate import get_for, page_of
from ketacare.patients.models import Patient
from ketacare.rems import services as rems
from ketacare.sessions.locking import claim_version, refuse_if_signed
from ketacare.sessions.models import (
    AlertAcknowledgement,
    DosingSession,
    SessionStatus,
    VitalSignsReading,
)
from ketacare.sessions.observation import (
    during_infusion,
    minutes_observed,
    missing_planned_checks,
    reading_time,
)
from ketacare.sessions.predose import (
    SessionStart,
    dose_for,
    predose_decision,
    suicidality_on_record,
    worst_of_day,
)


class SessionAlreadyOpen(ValidationError):
    """The patient already has a session in progress: one at a time."""

    def __init__(self, session: DosingSession | None) -> None:
        self.session = session
        started = (
            f" (started {timezone.localtime(session.started_at):%Y-%m-%d %H:%M})" if session else ""
        )
        super().__init__(
            f"A dosing session of this patient is already in progress{started}: continue or "
            "discharge it before starting another."
        )


def open_session_of(patient: Any) -> DosingSession | None:
    """The patient's session in progress, if any (the chart and start page already read the
    patient through the gate)."""
    return DosingSession.objects.filter(
        clinic_id=patient.clinic_id, patient=patient, status=SessionStatus.IN_PROGRESS
    ).first()


@transaction.atomic
def start_session(actor: Actor, patient_id: Any, start: SessionStart) -> DosingSession:
    patient = get_for(actor, Patient, patient_id, Action.SESSION_RUN)
    already = open_session_of(patient)
    if already is not None:
        raise SessionAlreadyOpen(already)
    require_current_consent(patient, start.route)
    rems.require_enrollment(patient, start.route)  # esketamine: enrolled before the first dose
    today = suicidality_on_record(patient)
    start = worst_of_day(start, today)
    decision, passed = predose_decision(
        actor, start, monitoring_settings(patient.clinic_id), today.open_alerts
    )
    calc, dose_overrides = dose_for(actor, start, float(patient.weight_kg))
    try:
        with transaction.atomic():  # a savepoint: a simultaneous start loses here, cleanly
            session = DosingSession.objects.create(
                clinic=patient.clinic,
                patient=patient,
                route=start.route.value,
                weight_kg=patient.weight_kg,
                dose_mg=calc.dose_mg,
                infusion_minutes=start.infusion_minutes
                if start.route is Route.IV_RACEMIC
                else None,
                dose_limit_mg=calc.limit_mg,
                dose_limit_source=calc.limit_source,
                predose_vitals=vital_signs_json(start.vitals),
                predose_decision=str(decision.decision),
                predose_findings=[
                    {"decision": str(f.decision), "reason": f.reason, "source": f.source}
                    for f in decision.findings
                ],
                overrides=passed + dose_overrides,
                started_by=actor.user,
            )
    except IntegrityError as exc:  # the partial unique index: one in progress per patient
        raise SessionAlreadyOpen(open_session_of(patient)) from exc
    rems.open_form(session)  # esketamine: its REMS monitoring form, due in 7 days
    clear_alerts_before_dosing(actor, today.open_alerts, start.review_note.strip()[:500])
    record(
        actor,
        "create",
        "dosing_session",
        session.public_id,
        patient_id=patient.public_id,
        detail={
            "route": session.route,
            "dose_mg": session.dose_mg,
            "predose": session.predose_decision,
            "overrides": session.overrides,
        },
    )
    return session


def _session_for(
    actor: Actor, session_id: Any, action: str, *, lock: bool = False
) -> DosingSession:
    return get_for(actor, DosingSession, session_id, action, lock=lock)


@transaction.atomic
def view_session(actor: Actor, session_id: Any) -> DosingSession:
    return _session_for(actor, session_id, Action.SESSION_VIEW)


@transaction.atomic
def record_vitals(
    actor: Actor,
    session_id: Any,
    vitals_data: dict[str, Any],
    moaas: int | None,
    taken: time | None = None,
) -> VitalSignsReading:
    session = _session_for(actor, session_id, Action.SESSION_RUN, lock=True)
    refuse_if_signed(session)
    if session.status != SessionStatus.IN_PROGRESS:
        raise ValidationError({"__all__": "This session has ended; readings are closed."})
    taken_at = reading_time(session, taken, timezone.now())
    try:
        current = vital_signs(vitals_data)
        reading = new_reading(session, current, taken_at=taken_at, moaas=moaas,
                              recorded_by=actor.user)  # fmt: skip
    except ClinicalRuleError as exc:
        raise field_error(exc, VITAL_SIGN_FIELDS, "systolic_mmhg") from exc
    record(
        actor,
        "create",
        "vital_signs",
        reading.pk,
        patient_id=session.patient.public_id,
        detail={"session": str(session.public_id),
                "alerts": [alert["kind"] for alert in reading.alerts]},
    )  # fmt: skip
    return reading


def new_reading(
    session: DosingSession, current: VitalSigns, *, taken_at: datetime, moaas: int | None,
    recorded_by: Any,
) -> VitalSignsReading:  # fmt: skip
    """A reading with its alerts and NEWS2 score by the clinical core, at a time already
    checked; the one place a reading's alerts are decided (the run sheet, the demo). The
    core's refusal (ClinicalRuleError) is the caller's to turn into a field error."""
    limits = monitoring_settings(session.clinic_id)
    alerts = monitoring.in_session_alerts(
        vital_signs(session.predose_vitals),
        current,
        moaas=moaas,
        settings=limits,
        during_infusion=during_infusion(session, taken_at),
    )
    score = news2(
        current, moaas, sedation_alert_at_or_below_moaas=limits.sedation_alert_at_or_below_moaas
    )
    return VitalSignsReading.objects.create(
        clinic=session.clinic,
        session=session,
        taken_at=taken_at,
        moaas=moaas,
        recorded_by=recorded_by,
        alerts=[
            {"kind": str(a.kind), "message": a.message, "source": a.source, "action": a.action}
            for a in alerts
        ],
        news2_score=score.aggregate,
        news2_missing=list(score.missing),
        **vital_signs_json(current),
    )


def unacknowledged_readings(session: DosingSession) -> list[VitalSignsReading]:
    """Readings whose alerts no clinician has acknowledged yet, oldest first."""
    return [
        r
        for r in session.readings.filter(acknowledgement__isnull=True).order_by("taken_at", "id")
        if r.alerts
    ]


@transaction.atomic
def acknowledge_alerts(
    actor: Actor, session_id: Any, reading_id: Any, note: str
) -> AlertAcknowledgement:
    """A clinician acknowledges one reading's alerts with a note saying what was done."""
    session = _session_for(actor, session_id, Action.SESSION_RUN, lock=True)
    refuse_if_signed(session)
    try:
        reading = session.readings.get(pk=int(reading_id))
    except (VitalSignsReading.DoesNotExist, ValueError, TypeError) as exc:
        raise ValidationError({"reading": "No such reading in this session."}) from exc
    if not reading.alerts:
        raise ValidationError({"reading": "This reading raised no alert."})
    if AlertAcknowledgement.objects.filter(reading=reading).exists():
        raise ValidationError({"reading": "These alerts are already acknowledged."})
    note = (note or "").strip()
    if not note:
        raise ValidationError(
            {
                "note": "Write what was done about the alert (e.g. infusion paused, prescriber "
                "called, recheck result) before acknowledging it."
            }
        )
    ack = AlertAcknowledgement.objects.create(
        clinic=session.clinic, reading=reading, note=note[:1000], acknowledged_by=actor.user
    )
    record(
        actor,
        "update",
        "vital_signs",
        reading.pk,
        patient_id=session.patient.public_id,
        detail={"acknowledged": [a["kind"] for a in reading.alerts], "note": ack.note},
    )
    return ack


@transaction.atomic
def discharge(
    actor: Actor,
    session_id: Any,
    *,
    alert_and_oriented: bool,
    escort_present: bool,
    clinician_judges_stable: bool,
    missing_checks_reason: str = "",
    version: int | None = None,
) -> monitoring.DischargeReadiness:
    """Discharge when every criterion is met; otherwise say which are not, and keep watching."""
    session = _session_for(actor, session_id, Action.SESSION_RUN, lock=True)
    refuse_if_signed(session)
    if session.status != SessionStatus.IN_PROGRESS:
        raise ValidationError({"__all__": "This session has already ended."})
    last = session.readings.order_by("-taken_at", "-id").first()
    if last is None:
        raise ValidationError({"__all__": "Record vital signs before discharge."})
    missed = missing_planned_checks(session)
    readiness = monitoring.discharge_readiness(
        monitoring.DischargeInput(
            unacknowledged_alerts=len(unacknowledged_readings(session)),
            missing_checks=tuple(f"{m} min" for m in missed),
            missing_checks_reason=missing_checks_reason,
            route=session.route_enum,
            minutes_observed=minutes_observed(session),
            predose=vital_signs(session.predose_vitals),
            current=vital_signs_of(last),
            alert_and_oriented=alert_and_oriented,
            escort_present=escort_present,
            clinician_judges_stable=clinician_judges_stable,
            moaas=last.moaas,
        ),
        monitoring_settings(session.clinic_id),
    )
    if readiness.is_ready_for_discharge:
        claim_version(session, version)
        session.status = SessionStatus.DISCHARGED
        session.discharged_at = timezone.now()
        session.discharge_instructions = list(readiness.instructions)
        session.missed_checks = list(missed)
        session.missed_checks_reason = missing_checks_reason.strip()[:1000] if missed else ""
        session.save(
            update_fields=[
                "status",
                "discharged_at",
                "discharge_instructions",
                "missed_checks",
                "missed_checks_reason",
            ]
        )
    record(
        actor,
        "update",
        "dosing_session",
        session.public_id,
        patient_id=session.patient.public_id,
        detail={
            "discharged": readiness.is_ready_for_discharge,
            "unmet": list(readiness.unmet),
            "missed_checks": list(missed),
            "missed_checks_reason": session.missed_checks_reason,
        },
    )
    return readiness


# Checks a session must pass before it is signed, each raising a ValidationError naming what
# is missing; another use case (e.g. the REMS monitoring form) adds its own here.
SIGNING_CHECKS: list[Any] = []


@transaction.atomic
def sign_session(actor: Actor, session_id: Any, *, version: int | None) -> DosingSession:
    """The signature that locks the run sheet; after it only amendments. Only a role with
    SESSION_SIGN (accounts/roles.py) may sign; the session must have ended."""
    session = _session_for(actor, session_id, Action.SESSION_SIGN, lock=True)
    refuse_if_signed(session)
    if session.status == SessionStatus.IN_PROGRESS:
        raise ValidationError(
            {"__all__": "Discharge the patient (or end the session) before signing."}
        )
    for check in SIGNING_CHECKS:
        check(session)
    claim_version(session, version)  # a stale page is told to reload before anything else
    missing = rems.missing_fields(actor, session)
    if missing:  # an esketamine session's REMS Patient Monitoring Form is complete first (S11)
        names = ", ".join(field.label for field in missing)
        message = f"The REMS Patient Monitoring Form lacks: {names}. Complete it before signing."
        raise ValidationError({"rems": message})
    session.signed_at = timezone.now()
    session.signed_by = actor.user
    session.save(update_fields=["signed_at", "signed_by"])
    record(
        actor,
        "update",
        "dosing_session",
        session.public_id,
        patient_id=session.patient.public_id,
        detail={"signed": True, "version": session.version},
    )
    return session


def dose_times(actor: Actor, patient: Patient) -> list[datetime]:
    """When each dosing session started, for marking doses on a symptom chart; empty for a
    role that may not see sessions. The patient is already an audited read."""
    rows = DosingSession.objects.for_actor(actor, Action.SESSION_VIEW).filter(patient=patient)
    return list(rows.order_by("started_at").values_list("started_at", flat=True))


def recent_sessions(actor: Actor, patient: Patient, limit: int = 10) -> list[DosingSession]:
    """For the chart, whose patient is already an audited read."""
    return list(
        DosingSession.objects.for_actor(actor, Action.SESSION_VIEW).filter(patient=patient)[:limit]
    )


@transaction.atomic
def session_page(
    actor: Actor, patient_id: Any, limit: int, offset: int
) -> tuple[list[DosingSession], int]:
    """One page of the patient's dosing sessions, newest first, and how many there are."""
    return page_of(
        actor, DosingSession, patient_id, Action.SESSION_VIEW, limit=limit, offset=offset
    )
