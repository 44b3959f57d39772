"""Template context: the clinic, the role and the user's other clinics for the header."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ketacare.accounts.current import actor_from_request, memberships_of
from ketacare.accounts.roles import Action, Role, role_can
from ketacare.accounts.services.invitations import pending_for_user


def clinic_context(request: HttpRequest) -> dict[str, Any]:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    actor = actor_from_request(request)
    return {
        "actor": actor,
        "current_clinic": actor.clinic,
        "current_role": Role(actor.role).label if actor.role else "",
        "other_memberships": [
            m
            for m in memberships_of(request)
            if actor.clinic is None or m.clinic_id != actor.clinic.pk
        ],
        "can_create_patient": role_can(actor.role, Action.PATIENT_CREATE) if actor.role else False,
        "can_view_audit": role_can(actor.role, Action.AUDIT_VIEW) if actor.role else False,
        "can_view_calendar": role_can(actor.role, Action.CALENDAR_VIEW) if actor.role else False,
        "can_view_rems": role_can(actor.role, Action.REMS_VIEW),
        "can_view_controlled": role_can(actor.role, Action.CONTROLLED_VIEW)
        if actor.role
        else False,
        "can_manage_staff": role_can(actor.role, Action.STAFF_MANAGE) if actor.role else False,
        "can_view_referrals": role_can(actor.role, Action.REFERRAL_VIEW) if actor.role else False,
        "is_patient_role": actor.role == Role.PATIENT,
        "pending_invitations": pending_for_user(actor.user).count(),  # type: ignore[arg-type]
    }
