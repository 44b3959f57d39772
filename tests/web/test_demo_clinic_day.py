"""`ketacare demo` exercises the whole clinic day (issue 10, item 11): each element the issue
lists, asserted on one loaded demo clinic."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ketacare.clinical import protocols
from ketacare.clinical.routes import Route
from ketacare.consent.models import ConsentSignature
from ketacare.consent.services import clinic_today, missing_consents
from ketacare.treatment.models import SessionState, TreatmentPlan

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """One demo load for every test here (it is the slow part); removed afterwards."""
    from ketacare.demo import load_demo

    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            load_demo(patients=14)  # the other routes' patients from the 11th
            yield
            transaction.set_rollback(True)


def current_plans() -> list[TreatmentPlan]:
    """The version in force of each patient's latest plan."""
    return [p for p in TreatmentPlan.objects.all() if not hasattr(p, "superseded_by")]


def test_referrals_wait_in_triage(demo):
    from ketacare.referrals.models import Referral

    assert Referral.objects.filter(status="new").exists()


def test_consents_are_signed_and_one_has_expired(demo):
    from ketacare.patients.models import Patient

    assert ConsentSignature.objects.count() >= 10
    expired = [
        p for p in Patient.objects.filter(consent_signatures__topic="esketamine").distinct()
        if missing_consents(p, Route.ESKETAMINE_NASAL)
    ]  # fmt: skip
    assert len(expired) == 1  # signed version 1; version 2 asks to sign again


def _under_way(plan: TreatmentPlan) -> bool:
    rows = plan.planned_sessions.filter(kind="dosing")
    return (
        rows.filter(status=SessionState.DONE).exists()
        and rows.filter(status=SessionState.PLANNED).exists()
    )


def test_patients_are_in_induction_and_maintenance_on_every_route(demo):
    plans = [p for p in current_plans() if not p.is_draft]
    by_route: dict[str, set[str]] = {}
    for plan in plans:
        route = protocols.TEMPLATES[plan.template].route.value
        if plan.change_kind == "maintenance":
            stage = "maintenance"
        else:
            stage = "induction under way" if _under_way(plan) else "induction ahead"
        by_route.setdefault(route, set()).add(stage)
    for route in Route:  # IV, IM, intranasal esketamine, at home
        assert by_route.get(route.value, set()) >= {"induction under way", "maintenance"}, route
    assert "induction ahead" in by_route["esketamine"]


def test_each_route_s_sessions_were_given_signed_and_scored_over_time(demo):
    """The other routes' courses: every dosing session before today given (in the clinic signed,
    with its readings; at home through the at-home session), the scale scores running from the
    day before the first dose, and every esketamine form but the REMS demo's submitted."""
    from ketacare.athome.models import AtHomeSession
    from ketacare.demo_rems import DEMO_MRN
    from ketacare.measures.models import ScaleResponse
    from ketacare.rems.models import MonitoringForm
    from ketacare.sessions.models import DosingSession
    from ketacare.treatment.demo_courses import ROUTE_COURSES

    for mrn, course in ROUTE_COURSES.items():
        plan = next(p for p in current_plans() if p.patient.mrn == mrn)
        done = plan.planned_sessions.filter(kind="dosing", status=SessionState.DONE)
        whole = sum(phase.sessions for phase in protocols.TEMPLATES[course.template].phases)
        assert done.count() == (course.given or whole), mrn
        if course.route.is_supervised_in_clinic:
            given = DosingSession.objects.filter(patient=plan.patient, route=course.route.value)
            assert {r.dosing_session_id for r in done} == set(given.values_list("pk", flat=True))
            assert not given.filter(signed_at__isnull=True).exists(), mrn
            assert all(s.readings.count() == 3 for s in given), mrn
            first = given.order_by("started_at").first().started_at
        else:
            given = AtHomeSession.objects.filter(patient=plan.patient, dosed_at__isnull=False)
            assert given.count() == done.count()
            first = given.order_by("started_at").first().started_at
        phq9 = ScaleResponse.objects.filter(patient=plan.patient, instrument="phq9")
        assert phq9.order_by("taken_at").first().taken_at < first  # a baseline before dosing
        if course.given is None:  # scored over the whole course, up to the last week
            assert phq9.order_by("taken_at").last().taken_at - first >= timedelta(weeks=6), mrn
    unsubmitted = MonitoringForm.objects.filter(submitted_on__isnull=True)
    assert set(unsubmitted.values_list("patient__mrn", flat=True)) == {DEMO_MRN}


def test_a_week_is_booked_on_the_calendar(demo):
    from ketacare.appointments.models import Appointment, Room

    clinic = Room.objects.first().clinic
    today = clinic_today(clinic)
    days = {
        clinic_today(clinic, at=a.starts_at)
        for a in Appointment.objects.filter(status="booked", room__isnull=False)
    }
    week = {d for d in days if today <= d < today + timedelta(days=7)}
    assert len(week) == len([d for d in range(7) if (today + timedelta(d)).weekday() < 5])
    assert Appointment.objects.filter(kind="counselling", staff__isnull=False).exists()


def test_signed_sessions_show_a_bp_hold_and_an_adverse_event(demo):
    from ketacare.sessions.models import AdverseEvent, VitalSignsReading

    holds = [
        r for r in VitalSignsReading.objects.filter(session__signed_at__isnull=False)
        if any(a["kind"] == "BP above hold limit" for a in r.alerts)
    ]  # fmt: skip
    assert holds and all(r.acknowledgement.note for r in holds)
    assert AdverseEvent.objects.filter(session__signed_at__isnull=False).exists()


def test_an_esketamine_session_has_its_rems_form_due_tomorrow_and_one_overdue(demo):
    from ketacare.rems.models import MonitoringForm

    due = MonitoringForm.objects.filter(submitted_on__isnull=True)
    today = clinic_today(due.first().clinic)
    assert due.filter(due_on=today + timedelta(days=1), session__route="esketamine").exists()
    assert due.filter(due_on__lt=today).exists()


def test_the_controlled_substance_log_has_receipts_administrations_and_a_witnessed_waste(demo):
    from ketacare.controlled.models import Entry

    kinds = set(Entry.objects.values_list("kind", flat=True))
    assert {"receipt", "administration", "waste"} <= kinds
    assert not Entry.objects.filter(kind="waste", witness__isnull=True).exists()


def test_the_therapist_has_written_signed_notes(demo):
    from ketacare.counselling.models import CounsellingSession

    assert CounsellingSession.objects.filter(signed_at__isnull=False).exists()
