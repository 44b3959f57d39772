"""Treatment-plan endpoints: a protocol template applied from a start date, with its dated
schedule as stored (the same services and gate as the pages)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from ketacare.accounts.current import actor_from_request
from ketacare.api.errors import ERRORS
from ketacare.api.paging import Page, PageQuery, page
from ketacare.clinical.protocols import MAX_PREPARATION_SESSIONS, TEMPLATES, SessionKind
from ketacare.pharmacology.routes import ALL_ROUTES
from ketacare.treatment.forms import ROUTE_DEFAULTS
from ketacare.treatment.models import OutcomeState
from ketacare.treatment.services import plans
from ketacare.treatment.services.forecast import ShownForecast, forecast_of
from ketacare.treatment.services.pk import PatientPrediction, predict_for

router = Router()

if TYPE_CHECKING:  # mypy cannot read a Literal built at run time; pydantic (and the spec) can
    TemplateKey = str
    KindCode = str
else:
    TemplateKey = Literal[tuple(TEMPLATES)]
    KindCode = Literal[tuple(k.value for k in SessionKind)]
Weekday = Literal[0, 1, 2, 3, 4, 5, 6]
if TYPE_CHECKING:  # mypy cannot read a Literal built at run time; pydantic (and the spec) can
    PKRoute = str
else:
    PKRoute = Literal[tuple(ALL_ROUTES)]


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
    preparation_sessions: int = Field(0, ge=0, le=MAX_PREPARATION_SESSIONS,
                                      description="Counselling before the first dose")  # fmt: skip
    integration_every_n: int | None = Field(
        None, ge=1, le=12, description="An integration session after every N dosing sessions"
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
    version: int
    supersedes_id: UUID | None = Field(None, alias="supersedes.public_id")
    change_kind: str = Field(description="new, titrate, pause, resume, stop, maintenance, ...")
    change_reason: str
    status: Literal["active", "paused", "stopped"]
    signed: bool = Field(description="false: a draft, not in force until a prescriber signs")
    signed_at: datetime | None
    counselling: dict[str, Any] = Field(
        description="preparation_sessions, integration_every_n, source"
    )

    @staticmethod
    def resolve_signed(plan: Any) -> bool:
        return plan.signed_at is not None


@router.get("/patients/{patient_id}/plans", response={200: Page[PlanOut], **ERRORS})
def list_plans(request: HttpRequest, patient_id: UUID, paging: Query[PageQuery]) -> Any:
    """Newest first: the first is the plan in force."""
    actor = actor_from_request(request)
    rows, count = plans.plan_page(actor, patient_id, paging.limit, paging.offset)
    return page(request, rows, count, paging)


@router.post("/patients/{patient_id}/plans", response={201: PlanOut, **ERRORS})
def create_plan(request: HttpRequest, patient_id: UUID, payload: PlanIn) -> Any:
    weekdays = frozenset(payload.closed_weekdays)
    new = plans.NewPlan(payload.template, payload.start_on, payload.dose_mg, weekdays,
                        payload.override_reason, payload.preparation_sessions,
                        payload.integration_every_n)  # fmt: skip
    plan = plans.create_plan(actor_from_request(request), patient_id, new)
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
        None,
        description="When the median forecast is back above the clinical rule's response "
        "line, after the latest score. Supporting evidence only: booster_due decides",
    )
    booster_due: bool = Field(
        False, description="The clinical rule's verdict (K1), the one shown on every page"
    )
    booster_reason: str = ""
    basis: str = ""
    explains_course: bool = False
    chart_data_uri: str = Field("", description="The page's chart, as a data: URI")


def forecast_out(shown: ShownForecast | None, state: OutcomeState | None) -> dict[str, Any]:
    rule = {"booster_due": bool(state and state.booster_due),
            "booster_reason": state.booster_reason if state else ""}  # fmt: skip
    if shown is None:
        return {"status": "none", **rule}
    return {"status": "ready" if shown.ready else "computing", **vars(shown), **rule}


@router.get("/patients/{patient_id}/forecast", response={200: ForecastOut, **ERRORS})
def get_forecast(request: HttpRequest, patient_id: UUID) -> Any:
    """Stored, or being computed: never computed per request (as on the page)."""
    return forecast_out(*forecast_of(actor_from_request(request), patient_id))


class PKQuery(Schema):
    """The PK page's inputs; without a dose, the route's default dose as on the page."""

    route: PKRoute = "iv"
    dose_mg_per_kg: float | None = Field(None, ge=0.01, le=10)
    dose_mg: float | None = Field(None, ge=1, le=1000)
    infusion_min: float | None = Field(None, ge=1, le=240, description="IV only")
    hours: float = Field(4, ge=1, le=48, description="Hours to predict")

    def form_data(self) -> dict[str, Any]:
        given = self.model_dump(exclude_none=True)
        if self.dose_mg is None and self.dose_mg_per_kg is None:
            given = {**ROUTE_DEFAULTS.get(self.route, {}), **given}
        return given


class PKOut(Schema):
    """Predicted plasma levels (ng/mL), a model's prediction, not a measurement."""

    weight_kg: float
    basis: str
    dose_warning: str = Field(description="Set when the dose is above the route's hard limit")
    cmax_ng_ml: float
    tmax_min: float
    auc_ng_h_ml: float
    time_in_dissociation_band_min: float | None
    times_min: list[float]
    plasma_ng_ml: list[float]
    band_times_min: list[float]
    plasma_bands_ng_ml: dict[str, list[float]] = Field(description="p5, p50, p95")
    cmax_percentiles_ng_ml: dict[str, float]


def pk_out(made: PatientPrediction) -> dict[str, Any]:
    curve, band = made.prediction.curve, made.prediction.population
    return {
        "weight_kg": made.weight_kg, "basis": made.prediction.basis,
        "dose_warning": made.dose_warning, "cmax_ng_ml": curve.cmax_ng_ml,
        "tmax_min": curve.tmax_min, "auc_ng_h_ml": curve.auc_ng_h_ml,
        "time_in_dissociation_band_min": curve.time_in_dissociation_band_min,
        "times_min": curve.times_min.tolist(), "plasma_ng_ml": curve.plasma_ng_ml.tolist(),
        "band_times_min": band.times_min.tolist(),
        "plasma_bands_ng_ml": {k: v.tolist() for k, v in band.plasma_bands_ng_ml.items()},
        "cmax_percentiles_ng_ml": band.cmax_percentiles_ng_ml,
    }  # fmt: skip


@router.get("/patients/{patient_id}/pk-prediction", response={200: PKOut, **ERRORS})
def get_pk_prediction(request: HttpRequest, patient_id: UUID, query: Query[PKQuery]) -> Any:
    """Computed per request, as the PK page computes it (seeded: the same inputs, the same
    answer)."""
    made = predict_for(actor_from_request(request), patient_id, query.form_data())
    return pk_out(made)
