"""The chart says when a section is hidden from the role, never that there is nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned_chart(world, client_as):  # type: ignore[no-untyped-def]
    start = (timezone.localdate() + timedelta(days=1)).isoformat()
    client_as(world.users_a["prescriber"]).post(
        reverse("plan-new", args=[world.patient_a.public_id]),
        {"template": "iv-induction", "start_on": start},
    )

    def chart_as(role: str) -> str:
        client = client_as(world.users_a[role])
        return client.get(
            reverse("patient-chart", args=[world.patient_a.public_id])
        ).content.decode()

    return chart_as


def test_admin_is_told_plans_are_hidden_from_the_role_not_that_there_is_none(planned_chart):
    chart = planned_chart("clinic_admin")
    assert "No treatment plan yet." not in chart
    assert "Treatment plans are not shown to your role." in chart


def test_admin_chart_names_the_other_sections_hidden_from_the_role(planned_chart):
    chart = planned_chart("clinic_admin")
    assert (
        "Not shown to your role: eligibility screenings, dosing sessions, rating scales." in chart
    )


def test_front_desk_sees_the_plan_and_is_told_only_about_hidden_clinical_sections(planned_chart):
    chart = planned_chart("front_desk")
    assert "IV" in chart and "not shown to your role" not in chart.split("chart-plan")[1][:400]
    assert "Not shown to your role: eligibility screenings, dosing sessions" in chart


def test_prescriber_chart_hides_nothing(planned_chart):
    assert "Not shown to your role" not in planned_chart("prescriber")
