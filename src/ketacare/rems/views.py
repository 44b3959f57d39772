"""REMS pages named by a patient (enrollment) or by nothing (the clinic's forms due and their
CSV). A session's own form page is in sessions.rems_views (see the package docstring)."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from ketacare.accounts.current import actor_from_request
from ketacare.accounts.roles import Action, require, role_can
from ketacare.clinical import rems as rule
from ketacare.consent.services import clinic_today
from ketacare.rems import services
from ketacare.rems.export import due_csv
from ketacare.rems.forms import EnrollmentForm, SubmittedForm
from ketacare.web.form_use_case import run_on_form


@login_required
def enrollment(request: HttpRequest, public_id: UUID) -> HttpResponse:
    actor = actor_from_request(request)
    today = clinic_today(actor.clinic) if actor.clinic else timezone.localdate()
    form = EnrollmentForm(request.POST or None, initial={"enrolled_on": today})

    def enroll() -> object:
        return services.enroll(actor, public_id, form.cleaned_data["enrolled_on"])

    if request.method == "POST" and run_on_form(form, enroll):
        return redirect("rems-enrollment", public_id=public_id)
    patient, enrolled = services.view_enrollment(actor, public_id)
    context = {
        "patient": patient,
        "enrollment": enrolled,
        "form": form,
        "can_record": role_can(actor.role, Action.REMS_RECORD),
    }
    return render(request, "rems/enrollment.html", context, status=422 if form.errors else 200)


@login_required
def due_list(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    require(actor, Action.REMS_VIEW)
    today = clinic_today(actor.clinic) if actor.clinic else timezone.localdate()
    rows = [
        {
            "form": form,
            "values": values,
            "days_left": rule.days_left(form.treatment_date, today),
            "days_overdue": -rule.days_left(form.treatment_date, today),
            "overdue": rule.is_overdue(form.treatment_date, today),
        }
        for form, values in services.due_forms(actor)
    ]
    context = {
        "rows": rows,
        "today": today,
        "due_days": rule.FORM_DUE_DAYS,
        "can_record": role_can(actor.role, Action.REMS_RECORD),
        "submit_form": SubmittedForm(),
    }
    return render(request, "rems/due.html", context)


@login_required
def due_export(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    require(actor, Action.REMS_VIEW)
    response = HttpResponse(due_csv(services.due_forms(actor)), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="rems-forms-due.csv"'
    return response
