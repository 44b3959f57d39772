"""The education pages on a phone, as a patient: readable, nothing wider than the screen, and
the patient's own planned dose drawn and explained."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PASSWORD, log_in
from tests.e2e.test_patient_phone import demo_patient  # noqa: F401 (fixture)

pytestmark = pytest.mark.e2e


def test_a_patient_learns_on_a_phone_and_sees_their_planned_dose(
    page: Page,
    live_server,
    demo_patient,  # noqa: F811 (the fixture imported above)
    shots,
):
    user, patient, plan = demo_patient
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, user.email, PASSWORD)
    page.get_by_role("link", name="Learn").click()
    expect(page.get_by_role("heading", name="Learn about ketamine treatment")).to_be_visible()
    page.get_by_role("link", name="How ketamine works").click()
    expect(page.get_by_test_id("sources")).to_contain_text("Kishimoto")
    page.get_by_role("link", name="[1]").first.click()  # a citation jumps to its source
    expect(page.locator("#source-P13")).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(shots / "learn-topic-phone.png"), full_page=True)

    page.goto(f"{live_server.url}/learn/")
    page.get_by_role("link", name="See your next planned dose").click()
    expect(page.get_by_test_id("planned-dose")).to_contain_text("minutes after the dose starts")
    page.wait_for_function("() => document.querySelector('img.chart').naturalWidth > 0")
    assert "size=narrow" in page.locator("img.chart").evaluate("img => img.currentSrc")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(shots / "learn-dose-phone.png"), full_page=True)
