"""Who may enter which rating scale, dated when, and who may correct an entry.

The role table (accounts.roles) says what each role may do; the scale (clinical.instruments)
says whether the patient answers it or a clinician rates it. These rules apply both to one
entry and are called by measures.services only, so the page and the API cannot differ:

- a self-report scale may be entered by the patient or the care team; a clinician-rated one
  (MADRS, CADSS, C-SSRS screener) by the care team only;
- an entry is dated now. "Now" allows ENTRY_WINDOW back, the time a patient takes to fill in
  the longest form here (PCL-5, 20 items) on a phone and send it, plus CLOCK_SKEW ahead for a
  device clock running fast. An earlier date is a backdated entry: only staff with
  `SCALE_BACKDATE` may make one, with a reason kept on the entry, and the date must be
  plausible (clinical.dates.RATING_DATE, and not before the patient's birth);
- an entry is corrected by whoever made it, or by staff with `SCALE_CORRECT_ANY`. A patient
  therefore corrects only their own self-report entries, never a clinician's.

These are record-keeping rules, not clinical numbers, so they cite no source in domain/.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from ketacare.accounts.actor import Actor
from ketacare.accounts.roles import Action, ActionDenied, role_can
from ketacare.clinical.dates import RATING_DATE
from ketacare.clinical.instruments import Instrument
from ketacare.clinical_input import plausible_date
from ketacare.measures.models import ScaleResponse
from ketacare.patients.models import Patient

ENTRY_WINDOW = timedelta(minutes=15)
CLOCK_SKEW = timedelta(minutes=5)
REASON_MAX_LENGTH = 300


def action_to_enter(scale: Instrument) -> Action:
    """The role-table action that entering (or correcting) this scale needs."""
    return Action.SCALE_SELF_REPORT if scale.self_report else Action.SCALE_RECORD


@dataclass(frozen=True)
class EntryDate:
    taken_at: datetime
    backdate_reason: str = ""


def date_entry(
    actor: Actor, patient: Patient, taken_at: datetime | None, backdate_reason: str = ""
) -> EntryDate:
    """The date a new entry is stored with, or a refusal naming the field."""
    now = timezone.now()
    if taken_at is None:
        return EntryDate(now)
    if timezone.is_naive(taken_at):  # an API time without an offset is the clinic's time
        taken_at = timezone.make_aware(taken_at)
    if now - ENTRY_WINDOW <= taken_at <= now + CLOCK_SKEW:
        return EntryDate(taken_at)
    if not role_can(actor.role, Action.SCALE_BACKDATE):
        minutes = int(ENTRY_WINDOW.total_seconds() // 60)
        raise ValidationError(
            {"taken_at": f"An entry is dated when it is sent (at most {minutes} minutes earlier)."}
        )
    plausible_date("taken_at", taken_at, RATING_DATE)  # first: year 1 has no local time
    if taken_at > now:
        raise ValidationError({"taken_at": "A scale cannot be taken in the future."})
    if timezone.localtime(taken_at).date() < patient.date_of_birth:
        raise ValidationError({"taken_at": "This date is before the patient's date of birth."})
    reason = backdate_reason.strip()
    if not reason or "\x00" in reason:
        raise ValidationError(
            {"backdate_reason": "Say why the entry is dated earlier (e.g. paper form from intake)."}
        )
    return EntryDate(taken_at, reason[:REASON_MAX_LENGTH])


def may_correct(actor: Actor, response: ScaleResponse) -> bool:
    """Whether the actor may correct this entry (the scale's own action is the gate's)."""
    if role_can(actor.role, Action.SCALE_CORRECT_ANY):
        return True
    return actor.user is not None and response.entered_by_id == actor.user.pk


def check_may_correct(actor: Actor, response: ScaleResponse) -> None:
    if not may_correct(actor, response):
        raise ActionDenied("You may correct only the entries you made yourself.")
