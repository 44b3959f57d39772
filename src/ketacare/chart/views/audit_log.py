"""The audit log viewer for clinic admins: filter by person, patient, action and date.

Paged by id (keyset: `?before=<id>` / `?after=<id>`), so each page costs the same few
queries however long the log grows; patients are shown by name, looked up through the
patient gate for the page's patients in one query (an audited read of those names)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone

from ketacare.accounts.actor import Actor
from ketacare.accounts.current import actor_from_request
from ketacare.accounts.roles import Action, require
from ketacare.audit.models import AuditEntry, AuditQuerySet
from ketacare.audit.services import record
from ketacare.chart.forms import AuditFilterForm
from ketacare.patients.models import Patient

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    older_url: str
    newer_url: str


def _filtered(entries: AuditQuerySet, form: AuditFilterForm) -> AuditQuerySet:
    if not form.is_valid():
        return entries
    data = form.cleaned_data
    if data["user"]:
        entries = entries.filter(user_email__icontains=data["user"])
    if data["patient"]:
        entries = entries.filter(patient_id=str(data["patient"]))
    if data["action"]:
        entries = entries.filter(action=data["action"])
    tz = timezone.get_current_timezone()
    if data["since"]:
        entries = entries.filter(at__gte=datetime.combine(data["since"], time.min, tz))
    if data["until"]:
        entries = entries.filter(at__lte=datetime.combine(data["until"], time.max, tz))
    return entries


def _cursor(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() and len(raw) < 19 else None


def _page_url(query: QueryDict, **cursor: int) -> str:
    params = {k: v for k, v in query.items() if k not in ("before", "after")}
    return "?" + urlencode({**params, **cursor})


def _page(entries: AuditQuerySet, query: QueryDict) -> AuditPage:
    """One page, newest first, plus links to the older and newer neighbours (if any)."""
    before, after = _cursor(query.get("before")), _cursor(query.get("after"))
    if after is not None:  # walking back towards the newest: read upwards, show newest first
        rows = list(entries.filter(id__gt=after).order_by("id")[: PAGE_SIZE + 1])
        more_newer, rows = len(rows) > PAGE_SIZE, rows[:PAGE_SIZE][::-1]
        more_older = bool(rows)
    else:
        if before is not None:
            entries = entries.filter(id__lt=before)
        rows = list(entries.order_by("-id")[: PAGE_SIZE + 1])
        more_older, rows = len(rows) > PAGE_SIZE, rows[:PAGE_SIZE]
        more_newer = before is not None and bool(rows)
    return AuditPage(
        entries=rows,
        older_url=_page_url(query, before=rows[-1].pk) if more_older else "",
        newer_url=_page_url(query, after=rows[0].pk) if more_newer else "",
    )


def _patient_names(actor: Actor, entries: list[AuditEntry]) -> dict[str, str]:
    """The names of the page's patients that the admin may see, in one gated query."""
    ids = {e.patient_id for e in entries if e.patient_id}
    if not ids:
        return {}
    rows = (
        Patient.objects.for_actor(actor, Action.PATIENT_VIEW)
        .filter(public_id__in=ids)
        .values_list("public_id", "first_name", "last_name")
    )
    names = {str(pid): f"{last}, {first}" for pid, first, last in rows}
    if names:
        record(actor, "read", "audit_log", "", detail={"patients": sorted(names)})
    return names


@login_required
@transaction.atomic
def audit_log(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    require(actor, Action.AUDIT_VIEW)
    assert actor.clinic is not None
    form = AuditFilterForm(request.GET or None)
    page = _page(_filtered(AuditEntry.objects.for_clinic(actor.clinic.pk), form), request.GET)
    names = _patient_names(actor, page.entries)
    rows: list[dict[str, Any]] = [
        {"entry": e, "patient_name": names.get(e.patient_id, "")} for e in page.entries
    ]
    return render(request, "audit/log.html", {"form": form, "rows": rows, "page": page})
