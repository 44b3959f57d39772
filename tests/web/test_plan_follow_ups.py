"""Booster due and futility review: one clinical definition on every page (scales, chart,
plan, Today, API), stored when its inputs change, acted on from the plan; the forecast
only as evidence on the rule's own line; and planned sessions booked on the calendar."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ketacare.appointments.models import Appointment, ClosedDay, Room
from ketacare.consent.services import clinic_today
from ketacare.patients.models import Patient
from ketacare.pharmacology.forecast import Forecast
from ketacare.treatment.models import OutcomeState, TreatmentPlan
from ketacare.treatment.patient_forecast import crosses_response_line_on
from tests.web.test_forecast import add_infusions, add_madrs
from tests.web.test_plan_versions import api, make_plan

pytestmark = pytest.mark.django_db
# response (15 <= 50% of 33), then back above the threshold once: the rule's booster signal
BOOSTER_COURSE = [(33, 31), (15, 20), (16, 10), (19, 1)]
# three IV infusions from the baseline on and no response: the futility signal (K7)
NO_RESPONSE = [(30, 12), (28, 5)]


def page(client, name, *args):  # type: ignore[no-untyped-def]
    return client.get(reverse(name, args=args)).content.decode()


def test_booster_due_by_the_clinical_rule_shows_on_every_page_and_is_accepted_on_the_plan(
    world, client_as
):
    plan = make_plan(world, client_as)
    add_infusions(world.patient_a, [30, 28, 26])
    add_madrs(world, BOOSTER_COURSE)
    prescriber = client_as(world.users_a["prescriber"])
    patient_id = world.patient_a.public_id
    assert "<strong>booster due</strong>" in page(prescriber, "scale-history", patient_id)
    assert 'data-testid="chart-booster"' in page(prescriber, "patient-chart", patient_id)
    today = page(prescriber, "today")
    assert f'href="{reverse("plan-detail", args=[plan.public_id])}">Alice Test</a>' in today
    assert prescriber.get(f"/api/patients/{patient_id}/forecast").json()["booster_due"] is True
    plan_page = page(prescriber, "plan-detail", plan.public_id)
    assert 'data-testid="plan-booster"' in plan_page
    proposed = clinic_today(world.clinic_a).isoformat()
    assert f'value="{proposed}"' in plan_page  # the rule's date (the latest score), or today
    prescriber.post(
        reverse("plan-revise", args=[plan.public_id]),
        {"kind": "booster", "reason": "Booster due by the clinical rule", "on": proposed},
    )
    booster = TreatmentPlan.objects.get(version=2).planned_sessions.get(phase="maintenance")
    assert booster.on.isoformat() == proposed and booster.kind == "dosing"
    assert 'data-testid="today-boosters"' in (today := page(prescriber, "today"))
    assert (
        "Test, Alice" not in today.split('data-testid="today-boosters"')[1].split("</section>")[0]
    )
    assert 'data-testid="chart-booster"' not in page(prescriber, "patient-chart", patient_id)


def test_futility_after_three_iv_infusions_without_response_prompts_a_review(world, client_as):
    plan = make_plan(world, client_as)
    add_infusions(world.patient_a, [10, 8, 6])
    add_madrs(world, NO_RESPONSE)
    prescriber = client_as(world.users_a["prescriber"])
    patient_id = world.patient_a.public_id
    state = OutcomeState.objects.get(patient=world.patient_a)
    assert state.futility_open and "no response after 3 IV infusions" in state.futility_reason
    assert 'data-testid="chart-futility"' in page(prescriber, "patient-chart", patient_id)
    assert 'data-testid="plan-futility"' in page(prescriber, "plan-detail", plan.public_id)
    assert "futility" in page(prescriber, "scale-history", patient_id)
    follow_ups = prescriber.get("/api/follow-ups").json()
    assert [f["patient_id"] for f in follow_ups["futility_reviews"]] == [str(patient_id)]
    reason = "reviewed: patient wants 3 more; some respond late (K20)"
    api(prescriber, f"/api/plans/{plan.public_id}/versions", {"kind": "continue", "reason": reason})
    assert prescriber.get("/api/follow-ups").json()["futility_reviews"] == []
    assert 'data-testid="chart-futility"' not in page(prescriber, "patient-chart", patient_id)


def test_two_infusions_without_response_are_not_yet_futility(world):
    add_infusions(world.patient_a, [10, 8])
    add_madrs(world, NO_RESPONSE)
    assert not OutcomeState.objects.get(patient=world.patient_a).futility


def test_today_reads_stored_states_in_the_same_queries_for_one_or_many_patients(world, client_as):
    prescriber = client_as(world.users_a["prescriber"])
    add_infusions(world.patient_a, [10, 8, 6])
    add_madrs(world, NO_RESPONSE)
    prescriber.get(reverse("today"))  # warm the session and caches
    with CaptureQueriesContext(connection) as one:
        prescriber.get(reverse("today"))
    for n in range(5):
        other = Patient.objects.create(
            clinic=world.clinic_a, mrn=f"F-{n}", first_name="F", last_name=f"P{n}",
            date_of_birth=date(1980, 1, 1), sex="female", weight_kg=70,
        )  # fmt: skip
        OutcomeState.objects.create(clinic=world.clinic_a, patient=other, futility=True,
                                    futility_open=True, futility_reason="x",
                                    booster_due=True, booster_open=True)  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        html = prescriber.get(reverse("today")).content.decode()
    assert "F P4" in html  # the five flagged patients are listed
    assert len(many) == len(one)
    assert not any("measures_scaleresponse" in q["sql"] for q in many.captured_queries)


def test_follow_ups_are_for_the_care_team_and_stay_in_the_clinic(world, client_as):
    add_infusions(world.patient_b, [10, 8, 6])
    OutcomeState.objects.update_or_create(
        patient=world.patient_b,
        defaults={"clinic": world.clinic_b, "futility": True, "futility_open": True},
    )
    assert client_as(world.users_a["prescriber"]).get("/api/follow-ups").json() == {
        "boosters_due": [], "futility_reviews": []}  # fmt: skip
    assert client_as(world.users_a["front_desk"]).get("/api/follow-ups").status_code == 403


def _forecast(median: list[float], observed: list[tuple[float, int]]) -> Forecast:
    days = np.arange(len(median), dtype=float)
    scores = np.array(median, dtype=float)
    return Forecast(
        days=days, score_p5=scores - 5, score_p50=scores, score_p95=scores + 5,
        observed_days=np.array([d for d, _ in observed], dtype=float),
        observed_scores=np.array([s for _, s in observed], dtype=float),
        estimated_baseline_madrs=40.0, relapse_score=20.0, booster_due_day=None,
        effective_samples=100.0, likelihood_sd_madrs=3.0,
    )  # fmt: skip


def test_the_forecast_crossing_is_measured_on_the_clinical_rules_line_not_the_models():
    """The engine's line is half its *estimated* baseline (40 -> 20); the rule's is half the
    observed first score (30 -> 15). The median passes 15 on day 5 and 20 on day 9: the
    evidence shown beside the rule is day 5, on the rule's own line."""
    forecast = _forecast([12, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22], [(0, 30), (2, 12)])
    start = date(2030, 1, 7)
    assert crosses_response_line_on(forecast, start, baseline=30) == start + timedelta(days=5)


