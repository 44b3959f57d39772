"""Every page of a patient with two years of care opens (issue 9, item 7: the scales page
answered 500 once a course spanned more than about 338 days)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ketacare.measures.models import ScaleResponse
from ketacare.sessions.models import DosingSession
from tests.history import add_history
from tests.tasks import run_background_tasks

pytestmark = pytest.mark.django_db

TWO_YEARS = 730


@pytest.fixture
def long_record(world):  # type: ignore[no-untyped-def]
    add_history(world.patient_a, world.users_a["nurse"], TWO_YEARS)
    return world


def patient_pages(world) -> list[str]:  # type: ignore[no-untyped-def]
    patient = world.patient_a
    pid = patient.public_id
    session = DosingSession.objects.filter(patient=patient).order_by("-started_at").first()
    response = ScaleResponse.objects.filter(patient=patient).last()
    assert session is not None and response is not None
    pages = [
        reverse("patient-chart", args=[pid]),
        reverse("patient-edit", args=[pid]),
        reverse("scale-history", args=[pid]),
        reverse("pk-prediction", args=[pid]),
        reverse("pk-svg", args=[pid]),
        reverse("plan-new", args=[pid]),
        reverse("screening-new", args=[pid]),
        reverse("session-new", args=[pid]),
        reverse("session-detail", args=[session.public_id]),
        reverse("session-vitals-svg", args=[session.public_id]),
        reverse("scale-amend", args=[response.public_id]),
    ]
    for instrument in ("phq9", "gad7", "madrs"):
        pages.append(reverse("scale-trajectory", args=[pid, instrument]))
        pages.append(reverse("scale-record", args=[pid, instrument]))
    return pages


def test_the_history_has_two_years_of_weekly_scales_sessions_and_monthly_madrs(long_record):
    patient = long_record.patient_a
    assert ScaleResponse.objects.filter(patient=patient, instrument="phq9").count() >= 104
    assert ScaleResponse.objects.filter(patient=patient, instrument="gad7").count() >= 104
    assert ScaleResponse.objects.filter(patient=patient, instrument="madrs").count() >= 24
    assert DosingSession.objects.filter(patient=patient).count() >= 208


def test_every_page_of_a_patient_with_two_years_of_care_opens(long_record, client_as):
    client = client_as(long_record.users_a["prescriber"])
    scales = reverse("scale-history", args=[long_record.patient_a.public_id])
    assert b'data-testid="forecast-pending"' in client.get(scales).content
    run_background_tasks()  # the forecast of two years of care computes (it once raised)
    shown = client.get(scales).content
    assert (
        b'data-testid="forecast-evidence"' in shown or b'data-testid="forecast-withheld"' in shown
    )
    failures = {}
    for url in patient_pages(long_record):
        status = client.get(url).status_code
        if status != 200:
            failures[url] = status
    assert failures == {}
