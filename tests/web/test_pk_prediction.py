"""Predicted levels on the chart: the pharmacology engine at the patient's weight, and its basis."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import ROLES

pytestmark = pytest.mark.django_db
CAN_PREDICT = {"prescriber", "nurse"}


def test_default_prediction_is_the_standard_iv_infusion_at_the_charts_weight(world, client_as):
    client = client_as(world.users_a["prescriber"])
    page = client.get(reverse("pk-prediction", args=[world.patient_a.public_id]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "weight 68.5 kg from the chart" in html
    assert "Clements 250" in html and "not a measured level" in html
    summary = page.context["prediction"].curve
    # 0.5 mg/kg over 40 min peaks at the end of the infusion.
    assert 35 <= summary.tmax_min <= 45
    assert "ng/mL at" in html


def test_the_curve_is_an_svg_image_with_the_same_inputs(world, client_as):
    client = client_as(world.users_a["nurse"])
    url = reverse("pk-svg", args=[world.patient_a.public_id])
    svg = client.get(url, {"route": "esketamine-intranasal", "dose_mg": "56", "hours": "6"})
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    assert b"<svg" in svg.content and b"68.5 kg" in svg.content


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"route": "iv", "hours": "4"}, "either in mg/kg or in mg"),
        ({"route": "iv", "dose_mg": "30", "dose_mg_per_kg": "0.5", "hours": "4"}, "not both"),
        ({"route": "im", "dose_mg_per_kg": "0.5", "infusion_min": "40", "hours": "4"}, "IV only"),
        ({"route": "nasal-spray", "dose_mg": "56", "hours": "4"}, "valid choice"),
        ({"route": "iv", "dose_mg_per_kg": "-1", "hours": "4"}, "greater than or equal"),
    ],
)
def test_bad_inputs_are_refused_with_a_message(world, client_as, params, message):
    client = client_as(world.users_a["prescriber"])
    page = client.get(reverse("pk-prediction", args=[world.patient_a.public_id]), params)
    assert page.status_code == 422
    assert message in page.content.decode()
    svg = client.get(reverse("pk-svg", args=[world.patient_a.public_id]), params)
    assert svg.status_code == 422


@pytest.mark.parametrize("role", ROLES)
def test_only_prescribers_and_nurses_see_predictions_and_never_across_clinics(
    world, client_as, role
):
    client = client_as(world.users_a[role])
    own = client.get(reverse("pk-prediction", args=[world.patient_a.public_id]))
    assert own.status_code == (200 if role in CAN_PREDICT else 403)
    other = client.get(reverse("pk-prediction", args=[world.patient_b.public_id]))
    assert other.status_code == 404
    assert client.get(reverse("pk-svg", args=[world.patient_b.public_id])).status_code == 404
