"""Eligibility screening on the chart: the clinical core per route, stored with its reasons."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ketacare.audit.models import AuditEntry
from ketacare.screening.models import Screening
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db
CAN_RECORD = {"prescriber", "nurse"}
CAN_VIEW = {"prescriber", "nurse", "therapist"}


def form(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "diagnoses": ["major depressive disorder"],
        "failed_adequate_antidepressant_trials": "3",
        "systolic_mmhg": "128",
        "diastolic_mmhg": "82",
        "heart_rate_bpm": "72",
        "spo2_percent": "98",
        "hepatic_impairment": "none",
        "latest_cssrs_risk": "none",
    }
    body.update(overrides)
    return body


def test_prescriber_screens_a_patient_and_sees_each_route_with_reasons(world, client_as):
    client = client_as(world.users_a["prescriber"])
    url = reverse("screening-new", args=[world.patient_a.public_id])
    assert "aneurysmal vascular disease" in client.get(url).content.decode()
    response = client.post(url, form(history=["aneurysmal vascular disease"]), follow=True)
    html = response.content.decode()
    screening = Screening.objects.get(patient=world.patient_a)
    assert screening.treatment_resistant is True
    assert set(screening.results) == {"iv", "im", "esketamine", "at-home"}
    assert screening.results["esketamine"]["status"] == "excluded"
    assert all(r["source"] for result in screening.results.values() for r in result["reasons"])
    assert 'data-testid="route-esketamine"' in html and "excluded" in html
    assert AuditEntry.objects.filter(object_type="screening", action="create").count() == 1
    chart = client.get(reverse("patient-chart", args=[world.patient_a.public_id]))
    assert "Reasons and sources" in chart.content.decode()


def test_uncontrolled_blood_pressure_and_bad_input_are_handled(world, client_as):
    client = client_as(world.users_a["nurse"])
    url = reverse("screening-new", args=[world.patient_a.public_id])
    bad = client.post(url, form(systolic_mmhg="80", diastolic_mmhg="90"))
    assert bad.status_code == 422 and "must be above diastolic" in bad.content.decode()
    missing = client.post(url, form(diagnoses=[]))
    assert missing.status_code == 422 and 'data-field="diagnoses"' in missing.content.decode()
    assert not Screening.objects.exists()
    client.post(url, form(systolic_mmhg="185", diastolic_mmhg="105"))
    results = Screening.objects.get().results
    assert {r["status"] for r in results.values()} == {"excluded"}


def test_latest_cssrs_on_the_chart_prefills_the_form(world, client_as):
    import json

    client = client_as(world.users_a["nurse"])
    body = json.dumps({"instrument": "cssrs", "answers": [1, 1, 0, 1, 0, 0, None]})
    created = client.post(f"/api/patients/{world.patient_a.public_id}/scales", body,
                          content_type="application/json")  # fmt: skip
    assert created.status_code == 201, created.json()
    page = client.get(reverse("screening-new", args=[world.patient_a.public_id]))
    assert '<option value="high" selected>' in page.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_screening_follows_the_role_table_and_clinic_isolation(world, client_as, role):
    client_as(world.users_b["prescriber"]).post(
        reverse("screening-new", args=[world.patient_b.public_id]), form()
    )
    other = Screening.objects.get(patient=world.patient_b)
    client = client_as(world.users_a[role])
    own = client.get(reverse("screening-new", args=[world.patient_a.public_id]))
    assert own.status_code == (200 if role in CAN_RECORD else 403)
    assert client.get(reverse("screening-detail", args=[other.public_id])).status_code == 404
    assert client.get(reverse("screening-new", args=[world.patient_b.public_id])).status_code == 404
    chart = client.get(reverse("patient-chart", args=[world.patient_a.public_id])).content.decode()
    assert ('data-testid="chart-screening"' in chart) == (role in CAN_VIEW)
