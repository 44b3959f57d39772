"""Predicted levels on the chart: the pharmacology engine at the patient's weight, and its basis."""

from __future__ import annotations

import re

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


def _pk(client, world, **params: str):  # type: ignore[no-untyped-def]
    return client.get(reverse("pk-prediction", args=[world.patient_a.public_id]), params)


def test_switching_to_esketamine_without_js_brings_its_dose_and_drops_the_infusion_time(
    world, client_as
):
    client = client_as(world.users_a["prescriber"])
    page = _pk(client, world, route="esketamine-intranasal", shown_route="iv",
               dose_mg_per_kg="0.5", infusion_min="40", hours="4")  # fmt: skip
    html = page.content.decode()
    assert page.status_code == 200
    assert page.context["form"].cleaned_data["dose_mg"] == 56  # S3 starting dose
    assert page.context["form"].cleaned_data["infusion_min"] is None
    assert re.search(r'<div class="field"[^>]*data-iv-only[^>]*hidden', html)
    assert "Perez-Ruixo" in html


def test_an_infusion_time_sent_for_another_route_is_ignored_not_refused(world, client_as):
    client = client_as(world.users_a["prescriber"])
    page = _pk(client, world, route="im", dose_mg_per_kg="0.5", infusion_min="40", hours="4")
    assert page.status_code == 200
    assert page.context["form"].cleaned_data["infusion_min"] is None


def test_a_dose_the_user_typed_survives_a_route_change(world, client_as):
    client = client_as(world.users_a["prescriber"])
    page = _pk(client, world, route="im", shown_route="iv", dose_mg_per_kg="0.3",
               infusion_min="40", hours="4")  # fmt: skip
    assert page.context["form"].cleaned_data["dose_mg_per_kg"] == 0.3


def test_5_mg_per_kg_iv_is_predicted_with_a_warning_against_the_iv_dose_limit(world, client_as):
    client = client_as(world.users_a["prescriber"])
    page = _pk(client, world, route="iv", dose_mg_per_kg="5", infusion_min="40", hours="4")
    warning = page.context["dose_warning"]
    assert page.status_code == 200 and page.context["prediction"] is not None
    assert "6.7 times the hard limit for IV racemic ketamine: 51 mg" in warning
    assert "K1, K7" in warning
    assert 'data-testid="pk-dose-warning"' in page.content.decode()


def test_a_dose_within_the_limit_carries_no_warning(world, client_as):
    client = client_as(world.users_a["prescriber"])
    page = _pk(client, world, route="esketamine-intranasal", dose_mg="84", hours="4")
    assert page.context["dose_warning"] == ""
    assert "pk-dose-warning" not in page.content.decode()


def test_phone_chart_is_a_narrow_figure(world, client_as):
    client = client_as(world.users_a["nurse"])
    url = reverse("pk-svg", args=[world.patient_a.public_id])
    params = {"route": "iv", "dose_mg_per_kg": "0.5", "infusion_min": "40", "hours": "4"}
    wide = client.get(url, params).content.decode()
    narrow = client.get(url, params | {"size": "narrow"}).content.decode()

    def width_pt(svg: str) -> float:
        return float(re.search(r'<svg[^>]*width="([\d.]+)pt"', svg).group(1))

    assert width_pt(narrow) < width_pt(wide) / 1.5
