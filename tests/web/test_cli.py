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


def test_deploy_checks_pass_in_production_mode(env):
    prod = {
        **env,
        "KETACARE_ENV": "production",
        "SECRET_KEY": "p" * 64 + "-Xy9!",
        "ALLOWED_HOSTS": "clinic.example.org",
    }
    result = run(prod, "check", "--deploy")
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


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
    }
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
