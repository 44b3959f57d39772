"""A nurse keeps the controlled-substance log in a real browser, at phone and desktop width:
a receipt, a waste witnessed by the prescriber, and a refused overdraw."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PASSWORD, log_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def staff(front_desk):  # type: ignore[no-untyped-def]
    from ketacare.accounts.models import Membership, User

    clinic = front_desk.memberships.get().clinic
    made = {}
    for role in ("nurse", "prescriber"):
        user = User.objects.create_user(f"{role}@riverside.example", PASSWORD)
        Membership.objects.create(user=user, clinic=clinic, role=role)
        made[role] = user
    return made


def test_nurse_records_a_receipt_and_a_witnessed_waste(page: Page, live_server, staff, shots):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, staff["nurse"].email, PASSWORD)
    page.get_by_role("link", name="Controlled substances").click()
    page.get_by_label("Product").select_option("ketamine")
    page.get_by_label("Lot number").fill("KET-77")
    page.get_by_label("Expiry").fill("2030-06-30")
    page.get_by_label("Quantity").fill("500")
    page.get_by_label("Supplier").fill("Acme Wholesale, invoice 12")
    page.get_by_role("button", name="Record receipt").click()
    expect(page.get_by_test_id("lots")).to_contain_text("500 mg")

    page.get_by_role("link", name="KET-77").first.click()
    waste = page.locator("#waste")
    waste.get_by_label("Quantity").fill("20")
    waste.get_by_label("Reason").fill("remainder of a drawn syringe")
    waste.get_by_label("Witness (another prescriber or nurse)").fill(staff["prescriber"].email)
    waste.get_by_label("Witness's password").fill(PASSWORD)
    waste.get_by_role("button", name="Record").click()
    expect(page.get_by_test_id("balance")).to_contain_text("480 mg")
    expect(page.get_by_test_id("entries")).to_contain_text("witnessed by prescriber@")

    transfer = page.locator("#transfer")
    transfer.get_by_label("Quantity").fill("900")
    transfer.get_by_label("Other registrant (name, DEA number)").fill("Riverside North")
    transfer.get_by_label("Reason").fill("they ran short")
    transfer.get_by_role("button", name="Record").click()
    expect(page.locator("#transfer .field-error")).to_contain_text("Only 480 mg")
    expect(page.get_by_test_id("balance")).to_contain_text("480 mg")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(shots / "controlled-lot-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="All stock").click()
    page.screenshot(path=str(shots / "controlled-ledger-desktop.png"), full_page=True)
