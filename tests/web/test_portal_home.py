"""The patient's portal home: their own record only, what is next, the plan in plain words,
scores with what the bands mean, questionnaires and consent forms waiting, messages, reading."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ketacare.audit.models import AuditEntry

pytestmark = pytest.mark.django_db
HOME = "/portal/"


def _plan(world, template: str = "iv-induction"):  # type: ignore[no-untyped-def]
    start = (timezone.localdate() + timedelta(days=1)).isoformat()
    client = world.client_as(world.users_a["prescriber"])
    client.post(reverse("plan-new", args=[world.patient_a.public_id]),
                {"template": template, "start_on": start})  # fmt: skip


@pytest.fixture
def home_world(world, client_as):  # type: ignore[no-untyped-def]
    world.client_as = client_as
    return world


def _phq9(client, patient, answers):  # type: ignore[no-untyped-def]
    body = {f"item_{n}": a for n, a in enumerate(answers, start=1)}
    return client.post(reverse("scale-record", args=[patient.public_id, "phq9"]), body)


def test_the_home_says_the_plan_in_plain_words_without_source_keys(home_world):
    _plan(home_world)
    page = home_world.client_as(home_world.users_a["patient"]).get(HOME).content.decode()
    assert "through a drip into a vein" in page
    assert "6 treatment sessions, three times a week" in page
    assert "worked out from your weight" in page and "given over 40 minutes" in page
    assert "Treatment session 1 of 6" in page
    assert "mg/kg" not in page and "K1" not in page and "K6" not in page


def test_a_draft_or_paused_plan_is_named_so(home_world):
    from ketacare.treatment.models import PlanStatus, TreatmentPlan

    _plan(home_world)
    client = home_world.client_as(home_world.users_a["patient"])
    assert "has not signed this plan yet" in client.get(HOME).content.decode()
    TreatmentPlan.objects.update(status=PlanStatus.PAUSED)
    assert "This plan is paused" in client.get(HOME).content.decode()


def test_scores_show_the_chart_and_the_bands_with_their_source(home_world):
    client = home_world.client_as(home_world.users_a["patient"])
    assert _phq9(client, home_world.patient_a, [1] * 8 + [0]).status_code == 302
    page = client.get(HOME).content.decode()
    chart = reverse("scale-trajectory", args=[home_world.patient_a.public_id, "phq9"])
    assert chart in page
    assert "Latest: <strong>8</strong> (mild)" in page
    assert "<td>20–27</td><td>Severe</td>" in page
    assert 'data-source="Q1"' in page and "Kroenke" in page


def test_upcoming_appointments_and_questionnaires_due_are_listed(home_world):
    client_as = home_world.client_as
    p = home_world.patient_a.public_id
    when = timezone.localdate() + timedelta(days=3)
    client_as(home_world.users_a["front_desk"]).post(
        reverse("appointment-new", args=[p]),
        {"kind": "consultation", "minutes": "30", "starts_at": f"{when}T10:00"},
    )
    client_as(home_world.users_a["nurse"]).post(
        reverse("questionnaire-schedule", args=[p]),
        {"instrument": "gad7", "every_days": "7", "first_due_on": str(timezone.localdate())},
    )
    page = client_as(home_world.users_a["patient"]).get(HOME).content.decode()
    assert "Consultation" in page and when.strftime("%A") in page
    assert reverse("scale-record", args=[p, "gad7"]) in page and "Fill in the GAD-7" in page
    assert reverse("calendar-feed-settings") in page


def test_a_new_consent_version_for_the_plans_route_asks_to_be_signed(home_world):
    from ketacare.consent.models import ConsentDocument

    _plan(home_world)
    client = home_world.client_as(home_world.users_a["patient"])
    assert 'data-testid="consents-to-sign"' not in client.get(HOME).content.decode()
    ConsentDocument.objects.create(
        clinic=home_world.clinic_a, topic="iv", version=2, title="IV consent, version 2",
        body="New words.", effective_on=timezone.localdate() - timedelta(days=1),
    )  # fmt: skip
    page = client.get(HOME).content.decode()
    assert "IV consent, version 2" in page and "to read and sign" in page
    assert reverse("patient-consent", args=[home_world.patient_a.public_id]) in page


def test_the_home_links_the_education_pages_and_the_planned_dose(home_world):
    _plan(home_world)
    page = home_world.client_as(home_world.users_a["patient"]).get(HOME).content.decode()
    assert reverse("learn-how-ketamine-works") in page
    assert reverse("learn-planned-dose", args=[home_world.patient_a.public_id]) in page


def test_the_home_is_one_audited_read_of_the_patients_own_record(home_world):
    since = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    client = home_world.client_as(home_world.users_a["patient"])
    assert client.get(HOME).status_code == 200
    reads = AuditEntry.objects.filter(id__gt=since, action="read")
    assert list(reads.values_list("object_id", flat=True)) == [str(home_world.patient_a.public_id)]


def test_the_home_shows_nothing_of_another_patient(home_world):
    page = home_world.client_as(home_world.users_b["patient"]).get(HOME).content.decode()
    assert "Hello, Bruno" in page and "Alice" not in page


def test_staff_are_sent_to_their_own_start_page(home_world):
    response = home_world.client_as(home_world.users_a["nurse"]).get(HOME)
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_an_open_suicidality_alert_of_the_patients_own_shows_the_crisis_resources(home_world):
    client = home_world.client_as(home_world.users_a["patient"])
    _phq9(client, home_world.patient_a, [1] * 8 + [2])
    page = client.get(HOME).content.decode()
    assert 'data-testid="crisis-resources"' in page and "988" in page


def test_an_at_home_plan_puts_todays_session_first(home_world):
    from ketacare.treatment.services import plans
    from tests.conftest import actor_for

    client = home_world.client_as(home_world.users_a["patient"])
    assert 'data-testid="portal-athome"' not in client.get(HOME).content.decode()
    prescriber = actor_for(home_world.users_a["prescriber"], home_world.clinic_a, "prescriber")
    new = plans.NewPlan("at-home-odt", timezone.localdate(), dose_mg=200)
    plans.create_plan(prescriber, home_world.patient_a.public_id, new)
    page = client.get(HOME).content.decode()
    assert page.index('data-testid="portal-athome"') < page.index('data-testid="portal-upcoming"')
    assert reverse("athome-start") in page
    assert "tablets that melt in your mouth" in page


def test_the_at_home_part_can_add_its_section(home_world, monkeypatch):
    from ketacare.chart import portal

    extra = portal.Section("athome", "At-home sessions", "portal/_learn.html",
                           lambda actor, patient: {"topics": []})  # fmt: skip
    monkeypatch.setattr(portal, "SECTIONS", [*portal.SECTIONS, extra])
    page = home_world.client_as(home_world.users_a["patient"]).get(HOME).content.decode()
    assert 'data-testid="portal-athome"' in page and "At-home sessions" in page


def test_the_home_makes_as_many_queries_with_two_years_of_scores_as_with_one_month(
    home_world, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.history import add_history

    _plan(home_world)
    client = home_world.client_as(home_world.users_a["patient"])
    add_history(home_world.patient_a, home_world.users_a["nurse"], 30)
    client.get(HOME)
    connection.queries_log.clear()  # a full log (9,000 entries) would count nothing
    with CaptureQueriesContext(connection) as short:
        client.get(HOME)
    expected = len(short.captured_queries)  # read now: the log rolls over below
    assert expected > 10
    add_history(home_world.patient_a, home_world.users_a["nurse"], 730)
    client.get(HOME)
    with django_assert_max_num_queries(expected):
        assert client.get(HOME).status_code == 200
