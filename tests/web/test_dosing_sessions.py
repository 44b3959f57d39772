"""Dosing sessions: pre-dose check and dose limit as hard stops, vitals with alerts, discharge."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from ketacare.audit.models import AuditEntry
from ketacare.sessions.models import DosingSession, VitalSignsReading
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db
CAN_RUN = {"prescriber", "nurse"}
CAN_VIEW = {"prescriber", "nurse", "therapist"}


def start_body(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "route": "iv",
        "dose_mg_per_kg": "0.5",
        "infusion_minutes": "40",
        "systolic_mmhg": "124",
        "diastolic_mmhg": "78",
        "heart_rate_bpm": "70",
        "spo2_percent": "98",
        "pregnancy": "not pregnant",
    }
    body.update(overrides)
    return body


def start(client, patient, **overrides):  # type: ignore[no-untyped-def]
    return client.post(reverse("session-new", args=[patient.public_id]), start_body(**overrides))


def test_nurse_starts_an_iv_session_at_the_charts_weight(world, client_as):
    response = start(client_as(world.users_a["nurse"]), world.patient_a)
    session = DosingSession.objects.get()
    assert response["Location"] == reverse("session-detail", args=[session.public_id])
    assert session.dose_mg == pytest.approx(34.0, abs=0.5)  # 0.5 mg/kg x 68.5 kg, rounded
    assert session.predose_decision == "go" and session.overrides == []
    assert AuditEntry.objects.filter(object_type="dosing_session", action="create").exists()


def test_bp_above_hold_is_a_hard_stop_a_nurse_cannot_pass(world, client_as):
    nurse = client_as(world.users_a["nurse"])
    refused = start(
        nurse,
        world.patient_a,
        systolic_mmhg="186",
        diastolic_mmhg="104",
        override_reason="patient anxious",
    )
    assert refused.status_code == 422
    assert "no-go" in refused.content.decode() and "Only a prescriber" in refused.content.decode()
    assert not DosingSession.objects.exists()


def test_prescriber_passes_a_hard_stop_only_with_a_recorded_reason(world, client_as):
    prescriber = client_as(world.users_a["prescriber"])
    no_reason = start(prescriber, world.patient_a, systolic_mmhg="186", diastolic_mmhg="104")
    assert no_reason.status_code == 422 and "record the reason" in no_reason.content.decode()
    assert not DosingSession.objects.exists()
    start(
        prescriber,
        world.patient_a,
        systolic_mmhg="186",
        diastolic_mmhg="104",
        override_reason="white-coat; repeat 150/92 after rest, discussed with patient",
    )
    session = DosingSession.objects.get()
    assert session.overrides[0]["stop"] == "pre-dose no-go"
    assert session.overrides[0]["by"] == "prescriber@a.example"
    page = prescriber.get(reverse("session-detail", args=[session.public_id])).content.decode()
    assert 'data-testid="override"' in page and "white-coat" in page


def test_dose_above_the_route_limit_is_refused_without_an_override(world, client_as):
    nurse = client_as(world.users_a["nurse"])
    refused = start(nurse, world.patient_a, dose_mg_per_kg="2.0")
    assert refused.status_code == 422 and "limit" in refused.content.decode()
    assert not DosingSession.objects.exists()


def test_review_needs_a_note(world, client_as):
    nurse = client_as(world.users_a["nurse"])
    needs = start(nurse, world.patient_a, systolic_mmhg="150", diastolic_mmhg="92")
    assert needs.status_code == 422 and "Review needed" in needs.content.decode()
    start(
        nurse,
        world.patient_a,
        systolic_mmhg="150",
        diastolic_mmhg="92",
        review_note="rechecked after 10 min rest: 146/90; prescriber agrees",
    )
    assert DosingSession.objects.get().overrides[0]["stop"] == "pre-dose review"


def test_a_reading_above_hold_raises_an_alert_and_discharge_lists_what_is_unmet(world, client_as):
    nurse = client_as(world.users_a["nurse"])
    start(nurse, world.patient_a)
    session = DosingSession.objects.get()
    url = reverse("session-reading", args=[session.public_id])
    nurse.post(
        url,
        {
            "systolic_mmhg": "188",
            "diastolic_mmhg": "106",
            "heart_rate_bpm": "90",
            "spo2_percent": "97",
            "moaas": "4",
        },
    )
    reading = VitalSignsReading.objects.get()
    assert "BP above hold limit" in [a["kind"] for a in reading.alerts]
    page = nurse.get(reverse("session-detail", args=[session.public_id])).content.decode()
    assert 'data-testid="reading-alert"' in page
    early = nurse.post(
        reverse("session-discharge", args=[session.public_id]),
        {"alert_and_oriented": "on", "escort_present": "on"},
    )
    assert early.status_code == 422
    html = early.content.decode()
    assert 'data-testid="unmet"' in html
    session.refresh_from_db()
    assert session.status == "in_progress"


def test_discharge_when_every_criterion_is_met(world, client_as):
    nurse = client_as(world.users_a["nurse"])
    start(nurse, world.patient_a)
    session = DosingSession.objects.get()
    DosingSession.objects.filter(pk=session.pk).update(
        started_at=session.started_at - timedelta(minutes=130)
    )
    nurse.post(
        reverse("session-reading", args=[session.public_id]),
        {
            "systolic_mmhg": "126",
            "diastolic_mmhg": "80",
            "heart_rate_bpm": "72",
            "spo2_percent": "98",
            "moaas": "5",
        },
    )
    done = nurse.post(
        reverse("session-discharge", args=[session.public_id]),
        {
            "alert_and_oriented": "on",
            "escort_present": "on",
            "clinician_judges_stable": "on",
            "missing_checks_reason": "monitor alarms only; not charted (test)",
        },
        follow=True,
    )
    session.refresh_from_db()
    assert session.status == "discharged", done.content.decode()[:2000]
    assert session.discharge_instructions
    closed = nurse.post(
        reverse("session-reading", args=[session.public_id]),
        {"systolic_mmhg": "120", "diastolic_mmhg": "80"},
    )
    assert closed.status_code == 422 and "readings are closed" in closed.content.decode()


def test_vitals_chart_is_an_svg(world, client_as):
    nurse = client_as(world.users_a["nurse"])
    start(nurse, world.patient_a)
    session = DosingSession.objects.get()
    nurse.post(
        reverse("session-reading", args=[session.public_id]),
        {"systolic_mmhg": "130", "diastolic_mmhg": "84"},
    )
    svg = nurse.get(reverse("session-vitals-svg", args=[session.public_id]))
    assert svg["Content-Type"] == "image/svg+xml" and b"hold" in svg.content


@pytest.mark.parametrize("role", ROLES)
def test_sessions_follow_the_role_table_and_clinic_isolation(world, client_as, role):
    start(client_as(world.users_b["nurse"]), world.patient_b)
    other = DosingSession.objects.get(patient=world.patient_b)
    client = client_as(world.users_a[role])
    own = client.get(reverse("session-new", args=[world.patient_a.public_id]))
    assert own.status_code == (200 if role in CAN_RUN else 403)
    for name in ("session-detail", "session-vitals-svg"):
        assert client.get(reverse(name, args=[other.public_id])).status_code == 404
    posted = client.post(
        reverse("session-reading", args=[other.public_id]),
        {"systolic_mmhg": "120", "diastolic_mmhg": "80"},
    )
    assert posted.status_code == 404
    assert not VitalSignsReading.objects.exists()
    chart = client.get(reverse("patient-chart", args=[world.patient_a.public_id])).content.decode()
    assert ('data-testid="chart-sessions"' in chart) == (role in CAN_VIEW)
