"""A front-desk user's day in a real browser: log in, register a patient, see the chart, log out."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PASSWORD, log_in

pytestmark = pytest.mark.e2e


def test_front_desk_registers_patient_and_opens_chart(page: Page, live_server, front_desk, shots):
    log_in(page, live_server.url, front_desk.email, PASSWORD)
    expect(page.get_by_test_id("clinic-name")).to_have_text("Riverside Ketamine Clinic")
    expect(page.get_by_test_id("user-role")).to_have_text("Front desk")

    page.get_by_role("link", name="New patient").first.click()
    page.get_by_label("MRN").fill("RKC-9001")
    page.get_by_label("First name").fill("Jordan")
    page.get_by_label("Last name").fill("Rivera")
    page.get_by_label("Date of birth").fill("1984-03-14")
    page.get_by_label("Sex").select_option("female")
    page.get_by_label("Weight (kg)").fill("500")  # a typo: pounds, not kg
    page.get_by_label("State of residence").select_option("NY")
    page.get_by_label("Diagnoses (ICD-10-CM)").fill("F33.2, F41.1")
    page.get_by_role("button", name="Register patient").click()
    expect(page.locator('[data-field="weight_kg"]')).to_contain_text("between 20 and 400 kg")

    page.get_by_label("Weight (kg)").fill("72.5")
    page.get_by_role("button", name="Register patient").click()
    expect(page.get_by_test_id("patient-name")).to_have_text("Jordan Rivera")
    expect(page.locator("body")).to_contain_text("F41.1")

    page.set_viewport_size({"width": 1280, "height": 800})
    page.screenshot(path=str(shots / "patient-chart-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(shots / "patient-chart-phone.png"), full_page=True)

    page.get_by_role("button", name="Log out", exact=True).click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.goto(f"{live_server.url}/patients/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/patients/")


def test_five_failed_logins_lock_the_account_with_a_clear_message(
    page: Page, live_server, front_desk, shots
):
    for _ in range(5):
        log_in(page, live_server.url, front_desk.email, "wrong-password-123")
    expect(page.get_by_test_id("lockout")).to_contain_text("locked after 5 failed attempts")
    # Even the right password is refused while locked.
    log_in(page, live_server.url, front_desk.email, PASSWORD)
    expect(page.get_by_test_id("lockout")).to_be_visible()
