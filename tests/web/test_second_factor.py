"""Where TOTP is required, a staff session that passed only the password reaches nothing of
patient data, by page or API; a verified session and a bearer token do (issue 8, item 1)."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("totp_required")]


@pytest.fixture
def totp_required(settings):  # type: ignore[no-untyped-def]
    settings.KETACARE_REQUIRE_TOTP = True


def verify(client, user):  # type: ignore[no-untyped-def]
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    response = client.post(reverse("otp-verify"), {"code": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 302


def test_password_only_staff_session_gets_401_from_the_api_and_cannot_patch(world, client_as):
    client = client_as(world.users_a["prescriber"])
    a = world.patient_a.public_id
    listed = client.get("/api/patients/")
    assert listed.status_code == 401 and listed["Content-Type"].startswith("application/json")
    assert client.get(f"/api/patients/{a}").status_code == 401
    patched = client.patch(
        f"/api/patients/{a}", json.dumps({"first_name": "Mallory"}), "application/json"
    )
    assert patched.status_code == 401
    world.patient_a.refresh_from_db()
    assert world.patient_a.first_name == "Alice"


def test_the_same_session_reaches_the_api_once_the_second_factor_is_passed(world, client_as):
    client = client_as(world.users_a["prescriber"])
    verify(client, world.users_a["prescriber"])
    assert client.get("/api/patients/").status_code == 200


def test_a_bearer_token_still_works_without_any_session(world, client):
    from ketacare.accounts.models import ApiToken

    _, raw = ApiToken.issue(world.users_a["nurse"])
    response = client.get("/api/patients/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200 and response.json()["items"][0]["first_name"] == "Alice"


def test_the_gate_refuses_a_pending_session_even_where_no_middleware_redirects(world, client_as):
    """Depth: the actor of a pending session has no clinic and no role, so a page that a
    middleware forgot still reaches nothing."""
    without = [m for m in settings.MIDDLEWARE if not m.endswith("StaffTOTPMiddleware")]
    client = client_as(world.users_a["prescriber"])
    a = world.patient_a.public_id
    with override_settings(MIDDLEWARE=without):
        chart = client.get(reverse("patient-chart", args=[a]))
        listed = client.get(reverse("patient-list"))
    assert chart.status_code == 404 and "Alice" not in chart.content.decode()
    assert listed.status_code == 403 and "Alice" not in listed.content.decode()


def test_a_patient_login_needs_no_second_factor_for_its_own_record(world, client_as):
    client = client_as(world.users_a["patient"])
    assert client.get(f"/api/patients/{world.patient_a.public_id}").status_code == 200
