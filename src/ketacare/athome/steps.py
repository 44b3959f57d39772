"""The patient's steps of an at-home session, each one write in one transaction with its
audit entry, on the session row locked. Every write carries an idempotency key: a retried
form (a reload, a dropped connection) with a key already applied changes nothing. The
`step` decorator does that preamble (gate, lock, key, stage) for each of them.

Before: the checklist, a BP and pulse judged by the clinical core (measure again / go /
contact us / do not dose), a mood check (PHQ-9 item 9 asked alone, Q3), then the dose.
During: the sitter's check-ins (H1), until the sitter's time is over. After: side effects,
dissociation (CADSS-6, Q9), how the patient feels, a note for the therapist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Concatenate, ParamSpec

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ketacare.accounts.actor import Actor
from ketacare.accounts.roles import Action
from ketacare.athome.closing import close_when_due
from ketacare.athome.models import AtHomeSession, CheckIn, HomeReading, Stage
from ketacare.athome.watch import watch_from
from ketacare.audit.services import record
from ketacare.clinical import at_home
from ketacare.clinical.errors import ClinicalRuleError
from ketacare.clinical.instruments.cadss import score_cadss6
from ketacare.clinical.vitals import VitalSigns
from ketacare.clinical_input import field_error, vital_signs
from ketacare.clinics.monitoring_limits import monitoring_settings
from ketacare.measures.models import SafetyAlert
from ketacare.measures.services import SUICIDALITY
from ketacare.patients.gate import get_for
from ketacare.treatment.models import SessionState

P = ParamSpec("P")
KEYS_KEPT = 50
SIDE_EFFECTS = ("nausea", "vomiting", "headache", "dizziness", "anxiety", "confusion",
                "blurred vision", "feeling very sleepy")  # fmt: skip
FEELINGS = ("much better", "better", "the same", "worse", "much worse")
TEXT_MAX = 2000


@dataclass(frozen=True)
class Checklist:
    fasting: bool
    sitter_present: bool
    sitter_name: str
    sitter_phone: str
    no_driving: bool
    held_medicines: bool


@dataclass(frozen=True)
class Reading:
    systolic_mmhg: int
    diastolic_mmhg: int
    heart_rate_bpm: int


@dataclass(frozen=True)
class CheckInEntry:
    sitter_name: str
    all_well: bool
    note: str = ""


@dataclass(frozen=True)
class AfterEntry:
    side_effects: tuple[str, ...]
    adverse_event: str
    cadss6: tuple[int | None, ...]
    feeling: str
    note_for_therapist: str = ""


Body = Callable[Concatenate[Actor, AtHomeSession, P], None]
Step = Callable[Concatenate[Actor, Any, str, P], AtHomeSession]


def step(*stages: str) -> Callable[[Body[P]], Step[P]]:
    """What every step does first, in its one transaction: read the session through the gate
    and lock it, answer a key already applied with the session as it stands (a retry changes
    nothing), refuse a session at another stage. The body then writes and audits."""

    def wrap(body: Body[P]) -> Step[P]:
        @transaction.atomic
        def run(
            actor: Actor, session_id: Any, key: str, /, *args: P.args, **kwargs: P.kwargs
        ) -> AtHomeSession:
            session = get_for(actor, AtHomeSession, session_id, Action.AT_HOME_RUN, lock=True)
            if _applied(session, key):
                return session
            _expect(session, *stages)
            body(actor, session, *args, **kwargs)
            return session

        # Its name and docstring, not functools.wraps: the callers' signature is run's.
        run.__name__, run.__qualname__, run.__doc__ = body.__name__, body.__qualname__, body.__doc__
        return run

    return wrap


def _applied(session: AtHomeSession, key: str) -> bool:
    """True when this write was applied already; else remembers its key (saved with it)."""
    if not key:
        return False
    if key in session.write_keys:
        return True
    session.write_keys = [*session.write_keys, key[:64]][-KEYS_KEPT:]
    return False


def _expect(session: AtHomeSession, *stages: str) -> None:
    if session.stage not in stages:
        raise ValidationError(
            {"stage": f"This session is {session.get_stage_display().lower()}: reload the page."}
        )


def _text(field: str, value: str, required: bool = False, limit: int = TEXT_MAX) -> str:
    value = value.strip()
    if "\x00" in value:
        raise ValidationError({field: "Text may not contain NUL characters."})
    if required and not value:
        raise ValidationError({field: "This field is required."})
    return value[:limit]


def _audit(actor: Actor, session: AtHomeSession, step: str, **detail: Any) -> None:
    record(actor, "update", "at_home_session", session.public_id,
           patient_id=session.patient.public_id, detail={"step": step, **detail})  # fmt: skip


# --- before -------------------------------------------------------------------------------


@step(Stage.BEFORE)
def save_checklist(actor: Actor, session: AtHomeSession, given: Checklist) -> None:
    missing = {
        "fasting": f"Do not eat for {at_home.FASTING_HOURS} hours before your dose (H10).",
        "sitter_present": "A sitter must be with you for the whole session (H1, H9).",
        "no_driving": "No driving until the next day, after a restful sleep (S1 §17).",
        "held_medicines": "Hold the medicines your care team named on dosing days (H9).",
    }
    errors = {field: message for field, message in missing.items() if not getattr(given, field)}
    name = _text("sitter_name", given.sitter_name, required=True, limit=100)
    phone = _text("sitter_phone", given.sitter_phone, required=True, limit=24)
    if errors:
        raise ValidationError(errors)
    session.checklist = {
        "fasting": True, "sitter_present": True, "sitter_name": name, "sitter_phone": phone,
        "no_driving": True, "held_medicines": True,
    }  # fmt: skip
    session.save(update_fields=["checklist", "write_keys"])
    _audit(actor, session, "checklist")


def _vitals(given: Reading) -> VitalSigns:
    """The core's refusals become a field error in the one conversions module."""
    return vital_signs(
        {"systolic_mmhg": given.systolic_mmhg, "diastolic_mmhg": given.diastolic_mmhg,
         "heart_rate_bpm": given.heart_rate_bpm}
    )  # fmt: skip


