"""Run-sheet entries besides vital signs: adverse events, sedation (MOAA/S) and dissociation
(CADSS) assessments, and amendments of a signed session. Each one transaction with its audit
entry; every entry refuses a signed session (corrections are amendments)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from ketacare.accounts.actor import Actor
from ketacare.accounts.roles import Action
from ketacare.audit.services import record
from ketacare.clinical import monitoring
from ketacare.clinical.monitoring import MOAAS_FULLY_ALERT
from ketacare.clinical.run_sheet import PlannedAssessment, assessment_schedule
from ketacare.clinical.schedule_coverage import missing_checks
from ketacare.clinics.monitoring_limits import monitoring_settings
from ketacare.measures.services import record_scale
from ketacare.patients.gate import get_for
from ketacare.sessions.locking import claim_version, refuse_if_signed
from ketacare.sessions.models import (
    AdverseEvent,
    AssessmentKind,
    DosingSession,
    SessionAmendment,
    SessionAssessment,
    Severity,
)
from ketacare.sessions.observation import reading_time


def _open_for_entries(actor: Actor, session_id: Any) -> DosingSession:
    session = get_for(actor, DosingSession, session_id, Action.SESSION_RUN, lock=True)
    refuse_if_signed(session)
    return session


def _text(field: str, value: str, limit: int) -> str:
    value = (value or "").strip()
    if not value or "\x00" in value:
        raise ValidationError({field: "This field is required."})
    if len(value) > limit:
        raise ValidationError({field: f"At most {limit} characters."})
    return value


@dataclass(frozen=True)
class AdverseEventIn:
    observed: time | None
    description: str
    severity: str
    action_taken: str
    serious: bool = False


@transaction.atomic
def record_adverse_event(actor: Actor, session_id: Any, event: AdverseEventIn) -> AdverseEvent:
    session = _open_for_entries(actor, session_id)
    if event.severity not in Severity.values:
        raise ValidationError({"severity": "Choose mild, moderate or severe."})
    row = AdverseEvent.objects.create(
        clinic=session.clinic,
        session=session,
        observed_at=reading_time(session, event.observed, timezone.now(), "observed_at_time"),
        description=_text("description", event.description, 500),
        severity=event.severity,
        serious=event.serious,
        action_taken=_text("action_taken", event.action_taken, 500),
        recorded_by=actor.user,
    )
    record(actor, "create", "adverse_event", row.pk, patient_id=session.patient.public_id,
           detail={"session": str(session.public_id), "severity": row.severity,
                   "serious": row.serious})  # fmt: skip
    return row


def planned_assessments(session: DosingSession) -> tuple[PlannedAssessment, ...]:
    """The core's schedule of MOAA/S and CADSS for this session."""
    vitals = monitoring.vitals_schedule(
        session.route_enum,
        infusion_minutes=session.infusion_minutes or 40,
        settings=monitoring_settings(session.clinic_id),
    )
    return assessment_schedule(session.route_enum, vitals)


def assessments_due(session: DosingSession) -> list[PlannedAssessment]:
    """Planned assessments with no entry of their kind, earliest first. An entry covers the
    planned minute nearest to it, as a vital-sign reading covers its check (no tolerance
    window is invented); a reading's MOAA/S counts as a sedation entry."""
    taken: dict[str, list[int]] = {AssessmentKind.SEDATION: [], AssessmentKind.DISSOCIATION: []}
    for a in session.assessments.all():
        taken[a.kind].append(a.minute)
    taken[AssessmentKind.SEDATION] += [
        r.minute for r in session.readings.all() if r.moaas is not None
    ]
    planned = planned_assessments(session)
    missing = {
        kind: set(missing_checks([p.minute for p in planned if p.kind == kind], minutes))
        for kind, minutes in taken.items()
    }
    return [p for p in planned if p.minute in missing[p.kind]]


