"""The pre-dose check reads today's PHQ-9 item 9 and C-SSRS from the record; an open
suicidality alert is a review only a prescriber clears, with a note; pregnancy is asked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ketacare.accounts.actor import Actor
from ketacare.audit.models import AuditEntry
from ketacare.measures.models import SafetyAlert
from ketacare.measures.services import record_scale
from ketacare.sessions.models import DosingSession
from tests.web.test_dosing_sessions import start, start_body

pytestmark = pytest.mark.django_db
PHQ9_ITEM9_2 = [1, 1, 1, 1, 1, 1, 1, 1, 2]


def scale(world, instrument, answers, taken_at=None):  # type: ignore[no-untyped-def]
    nurse = Actor(world.users_a["nurse"], world.clinic_a, "nurse")
    return record_scale(nurse, world.patient_a.public_id, instrument, answers,
                        taken_at=taken_at, backdate_reason="rated at the last visit")  # fmt: skip


def test_todays_item_9_and_its_open_alert_show_on_the_start_page(world, client_as):
    scale(world, "phq9", PHQ9_ITEM9_2)
    page = client_as(world.users_a["nurse"]).get(
        reverse("session-new", args=[world.patient_a.public_id])
    )
    html = page.content.decode()
    box = html.split('data-testid="suicidality-today"', 1)[1].split("</div>", 1)[0]
    assert "PHQ-9 item 9 <strong>2</strong>" in box and "not recorded" in box  # C-SSRS
    assert 'data-testid="open-suicidality-alert"' in box


def test_a_nurse_cannot_dose_past_an_open_suicidality_alert(world, client_as):
    scale(world, "phq9", PHQ9_ITEM9_2)
    refused = start(
        client_as(world.users_a["nurse"]), world.patient_a, review_note="patient says fine"
    )
    assert refused.status_code == 422
    html = refused.content.decode()
    assert "PHQ-9 item 9 today = 2" in html and "Only a prescriber may clear it" in html
    assert not DosingSession.objects.exists()
    assert SafetyAlert.objects.get().acknowledged_at is None


def test_a_prescriber_clears_the_alert_with_a_note_and_doses(world, client_as):
    scale(world, "phq9", PHQ9_ITEM9_2)
    prescriber = client_as(world.users_a["prescriber"])
    no_note = start(prescriber, world.patient_a)
    assert no_note.status_code == 422 and "Record what was reviewed" in no_note.content.decode()
    note = "passive thoughts, no plan; safety plan reviewed with patient"
    assert start(prescriber, world.patient_a, review_note=note).status_code == 302
    alert = SafetyAlert.objects.get()
    assert alert.acknowledged_by == world.users_a["prescriber"]
    assert alert.acknowledgement_note == f"Cleared before dosing: {note}"
    session = DosingSession.objects.get()
    assert "open suicidality alert" in session.overrides[0]["findings"]
    assert AuditEntry.objects.filter(object_type="safety_alert", action="update").exists()


def test_todays_cssrs_on_record_needs_review_even_if_the_form_says_none(world, client_as):
    scale(world, "cssrs", [1, 1, 1, 0, 0, 0, None])  # method, no intent: moderate
    nurse = client_as(world.users_a["nurse"])
    refused = start(nurse, world.patient_a, cssrs_risk_today="none")
    assert refused.status_code == 422 and "C-SSRS today: moderate risk" in refused.content.decode()
    assert start(nurse, world.patient_a, review_note="reviewed with prescriber").status_code == 302


def test_yesterdays_item_9_counts_only_through_its_alert(world, client_as):
    scale(world, "phq9", PHQ9_ITEM9_2, timezone.now() - timedelta(days=2))
    alert = SafetyAlert.objects.get()
    SafetyAlert.objects.filter(pk=alert.pk).update(
        acknowledged_at=timezone.now(), acknowledgement_note="seen"
    )
    assert start(client_as(world.users_a["nurse"]), world.patient_a).status_code == 302


def test_pregnancy_status_must_be_asked(world, client_as):
    nurse = client_as(world.users_a["nurse"])
    page = nurse.get(reverse("session-new", args=[world.patient_a.public_id])).content.decode()
    assert '<option value="" selected>— ask the patient —</option>' in page
    body = start_body()
    del body["pregnancy"]
    refused = nurse.post(reverse("session-new", args=[world.patient_a.public_id]), body)
    assert refused.status_code == 422
    assert "Ask the patient and record the pregnancy status." in refused.content.decode()
    assert not DosingSession.objects.exists()
