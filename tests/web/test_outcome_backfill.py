"""Booster and futility states stored for data written before (or around) the code that stores
them: `ketacare migrate` and `ketacare refresh-outcomes` fill in what is missing or stale, so
Today, the chart and the plan page, which read only the stored state, agree with the clinical
rule that the rating-scales page runs live."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import uuid4

import pytest
from django.utils import timezone

from ketacare.audit.models import AuditEntry
from ketacare.cli import main
from ketacare.commands.outcomes import refresh_outcomes
from ketacare.measures import services as measures
from ketacare.measures.models import ScaleResponse
from ketacare.patients.models import Patient
from ketacare.treatment.models import OutcomeState
from tests.conftest import actor_for
from tests.web.test_forecast import add_infusions
from tests.web.test_plan_follow_ups import BOOSTER_COURSE, NO_RESPONSE, page
from tests.web.test_plan_versions import make_plan

pytestmark = pytest.mark.django_db


def madrs(world, patient, course):  # type: ignore[no-untyped-def]
    nurse = actor_for(world.users_a["nurse"], world.clinic_a, "nurse")
    for total, ago in course:
        answers = [min(6, max(0, total - 6 * i)) for i in range(10)]
        measures.record_scale(
            nurse, patient.public_id, "madrs", answers,
            taken_at=timezone.now() - timedelta(days=ago), backdate_reason="rated at the visit",
        )  # fmt: skip


def boosters_on_today(client) -> str:  # type: ignore[no-untyped-def]
    return page(client, "today").split('data-testid="today-boosters"')[1].split("</section>")[0]


def test_a_plan_without_stored_state_gets_it_and_then_shows_on_the_chart_plan_and_today(
    world, client_as
):
    plan = make_plan(world, client_as)
    add_infusions(world.patient_a, [30, 28, 26])
    madrs(world, world.patient_a, BOOSTER_COURSE)
    OutcomeState.objects.all().delete()  # as written before the state was stored
    prescriber = client_as(world.users_a["prescriber"])
    patient_id = world.patient_a.public_id
    assert 'data-testid="chart-booster"' not in page(prescriber, "patient-chart", patient_id)
    assert world.patient_a.full_name not in boosters_on_today(prescriber)

    assert refresh_outcomes(progress=False) == 1
    state = OutcomeState.objects.get(patient=world.patient_a)
    assert state.booster_open and state.plan == plan
    assert 'data-testid="chart-booster"' in page(prescriber, "patient-chart", patient_id)
    assert 'data-testid="plan-booster"' in page(prescriber, "plan-detail", plan.public_id)
    assert world.patient_a.full_name in boosters_on_today(prescriber)
    entry = AuditEntry.objects.get(object_type="outcome_state", action="update")
    assert entry.detail == {"refreshed": 1} and entry.clinic_id == world.clinic_a.pk
    assert refresh_outcomes(progress=False) == 0  # up to date: nothing to do again


def test_a_state_older_than_a_score_written_around_the_signals_is_refreshed(world, client_as):
    madrs(world, world.patient_a, BOOSTER_COURSE[:2])  # responded: no booster yet
    assert not OutcomeState.objects.get(patient=world.patient_a).booster_due
    OutcomeState.objects.update(updated_at=timezone.now() - timedelta(hours=1))
    relapse = ScaleResponse.objects.filter(patient=world.patient_a).latest("taken_at")
    relapse.pk, relapse.public_id, relapse.total = None, uuid4(), 19
    relapse.taken_at = timezone.now() - timedelta(days=1)
    ScaleResponse.objects.bulk_create([relapse])  # an import: no signal fired
    assert not OutcomeState.objects.get(patient=world.patient_a).booster_due
    assert refresh_outcomes(progress=False) == 1
    assert OutcomeState.objects.get(patient=world.patient_a).booster_due


def test_the_command_reports_how_many_it_stored(world, client_as, capsys):
    add_infusions(world.patient_a, [10, 8, 6])
    madrs(world, world.patient_a, NO_RESPONSE)
    OutcomeState.objects.all().delete()
    assert main(["refresh-outcomes", "--no-progress"]) == 0
    assert "stored for 1 patient(s)" in capsys.readouterr().out
    assert OutcomeState.objects.get(patient=world.patient_a).futility_open


def test_the_chart_today_and_the_scales_page_agree_on_who_has_a_booster_due(world, client_as):
    """One definition: the scales page runs the clinical rule live, the chart and Today read
    its stored result; for each patient the three say the same."""
    other = {
        name: Patient.objects.create(
            clinic=world.clinic_a,
            mrn=f"B-{name}",
            first_name=name,
            last_name="Agree",
            date_of_birth=date(1980, 1, 1),
            sex="female",
            weight_kg=70,
        )  # fmt: skip
        for name in ("Relapsing", "Responding", "Unchanged")
    }
    madrs(world, other["Relapsing"], BOOSTER_COURSE)
    madrs(world, other["Responding"], BOOSTER_COURSE[:3])
    madrs(world, other["Unchanged"], NO_RESPONSE)
    prescriber = client_as(world.users_a["prescriber"])
    on_today = boosters_on_today(prescriber)
    verdicts = {}
    for name, patient in other.items():
        pid = patient.public_id
        chart = 'data-testid="chart-booster"' in page(prescriber, "patient-chart", pid)
        rule = "<strong>booster due</strong>" in page(prescriber, "scale-history", pid)
        verdicts[name] = (rule, chart, patient.full_name in on_today)
    assert verdicts == {
        "Relapsing": (True, True, True),
        "Responding": (False, False, False),
        "Unchanged": (False, False, False),
    }
