"""REMS endpoints named by a patient (enrollment) or by nothing (the clinic's forms due),
over the same services and gate as the pages. One session's form is sessions.rems_api."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from ketacare.accounts.current import actor_from_request
from ketacare.accounts.roles import Action, require
from ketacare.api.errors import ERRORS
from ketacare.api.paging import Page, PageQuery, page
from ketacare.clinical import rems as rule
from ketacare.consent.services import clinic_today
from ketacare.rems import services
from ketacare.rems.models import MonitoringForm
from ketacare.rems.values import FormValues

router = Router()


class EnrollmentIn(Schema):
    enrolled_on: date | None = Field(None, description="Default: the clinic's today")


class EnrollmentOut(Schema):
    patient_id: UUID
    enrolled: bool
    enrolled_on: date | None = None
    enrolled_by: str | None = None
    recorded_at: datetime | None = None


class FormFieldOut(Schema):
    key: str
    label: str
    value: str
    missing: bool
    from_record: bool


class FormOut(Schema):
    session_id: UUID
    patient_id: UUID
    treatment_date: date
    due_on: date
    overdue: bool
    first_treatment: bool
    missing: list[str] = Field(description="Keys of the fields still empty")
    fields: list[FormFieldOut]
    submitted_on: date | None
    submitted_via: str
    submitted_by: str | None


def enrollment_out(patient: Any, enrollment: Any) -> dict[str, Any]:
    if enrollment is None:
        return {"patient_id": patient.public_id, "enrolled": False}
    by = enrollment.enrolled_by
    return {
        "patient_id": patient.public_id, "enrolled": True,
        "enrolled_on": enrollment.enrolled_on, "recorded_at": enrollment.recorded_at,
        "enrolled_by": (by.full_name or by.email) if by else None,
    }  # fmt: skip


def form_out(form: MonitoringForm, values: FormValues) -> dict[str, Any]:
    by = form.submitted_by
    today = clinic_today(form.session.clinic)
    return {
        "session_id": form.session.public_id,
        "patient_id": form.patient.public_id,
        "treatment_date": form.treatment_date,
        "due_on": form.due_on,
        "overdue": form.submitted_on is None and rule.is_overdue(form.treatment_date, today),
        "first_treatment": form.first_treatment,
        "missing": [f.key for f in values.missing],
        "fields": [
            {
                "key": f.key,
                "label": f.label,
                "value": values.shown(f.key),
                "missing": rule.is_missing(f.key, values.values),
                "from_record": f.key in values.prefilled,
            }  # fmt: skip
            for f in rule.FIELDS
        ],
        "submitted_on": form.submitted_on,
        "submitted_via": form.submitted_via,
        "submitted_by": (by.full_name or by.email) if by else None,
    }


@router.get("/patients/{patient_id}/rems/enrollment", response={200: EnrollmentOut, **ERRORS})
def get_enrollment(request: HttpRequest, patient_id: UUID) -> Any:
    return enrollment_out(*services.view_enrollment(actor_from_request(request), patient_id))


@router.post("/patients/{patient_id}/rems/enrollment", response={201: EnrollmentOut, **ERRORS})
def enroll(request: HttpRequest, patient_id: UUID, payload: EnrollmentIn) -> Any:
    enrollment = services.enroll(actor_from_request(request), patient_id, payload.enrolled_on)
    return Status(201, enrollment_out(enrollment.patient, enrollment))


@router.get("/rems/forms-due", response={200: Page[FormOut], **ERRORS})
def forms_due(request: HttpRequest, paging: Query[PageQuery]) -> Any:
    """Every form not yet submitted, overdue first (S10, S11)."""
    actor = actor_from_request(request)
    require(actor, Action.REMS_VIEW)
    rows = services.due_forms(actor)
    chosen = rows[paging.offset : paging.offset + paging.limit]
    return page(request, [form_out(f, v) for f, v in chosen], len(rows), paging)
