"""A referral arrives through the clinic's public form and front desk accepts it, which
registers the patient; in a real browser, with the form and the queue at phone and desktop
width (KETACARE_SCREENSHOTS=docs refreshes docs/screenshots)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import PASSWORD, log_in
from tests.e2e.steps import fill_provider_referral

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _send_referral(browser: Browser, base: str, shots) -> str:  # type: ignore[no-untyped-def]
    """As a referring provider, not logged in: a mistake first, then the referral."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{base}/c/riverside/refer/")
    expect(page.get_by_role("heading", name="Refer a patient to Riverside")).to_be_visible()
    page.screenshot(path=str(shots / "referral-form-phone.png"), full_page=True)
    fill_provider_referral(page)
    page.get_by_label("Referring provider's NPI").fill("1234567890")  # wrong check digit
    page.get_by_role("button", name="Send referral").click()
    expect(page.locator('[data-field="referrer_npi"]')).to_contain_text("check digit")
    page.get_by_label("Referring provider's NPI").fill("1234567893")
    page.get_by_role("button", name="Send referral").click()
    reference = page.get_by_test_id("reference")
    expect(reference).to_have_text(re.compile(r"^REF-[0-9A-Z]{5}-[0-9A-Z]{5}$"))
    text = reference.inner_text()
    page.set_viewport_size(DESKTOP)
    page.goto(f"{base}/c/riverside/refer/")
    page.screenshot(path=str(shots / "referral-form-desktop.png"), full_page=True)
    context.close()
    return text


def test_a_referral_arrives_and_front_desk_accepts_it_registering_the_patient(
    page: Page, browser: Browser, live_server, front_desk, shots
):
    reference = _send_referral(browser, live_server.url, shots)

    page.set_viewport_size(DESKTOP)
    log_in(page, live_server.url, front_desk.email, PASSWORD)
    page.get_by_role("link", name="Referrals").first.click()
    queue = page.get_by_test_id("referral-queue")
    expect(queue).to_contain_text(reference)
    expect(queue).to_contain_text("Morgan Delacroix")
    page.screenshot(path=str(shots / "referral-queue-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(shots / "referral-queue-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)

    page.get_by_role("link", name=reference).click()
    expect(page.get_by_test_id("referral-status")).to_have_text("New")
    expect(page.get_by_test_id("no-candidates")).to_be_visible()
    page.screenshot(path=str(shots / "referral-detail-desktop.png"), full_page=True)
    page.get_by_role("link", name="Accept and register").click()
    expect(page.get_by_label("First name")).to_have_value("Morgan")
    expect(page.get_by_label("Referring provider NPI")).to_have_value("1234567893")
    page.get_by_label("MRN").fill("RKC-7001")
    page.get_by_label("Sex").select_option("female")
    page.get_by_label("Weight (kg)").fill("71.5")
    page.get_by_role("button", name="Register patient and accept").click()

    expect(page.get_by_test_id("patient-name")).to_have_text("Morgan Delacroix")
    expect(page.locator("body")).to_contain_text(f"Referral {reference} accepted")
    page.get_by_role("link", name="Referrals").first.click()
    expect(page.get_by_test_id("queue-count")).to_contain_text("0 in")
    page.get_by_role("link", name="Accepted").click()
    expect(page.get_by_test_id("referral-queue")).to_contain_text(reference)
