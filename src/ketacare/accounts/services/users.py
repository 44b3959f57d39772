"""Account use cases: people, memberships, sessions and API tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from ketacare.accounts.actor import Actor
from ketacare.accounts.login_throttle import clear_account_lock, throttle_name
from ketacare.accounts.models import ApiToken, Membership, User, UserSession
from ketacare.accounts.roles import Action, OutOfReach, Role, require
from ketacare.audit.services import record
from ketacare.clinics.models import Clinic


@transaction.atomic
@dataclass(frozen=True)
class NewMember:
    email: str
    role: str
    full_name: str = ""
    password: str = ""  # only for a new account; never applied to an existing one


def create_user(actor: Actor, clinic: Clinic, new: NewMember) -> User:
    """A new account with its first membership. An email that already has an account is
    refused: that person is invited instead (services/invitations.py), so no clinic can add
    itself to, or set the password of, an account another clinic vouches for."""
    role = Role(new.role)
    email, password, full_name = new.email, new.password, new.full_name
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "This email already belongs to a KetaCare account."})
    candidate = User(email=email.lower(), full_name=full_name)
    try:
        validate_password(password, candidate)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user = User.objects.create_user(email=email, password=password, full_name=full_name)
    Membership.objects.create(user=user, clinic=clinic, role=role)
    record(actor, "create", "membership", user.pk, clinic_id=clinic.pk, detail={"role": role})
    return user


@transaction.atomic
def end_all_sessions(actor: Actor, user: User, keep_session_key: str | None = None) -> int:
    """'Log out everywhere': delete the user's server-side sessions (all, or all but the one
    in use after a password change) and revoke their API tokens, which are logins too."""
    sessions = UserSession.objects.filter(user=user).exclude(session_key=keep_session_key or "")
    keys = list(sessions.values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    sessions.delete()
    tokens = ApiToken.objects.filter(user=user, revoked=False).update(revoked=True)
    detail = {"sessions_ended": len(keys), "tokens_revoked": tokens, "everywhere": True}
    record(actor, "logout", "user", user.pk, detail=detail)
    return len(keys)


@transaction.atomic
def issue_api_token(actor: Actor, user: User, name: str = "api") -> str:
    token, raw = ApiToken.issue(user, name)
    record(actor, "create", "api_token", token.pk, detail={"for_user": user.pk, "name": name})
    return raw


def members_for(actor: Actor) -> QuerySet[Membership]:
    """The memberships of the actor's clinic, for a clinic admin; nothing for anyone else."""
    require(actor, Action.STAFF_MANAGE)
    assert actor.clinic is not None
    return Membership.objects.filter(clinic_id=actor.clinic.pk).select_related("user")


def get_member_for(actor: Actor, user_id: int) -> Membership:
    """Like the patient gate: 404 outside the actor's clinic, then 403 if the role may not."""
    if actor.clinic is None:
        raise OutOfReach("No such user in this clinic.")
    try:
        member = Membership.objects.select_related("user").get(
            clinic_id=actor.clinic.pk, user_id=user_id
        )
    except Membership.DoesNotExist as exc:
        raise OutOfReach("No such user in this clinic.") from exc
    require(actor, Action.STAFF_MANAGE)
    return member


def locked_out_emails(emails: list[str]) -> set[str]:
    """Which of these accounts django-axes currently holds locked."""
    limit = settings.AXES_FAILURE_LIMIT
    since = timezone.now() - timedelta(hours=settings.AXES_COOLOFF_TIME)
    by_name = {throttle_name(email): email for email in emails}
    rows = AccessAttempt.objects.filter(
        username__in=by_name, failures_since_start__gte=limit, attempt_time__gte=since
    )
    return {by_name[name] for name in rows.values_list("username", flat=True)}


def shared_user_ids(actor: Actor, user_ids: list[int]) -> set[int]:
    """Which of these members also belong to another clinic."""
    assert actor.clinic is not None
    others = Membership.objects.filter(user_id__in=user_ids).exclude(clinic_id=actor.clinic.pk)
    return set(others.values_list("user_id", flat=True))


@transaction.atomic
def unlock_login(actor: Actor, user_id: int) -> int:
    """Clear a lockout before its cool-off ends (the admin has checked it is really them).

    The lock guards the account in every clinic it belongs to, so only a clinic that is the
    account's only clinic may lift it early; otherwise it lifts by itself after the cool-off."""
    member = get_member_for(actor, user_id)
    if shared_user_ids(actor, [member.user_id]):
        raise ValidationError({"user": "This person also belongs to another clinic, so the "
                               "lock lifts by itself after the cool-off (or an operator runs "
                               "`ketacare unlock`)."})  # fmt: skip
    cleared = clear_account_lock(member.user.email)
    record(actor, "update", "user", member.user_id, detail={"unlocked": cleared})
    return cleared


OPERATOR_UNLOCK = "ketacare unlock"


@transaction.atomic
def operator_unlock(actor: Actor, email: str = "", address: str = "") -> int:
    """The operator's `ketacare unlock`: lift an account's lockout (audited in each clinic
    the account belongs to), or every lockout of a client address. A name that is no
    account is audited as unknown, not as typed."""
    from axes.utils import reset as reset_address

    cleared = 0
    if email:
        cleared = clear_account_lock(email)
        detail: dict[str, object] = {"unlocked": cleared, "by": OPERATOR_UNLOCK}
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            record(actor, "update", "user", "", detail={**detail, "account": "unknown"})
        else:
            memberships = Membership.objects.filter(user=user).values_list("clinic_id", flat=True)
            clinics: list[int | None] = [*memberships] or [None]  # None: no clinic left
            for clinic_id in clinics:
                record(actor, "update", "user", user.pk, clinic_id=clinic_id, detail=detail)
    if address:  # a per-address lock from password spraying
        by_address: int = reset_address(ip=address)
        record(actor, "update", "login_address", address,
               detail={"unlocked": by_address, "by": OPERATOR_UNLOCK})  # fmt: skip
        cleared += by_address
    return cleared


@transaction.atomic
def end_membership(actor: Actor, user_id: int) -> User:
    """Remove someone from the admin's clinic. Their account, and their memberships of other
    clinics, are not the admin's to change; when this was their last clinic nothing of the
    account stays signed in (sessions end, API tokens are revoked)."""
    member = get_member_for(actor, user_id)
    user = member.user
    if actor.user is not None and user.pk == actor.user.pk:
        raise ValidationError({"user": "You cannot remove yourself from the clinic."})
    member.delete()
    was_last = not Membership.objects.filter(user=user).exists()
    if was_last:
        end_all_sessions(actor, user)
        ApiToken.objects.filter(user=user, revoked=False).update(revoked=True)
    detail = {"role": member.role, "was_last_clinic": was_last}
    record(actor, "delete", "membership", user.pk, detail=detail)
    return user


@transaction.atomic
def revoke_api_token(actor: Actor, user: User, token_id: int) -> None:
    """A user revokes one of their own tokens; another user's token is out of reach."""
    updated = ApiToken.objects.filter(pk=token_id, user=user, revoked=False).update(revoked=True)
    if not updated:
        raise OutOfReach("No such token.")
    record(actor, "update", "api_token", token_id, detail={"revoked": True})
