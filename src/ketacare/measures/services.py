"""Rating-scale use cases: record a response (scored by the clinical core), read the
history, raise and acknowledge safety alerts. One transaction and audit entry each."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from ketacare.accounts.actor import Actor
from ketacare.accounts.roles import Action, ActionDenied, Role, role_can
from ketacare.audit.services import record
from ketacare.clinical import instruments
from ketacare.clinical.errors import ClinicalRuleError, UnknownInstrument
from ketacare.clinical_input import field_error
from ketacare.measures import entry_rules
from ketacare.measures.models import SafetyAlert, ScaleResponse
from ketacare.patients.gate import get_for, page_of
from ketacare.patients.models import Patient

SUICIDALITY = "suicidality"


def _score(scale: instruments.Instrument, answers: Sequence[int | None]) -> instruments.ScoreResult:
    try:
        return scale.score(list(answers))
    except ClinicalRuleError as exc:
        raise field_error(exc, default="answers") from exc


def _alert_reason(response: ScaleResponse) -> str:
    if response.instrument == "phq9":
        return f"PHQ-9 item 9 (thoughts of self-harm) answered {response.answers[8]}"
    if response.instrument == "cssrs":
        return f"C-SSRS screen: {response.risk} risk"
    return f"{response.get_instrument_display()} raised a suicidality flag"


def _tell_on_call(alert: SafetyAlert) -> None:
    """The on-call email goes by the worker once the alert is saved (it survives a restart)."""
    from ketacare.measures.tasks import notify_on_call

    transaction.on_commit(lambda: notify_on_call.enqueue(alert.pk))


def current_responses(actor: Actor, patient: Patient) -> QuerySet[ScaleResponse]:
    """The responses in force (not corrected by a later amendment) that the actor may see,
    for a patient already read through the gate."""
    return ScaleResponse.objects.for_actor(actor, Action.SCALE_VIEW).filter(
        patient=patient, amended_by__isnull=True
    )


@transaction.atomic
def record_scale(
    actor: Actor,
    patient_id: Any,
    instrument: str,
    answers: Sequence[int | None],
    *,
    taken_at: datetime | None = None,
    backdate_reason: str = "",
) -> ScaleResponse:
    """A new entry: the scale's own action through the gate, dated by the entry rules."""
    scale = _instrument(instrument)
    patient = get_for(actor, Patient, patient_id, entry_rules.action_to_enter(scale))
    dated = entry_rules.date_entry(actor, patient, taken_at, backdate_reason)
    return _save(actor, patient, scale, answers, dated)


def _instrument(instrument: str) -> instruments.Instrument:
    try:
        return instruments.get(instrument)
    except UnknownInstrument as exc:
        raise ValidationError({"instrument": str(exc)}) from exc


def _save(
    actor: Actor,
    patient: Patient,
    scale: instruments.Instrument,
    answers: Sequence[int | None],
    dated: entry_rules.EntryDate,
    *,
    amends: ScaleResponse | None = None,
    amendment_reason: str = "",
) -> ScaleResponse:
    result = _score(scale, answers)
    response = ScaleResponse.objects.create(
        clinic=patient.clinic,
        patient=patient,
        instrument=scale.key,
        answers=list(answers),
        total=result.total,
        severity=result.severity or "",
        risk=result.risk or "",
        flags=list(result.flags),
        taken_at=dated.taken_at,
        backdate_reason=dated.backdate_reason,
        entered_by=actor.user,
        self_reported=actor.role == Role.PATIENT,
        amends=amends,
        amendment_reason=amendment_reason,
    )
    alert = None
    if SUICIDALITY in result.flags:
        alert = SafetyAlert.objects.create(
            clinic=patient.clinic, patient=patient, kind=SUICIDALITY,
            reason=_alert_reason(response), source=response,
        )  # fmt: skip
        _tell_on_call(alert)
    record(actor, "create", "scale_response", response.public_id, patient_id=patient.public_id,
           detail={"instrument": scale.key, "total": result.total, "flags": list(result.flags),
                   "alert": str(alert.public_id) if alert else None,
                   "amends": str(amends.public_id) if amends else None,
                   "backdate_reason": dated.backdate_reason or None})  # fmt: skip
    return response


