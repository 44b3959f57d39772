"""An at-home session the patient never finishes is closed by the worker once its window has
passed (issue 11, item 3): "not finished", flagged on Today and the chart like a missed
check-in, the dose counted as taken when confirmed, the after-step still offered to the
patient; closed once whatever runs it (two workers, a retry, a restart)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ketacare.athome.closing import close_if_unfinished, closes_at
from ketacare.athome.models import AtHomeSession, Stage
from ketacare.athome.shipments import supply_of
from ketacare.audit.models import AuditEntry
from ketacare.treatment.models import SessionState
from tests.at_home import at_home_plan
from tests.tasks import run_background_tasks
from tests.web.test_at_home import AFTER, CHECKLIST, begin, dosed, step

SESSION_1_MINUTES = 180  # H1: about 3 h in session 1
CHECK_EVERY = 15  # H1, the clinic default


@pytest.fixture
def plan(world, client_as):  # type: ignore[no-untyped-def]
    return at_home_plan(client_as(world.users_a["prescriber"]), world.patient_a)


def _closings() -> list[AuditEntry]:
    rows = AuditEntry.objects.filter(object_type="at_home_session", action="update")
    return [e for e in rows if "closed_unfinished" in e.detail]


def _sitters_time_passes(session: AtHomeSession, minutes: int) -> None:
    """The dose was taken that long ago; the close task's time has come."""
    AtHomeSession.objects.filter(pk=session.pk).update(
        dosed_at=timezone.now() - timedelta(minutes=minutes)
    )
    DBTaskResult.objects.update(run_after=timezone.now())


def test_the_real_worker_closes_a_dosed_session_left_open_once_and_flags_it(
    transactional_db, world, client_as, plan
):
    """Scheduled at the dose with no worker running; the worker starts later (a restart)."""
    from ketacare.cli import main

    patient, session = dosed(world, client_as)
    assert DBTaskResult.objects.filter(task_path__endswith="close_unfinished_session").exists()
    _sitters_time_passes(session, SESSION_1_MINUTES + CHECK_EVERY - 1)
    assert main(["worker", "--batch"]) == 0
    session.refresh_from_db()
    assert session.stage == Stage.DURING  # a minute before its window has passed
    _sitters_time_passes(session, SESSION_1_MINUTES + CHECK_EVERY + 1)
    from ketacare.athome.tasks import close_unfinished_session

    close_unfinished_session.enqueue(session.pk)  # as if two workers each held a copy
    assert main(["worker", "--batch"]) == 0
    assert main(["worker", "--batch"]) == 0
    session.refresh_from_db()
    # No check-in either: the missed one was escalated before (watch.py).
    assert session.stage == Stage.NOT_FINISHED
    assert session.flags == ["check-in missed", "not finished"]
    assert len(_closings()) == 1
    assert close_if_unfinished(session.pk) == "not open"  # a retry changes nothing
    # The dose the patient confirmed counts as taken.
    supply = supply_of(world.patient_a)
    assert supply is not None and supply.taken == 1
    assert session.planned.status == SessionState.DONE

    nurse = client_as(world.users_a["nurse"])
    today = nurse.get(reverse("today")).content.decode()
    assert 'data-testid="athome-flagged"' in today and "not finished" in today
    assert 'data-testid="athome-under-way"' not in today
    chart = nurse.get(reverse("patient-chart", args=[world.patient_a.public_id])).content.decode()
    assert "Not finished" in chart and "not finished" in chart
    record = nurse.get(reverse("athome-record", args=[session.public_id])).content.decode()
    assert 'data-testid="athome-closed-unfinished"' in record
    nurse.post(reverse("athome-review", args=[session.public_id]), {"note": "called: fine"})
    assert 'data-testid="athome-flagged"' not in nurse.get(reverse("today")).content.decode()


def test_a_closed_dosed_session_still_takes_the_after_step_answers_once(world, client_as, plan):
    patient, session = dosed(world, client_as)
    _sitters_time_passes(session, SESSION_1_MINUTES + 1)
    assert step(patient, session, "finish").status_code == 302  # the after-step, unanswered
    assert close_if_unfinished(session.pk) == "not yet"
    _sitters_time_passes(session, SESSION_1_MINUTES + CHECK_EVERY + 1)
    assert close_if_unfinished(session.pk) == "closed"

    home = patient.get(reverse("portal-home")).content.decode()
    assert 'data-testid="athome-closed-answer"' in home
    page = patient.get(reverse("athome-session", args=[session.public_id])).content.decode()
    assert 'data-testid="athome-closed-after"' in page and "Your dose counts as taken" in page
    assert step(patient, session, "after", AFTER).status_code == 302
    session.refresh_from_db()
    assert session.stage == Stage.NOT_FINISHED and session.cadss6_total == 6
    assert session.finished_at is not None and session.flags == ["not finished"]
    again = step(patient, session, "after", AFTER)
    assert again.status_code == 422 and "This session was closed" in again.content.decode()
    page = patient.get(reverse("athome-session", args=[session.public_id])).content.decode()
    assert 'data-testid="athome-done"' in page
    assert 'data-testid="athome-closed' not in patient.get(reverse("portal-home")).content.decode()


