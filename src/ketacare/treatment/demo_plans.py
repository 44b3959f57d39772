"""Demo plans (invented): two IV inductions under way, planned from their first infusion and
signed, whose given infusions marked their planned sessions done, one missed and one moved;
one of them titrated by a second version; an IV induction completed and moved to maintenance
by a version; the REMS patient's esketamine induction under way; an esketamine course and an
IM induction signed to start tomorrow; a draft waiting for its signature; and the courses of
the other routes' patients (demo_courses.py): under way, or moved to maintenance when the
induction was complete (at home: athome/demo_data.py). The demo's scores
then put a booster due and a futility review on Today by the clinical rules, as any recorded
score would."""

from __future__ import annotations

from datetime import date, timedelta

from ketacare.accounts.actor import Actor
from ketacare.audit.services import record
from ketacare.clinical import protocols
from ketacare.clinics.models import Clinic
from ketacare.consent.services import clinic_today
from ketacare.patients.models import Patient
from ketacare.sessions.models import DosingSession
from ketacare.treatment.demo_courses import ROUTE_COURSES
from ketacare.treatment.models import SessionState, TreatmentPlan
from ketacare.treatment.services import planned, plans, versions
from ketacare.treatment.services.outcome_state import refresh_outcome_state

DEMO_CADENCE = protocols.ClinicScheduleRules(preparation_sessions=1, counselling_every_n_sessions=3)


def load_plans(clinic: Clinic, prescriber: Actor, front_desk: Actor) -> None:
    if TreatmentPlan.objects.filter(clinic=clinic).exists():
        return
    patients = list(Patient.objects.filter(clinic=clinic).order_by("mrn"))
    for index, titrate in ((1, True), (3, False)):
        if index < len(patients):
            _induction_under_way(prescriber, front_desk, patients[index], titrate)
    tomorrow = clinic_today(clinic) + timedelta(days=1)
    next_week = tomorrow + timedelta(days=6)
    if len(patients) > 2:  # six infusions long ago: in maintenance
        _maintenance(prescriber, front_desk, patients[2], next_week)
    if len(patients) > 4:  # signed esketamine consent version 2 (consent demo)
        new = plans.NewPlan("esketamine-trd", tomorrow, 56, preparation_sessions=1)
        plan = plans.create_plan(prescriber, patients[4].public_id, new)
        versions.sign_plan(prescriber, plan.public_id)
    if len(patients) > 7:
        new = plans.NewPlan("iv-induction", tomorrow + timedelta(days=6), integration_every_n=3)
        plans.create_plan(prescriber, patients[7].public_id, new)  # left a draft
    given = DosingSession.objects.filter(clinic=clinic, route="esketamine")
    for patient in patients:
        course = ROUTE_COURSES.get(patient.mrn)
        if course is not None and course.route.is_supervised_in_clinic:
            if course.given is None:
                _maintenance(prescriber, front_desk, patient, next_week, course.template)
            else:
                _induction_under_way(prescriber, front_desk, patient, False, course.template)
        elif course is None and given.filter(patient=patient).exists():  # the REMS demo's
            _induction_under_way(prescriber, front_desk, patient, False, "esketamine-trd")
    if len(patients) > 8:  # signed the IM consent (consent demo)
        plan = plans.create_plan(prescriber, patients[8].public_id,
                                 plans.NewPlan("im-induction", tomorrow))  # fmt: skip
        versions.sign_plan(prescriber, plan.public_id)


def _maintenance(
    prescriber: Actor, desk: Actor, patient: Patient, on: date, template: str = "iv-induction"
) -> None:
    plan = _induction_under_way(prescriber, desk, patient, False, template)
    if plan is not None:
        move_to_maintenance(prescriber, plan, on)


def move_to_maintenance(prescriber: Actor, plan: TreatmentPlan, on: date) -> None:
    """The version that follows a complete induction: a maintenance session on `on`."""
    reason = "Responded to the induction: maintenance sessions as the response fades"
    revision = versions.Revision("maintenance", reason, on=on)
    versions.revise_plan(prescriber, plan.public_id, revision)


def _induction_under_way(
    prescriber: Actor, desk: Actor, patient: Patient, titrate: bool, template: str = "iv-induction"
) -> TreatmentPlan | None:
    route = protocols.TEMPLATES[template].route.value
    given = DosingSession.objects.filter(patient=patient, route=route)
    sessions = list(given.order_by("started_at"))
    if not sessions:
        return None
    start = clinic_today(patient.clinic, at=sessions[0].started_at)
    weight = float(patient.weight_kg)
    fixed = sessions[0].dose_mg if route == "esketamine" else None
    schedule = protocols.generate_schedule(
        template, start, protocols.PatientContext(weight, dose_mg=fixed), DEMO_CADENCE
    )
    signed = sessions[0].started_at - timedelta(days=1)
    plan = TreatmentPlan.objects.create(
        clinic=patient.clinic, patient=patient, template=template,
        template_name=protocols.TEMPLATES[template].name, start_on=start,
        schedule=[plans.schedule_entry(s) for s in schedule], created_by=prescriber.user,
        created_at=signed, signed_by=prescriber.user, signed_at=signed,
        counselling={"preparation_sessions": 1, "integration_every_n": 3,
                     "source": "clinic setting"},
    )  # fmt: skip
    plans.store_sessions(plan, plan.schedule)
    record(prescriber, "create", "treatment_plan", plan.public_id, patient_id=patient.public_id,
           detail={"demo": True, "signed": True})  # fmt: skip
    for session in sessions:
        planned.link_started_session(session)
    mark_the_past(desk, plan, clinic_today(patient.clinic))
    if titrate:
        revision = versions.Revision(
            "titrate", "Well tolerated, partial response so far: 0.6 mg/kg for the rest",
            dose_mg=round(0.6 * weight),
        )  # fmt: skip
        versions.revise_plan(prescriber, plan.public_id, revision)
    refresh_outcome_state(patient)
    return plan


def mark_the_past(desk: Actor, plan: TreatmentPlan, today: date) -> None:
    """Counselling and reviews before today took place; the first infusion without a
    session was missed, the next moved to tomorrow."""
    past = plan.planned_sessions.filter(status=SessionState.PLANNED, on__lt=today)
    missing = 0
    for row in past.order_by("on", "position"):
        if row.kind != "dosing":
            change = planned.StatusChange("done", note="held as planned")
        elif missing == 0:
            change, missing = planned.StatusChange("missed", note="unwell (demo)"), 1
        else:
            change = planned.StatusChange("rescheduled", on=today + timedelta(days=1))
        planned.change_status(desk, row.public_id, change)
