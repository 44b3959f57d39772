"""Demo esketamine REMS paperwork: an enrolled patient with four weekly esketamine sessions,
one form submitted, one overdue, one due tomorrow (with fields still to enter) and one
from today's session still due. Sessions are written as the demo history writes its IV
sessions (past, discharged); forms, answers and the submission go through the services."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from ketacare.accounts.actor import Actor
from ketacare.clinical import dosing
from ketacare.clinical.routes import Route
from ketacare.consent.services import clinic_today
from ketacare.patients.models import Patient
from ketacare.rems import services as rems
from ketacare.rems.models import RemsEnrollment
from ketacare.sessions.models import DosingSession, SessionStatus, VitalSignsReading

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
        entered = ENTERED if state != "partial" else {"monitoring_hcp_phone": "(555) 010-2000"}
        if state != "partial" and not patient.clinic.address:  # a clinic made before the demo
            entered = {**entered, "setting_address": f"{patient.clinic.name} (address not on file)"}
        rems.save_answers(nurse, session, entered)
        if state == "submitted":
            on = today - timedelta(days=days_ago - 2)
            rems.mark_submitted(nurse, session, rems.Submission(on, "online"))


def _past_session(
    nurse: Actor, patient: Patient, days_ago: int, rng: random.Random
) -> DosingSession:
    limit = dosing.calculate_dose(Route.ESKETAMINE_NASAL, weight_kg=float(patient.weight_kg),
                                  dose_mg=DOSE_MG)  # fmt: skip
    zone = ZoneInfo(patient.clinic.time_zone)  # the clinic's days, as the deadline counts
    day = clinic_today(patient.clinic) - timedelta(days=days_ago)
    started = datetime.combine(day, time(9, 30), zone)
    if days_ago == 0:
        started = timezone.now() - timedelta(minutes=135)
    systolic, diastolic = rng.randrange(116, 132), rng.randrange(72, 84)
    session = DosingSession.objects.create(
        clinic=patient.clinic, patient=patient, route=Route.ESKETAMINE_NASAL.value,
        status=SessionStatus.DISCHARGED, weight_kg=patient.weight_kg, dose_mg=limit.dose_mg,
        dose_limit_mg=limit.limit_mg, dose_limit_source=limit.limit_source,
        predose_vitals={"systolic_mmhg": systolic, "diastolic_mmhg": diastolic,
                        "heart_rate_bpm": rng.randrange(62, 84), "spo2_percent": 98},
        predose_decision="go", started_at=started, started_by=nurse.user,
        discharged_at=started + timedelta(minutes=125),
    )  # fmt: skip
    # Synthetic readings shaped like the label's: BP highest near 40 min (S1 §5.6, S5),
    # MOAA/S back to 5 well before 2 h (N3).
    for minute, rise, moaas in ((40, 14, 4), (80, 6, 5), (120, 2, 5)):
        VitalSignsReading.objects.create(
            clinic=patient.clinic, session=session, taken_at=started + timedelta(minutes=minute),
            systolic_mmhg=systolic + rise, diastolic_mmhg=diastolic + rise // 2,
            heart_rate_bpm=rng.randrange(66, 88), spo2_percent=rng.choice([97, 98]),
            moaas=moaas, recorded_by=nurse.user,
        )  # fmt: skip
    return session
