"""Months of invented history for the demo clinic: PHQ-9 for everyone, and for every other
patient an IV induction (six infusions over 12 days) with weekly MADRS, so the charts, the
sessions and the forecast have something to show. No real patient data; seeded draws.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.utils import timezone

from ketacare.accounts.actor import Actor
from ketacare.audit.services import record
from ketacare.clinical import dosing
from ketacare.clinical.routes import Route
from ketacare.clinics.models import Clinic
from ketacare.measures.models import ScaleResponse
from ketacare.measures.services import acknowledge_alert, record_scale
from ketacare.patients.models import Patient
from ketacare.sessions.models import DosingSession, SessionStatus, VitalSignsReading

# Fraction of baseline at each weekly visit: invented shapes (fast drop, then holding or
# fading), only so the demo charts have something to show.
COURSES = {
    "remission": [1.0, 0.45, 0.3, 0.2, 0.15, 0.15, 0.2, 0.15, 0.1, 0.15, 0.2, 0.15, 0.15],
    "response": [1.0, 0.6, 0.5, 0.45, 0.4, 0.45, 0.4, 0.45, 0.5, 0.45, 0.4, 0.45, 0.45],
    "relapse": [1.0, 0.5, 0.35, 0.3, 0.3, 0.35, 0.45, 0.6, 0.7, 0.8, 0.85, 0.9, 0.85],
    "non-response": [1.0, 0.95, 0.9, 0.85, 0.9, 0.85, 0.8, 0.85, 0.9, 0.85, 0.85, 0.8, 0.85],
}
IV_DAYS = (0, 2, 4, 7, 9, 11)  # Monday-Wednesday-Friday for two weeks (clinical.md K6, K21)
IV_DOSE_MG_PER_KG = 0.5  # over 40 min (clinical.md K1, K7)
DEMO_HISTORY = "demo clinic: invented history"  # the reason each backdated entry carries


def spread(total: int, items: int, top: int, rng: random.Random) -> list[int]:
    """`items` answers of 0..top summing to `total` (capped at items * top)."""
    answers = [0] * items
    for _ in range(min(total, items * top)):
        answers[rng.choice([i for i in range(items) if answers[i] < top])] += 1
    return answers


def load_history(clinic: Clinic, nurse: Actor, rng: random.Random) -> None:
    if ScaleResponse.objects.filter(clinic=clinic).exists():
        return
    # The latest 10:00 that has passed: before 10:00 today's would be a visit in the future.
    now = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0)
    if now > timezone.now():
        now -= timedelta(days=1)
    for index, patient in enumerate(Patient.objects.filter(clinic=clinic).order_by("mrn")):
        course = COURSES[list(COURSES)[index % len(COURSES)]]
        start = now - timedelta(days=7 * (len(course) - 1) + rng.randrange(0, 14))
        _phq9_course(nurse, patient, course, start, index, rng)
        if index % 2 == 0:
            _iv_induction(nurse, patient, start + timedelta(days=1), rng)
            _madrs_course(nurse, patient, course, start, rng)
        elif index in (1, 3):  # two patients in the middle of an induction right now
            _iv_induction(nurse, patient, now - timedelta(days=9), rng, infusions=3)
            _recent_madrs(nurse, patient, now - timedelta(days=10), rng)


def _phq9_course(
    nurse: Actor,
    patient: Patient,
    course: list[float],
    start: datetime,
    index: int,
    rng: random.Random,
) -> None:
    baseline = rng.randrange(15, 25)
    for week, fraction in enumerate(course):
        total = max(0, min(24, round(baseline * fraction) + rng.randrange(-1, 2)))
        item9 = 1 if week == 0 and index % 9 == 4 else 0
        answers = [*spread(total - item9, 8, 3, rng), item9]
        response = record_scale(
            nurse, patient.public_id, "phq9", answers, taken_at=start + timedelta(days=7 * week),
            backdate_reason=DEMO_HISTORY,
        )  # fmt: skip
        alert = response.safetyalert_set.first()
        if alert is not None and index % 2 == 0:
            note = "Safety plan reviewed; no plan or intent; prescriber informed."
            acknowledge_alert(nurse, alert.public_id, note)


def _madrs_course(
    nurse: Actor, patient: Patient, course: list[float], start: datetime, rng: random.Random
) -> None:
    baseline = rng.randrange(28, 38)
    for week, fraction in enumerate(course):
        total = max(0, min(60, round(baseline * fraction) + rng.randrange(-2, 3)))
        record_scale(
            nurse,
            patient.public_id,
            "madrs",
            spread(total, 10, 6, rng),
            taken_at=start + timedelta(days=7 * week, hours=1),
            backdate_reason=DEMO_HISTORY,
        )


def _recent_madrs(
    nurse: Actor, patient: Patient, baseline_day: datetime, rng: random.Random
) -> None:
    """Baseline the day before the first infusion, then days 1, 3, 6 and 9 after it."""
    baseline = rng.randrange(30, 36)
    for day, fraction in ((0, 1.0), (2, 0.5), (4, 0.55), (7, 0.5), (10, 0.6)):
        total = round(baseline * fraction) + rng.randrange(-1, 2)
        record_scale(
            nurse,
            patient.public_id,
            "madrs",
            spread(total, 10, 6, rng),
            taken_at=baseline_day + timedelta(days=day, hours=-1),
            backdate_reason=DEMO_HISTORY,
        )


def _iv_induction(
    nurse: Actor,
    patient: Patient,
    first: datetime,
    rng: random.Random,
    infusions: int = len(IV_DAYS),
) -> None:
    """Past infusions, each with pre-dose vitals, three readings and a discharge."""
    weight = float(patient.weight_kg)
    dose = dosing.calculate_dose(
        Route.IV_RACEMIC, weight_kg=weight, dose_mg_per_kg=IV_DOSE_MG_PER_KG
    )
    for day in IV_DAYS[:infusions]:
        started = first + timedelta(days=day)
        systolic, diastolic = rng.randrange(112, 134), rng.randrange(70, 86)
        session = DosingSession.objects.create(
            clinic=patient.clinic,
            patient=patient,
            route=Route.IV_RACEMIC.value,
            status=SessionStatus.DISCHARGED,
            weight_kg=patient.weight_kg,
            dose_mg=dose.dose_mg,
            infusion_minutes=40,
            dose_limit_mg=dose.limit_mg,
            dose_limit_source=dose.limit_source,
            predose_vitals={
                "systolic_mmhg": systolic,
                "diastolic_mmhg": diastolic,
                "heart_rate_bpm": rng.randrange(62, 84),
                "spo2_percent": 98,
            },
            predose_decision="go",
            started_at=started,
            started_by=nurse.user,
            discharged_at=started + timedelta(minutes=105),
        )
        for minute, rise in ((20, 10), (40, 16), (100, 3)):  # rise ~ K10's mean +16/+11
            VitalSignsReading.objects.create(
                clinic=patient.clinic,
                session=session,
                taken_at=started + timedelta(minutes=minute),
                systolic_mmhg=systolic + rise + rng.randrange(-3, 4),
                diastolic_mmhg=diastolic + rise * 2 // 3 + rng.randrange(-2, 3),
                heart_rate_bpm=rng.randrange(66, 90),
                spo2_percent=rng.choice([97, 98, 99]),
                moaas=5 if minute == 100 else 4,
                recorded_by=nurse.user,
            )
        record(
            nurse,
            "create",
            "dosing_session",
            session.public_id,
            patient_id=patient.public_id,
            detail={"demo": True},
        )
