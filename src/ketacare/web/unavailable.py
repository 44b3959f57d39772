"""A database that is down, restarting or locked is a 503 with Retry-After, not a 500.

SQLite answers "database is locked" when writers queue longer than its timeout; PostgreSQL
refuses connections while it restarts. Both raise OperationalError or InterfaceError
wherever the database is first touched (a view, the session middleware, the auth lookup),
so the exception is recognised where Django turns any uncaught exception into a 500
(the got_request_exception signal) and the 500 is replaced here: JSON on the API, a page
in plain words on the site. The answer itself touches no database.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.sessions import middleware as sessions
from django.contrib.sessions.exceptions import SessionInterrupted
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
_MARK = "_ketacare_database_unavailable"


def unavailable_response(request: HttpRequest) -> HttpResponse:
    seconds = settings.KETACARE_RETRY_AFTER_SECONDS
    response: HttpResponse
    if request.path_info.startswith("/api/"):
        detail = f"The database is busy or restarting; nothing was saved. Retry in {seconds} s."
        response = JsonResponse({"detail": detail}, status=503)
    else:
        page = render_to_string("503.html", {"retry_after": seconds})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(seconds)
    add_never_cache_headers(response)
    return response


def _mark_database_errors(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    if request is not None and isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        setattr(request, _MARK, True)


got_request_exception.connect(_mark_database_errors, dispatch_uid="ketacare-database-unavailable")


class DatabaseUnavailableMiddleware:
    """Outside every middleware that may touch the database, so it sees their failures too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # >= 400: after a failed view, saving the session fails too and becomes a 400.
        if response.status_code >= 400 and getattr(request, _MARK, False):
            return unavailable_response(request)
        return response


def _caused_by_database(exc: BaseException | None) -> bool:
    while exc is not None:
        if isinstance(exc, DATABASE_UNAVAILABLE):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


class SessionMiddleware(sessions.SessionMiddleware):
    """Django reads any database error while saving the session as "the session was deleted
    by another request" (a 400); when the database itself failed, say so (503)."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        try:
            return super().process_response(request, response)
        except SessionInterrupted as exc:
            if _caused_by_database(exc):
                return unavailable_response(request)
            raise
