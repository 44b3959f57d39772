"""REMS use cases: enroll a patient, refuse an esketamine session without enrollment, open a
session's monitoring form, record what staff enter on it, mark it submitted, and the clinic's
list of forms due. Each write is one transaction with its audit entry; the rules are
clinical/rems.py. A session is handed in by `sessions`, already read through the gate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from ketacare.accounts.actor import Actor
from ketacare.accounts.roles import Action, require
from ketacare.audit.services import record
from ketacare.clinical import rems as rule
from ketacare.clinical.dates import REMS_DATE
from ketacare.clinical.errors import ClinicalRuleError
from ketacare.clinical.routes import Route
from ketacare.clinical_input import plausible_date
from ketacare.consent.services import clinic_today
from ketacare.medications.services import medicines_in_classes
from ketacare.patients.gate import get_for
from ketacare.patients.models import Patient
from ketacare.patients.records import GateQuerySet
from ketacare.rems.models import MonitoringForm, RemsEnrollment, SubmittedVia
from ketacare.rems.values import FormValues, form_values, treatment_date

ENROLLMENT_FIELD = "rems_enrollment"


class EnrollmentMissing(ValidationError):
    """An esketamine session for a patient not enrolled: a 422 on `rems_enrollment`."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__({ENROLLMENT_FIELD: reason})


# -- enrollment ---------------------------------------------------------------------------


def enrollment_of(patient: Patient) -> RemsEnrollment | None:
    """The caller has read the patient through the gate."""
    return RemsEnrollment.objects.filter(clinic_id=patient.clinic_id, patient=patient).first()


def enrollment_refusal(patient: Patient, route: Route, day: date | None = None) -> str | None:
    """Why an esketamine session may not start today, or None (S10, S11)."""
    if not rule.requires_form(route):
        return None
    enrollment = enrollment_of(patient)
    day = day or clinic_today(patient.clinic)
    return rule.enrollment_refusal(route, enrollment.enrolled_on if enrollment else None, day)


def require_enrollment(patient: Patient, route: Route) -> None:
    reason = enrollment_refusal(patient, route)
    if reason:
        raise EnrollmentMissing(reason)


@transaction.atomic
def enroll(actor: Actor, patient_id: Any, enrolled_on: date | None = None) -> RemsEnrollment:
    patient = get_for(actor, Patient, patient_id, Action.REMS_RECORD)
    enrolled_on = enrolled_on or clinic_today(patient.clinic)
    plausible_date("enrolled_on", enrolled_on, REMS_DATE)
    if enrolled_on > clinic_today(patient.clinic):
        raise ValidationError({"enrolled_on": "An enrollment cannot be dated in the future."})
    try:
        with transaction.atomic():  # two simultaneous enrollments: the second is told
            enrollment = RemsEnrollment.objects.create(
                clinic=patient.clinic, patient=patient, enrolled_on=enrolled_on,
                enrolled_by=actor.user,
            )  # fmt: skip
    except IntegrityError as exc:
        raise ValidationError({"enrolled_on": "This patient is already enrolled."}) from exc
    record(actor, "create", "rems_enrollment", enrollment.public_id,
           patient_id=patient.public_id, detail={"enrolled_on": str(enrolled_on)})  # fmt: skip
    return enrollment


@transaction.atomic
def view_enrollment(actor: Actor, patient_id: Any) -> tuple[Patient, RemsEnrollment | None]:
    patient = get_for(actor, Patient, patient_id, Action.REMS_VIEW)
    return patient, enrollment_of(patient)


# -- one session's form ---------------------------------------------------------------------


def open_form(session: Any) -> MonitoringForm | None:
    """The form of a new esketamine session (called inside the session's start, after the
    enrollment check); None for other routes. First treatment: no earlier esketamine form."""
    if not rule.requires_form(Route(session.route)):
        return None
    earlier = MonitoringForm.objects.filter(
        clinic_id=session.clinic_id, patient_id=session.patient_id
    ).count()
    day = treatment_date(session)
    return MonitoringForm.objects.create(
        clinic_id=session.clinic_id, patient_id=session.patient_id, session=session,
        treatment_date=day, due_on=rule.due_on(day),
        first_treatment=rule.is_first_treatment(earlier),
    )  # fmt: skip


def form_of(session: Any) -> MonitoringForm | None:
    """The session's form (the session was read through the gate by the caller)."""
    return MonitoringForm.objects.filter(clinic_id=session.clinic_id, session=session).first()


def values_of(actor: Actor, form: MonitoringForm) -> FormValues:
    enrollment = enrollment_of(form.session.patient)
    medicines = medicines_in_classes(actor, [form.patient_id])
    return form_values(form, enrollment.enrolled_on if enrollment else None, medicines)


def missing_fields(actor: Actor, session: Any) -> tuple[rule.FormField, ...]:
    """The REMS form's fields still empty for this session (none for other routes): the
    session may not be signed while any remain."""
    form = form_of(session)
    if form is None:
        return ()
    return values_of(actor, form).missing


def _parsed(answers: dict[str, Any]) -> dict[str, object]:
    parsed: dict[str, object] = {}
    for key, raw in answers.items():
        try:
            value = rule.parse_value(key, raw)
        except ClinicalRuleError as exc:
            raise ValidationError({key: str(exc).split(": ", 1)[-1]}) from exc
        if value is not None:
            parsed[key] = value
    return parsed