@step(Stage.BEFORE)
def take_reading(actor: Actor, session: AtHomeSession, given: Reading) -> None:
    if not session.checklist:
        raise ValidationError({"stage": "Go through the checklist first."})
    vitals = _vitals(given)
    repeated = session.decision == at_home.HomeDecision.MEASURE_AGAIN
    judged = at_home.judge_reading(
        vitals, repeated=repeated, settings=monitoring_settings(session.clinic_id)
    )
    HomeReading.objects.create(
        clinic_id=session.clinic_id, session=session, systolic_mmhg=vitals.systolic_mmhg,
        diastolic_mmhg=vitals.diastolic_mmhg, heart_rate_bpm=given.heart_rate_bpm,
        decision=judged.decision, reasons=list(judged.reasons),
    )  # fmt: skip
    session.decision, session.decision_reasons = judged.decision, list(judged.reasons)
    if judged.decision in (at_home.HomeDecision.CONTACT_US, at_home.HomeDecision.DO_NOT_DOSE):
        session.bp_out_of_range = True
    session.save(update_fields=["decision", "decision_reasons", "bp_out_of_range", "write_keys"])
    _audit(actor, session, "reading", bp=str(vitals.blood_pressure),
           heart_rate=given.heart_rate_bpm, decision=judged.decision)  # fmt: skip


@step(Stage.BEFORE)
def check_mood(actor: Actor, session: AtHomeSession, mood: int, self_harm_thoughts: int) -> None:
    """Item 9 above 0 raises a suicidality alert for the care team at once (DESIGN.md) and
    ends the session undosed: the patient sees the crisis resources."""
    if session.decision != at_home.HomeDecision.GO:
        raise ValidationError({"stage": "Take your blood pressure first."})
    if not 0 <= mood <= 10:
        raise ValidationError({"mood": "Choose 0 to 10."})
    try:
        judged = at_home.mood_decision(self_harm_thoughts)
    except ClinicalRuleError as exc:
        raise field_error(exc, ("self_harm_thoughts",), "self_harm_thoughts") from exc
    session.mood = {"mood": mood, "self_harm_thoughts": self_harm_thoughts,
                    "decision": judged.decision, "reasons": list(judged.reasons)}  # fmt: skip
    if judged.decision is not at_home.HomeDecision.GO:
        alert = SafetyAlert.objects.create(
            clinic_id=session.clinic_id, patient=session.patient, kind=SUICIDALITY,
            reason=f"At-home mood check: {judged.reasons[0]}",
        )  # fmt: skip
        _tell_on_call(alert)
        session.stage = Stage.NOT_DOSED
    session.save(update_fields=["mood", "stage", "write_keys"])
    _audit(actor, session, "mood", mood=mood, self_harm_thoughts=self_harm_thoughts)


