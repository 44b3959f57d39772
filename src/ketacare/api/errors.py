"""One JSON error shape: {"detail": [{"loc": [...], "msg": ...}]} or {"detail": "..."}."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema

from ketacare.accounts.denials import record_denial
from ketacare.clinical.errors import ClinicalRuleError
from ketacare.web.unavailable import DATABASE_UNAVAILABLE, unavailable_response


class ErrorItem(Schema):
    loc: list[str | int]
    msg: str
    type: str


class FieldErrors(Schema):
    detail: list[ErrorItem]


class Message(Schema):
    detail: str


class Conflict(Schema):
    """A retry still in flight (a message), or a record whose state refuses the write
    (signed, or saved by someone else since it was read): field errors, as a 422's."""

    detail: list[ErrorItem] | str


class TooLarge(Schema):
    """Over the body limit: a message, or on a route whose body carries a file (a message's
    attachment), field errors naming that field."""

    detail: list[ErrorItem] | str


ERRORS: dict[int, type[Schema]] = {
    400: Message,
    401: Message,
    403: Message,
    404: Message,
    409: Conflict,
    413: TooLarge,
    415: Message,
    422: FieldErrors,
    503: Message,
}


def install_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ValidationError)
    def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        kind = getattr(exc, "error_type", "value_error")
        items = [
            {"loc": ["body", field], "msg": " ".join(messages), "type": kind}
            for field, messages in fields.items()
        ]
        # A refusal about the record's state (signed, saved by someone else) says 409; the
        # body keeps the field-error shape so a client shows it beside the field.
        status = getattr(exc, "http_status", 422)
        return api.create_response(request, {"detail": items}, status=status)

    @api.exception_handler(ClinicalRuleError)
    def on_clinical_rule(request: HttpRequest, exc: ClinicalRuleError) -> HttpResponse:
        """An input combination the clinical rules refuse (as the pages show it): a 422."""
        item = {"loc": ["body", "__all__"], "msg": str(exc), "type": "value_error"}
        return api.create_response(request, {"detail": [item]}, status=422)

    @api.exception_handler(PermissionDenied)
    def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        record_denial(request, exc)
        return api.create_response(request, {"detail": str(exc) or "Forbidden"}, status=403)

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        record_denial(request, exc)
        return api.create_response(request, {"detail": "Not Found"}, status=404)

    @api.exception_handler(RequestDataTooBig)
    def on_body_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        detail = f"The body is over the limit of {limit} bytes (DATA_UPLOAD_MAX_MEMORY_SIZE)."
        return api.create_response(request, {"detail": detail}, status=413)

    for database_error in DATABASE_UNAVAILABLE:
        api.add_exception_handler(
            database_error, lambda request, exc: unavailable_response(request)
        )