def test_no_forecast_date_when_the_latest_score_is_already_above_the_rules_line():
    """The rule has spoken (booster due, or relapse): the model adds no second verdict."""
    forecast = _forecast([18, 19, 20, 21], [(0, 30), (2, 12), (3, 16)])
    assert crosses_response_line_on(forecast, date(2030, 1, 7), baseline=30) is None


def book(client, plan, **body):  # type: ignore[no-untyped-def]
    return api(client, f"/api/plans/{plan.public_id}/bookings",
               {"start_time": "09:00", "minutes": 60, **body})  # fmt: skip


def talks(world, room=None):  # type: ignore[no-untyped-def]
    """Who holds the plan's counselling and reviews, and where."""
    return {"therapist_id": world.users_a["therapist"].pk,
            "reviewer_id": world.users_a["prescriber"].pk,
            "counselling_room_id": room.pk if room else None}  # fmt: skip


def test_planned_sessions_become_appointments_and_refused_slots_say_why(world, client_as):
    plan = make_plan(world, client_as, integration_every_n="3")
    chair = Room.objects.create(clinic=world.clinic_a, name="Chair 1")
    dosing = list(plan.planned_sessions.filter(kind="dosing").order_by("on"))
    ClosedDay.objects.create(clinic=world.clinic_a, day=dosing[1].on, reason="staff training")
    front_desk = client_as(world.users_a["front_desk"])
    therapy = Room.objects.create(clinic=world.clinic_a, name="Therapy room")
    answer = book(front_desk, plan, room_id=chair.pk, days_ahead=30, **talks(world, therapy)).json()
    refused = {(r["on"], r["field"]) for r in answer["refused"]}
    assert (dosing[1].on.isoformat(), "starts_at") in refused
    assert any("staff training" in r["reason"] for r in answer["refused"])
    booked = Appointment.objects.filter(patient=world.patient_a)
    assert booked.count() == len(answer["booked"]) >= 5
    dosing[0].refresh_from_db()
    assert dosing[0].appointment.room == chair and dosing[0].appointment.kind == "dosing"
    # the integration after dosing #3 follows that day's dose, not on top of it
    counselling = plan.planned_sessions.get(kind="counselling", detail__endswith=" 3")
    dose_3 = dosing[2]
    dose_3.refresh_from_db()
    assert counselling.appointment.starts_at == dose_3.appointment.ends_at
    # booking again books nothing twice
    again = book(front_desk, plan, room_id=chair.pk, days_ahead=30, **talks(world, therapy)).json()
    assert again["booked"] == [] and booked.count() == len(answer["booked"])