def _tell_on_call(alert: SafetyAlert) -> None:
    from ketacare.measures.tasks import notify_on_call

    transaction.on_commit(lambda: notify_on_call.enqueue(alert.pk))


@step(Stage.BEFORE)
def take_dose(actor: Actor, session: AtHomeSession) -> None:
    if session.decision != at_home.HomeDecision.GO or not session.mood:
        raise ValidationError({"stage": "Finish the checks before your dose."})
    now = timezone.now()
    number = session.dosing_number or 1
    session.stage, session.dosed_at = Stage.DURING, now
    session.watch_minutes = at_home.session_minutes(number)
    session.save(update_fields=["stage", "dosed_at", "watch_minutes", "write_keys"])
    planned = session.planned
    if planned is not None and planned.status == SessionState.PLANNED:
        planned.status, planned.status_note = SessionState.DONE, "at-home session"
        planned.save(update_fields=["status", "status_note"])
    _audit(actor, session, "dose taken", dose_mg=session.planned_dose_mg)
    watch_from(session)
    close_when_due(session)


@step(Stage.BEFORE)
def stop_before_dose(actor: Actor, session: AtHomeSession) -> None:
    """The patient ends the session without a dose (a reading said not today)."""
    session.stage = Stage.NOT_DOSED
    session.save(update_fields=["stage", "write_keys"])
    _audit(actor, session, "not dosed")


# --- during -------------------------------------------------------------------------------


@step(Stage.DURING)
def check_in(actor: Actor, session: AtHomeSession, given: CheckInEntry) -> None:
    name = _text("sitter_name", given.sitter_name, required=True, limit=100)
    note = _text("note", given.note, required=not given.all_well, limit=500)
    CheckIn.objects.create(clinic_id=session.clinic_id, session=session,
                                  sitter_name=name, all_well=given.all_well, note=note)  # fmt: skip
    if not given.all_well:
        session.adverse_event_reported = True
    session.save(update_fields=["adverse_event_reported", "write_keys"])
    _audit(actor, session, "check-in", all_well=given.all_well)
    watch_from(session)


@step(Stage.DURING)
def finish(actor: Actor, session: AtHomeSession) -> None:
    assert session.dosed_at is not None and session.watch_minutes is not None
    until = at_home.watched_until(session.dosed_at, session.watch_minutes)
    if timezone.now() < until:
        local = timezone.localtime(until)
        raise ValidationError({"stage": f"Your sitter stays with you until {local:%H:%M} (H1)."})
    session.stage = Stage.AFTER
    session.save(update_fields=["stage", "write_keys"])
    _audit(actor, session, "sitter's time over")


# --- after --------------------------------------------------------------------------------


@step(Stage.AFTER, Stage.NOT_FINISHED)
def save_after(actor: Actor, session: AtHomeSession, given: AfterEntry) -> None:
    """Also for a dosed session the worker closed unfinished, answered once: it stays "not
    finished" (and flagged), with the patient's answers."""
    if session.stage == Stage.NOT_FINISHED and (
        session.dosed_at is None or session.finished_at is not None
    ):
        raise ValidationError({"stage": "This session was closed: reload the page."})
    unknown = [s for s in given.side_effects if s not in SIDE_EFFECTS]
    if unknown:
        raise ValidationError({"side_effects": f"Unknown side effect: {unknown[0][:40]}."})
    if given.feeling not in FEELINGS:
        raise ValidationError({"feeling": "Choose how you feel now."})
    try:
        total = score_cadss6(list(given.cadss6))
    except ClinicalRuleError as exc:
        raise field_error(exc, ("cadss6",), "cadss6") from exc
    adverse = _text("adverse_event", given.adverse_event)
    session.side_effects = list(dict.fromkeys(given.side_effects))
    session.adverse_event = adverse
    session.adverse_event_reported = session.adverse_event_reported or bool(adverse)
    session.cadss6_answers, session.cadss6_total = list(given.cadss6), total
    session.feeling = given.feeling
    session.note_for_therapist = _text("note_for_therapist", given.note_for_therapist)
    if session.stage == Stage.AFTER:
        session.stage = Stage.DONE
    session.finished_at = timezone.now()
    session.save()
    _audit(actor, session, "after", cadss6=total, feeling=given.feeling,
           adverse_event=bool(adverse), side_effects=session.side_effects)  # fmt: skip
