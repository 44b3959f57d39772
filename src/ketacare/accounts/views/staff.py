"""The clinic admin's page for the clinic's people: add or invite, unlock, remove."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ketacare.accounts.actor import Actor
from ketacare.accounts.current import actor_from_request
from ketacare.accounts.forms import AddMemberForm
from ketacare.accounts.models import Invitation
from ketacare.accounts.roles import Role
from ketacare.accounts.services import invitations, users
from ketacare.accounts.services.users import NewMember


def _added_message(result: object, data: dict[str, str]) -> str:
    role = Role(data["role"]).label
    if isinstance(result, Invitation):
        return (f"{data['email']} already has a KetaCare account: invited as {role}. They join "
                "the clinic when they accept the invitation after logging in.")  # fmt: skip
    return f"{data['email']} added as {role}."


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    members = list(users.members_for(actor).order_by("role", "user__email"))
    form = AddMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = invitations.add_member(actor, NewMember(**data))
        except ValidationError as exc:
            form.add_error(None, exc)  # errors keyed by field (password, ...)
        else:
            messages.success(request, _added_message(result, data))
            return redirect("staff-list")
    context = {
        "members": members,
        "locked": users.locked_out_emails([m.user.email for m in members]),
        "shared": users.shared_user_ids(actor, [m.user_id for m in members]),
        "invitations": invitations.pending_for_clinic(actor).order_by("created_at"),
        "form": form,
    }
    return render(request, "accounts/staff.html", context, status=422 if form.errors else 200)


def _act_then_list(
    request: HttpRequest, act: Callable[[Actor], object], done: Callable[[Any], str]
) -> HttpResponse:
    """Run one staff action; its refusal or its result as a message on the users page."""
    try:
        result = act(actor_from_request(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done(result))
    return redirect("staff-list")


@require_POST
@login_required
def staff_unlock(request: HttpRequest, user_id: int) -> HttpResponse:
    return _act_then_list(
        request,
        lambda actor: users.unlock_login(actor, user_id),
        lambda _: "Login lockout cleared.",
    )


@require_POST
@login_required
def staff_remove(request: HttpRequest, user_id: int) -> HttpResponse:
    return _act_then_list(
        request,
        lambda actor: users.end_membership(actor, user_id),
        lambda user: f"{user.email} no longer belongs to this clinic.",
    )


@require_POST
@login_required
def invitation_withdraw(request: HttpRequest, invitation_id: UUID) -> HttpResponse:
    return _act_then_list(
        request,
        lambda actor: invitations.withdraw_invitation(actor, invitation_id),
        lambda invitation: f"Invitation of {invitation.user.email} withdrawn.",
    )
