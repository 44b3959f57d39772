"""Home, clinic switching and the health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ketacare.accounts.current import SESSION_CLINIC_KEY, actor_from_request
from ketacare.accounts.models import Membership
from ketacare.accounts.roles import Role


@login_required
def home(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    if actor.clinic is None:
        return render(request, "web/no_clinic.html", status=403)
    if actor.role == Role.PATIENT:
        return redirect("portal-home")  # their own care: what is next, plan, scores, messages
    return redirect("today")  # staff start on the clinic's day, their role's part first


@require_POST
@login_required
def switch_clinic(request: HttpRequest) -> HttpResponse:
    clinic_id = request.POST.get("clinic_id", "")
    mine = Membership.objects.filter(user_id=request.user.pk)  # type: ignore[misc]  # signed in
    if clinic_id.isdigit() and mine.filter(clinic_id=int(clinic_id)).exists():
        request.session[SESSION_CLINIC_KEY] = int(clinic_id)
    return redirect("home")


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
