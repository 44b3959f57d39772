"""A nurse runs an IV session in a browser: pre-dose check, readings, a low SpO2 and a sedated
patient raise alerts, and discharge is refused until every criterion is met."""

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


def test_low_spo2_and_sedation_raise_alerts_and_discharge_is_refused(
    page: Page, live_server, nurse, shots
):
    from ketacare.patients.models import Patient

    patient = Patient.objects.get(mrn="RKC-0003")
    log_in(page, live_server.url, nurse.email, PASSWORD)
    page.goto(f"{live_server.url}/patients/{patient.public_id}/")
    page.get_by_role("link", name="Start a session").click()
    page.get_by_label("Systolic (mmHg)").fill("128")
    page.get_by_label("Diastolic (mmHg)").fill("82")
    page.get_by_label("SpO2 (%)").fill("98")
    page.get_by_label("Respiration rate (/min)").fill("14")
    page.get_by_label("Pregnancy").select_option("not pregnant")
    page.get_by_role("button", name="Check and start").click()
    expect(page.get_by_test_id("session-status")).to_have_text("In progress")

    page.get_by_label("Systolic (mmHg)").fill("136")
    page.get_by_label("Diastolic (mmHg)").fill("86")
    page.get_by_role("button", name="Record reading").click()
    # The reading goes in with htmx: wait for the vitals part to come back before the next.
    expect(page.get_by_test_id("readings")).to_contain_text("136/86")
    page.get_by_label("Systolic (mmHg)").fill("118")
    page.get_by_label("Diastolic (mmHg)").fill("76")
    page.get_by_label("SpO2 (%)").fill("84")
    page.get_by_label("Respiration rate (/min)").fill("8")
    page.get_by_label("MOAA/S").select_option("2")
    page.get_by_role("button", name="Record reading").click()
    alerts = page.get_by_test_id("reading-alert")
    expect(alerts.filter(has_text="SpO2 84% at or below 91%")).to_have_count(1)
    expect(alerts.filter(has_text="MOAA/S 2 at or below 3")).to_have_count(1)
    expect(page.get_by_test_id("reading-news2").last).to_contain_text("9")
    box = page.get_by_test_id("session-alerts")
    expect(box).to_have_attribute("role", "alert")
    expect(box).to_have_css("background-color", "rgb(253, 236, 234)")
    expect(box).to_contain_text("Hold dosing: pause or stop the infusion")
    box.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("Write what was done about the alert")).to_be_visible()

    page.get_by_label("Alert and oriented").check()
    page.get_by_role("button", name="Check and discharge").click()
    expect(page.get_by_test_id("unmet")).to_contain_text("no escort")
    expect(page.get_by_test_id("unmet")).to_contain_text("SpO2 84% at or below 91%")
    expect(page.get_by_test_id("unmet")).to_contain_text("not yet acknowledged")
    expect(page.get_by_test_id("session-status")).to_have_text("In progress")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(shots / "session-desktop.png"), full_page=True)
