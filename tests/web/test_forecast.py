"""The MADRS forecast on the scales page: from this patient's sessions and scores, with its
basis, and withheld when the model cannot reproduce the course."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ketacare.measures import services as measures
from ketacare.sessions.models import DosingSession, SessionStatus
from ketacare.treatment.patient_forecast import SessionDose, regimen_from
from tests.conftest import actor_for
from tests.tasks import run_background_tasks

pytestmark = pytest.mark.django_db


def add_infusions(patient, days_ago):  # type: ignore[no-untyped-def]
    for ago in days_ago:
        DosingSession.objects.create(
            clinic=patient.clinic,
            patient=patient,
            route="iv",
            status=SessionStatus.DISCHARGED,
            weight_kg=patient.weight_kg,
            dose_mg=34,
            infusion_minutes=40,
            dose_limit_mg=51,
            dose_limit_source="K1, K7",
            predose_vitals={"systolic_mmhg": 120, "diastolic_mmhg": 80},
            predose_decision="go",
            started_at=timezone.now() - timedelta(days=ago),
        )


def add_madrs(world, scores_days_ago):  # type: ignore[no-untyped-def]
    nurse = actor_for(world.users_a["nurse"], world.clinic_a, "nurse")
    for total, ago in scores_days_ago:
        answers = [min(6, max(0, total - 6 * i)) for i in range(10)]
        measures.record_scale(
            nurse, world.patient_a.public_id, "madrs", answers,
            taken_at=timezone.now() - timedelta(days=ago), backdate_reason="rated at the visit",
        )  # fmt: skip


def test_regimen_takes_the_latest_drug_course_from_day_zero():
    now = timezone.now()
    doses = [
        SessionDose("esketamine", now - timedelta(days=400), 56, None),
        SessionDose("iv", now - timedelta(days=9), 34, 40),
        SessionDose("iv", now - timedelta(days=7), 34, 40),
    ]
    course = regimen_from(doses)
    assert course is not None
    regimen, first = course
    assert regimen.routes == ("iv",) and len(regimen.doses) == 2
    assert first == now - timedelta(days=9)
    assert regimen.doses[1].start_min == pytest.approx(2 * 24 * 60)
    assert regimen.doses[0].duration_min == 40


def test_a_course_the_model_explains_gets_a_band_and_its_basis(world, client_as):
    add_infusions(world.patient_a, [9, 7, 5])
    add_madrs(world, [(33, 10), (16, 8), (18, 6), (16, 3), (19, 0)])
    pending = client_as(world.users_a["prescriber"]).get(
        reverse("scale-history", args=[world.patient_a.public_id])
    )
    assert 'data-testid="forecast-pending"' in pending.content.decode()
    run_background_tasks()
    page = client_as(world.users_a["prescriber"]).get(
        reverse("scale-history", args=[world.patient_a.public_id])
    )
    html = page.content.decode()
    assert 'data-testid="forecast"' in html
    assert "Based on 3 recorded dose(s) and 5 MADRS score(s)" in html
    assert 'src="data:image/svg+xml;base64,' in html
    assert 'data-testid="forecast-withheld"' not in html


def test_a_course_the_model_cannot_explain_gets_no_forecast(world, client_as):
    add_infusions(world.patient_a, [90, 88, 86])
    add_madrs(world, [(30, 91), (12, 85), (45, 40), (50, 1)])  # worse than baseline, long after
    run_background_tasks()
    html = (
        client_as(world.users_a["prescriber"])
        .get(reverse("scale-history", args=[world.patient_a.public_id]))
        .content.decode()
    )
    assert 'data-testid="forecast-withheld"' in html
    assert "data:image/svg+xml" not in html


def test_no_forecast_without_sessions_or_for_roles_outside_the_care_team(world, client_as):
    add_madrs(world, [(33, 10), (16, 8)])
    html = (
        client_as(world.users_a["nurse"])
        .get(reverse("scale-history", args=[world.patient_a.public_id]))
        .content.decode()
    )
    assert 'data-testid="forecast"' not in html  # no sessions yet
    add_infusions(world.patient_a, [9])
    run_background_tasks()
    own = client_as(world.users_a["patient"]).get(
        reverse("scale-history", args=[world.patient_a.public_id])
    )
    assert own.status_code == 200 and 'data-testid="forecast"' not in own.content.decode()


def _twice_weekly(now, days):  # type: ignore[no-untyped-def]
    return [
        SessionDose("iv", now - timedelta(days=ago), 34, 40)
        for ago in range(days, 0, -1)
        if ago % 7 in (1, 4)
    ]


def test_a_course_longer_than_the_models_memory_is_forecast_from_its_recent_part():
    from ketacare.treatment.patient_forecast import (
        DOSE_MEMORY_DAYS,
        SCORE_HISTORY_DAYS,
        forecast_history,
    )

    now = timezone.now()
    doses = _twice_weekly(now, 730)
    madrs = [(now - timedelta(days=731), 33)] + [
        (now - timedelta(days=ago), 14) for ago in range(720, 0, -30)
    ]
    history = forecast_history(doses, madrs)
    assert history is not None
    window = SCORE_HISTORY_DAYS + DOSE_MEMORY_DAYS
    assert now - timedelta(days=window + 1) <= history.first_dose
    assert history.doses_left_out == len(doses) - len(history.regimen.doses) > 0
    # the course's untreated baseline comes first, then only scores of the fitted window
    assert history.points[0] == (-1.0, 33)
    assert all(window - SCORE_HISTORY_DAYS - 1 <= day <= window for day, _ in history.points[1:])
    assert len(history.points) == 1 + 3


def test_a_course_spanning_340_days_with_a_recent_madrs_gets_a_forecast_not_an_error():
    """Issue 9 item 7: 340 days of doses + a MADRS today asked the engine for 368 days."""
    from ketacare.treatment.patient_forecast import patient_forecast

    now = timezone.now()
    doses = _twice_weekly(now, 340)
    madrs = [(now - timedelta(days=341), 32), (now - timedelta(days=20), 15), (now, 14)]
    result = patient_forecast(doses, madrs, 70.0)
    assert result is not None
    assert result.forecast.days[-1] <= 366


def test_viewing_the_page_never_computes_the_forecast_and_a_new_score_queues_one(
    world, client_as, monkeypatch
):
    from ketacare.treatment.models import StoredForecast
    from ketacare.treatment.services import forecast as forecast_service

    add_infusions(world.patient_a, [9, 7, 5])
    add_madrs(world, [(33, 10), (16, 8), (18, 6)])
    run_background_tasks()
    assert StoredForecast.objects.filter(patient=world.patient_a, result__isnull=False).count() == 1
    from ketacare.audit.models import AuditEntry

    computed = AuditEntry.objects.filter(object_type="forecast", action="create")
    assert computed.count() == 1

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("a page computed the forecast")

    monkeypatch.setattr(forecast_service, "patient_forecast", refuse)
    client = client_as(world.users_a["prescriber"])
    for _ in range(3):
        html = client.get(reverse("scale-history", args=[world.patient_a.public_id])).content
        assert b'data-testid="forecast-evidence"' in html or b"forecast-withheld" in html
    add_madrs(world, [(17, 0)])
    html = client.get(reverse("scale-history", args=[world.patient_a.public_id])).content
    assert b'data-testid="forecast-pending"' in html
    assert StoredForecast.objects.filter(patient=world.patient_a, result__isnull=True).count() == 1


def test_a_stored_forecast_for_superseded_inputs_is_dropped_and_stale_tasks_do_nothing(world):
    from ketacare.treatment.models import StoredForecast
    from ketacare.treatment.services.forecast import compute_stored_forecast, gather_inputs

    add_infusions(world.patient_a, [9, 7, 5])
    add_madrs(world, [(33, 10), (16, 8)])
    stale = gather_inputs(world.patient_a).digest()
    add_madrs(world, [(18, 6)])
    assert compute_stored_forecast(world.patient_a.pk, stale) is False
    run_background_tasks()
    current = gather_inputs(world.patient_a).digest()
    assert list(StoredForecast.objects.values_list("inputs_digest", flat=True)) == [current]


def test_the_booster_decision_is_the_clinical_rule_with_the_forecast_as_evidence(
    world, client_as, monkeypatch
):
    """Issue 9: the page said "booster due" (clinical rule) above "No booster due within the
    forecast". Only the clinical rule says whether a booster is due; a forecast that stays
    below the relapse line is shown as evidence, not as a second verdict."""
    from ketacare.chart.views import scale_history as views
    from ketacare.treatment.services.forecast import ShownForecast

    quiet = ShownForecast(ready=True, crosses_relapse_line_on=None, chart_data_uri="data:,",
                          basis="basis.", explains_course=True)  # fmt: skip
    monkeypatch.setattr(views, "shown_forecast", lambda actor, patient: quiet)
    add_infusions(world.patient_a, [30, 28, 26])
    # response (15 <= 50% of 33), then back above the threshold once: the rule's booster signal
    add_madrs(world, [(33, 31), (15, 20), (16, 10), (19, 1)])
    html = (
        client_as(world.users_a["prescriber"])
        .get(reverse("scale-history", args=[world.patient_a.public_id]))
        .content.decode()
    )
    assert "<strong>booster due</strong>" in html
    assert "No booster due" not in html
    assert "Booster due by the clinical rule above." in html
    # The evidence agrees with the verdict: the latest score is above the rule's own line,
    # so the page no longer says the forecast "stays below" beside "booster due".
    assert "stays below" not in html
    assert "the latest score is already above the line, where the rule decides" in html


def test_the_worker_command_computes_a_queued_forecast(transactional_db, world):
    """`ketacare worker --batch`: the real db_worker drains the queue (SQLite and PostgreSQL)."""
    from ketacare.cli import main
    from ketacare.treatment.models import StoredForecast

    add_infusions(world.patient_a, [9, 7, 5])
    add_madrs(world, [(33, 10), (16, 8)])
    assert StoredForecast.objects.get(patient=world.patient_a).result is None
    assert main(["worker", "--batch"]) == 0
    assert StoredForecast.objects.get(patient=world.patient_a).result is not None
