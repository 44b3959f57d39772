"""The invited person's side: see the clinics' offers, accept or decline them."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ketacare.accounts.current import SESSION_CLINIC_KEY, actor_from_request
from ketacare.accounts.services import invitations


@login_required
def my_invitations(request: HttpRequest) -> HttpResponse:
    pending = invitations.pending_for_user(request.user)  # type: ignore[arg-type]
    return render(request, "accounts/invitations.html", {"invitations": pending})


@require_POST
@login_required
def accept(request: HttpRequest, invitation_id: UUID) -> HttpResponse:
    membership = invitations.accept_invitation(actor_from_request(request), invitation_id)
    request.session[SESSION_CLINIC_KEY] = membership.clinic_id  # work in the clinic just joined
    messages.success(request, f"You joined {membership.clinic.name} as "
                              f"{membership.get_role_display()}.")  # fmt: skip
    return redirect("home")


@require_POST
@login_required
def decline(request: HttpRequest, invitation_id: UUID) -> HttpResponse:
    invitation = invitations.decline_invitation(actor_from_request(request), invitation_id)
    messages.info(request, f"You declined the invitation of {invitation.clinic.name}.")
    return redirect("my-invitations")
