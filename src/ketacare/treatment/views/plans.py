"""Treatment-plan pages: choose a protocol template and a start date, see the dated schedule."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from ketacare.accounts.actor import Actor
from ketacare.accounts.current import actor_from_request
from ketacare.accounts.roles import Action, role_can
from ketacare.consent.services import ConsentMissing, clinic_today
from ketacare.measures.services import open_alerts
from ketacare.patients.gate import get_for
from ketacare.patients.models import Patient
from ketacare.treatment.forms import PlanForm, RevisionForm
from ketacare.treatment.models import TreatmentPlan
from ketacare.treatment.services import plans
from ketacare.treatment.services.plan_page import plan_page_data


@login_required
def new_plan(request: HttpRequest, public_id: UUID) -> HttpResponse:
    actor = actor_from_request(request)
    patient = get_for(actor, Patient, public_id, Action.PLAN_CREATE)
    initial = {"start_on": timezone.localdate(), "closed_weekdays": [5, 6]}
    form = PlanForm(request.POST or None, initial=initial)
    consent_missing = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            new = plans.NewPlan(
                data["template"],
                data["start_on"],
                data["dose_mg"],
                frozenset(data["closed_weekdays"]),
                data["override_reason"],
                data["preparation_sessions"] or 0,
                data["integration_every_n"],
            )
            plan = plans.create_plan(actor, public_id, new)
        except ConsentMissing as exc:
            form.add_error(None, "No plan without a current consent: see the box above.")
            consent_missing = exc.missing
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                target = field if field in form.fields else None
                form.add_error(target, [form.labelled(e) for e in errors])
        else:
            messages.success(
                request,
                f"Draft plan saved: {len(plan.schedule)} sessions. A prescriber signs it "
                "to put it in force.",
            )
            return redirect("plan-detail", plan_id=plan.public_id)
    context = {
        "patient": patient,
        "form": form,
        "open_alerts": open_alerts(actor, patient),
        "consent_missing": consent_missing,
    }
    return render(request, "treatment/plan_form.html", context, status=422 if form.errors else 200)


@login_required
def plan_detail(request: HttpRequest, plan_id: UUID) -> HttpResponse:
    actor = actor_from_request(request)
    plan = plans.view_plan(actor, plan_id)
    return render(request, "treatment/plan_detail.html", plan_context(actor, plan))


def plan_context(actor: Actor, plan: TreatmentPlan, **extra: object) -> dict[str, object]:
    """What the plan page shows: the version, its history, its planned sessions, the
    clinical prompts (booster, futility) and the actions the role may take."""
    page = plan_page_data(actor, plan)
    today = clinic_today(plan.patient.clinic)
    proposal = page.booster_on(today)
    return {
        "plan": plan,
        "patient": plan.patient,
        "page": page,
        "today": today.isoformat(),
        "open_alerts": open_alerts(actor, plan.patient),
        "can_sign": role_can(actor.role, Action.PLAN_SIGN),
        "can_mark": role_can(actor.role, Action.APPOINTMENT_BOOK) and page.in_force,
        "can_book": role_can(actor.role, Action.APPOINTMENT_BOOK) and page.in_force,
        "revision_form": RevisionForm(initial={"kind": "titrate"}),
        "booster_form": RevisionForm(
            initial={"kind": "booster", "on": proposal, "reason": page.booster_reason}
        ),
        **extra,
    }