def test_a_chair_taken_by_another_patient_is_reported_not_double_booked(world, client_as):
    from ketacare.appointments import services as calendar
    from tests.conftest import actor_for

    plan = make_plan(world, client_as)
    chair = Room.objects.create(clinic=world.clinic_a, name="Chair 1")
    first = plan.planned_sessions.filter(kind="dosing").order_by("on").first()
    other = Patient.objects.create(clinic=world.clinic_a, mrn="O-1", first_name="O",
                                   last_name="Ther", date_of_birth=date(1980, 1, 1),
                                   sex="male", weight_kg=80)  # fmt: skip
    desk = actor_for(world.users_a["front_desk"], world.clinic_a, "front_desk")
    zone = ZoneInfo(world.clinic_a.time_zone)
    starts = timezone.datetime.combine(first.on, timezone.datetime.min.time(), zone)
    calendar.book(desk, other.public_id, calendar.Booking("dosing", starts + timedelta(hours=9),
                                                          60, chair.pk))  # fmt: skip
    answer = book(client_as(world.users_a["front_desk"]), plan, room_id=chair.pk, days_ahead=7,
                  **talks(world, chair))  # fmt: skip
    refusal = answer.json()["refused"][0]
    assert refusal["on"] == first.on.isoformat() and refusal["field"] == "room"
    assert "Chair 1 is already booked" in refusal["reason"]
    assert (
        Appointment.objects.filter(room=chair, starts_at=starts + timedelta(hours=9)).count() == 1
    )


def test_the_booking_page_lists_what_was_booked_and_refused(world, client_as):
    plan = make_plan(world, client_as)
    front_desk = client_as(world.users_a["front_desk"])
    html = front_desk.post(
        reverse("plan-book", args=[plan.public_id]),
        {
            "start_time": "09:00",
            "minutes": "90",
            "days_ahead": "14",
            "reviewer": world.users_a["prescriber"].pk,
        },
    ).content.decode()
    # six infusions and the two reviews (after #3 and #6) that follow their dose
    assert 'data-testid="booking-result"' in html and "8 booked" in html
    bad = front_desk.post(reverse("plan-book", args=[plan.public_id]),
                          {"start_time": "09:00", "minutes": "2", "days_ahead": "14"})  # fmt: skip
    assert bad.status_code == 422 and 'data-field="minutes"' in bad.content.decode()


