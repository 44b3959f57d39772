"""Clinic membership: an admin adds new accounts or invites existing ones, and acts only on the
membership in their own clinic. The attack this closes: a clinic B admin typing the email of a
clinic A user took them into clinic B, and could then deactivate or unlock their account."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ketacare.accounts.actor import system_actor
from ketacare.accounts.login_throttle import throttle_name
from ketacare.accounts.models import ApiToken, Invitation, Membership
from ketacare.accounts.services.users import NewMember, create_user
from ketacare.audit.models import AuditEntry

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-enough-passphrase"


@pytest.fixture
def victim(world):  # type: ignore[no-untyped-def]
    """Clinic A's nurse, logged in on a browser and holding an API token."""
    user = world.users_a["nurse"]
    user.set_password(PASSWORD)
    user.save()
    browser = Client()
    browser.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    _, raw = ApiToken.issue(user)
    user.browser, user.token = browser, raw
    return user


def still_works(victim) -> bool:  # type: ignore[no-untyped-def]
    page = victim.browser.get(reverse("patient-list")).status_code == 200
    api = Client().get("/api/patients/", headers={"Authorization": f"Bearer {victim.token}"})
    return page and api.status_code == 200


def as_user(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def b_admin_adds(world, email: str, role: str = "nurse"):  # type: ignore[no-untyped-def]
    body = {"email": email, "role": role, "password": "attacker-chosen-passphrase"}
    return as_user(world.users_b["clinic_admin"]).post(reverse("staff-list"), body, follow=True)


def test_adding_another_clinics_user_invites_them_and_changes_nothing(world, victim):
    response = b_admin_adds(world, victim.email.upper(), role="clinic_admin")
    assert "invited as Clinic admin" in response.content.decode()
    victim.refresh_from_db()
    assert victim.check_password(PASSWORD)  # the typed password was not applied
    assert list(victim.memberships.values_list("clinic_id", flat=True)) == [world.clinic_a.pk]
    assert Invitation.objects.get(user=victim).status == "pending"
    assert still_works(victim)


def test_the_issues_reproduction_no_longer_reaches_the_account(world, victim):
    b_admin_adds(world, victim.email)
    b_admin = as_user(world.users_b["clinic_admin"])
    for _ in range(5):
        Client().post(reverse("login"), {"username": victim.email, "password": "wrong-guess-1"})
    old_deactivate = f"/clinic/users/{victim.pk}/active/"
    assert b_admin.post(old_deactivate, {"active": "0"}).status_code == 404
    assert b_admin.post(reverse("staff-remove", args=[victim.pk])).status_code == 404
    assert b_admin.post(reverse("staff-unlock", args=[victim.pk])).status_code == 404
    assert AccessAttempt.objects.filter(
        username=throttle_name(victim.email)
    ).exists()  # still locked
    victim.refresh_from_db()
    assert victim.is_active
    assert (
        victim.email
        not in b_admin.get(reverse("staff-list")).content.decode().split("Invitations waiting")[0]
    )  # listed only as an invitation, not as a member


def test_invited_user_sees_the_invitation_and_joins_by_accepting(world, victim):
    b_admin_adds(world, victim.email)
    assert (
        'data-testid="invitations-link"' in victim.browser.get(reverse("account")).content.decode()
    )
    page = victim.browser.get(reverse("my-invitations")).content.decode()
    assert "Clinic B" in page and "Nurse" in page
    invitation = Invitation.objects.get(user=victim)
    victim.browser.post(reverse("invitation-accept", args=[invitation.public_id]))
    assert Membership.objects.get(user=victim, clinic=world.clinic_b).role == "nurse"
    assert victim.browser.get(reverse("patient-list")).context["current_clinic"] == world.clinic_b
    joined = AuditEntry.objects.get(object_type="membership", clinic_id=world.clinic_b.pk)
    assert joined.user_id == victim.pk and joined.detail["role"] == "nurse"


def test_declined_withdrawn_or_expired_invitations_grant_nothing(world, victim):
    b_admin = as_user(world.users_b["clinic_admin"])
    b_admin_adds(world, victim.email)
    invitation = Invitation.objects.get(user=victim)
    victim.browser.post(reverse("invitation-decline", args=[invitation.public_id]))
    accept = reverse("invitation-accept", args=[invitation.public_id])
    assert victim.browser.post(accept).status_code == 404

    b_admin_adds(world, victim.email)
    again = Invitation.objects.get(user=victim, status="pending")
    b_admin.post(reverse("invitation-withdraw", args=[again.public_id]))
    assert (
        victim.browser.post(reverse("invitation-accept", args=[again.public_id])).status_code == 404
    )

    b_admin_adds(world, victim.email)
    late = Invitation.objects.get(user=victim, status="pending")
    Invitation.objects.filter(pk=late.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert (
        victim.browser.post(reverse("invitation-accept", args=[late.public_id])).status_code == 404
    )
    assert not Membership.objects.filter(user=victim, clinic=world.clinic_b).exists()


def test_nobody_but_the_invited_person_can_accept(world, victim):
    b_admin_adds(world, victim.email)
    invitation = Invitation.objects.get(user=victim)
    for someone in (world.users_b["clinic_admin"], world.users_a["prescriber"]):
        response = as_user(someone).post(reverse("invitation-accept", args=[invitation.public_id]))
        assert response.status_code == 404
    assert not Membership.objects.filter(user=victim, clinic=world.clinic_b).exists()
    other = as_user(world.users_a["clinic_admin"])
    withdraw = reverse("invitation-withdraw", args=[invitation.public_id])
    assert other.post(withdraw).status_code == 404  # clinic A cannot touch B's invitation


def test_removing_a_shared_member_ends_only_that_clinics_membership(world, victim):
    b_admin_adds(world, victim.email)
    invitation = Invitation.objects.get(user=victim)
    victim.browser.post(reverse("invitation-accept", args=[invitation.public_id]))
    b_admin = as_user(world.users_b["clinic_admin"])
    b_admin.post(reverse("staff-remove", args=[victim.pk]))
    assert list(victim.memberships.values_list("clinic_id", flat=True)) == [world.clinic_a.pk]
    victim.refresh_from_db()
    assert victim.is_active
    assert still_works(victim)  # session and token live on, now in clinic A
    assert victim.browser.get(reverse("patient-list")).context["current_clinic"] == world.clinic_a


def test_removing_the_last_membership_revokes_the_api_tokens(world, victim):
    as_user(world.users_a["clinic_admin"]).post(reverse("staff-remove", args=[victim.pk]))
    api = Client().get("/api/patients/", headers={"Authorization": f"Bearer {victim.token}"})
    assert api.status_code == 401
    assert victim.browser.get(reverse("patient-list")).status_code == 302  # to the login page


def test_a_shared_members_lockout_is_not_lifted_by_one_clinic(world, victim):
    b_admin_adds(world, victim.email)
    invitation = Invitation.objects.get(user=victim)
    victim.browser.post(reverse("invitation-accept", args=[invitation.public_id]))
    for _ in range(5):
        Client().post(reverse("login"), {"username": victim.email, "password": "wrong-guess-1"})
    for admin in (world.users_a["clinic_admin"], world.users_b["clinic_admin"]):
        client = as_user(admin)
        page = client.get(reverse("staff-list")).content.decode()
        assert "Locked out" in page and reverse("staff-unlock", args=[victim.pk]) not in page
        refused = client.post(reverse("staff-unlock", args=[victim.pk]), follow=True)
        assert "also belongs to another clinic" in refused.content.decode()
    assert AccessAttempt.objects.filter(username=throttle_name(victim.email)).exists()


def test_inviting_a_current_member_is_refused_on_the_email_field(world):
    response = b_admin_adds(world, world.users_b["nurse"].email)
    assert response.status_code == 422
    assert "already a user of this clinic" in response.content.decode()


def test_a_new_account_still_needs_an_initial_password(world):
    admin = as_user(world.users_b["clinic_admin"])
    response = admin.post(reverse("staff-list"), {"email": "new@b.example", "role": "nurse"})
    assert response.status_code == 422
    assert "Set an initial password" in response.content.decode()


def test_create_user_refuses_an_existing_email_and_keeps_its_password(world, victim):
    with pytest.raises(ValidationError, match="already belongs"):
        new = NewMember(victim.email, "nurse", password="another-passphrase-42")
        create_user(system_actor(world.clinic_b), world.clinic_b, new)
    victim.refresh_from_db()
    assert victim.check_password(PASSWORD)
    assert not victim.memberships.filter(clinic=world.clinic_b).exists()


def test_portal_access_for_an_existing_account_is_refused(world, client_as):
    from ketacare.patients.models import Patient

    front_desk = client_as(world.users_b["front_desk"])
    patient = Patient.objects.create(clinic=world.clinic_b, mrn="b-2", first_name="Carla",
                                     last_name="Test", date_of_birth="1980-01-01", sex="female",
                                     weight_kg=60, state_of_residence="NY")  # fmt: skip
    url = reverse("patient-portal-access", args=[patient.public_id])
    body = {"email": world.users_a["nurse"].email, "password": "attacker-chosen-passphrase"}
    response = front_desk.post(url, body)
    assert response.status_code == 422
    patient.refresh_from_db()
    assert patient.user_id is None


def test_the_operator_invites_an_existing_account_too(world, victim, capsys, monkeypatch):
    from ketacare.cli import main

    monkeypatch.setenv("KETACARE_PASSWORD", "operator-typed-passphrase")
    assert main(["createuser", victim.email, "--clinic", "b", "--role", "clinic_admin"]) == 0
    assert "invited as clinic_admin at Clinic B" in capsys.readouterr().out
    victim.refresh_from_db()
    assert victim.check_password(PASSWORD)
    assert not victim.memberships.filter(clinic=world.clinic_b).exists()
    invitation = Invitation.objects.get(user=victim, clinic=world.clinic_b)
    victim.browser.post(reverse("invitation-accept", args=[invitation.public_id]))
    assert victim.memberships.get(clinic=world.clinic_b).role == "clinic_admin"
