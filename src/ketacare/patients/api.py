"""Patient endpoints. Handlers parse, call the same services as the pages, and return."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.responses import Status

from ketacare.accounts.current import actor_from_request
from ketacare.api.errors import ERRORS
from ketacare.api.paging import DEFAULT_LIMIT, MAX_LIMIT, Page, PageQuery, page
from ketacare.clinics.us_states import US_STATES
from ketacare.patients import services
from ketacare.patients.validators import ICD10CM_PATTERN

router = Router()


Mrn = Annotated[str, Field(min_length=1, max_length=32, description="Medical record number")]
Name = Annotated[str, Field(min_length=1, max_length=100)]
Text200 = Annotated[str, Field(max_length=200)]
Phone = Annotated[str, Field(max_length=24, description="7-20 digits; spaces, ()-. allowed")]
SexCode = Literal["female", "male", "intersex", "unknown"]
if TYPE_CHECKING:  # mypy cannot read a Literal built at run time; pydantic (and the spec) can
    StateCode = str
else:
    StateCode = Literal[tuple(US_STATES)]
WeightKg = Annotated[Decimal, Field(ge=20, le=400, decimal_places=1, description="kg")]
Icd10Code = Annotated[str, Field(pattern=ICD10CM_PATTERN, description="ICD-10-CM, e.g. F33.2")]


class PatientIn(Schema):
    mrn: Mrn
    first_name: Name
    last_name: Name
    date_of_birth: date = Field(description="Not in the future")
    sex: SexCode
    weight_kg: WeightKg
    state_of_residence: StateCode
    phone: Phone = ""
    email: Text200 = ""
    address: Annotated[str, Field(max_length=500)] = ""
    emergency_contact_name: Text200 = ""
    emergency_contact_phone: Phone = ""
    referring_provider: Text200 = ""
    referring_provider_npi: Annotated[str, Field(max_length=10)] = ""
    diagnosis_codes: list[Icd10Code] = Field(default_factory=list, max_length=20)
    confirm: list[Literal["unlicensed_state", "possible_duplicate"]] = Field(
        default_factory=list,
        max_length=2,
        description="Warnings to register through: a state where the clinic is not licensed, "
        "a name and date of birth already registered (otherwise 422 naming the field)",
    )


class PatientPatch(Schema):
    """Send only the fields to change."""

    mrn: Mrn | None = None
    first_name: Name | None = None
    last_name: Name | None = None
    date_of_birth: date | None = None
    sex: SexCode | None = None
    weight_kg: WeightKg | None = None
    state_of_residence: StateCode | None = None
    phone: Phone | None = None
    email: Text200 | None = None
    address: Annotated[str, Field(max_length=500)] | None = None
    emergency_contact_name: Text200 | None = None
    emergency_contact_phone: Phone | None = None
    referring_provider: Text200 | None = None
    referring_provider_npi: Annotated[str, Field(max_length=10)] | None = None
    diagnosis_codes: list[Icd10Code] | None = Field(None, max_length=20)


class PatientOut(Schema):
    id: UUID = Field(alias="public_id")
    mrn: str
    first_name: str
    last_name: str
    date_of_birth: date
    sex: SexCode
    weight_kg: Decimal
    state_of_residence: StateCode
    phone: str
    email: str
    address: str
    emergency_contact_name: str
    emergency_contact_phone: str
    referring_provider: str
    referring_provider_npi: str
    diagnosis_codes: list[str]


class PatientSearch(PageQuery):
    """A JSON body, so its numbers are strict: `false` is not an offset of 0 (the fuzzer
    found it accepted), while the query-string paging elsewhere parses text."""

    q: str = Field(max_length=100, description="Words to match in name or MRN")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, strict=True, description="Items per page")
    offset: int = Field(0, ge=0, le=1_000_000, strict=True, description="Items to skip")


class PatientSearchPage(Schema):
    items: list[PatientOut]
    count: int = Field(description="How many patients match in all")
    next_offset: int | None = Field(
        description="The offset to post for the next page; null on the last page"
    )


NO_NAMES_IN_URLS = (
    "Search by POST /api/patients/search with the words in the body: a name in a URL "
    "reaches access logs, proxies and browser history."
)


@router.get("/", response={200: Page[PatientOut], **ERRORS})
def list_patients(request: HttpRequest, paging: Query[PageQuery]) -> Any:
    """Every patient of the clinic, paged. A search term (`q`) is refused here: POST it to
    /api/patients/search, so that no name is written in a URL."""
    if "q" in request.GET:
        raise NinjaValidationError([{"loc": ["query", "q"], "msg": NO_NAMES_IN_URLS,
                                     "type": "value_error"}])  # fmt: skip
    actor = actor_from_request(request)
    rows = services.list_patients(actor, limit=paging.limit, offset=paging.offset)
    return page(request, rows, services.search_patients(actor).count(), paging)


@router.post("/search", response={200: PatientSearchPage, **ERRORS})
def search_patients(request: HttpRequest, search: PatientSearch) -> Any:
    """Patients whose name or MRN contains every word of `q`, paged by `limit` and `offset`
    in the body (a read: nothing is written but its audit entry)."""
    actor = actor_from_request(request)
    rows = services.list_patients(actor, search.q, limit=search.limit, offset=search.offset)
    count = services.search_patients(actor, search.q).count()
    following = search.offset + search.limit
    return {"items": rows, "count": count, "next_offset": following if following < count else None}


@router.post("/", response={201: PatientOut, **ERRORS})
def create_patient(request: HttpRequest, payload: PatientIn) -> Any:
    data = payload.model_dump(exclude={"confirm"})
    patient = services.create_patient(actor_from_request(request), data, payload.confirm)
    return Status(201, patient)


@router.get("/{patient_id}", response={200: PatientOut, **ERRORS})
def get_patient(request: HttpRequest, patient_id: UUID) -> Any:
    return services.view_patient(actor_from_request(request), patient_id)


@router.patch("/{patient_id}", response={200: PatientOut, **ERRORS})
def update_patient(request: HttpRequest, patient_id: UUID, payload: PatientPatch) -> Any:
    changes = payload.model_dump(exclude_unset=True)
    for name, value in changes.items():
        if value is None:
            raise ValidationError({name: "May not be null; omit the field to leave it as is."})
    return services.update_patient(actor_from_request(request), patient_id, changes)
