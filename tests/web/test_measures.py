"""Rating scales on the chart: scored by the clinical core, safety alerts until acknowledged."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ketacare.audit.models import AuditEntry
from ketacare.measures.models import SafetyAlert, ScaleResponse
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db
CARE_TEAM = {"prescriber", "nurse", "therapist"}
PHQ9_SAFE = [1, 2, 3, 0, 1, 2, 1, 0, 0]  # total 10, moderate
PHQ9_ITEM9 = [1, 2, 3, 0, 1, 2, 1, 0, 2]  # total 12, item 9 answered 2


def phq9_form(answers):  # type: ignore[no-untyped-def]
    return {f"item_{n}": str(a) for n, a in enumerate(answers, start=1)}


def post_scale(client, patient, answers, instrument="phq9"):  # type: ignore[no-untyped-def]
    body = json.dumps({"instrument": instrument, "answers": answers})
    return client.post(f"/api/patients/{patient.public_id}/scales", body,
                       content_type="application/json")  # fmt: skip


def test_nurse_records_a_phq9_on_the_page_and_sees_its_severity(world, client_as):
    client = client_as(world.users_a["nurse"])
    url = reverse("scale-record", args=[world.patient_a.public_id, "phq9"])
    assert "Little interest or pleasure" in client.get(url).content.decode()
    response = client.post(url, phq9_form(PHQ9_SAFE), follow=True)
    assert "PHQ-9 recorded: 10 (moderate)" in response.content.decode()
    saved = ScaleResponse.objects.get(patient=world.patient_a)
    assert (saved.total, saved.severity, saved.flags) == (10, "moderate", [])
    assert saved.entered_by == world.users_a["nurse"] and not saved.self_reported
    assert AuditEntry.objects.filter(object_type="scale_response", action="create").count() == 1


def test_a_missing_item_is_refused_naming_it_and_nothing_is_saved(world, client_as):
    client = client_as(world.users_a["nurse"])
    url = reverse("scale-record", args=[world.patient_a.public_id, "phq9"])
    body = phq9_form(PHQ9_SAFE)
    del body["item_4"]
    response = client.post(url, body)
    assert response.status_code == 422
    assert "Answer item 4." in response.content.decode()
    assert not ScaleResponse.objects.exists()
    api = post_scale(client, world.patient_a, [1, 2, 3, 0, 1, 2, 1, 0, 4])
    assert api.status_code == 422
    assert "item 9" in json.dumps(api.json()) and "answers" in json.dumps(api.json())


def test_phq9_item9_positive_raises_an_alert_on_every_page_until_acknowledged(world, client_as):
    nurse = client_as(world.users_a["nurse"])
    assert post_scale(nurse, world.patient_a, PHQ9_ITEM9).status_code == 201
    alert = SafetyAlert.objects.get(patient=world.patient_a)
    assert "item 9" in alert.reason
    a = world.patient_a.public_id
    pages = [
        reverse("patient-chart", args=[a]),
        reverse("patient-edit", args=[a]),
        reverse("scale-history", args=[a]),
        reverse("scale-record", args=[a, "gad7"]),
    ]
    for page in pages:
        assert 'data-testid="safety-alert"' in nurse.get(page).content.decode(), page
    ack_url = reverse("alert-acknowledge", args=[alert.public_id])
    nurse.post(ack_url, {"note": "   "})
    alert.refresh_from_db()
    assert alert.acknowledged_at is None  # a note is required
    nurse.post(ack_url, {"note": "Safety plan reviewed with patient; prescriber informed."})
    alert.refresh_from_db()
    assert alert.acknowledged_by == world.users_a["nurse"]
    for page in pages:
        assert 'data-testid="safety-alert"' not in nurse.get(page).content.decode(), page


@pytest.mark.parametrize("role", ROLES)
def test_alert_banner_is_for_the_care_team_only(world, client_as, role):
    post_scale(client_as(world.users_a["nurse"]), world.patient_a, PHQ9_ITEM9)
    client = client_as(world.users_a[role])
    chart = client.get(reverse("patient-chart", args=[world.patient_a.public_id]))
    assert ('data-testid="safety-alert"' in chart.content.decode()) == (role in CARE_TEAM)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_its_scale_actions(world, client_as, role):
    client = client_as(world.users_a[role])
    a = world.patient_a.public_id
    allowed = role in CARE_TEAM or role == "patient"
    assert client.get(reverse("scale-history", args=[a])).status_code == (200 if allowed else 403)
    assert client.get(reverse("scale-record", args=[a, "gad7"])).status_code == (
        200 if allowed else 403
    )
    created = post_scale(client, world.patient_a, PHQ9_SAFE)
    assert created.status_code == (201 if allowed else 403)
    if role == "patient":
        assert created.json()["self_reported"] is True


@pytest.mark.parametrize("role", ROLES)
def test_clinic_b_scales_and_alerts_are_out_of_reach(world, client_as, role):
    post_scale(client_as(world.users_b["nurse"]), world.patient_b, PHQ9_ITEM9)
    alert_b = SafetyAlert.objects.get(patient=world.patient_b)
    client = client_as(world.users_a[role])
    b = world.patient_b.public_id
    assert client.get(reverse("scale-history", args=[b])).status_code == 404
    assert client.get(reverse("scale-trajectory", args=[b, "phq9"])).status_code == 404
    assert client.get(reverse("scale-record", args=[b, "phq9"])).status_code == 404
    assert client.get(f"/api/patients/{b}/scales").status_code == 404
    assert post_scale(client, world.patient_b, PHQ9_SAFE).status_code == 404
    ack = client.post(reverse("alert-acknowledge", args=[alert_b.public_id]), {"note": "x"})
    assert ack.status_code == 404
    api_ack = client.post(f"/api/alerts/{alert_b.public_id}/acknowledge",
                          json.dumps({"note": "x"}), content_type="application/json")  # fmt: skip
    assert api_ack.status_code == 404
    alert_b.refresh_from_db()
    assert alert_b.acknowledged_at is None
    assert ScaleResponse.objects.filter(patient=world.patient_b).count() == 1


def test_history_shows_response_and_the_trajectory_chart(world, client_as):
    from ketacare.measures import services
    from tests.conftest import actor_for

    actor = actor_for(world.users_a["nurse"], world.clinic_a, "nurse")
    start = timezone.now() - timedelta(days=21)
    for week, answers in enumerate([[3] * 8 + [0], [2] * 8 + [0], [1] * 8 + [0], [0] * 9]):
        services.record_scale(actor, world.patient_a.public_id, "phq9", answers,
                              taken_at=start + timedelta(days=7 * week),
                              backdate_reason="paper form")  # fmt: skip
    client = client_as(world.users_a["nurse"])
    page = client.get(reverse("scale-history", args=[world.patient_a.public_id])).content.decode()
    assert "-100% change from baseline: <strong>response</strong>" in page
    assert "in remission" in page
    svg = client.get(reverse("scale-trajectory", args=[world.patient_a.public_id, "phq9"]))
    assert svg["Content-Type"] == "image/svg+xml"
    assert svg.content.startswith(b"<?xml") and b"<svg" in svg.content
    assert b"moderately severe" in svg.content  # the bands are drawn and labelled


def test_a_correction_is_a_new_linked_response_and_the_original_stays(world, client_as):
    nurse = client_as(world.users_a["nurse"])
    created = post_scale(nurse, world.patient_a, PHQ9_SAFE).json()
    url = reverse("scale-amend", args=[created["id"]])
    form = nurse.get(url).content.decode()
    assert 'value="3"' in form and "checked" in form  # prefilled with the original answers
    body = phq9_form([1, 2, 1, 0, 1, 2, 1, 0, 0])
    missing_reason = nurse.post(url, body)
    assert (
        missing_reason.status_code == 422
        and 'data-field="reason"' in missing_reason.content.decode()
    )
    assert nurse.post(url, {**body, "reason": "item 3 keyed wrongly"}).status_code == 302
    original = ScaleResponse.objects.get(public_id=created["id"])
    correction = original.amended_by
    assert (original.total, correction.total) == (10, 8)
    assert correction.taken_at == original.taken_at
    assert correction.amendment_reason == "item 3 keyed wrongly"
    history = nurse.get(f"/api/patients/{world.patient_a.public_id}/scales").json()["items"]
    assert [r["total"] for r in history] == [8]  # only the response in force
    again = nurse.post(url, {**body, "reason": "second try"})
    assert again.status_code == 422 and "already corrected" in again.content.decode()


def test_corrections_follow_the_gate(world, client_as):
    created = post_scale(client_as(world.users_b["nurse"]), world.patient_b, PHQ9_SAFE).json()
    url = reverse("scale-amend", args=[created["id"]])
    assert client_as(world.users_a["nurse"]).get(url).status_code == 404
    assert client_as(world.users_b["front_desk"]).get(url).status_code == 403
