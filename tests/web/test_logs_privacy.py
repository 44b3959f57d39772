"""What people type stays out of logs and the audit trail's free text: a failed login names
the account tried (or "unknown"), never the typed text; the web servers' request logs and
django-axes' warnings carry no query string and no login name."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from ketacare.audit.models import AuditEntry

pytestmark = pytest.mark.django_db
KETACARE = [sys.executable, "-m", "ketacare.cli"]
PASSWORD = "a-long-enough-passphrase"
# Looks like an email, so the login form passes it on: a password typed into the wrong box.
PASSWORD_IN_THE_EMAIL_BOX = "Winter2026secret@clinic.example"


def failed_login(typed: str) -> AuditEntry:
    Client().post(reverse("login"), {"username": typed, "password": "wrong-guess-1"})
    return AuditEntry.objects.filter(action="login_failed").latest("id")


def test_failed_login_records_the_account_not_the_typed_text(world):
    nurse = world.users_a["nurse"]
    known = failed_login(nurse.email.upper())
    assert known.object_id == str(nurse.pk) and known.detail == {"account": "known"}
    unknown = failed_login(PASSWORD_IN_THE_EMAIL_BOX)
    assert unknown.object_id == "" and unknown.detail == {"account": "unknown"}
    stored = json.dumps([unknown.detail, unknown.object_id, unknown.user_email]).lower()
    assert "winter2026" not in stored and "clinic.example" not in stored


def test_the_login_throttle_stores_no_typed_login_name(world):
    """django-axes keeps a row per name tried; it keeps a keyed hash of the name, so a
    password typed into the email box is not written down, and the throttle still counts."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    failed_login(PASSWORD_IN_THE_EMAIL_BOX)
    failed_login(PASSWORD_IN_THE_EMAIL_BOX.upper())
    rows = [*AccessAttempt.objects.values(), *AccessFailureLog.objects.values(),
            *AccessLog.objects.values()]  # fmt: skip
    stored = json.dumps(rows, default=str).lower()
    assert rows and "winter2026" not in stored and "clinic.example" not in stored
    [attempt] = AccessAttempt.objects.all()  # one name, whatever its case
    assert attempt.failures_since_start == 2


def test_the_upgrade_hashes_names_stored_before_and_keeps_their_lockouts(world):
    import importlib

    from axes.models import AccessAttempt
    from django.apps import apps
    from django.utils import timezone

    from ketacare.accounts.login_throttle import throttle_name

    nurse = world.users_a["nurse"]
    for typed, failures in [(nurse.email, 3), (nurse.email.upper(), 2),
                            (PASSWORD_IN_THE_EMAIL_BOX, 1)]:  # fmt: skip
        AccessAttempt.objects.create(username=typed, ip_address="127.0.0.1", user_agent="",
                                     failures_since_start=failures,
                                     attempt_time=timezone.now())  # fmt: skip
    migration = importlib.import_module(
        "ketacare.accounts.migrations.0004_hash_login_throttle_names"
    )
    migration.hash_stored_names(apps, None)
    stored = {a.username: a.failures_since_start for a in AccessAttempt.objects.all()}
    assert stored == {throttle_name(nurse.email): 5, throttle_name(PASSWORD_IN_THE_EMAIL_BOX): 1}
    response = Client().post(reverse("login"), {"username": nurse.email, "password": "x" * 12})
    assert response.status_code == 429  # the five failures from before still lock


def test_lockout_warnings_carry_no_login_name(world, caplog):
    """A guard: django-axes masks it by default (AXES_SENSITIVE_PARAMETERS); keep it so."""
    with caplog.at_level(logging.INFO):
        failed_login(PASSWORD_IN_THE_EMAIL_BOX)
    assert "login failure" in caplog.text.lower()  # axes did log the failure...
    assert "winter2026" not in caplog.text.lower()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("mode", ["production", "development"])
def test_request_logs_of_both_servers_carry_no_query_string(mode, tmp_path: Path):
    """gunicorn (production) and Django's development server, as `ketacare serve` runs them."""
    drop = {"DATABASE_URL", "KETACARE_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["KETACARE_VAR_DIR"] = str(tmp_path)
    if mode == "production":
        env.update(KETACARE_ENV="production", SECRET_KEY="s" * 60 + "-Zq7!",
                   ALLOWED_HOSTS="127.0.0.1", SECURE_SSL_REDIRECT="false")  # fmt: skip
    migrate = subprocess.run([*KETACARE, "migrate"], env=env, capture_output=True, timeout=120)
    assert migrate.returncode == 0, migrate.stderr
    port = free_port()
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen([*KETACARE, "serve", "--port", str(port), "--workers", "1"],
                                  env=env, stdout=out, stderr=subprocess.STDOUT)  # fmt: skip
        try:
            url = f"http://127.0.0.1:{port}/accounts/login/?q=Zebulon+Quince&next=/x/%3Fq%3DZebulon"
            request = urllib.request.Request(url, headers={
                "X-Forwarded-Proto": "https", "Referer": "http://127.0.0.1/patients/?q=Zebulon",
            })  # fmt: skip
            for _ in range(100):
                try:
                    urllib.request.urlopen(request, timeout=2)
                    break
                except OSError:
                    time.sleep(0.2)
            else:
                pytest.fail(f"the {mode} server did not answer within 20 s")
            time.sleep(0.5)  # let the access log line reach the file
        finally:
            server.terminate()
            server.wait(timeout=20)
    text = log.read_text()
    assert "GET /accounts/login/" in text, text  # the request is logged...
    assert "Zebulon" not in text and "Quince" not in text  # ...without its query string
