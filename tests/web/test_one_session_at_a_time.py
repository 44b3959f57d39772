"""A patient has at most one dosing session in progress: a second start is refused with a link
to the open one, also when two starts arrive at the same moment (a partial unique index)."""

from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from ketacare.accounts.actor import Actor
from ketacare.clinical.monitoring import PregnancyStatus
from ketacare.clinical.routes import Route
from ketacare.clinical.vitals import VitalSigns
from ketacare.sessions import services
from ketacare.sessions.models import DosingSession
from tests.web.test_dosing_sessions import start


@pytest.mark.django_db
def test_a_second_start_is_refused_with_a_link_to_the_open_session(world, client_as):
    nurse = client_as(world.users_a["nurse"])
    start(nurse, world.patient_a)
    first = DosingSession.objects.get()
    refused = start(nurse, world.patient_a)
    assert refused.status_code == 422
    html = refused.content.decode()
    assert "already in progress" in html
    assert reverse("session-detail", args=[first.public_id]) in html
    assert DosingSession.objects.count() == 1
    page = nurse.get(reverse("session-new", args=[world.patient_a.public_id])).content.decode()
    assert 'data-testid="open-session"' in page


@pytest.mark.django_db
def test_after_discharge_the_next_session_may_start(world, client_as):
    nurse = client_as(world.users_a["nurse"])
    start(nurse, world.patient_a)
    DosingSession.objects.update(status="discharged")
    assert start(nurse, world.patient_a).status_code == 302
    assert DosingSession.objects.filter(status="in_progress").count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_second_session_in_progress(world, client_as):
    start(client_as(world.users_a["nurse"]), world.patient_a)
    first = DosingSession.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        DosingSession.objects.create(
            clinic=first.clinic,
            patient=first.patient,
            route="iv",
            weight_kg=first.weight_kg,
            dose_mg=30,
            dose_limit_mg=60,
            dose_limit_source="K1",
            predose_vitals=first.predose_vitals,
            predose_decision="go",
        )


@pytest.mark.django_db
def test_a_start_that_loses_the_race_gets_the_same_refusal(world, client_as, monkeypatch):
    """The check before the insert can miss a start made a moment earlier: the index decides."""
    nurse = client_as(world.users_a["nurse"])
    start(nurse, world.patient_a)
    real = services.open_session_of
    calls = iter([None])  # the first look (before the insert) misses the other start
    monkeypatch.setattr(services, "open_session_of", lambda p: next(calls, real(p)))
    refused = start(nurse, world.patient_a)
    assert refused.status_code == 422 and "already in progress" in refused.content.decode()
    assert DosingSession.objects.count() == 1


def _start_in_thread(actor, patient_id, barrier, outcomes):  # type: ignore[no-untyped-def]
    try:
        barrier.wait()
        services.start_session(
            actor,
            patient_id,
            services.SessionStart(
                route=Route.IV_RACEMIC,
                vitals=VitalSigns(124, 78, 70, 98),
                pregnancy=PregnancyStatus.NOT_PREGNANT,
                dose_mg_per_kg=0.5,
                infusion_minutes=40,
            ),
        )
        outcomes.append("started")
    except services.SessionAlreadyOpen:
        outcomes.append("refused")
    except Exception as exc:  # noqa: BLE001 - any other outcome fails the test below
        outcomes.append(repr(exc))
    finally:
        connection.close()


def test_two_simultaneous_starts_give_one_session_in_progress(transactional_db, world):  # type: ignore[no-untyped-def]
    nurse = world.users_a["nurse"]
    actor = Actor(nurse, world.clinic_a, "nurse")
    barrier, outcomes = threading.Barrier(2), []
    threads = [
        threading.Thread(
            target=_start_in_thread, args=(actor, world.patient_a.public_id, barrier, outcomes)
        )
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert DosingSession.objects.filter(status="in_progress").count() == 1
    assert sorted(outcomes)[-1] == "started"
    loser = sorted(outcomes)[0]
    if connection.vendor == "sqlite":
        # The in-memory test database refuses a second writer at once ("table is locked");
        # the site answers that with 503 and Retry-After. Either way: never two sessions.
        assert loser == "refused" or "locked" in loser
    else:
        assert loser == "refused"
