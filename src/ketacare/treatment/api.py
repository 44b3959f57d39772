"""Treatment-plan endpoints: a protocol template applied from a start date, with its dated
schedule as stored (the same services and gate as the pages)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from ketacare.accounts.current import actor_from_request
from ketacare.api.errors import ERRORS
from ketacare.api.paging import Page, PageQuery, page
from ketacare.clinical.protocols import TEMPLATES, SessionKind
from ketacare.treatment import plans
from ketacare.treatment.forecast_service import ShownForecast, forecast_of

router = Router()

TemplateKey = Literal[tuple(TEMPLATES)]  # type: ignore[valid-type]
KindCode = Literal[tuple(k.value for k in SessionKind)]  # type: ignore[valid-type]
Weekday = Literal[0, 1, 2, 3, 4, 5, 6]


class PlanIn(Schema):
    template: TemplateKey
    start_on: date = Field(description="The first session; not in the past")
    dose_mg: float | None = Field(
        None, ge=1, le=1000, description="Fixed-dose routes only (esketamine, at-home)"
    )
    closed_weekdays: list[Weekday] = Field(
        default_factory=list, max_length=7, description="0 = Monday; days the clinic does not dose"
    )
    override_reason: str = Field(
        "",
        max_length=500,
        description="Only to plan above the route's hard limit "
        "(a role with dose.override); kept on the plan and in the audit log",
    )


class ScheduledOut(Schema):
    on: date
    kind: KindCode
    phase: str
    dosing_number: int | None
    dose_mg: float | None
    detail: str
    source: str


class PlanOut(Schema):
    id: UUID = Field(alias="public_id")
    patient_id: UUID = Field(alias="patient.public_id")
    template: str
    template_name: str
    start_on: date
    dose_mg: float | None
    dose_override: dict[str, str] = Field(description="reason and authorised_by, or empty")
    created_at: datetime
    schedule: list[ScheduledOut]


@router.get("/patients/{patient_id}/plans", response={200: Page[PlanOut], **ERRORS})
def list_plans(request: HttpRequest, patient_id: UUID, paging: Query[PageQuery]) -> Any:
    """Newest first: the first is the plan in force."""
    actor = actor_from_request(request)
    rows, count = plans.plan_page(actor, patient_id, paging.limit, paging.offset)
    return page(request, rows, count, paging)


@router.post("/patients/{patient_id}/plans", response={201: PlanOut, **ERRORS})
def create_plan(request: HttpRequest, patient_id: UUID, payload: PlanIn) -> Any:
    actor, weekdays = actor_from_request(request), frozenset(payload.closed_weekdays)
    plan = plans.create_plan(actor, patient_id, payload.template, payload.start_on,
                             payload.dose_mg, weekdays, payload.override_reason)  # fmt: skip
    return Status(201, plan)


@router.get("/plans/{plan_id}", response={200: PlanOut, **ERRORS})
def get_plan(request: HttpRequest, plan_id: UUID) -> Any:
    return plans.view_plan(actor_from_request(request), plan_id)


class ForecastOut(Schema):
    """The MADRS forecast the scales page shows (a model's prediction, not a measurement)."""

    status: Literal["ready", "computing", "none"] = Field(
        description="computing: queued for the background worker; none: too little history"
    )
    crosses_relapse_line_on: date | None = Field(
        None, description="Supporting evidence only; the clinical rule decides a booster"
    )
    basis: str = ""
    explains_course: bool = False
    chart_data_uri: str = Field("", description="The page's chart, as a data: URI")


def forecast_out(shown: ShownForecast | None) -> dict[str, Any]:
    if shown is None:
        return {"status": "none"}
    return {"status": "ready" if shown.ready else "computing", **vars(shown)}


@router.get("/patients/{patient_id}/forecast", response={200: ForecastOut, **ERRORS})
def get_forecast(request: HttpRequest, patient_id: UUID) -> Any:
    """Stored, or being computed: never computed per request (as on the page)."""
    return forecast_out(forecast_of(actor_from_request(request), patient_id))
