"""A nurse records a PHQ-9 whose item 9 is positive: the alert shows until she acknowledges it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PASSWORD, log_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def nurse(front_desk):  # type: ignore[no-untyped-def]
    from ketacare.accounts.models import Membership, User
    from ketacare.demo import load_demo

    load_demo(patients=8)
    user = User.objects.get(email="nurse@riverside.example")
    user.set_password(PASSWORD)
    user.save()
    assert Membership.objects.filter(user=user, role="nurse").exists()
    return user


def test_nurse_records_phq9_and_acknowledges_the_suicidality_alert(
    page: Page, live_server, nurse, shots
):
    from ketacare.patients.models import Patient

    patient = Patient.objects.get(mrn="RKC-0002")
    log_in(page, live_server.url, nurse.email, PASSWORD)
    page.goto(f"{live_server.url}/patients/{patient.public_id}/")
    page.get_by_role("link", name="Scales and trajectories").click()
    expect(page.locator("img.chart").first).to_be_visible()
    page.get_by_role("link", name="PHQ-9").click()
    for item, answer in enumerate([2, 2, 1, 1, 1, 1, 0, 0, 1], start=1):
        page.locator(f'input[name="item_{item}"][value="{answer}"]').check()
    page.get_by_role("button", name="Save PHQ-9").click()
    expect(page.locator(".messages")).to_contain_text("PHQ-9 recorded: 9 (mild)")
    alert = page.get_by_test_id("safety-alert")
    expect(alert).to_contain_text("PHQ-9 item 9")
    page.set_viewport_size({"width": 1280, "height": 800})
    # Wait for the chart image; wait_for_function would need eval, which our CSP forbids.
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(shots / "scales-desktop.png"), full_page=True)

    page.get_by_test_id("patient-banner").get_by_role("link", name=patient.full_name).click()
    expect(page.get_by_test_id("safety-alert")).to_be_visible()  # on the chart too
    page.get_by_placeholder("What was done").fill("Safety plan reviewed; no intent.")
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.locator(".messages")).to_contain_text("Alert acknowledged")
    expect(page.get_by_test_id("safety-alert")).to_have_count(0)
