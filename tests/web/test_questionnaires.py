"""Scheduled questionnaires: the care team schedules a self-report scale; the worker sends at
most three reminders, once each, with a one-time link that opens only that questionnaire;
an answer anywhere closes it and the next one is scheduled."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ketacare.measures.models import SafetyAlert, ScaleResponse
from ketacare.questionnaires import services
from ketacare.questionnaires.models import DueQuestionnaire
from tests.conftest import actor_for
from tests.tasks import run_background_tasks

pytestmark = pytest.mark.django_db
LINK = re.compile(r"http://127\.0\.0\.1:8000(/q/[\w-]+/)")


def nurse(world):  # type: ignore[no-untyped-def]
    return actor_for(world.users_a["nurse"], world.clinic_a, "nurse")


def schedule(world, instrument="phq9", every=7, first=None):  # type: ignore[no-untyped-def]
    entry = services.ScheduleEntry(instrument, every, first or timezone.localdate())
    return services.start_schedule(nurse(world), world.patient_a.public_id, entry)


def time_passes() -> None:
    """Every queued reminder is now due (the clock moved on while no worker ran)."""
    DBTaskResult.objects.update(run_after=timezone.now() - timedelta(seconds=1))


def link_from_last_email() -> str:
    return LINK.search(mail.outbox[-1].body)[1]


@pytest.fixture
def patient_with_email(world):  # type: ignore[no-untyped-def]
    world.users_a["patient"].email = "alice@example.org"
    world.users_a["patient"].save()
    return world


def test_a_due_questionnaire_shows_in_the_portal_and_on_the_chart(world, client_as):
    schedule(world)
    chart = reverse("patient-chart", args=[world.patient_a.public_id])
    mine = client_as(world.users_a["patient"]).get(chart).content.decode()
    assert "Waiting for you" in mine and "Fill in the PHQ-9" in mine
    assert reverse("scale-record", args=[world.patient_a.public_id, "phq9"]) in mine
    staff = client_as(world.users_a["nurse"]).get(chart).content.decode()
    assert 'data-testid="questionnaires-due"' in staff


@pytest.mark.parametrize(
    ("field", "value"),
    [("instrument", "madrs"), ("every_days", "0"), ("every_days", "91"), ("first_due_on", "past")],
)
def test_a_bad_schedule_is_422_naming_the_field_and_saves_nothing(world, client_as, field, value):
    body = {"instrument": "phq9", "every_days": "7",
            "first_due_on": timezone.localdate().isoformat()}  # fmt: skip
    body[field] = (
        (timezone.localdate() - timedelta(days=1)).isoformat() if value == "past" else value
    )
    url = reverse("questionnaire-schedule", args=[world.patient_a.public_id])
    response = client_as(world.users_a["nurse"]).post(url, body)
    assert response.status_code == 422
    assert re.search(
        rf'data-field="{field}"|id="error-{field}"|name="{field}"', response.content.decode()
    )
    assert not DueQuestionnaire.objects.exists()


@pytest.mark.parametrize(("role", "status"), [("prescriber", 302), ("nurse", 302),
                                              ("therapist", 403), ("front_desk", 403),
                                              ("patient", 403)])  # fmt: skip
def test_who_may_schedule(world, client_as, role, status):
    body = {"instrument": "gad7", "every_days": "14",
            "first_due_on": timezone.localdate().isoformat()}  # fmt: skip
    url = reverse("questionnaire-schedule", args=[world.patient_a.public_id])
    assert client_as(world.users_a[role]).post(url, body).status_code == status
    other = reverse("questionnaire-schedule", args=[world.patient_b.public_id])
    assert client_as(world.users_a[role]).post(other, body).status_code == 404


def test_reminders_go_at_most_three_times_once_each_then_the_next_is_scheduled(
    patient_with_email, django_capture_on_commit_callbacks
):
    world = patient_with_email
    with django_capture_on_commit_callbacks(execute=True):
        first = schedule(world).due.get()
    for attempt in (1, 2, 3, 4):
        time_passes()
        with django_capture_on_commit_callbacks(execute=True):
            assert run_background_tasks() == 1
        assert len(mail.outbox) == min(attempt, 3)
        assert run_background_tasks() == 0  # the next one waits for its day
    first.refresh_from_db()
    assert (first.status, first.reminders_sent) == ("missed", 3)
    following = DueQuestionnaire.objects.get(status="due")
    assert following.due_on == first.due_on + timedelta(days=7)
    body = mail.outbox[0].body
    assert "PHQ" not in body and "depress" not in body.lower()  # no health detail in email
    assert "988" in body


def test_a_duplicate_reminder_task_sends_nothing_more(
    patient_with_email, django_capture_on_commit_callbacks
):
    world = patient_with_email
    with django_capture_on_commit_callbacks(execute=True):
        due = schedule(world).due.get()
    from ketacare.questionnaires.tasks import send_reminder

    send_reminder.enqueue(due.pk, 1)  # as if two workers each held a copy
    time_passes()
    run_background_tasks()
    assert len(mail.outbox) == 1


def _emailed_link(world, client_as, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        schedule(world)
    time_passes()
    with django_capture_on_commit_callbacks(execute=True):
        run_background_tasks()
    return link_from_last_email()


def _answers(values):  # type: ignore[no-untyped-def]
    return {f"item_{n}": str(v) for n, v in enumerate(values, start=1)}


def test_the_link_opens_only_its_questionnaire_works_once_and_a_retry_is_recorded_once(
    patient_with_email, client, client_as, django_capture_on_commit_callbacks
):
    world = patient_with_email
    path = _emailed_link(world, client_as, django_capture_on_commit_callbacks)
    page = client.get(path)
    assert page.status_code == 200 and "PHQ-9" in page.content.decode()
    key = re.search(r'name="submission_key" value="([^"]+)"', page.content.decode())[1]
    missing = client.post(path, {**_answers([1, 2, 1, 0, 1]), "submission_key": key})
    assert missing.status_code == 422
    assert re.search(r'name="item_2" value="2"[^>]*checked', missing.content.decode())  # kept
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(path, {**_answers([1, 2, 1, 0, 1, 1, 0, 0, 0]), "submission_key": key})
    assert 'data-testid="link-thanks"' in done.content.decode()
    again = client.post(path, {**_answers([1, 2, 1, 0, 1, 1, 0, 0, 0]), "submission_key": key})
    assert 'data-testid="link-thanks"' in again.content.decode()  # a retry: the same answer
    response = ScaleResponse.objects.get()
    assert response.self_reported and response.entered_by == world.users_a["patient"]
    assert DueQuestionnaire.objects.get(response=response).status == "answered"
    assert DueQuestionnaire.objects.filter(status="due").count() == 1  # the next one
    used, wrong = client.get(path), client.get("/q/not-a-real-link/")
    assert used.status_code == wrong.status_code == 404
    main = re.compile(rb"<main.*</main>", re.S)  # (the head carries per-response nonces)
    assert main.search(used.content)[0] == main.search(wrong.content)[0]  # a used link tells
    # nothing a guess would not
    other_key = client.post(path, {**_answers([0] * 9), "submission_key": "other"})
    assert other_key.status_code == 404 and ScaleResponse.objects.count() == 1


def test_item_9_by_link_alerts_the_care_team_and_shows_crisis_resources(
    patient_with_email, client, client_as, django_capture_on_commit_callbacks
):
    world = patient_with_email
    path = _emailed_link(world, client_as, django_capture_on_commit_callbacks)
    key = re.search(r'name="submission_key" value="([^"]+)"', client.get(path).content.decode())[1]
    done = client.post(path, {**_answers([1, 1, 1, 1, 1, 1, 1, 1, 2]), "submission_key": key})
    html = done.content.decode()
    assert 'data-testid="crisis-resources"' in html and "988" in html
    assert SafetyAlert.objects.filter(patient=world.patient_a, acknowledged_at=None).exists()


def test_links_are_rate_limited_per_address(client, settings):
    settings.RATE_LIMIT_LINKS_PER_HOUR = 3
    codes = [client.get(f"/q/guess-{n}/").status_code for n in range(4)]
    assert codes == [404, 404, 404, 429]


def test_answering_in_the_portal_closes_the_due_questionnaire(world, client_as):
    schedule(world)
    url = reverse("scale-record", args=[world.patient_a.public_id, "phq9"])
    client_as(world.users_a["patient"]).post(url, _answers([0] * 9))
    assert DueQuestionnaire.objects.filter(status="answered").count() == 1


def test_the_real_worker_sends_a_reminder_scheduled_before_it_started(transactional_db, world):
    """Scheduled with no worker running; the worker starts later (a restart) and sends it."""
    from ketacare.cli import main

    world.users_a["patient"].email = "alice@example.org"
    world.users_a["patient"].save()
    schedule(world)
    assert DBTaskResult.objects.count() == 1
    time_passes()
    assert main(["worker", "--batch"]) == 0
    assert len(mail.outbox) == 1 and LINK.search(mail.outbox[0].body)
    assert main(["worker", "--batch"]) == 0
    assert len(mail.outbox) == 1  # sent once, whatever runs the worker again


def test_a_suicidality_answer_emails_the_clinics_on_call_address_without_naming_anyone(
    world, client_as, django_capture_on_commit_callbacks
):
    admin = client_as(world.users_a["clinic_admin"])
    body = {"name": "Clinic A", "time_zone": world.clinic_a.time_zone, "licensed_states": ["NY"],
            "on_call_email": "oncall@a.example"}  # fmt: skip
    assert admin.post(reverse("clinic-settings"), body).status_code == 302
    bad = admin.post(reverse("clinic-settings"), {**body, "on_call_email": "not an address"})
    assert bad.status_code == 422
    url = reverse("scale-record", args=[world.patient_a.public_id, "phq9"])
    with django_capture_on_commit_callbacks(execute=True):
        client_as(world.users_a["patient"]).post(url, _answers([1] * 8 + [3]))
    assert run_background_tasks() == 1
    (email,) = mail.outbox
    assert email.to == ["oncall@a.example"]
    assert f"/patients/{world.patient_a.public_id}/" in email.body
    assert world.patient_a.last_name not in email.body and "item 9" not in email.body


def test_without_an_on_call_address_the_alert_stays_on_the_dashboard_only(
    world, client_as, django_capture_on_commit_callbacks
):
    url = reverse("scale-record", args=[world.patient_a.public_id, "phq9"])
    with django_capture_on_commit_callbacks(execute=True):
        client_as(world.users_a["patient"]).post(url, _answers([1] * 8 + [3]))
    assert run_background_tasks() == 1 and mail.outbox == []
    assert SafetyAlert.objects.filter(patient=world.patient_a).exists()
