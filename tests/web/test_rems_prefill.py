"""The REMS Patient Monitoring Form takes from the run sheet what it already holds: the
dissociation (CADSS) and sedation (MOAA/S) entries, the adverse events marked serious, the
vital signs; and the session page says whether its form is due, overdue or submitted, with a
link to it (S11)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from ketacare.rems import services
from ketacare.rems.models import MonitoringForm
from ketacare.sessions.models import SessionAssessment
from ketacare.sessions.run_sheet import AdverseEventIn, record_adverse_event
from tests.web.test_rems import enroll, esketamine_session, monitored, nurse, today

pytestmark = pytest.mark.django_db


def values(world) -> dict[str, object]:  # type: ignore[no-untyped-def]
    form = MonitoringForm.objects.get()
    found = services.values_of(nurse(world), form)
    return {k: v for k, v in found.values.items() if k in found.prefilled}


def entry(session, kind: str, score: int) -> None:  # type: ignore[no-untyped-def]
    """A run-sheet assessment as record_sedation / record_dissociation store it."""
    SessionAssessment.objects.create(
        clinic=session.clinic, session=session, kind=kind, score=score,
        taken_at=session.started_at + timedelta(minutes=40),
    )  # fmt: skip


@pytest.fixture
def session(world, client_as):  # type: ignore[no-untyped-def]
    enroll(world)
    return esketamine_session(world, client_as)


def test_a_cadss_above_zero_answers_dissociation_yes_from_the_record(world, session):
    assert "dissociation" not in values(world)  # nothing scored: asked
    entry(session, "dissociation", 0)
    assert values(world)["dissociation"] is False
    entry(session, "dissociation", 7)
    assert values(world)["dissociation"] is True


def test_a_sedation_entry_below_five_answers_sedation_yes_even_when_readings_say_five(
    world, session
):
    monitored(session, moaas=5)
    assert values(world)["sedation"] is False
    entry(session, "sedation", 4)  # mild sedation (N3), on the run sheet's schedule
    assert values(world)["sedation"] is True


def test_a_serious_adverse_event_on_the_run_sheet_answers_yes_with_what_happened(world, session):
    assert "serious_adverse_event" not in values(world)  # session under way: asked
    record_adverse_event(nurse(world), session.public_id, AdverseEventIn(
        None, "Nausea", "mild", "Reassured", serious=False))  # fmt: skip
    assert "serious_adverse_event" not in values(world)
    record_adverse_event(nurse(world), session.public_id, AdverseEventIn(
        None, "Syncope on standing", "severe", "Laid flat, prescriber called",
        serious=True))  # fmt: skip
    found = values(world)
    assert found["serious_adverse_event"] is True
    assert found["serious_adverse_event_detail"] == (
        "Syncope on standing (severe; Laid flat, prescriber called)"
    )


def test_a_discharged_session_without_a_serious_event_answers_no(world, session):
    record_adverse_event(nurse(world), session.public_id, AdverseEventIn(
        None, "Nausea", "mild", "Reassured"))  # fmt: skip
    monitored(session)
    found = values(world)
    assert found["serious_adverse_event"] is False
    assert "serious_adverse_event_detail" not in found
    assert (found["bp_predose"], found["bp_40_min"], found["bp_predischarge"]) == (
        "124/78", "152/94", "128/80",
    )  # the vital signs, as before  # fmt: skip


def test_what_staff_enter_still_overrides_the_run_sheet(world, client_as, session):
    entry(session, "dissociation", 7)
    client_as(world.users_a["nurse"]).post(
        reverse("session-rems", args=[session.public_id]), {"dissociation": "no"}
    )
    form = MonitoringForm.objects.get()
    assert services.values_of(nurse(world), form).values["dissociation"] is False


def test_the_session_page_links_its_rems_form_and_says_what_it_lacks(world, client_as, session):
    client = client_as(world.users_a["nurse"])
    html = client.get(reverse("session-detail", args=[session.public_id])).content.decode()
    line = html[html.index('data-testid="session-rems"') :].split("</p>")[0]
    form = MonitoringForm.objects.get()
    assert f"due by {form.due_on:%Y-%m-%d}" in line and "fields missing" in line
    assert f'href="/sessions/{session.public_id}/rems/"' in line
    MonitoringForm.objects.filter(pk=form.pk).update(
        treatment_date=today(world) - timedelta(days=9), due_on=today(world) - timedelta(days=2)
    )
    html = client.get(reverse("session-detail", args=[session.public_id])).content.decode()
    assert "<strong>overdue</strong> since" in html
    MonitoringForm.objects.filter(pk=form.pk).update(submitted_on=today(world), submitted_via="fax")
    html = client.get(reverse("session-detail", args=[session.public_id])).content.decode()
    assert f"submitted on {today(world):%Y-%m-%d} (Fax)" in html


def test_the_rems_line_is_only_for_esketamine_and_the_roles_that_keep_the_paperwork(
    world, client_as, session
):
    therapist = client_as(world.users_a["therapist"])
    page = therapist.get(reverse("session-detail", args=[session.public_id]))
    assert page.status_code == 200 and 'data-testid="session-rems"' not in page.content.decode()
