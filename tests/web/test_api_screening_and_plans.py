"""Screening and treatment-plan API: record, list and read, by the role table, within the
clinic, with the pages' rules (results per route with sources, a plan's dated schedule)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from ketacare.accounts.models import ApiToken
from ketacare.screening.models import Screening
from ketacare.treatment.models import TreatmentPlan

pytestmark = pytest.mark.django_db
SCREENING = {
    "diagnoses": ["major depressive disorder"],
    "failed_adequate_antidepressant_trials": 2,
    "systolic_mmhg": 120,
    "diastolic_mmhg": 80,
}


def plan_body() -> dict[str, object]:
    return {"template": "iv-induction", "start_on": str(timezone.localdate() + timedelta(30))}


def api_as(user) -> Client:  # type: ignore[no-untyped-def]
    _, raw = ApiToken.issue(user)
    return Client(headers={"Authorization": f"Bearer {raw}"})


def post(client: Client, url: str, body: dict[str, object]):  # type: ignore[no-untyped-def]
    return client.post(url, json.dumps(body), content_type="application/json")


def test_a_screening_stores_each_routes_result_with_its_sources(world):
    nurse = api_as(world.users_a["nurse"])
    made = post(nurse, f"/api/patients/{world.patient_a.public_id}/screenings", SCREENING)
    assert made.status_code == 201, made.content
    results = made.json()["results"]
    assert results["iv"]["status"] in ("eligible", "needs clinician review", "excluded")
    assert all(reason["source"] for r in results.values() for reason in r["reasons"])
    assert made.json()["treatment_resistant"] is True  # two failed adequate trials
    shown = nurse.get(f"/api/screenings/{made.json()['id']}").json()
    assert shown["results"] == results
    listed = nurse.get(f"/api/patients/{world.patient_a.public_id}/screenings").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == made.json()["id"]


def test_a_screening_whose_systolic_is_not_above_diastolic_is_a_422_on_that_field(world):
    refused = post(
        api_as(world.users_a["nurse"]),
        f"/api/patients/{world.patient_a.public_id}/screenings",
        {**SCREENING, "systolic_mmhg": 80, "diastolic_mmhg": 90},
    )
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"][-1] in ("systolic_mmhg", "diastolic_mmhg")
    assert not Screening.objects.exists()


def test_a_plan_comes_back_with_its_dated_schedule(world):
    prescriber = api_as(world.users_a["prescriber"])
    made = post(prescriber, f"/api/patients/{world.patient_a.public_id}/plans", plan_body())
    assert made.status_code == 201, made.content
    schedule = made.json()["schedule"]
    assert schedule[0]["on"] == plan_body()["start_on"]
    assert any(s["kind"] == "dosing" and s["dose_mg"] for s in schedule)
    shown = prescriber.get(f"/api/plans/{made.json()['id']}").json()
    assert shown["schedule"] == schedule


def test_a_plan_starting_in_the_past_is_a_422_on_start_on(world):
    past = {**plan_body(), "start_on": str(timezone.localdate() - timedelta(days=1))}
    refused = post(
        api_as(world.users_a["prescriber"]),
        f"/api/patients/{world.patient_a.public_id}/plans",
        past,
    )
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "start_on"]
    assert not TreatmentPlan.objects.exists()


# (record screening, read screenings, create plan, read plans); "other clinic" is clinic B's
# prescriber reaching clinic A's patient and records.
EXPECTED = {
    "patient": (403, 403, 403, 200),
    "front_desk": (403, 403, 403, 200),
    "nurse": (201, 200, 403, 200),
    "prescriber": (201, 200, 201, 200),
    "other clinic": (404, 404, 404, 404),
}


@pytest.mark.parametrize("who", EXPECTED)
def test_each_role_reaches_screening_and_plans_as_the_role_table_says(world, who):
    p = world.patient_a.public_id
    screening = post(api_as(world.users_a["nurse"]), f"/api/patients/{p}/screenings", SCREENING)
    plan = post(api_as(world.users_a["prescriber"]), f"/api/patients/{p}/plans", plan_body())
    user = world.users_b["prescriber"] if who == "other clinic" else world.users_a[who]
    client = api_as(user)

    def read(*urls: str) -> int:
        statuses = {client.get(url).status_code for url in urls}
        assert len(statuses) == 1, (urls, statuses)
        return statuses.pop()

    statuses = (
        post(client, f"/api/patients/{p}/screenings", SCREENING).status_code,
        read(f"/api/patients/{p}/screenings", f"/api/screenings/{screening.json()['id']}"),
        post(client, f"/api/patients/{p}/plans", plan_body()).status_code,
        read(f"/api/patients/{p}/plans", f"/api/plans/{plan.json()['id']}"),
    )
    assert statuses == EXPECTED[who]


def test_the_forecast_is_read_as_stored_never_computed_by_the_request(world, monkeypatch):
    from ketacare.treatment.services import forecast as forecast_service
    from tests.tasks import run_background_tasks
    from tests.web.test_forecast import add_infusions, add_madrs

    add_infusions(world.patient_a, [9, 7, 5])
    add_madrs(world, [(33, 10), (16, 8), (18, 6), (16, 3), (19, 0)])
    client, url = (
        api_as(world.users_a["prescriber"]),
        f"/api/patients/{world.patient_a.public_id}/forecast",
    )
    computed = forecast_service.patient_forecast

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the API computed the forecast")

    monkeypatch.setattr(forecast_service, "patient_forecast", refuse)
    assert client.get(url).json()["status"] == "computing"
    monkeypatch.setattr(forecast_service, "patient_forecast", computed)
    run_background_tasks()
    monkeypatch.setattr(forecast_service, "patient_forecast", refuse)
    ready = client.get(url).json()
    assert ready["status"] == "ready" and ready["basis"]
    assert ready["chart_data_uri"].startswith("data:image/svg+xml;base64,")


@pytest.mark.parametrize(
    ("who", "expected"),
    [("patient", 403), ("front_desk", 403), ("nurse", 200), ("prescriber", 200),
     ("other clinic", 404)],
)  # fmt: skip
def test_the_forecast_is_for_the_care_team_of_the_clinic_only(world, who, expected):
    user = world.users_b["prescriber"] if who == "other clinic" else world.users_a[who]
    response = api_as(user).get(f"/api/patients/{world.patient_a.public_id}/forecast")
    assert response.status_code == expected
    if expected == 200:
        assert response.json()["status"] == "none"  # no sessions yet: nothing to forecast


def test_the_pk_prediction_is_the_pages_at_the_charts_weight_and_seeded(world):
    client = api_as(world.users_a["nurse"])
    url = f"/api/patients/{world.patient_a.public_id}/pk-prediction"
    first, again = client.get(url).json(), client.get(url).json()
    assert first == again  # seeded: the same inputs, the same answer
    assert first["weight_kg"] == float(world.patient_a.weight_kg) and first["dose_warning"] == ""
    assert first["cmax_ng_ml"] == max(first["plasma_ng_ml"]) > 0
    assert set(first["plasma_bands_ng_ml"]) >= {"p5", "p50", "p95"}
    over = client.get(url, {"route": "iv", "dose_mg_per_kg": 5, "infusion_min": 40}).json()
    assert "hard limit" in over["dose_warning"]


def test_a_pk_query_with_two_doses_is_a_422_saying_which_one(world):
    url = f"/api/patients/{world.patient_a.public_id}/pk-prediction"
    refused = api_as(world.users_a["nurse"]).get(url, {"dose_mg_per_kg": 0.5, "dose_mg": 30})
    assert refused.status_code == 422
    assert "not both" in refused.json()["detail"][0]["msg"]


@pytest.mark.parametrize(
    ("who", "expected"),
    [("patient", 403), ("front_desk", 403), ("nurse", 200), ("prescriber", 200),
     ("other clinic", 404)],
)  # fmt: skip
def test_the_pk_prediction_is_for_prescribers_and_nurses_of_the_clinic(world, who, expected):
    user = world.users_b["prescriber"] if who == "other clinic" else world.users_a[who]
    response = api_as(user).get(f"/api/patients/{world.patient_a.public_id}/pk-prediction")
    assert response.status_code == expected
