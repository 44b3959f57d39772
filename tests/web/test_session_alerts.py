"""In-session alerts look like alerts (red, role=alert), say what crossed which limit and what
to do next, and stay on the session until a clinician acknowledges them with a note."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from ketacare.audit.models import AuditEntry
from ketacare.sessions.models import AlertAcknowledgement, DosingSession, VitalSignsReading
from tests.web.test_dosing_sessions import start

pytestmark = pytest.mark.django_db
CALM = {"systolic_mmhg": "126", "diastolic_mmhg": "80", "heart_rate_bpm": "72"}


def session_with_reading(client, **fields):  # type: ignore[no-untyped-def]
    session = DosingSession.objects.get()
    client.post(reverse("session-reading", args=[session.public_id]), fields)
    return session, VitalSignsReading.objects.latest("id")


def acknowledge(client, session, reading, note):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("session-acknowledge", args=[session.public_id]),
        {"reading": reading.pk, "note": note},
    )


def test_an_alert_is_a_red_box_with_the_limit_and_what_to_do_next(world, client_as):
    nurse = client_as(world.users_a["nurse"])
    start(nurse, world.patient_a)
    session, _ = session_with_reading(
        nurse, systolic_mmhg="188", diastolic_mmhg="96", spo2_percent="97", moaas="5"
    )
    flashed = nurse.get(reverse("session-detail", args=[session.public_id])).content.decode()
    assert '<li class="error"><span role="alert">' in flashed
    box = flashed.split('data-testid="session-alerts"', 1)[1].split("</section>", 1)[0]
    assert 'class="card session-alerts" role="alert"' in flashed
    assert "BP 188/96: systolic 188 above 180 mmHg (hold limit 180/100)" in box
    assert "pause or stop the infusion" in box and "call the prescriber" in box
    assert "recheck in 10 min (K9)" in box  # IV infusion still running


def test_a_diastolic_only_breach_says_diastolic(world, client_as):
    nurse = client_as(world.users_a["nurse"])
    start(nurse, world.patient_a)
    _, reading = session_with_reading(
        nurse, systolic_mmhg="150", diastolic_mmhg="106", spo2_percent="97"
    )
    hold = next(a for a in reading.alerts if a["kind"] == "BP above hold limit")
    assert hold["message"] == "BP 150/106: diastolic 106 above 100 mmHg (hold limit 180/100)"


def test_after_the_infusion_the_recheck_follows_the_15_minute_interval(world, client_as):
    nurse = client_as(world.users_a["nurse"])
    start(nurse, world.patient_a)
    session = DosingSession.objects.get()
    DosingSession.objects.filter(pk=session.pk).update(
        started_at=session.started_at - timedelta(minutes=50)
    )
    _, reading = session_with_reading(nurse, spo2_percent="88", **CALM)
    assert reading.alerts[0]["action"].endswith("recheck in 15 min (K9).")


def test_an_empty_note_gets_a_message_and_the_alert_stays(world, client_as):
    nurse = client_as(world.users_a["nurse"])
    start(nurse, world.patient_a)
    session, reading = session_with_reading(nurse, spo2_percent="88", **CALM)
    refused = acknowledge(nurse, session, reading, "   ")
    assert refused.status_code == 422
    html = refused.content.decode()
    assert "Write what was done about the alert" in html
    assert 'data-testid="session-alert"' in html
    assert not AlertAcknowledgement.objects.exists()


def test_an_acknowledged_alert_leaves_the_box_and_keeps_its_note_on_record(world, client_as):
    nurse = client_as(world.users_a["nurse"])
    start(nurse, world.patient_a)
    session, reading = session_with_reading(nurse, spo2_percent="88", **CALM)
    done = acknowledge(nurse, session, reading, "O2 2 L/min, prescriber at bedside, 95% at 5 min")
    assert done.status_code == 302
    page = nurse.get(reverse("session-detail", args=[session.public_id])).content.decode()
    assert 'data-testid="session-alert"' not in page
    assert 'data-testid="alert-acknowledged"' in page and "prescriber at bedside" in page
    ack = AlertAcknowledgement.objects.get()
    assert ack.acknowledged_by == world.users_a["nurse"] and ack.reading == reading
    entry = AuditEntry.objects.filter(object_type="vital_signs", action="update").get()
    assert entry.detail["acknowledged"] == ["SpO2 below threshold"]
    again = acknowledge(nurse, session, reading, "twice")
    assert again.status_code == 422 and AlertAcknowledgement.objects.count() == 1


def test_discharge_waits_until_every_alert_is_acknowledged(world, client_as):
    nurse = client_as(world.users_a["nurse"])
    start(nurse, world.patient_a)
    session, low = session_with_reading(nurse, spo2_percent="88", **CALM)
    DosingSession.objects.filter(pk=session.pk).update(
        started_at=session.started_at - timedelta(minutes=130)
    )
    session_with_reading(nurse, spo2_percent="97", moaas="5", **CALM)
    criteria = {
        "alert_and_oriented": "on",
        "escort_present": "on",
        "clinician_judges_stable": "on",
        "missing_checks_reason": "monitor alarms only; not charted (test)",
    }
    url = reverse("session-discharge", args=[session.public_id])
    refused = nurse.post(url, criteria)
    assert refused.status_code == 422
    assert "1 reading(s) with alerts not yet acknowledged" in refused.content.decode()
    acknowledge(nurse, session, low, "probe off the finger; 97% on recheck")
    nurse.post(url, criteria)
    session.refresh_from_db()
    assert session.status == "discharged"


@pytest.mark.parametrize("role", ["therapist", "front_desk", "patient"])
def test_only_a_clinician_running_sessions_may_acknowledge(world, client_as, role):
    start(client_as(world.users_a["nurse"]), world.patient_a)
    session, reading = session_with_reading(
        client_as(world.users_a["nurse"]), spo2_percent="88", **CALM
    )
    refused = acknowledge(client_as(world.users_a[role]), session, reading, "seen")
    assert refused.status_code in (403, 404)
    assert not AlertAcknowledgement.objects.exists()


def test_a_reading_of_another_session_cannot_be_acknowledged_here(world, client_as):
    nurse = client_as(world.users_a["nurse"])
    start(nurse, world.patient_a)
    session, reading = session_with_reading(nurse, spo2_percent="88", **CALM)
    start(client_as(world.users_b["nurse"]), world.patient_b)
    other = DosingSession.objects.get(patient=world.patient_b)
    refused = acknowledge(client_as(world.users_b["nurse"]), other, reading, "not mine")
    assert refused.status_code == 422 and "No such reading" in refused.content.decode()
    assert not AlertAcknowledgement.objects.exists()


def described_by(html: str, element_id: str) -> list[str]:
    """The ids the element's aria-describedby names, each of which must be on the page."""
    from tests.web.test_pages_markup_accessible import parse

    tag = re.search(rf'<[a-z]+ id="{element_id}"[^>]*>', html)
    assert tag is not None
    refs = re.search(r'aria-describedby="([^"]*)"', tag.group(0))
    named = refs.group(1).split() if refs else []
    assert set(named) <= parse(html).ids
    return named


def test_the_acknowledgement_note_is_described_by_its_help_and_its_error(world, client_as):
    """axe-core passes a help text that no input points at; a screen reader then skips it."""
    nurse = client_as(world.users_a["nurse"])
    start(nurse, world.patient_a)
    session, reading = session_with_reading(nurse, spo2_percent="88", **CALM)
    page = nurse.get(reverse("session-detail", args=[session.public_id])).content.decode()
    help_id = f"ack-note-{reading.pk}-help"
    assert f'id="{help_id}"' in page
    assert described_by(page, f"ack-note-{reading.pk}") == [help_id]
    refused = acknowledge(nurse, session, reading, "   ").content.decode()
    error_id = f"ack-note-{reading.pk}-error"
    assert described_by(refused, f"ack-note-{reading.pk}") == [help_id, error_id]
    assert 'aria-invalid="true"' in refused
