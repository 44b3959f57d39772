"""A nurse runs an IV session in a browser: pre-dose check, readings, an alert, no early exit."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PASSWORD, log_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def nurse(front_desk):  # type: ignore[no-untyped-def]
    from ketacare.accounts.models import User
    from ketacare.demo import load_demo

    load_demo(patients=4)
    user = User.objects.get(email="nurse@riverside.example")
    user.set_password(PASSWORD)
    user.save()
    return user


def test_nurse_runs_a_session_and_discharge_waits_for_every_criterion(
    page: Page, live_server, nurse, shots
):
    from ketacare.patients.models import Patient

    patient = Patient.objects.get(mrn="RKC-0003")
    log_in(page, live_server.url, nurse.email, PASSWORD)
    page.goto(f"{live_server.url}/patients/{patient.public_id}/")
    page.get_by_role("link", name="Start a session").click()
    page.get_by_label("Systolic (mmHg)").fill("128")
    page.get_by_label("Diastolic (mmHg)").fill("82")
    page.get_by_label("Pregnancy").select_option("not pregnant")
    page.get_by_role("button", name="Check and start").click()
    expect(page.get_by_test_id("session-status")).to_have_text("In progress")

    for systolic, diastolic in [(136, 86), (189, 106)]:
        page.get_by_label("Systolic (mmHg)").fill(str(systolic))
        page.get_by_label("Diastolic (mmHg)").fill(str(diastolic))
        page.get_by_role("button", name="Record reading").click()
    expect(page.get_by_test_id("reading-alert").first).to_contain_text("above 180/100")

    page.get_by_label("Alert and oriented").check()
    page.get_by_role("button", name="Check and discharge").click()
    expect(page.get_by_test_id("unmet")).to_contain_text("no escort")
    expect(page.get_by_test_id("session-status")).to_have_text("In progress")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(shots / "session-desktop.png"), full_page=True)