@transaction.atomic
def record_sedation(
    actor: Actor, session_id: Any, moaas: Any, taken: time | None = None
) -> SessionAssessment:
    session = _open_for_entries(actor, session_id)
    try:
        score = int(moaas)
    except (TypeError, ValueError) as exc:
        raise ValidationError({"moaas": "Enter the MOAA/S score, 0 to 5."}) from exc
    if isinstance(moaas, bool) or not 0 <= score <= MOAAS_FULLY_ALERT:
        raise ValidationError({"moaas": "Enter the MOAA/S score, 0 to 5."})
    return _save_assessment(actor, session, AssessmentKind.SEDATION, score, taken)


@transaction.atomic
def record_dissociation(
    actor: Actor, session_id: Any, answers: Sequence[int | None], taken: time | None = None
) -> SessionAssessment:
    """The CADSS is scored by the core and kept as a rating-scale response of the patient
    (measures), linked to the session."""
    session = _open_for_entries(actor, session_id)
    taken_at = reading_time(session, taken, timezone.now(), "taken_at_time")
    response = record_scale(actor, session.patient.public_id, "cadss", answers)
    return _save_assessment(
        actor, session, AssessmentKind.DISSOCIATION, response.total, taken, response, taken_at
    )


def _save_assessment(
    actor: Actor,
    session: DosingSession,
    kind: str,
    score: int,
    taken: time | None,
    response: Any = None,
    taken_at: Any = None,
) -> SessionAssessment:
    row = SessionAssessment.objects.create(
        clinic=session.clinic,
        session=session,
        kind=kind,
        score=score,
        taken_at=taken_at or reading_time(session, taken, timezone.now(), "taken_at_time"),
        scale_response=response,
        recorded_by=actor.user,
    )
    record(actor, "create", "session_assessment", row.pk, patient_id=session.patient.public_id,
           detail={"session": str(session.public_id), "kind": kind, "score": score})  # fmt: skip
    return row


# What an amendment may correct, and where its original is read from.
AMENDABLE: dict[str, Callable[[DosingSession, Any], Any]] = {
    "dose": lambda s, _id: getattr(s, "administration", None),
    "adverse_event": lambda s, i: s.adverse_events.filter(pk=_int(i)).first(),
    "reading": lambda s, i: s.readings.filter(pk=_int(i)).first(),
    "assessment": lambda s, i: s.assessments.filter(pk=_int(i)).first(),
    "discharge": lambda s, _id: s,
}
SNAPSHOT_FIELDS = {"discharge": ["status", "discharged_at", "discharge_instructions",
                                 "missed_checks", "missed_checks_reason"]}  # fmt: skip


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0  # no row has id 0: "nothing to correct"


@transaction.atomic
def amend_session(
    actor: Actor,
    session_id: Any,
    *,
    section: str,
    target_id: Any = "",
    correction: str,
    reason: str,
    version: int | None,
) -> SessionAmendment:
    """A correction kept beside the original (copied as it was), with who, when and why."""
    session = get_for(actor, DosingSession, session_id, Action.SESSION_SIGN, lock=True)
    if section not in AMENDABLE:
        raise ValidationError({"section": f"Choose one of: {', '.join(AMENDABLE)}."})
    target = AMENDABLE[section](session, target_id)
    if target is None:
        raise ValidationError({"target_id": "Nothing of that kind in this session to correct."})
    correction = _text("correction", correction, 2000)
    reason = _text("reason", reason, 500)
    claim_version(session, version)
    original = model_to_dict(target, fields=SNAPSHOT_FIELDS.get(section))
    row = SessionAmendment.objects.create(
        clinic=session.clinic, session=session, section=section,
        target_id=str(target.pk) if section != "discharge" else "",
        original={k: _json(v) for k, v in original.items()},
        correction=correction, reason=reason, amended_by=actor.user,
    )  # fmt: skip
    record(actor, "create", "session_amendment", row.pk, patient_id=session.patient.public_id,
           detail={"session": str(session.public_id), "section": section,
                   "target": row.target_id, "reason": reason})  # fmt: skip
    return row


def _json(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool, list, dict)) or value is None:
        return value
    return str(value)
