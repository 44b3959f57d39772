"""Weak passwords are refused wherever a password is set; the demo still logs in."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from ketacare.accounts.models import User
from ketacare.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db
GOOD = "a-long-enough-passphrase"


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("aaaaaaaaaaaa", "repeats the same characters"),
        ("abcabcabcabc", "repeats the same characters"),
        ("passwordpassword", "repeats the same characters"),
        ("ababababababx", "fewer than 5 different characters"),
        (DEMO_PASSWORD, "may not contain “ketacare”"),
        ("MyKetaCare-Login-77", "may not contain “ketacare”"),
        ("q1w2e3r4t5y6", "too common"),  # in Django's breach-derived list
        ("12345678901234", "entirely numeric"),
        ("short-pass", "too short"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password, reason):
    with pytest.raises(ValidationError) as refused:
        validate_password(password)
    assert any(reason in message for message in refused.value.messages)


def test_a_long_unremarkable_passphrase_is_accepted():
    validate_password(GOOD)


def test_the_staff_page_refuses_the_published_demo_password(world, client_as):
    admin = client_as(world.users_a["clinic_admin"])
    body = {"email": "new.rn@a.example", "role": "nurse", "password": DEMO_PASSWORD}
    response = admin.post(reverse("staff-list"), body)
    assert response.status_code == 422
    assert "may not contain" in response.content.decode()
    assert not User.objects.filter(email="new.rn@a.example").exists()


def test_portal_login_creation_refuses_a_repeated_password(world, client_as):
    desk = client_as(world.users_a["front_desk"])
    from ketacare.patients.models import Patient

    newcomer = Patient.objects.create(
        clinic=world.clinic_a, mrn="a-9", first_name="Nia", last_name="New",
        date_of_birth="1990-01-01", sex="female", weight_kg=60, state_of_residence="NY",
    )  # fmt: skip
    url = reverse("patient-portal-access", args=[newcomer.public_id])
    response = desk.post(url, {"email": "nia@example.org", "password": "aaaaaaaaaaaa"})
    assert response.status_code == 422
    assert "repeats the same characters" in response.content.decode()
    assert not User.objects.filter(email="nia@example.org").exists()


def test_createuser_refuses_a_weak_password(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "KETACARE_ENV"}}
    env.update(KETACARE_VAR_DIR=str(tmp_path), KETACARE_PASSWORD="aaaaaaaaaaaa")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        cmd = [sys.executable, "-m", "ketacare.cli", *args]
        return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)

    run("migrate")
    run("createclinic", "Lakeside")
    made = run("createuser", "rn@lakeside.example", "--clinic", "lakeside", "--role", "nurse")
    assert made.returncode == 2
    assert "repeats the same characters" in made.stderr


def test_the_demo_accounts_still_log_in_with_the_published_password(db):
    from ketacare.demo import DEMO_USERS, load_demo

    load_demo(patients=2)
    nurse = Client()
    email = DEMO_USERS["nurse"]
    response = nurse.post(reverse("login"), {"username": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302
