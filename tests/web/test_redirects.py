"""A `next` parameter is followed only when it stays on this site (no open redirect).

A crafted link such as /accounts/otp/verify/?next=https://evil.example/ would otherwise send a
user who just proved both factors to a look-alike page that asks for them again.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from ketacare.measures.models import SafetyAlert

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-enough-passphrase"
OFF_SITE = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "http:evil.example",
    "javascript:alert(1)",
    " https://evil.example/",
]


@pytest.fixture
def nurse(world):  # type: ignore[no-untyped-def]
    user = world.users_a["nurse"]
    user.set_password(PASSWORD)
    user.save()
    return user


def verify_totp(client, user, next_url):  # type: ignore[no-untyped-def]
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    url = with_next(reverse("otp-verify"), next_url)
    return client.post(url, {"code": f"{totp(device.bin_key):06d}"})


def with_next(path: str, next_url: str) -> str:
    return f"{path}?{urlencode({'next': next_url})}"


@pytest.mark.parametrize("target", OFF_SITE)
def test_totp_verify_does_not_redirect_off_site(world, client_as, target):
    client = client_as(world.users_a["nurse"])
    response = verify_totp(client, world.users_a["nurse"], target)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_totp_verify_follows_a_next_on_this_site(world, client_as):
    client = client_as(world.users_a["nurse"])
    chart = reverse("patient-chart", args=[world.patient_a.public_id])
    response = verify_totp(client, world.users_a["nurse"], chart)
    assert response["Location"] == chart


@pytest.mark.parametrize("target", OFF_SITE)
def test_login_does_not_redirect_off_site(nurse, target):
    url = with_next(reverse("login"), target)
    response = Client().post(url, {"username": nurse.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_login_follows_a_next_on_this_site(nurse):
    url = with_next(reverse("login"), "/patients/")
    response = Client().post(url, {"username": nurse.email, "password": PASSWORD})
    assert response["Location"] == "/patients/"


@pytest.mark.parametrize("target", OFF_SITE)
def test_refused_alert_acknowledgement_does_not_redirect_off_site(world, client_as, target):
    nurse = client_as(world.users_a["nurse"])
    nurse.post(
        f"/api/patients/{world.patient_a.public_id}/scales",
        json.dumps({"instrument": "phq9", "answers": [0, 0, 0, 0, 0, 0, 0, 0, 2]}),
        content_type="application/json",
    )
    alert = SafetyAlert.objects.get(patient=world.patient_a)
    ack = reverse("alert-acknowledge", args=[alert.public_id])
    response = nurse.post(ack, {"note": " ", "next": target})  # refused: a note is required
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


@pytest.mark.parametrize("target", OFF_SITE)
def test_clinic_switch_never_leaves_the_site(world, client_as, target):
    client = client_as(world.users_a["nurse"])
    body = {"clinic_id": str(world.clinic_a.pk), "next": target}
    response = client.post(with_next(reverse("switch-clinic"), target), body)
    assert response.status_code == 302
    assert response["Location"].startswith("/") and not response["Location"].startswith("//")
