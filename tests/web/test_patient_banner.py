"""Every page of a patient carries the banner: who this is, allergies, open alerts, the plan
and the next session, each only for the roles that may see it."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ketacare.chart.banner import age_on

pytestmark = pytest.mark.django_db


def pages_of(patient):  # type: ignore[no-untyped-def]
    p = patient.public_id
    return [
        reverse("patient-chart", args=[p]),
        reverse("scale-history", args=[p]),
        reverse("screening-new", args=[p]),
        reverse("session-new", args=[p]),
        reverse("plan-new", args=[p]),
        reverse("pk-prediction", args=[p]),
        reverse("medication-list", args=[p]),
    ]


def banner_of(html: str) -> str:
    start = html.index('data-testid="patient-banner"')
    return html[start : html.index("</section>", start)]


def test_every_patient_page_shows_the_banner_with_allergies_and_the_plan(world, client_as):
    patient = world.patient_a
    prescriber = client_as(world.users_a["prescriber"])
    allergy = json.dumps({"substance": "penicillin"})
    url = f"/api/patients/{patient.public_id}/allergies"
    prescriber.post(url, allergy, content_type="application/json")
    start = timezone.localdate() + timedelta(days=7)
    prescriber.post(reverse("plan-new", args=[patient.public_id]),
                    {"template": "iv-induction", "start_on": start.isoformat()})  # fmt: skip
    for url in pages_of(patient):
        response = prescriber.get(url)
        assert response.status_code == 200, url
        banner = banner_of(response.content.decode())
        assert patient.full_name in banner, url
        assert f"{age_on(patient.date_of_birth, timezone.localdate())} y" in banner
        assert "Allergies: <strong>penicillin</strong>" in banner, url
        assert f"next: {start.isoformat()}" in banner, url


def test_the_banner_shows_an_open_safety_alert_on_every_page(world, client_as):
    patient = world.patient_a
    nurse = client_as(world.users_a["nurse"])
    nurse.post(f"/api/patients/{patient.public_id}/scales",
               json.dumps({"instrument": "phq9", "answers": [1] * 8 + [2]}),
               content_type="application/json")  # fmt: skip
    prescriber = client_as(world.users_a["prescriber"])
    for url in pages_of(patient):
        banner = banner_of(prescriber.get(url).content.decode())
        assert 'data-testid="chart-open-alert"' in banner, url


def test_front_desk_sees_no_allergies_and_the_admin_no_plan_line(world, client_as):
    url = reverse("patient-chart", args=[world.patient_a.public_id])
    desk = banner_of(client_as(world.users_a["front_desk"]).get(url).content.decode())
    assert "banner-allergies" not in desk and "banner-plan" in desk
    admin = banner_of(client_as(world.users_a["clinic_admin"]).get(url).content.decode())
    # The admin may not see plans, so the banner must not claim there is none.
    assert "banner-plan" not in admin and "No treatment plan" not in admin


def test_pages_without_a_patient_have_no_banner(world, client_as):
    html = client_as(world.users_a["nurse"]).get(reverse("patient-list")).content.decode()
    assert "patient-banner" not in html


@pytest.mark.parametrize(
    ("born", "today", "age"),
    [
        (date(1990, 6, 15), date(2026, 6, 14), 35),
        (date(1990, 6, 15), date(2026, 6, 15), 36),
        (date(2000, 2, 29), date(2026, 2, 28), 25),
        (date(2000, 2, 29), date(2026, 3, 1), 26),
    ],
)
def test_age_counts_whole_years_turning_on_the_birthday(born, today, age):
    assert age_on(born, today) == age


def test_the_chart_puts_clinical_sections_first_and_draws_the_trajectory_with_doses(
    world, client_as
):
    from ketacare.measures.charts import trajectory_svg

    patient = world.patient_a
    nurse = client_as(world.users_a["nurse"])
    nurse.post(f"/api/patients/{patient.public_id}/scales",
               json.dumps({"instrument": "phq9", "answers": [1] * 9}),
               content_type="application/json")  # fmt: skip
    html = nurse.get(reverse("patient-chart", args=[patient.public_id])).content.decode()
    order = [html.index(f'data-testid="{s}"') for s in ("chart-plan", "chart-scales", "diagnoses")]
    assert order == sorted(order)
    assert html.index('data-testid="chart-scales"') < html.index("<h2>Contact</h2>")
    assert 'data-testid="chart-trajectory"' in html and "with dosing sessions marked" in html
    when = timezone.now()
    marked = trajectory_svg("phq9", [(when, 9)], [when - timedelta(days=1)])
    assert "dosing session" in marked and "dosing session" not in trajectory_svg(
        "phq9", [(when, 9)]
    )
