"""Treatment plans: a protocol template becomes a dated schedule, checked against dose limits."""

from __future__ import annotations

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from ketacare.accounts.roles import Action
from ketacare.audit.models import AuditEntry
from ketacare.treatment.models import TreatmentPlan
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db
CAN_VIEW = {"prescriber", "nurse", "therapist", "front_desk", "patient"}  # patient: their own


def plan_body(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "template": "iv-induction",
        "start_on": (timezone.localdate() + timedelta(days=1)).isoformat(),
        "closed_weekdays": ["5", "6"],
    }
    body.update(overrides)
    return body


def test_prescriber_plans_an_iv_induction_and_the_chart_shows_whats_next(world, client_as):
    client = client_as(world.users_a["prescriber"])
    response = client.post(reverse("plan-new", args=[world.patient_a.public_id]), plan_body())
    plan = TreatmentPlan.objects.get()
    assert response["Location"] == reverse("plan-detail", args=[plan.public_id])
    dosing = [s for s in plan.schedule if s["dosing_number"]]
    assert len(dosing) == 6  # the IV induction's six infusions
    assert all(s["dose_mg"] == pytest.approx(34.0, abs=0.5) for s in dosing)  # 0.5 mg/kg
    weekdays = {timezone.datetime.fromisoformat(s["on"]).weekday() for s in plan.schedule}
    assert not weekdays & {5, 6}  # no sessions on the closed days
    chart = client.get(reverse("patient-chart", args=[world.patient_a.public_id])).content.decode()
    assert plan.template_name in chart and dosing[0]["on"] in chart


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"template": "at-home-odt"}, "dose_mg", "dose"),
        ({"template": "esketamine-trd", "dose_mg": "112"}, "dose_mg", "limit"),
        ({"start_on": "2020-01-01"}, "start_on", "past"),
        ({"start_on": "9999-12-31"}, "start_on", "plausible range"),
        ({"template": "no-such-protocol"}, "template", "valid choice"),
    ],
)
def test_bad_plans_are_refused_with_the_reason(world, client_as, overrides, field, message):
    client = client_as(world.users_a["prescriber"])
    response = client.post(
        reverse("plan-new", args=[world.patient_a.public_id]), plan_body(**overrides)
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not TreatmentPlan.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_plans_follow_the_role_table(world, client_as, role):
    client_as(world.users_a["prescriber"]).post(
        reverse("plan-new", args=[world.patient_a.public_id]), plan_body()
    )
    plan = TreatmentPlan.objects.get()
    client = client_as(world.users_a[role])
    new_status = client.get(reverse("plan-new", args=[world.patient_a.public_id])).status_code
    assert new_status == (200 if role == "prescriber" else 403)
    detail = client.get(reverse("plan-detail", args=[plan.public_id])).status_code
    assert detail == (200 if role in CAN_VIEW else 403)


def test_the_session_form_starts_from_the_next_planned_dose(world, client_as):
    prescriber = client_as(world.users_a["prescriber"])
    today = timezone.localdate().isoformat()
    prescriber.post(
        reverse("plan-new", args=[world.patient_a.public_id]),
        plan_body(template="esketamine-trd", dose_mg="84", start_on=today, closed_weekdays=[]),
    )
    page = prescriber.get(reverse("session-new", args=[world.patient_a.public_id]))
    html = page.content.decode()
    assert 'data-testid="planned"' in html and "dosing #1" in html
    assert page.context["form"].initial == {"route": "esketamine", "dose_mg": 56.0}


def test_plan_above_the_limit_is_refused_in_words_naming_the_override_field(world, client_as):
    client = client_as(world.users_a["prescriber"])
    body = plan_body(template="esketamine-trd", dose_mg="112")
    page = client.post(reverse("plan-new", args=[world.patient_a.public_id]), body)
    text = page.content.decode()
    assert page.status_code == 422
    assert "dose_mg" not in text.split("<form")[1].split('name="dose_mg"')[0]
    errors = re.findall(r'class="field-error"[^>]*>([^<]*)<', text)
    assert errors and not any("dose_mg" in e or "start_on" in e for e in errors)
    assert 'name="override_reason"' in text
    assert not TreatmentPlan.objects.exists()


def test_prescriber_plans_above_the_limit_with_a_recorded_audited_reason(world, client_as):
    client = client_as(world.users_a["prescriber"])
    body = plan_body(template="esketamine-trd", dose_mg="112", override_reason="REMS review")
    response = client.post(reverse("plan-new", args=[world.patient_a.public_id]), body)
    plan = TreatmentPlan.objects.get()
    assert response.status_code == 302
    assert plan.dose_override == {"reason": "REMS review", "authorised_by": "prescriber@a.example"}
    assert any(s["dose_mg"] == 112 and "override" in s["detail"] for s in plan.schedule)
    entry = AuditEntry.objects.filter(object_type="treatment_plan").latest("id")
    assert entry.detail["dose_override"]["reason"] == "REMS review"


def test_override_reason_within_the_limit_records_no_override(world, client_as):
    client = client_as(world.users_a["prescriber"])
    body = plan_body(template="esketamine-trd", dose_mg="84", override_reason="not needed")
    client.post(reverse("plan-new", args=[world.patient_a.public_id]), body)
    assert TreatmentPlan.objects.get().dose_override == {}


def test_a_role_without_dose_override_cannot_plan_above_the_limit(world):
    from django.core.exceptions import ValidationError

    from ketacare.treatment.services.plans import NewPlan, create_plan
    from tests.conftest import actor_for

    nurse_granted_plans = actor_for(world.users_a["nurse"], world.clinic_a, "nurse")
    with (
        mock.patch.dict(
            "ketacare.accounts.roles.ROLE_ACTIONS",
            {"nurse": frozenset({Action.PATIENT_VIEW, Action.PLAN_CREATE})},
        ),
        pytest.raises(ValidationError, match="Only a role that may override"),
    ):
        tomorrow = timezone.localdate() + timedelta(days=1)
        new = NewPlan("esketamine-trd", tomorrow, 112, override_reason="why")
        create_plan(nurse_granted_plans, world.patient_a.public_id, new)
    assert not TreatmentPlan.objects.exists()


def test_api_plan_above_the_limit_names_the_override_field_until_a_reason_is_given(
    world, client_as
):
    import json

    client = client_as(world.users_a["prescriber"])
    url = f"/api/patients/{world.patient_a.public_id}/plans"
    body = {"template": "esketamine-trd", "dose_mg": 112,
            "start_on": (timezone.localdate() + timedelta(days=1)).isoformat()}  # fmt: skip
    refused = client.post(url, json.dumps(body), content_type="application/json")
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "override_reason"]
    body["override_reason"] = "REMS review"
    done = client.post(url, json.dumps(body), content_type="application/json")
    assert done.status_code == 201
    assert done.json()["dose_override"]["reason"] == "REMS review"
