"""Account use cases: people, memberships, sessions and API tokens."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.db import transaction

from ketacare.accounts.actor import Actor
from ketacare.accounts.models import ApiToken, Membership, User, UserSession
from ketacare.accounts.roles import Role
from ketacare.audit.services import record
from ketacare.clinics.models import Clinic


@transaction.atomic
def create_user(
    actor: Actor, email: str, password: str, clinic: Clinic, role: str, full_name: str = ""
) -> User:
    role = Role(role)
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        candidate = User(email=email.lower(), full_name=full_name)
        validate_password(password, candidate)
        user = User.objects.create_user(email=email, password=password, full_name=full_name)
    Membership.objects.update_or_create(user=user, clinic=clinic, defaults={"role": role})
    record(actor, "create", "membership", user.pk, clinic_id=clinic.pk, detail={"role": role})
    return user


@transaction.atomic
def end_all_sessions(actor: Actor, user: User) -> int:
    """'Log out everywhere': delete every server-side session of the user."""
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user=user).delete()
    record(
        actor, "logout", "user", user.pk, detail={"sessions_ended": len(keys), "everywhere": True}
    )
    return len(keys)


@transaction.atomic
def issue_api_token(actor: Actor, user: User, name: str = "api") -> str:
    token, raw = ApiToken.issue(user, name)
    record(actor, "create", "api_token", token.pk, detail={"for_user": user.pk, "name": name})
    return raw
