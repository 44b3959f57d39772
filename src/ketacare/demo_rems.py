"""Demo esketamine REMS paperwork: an enrolled patient with four weekly esketamine sessions,
one form submitted, one overdue, one due tomorrow (with fields still to enter) and one
from today's session still due; and for any patient whose esketamine course the demo history
wrote, the enrollment before it and every form submitted, each session then signed. Sessions
are written as the demo history writes them (past, discharged); forms, answers and the
submissions go through the services."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from ketacare.accounts.actor import Actor
from ketacare.clinical.routes import Route
from ketacare.consent.services import clinic_today
from ketacare.patients.models import Patient
from ketacare.rems import services as rems
from ketacare.rems.models import RemsEnrollment
from ketacare.sessions.demo_sessions import past_session, sign_as_discharged
from ketacare.sessions.models import DosingSession

DEMO_MRN = "RKC-0006"  # a patient the IV history leaves alone
DOSE_MG = 56  # the label's starting dose (S1)
ENTERED = {
    "monitoring_hcp_phone": "(555) 010-2000",
    "lot_number": "ESK-0925",
    "ready_to_leave_minutes": "90",
    "dissociation": "yes",
    "respiratory_depression": "no",
    "serious_adverse_event": "no",
}


def load_rems(prescriber: Actor, nurse: Actor, rng: random.Random) -> None:
    clinic = prescriber.clinic
    patient = Patient.objects.filter(clinic=clinic, mrn=DEMO_MRN).first()
    if patient is None or RemsEnrollment.objects.filter(patient=patient).exists():
        return
    today = clinic_today(clinic)
    rems.enroll(prescriber, patient.public_id, today - timedelta(days=20))
    # Days ago: submitted, overdue, due tomorrow (two fields left), due in a week.
    plan = ((13, "submitted"), (9, "complete"), (6, "partial"), (0, "partial"))
    for days_ago, state in plan:
        session = _past_session(nurse, patient, days_ago, rng)
        rems.open_form(session)
        entered = _entered(patient) if state != "partial" else {
            "monitoring_hcp_phone": "(555) 010-2000"
        }  # fmt: skip
        rems.save_answers(nurse, session, entered)
        if state == "submitted":
            on = today - timedelta(days=days_ago - 2)
            rems.mark_submitted(nurse, session, rems.Submission(on, "online"))
    given = DosingSession.objects.filter(clinic=clinic, route=Route.ESKETAMINE_NASAL.value)
    for other in Patient.objects.filter(pk__in=given.values("patient")).exclude(pk=patient.pk):
        _paperwork_done(prescriber, nurse, other)


def _entered(patient: Patient) -> dict[str, str]:
    if patient.clinic.address:
        return ENTERED
    return {**ENTERED, "setting_address": f"{patient.clinic.name} (address not on file)"}


def _paperwork_done(prescriber: Actor, nurse: Actor, patient: Patient) -> None:
    """Enrolled the day before the first session (S10); each form completed and submitted
    online the day after its session, well within the 7 days (S11), then the session signed."""
    given = DosingSession.objects.filter(patient=patient, route=Route.ESKETAMINE_NASAL.value)
    ordered = list(given.order_by("started_at"))
    first_day = clinic_today(patient.clinic, at=ordered[0].started_at)
    rems.enroll(prescriber, patient.public_id, first_day - timedelta(days=1))
    for session in ordered:
        form = rems.open_form(session)
        assert form is not None
        rems.save_answers(nurse, session, _entered(patient))
        submitted_on = form.treatment_date + timedelta(days=1)
        rems.mark_submitted(nurse, session, rems.Submission(submitted_on, "online"))
        sign_as_discharged(nurse, session)


def _past_session(
    nurse: Actor, patient: Patient, days_ago: int, rng: random.Random
) -> DosingSession:
    zone = ZoneInfo(patient.clinic.time_zone)  # the clinic's days, as the deadline counts
    day = clinic_today(patient.clinic) - timedelta(days=days_ago)
    started = datetime.combine(day, time(9, 30), zone)
    if days_ago == 0:
        started = timezone.now() - timedelta(minutes=135)
    return past_session(nurse, patient, Route.ESKETAMINE_NASAL, started, DOSE_MG, rng)
