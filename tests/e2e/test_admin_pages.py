"""A clinic admin's pages in a real browser at phone width: the list, the audit log, the users."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PASSWORD, log_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def admin(front_desk):  # type: ignore[no-untyped-def]
    from ketacare.accounts.models import Membership, User

    user = User.objects.create_user("admin@riverside.example", PASSWORD, full_name="Ada Admin")
    Membership.objects.create(user=user, clinic=front_desk.memberships.get().clinic,
                              role="clinic_admin")  # fmt: skip
    return user


def test_admin_searches_patients_reads_the_audit_log_and_manages_users(
    page: Page, live_server, admin, shots
):
    from ketacare.demo import load_demo

    load_demo(patients=12)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, admin.email, PASSWORD)
    expect(page.get_by_test_id("today")).to_be_visible()  # staff land on the clinic's day
    page.get_by_role("link", name="Patients", exact=True).click()
    expect(page.get_by_role("heading", name="Patients")).to_be_visible()
    rows = page.locator("#patient-rows tr")
    expect(rows).to_have_count(12)
    page.get_by_placeholder("Search by name or MRN").fill("RKC-0003")  # htmx live search
    expect(rows).to_have_count(1)
    assert "RKC-0003" not in page.url  # the term stays out of the address bar and history
    page.screenshot(path=str(shots / "patient-list-phone.png"), full_page=True)
    rows.first.get_by_role("link").click()
    expect(page.get_by_test_id("patient-name")).to_be_visible()

    page.get_by_role("link", name="Audit log").click()
    expect(page.locator("tbody")).to_contain_text("admin@riverside.example")
    expect(page.locator("tbody")).to_contain_text("Read")
    page.screenshot(path=str(shots / "audit-log-phone.png"), full_page=True)

    page.get_by_role("link", name="Users").click()
    expect(page.get_by_test_id("member-frontdesk@riverside.example")).to_contain_text("Active")
    page.screenshot(path=str(shots / "users-phone.png"), full_page=True)