def response_for_amendment(actor: Actor, response_id: Any) -> ScaleResponse:
    """A response the actor may correct: read through the gate (an audited read), then the
    scale's own action and the entry rules (made by the actor unless their role corrects
    anyone's)."""
    response = get_for(actor, ScaleResponse, response_id, Action.SCALE_VIEW)
    scale = instruments.get(response.instrument)
    if not role_can(actor.role, entry_rules.action_to_enter(scale)):
        raise ActionDenied(f"Your role may not correct a {scale.name}.")
    entry_rules.check_may_correct(actor, response)
    return response


@transaction.atomic
def amend_scale(
    actor: Actor, response_id: Any, answers: Sequence[int | None], reason: str
) -> ScaleResponse:
    """Correct a response: a new, linked response replaces it; the original stays on record.

    DESIGN.md: nothing signed is edited in place. An alert the original raised stays until a
    clinician acknowledges it; a corrected answer is no reason to hide a safety signal. The
    correction keeps the original's date (and its reason, if it was backdated).
    """
    original = response_for_amendment(actor, response_id)
    reason = reason.strip()
    if not reason or "\x00" in reason:
        raise ValidationError({"reason": "Say why the response is corrected."})
    if ScaleResponse.objects.filter(amends=original).exists():
        raise ValidationError(
            {"reason": "This response was already corrected; correct the newer one."}
        )
    dated = entry_rules.EntryDate(original.taken_at, original.backdate_reason)
    return _save(actor, original.patient, instruments.get(original.instrument), answers, dated,
                 amends=original, amendment_reason=reason[:300])  # fmt: skip


@transaction.atomic
def patient_scale_history(actor: Actor, patient_id: Any) -> tuple[Patient, list[ScaleResponse]]:
    """The patient and every response in force, oldest first: one gate check, one audited
    read of the patient."""
    patient = get_for(actor, Patient, patient_id, Action.SCALE_VIEW)
    # who entered each row is shown beside it: one join, not a query per row
    return patient, list(current_responses(actor, patient).select_related("entered_by"))


def instruments_to_enter(actor: Actor) -> list[instruments.Instrument]:
    """The scales this actor's role may enter (a patient: the self-report ones)."""
    return [
        scale
        for scale in instruments.INSTRUMENTS.values()
        if role_can(actor.role, entry_rules.action_to_enter(scale))
    ]


def correctable(actor: Actor, responses: Sequence[ScaleResponse]) -> set[int]:
    """Ids of the responses the actor may correct, for the history's "Correct" links."""
    allowed = {scale.key for scale in instruments_to_enter(actor)}
    return {
        r.pk for r in responses if r.instrument in allowed and entry_rules.may_correct(actor, r)
    }


def scale_history(actor: Actor, patient_id: Any) -> list[ScaleResponse]:
    return patient_scale_history(actor, patient_id)[1]


@transaction.atomic
def scale_page(
    actor: Actor, patient_id: Any, limit: int, offset: int
) -> tuple[list[ScaleResponse], int]:
    """One page of the responses in force, oldest first, and how many there are."""
    patient = get_for(actor, Patient, patient_id, Action.SCALE_VIEW)  # the audited read
    rows = current_responses(actor, patient)
    return list(rows[offset : offset + limit]), rows.count()


@transaction.atomic
def alert_page(
    actor: Actor, patient_id: Any, limit: int, offset: int
) -> tuple[list[SafetyAlert], int]:
    """One page of the patient's safety alerts, newest first, for the roles that answer
    for them."""
    return page_of(
        actor, SafetyAlert, patient_id, Action.ALERT_ACKNOWLEDGE, limit=limit, offset=offset
    )


@transaction.atomic
def scale_points(actor: Actor, patient: Patient, instrument: str) -> list[tuple[datetime, int]]:
    """One scale's (taken_at, total) in force, oldest first: what its chart draws, and no
    other scale's rows or columns, for a patient the caller read through the gate."""
    return list(
        current_responses(actor, patient)
        .filter(instrument=instrument)
        .order_by("taken_at", "id")
        .values_list("taken_at", "total")
    )


