"""A database that is locked, down or restarting answers 503 with Retry-After: JSON on the
API, a page in plain words on the site. Real databases: a second SQLite connection holding
the write lock, and a real server whose PostgreSQL port is closed."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.db import connection
from django.test import Client

from ketacare.measures.models import ScaleResponse

PHQ9 = [1, 2, 3, 0, 1, 2, 1, 0, 0]


@pytest.fixture
def sqlite_write_lock_held(transactional_db):  # type: ignore[no-untyped-def]
    """Another writer holds SQLite's write lock; ours gives up after 0.1 s, not 20."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's database-wide write lock")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout = 100")
    other = sqlite3.connect(connection.settings_dict["NAME"], uri=True, isolation_level=None)
    yield other
    other.execute("ROLLBACK")
    other.close()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout = 20000")


def test_a_write_while_sqlite_is_locked_is_a_503_with_retry_after(world, sqlite_write_lock_held):
    api, site = Client(raise_request_exception=False), Client(raise_request_exception=False)
    api.force_login(world.users_a["nurse"])
    site.force_login(world.users_a["nurse"])
    sqlite_write_lock_held.execute("BEGIN IMMEDIATE")
    url = f"/api/patients/{world.patient_a.public_id}/scales"
    body = json.dumps({"instrument": "phq9", "answers": PHQ9})
    answer = api.post(url, body, content_type="application/json")
    assert answer.status_code == 503 and int(answer["Retry-After"]) > 0
    assert "Retry in" in answer.json()["detail"]
    form = {f"item_{n}": str(a) for n, a in enumerate(PHQ9, start=1)}
    page = site.post(f"/patients/{world.patient_a.public_id}/scales/phq9/new/", form)
    assert page.status_code == 503 and int(page["Retry-After"]) > 0
    assert "busy for a moment" in page.content.decode()
    read = site.get(f"/patients/{world.patient_a.public_id}/")  # its audit entry is a write
    assert read.status_code == 503 and "busy for a moment" in read.content.decode()
    sqlite_write_lock_held.execute("ROLLBACK")
    sqlite_write_lock_held.execute("BEGIN")  # the fixture's ROLLBACK ends this one
    assert not ScaleResponse.objects.exists()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(params=["production", "development"])
def server_without_database(request, tmp_path):  # type: ignore[no-untyped-def]
    """gunicorn serving KetaCare while its PostgreSQL is down (nothing listens on the port)."""
    port, closed = _free_port(), _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{closed}/ketacare",
        "KETACARE_ENV": request.param,
        "KETACARE_VAR_DIR": str(tmp_path),
        "SECRET_KEY": "test-" + "s" * 50,
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    cmd = [sys.executable, "-m", "gunicorn", "-b", f"127.0.0.1:{port}", "-w", "1",
           "ketacare.config.wsgi"]  # fmt: skip
    server = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def _get(url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def test_a_database_outage_is_a_503_json_on_the_api_and_a_page_on_the_site(
    server_without_database,
):
    status, headers, body = _get(
        f"{server_without_database}/api/patients/", {"Authorization": "Bearer some-token"}
    )
    assert (status, headers["Content-Type"]) == (503, "application/json")
    assert int(headers["Retry-After"]) > 0 and "Retry in" in json.loads(body)["detail"]
    session = "a" * 32  # a logged-in browser: its session is looked up in the database
    cookies = f"sessionid={session}; __Host-sessionid={session}"
    status, headers, body = _get(f"{server_without_database}/patients/", {"Cookie": cookies})
    assert status == 503 and headers["Content-Type"].startswith("text/html")
    assert int(headers["Retry-After"]) > 0 and "busy for a moment" in body


def test_production_keeps_database_connections_open_and_checks_them_before_reuse(tmp_path):
    env = {**os.environ, "KETACARE_ENV": "production", "SECRET_KEY": "s" * 50,
           "KETACARE_VAR_DIR": str(tmp_path),
           "DATABASE_URL": "postgres://postgres@127.0.0.1:1/ketacare"}  # fmt: skip
    env.pop("CONN_MAX_AGE", None)
    code = (
        "from ketacare.config import settings as s; d = s.DATABASES['default']; "
        "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    max_age, health_checks = out.stdout.split()
    assert int(max_age) >= 60 and health_checks == "True"