def _still_open(form: MonitoringForm) -> None:
    if form.submitted_on is not None:
        raise ValidationError(
            {"__all__": f"This form was submitted on {form.submitted_on}; it is not edited."}
        )
    if getattr(form.session, "signed_at", None) is not None:
        raise ValidationError({"__all__": "The session is signed: its REMS form is locked."})


@transaction.atomic
def save_answers(actor: Actor, session: Any, answers: dict[str, Any]) -> MonitoringForm:
    """What staff enter on the form (blank: the record's value stands). The session was read
    through the gate by the caller for REMS_RECORD."""
    require(actor, Action.REMS_RECORD)
    form = _form_for_update(session)
    _still_open(form)
    current = values_of(actor, form)
    changed = {  # what equals the record's value stays the record's (it follows the session)
        k: v for k, v in _parsed(answers).items()
        if not (k in current.prefilled and current.values.get(k) == v)
    }  # fmt: skip
    form.answers = {**form.answers, **changed}
    form.answered_by = actor.user
    form.save(update_fields=["answers", "answered_by"])
    record(actor, "update", "rems_form", form.public_id, patient_id=form.patient.public_id,
           detail={"fields": sorted(answers)})  # fmt: skip
    return form


def _form_for_update(session: Any) -> MonitoringForm:
    form = (
        MonitoringForm.objects.select_for_update(of=("self",))
        .select_related("patient", "session__patient", "session__clinic")
        .filter(clinic_id=session.clinic_id, session=session)
        .first()
    )
    if form is None:
        raise ValidationError({"__all__": "Only esketamine sessions have a REMS form."})
    return form


@dataclass(frozen=True)
class Submission:
    submitted_on: date
    submitted_via: str


@transaction.atomic
def mark_submitted(actor: Actor, session: Any, submission: Submission) -> MonitoringForm:
    require(actor, Action.REMS_RECORD)
    form = _form_for_update(session)
    if form.submitted_on is not None:
        raise ValidationError({"submitted_on": f"Already submitted on {form.submitted_on}."})
    plausible_date("submitted_on", submission.submitted_on, REMS_DATE)
    if submission.submitted_via not in SubmittedVia.values:
        raise ValidationError({"submitted_via": "Online or fax (S11)."})
    if not form.treatment_date <= submission.submitted_on <= clinic_today(form.session.clinic):
        raise ValidationError(
            {
                "submitted_on": "Between the session's day and today: not before the session, "
                "not in the future."
            }  # fmt: skip
        )
    values = values_of(actor, form)
    if values.missing:
        names = ", ".join(f.label for f in values.missing)
        raise ValidationError({"__all__": f"The form is missing: {names}."})
    form.submitted_on = submission.submitted_on
    form.submitted_via = submission.submitted_via
    form.submitted_by = actor.user
    form.submitted_at = timezone.now()
    form.submitted_values = {k: rule.shown(v) for k, v in values.values.items()}
    form.save(update_fields=["submitted_on", "submitted_via", "submitted_by", "submitted_at",
                             "submitted_values"])  # fmt: skip
    late = rule.is_overdue(form.treatment_date, submission.submitted_on)
    record(actor, "update", "rems_form", form.public_id, patient_id=form.patient.public_id,
           detail={"submitted_on": str(submission.submitted_on),
                   "via": submission.submitted_via, "late": late})  # fmt: skip
    return form


# -- the clinic's list ---------------------------------------------------------------------


def _due(actor: Actor) -> GateQuerySet[MonitoringForm]:
    return (
        MonitoringForm.objects.for_actor(actor, Action.REMS_VIEW)
        .filter(submitted_on__isnull=True)
        .exclude(session__status="not_dosed")  # no treatment, nothing to report
    )


def due_forms(actor: Actor) -> list[tuple[MonitoringForm, FormValues]]:
    """Every form not yet submitted, oldest deadline (so overdue) first, with its values; a
    fixed number of queries however many forms (the sessions' readings prefetched, the
    patients' medicines and enrollments in one query each), and one audited read of them."""
    forms = list(
        _due(actor)
        .select_related(
            "patient",
            "session__patient",
            "session__clinic",
            "session__started_by",
            "session__administration",
        )
        .prefetch_related(
            "session__readings",
            "session__administration__devices",
            "session__assessments",
            "session__adverse_events",
        )
        .order_by("due_on", "id")
    )
    patient_ids = list({f.patient_id for f in forms})
    enrolled = dict(
        RemsEnrollment.objects.for_actor(actor, Action.REMS_VIEW)
        .filter(patient_id__in=patient_ids)
        .values_list("patient_id", "enrolled_on")
    )
    by_patient: dict[int, list[Any]] = {}
    for medicine in medicines_in_classes(actor, patient_ids):
        by_patient.setdefault(medicine.patient_id, []).append(medicine)
    rows = [
        (f, form_values(f, enrolled.get(f.patient_id), by_patient.get(f.patient_id, [])))
        for f in forms
    ]
    if rows:
        record(actor, "read", "rems_forms_due", "",
               detail={"patients": sorted({str(f.patient.public_id) for f in forms})})  # fmt: skip
    return rows


def due_counts(actor: Actor) -> dict[str, int]:
    """For the Today page: how many forms are due and how many overdue, in one query."""
    today = clinic_today(actor.clinic) if actor.clinic else timezone.localdate()
    return _due(actor).aggregate(due=Count("id"), overdue=Count("id", filter=Q(due_on__lt=today)))