def open_alerts(actor: Actor, patient: Patient) -> list[SafetyAlert]:
    """Unacknowledged alerts for the care team's banner (the roles that answer for them),
    for a patient already read through the gate."""
    return list(
        SafetyAlert.objects.for_actor(actor, Action.ALERT_ACKNOWLEDGE).filter(
            patient=patient, acknowledged_at__isnull=True
        )
    )


@transaction.atomic
def acknowledge_alert(actor: Actor, alert_id: Any, note: str) -> SafetyAlert:
    """A clinician confirms they have seen the alert and says what they did about it."""
    alert = get_for(actor, SafetyAlert, alert_id, Action.ALERT_ACKNOWLEDGE, lock=True)
    note = note.strip()
    if not note:
        raise ValidationError({"note": "Say what was done (e.g. safety plan reviewed)."})
    if "\x00" in note:
        raise ValidationError({"note": "Text may not contain NUL characters."})
    if alert.acknowledged_at is not None:
        raise ValidationError({"note": "This alert was already acknowledged."})
    alert.acknowledged_at = timezone.now()
    alert.acknowledged_by = actor.user
    alert.acknowledgement_note = note[:2000]
    alert.save()
    record(actor, "update", "safety_alert", alert.public_id, patient_id=alert.patient.public_id,
           detail={"acknowledged": True, "note": alert.acknowledgement_note})  # fmt: skip
    return alert


CSSRS_RISK_ORDER = ("none", "low", "moderate", "high")


@dataclass(frozen=True)
class SuicidalityToday:
    """What the record says today, for the pre-dose check: the worst PHQ-9 item 9 and
    C-SSRS risk of the day (not the latest: a later calmer answer does not erase it), and
    every suicidality alert still open."""

    phq9_item9: int | None
    cssrs_risk: str | None
    open_alerts: list[SafetyAlert]


def suicidality_today(patient: Patient, since: datetime) -> SuicidalityToday:
    """For a caller that has already read the patient through the gate (starting a session).
    A safety rule sees the whole record, whatever the role of the one who starts."""
    rows = ScaleResponse.objects.filter(
        clinic_id=patient.clinic_id, patient=patient, amended_by__isnull=True
    ).filter(instrument__in=("phq9", "cssrs"), taken_at__gte=since)
    item9 = [r.answers[8] for r in rows if r.instrument == "phq9" and r.answers[8] is not None]
    risks = [r.risk for r in rows if r.instrument == "cssrs" and r.risk in CSSRS_RISK_ORDER]
    alerts = SafetyAlert.objects.filter(
        clinic_id=patient.clinic_id,
        patient=patient,
        kind=SUICIDALITY,
        acknowledged_at__isnull=True,
    )
    return SuicidalityToday(
        max(item9, default=None),
        max(risks, key=CSSRS_RISK_ORDER.index, default=None),
        list(alerts),
    )


def clear_alerts_before_dosing(actor: Actor, alerts: Sequence[SafetyAlert], note: str) -> None:
    """A prescriber clears open suicidality alerts with the pre-dose review note."""
    now = timezone.now()
    for alert in alerts:
        alert.acknowledged_at = now
        alert.acknowledged_by = actor.user
        alert.acknowledgement_note = f"Cleared before dosing: {note}"[:2000]
        alert.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledgement_note"])
        record(actor, "update", "safety_alert", alert.public_id, patient_id=alert.patient.public_id,
               detail={"acknowledged": True, "note": alert.acknowledgement_note})  # fmt: skip


def patients_with_open_alerts(actor: Actor, patients: Sequence[Patient]) -> set[int]:
    """Which of the listed patients have a safety alert no clinician has acknowledged: for the
    care team's patient list (one query); nothing for roles that do not answer for alerts."""
    return set(
        SafetyAlert.objects.for_actor(actor, Action.ALERT_ACKNOWLEDGE)
        .filter(patient__in=[p.pk for p in patients], acknowledged_at__isnull=True)
        .values_list("patient_id", flat=True)
    )


def own_open_suicidality_alert(actor: Actor, patient: Patient) -> bool:
    """For the patient's own pages: an answer of theirs raised an alert that is still open,
    so they see the crisis resources and that the care team has been told."""
    if actor.role != Role.PATIENT:
        return False
    return (
        SafetyAlert.objects.within_reach(actor)
        .filter(patient=patient, kind=SUICIDALITY, acknowledged_at__isnull=True)
        .exists()
    )
