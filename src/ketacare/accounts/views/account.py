"""'My account': two-factor status, API tokens (create, revoke), sessions."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from ketacare.accounts.current import actor_from_request
from ketacare.accounts.forms import TokenForm
from ketacare.accounts.models import ApiToken, UserSession
from ketacare.accounts.roles import ActionDenied, Role
from ketacare.accounts.services import users


@login_required
def account(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new_token = None
    actor = actor_from_request(request)
    if request.method == "POST" and actor.role == Role.PATIENT:
        raise ActionDenied("API tokens are for the clinic's staff and its systems.")
    if request.method == "POST" and form.is_valid():
        new_token = users.issue_api_token(actor, request.user, form.cleaned_data["name"])  # type: ignore[arg-type]
        form = TokenForm()
    user_id: int = request.user.pk  # type: ignore[assignment]  # login_required: signed in
    context = {
        "form": form,
        "new_token": new_token,
        "tokens": ApiToken.objects.filter(user_id=user_id, revoked=False),
        "sessions": UserSession.objects.filter(user_id=user_id).count(),
        "token_days": settings.KETACARE_API_TOKEN_DAYS,
        "has_totp": TOTPDevice.objects.filter(user_id=request.user.pk, confirmed=True).exists(),
    }
    return render(request, "accounts/account.html", context)


@require_POST
@login_required
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    users.revoke_api_token(actor_from_request(request), request.user, token_id)  # type: ignore[arg-type]
    messages.success(request, "Token revoked.")
    return redirect("account")
