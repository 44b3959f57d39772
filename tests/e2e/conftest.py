"""Playwright drives Debian's Chromium (/usr/bin/chromium); no browser is ever downloaded."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.e2e.axe_guard import AxeGuard

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where screenshots go: a temporary folder, or docs/screenshots when refreshing the
    docs (KETACARE_SCREENSHOTS=docs make test), so an ordinary run leaves the tree clean."""
    if os.environ.get("KETACARE_SCREENSHOTS") == "docs":
        folder = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return tmp_path


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):  # type: ignore[no-untyped-def]
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        # Keep Chromium off the network except loopback (both EXCLUDEs are needed).
        "args": ["--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost"],
    }


@pytest.fixture(autouse=True)
def axe_guard(monkeypatch):  # type: ignore[no-untyped-def]
    """axe-core checks every page state each browser test reaches (tests/e2e/axe_guard.py),
    in every context, whether pytest-playwright's fixtures or browser.new_context made it;
    any violation fails the test at teardown."""
    guard = AxeGuard()
    guard.install(monkeypatch)
    yield guard
    if guard.violations:
        pytest.fail(guard.report(), pytrace=False)


@pytest.fixture
def front_desk(transactional_db):  # type: ignore[no-untyped-def]
    from ketacare.accounts.models import Membership, User
    from ketacare.clinics.models import Clinic

    clinic = Clinic.objects.create(
        name="Riverside Ketamine Clinic", slug="riverside", licensed_states=["NY", "NJ"]
    )
    user = User.objects.create_user("frontdesk@riverside.example", PASSWORD, full_name="Fran Desk")
    Membership.objects.create(user=user, clinic=clinic, role="front_desk")
    return user


def log_in(page, base_url: str, email: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
