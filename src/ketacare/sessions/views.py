"""Dosing-session pages: start (with the pre-dose check and hard stops), the live session
(readings, alerts, vitals chart), discharge."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_POST

from ketacare.accounts.actor import Actor
from ketacare.accounts.current import actor_from_request
from ketacare.accounts.roles import Action, role_can
from ketacare.clinical import monitoring
from ketacare.clinical import rems as rule
from ketacare.clinics.monitoring_limits import monitoring_settings
from ketacare.consent.services import clinic_today
from ketacare.measures.services import open_alerts
from ketacare.rems import services as rems
from ketacare.sessions import observation, services
from ketacare.sessions.charts import session_vitals_svg
from ketacare.sessions.forms import (
    AcknowledgeForm,
    DischargeForm,
    ReadingForm,
)
from ketacare.sessions.models import DosingSession
from ketacare.sessions.run_sheet_context import run_sheet_context


def _rems_status(actor: Actor, session: DosingSession) -> dict[str, object]:
    """Whether the session's REMS Patient Monitoring Form is due, overdue or submitted, and
    what it still lacks: for the roles that keep the REMS paperwork, on esketamine only."""
    form = rems.form_of(session) if role_can(actor.role, Action.REMS_VIEW) else None
    if form is None:
        return {"rems_form": None}
    open_form = form.submitted_on is None
    return {
        "rems_form": form,
        "rems_missing": len(rems.values_of(actor, form).missing) if open_form else 0,
        "rems_overdue": open_form
        and rule.is_overdue(form.treatment_date, clinic_today(session.clinic)),
    }


def _detail(request: HttpRequest, session: DosingSession, **extra: object) -> HttpResponse:
    actor = actor_from_request(request)
    session.refresh_from_db(fields=["version", "signed_at", "signed_by", "status"])
    schedule = monitoring.vitals_schedule(
        session.route_enum,
        infusion_minutes=session.infusion_minutes or 40,
        settings=monitoring_settings(session.clinic_id),
    )
    elapsed = observation.minutes_since_start(session)
    missing = [m for m in observation.missing_planned_checks(session) if m <= elapsed]
    open_for_entries = session.signed_at is None and role_can(actor.role, Action.SESSION_RUN)
    context = {
        **run_sheet_context(session, actor.role),
        **(_rems_status(actor, session) if not extra.get("partial") else {}),
        "open_for_entries": open_for_entries,
        "missing_checks": missing,
        "session": session,
        "patient": session.patient,
        "readings": list(session.readings.all()),
        "schedule": schedule,
        "minutes_observed": observation.minutes_observed(session),
        "can_run": open_for_entries and session.status == "in_progress",
        "reading_form": extra.pop("reading_form", None) or ReadingForm(),
        "discharge_form": extra.pop("discharge_form", None)
        or DischargeForm(initial={"version": session.version}),
        "open_alerts": open_alerts(actor, session.patient),
        "unacknowledged": services.unacknowledged_readings(session),
        "ack_errors": extra.pop("ack_errors", {}),
        **extra,
    }
    failed = extra.get("failed")
    status = getattr(failed, "http_status", 422) if failed else 200
    template = "sessions/detail.html"
    if extra.get("partial"):
        template += "#" + str(extra["partial"])
    # Times on the run sheet are the clinic's (ClinicTimeZoneMiddleware), as typed.
    return render(request, template, context, status=status)


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))  # django-htmx's middleware sets it


@login_required
def session_detail(request: HttpRequest, session_id: UUID) -> HttpResponse:
    session = services.view_session(actor_from_request(request), session_id)
    return _detail(request, session)


@require_POST
@login_required
def add_reading(request: HttpRequest, session_id: UUID) -> HttpResponse:
    """From a tablet with htmx: only the vitals part comes back (readings, next due time,
    the form again, the result to move focus to); without htmx, the whole page."""
    actor = actor_from_request(request)
    form = ReadingForm(request.POST)
    failed: object = True
    if form.is_valid():
        data = dict(form.cleaned_data)
        moaas = data.pop("moaas")
        taken = data.pop("taken_at_time")
        try:
            reading = services.record_vitals(actor, session_id, data, moaas, taken)
        except ValidationError as exc:
            form.add_error(None, exc)
            failed = exc
            if not is_htmx(request):
                messages.error(request, " ".join(exc.messages))
        else:
            if is_htmx(request):
                session = services.view_session(actor, session_id)
                return _detail(request, session, partial="vitals", recorded=reading)
            if reading.alerts:
                messages.error(
                    request, f"{len(reading.alerts)} alert(s) on this reading: see the red box."
                )
            return redirect("session-detail", session_id=session_id)
    session = services.view_session(actor, session_id)
    partial = "vitals" if is_htmx(request) else None
    return _detail(request, session, reading_form=form, failed=failed, partial=partial)


@require_POST
@login_required
def discharge(request: HttpRequest, session_id: UUID) -> HttpResponse:
    actor = actor_from_request(request)
    form = DischargeForm(request.POST)
    form.is_valid()
    try:
        readiness = services.discharge(actor, session_id, **form.cleaned_data)
    except ValidationError as exc:
        form.add_error(None, exc)
        return _detail(
            request, services.view_session(actor, session_id), discharge_form=form, failed=exc
        )
    if readiness.is_ready_for_discharge:
        messages.success(request, "Discharged. " + " ".join(readiness.instructions))
        return redirect("session-detail", session_id=session_id)
    session = services.view_session(actor, session_id)
    return _detail(request, session, discharge_form=form, unmet=readiness.unmet, failed=True)


@require_POST
@login_required
def acknowledge_alerts(request: HttpRequest, session_id: UUID) -> HttpResponse:
    actor = actor_from_request(request)
    form = AcknowledgeForm(request.POST)
    form.is_valid()
    try:
        services.acknowledge_alerts(
            actor, session_id, request.POST.get("reading"), form.cleaned_data.get("note", "")
        )
    except ValidationError as exc:
        session = services.view_session(actor, session_id)
        reading = request.POST.get("reading")
        if reading not in {str(r.pk) for r in services.unacknowledged_readings(session)}:
            messages.error(request, " ".join(exc.messages))  # no box to show it in
        errors = {"reading": reading, "messages": exc.messages}
        return _detail(request, session, ack_errors=errors, failed=True)
    messages.success(request, "Alerts acknowledged; your note is on the session record.")
    return redirect("session-detail", session_id=session_id)


@csp_override({"default-src": ["'none'"], "style-src": ["'unsafe-inline'"]})
@login_required
def vitals_chart(request: HttpRequest, session_id: UUID) -> HttpResponse:
    session = services.view_session(actor_from_request(request), session_id)
    readings = list(session.readings.all())
    planned = [
        check.minute
        for check in monitoring.vitals_schedule(
            session.route_enum,
            infusion_minutes=session.infusion_minutes or 40,
            settings=monitoring_settings(session.clinic_id),
        )
    ]
    svg = session_vitals_svg(
        [r.minute for r in readings],
        [r.systolic_mmhg for r in readings],
        [r.diastolic_mmhg for r in readings],
        [r.heart_rate_bpm for r in readings],
        planned,
    )
    return HttpResponse(svg, content_type="image/svg+xml")