def test_counselling_and_reviews_are_booked_with_their_staff_member_and_room(world, client_as):
    plan = make_plan(world, client_as, integration_every_n="3")
    chair = Room.objects.create(clinic=world.clinic_a, name="Chair 1")
    therapy = Room.objects.create(clinic=world.clinic_a, name="Therapy room")
    nurse = world.users_a["nurse"]
    answer = book(client_as(world.users_a["front_desk"]), plan, room_id=chair.pk,
                  staff_id=nurse.pk, days_ahead=30, **talks(world, therapy)).json()  # fmt: skip
    assert answer["refused"] == []
    rows = Appointment.objects.filter(patient=world.patient_a)
    booked = {(a.kind, a.staff, a.room) for a in rows}
    assert booked == {
        ("dosing", nurse, chair),
        ("counselling", world.users_a["therapist"], therapy),
        ("follow_up", world.users_a["prescriber"], therapy),  # the reviews
    }


@pytest.mark.parametrize(
    ("missing", "field", "says"),
    [
        ({"therapist_id": None}, "therapist", "Choose a therapist for the counselling"),
        ({"reviewer_id": None}, "reviewer", "Choose a prescriber for the reviews"),
        ({"counselling_room_id": None}, "counselling_room", "Choose the room"),
        ({"therapist_id": "nurse"}, "therapist", "Not a therapist of this clinic"),
        ({"reviewer_id": "therapist"}, "reviewer", "Not a prescriber of this clinic"),
    ],
)
def test_counselling_and_reviews_are_not_booked_without_their_staff_or_room(
    world, client_as, missing, field, says
):
    plan = make_plan(world, client_as, integration_every_n="3")
    chair = Room.objects.create(clinic=world.clinic_a, name="Chair 1")
    body = {**talks(world, chair), **missing}
    for key, value in missing.items():
        if isinstance(value, str):
            body[key] = world.users_a[value].pk
    answer = book(client_as(world.users_a["front_desk"]), plan, room_id=chair.pk, **body)
    assert answer.status_code == 422
    item = answer.json()["detail"][0]
    assert item["loc"][-1] == field and says in item["msg"]
    assert not Appointment.objects.exists()  # nothing half booked


def test_a_therapist_already_booked_is_refused_for_that_session_only(world, client_as):
    from ketacare.appointments import services as calendar
    from tests.conftest import actor_for

    plan = make_plan(world, client_as, integration_every_n="3")
    therapy = Room.objects.create(clinic=world.clinic_a, name="Therapy room")
    counselling = plan.planned_sessions.filter(kind="counselling").order_by("on").first()
    other = Patient.objects.create(clinic=world.clinic_a, mrn="O-2", first_name="O",
                                   last_name="Ther", date_of_birth=date(1980, 1, 1),
                                   sex="male", weight_kg=80)  # fmt: skip
    desk = actor_for(world.users_a["front_desk"], world.clinic_a, "front_desk")
    zone = ZoneInfo(world.clinic_a.time_zone)
    afternoon = timezone.datetime.combine(counselling.on, timezone.datetime.min.time(), zone)
    therapist = world.users_a["therapist"]
    calendar.book(desk, other.public_id, calendar.Booking(
        "counselling", afternoon + timedelta(hours=9), 8 * 60, None, therapist.pk))  # fmt: skip
    answer = book(client_as(world.users_a["front_desk"]), plan, days_ahead=30,
                  **talks(world, therapy)).json()  # fmt: skip
    refused = [(r["on"], r["field"]) for r in answer["refused"]]
    assert refused == [(counselling.on.isoformat(), "staff")]
    assert "is already booked" in answer["refused"][0]["reason"]
    assert Appointment.objects.filter(staff=therapist).count() == 1 + 1  # the other day's
