"""A plan's changes by page: the prescriber's signature, a new version with its reason, what
became of a planned session, and booking the upcoming sessions on the calendar. Thin: parse,
call the service, render; a refusal is shown beside its field or at the top of the page."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ketacare.accounts.current import actor_from_request
from ketacare.accounts.roles import Action, require
from ketacare.appointments import services as calendar
from ketacare.patients.gate import get_for
from ketacare.treatment.forms import BookSessionsForm, PlannedStatusForm, RevisionForm
from ketacare.treatment.models import PlannedSession, TreatmentPlan
from ketacare.treatment.services import booking, planned, versions
from ketacare.treatment.views.plans import plan_context
from ketacare.web.form_use_case import run_on_form


def _say(request: HttpRequest, exc: ValidationError) -> None:
    for errors in (exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}).values():
        for error in errors:
            messages.error(request, error)


@login_required
@require_POST
def sign(request: HttpRequest, plan_id: UUID) -> HttpResponse:
    try:
        versions.sign_plan(actor_from_request(request), plan_id)
    except ValidationError as exc:
        _say(request, exc)
    else:
        messages.success(request, "Plan signed: it is in force.")
    return redirect("plan-detail", plan_id=plan_id)


@login_required
def revise(request: HttpRequest, plan_id: UUID) -> HttpResponse:
    actor = actor_from_request(request)
    plan = get_for(actor, TreatmentPlan, plan_id, Action.PLAN_SIGN)
    form = RevisionForm(request.POST or None, initial={"kind": request.GET.get("kind", "titrate")})
    made: list[TreatmentPlan] = []

    def use_case() -> None:
        data = form.cleaned_data
        revision = versions.Revision(data["kind"], data["reason"], data["dose_mg"], data["on"])
        made.append(versions.revise_plan(actor, plan_id, revision))

    if request.method == "POST" and run_on_form(form, use_case):
        messages.success(request, f"Version {made[0].version} signed and in force.")
        return redirect("plan-detail", plan_id=made[0].public_id)
    context = plan_context(actor, plan, revision_form=form)
    return render(
        request, "treatment/plan_revise.html", context, status=422 if form.errors else 200
    )


@login_required
@require_POST
def mark(request: HttpRequest, planned_id: UUID) -> HttpResponse:
    actor = actor_from_request(request)
    row = get_for(actor, PlannedSession, planned_id, Action.APPOINTMENT_BOOK)
    form = PlannedStatusForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{field}: {' '.join(str(e) for e in errors)}")
    else:
        data = form.cleaned_data
        change = planned.StatusChange(data["status"], data["session_id"], data["on"], data["note"])
        try:
            planned.change_status(actor, planned_id, change)
        except ValidationError as exc:
            _say(request, exc)
        else:
            messages.success(request, f"Session of {row.on} marked {data['status']}.")
    return redirect("plan-detail", plan_id=TreatmentPlan.objects.get(pk=row.plan_id).public_id)


@login_required
def book(request: HttpRequest, plan_id: UUID) -> HttpResponse:
    actor = actor_from_request(request)
    plan = get_for(actor, TreatmentPlan, plan_id, Action.PLAN_VIEW)
    require(actor, Action.APPOINTMENT_BOOK)
    rooms = [(r.pk, r.name) for r in calendar.rooms(actor)]
    staff = {"staff": calendar.staff_choices(actor),
             "therapist": booking.staff_holding(actor, booking.THERAPIST),
             "reviewer": booking.staff_holding(actor, booking.REVIEWER)}  # fmt: skip
    form = BookSessionsForm(request.POST or None, rooms=rooms, staff=staff)
    result: list[booking.BookingResult] = []

    def use_case() -> None:
        result.append(booking.book_upcoming(actor, plan_id, form.run()))

    done = request.method == "POST" and run_on_form(form, use_case)
    context = plan_context(actor, plan, book_form=form, result=result[0] if done else None)
    status = 422 if form.errors else 200
    return render(request, "treatment/plan_book.html", context, status=status)