def test_a_session_never_dosed_closes_when_its_day_is_over_and_says_to_contact_the_clinic(
    world, client_as, plan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        patient, session = begin(world, client_as)
    step(patient, session, "checklist", CHECKLIST)
    day_over = closes_at(session)
    assert timezone.localtime(day_over).time().isoformat() == "00:00:00"  # the clinic's midnight
    assert timezone.localdate(day_over) == timezone.localdate(session.started_at) + timedelta(1)
    assert run_background_tasks() == 0  # not before then
    assert close_if_unfinished(session.pk, now=day_over - timedelta(seconds=1)) == "not yet"
    DBTaskResult.objects.update(run_after=timezone.now())
    AtHomeSession.objects.filter(pk=session.pk).update(started_at=day_over - timedelta(days=2))
    assert run_background_tasks() >= 1
    session.refresh_from_db()
    assert session.stage == Stage.NOT_FINISHED and session.dosed_at is None
    assert session.flags == ["not finished"]
    assert supply_of(world.patient_a).taken == 0  # type: ignore[union-attr]
    assert session.planned.status == SessionState.PLANNED  # still there to be taken

    page = patient.get(reverse("athome-session", args=[session.public_id])).content.decode()
    assert 'data-testid="athome-closed"' in page and "please contact them" in page
    reading = {"systolic_mmhg": "120", "diastolic_mmhg": "80", "heart_rate_bpm": "70"}
    assert step(patient, session, "reading", reading).status_code == 422
    start = patient.get(reverse("athome-start")).content.decode()
    assert 'data-testid="athome-closed"' in start and 'data-testid="athome-begin"' in start
    again = patient.post(reverse("athome-start"))  # today's dose may start afresh
    assert again.status_code == 302 and str(session.public_id) not in again["Location"]


def test_a_session_finished_in_time_is_not_closed(world, client_as, plan):
    patient, session = dosed(world, client_as)
    _sitters_time_passes(session, SESSION_1_MINUTES + 1)
    step(patient, session, "finish")
    step(patient, session, "after", AFTER)
    _sitters_time_passes(session, SESSION_1_MINUTES + CHECK_EVERY + 1)
    assert close_if_unfinished(session.pk) == "not open"
    session.refresh_from_db()
    assert session.stage == Stage.DONE and session.closed_unfinished_at is None


def _close_in_thread(pk, barrier, outcomes):  # type: ignore[no-untyped-def]
    try:
        barrier.wait(10)
        outcomes.append(close_if_unfinished(pk))
    except Exception as exc:  # noqa: BLE001 - any other outcome fails the test below
        outcomes.append(repr(exc))
    finally:
        connection.close()


def test_two_workers_closing_at_once_close_once(transactional_db, world, client_as, plan):
    _, session = dosed(world, client_as)
    _sitters_time_passes(session, SESSION_1_MINUTES + CHECK_EVERY + 1)
    barrier, outcomes = threading.Barrier(2), []
    threads = [threading.Thread(target=_close_in_thread, args=(session.pk, barrier, outcomes))
               for _ in range(2)]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert "closed" in outcomes and len(_closings()) == 1
    loser = [o for o in outcomes if o != "closed"]
    if connection.vendor == "sqlite":
        # The in-memory test database refuses a second writer at once ("table is locked").
        assert loser == ["not open"] or "locked" in loser[0]
    else:
        assert loser == ["not open"]


def test_migrate_gives_each_session_opened_before_closing_existed_its_task(
    world, client_as, plan, django_capture_on_commit_callbacks
):
    from ketacare.athome.closing import watch_open_sessions

    _, session = begin(world, client_as)  # its task was never enqueued (no commit here)
    assert not DBTaskResult.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert watch_open_sessions() == 1
    queued = DBTaskResult.objects.get(task_path__endswith="close_unfinished_session")
    assert queued.args_kwargs["args"] == [session.pk] and queued.run_after == closes_at(session)
