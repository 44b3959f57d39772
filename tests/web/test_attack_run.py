"""The attack run of issue 8 (bench/attack_run.py), scaled down: its own throwaway data,
gunicorn in production settings on loopback, every attack over HTTP, and the audit chain
forged in the database. Every attack must be tried and none may succeed.

The run makes its own SQLite databases, so it runs once per suite (not again on the
PostgreSQL pass); its detectors are checked here too, so a run that finds nothing means the
attacks were refused, not that the checks cannot see them."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "attack_run.py"
ROW = re.compile(r"^  (?P<attack>\S.*?)\s+(?P<tries>\d+)\s+(?P<refused>\d+)\s+(?P<ok>\d+)\s+"
                 r"(?P<errors>\d+)$")  # fmt: skip


def load_script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("attack_run", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("attack_run", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")),
    reason="the attack run makes its own SQLite databases; the SQLite pass runs it",
)
def test_the_quick_attack_run_tries_every_attack_and_none_succeeds():
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "KETACARE_VAR_DIR")}
    done = subprocess.run([sys.executable, str(SCRIPT), "--quick"], env=env,
                          capture_output=True, text=True, timeout=1200)  # fmt: skip
    rows = [m.groupdict() for line in done.stdout.splitlines() if (m := ROW.match(line))]
    assert len(rows) == 14, done.stdout + done.stderr[-3000:]
    for row in rows:
        tries, refused = int(row["tries"]), int(row["refused"])
        assert tries > 0 and refused == tries, row
        assert row["ok"] == "0" and row["errors"] == "0", row
    shown = re.search(r"payloads shown escaped (\d+) times", done.stdout)
    assert shown and int(shown[1]) > 0, "no XSS payload was stored: the check saw nothing"
    assert done.returncode == 0 and "every attack refused" in done.stdout, done.stdout


def redirect(location: str) -> httpx.Response:
    return httpx.Response(302, headers={"Location": location})


def test_the_run_sees_an_off_site_redirect_for_what_it_is():
    offsite = load_script()._offsite
    for location in ("https://evil.example/", "//evil.example/", "/\\evil.example/",
                     "javascript:alert(1)", "http://127.0.0.1@evil.example/"):  # fmt: skip
        assert offsite(redirect(location)), location
    for location in ("/patients/", "/accounts/otp/verify/?next=/patients/", "?page=2"):
        assert not offsite(redirect(location)), location
    assert not offsite(httpx.Response(200, headers={"Location": "https://evil.example/"}))


def test_a_tally_counts_a_success_and_a_server_error_as_failures():
    script = load_script()
    tally = script.Tally("probe")
    tally.answer(httpx.Response(404), True, "refused")
    tally.answer(httpx.Response(200), False, "got through")
    tally.answer(httpx.Response(500), True, "crashed")
    assert (tally.tries, tally.refused, tally.succeeded, tally.errors) == (3, 1, 2, 1)
    assert any("got through" in found for found in tally.found)


def test_the_totp_codes_are_rfc_6238():
    # RFC 6238 appendix B, SHA-1, T = 59 s: 94287082, whose last six digits an app shows.
    key = b"12345678901234567890".hex()
    assert load_script().totp(key, 59 // 30) == "287082"
