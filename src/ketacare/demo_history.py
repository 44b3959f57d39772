"""Months of invented history for the demo clinic: PHQ-9 for everyone, and for every other
patient an IV induction (six infusions over 12 days) with weekly MADRS, so the charts, the
sessions and the forecast have something to show; the patients of the demo's other routes
(treatment/demo_courses.py) get their own course instead. No real patient data; seeded draws.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.utils import timezone

from ketacare.accounts.actor import Actor
from ketacare.clinical import protocols
from ketacare.clinical.routes import Route
from ketacare.clinics.models import Clinic
from ketacare.measures.models import ScaleResponse
from ketacare.measures.services import acknowledge_alert, record_scale
from ketacare.patients.models import Patient
from ketacare.sessions.demo_sessions import past_session
from ketacare.treatment.demo_courses import ROUTE_COURSES, DemoCourse

# Fraction of baseline at each weekly visit: invented shapes (fast drop, then holding or
# fading), only so the demo charts have something to show.
COURSES = {
    "remission": [1.0, 0.45, 0.3, 0.2, 0.15, 0.15, 0.2, 0.15, 0.1, 0.15, 0.2, 0.15, 0.15],
    "response": [1.0, 0.6, 0.5, 0.45, 0.4, 0.45, 0.4, 0.45, 0.5, 0.45, 0.4, 0.45, 0.45],
    "relapse": [1.0, 0.5, 0.35, 0.3, 0.3, 0.35, 0.45, 0.6, 0.7, 0.8, 0.85, 0.9, 0.85],
    "non-response": [1.0, 0.95, 0.9, 0.85, 0.9, 0.85, 0.8, 0.85, 0.9, 0.85, 0.85, 0.8, 0.85],
}
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
        on_route = ROUTE_COURSES.get(patient.mrn)
        if on_route is not None:
            _route_course(nurse, patient, on_route, now, rng)
            continue
        item9, acknowledged = index % 9 == 4, index % 2 == 0  # every 9th; half of them seen
        _phq9_course(nurse, patient, course, start, rng, item9, acknowledged)
        if index % 2 == 0:
            _induction(nurse, patient, start + timedelta(days=1), rng)
            _madrs_course(nurse, patient, course, start, rng)
        elif index in (1, 3):  # two patients in the middle of an induction right now
            _induction(nurse, patient, now - timedelta(days=9), rng, given=3)
            _recent_madrs(nurse, patient, now - timedelta(days=10), rng)


def _route_course(
    nurse: Actor, patient: Patient, on_route: DemoCourse, now: datetime, rng: random.Random
) -> None:
    """Weekly PHQ-9 and MADRS from the day before the first session (MADRS more often in an
    induction under way); the sessions given on the clinic's routes, signed (esketamine's
    once the REMS demo completed their forms). At home, the at-home demo writes them."""
    first = now - timedelta(days=on_route.days_ago)
    baseline = first - timedelta(days=1)
    shape = COURSES[on_route.symptoms][: on_route.days_ago // 7 + 1]
    _phq9_course(nurse, patient, shape, baseline, rng, False, False)
    if on_route.given is None:
        _madrs_course(nurse, patient, shape, baseline, rng)
    else:
        _recent_madrs(nurse, patient, baseline, rng)
    route = on_route.route
    if route.is_supervised_in_clinic:
        signed = route is not Route.ESKETAMINE_NASAL
        _induction(nurse, patient, first, rng, on_route.template, on_route.given, signed)


def _phq9_course(
    nurse: Actor,
    patient: Patient,
    course: list[float],
    start: datetime,
    rng: random.Random,
    item9_at_baseline: bool,
    acknowledged: bool,
) -> None:
    baseline = rng.randrange(15, 25)
    for week, fraction in enumerate(course):
        total = max(0, min(24, round(baseline * fraction) + rng.randrange(-1, 2)))
        item9 = 1 if week == 0 and item9_at_baseline else 0
        answers = [*spread(total - item9, 8, 3, rng), item9]
        response = record_scale(
            nurse, patient.public_id, "phq9", answers, taken_at=start + timedelta(days=7 * week),
            backdate_reason=DEMO_HISTORY,
        )  # fmt: skip
        alert = response.safetyalert_set.first()
        if alert is not None and acknowledged:
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


def _induction(
    nurse: Actor,
    patient: Patient,
    first: datetime,
    rng: random.Random,
    template: str = "iv-induction",
    given: int | None = None,
    signed: bool = False,
) -> None:
    """Past sessions of the template's course from `first`, on the days and at the doses the
    clinical core schedules: all of them, or the first `given`."""
    schedule = protocols.generate_schedule(
        template, first.date(), protocols.PatientContext(float(patient.weight_kg))
    )
    route = protocols.TEMPLATES[template].route
    for entry in [s for s in schedule if s.dosing_number][:given]:
        started = first + timedelta(days=(entry.on - first.date()).days)
        past_session(nurse, patient, route, started, entry.dose_mg or 0, rng, signed=signed)
