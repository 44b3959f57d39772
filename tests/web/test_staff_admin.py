"""The clinic admin's users page: add people, clear lockouts, deactivate; scoped to the clinic."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ketacare.accounts.models import User
from ketacare.audit.models import AuditEntry
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-enough-passphrase"


@pytest.mark.parametrize("role", ROLES)
def test_only_the_clinic_admin_may_manage_users(world, client_as, role):
    client = client_as(world.users_a[role])
    nurse_id = world.users_a["nurse"].pk
    expected = 200 if role == "clinic_admin" else 403
    assert client.get(reverse("staff-list")).status_code == expected
    unlock = client.post(reverse("staff-unlock", args=[nurse_id]))
    assert unlock.status_code == (302 if role == "clinic_admin" else 403)


def test_admin_cannot_touch_users_of_another_clinic(world, client_as):
    client = client_as(world.users_a["clinic_admin"])
    b_nurse = world.users_b["nurse"]
    assert client.post(reverse("staff-unlock", args=[b_nurse.pk])).status_code == 404
    assert client.post(reverse("staff-remove", args=[b_nurse.pk])).status_code == 404
    b_nurse.refresh_from_db()
    assert b_nurse.is_active
    assert "nurse@b.example" not in client.get(reverse("staff-list")).content.decode()


def test_admin_adds_a_user_who_can_then_log_in(world, client_as):
    admin = client_as(world.users_a["clinic_admin"])
    body = {"email": "new.rn@a.example", "role": "nurse", "password": PASSWORD}
    assert admin.post(reverse("staff-list"), body).status_code == 302
    newcomer = Client()
    newcomer.post(reverse("login"), {"username": "new.rn@a.example", "password": PASSWORD})
    assert newcomer.get(reverse("patient-list")).status_code == 200


def test_adding_a_user_with_a_weak_password_is_refused_on_the_field(world, client_as):
    admin = client_as(world.users_a["clinic_admin"])
    body = {"email": "weak@a.example", "role": "nurse", "password": "short"}
    response = admin.post(reverse("staff-list"), body)
    assert response.status_code == 422
    assert "too short" in response.content.decode()
    assert not User.objects.filter(email="weak@a.example").exists()


def test_admin_sees_a_lockout_and_clears_it(world, client_as):
    nurse = world.users_a["nurse"]
    nurse.set_password(PASSWORD)
    nurse.save()
    intruder = Client()
    for _ in range(5):
        intruder.post(reverse("login"), {"username": nurse.email, "password": "wrong-guess-1"})
    admin = client_as(world.users_a["clinic_admin"])
    assert "Locked out" in admin.get(reverse("staff-list")).content.decode()
    admin.post(reverse("staff-unlock", args=[nurse.pk]))
    assert "Locked out" not in admin.get(reverse("staff-list")).content.decode()
    ok = Client().post(reverse("login"), {"username": nurse.email, "password": PASSWORD})
    assert ok.status_code == 302
    assert AuditEntry.objects.filter(object_type="user", object_id=str(nurse.pk),
                                     action="update").exists()  # fmt: skip


def test_removing_someone_from_their_only_clinic_ends_their_sessions_and_access(world, client_as):
    nurse = world.users_a["nurse"]
    nurse.set_password(PASSWORD)
    nurse.save()
    nurse_client = Client()
    nurse_client.post(reverse("login"), {"username": nurse.email, "password": PASSWORD})
    admin = client_as(world.users_a["clinic_admin"])
    admin.post(reverse("staff-remove", args=[nurse.pk]))
    assert nurse_client.get(reverse("patient-list")).status_code == 302
    again = Client()
    again.post(reverse("login"), {"username": nurse.email, "password": PASSWORD})
    assert again.get(reverse("patient-list")).status_code == 403  # logged in, in no clinic
    assert "does not belong to any clinic" in again.get(reverse("home")).content.decode()


def test_admin_cannot_remove_themselves(world, client_as):
    admin_user = world.users_a["clinic_admin"]
    admin = client_as(admin_user)
    response = admin.post(reverse("staff-remove", args=[admin_user.pk]), follow=True)
    assert "cannot remove yourself" in response.content.decode()
    assert admin_user.memberships.filter(clinic=world.clinic_a).exists()


@pytest.mark.parametrize("role", ROLES)
def test_only_the_clinic_admin_may_change_clinic_settings(world, client_as, role):
    client = client_as(world.users_a[role])
    assert client.get(reverse("clinic-settings")).status_code == (
        200 if role == "clinic_admin" else 403
    )


def test_admin_changes_their_own_clinic_and_bad_values_are_refused(world, client_as):
    admin = client_as(world.users_a["clinic_admin"])
    body = {"name": "Clinic A North", "address": "1 Main St", "time_zone": "America/Chicago",
            "licensed_states": ["NY", "NJ"]}  # fmt: skip
    assert admin.post(reverse("clinic-settings"), body).status_code == 302
    world.clinic_a.refresh_from_db()
    assert world.clinic_a.time_zone == "America/Chicago"
    assert world.clinic_a.licensed_states == ["NY", "NJ"]
    bad = admin.post(reverse("clinic-settings"), {**body, "time_zone": "Mars/Base"})
    assert bad.status_code == 422 and "Unknown time zone" in bad.content.decode()
    bad_state = admin.post(reverse("clinic-settings"), {**body, "licensed_states": ["ZZ"]})
    assert bad_state.status_code == 422
    world.clinic_b.refresh_from_db()
    assert world.clinic_b.name == "Clinic B"
    assert AuditEntry.objects.filter(object_type="clinic", action="update").count() == 1
