"""The clinic admin's page for the clinic's people: add, unlock, deactivate."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ketacare.accounts import services
from ketacare.accounts.current import actor_from_request
from ketacare.accounts.roles import Role


class AddMemberForm(forms.Form):
    email = forms.EmailField()
    full_name = forms.CharField(max_length=200, required=False, label="Full name")
    role = forms.ChoiceField(choices=[("", "Choose a role"), *Role.choices])
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        label="Initial password",
        help_text="At least 12 characters; tell it to the person over a separate channel.",
    )


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    members = list(services.members_for(actor).order_by("role", "user__email"))
    form = AddMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        assert actor.clinic is not None
        try:
            services.create_user(actor, data["email"], data["password"], actor.clinic,
                                 data["role"], full_name=data["full_name"])  # fmt: skip
        except ValidationError as exc:
            form.add_error(None, exc)  # errors keyed by field (password, ...)
        else:
            messages.success(request, f"{data['email']} added as {Role(data['role']).label}.")
            return redirect("staff-list")
    locked = services.locked_out_emails([m.user.email for m in members])
    context = {"members": members, "locked": locked, "form": form}
    return render(request, "accounts/staff.html", context, status=422 if form.errors else 200)


@require_POST
@login_required
def staff_unlock(request: HttpRequest, user_id: int) -> HttpResponse:
    services.unlock_login(actor_from_request(request), user_id)
    messages.success(request, "Login lockout cleared.")
    return redirect("staff-list")


@require_POST
@login_required
def staff_set_active(request: HttpRequest, user_id: int) -> HttpResponse:
    active = request.POST.get("active") == "1"
    try:
        user = services.set_active(actor_from_request(request), user_id, active)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{user.email} {'reactivated' if active else 'deactivated'}.")
    return redirect("staff-list")
