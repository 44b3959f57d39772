"""A patient whose PHQ-9 item 9 is above 0 sees crisis resources at once and that the care
team has been told; the staff patient list and the chart header show the open alert."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ketacare.measures.models import SafetyAlert

pytestmark = pytest.mark.django_db


def phq9(client, patient, item9):  # type: ignore[no-untyped-def]
    answers = {f"item_{n}": "1" for n in range(1, 9)} | {"item_9": str(item9)}
    return client.post(
        reverse("scale-record", args=[patient.public_id, "phq9"]), answers, follow=True
    )


def test_a_patient_answering_item_9_above_0_sees_988_and_that_the_team_was_told(world, client_as):
    page = phq9(client_as(world.users_a["patient"]), world.patient_a, 1)
    assert page.status_code == 200
    html = page.content.decode()
    box = html.split('data-testid="crisis-resources"', 1)[1].split("</section>", 1)[0]
    assert "Call or text 988" in box and "call 911" in box
    assert "sent to your care team" in box
    assert "N4" not in box  # no source keys shown to patients
    assert SafetyAlert.objects.filter(patient=world.patient_a, acknowledged_at=None).exists()
    chart = client_as(world.users_a["patient"]).get(
        reverse("patient-chart", args=[world.patient_a.public_id])
    )
    assert 'data-testid="crisis-resources"' in chart.content.decode()


def test_item_9_at_0_shows_no_crisis_box(world, client_as):
    page = phq9(client_as(world.users_a["patient"]), world.patient_a, 0)
    assert 'data-testid="crisis-resources"' not in page.content.decode()


def test_staff_never_see_the_patient_crisis_box(world, client_as):
    phq9(client_as(world.users_a["patient"]), world.patient_a, 2)
    chart = client_as(world.users_a["nurse"]).get(
        reverse("patient-chart", args=[world.patient_a.public_id])
    )
    html = chart.content.decode()
    assert 'data-testid="crisis-resources"' not in html
    assert 'data-testid="chart-open-alert"' in html and "answered 2" in html


@pytest.mark.parametrize(
    ("role", "shown"),
    [("nurse", True), ("prescriber", True), ("therapist", True), ("front_desk", False)],
)
def test_the_patient_list_flags_an_open_alert_for_the_care_team(world, client_as, role, shown):
    phq9(client_as(world.users_a["patient"]), world.patient_a, 1)
    listing = client_as(world.users_a[role]).get(reverse("patient-list")).content.decode()
    assert ('data-testid="list-open-alert"' in listing) == shown


def test_an_acknowledged_alert_leaves_the_list_and_the_patient_page(world, client_as):
    phq9(client_as(world.users_a["patient"]), world.patient_a, 1)
    alert = SafetyAlert.objects.get()
    client_as(world.users_a["nurse"]).post(
        reverse("alert-acknowledge", args=[alert.public_id]), {"note": "called patient; safe"}
    )
    listing = client_as(world.users_a["nurse"]).get(reverse("patient-list")).content.decode()
    assert 'data-testid="list-open-alert"' not in listing
    chart = client_as(world.users_a["patient"]).get(
        reverse("patient-chart", args=[world.patient_a.public_id])
    )
    assert 'data-testid="crisis-resources"' not in chart.content.decode()
