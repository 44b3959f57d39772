"""The `ketacare` command as an operator uses it, in subprocesses against a real SQLite file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

KETACARE = [sys.executable, "-m", "ketacare.cli"]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "KETACARE_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return {**clean, "KETACARE_VAR_DIR": str(tmp_path), "KETACARE_PASSWORD": "a-long-enough-pass"}


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*KETACARE, *args], env=env, capture_output=True, text=True, timeout=120)


def test_migrate_and_demo_are_idempotent_and_load_40_patients_with_every_role(env):
    assert run(env, "migrate").returncode == 0
    first = run(env, "demo")
    assert first.returncode == 0, first.stderr
    assert "40 patients (40 new)" in first.stdout
    again = run(env, "demo")
    assert "40 patients (0 new)" in again.stdout
    for role in ("admin", "prescriber", "nurse", "therapist", "frontdesk", "patient"):
        assert f"{role}@riverside.example" in again.stdout
    verify = run(env, "audit", "verify")
    assert verify.returncode == 0 and "chain intact" in verify.stdout


def test_createclinic_createuser_and_createtoken(env):
    run(env, "migrate")
    made = run(
        env,
        "createclinic",
        "Lakeside Clinic",
        "--states",
        "ca,or",
        "--time-zone",
        "America/Los_Angeles",
    )
    assert made.returncode == 0 and "slug lakeside-clinic" in made.stdout
    user = run(
        env, "createuser", "rn@lakeside.example", "--clinic", "lakeside-clinic", "--role", "nurse"
    )
    assert user.returncode == 0, user.stderr
    token = run(env, "createtoken", "rn@lakeside.example")
    assert token.returncode == 0 and token.stdout.startswith("kc_")


def test_bad_cli_input_exits_2_with_the_reason(env):
    run(env, "migrate")
    bad_state = run(env, "createclinic", "Nowhere", "--states", "ZZ")
    assert bad_state.returncode == 2 and "Unknown US state code(s): ZZ" in bad_state.stderr
    bad_tz = run(env, "createclinic", "Nowhere", "--time-zone", "Mars/Olympus")
    assert bad_tz.returncode == 2 and "Unknown time zone" in bad_tz.stderr
    no_clinic = run(env, "createuser", "x@y.example", "--clinic", "nope", "--role", "nurse")
    assert no_clinic.returncode == 2 and "no clinic" in no_clinic.stderr
    weak = run({**env, "KETACARE_PASSWORD": "short"}, "createclinic", "Weak")
    assert weak.returncode == 0
    weak_user = run(
        {**env, "KETACARE_PASSWORD": "short"},
        "createuser",
        "w@weak.example",
        "--clinic",
        "weak",
        "--role",
        "nurse",
    )
    assert weak_user.returncode == 2 and "too short" in weak_user.stderr
    assert run(env, "createuser", "x@y.example").returncode == 2  # argparse: --clinic missing


def test_deploy_checks_pass_in_production_mode(env, tmp_path):
    prod = {
        **env,
        "KETACARE_ENV": "production",
        "SECRET_KEY": "p" * 64 + "-Xy9!",
        "ALLOWED_HOSTS": "clinic.example.org",
        "AUDIT_KEY_FILE": str(tmp_path / "secrets" / "audit-keys.json"),
    }
    made = run(prod, "audit", "init-key")
    assert made.returncode == 0 and "mode 0600" in made.stdout, made.stderr
    result = run(prod, "check", "--deploy")
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout
    assert run(prod, "audit", "init-key").returncode == 2  # never overwrites a key ring


def test_deploy_checks_fail_in_production_without_an_audit_key_file(env, tmp_path):
    prod = {
        **env,
        "KETACARE_ENV": "production",
        "SECRET_KEY": "p" * 64 + "-Xy9!",
        "ALLOWED_HOSTS": "clinic.example.org",
    }
    unset = run(prod, "check", "--deploy")
    assert unset.returncode != 0 and "AUDIT_KEY_FILE is not set" in unset.stderr
    missing = run({**prod, "AUDIT_KEY_FILE": str(tmp_path / "nowhere.json")}, "check", "--deploy")
    assert missing.returncode != 0 and "does not exist" in missing.stderr
    readable = tmp_path / "shared.json"
    assert run({**prod, "AUDIT_KEY_FILE": str(readable)}, "audit", "init-key").returncode == 0
    readable.chmod(0o644)
    loose = run({**prod, "AUDIT_KEY_FILE": str(readable)}, "check", "--deploy")
    assert loose.returncode != 0 and "readable by other users" in loose.stderr


def test_production_refuses_to_start_without_a_secret_key(env):
    result = run({**env, "KETACARE_ENV": "production"}, "check")
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_production_serve_runs_gunicorn_with_static_files_and_security_headers(env, tmp_path):
    import socket
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    prod = {
        **env,
        "KETACARE_ENV": "production",
        "SECRET_KEY": "s" * 60 + "-Zq7!",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "AUDIT_KEY_FILE": str(tmp_path / "audit-keys.json"),
    }
    assert run(prod, "audit", "init-key").returncode == 0
    assert run(prod, "migrate").returncode == 0
    argv = [*KETACARE, "serve", "--port", str(port), "--workers", "1"]
    server = subprocess.Popen(argv, env=prod, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                # As behind the TLS-terminating proxy that production expects.
                request = urllib.request.Request(
                    f"{base}/accounts/login/", headers={"X-Forwarded-Proto": "https"}
                )
                login_page = urllib.request.urlopen(request, timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not answer within 20 s")
        html = login_page.read().decode()
        assert "Strict-Transport-Security" in login_page.headers
        assert "__Host-csrftoken" in login_page.headers.get("Set-Cookie", "")
        css_path = html.split('rel="stylesheet" href="')[1].split('"')[0]
        assert css_path.startswith("/static/ketacare/app.") and css_path.endswith(".css")
        css = urllib.request.urlopen(base + css_path, timeout=5)
        assert css.status == 200 and b"--brand" in css.read()
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_concurrent_audited_requests_on_sqlite_all_succeed(env):
    """Each API read writes an audit entry; on the default SQLite file, parallel requests must
    queue for the write lock, never fail with 'database is locked'."""
    import socket
    import time
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    assert run(env, "migrate").returncode == 0
    assert run(env, "demo", "--patients", "5").returncode == 0
    token = run(env, "createtoken", "nurse@riverside.example").stdout.strip()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [*KETACARE, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/api/patients/"

    def get(_: int) -> int:
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status

    try:
        for _ in range(100):
            try:
                get(0)
                break
            except OSError:
                time.sleep(0.2)
        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(get, range(40)))
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert statuses == [200] * 40
    assert run(env, "audit", "verify").returncode == 0


@pytest.mark.parametrize(
    "command",
    [
        ["audit", "verify"],
        ["audit", "anchor"],
        ["createtoken", "x@y.example"],
        ["demo"],
        ["refresh-outcomes"],
        ["createclinic", "Lakeside"],
        ["serve"],
    ],  # fmt: skip
    ids=lambda argv: " ".join(argv),
)
def test_commands_needing_the_database_say_run_migrate_first_on_a_fresh_checkout(env, command):
    result = run(env, *command)
    assert result.returncode == 2, result.stderr
    assert "run `ketacare migrate` first" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", [["audit", "verify"], ["migrate"]], ids=" ".join)
def test_a_database_that_cannot_be_reached_is_named_without_a_traceback(env, command):
    with_no_server = {**env, "DATABASE_URL": "postgres://nobody@127.0.0.1:9/ketacare"}
    result = run(with_no_server, *command)
    assert result.returncode == 2 and "cannot use the database" in result.stderr
    assert "DATABASE_URL" in result.stderr and "Traceback" not in result.stderr


def test_output_cut_short_by_head_ends_quietly(env):
    """`| head` closes the pipe while ketacare still writes: no traceback, no 'Exception
    ignored', and the status a shell gives a process ended by SIGPIPE."""
    argv = " ".join([*KETACARE, "simulate", "--route", "iv", "--dose-mg", "35", "--weight-kg",
                     "70", "--hours", "48", "--step-min", "0.1", "--json"])  # fmt: skip
    result = subprocess.run(
        ["bash", "-c", f"{argv} | head -c 20; s=${{PIPESTATUS[0]}}; echo; echo status=$s"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.stdout.startswith('{"route": "iv"')
    assert "status=141" in result.stdout
    assert result.stderr == ""


def test_operator_anchors_rotates_the_key_and_verifies_against_the_anchor(env):
    run(env, "migrate")
    assert run(env, "createclinic", "Lakeside Clinic").returncode == 0
    anchor = run(env, "audit", "anchor")
    assert anchor.returncode == 0
    count, rest = anchor.stdout.strip().split(":", 1)
    assert int(count) >= 2 and len(rest.split("@")[0]) == 64 and rest.endswith("Z")
    rotated = run(env, "audit", "rotate-key")
    assert rotated.returncode == 0 and "now uses key" in rotated.stdout
    verified = run(env, "audit", "verify", "--anchor", anchor.stdout.strip())
    assert verified.returncode == 0, verified.stderr
    assert "1 anchor(s) found in it" in verified.stdout
    forged = f"{count}:{'ab' * 32}"
    mismatch = run(env, "audit", "verify", "--anchor", forged)
    assert mismatch.returncode == 1 and "was rewritten" in mismatch.stderr
    beyond = run(env, "audit", "verify", "--anchor", f"{int(count) + 99}:{'ab' * 32}")
    assert beyond.returncode == 1 and "removed from the end" in beyond.stderr
    garbled = run(env, "audit", "verify", "--anchor", "yesterday")
    assert garbled.returncode == 2 and "not an audit anchor" in garbled.stderr


def test_add_key_then_rotate_to_it_as_on_several_servers(env):
    run(env, "migrate")
    run(env, "createclinic", "Lakeside Clinic")
    added = run(env, "audit", "add-key")
    key_id = added.stdout.split("Added audit key ")[1].split()[0]
    assert run(env, "audit", "verify").returncode == 0  # prepared, not in use yet
    assert run(env, "audit", "rotate-key", "--to", key_id).returncode == 0
    again = run(env, "audit", "rotate-key", "--to", key_id)
    assert again.returncode == 2 and "already uses key" in again.stderr
    unknown = run(env, "audit", "rotate-key", "--to", "no-such-key")
    assert unknown.returncode == 2 and "No key 'no-such-key'" in unknown.stderr
    assert run(env, "audit", "verify").returncode == 0


LEGACY_HISTORY = """
import django, os
os.environ["DJANGO_SETTINGS_MODULE"] = "ketacare.config.settings"
django.setup()
from django.utils import timezone
from ketacare.audit.models import AuditChainHead, AuditEntry
prev = "0" * 64
for i in range(3):  # as written before keying: plain SHA-256, no key id
    e = AuditEntry(at=timezone.now(), user_email="old@x.example", action="read",
                   object_type="patient", object_id=str(i), prev_hash=prev)
    e.entry_hash = e.compute_hash(None)
    e.save()
    prev = e.entry_hash
AuditChainHead.objects.update_or_create(pk=1, defaults={"last_hash": prev, "count": 3})
"""


def test_upgrading_a_log_written_before_keying_seals_it_at_migrate(env):
    run(env, "migrate")
    legacy = subprocess.run([sys.executable, "-c", LEGACY_HISTORY], env=env, timeout=60)
    assert legacy.returncode == 0
    unsealed = run(env, "audit", "verify")
    assert unsealed.returncode == 1 and "run `ketacare migrate`" in unsealed.stderr
    migrated = run(env, "migrate")
    assert "the 3 entries written before keying are now sealed" in migrated.stdout
    verified = run(env, "audit", "verify")
    assert verified.returncode == 0 and "4 entries, chain intact" in verified.stdout
    assert run(env, "migrate").stdout == ""  # sealed once
