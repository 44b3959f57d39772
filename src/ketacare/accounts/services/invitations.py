"""Adding people to a clinic: a new account, or an invitation to someone who already has one.

An existing account belongs to its owner, not to the clinic that types its email: it joins
a clinic only when its owner, logged in, accepts the invitation. Until then the inviting
clinic sees it under "invitations" and can do nothing to it.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from ketacare.accounts.actor import Actor
from ketacare.accounts.models import Invitation, Membership, User, invitation_expiry
from ketacare.accounts.roles import Action, OutOfReach, Role, require
from ketacare.accounts.services.users import NewMember, create_user
from ketacare.audit.services import record
from ketacare.clinics.models import Clinic


def add_member(actor: Actor, new: NewMember) -> User | Invitation:
    """A new account in the admin's clinic, or an invitation if the email has an account."""
    require(actor, Action.STAFF_MANAGE)
    assert actor.clinic is not None
    existing = User.objects.filter(email__iexact=new.email).first()
    if existing is not None:
        return invite(actor, actor.clinic, existing, new.role)
    if not new.password:
        raise ValidationError({"password": "Set an initial password for the new account."})
    return create_user(actor, actor.clinic, new)


@transaction.atomic
def invite(actor: Actor, clinic: Clinic, user: User, role: str) -> Invitation:
    """Offer a role in the clinic; asking again renews the pending offer with the new role.
    The caller has checked that the actor may (a clinic admin of that clinic, or the operator
    at the command line)."""
    role = Role(role)
    if Membership.objects.filter(user=user, clinic_id=clinic.pk).exists():
        raise ValidationError({"email": "This person is already a user of this clinic."})
    fields: dict[str, Any] = {"role": role, "invited_by": actor.user,
                              "expires_at": invitation_expiry()}  # fmt: skip
    # Expired offers count too: the constraint allows one pending row per clinic and person.
    offer = Invitation.objects.filter(
        clinic_id=clinic.pk, user=user, status=Invitation.Status.PENDING
    )
    if not offer.update(**fields):
        try:
            with transaction.atomic():
                Invitation.objects.create(clinic=clinic, user=user, **fields)
        except IntegrityError:  # a concurrent request created it first
            offer.update(**fields)
    invitation = offer.get()
    record(actor, "create", "invitation", invitation.public_id, clinic_id=clinic.pk,
           detail={"user": user.pk, "role": role})  # fmt: skip
    return invitation


def _pending() -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        status=Invitation.Status.PENDING, expires_at__gt=timezone.now()
    )


def pending_for_user(user: User) -> QuerySet[Invitation]:
    return _pending().filter(user=user).select_related("clinic", "invited_by")


def pending_for_clinic(actor: Actor) -> QuerySet[Invitation]:
    require(actor, Action.STAFF_MANAGE)
    assert actor.clinic is not None
    return _pending().filter(clinic_id=actor.clinic.pk).select_related("user")


def _answer(actor: Actor, public_id: UUID, status: str) -> Invitation:
    """The actor's own pending invitation, answered; anyone else's is out of reach (404)."""
    if actor.user is None:
        raise OutOfReach("No such invitation.")
    invitation = _pending().select_for_update().filter(public_id=public_id, user=actor.user).first()
    if invitation is None:
        raise OutOfReach("No such invitation.")
    invitation.status = status
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "answered_at"])
    return invitation


@transaction.atomic
def accept_invitation(actor: Actor, public_id: UUID) -> Membership:
    invitation = _answer(actor, public_id, Invitation.Status.ACCEPTED)
    membership, _ = Membership.objects.get_or_create(
        user=invitation.user, clinic=invitation.clinic, defaults={"role": invitation.role}
    )
    record(actor, "create", "membership", invitation.user_id, clinic_id=invitation.clinic_id,
           detail={"role": membership.role, "invitation": str(public_id)})  # fmt: skip
    return membership


@transaction.atomic
def decline_invitation(actor: Actor, public_id: UUID) -> Invitation:
    invitation = _answer(actor, public_id, Invitation.Status.DECLINED)
    record(actor, "update", "invitation", public_id, clinic_id=invitation.clinic_id,
           detail={"status": invitation.status})  # fmt: skip
    return invitation


@transaction.atomic
def withdraw_invitation(actor: Actor, public_id: UUID) -> Invitation:
    """The inviting clinic takes back an offer that has not been answered."""
    invitation = (
        Invitation.objects.select_for_update()
        .filter(public_id=public_id, clinic=actor.clinic)
        .first()
    )
    if invitation is None:
        raise OutOfReach("No such invitation.")
    require(actor, Action.STAFF_MANAGE)
    if invitation.status != Invitation.Status.PENDING:
        raise ValidationError({"invitation": "This invitation has already been answered."})
    invitation.status = Invitation.Status.WITHDRAWN
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "answered_at"])
    record(actor, "update", "invitation", public_id, detail={"status": invitation.status})
    return invitation
