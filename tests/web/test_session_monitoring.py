"""Every reading judged by default (NEWS2, MOAA/S), stricter clinic limits set on the settings
page with who and when, and the same limits before the dose, during it and at discharge."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from ketacare.audit.models import AuditEntry
from ketacare.clinics.models import MonitoringLimits
from ketacare.sessions.models import DosingSession, VitalSignsReading
from tests.web.test_dosing_sessions import start

pytestmark = pytest.mark.django_db

SHOCKED = {
    "systolic_mmhg": "82",
    "diastolic_mmhg": "48",
    "heart_rate_bpm": "138",
    "spo2_percent": "84",
    "respiratory_rate_per_min": "22",
    "moaas": "1",
}


def reading(client, session, **fields):  # type: ignore[no-untyped-def]
    return client.post(reverse("session-reading", args=[session.public_id]), fields)


def limits_form(**changes: object) -> dict[str, object]:
    from ketacare.clinical.clinic_settings import DEFAULT_MONITORING, stricter_only_fields

    body = {name: getattr(DEFAULT_MONITORING, name) for name in stricter_only_fields()}
    body.update(changes)
    return body


def test_the_issue_reading_raises_every_alert_and_shows_its_news2(world, client_as):
    nurse = client_as(world.users_a["nurse"])
    start(nurse, world.patient_a)
    session = DosingSession.objects.get()
    reading(nurse, session, **SHOCKED)
    saved = VitalSignsReading.objects.get()
    kinds = {a["kind"] for a in saved.alerts}
    assert {
        "SpO2 below threshold",
        "heart rate outside limits",
        "low systolic BP",
        "excessive sedation",
        "NEWS2 emergency",
    } <= kinds
    # RR 22: 2, SpO2 84: 3, BP 82: 3, pulse 138: 3, MOAA/S 1: 3 (N1, N3)
    assert saved.news2_score == 14 and saved.respiratory_rate_per_min == 22
    page = nurse.get(reverse("session-detail", args=[session.public_id])).content.decode()
    assert 'data-testid="reading-news2"><strong>14</strong>' in page
    assert "SpO2 84% at or below 91%" in page


def test_a_calm_reading_raises_nothing_and_scores_0(world, client_as):
    nurse = client_as(world.users_a["nurse"])
    start(nurse, world.patient_a)
    session = DosingSession.objects.get()
    calm = {"systolic_mmhg": "124", "diastolic_mmhg": "78", "heart_rate_bpm": "72"}
    reading(nurse, session, spo2_percent="97", respiratory_rate_per_min="14", moaas="5", **calm)
    saved = VitalSignsReading.objects.get()
    assert saved.alerts == [] and saved.news2_score == 0


def test_low_spo2_before_the_dose_needs_review_without_any_clinic_setting(world, client_as):
    nurse = client_as(world.users_a["nurse"])
    refused = start(nurse, world.patient_a, spo2_percent="90")
    assert refused.status_code == 422
    assert "SpO2 90% at or below 91%" in refused.content.decode()
    assert not DosingSession.objects.exists()


def test_discharge_waits_while_the_last_reading_is_at_a_news2_limit(world, client_as):
    nurse = client_as(world.users_a["nurse"])
    start(nurse, world.patient_a)
    session = DosingSession.objects.get()
    DosingSession.objects.filter(pk=session.pk).update(
        started_at=session.started_at - timedelta(minutes=130)
    )
    reading(nurse, session, systolic_mmhg="124", diastolic_mmhg="78", spo2_percent="91", moaas="5")
    refused = nurse.post(
        reverse("session-discharge", args=[session.public_id]),
        {"alert_and_oriented": "on", "escort_present": "on", "clinician_judges_stable": "on"},
    )
    assert refused.status_code == 422 and "SpO2 91% at or below 91%" in refused.content.decode()
    session.refresh_from_db()
    assert session.status == "in_progress"


def test_a_prescriber_sets_a_stricter_spo2_limit_recorded_with_who_and_when(world, client_as):
    prescriber = client_as(world.users_a["prescriber"])
    saved = prescriber.post(
        reverse("clinic-monitoring"), limits_form(spo2_alert_at_or_below_percent=93)
    )
    assert saved.status_code == 302
    limits = MonitoringLimits.objects.get()
    assert limits.limits == {"spo2_alert_at_or_below_percent": 93}
    assert limits.set_by == world.users_a["prescriber"] and limits.clinic == world.clinic_a
    entry = AuditEntry.objects.get(object_type="monitoring_limits")
    assert entry.detail["changed"] == {"spo2_alert_at_or_below_percent": {"from": 91, "to": 93}}
    page = prescriber.get(reverse("clinic-monitoring")).content.decode()
    assert "Last changed by prescriber a" in page

    nurse = client_as(world.users_a["nurse"])
    assert start(nurse, world.patient_a, spo2_percent="93").status_code == 422
    start(nurse, world.patient_a, spo2_percent="94")
    session = DosingSession.objects.get()
    reading(nurse, session, systolic_mmhg="124", diastolic_mmhg="78", spo2_percent="93")
    assert VitalSignsReading.objects.get().alerts[0]["message"] == "SpO2 93% at or below 93%"


def test_clinic_b_limits_do_not_apply_to_clinic_a(world, client_as):
    client_as(world.users_b["prescriber"]).post(
        reverse("clinic-monitoring"), limits_form(spo2_alert_at_or_below_percent=95)
    )
    nurse = client_as(world.users_a["nurse"])
    start(nurse, world.patient_a, spo2_percent="94")
    assert DosingSession.objects.filter(patient=world.patient_a).exists()


@pytest.mark.parametrize(
    ("field", "looser"),
    [
        ("spo2_alert_at_or_below_percent", 88),
        ("pulse_alert_at_or_above_bpm", 150),
        ("sedation_alert_at_or_below_moaas", 0),
        ("news2_emergency_at_or_above", 9),
    ],
)
def test_a_looser_limit_is_refused_on_the_page_naming_it(world, client_as, field, looser):
    admin = client_as(world.users_a["clinic_admin"])
    refused = admin.post(reverse("clinic-monitoring"), limits_form(**{field: looser}))
    assert refused.status_code == 422
    assert "only set a stricter limit" in refused.content.decode()
    assert not MonitoringLimits.objects.exists()


@pytest.mark.parametrize("role", ["nurse", "therapist", "front_desk", "patient"])
def test_only_admin_and_prescriber_may_set_limits(world, client_as, role):
    client = client_as(world.users_a[role])
    assert client.get(reverse("clinic-monitoring")).status_code == 403
    refused = client.post(
        reverse("clinic-monitoring"), limits_form(spo2_alert_at_or_below_percent=93)
    )
    assert refused.status_code == 403
    assert not MonitoringLimits.objects.exists()
