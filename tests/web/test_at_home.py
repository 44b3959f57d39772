"""The at-home session (issue 11, item 3) through the real pages and API: refusals with their
reason, the steps kept on the server, idempotent writes, the missed check-in recorded by the
worker and shown on Today, the care team's list and review, tablets shipped in the log."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ketacare.athome.models import AtHomeSession, CheckIn, MissedCheckIn, Stage
from ketacare.audit.models import AuditEntry
from ketacare.measures.models import SafetyAlert
from ketacare.treatment.models import SessionState
from tests.at_home import at_home_plan
from tests.tasks import run_background_tasks

pytestmark = pytest.mark.django_db

CHECKLIST = {
    "fasting": "on", "sitter_present": "on", "sitter_name": "Sam Sitter",
    "sitter_phone": "(555) 010-4000", "no_driving": "on", "held_medicines": "on",
}  # fmt: skip
AFTER = {"side_effects": ["nausea"], "feeling": "better", "note_for_therapist": "calm",
         **{f"cadss_{n}": "1" for n in (1, 2, 6, 7, 15, 22)}}  # fmt: skip


@pytest.fixture
def plan(world, client_as):  # type: ignore[no-untyped-def]
    return at_home_plan(client_as(world.users_a["prescriber"]), world.patient_a)


def step(client, session, name, data=None, key=""):  # type: ignore[no-untyped-def]
    body = {**(data or {}), "key": key or f"k-{name}-{timezone.now().timestamp()}"}
    return client.post(reverse("athome-step", args=[session.public_id, name]), body)


def begin(world, client_as):  # type: ignore[no-untyped-def]
    patient = client_as(world.users_a["patient"])
    response = patient.post(reverse("athome-start"))
    assert response.status_code == 302, response.content.decode()[-3000:]
    return patient, AtHomeSession.objects.get(patient=world.patient_a)


def dosed(world, client_as):  # type: ignore[no-untyped-def]
    patient, session = begin(world, client_as)
    step(patient, session, "checklist", CHECKLIST)
    step(patient, session, "reading", {"systolic_mmhg": "124", "diastolic_mmhg": "80",
                                       "heart_rate_bpm": "70"})  # fmt: skip
    step(patient, session, "mood", {"mood": "6", "self_harm_thoughts": "0"})
    assert step(patient, session, "dose").status_code == 302
    session.refresh_from_db()
    assert session.stage == Stage.DURING
    return patient, session


def test_a_patient_runs_a_session_from_checklist_to_after(world, client_as, plan):
    patient, session = begin(world, client_as)
    page = patient.get(reverse("athome-session", args=[session.public_id])).content.decode()
    assert "Step 1 of 4" in page and "200 mg" in page
    assert step(patient, session, "checklist", CHECKLIST).status_code == 302
    held = step(patient, session, "reading", {"systolic_mmhg": "186", "diastolic_mmhg": "96",
                                              "heart_rate_bpm": "80"})  # fmt: skip
    page = patient.get(reverse("athome-session", args=[session.public_id])).content.decode()
    assert held.status_code == 302 and "Do not take your dose now" in page and "K18" in page
    assert step(patient, session, "dose").status_code == 422  # no dose after a hold
    step(patient, session, "reading", {"systolic_mmhg": "128", "diastolic_mmhg": "82",
                                       "heart_rate_bpm": "72"})  # fmt: skip
    step(patient, session, "mood", {"mood": "6", "self_harm_thoughts": "0"})
    step(patient, session, "dose")
    step(patient, session, "check-in", {"sitter_name": "Sam Sitter", "all_well": "yes"})
    early = step(patient, session, "finish")
    assert early.status_code == 422 and "sitter stays with you until" in early.content.decode()
    AtHomeSession.objects.filter(pk=session.pk).update(
        dosed_at=timezone.now() - timedelta(minutes=181)
    )
    assert step(patient, session, "finish").status_code == 302
    assert step(patient, session, "after", AFTER).status_code == 302
    session.refresh_from_db()
    assert session.stage == Stage.DONE and session.cadss6_total == 6
    assert session.bp_out_of_range and session.flags == ["BP out of range"]
    assert session.planned.status == SessionState.DONE
    steps = AuditEntry.objects.filter(object_type="at_home_session", action="update")
    assert {e.detail["step"] for e in steps} >= {"checklist", "reading", "dose taken", "after"}


@pytest.mark.parametrize(
    "change, words",
    [
        ("no_plan", "no at-home treatment plan"),
        ("state", "not licensed to treat you in NJ"),
        ("alert", "thoughts of self-harm"),
        ("consent", "consent is not current"),
    ],
)
def test_a_session_is_refused_with_its_reason_on_the_page_and_by_api(
    world, client_as, change, words
):  # type: ignore[no-untyped-def]
    if change != "no_plan":
        at_home_plan(client_as(world.users_a["prescriber"]), world.patient_a)
    if change == "state":
        world.patient_a.state_of_residence = "NJ"
        world.patient_a.save()
    elif change == "alert":
        SafetyAlert.objects.create(
            clinic=world.clinic_a, patient=world.patient_a, kind="suicidality", reason="item 9"
        )
    elif change == "consent":
        client_as(world.users_a["patient"]).post(
            reverse("consent-withdraw", args=[world.patient_a.public_id, "telehealth"]),
            {"reason": "changed my mind"},
        )
    patient = client_as(world.users_a["patient"])
    response = patient.post(reverse("athome-start"))
    assert response.status_code == 422 and words in response.content.decode()
    api = patient.post("/api/at-home/sessions", "{}", content_type="application/json")
    assert api.status_code == 422 and api.json()["detail"][0]["loc"] == ["body", "start"]
    assert words in api.json()["detail"][0]["msg"]
    assert not AtHomeSession.objects.exists()


def test_a_retried_write_with_the_same_key_is_applied_once(world, client_as, plan):
    patient, session = dosed(world, client_as)
    for _ in range(2):
        step(patient, session, "check-in", {"sitter_name": "Sam", "all_well": "yes"}, key="same")
    assert CheckIn.objects.filter(session=session).count() == 1
    headers = {"HTTP_IDEMPOTENCY_KEY": "api-key-1"}
    body = json.dumps({"sitter_name": "Sam", "all_well": True})
    url = f"/api/at-home/sessions/{session.public_id}/check-ins"
    first = patient.post(url, body, content_type="application/json", **headers)
    again = patient.post(url, body, content_type="application/json", **headers)
    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert CheckIn.objects.filter(session=session).count() == 2


def test_a_reload_shows_the_step_the_session_is_at(world, client_as, plan):
    patient, session = begin(world, client_as)
    step(patient, session, "checklist", CHECKLIST)
    again = patient.post(reverse("athome-start"))  # a second start resumes the open session
    assert again.status_code == 302 and str(session.public_id) in again["Location"]
    page = patient.get(reverse("athome-session", args=[session.public_id])).content.decode()
    assert "Step 2 of 4" in page


def test_a_missed_check_in_is_recorded_by_the_worker_once_and_shown_on_today(
    world, client_as, plan, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        patient, session = dosed(world, client_as)
    assert DBTaskResult.objects.filter(task_path__endswith="escalate_missed_check_in").exists()
    assert run_background_tasks() == 0  # its deadline is 15 minutes away (H1)
    past = timezone.now() - timedelta(minutes=16)
    AtHomeSession.objects.filter(pk=session.pk).update(dosed_at=past)
    DBTaskResult.objects.update(run_after=timezone.now())  # the deadline has come
    assert run_background_tasks() >= 1
    from ketacare.athome.watch import escalate_if_missed

    assert escalate_if_missed(session.pk) == "already recorded"
    assert MissedCheckIn.objects.filter(session=session).count() == 1
    session.refresh_from_db()
    assert session.missed_check_in
    nurse = client_as(world.users_a["nurse"])
    today = nurse.get(reverse("today")).content.decode()
    assert 'data-testid="athome-flagged"' in today and "check-in missed" in today
    record = nurse.get(reverse("athome-record", args=[session.public_id])).content.decode()
    assert 'data-testid="athome-missed"' in record
    nurse.post(reverse("athome-review", args=[session.public_id]), {"note": "called, fine"})
    today = nurse.get(reverse("today")).content.decode()
    assert 'data-testid="athome-flagged"' not in today


def test_a_check_in_in_time_leaves_nothing_to_escalate(world, client_as, plan):
    from ketacare.athome.watch import escalate_if_missed

    patient, session = dosed(world, client_as)
    step(patient, session, "check-in", {"sitter_name": "Sam", "all_well": "yes"})
    soon = timezone.now() + timedelta(minutes=14)
    assert escalate_if_missed(session.pk, now=soon) == "not yet"
    assert not MissedCheckIn.objects.exists()


def test_thoughts_of_self_harm_at_the_mood_check_alert_the_team_and_end_undosed(
    world, client_as, plan
):
    patient, session = begin(world, client_as)
    step(patient, session, "checklist", CHECKLIST)
    step(patient, session, "reading", {"systolic_mmhg": "120", "diastolic_mmhg": "80",
                                       "heart_rate_bpm": "70"})  # fmt: skip
    step(patient, session, "mood", {"mood": "2", "self_harm_thoughts": "2"})
    session.refresh_from_db()
    assert session.stage == Stage.NOT_DOSED
    assert SafetyAlert.objects.filter(patient=world.patient_a, acknowledged_at=None).exists()
    page = patient.get(reverse("athome-session", args=[session.public_id])).content.decode()
    assert 'data-testid="crisis-resources"' in page and "988" in page


def test_a_bad_entry_is_refused_beside_its_field_and_kept(world, client_as, plan):
    patient, session = begin(world, client_as)
    step(patient, session, "checklist", CHECKLIST)
    bad = step(patient, session, "reading", {"systolic_mmhg": "80", "diastolic_mmhg": "90",
                                             "heart_rate_bpm": "70"})  # fmt: skip
    page = bad.content.decode()
    assert bad.status_code == 422 and 'data-field="systolic_mmhg"' in page and 'value="90"' in page
    api = client_as(world.users_a["patient"]).post(
        f"/api/at-home/sessions/{session.public_id}/reading",
        json.dumps({"systolic_mmhg": 120, "diastolic_mmhg": 80}), content_type="application/json",
    )  # fmt: skip
    assert api.status_code == 422 and api.json()["detail"][0]["loc"][-1] == "heart_rate_bpm"


def test_another_patient_of_the_same_clinic_reaches_nothing_of_the_session(world, client_as, plan):
    from ketacare.accounts.models import Membership, User
    from ketacare.patients.models import Patient
    from tests.conftest import patient_data

    _, session = begin(world, client_as)
    other_user = User.objects.create(email="other@a.example")
    Membership.objects.create(user=other_user, clinic=world.clinic_a, role="patient")
    Patient.objects.create(clinic=world.clinic_a, user=other_user, **patient_data(mrn="a-2"))
    other = client_as(other_user)
    urls = [reverse("athome-session", args=[session.public_id]),
            f"/api/at-home/sessions/{session.public_id}"]  # fmt: skip
    for url in urls:
        assert other.get(url).status_code == 404, url
    assert step(other, session, "checklist", CHECKLIST).status_code == 404


def test_tablets_shipped_leave_the_log_and_count_against_the_plans_sessions(world, client_as, plan):
    from ketacare.controlled.models import Entry, StockLot

    nurse = client_as(world.users_a["nurse"])
    receipt = {"product": "ketamine_tablet", "lot": "T-1", "expires_on": "2030-01-01",
               "quantity": "40", "supplier": "Pharmacy"}  # fmt: skip
    nurse.post("/api/controlled/receipts", json.dumps(receipt), content_type="application/json")
    lot = StockLot.objects.get(lot="T-1")
    url = reverse("athome-patient", args=[world.patient_a.public_id])
    shipped = nurse.post(url, {"lot_id": str(lot.public_id), "tablets": "12", "sessions": "3"})
    assert shipped.status_code == 302
    lot.refresh_from_db()
    assert lot.balance == 28 and Entry.objects.get(kind="shipment").change == -12
    too_many = nurse.post(url, {"lot_id": str(lot.public_id), "tablets": "4", "sessions": "4"})
    assert too_many.status_code == 422 and "at most 3 more" in too_many.content.decode()
    too_few = nurse.post(url, {"lot_id": str(lot.public_id), "tablets": "30", "sessions": "1"})
    assert too_few.status_code == 422 and "Only 28 tablet" in too_few.content.decode()
    page = nurse.get(url).content.decode()
    assert 'data-testid="sessions-shipped">3<' in page and 'data-testid="sessions-taken">0<' in page


def test_the_chart_lists_at_home_sessions_for_the_care_team(world, client_as, plan):
    begin(world, client_as)
    chart = (
        client_as(world.users_a["therapist"])
        .get(reverse("patient-chart", args=[world.patient_a.public_id]))
        .content.decode()
    )
    assert 'data-testid="chart-athome"' in chart
    own = (
        client_as(world.users_a["patient"])
        .get(reverse("patient-chart", args=[world.patient_a.public_id]))
        .content.decode()
    )
    assert 'data-testid="chart-athome-start"' in own
    listed = client_as(world.users_a["nurse"]).get(
        f"/api/patients/{world.patient_a.public_id}/at-home-sessions"
    )
    assert listed.status_code == 200 and listed.json()["count"] == 1


def test_today_shows_a_session_under_way_and_its_overdue_check_in_without_the_worker(
    world, client_as, plan
):
    patient, session = dosed(world, client_as)
    step(patient, session, "check-in", {"sitter_name": "Sam", "all_well": "yes"})
    nurse = client_as(world.users_a["nurse"])
    today = nurse.get(reverse("today")).content.decode()
    assert 'data-testid="athome-under-way"' in today
    assert 'data-testid="athome-check-in-overdue"' not in today
    AtHomeSession.objects.filter(pk=session.pk).update(
        dosed_at=timezone.now() - timedelta(minutes=20)
    )
    CheckIn.objects.filter(session=session).update(at=timezone.now() - timedelta(minutes=16))
    today = nurse.get(reverse("today")).content.decode()
    assert 'data-testid="athome-check-in-overdue"' in today


def test_the_whole_session_runs_by_api_and_the_care_team_reviews_it(world, client_as, plan):
    patient = client_as(world.users_a["patient"])

    def post(url, body=None):  # type: ignore[no-untyped-def]
        return patient.post(url, json.dumps(body or {}), content_type="application/json")

    today = patient.get("/api/at-home/today").json()
    assert today["may_start"] and today["dose_mg"] == 200
    created = post("/api/at-home/sessions")
    assert created.status_code == 201
    base = f"/api/at-home/sessions/{created.json()['id']}"
    assert post(f"{base}/taken").json()["detail"][0]["loc"] == ["body", "stage"]
    checklist = {
        "fasting": True, "sitter_present": False, "sitter_name": "Sam",
        "sitter_phone": "555-0100", "no_driving": True, "held_medicines": True,
    }  # fmt: skip
    refused = post(f"{base}/checklist", checklist)
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"][-1] == "sitter_present"
    post(f"{base}/checklist", {**checklist, "sitter_present": True})
    reading = post(f"{base}/reading", {"systolic_mmhg": 150, "diastolic_mmhg": 88,
                                       "heart_rate_bpm": 70}).json()  # fmt: skip
    assert reading["decision"] == "contact us" and "S1 §5.6" in reading["decision_reasons"][0]
    post(f"{base}/reading", {"systolic_mmhg": 126, "diastolic_mmhg": 80, "heart_rate_bpm": 70})
    post(f"{base}/mood", {"mood": 7, "self_harm_thoughts": 0})
    during = post(f"{base}/taken").json()
    assert during["stage"] == "during" and during["watch_minutes"] == 180  # session 1 (H1)
    post(f"{base}/check-ins", {"sitter_name": "Sam", "all_well": False, "note": "vomited"})
    session = AtHomeSession.objects.get(patient=world.patient_a)
    AtHomeSession.objects.filter(pk=session.pk).update(
        dosed_at=timezone.now() - timedelta(minutes=180)
    )
    assert post(f"{base}/finish").json()["stage"] == "after"
    bad = post(f"{base}/after", {"cadss6": [0, 0, 0], "feeling": "better"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "cadss6"
    done = post(f"{base}/after", {"cadss6": [0, 1, 0, 1, 0, 1], "feeling": "the same"}).json()
    assert done["stage"] == "done" and done["flags"] == ["BP out of range", "adverse event"]
    nurse = client_as(world.users_a["nurse"])
    review = nurse.post(f"{base}/review", json.dumps({"note": "called: settled"}),
                        content_type="application/json")  # fmt: skip
    assert review.status_code == 200 and review.json()["reviewed_at"]
    patient = client_as(world.users_a["patient"])  # the one test client, logged in again
    assert patient.post(f"{base}/review", json.dumps({"note": "x"}),
                        content_type="application/json").status_code == 403  # fmt: skip


def test_today_audits_the_at_home_patients_it_names(world, client_as, plan):
    _, session = dosed(world, client_as)
    client_as(world.users_a["nurse"]).get(reverse("today"))
    entry = AuditEntry.objects.filter(object_type="today", action="read").latest("id")
    assert entry.detail["patients"]["athome"] == [str(world.patient_a.public_id)]


def test_tablets_ship_only_from_a_lot_of_tablets(world, client_as, plan):
    from ketacare.controlled.models import Entry, StockLot

    nurse = client_as(world.users_a["nurse"])
    receipt = {"product": "ketamine", "lot": "K-1", "expires_on": "2030-01-01",
               "quantity": "500", "supplier": "Acme"}  # fmt: skip
    nurse.post("/api/controlled/receipts", json.dumps(receipt), content_type="application/json")
    lot = StockLot.objects.get(lot="K-1")
    body = json.dumps({"lot_id": str(lot.public_id), "tablets": 2, "sessions": 1})
    url = f"/api/patients/{world.patient_a.public_id}/tablet-shipments"
    refused = nurse.post(url, body, content_type="application/json")
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"][-1] == "lot_id"
    assert not Entry.objects.filter(kind="shipment").exists()
    therapist = client_as(world.users_a["therapist"])
    assert therapist.post(url, body, content_type="application/json").status_code == 403
