"""The clinic admin's page for the clinic's people: add or invite, unlock, remove."""

from __future__ import annotations

from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ketacare.accounts import invitations, services
from ketacare.accounts.current import actor_from_request
from ketacare.accounts.invitations import NewMember
from ketacare.accounts.models import Invitation
from ketacare.accounts.roles import Role


class AddMemberForm(forms.Form):
    email = forms.EmailField()
    full_name = forms.CharField(max_length=200, required=False, label="Full name")
    role = forms.ChoiceField(choices=[("", "Choose a role"), *Role.choices])
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        required=False,
        label="Initial password",
        help_text="For a new account: at least 12 characters; tell it to the person over a "
        "separate channel. Someone who already has a KetaCare account is invited instead, "
        "keeps their password, and joins when they accept.",
    )


def _added_message(result: object, data: dict[str, str]) -> str:
    role = Role(data["role"]).label
    if isinstance(result, Invitation):
        return (f"{data['email']} already has a KetaCare account: invited as {role}. They join "
                "the clinic when they accept the invitation after logging in.")  # fmt: skip
    return f"{data['email']} added as {role}."


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    members = list(services.members_for(actor).order_by("role", "user__email"))
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
        "locked": services.locked_out_emails([m.user.email for m in members]),
        "shared": services.shared_user_ids(actor, [m.user_id for m in members]),
        "invitations": invitations.pending_for_clinic(actor).order_by("created_at"),
        "form": form,
    }
    return render(request, "accounts/staff.html", context, status=422 if form.errors else 200)


@require_POST
@login_required
def staff_unlock(request: HttpRequest, user_id: int) -> HttpResponse:
    try:
        services.unlock_login(actor_from_request(request), user_id)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Login lockout cleared.")
    return redirect("staff-list")


@require_POST
@login_required
def staff_remove(request: HttpRequest, user_id: int) -> HttpResponse:
    try:
        user = services.end_membership(actor_from_request(request), user_id)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{user.email} no longer belongs to this clinic.")
    return redirect("staff-list")


@require_POST
@login_required
def invitation_withdraw(request: HttpRequest, invitation_id: UUID) -> HttpResponse:
    try:
        invitation = invitations.withdraw_invitation(actor_from_request(request), invitation_id)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Invitation of {invitation.user.email} withdrawn.")
    return redirect("staff-list")
