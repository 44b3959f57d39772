"""A patient's own pages on a phone: plain words, nothing wider than the screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PASSWORD, log_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo_patient(transactional_db):  # type: ignore[no-untyped-def]
    """The demo clinic's portal patient, with a plan and months of scales."""
    from datetime import timedelta

    from django.utils import timezone

    from ketacare.accounts.models import User
    from ketacare.accounts.roles import Role
    from ketacare.demo import DEMO_USERS, load_demo
    from ketacare.treatment.services import plans
    from tests.conftest import actor_for

    load_demo(patients=3)
    user = User.objects.get(email=DEMO_USERS[Role.PATIENT])
    user.set_password(PASSWORD)
    user.save()
    patient = user.patient_record
    prescriber = User.objects.get(email=DEMO_USERS[Role.PRESCRIBER])
    actor = actor_for(prescriber, patient.clinic, "prescriber")
    start = timezone.localdate() + timedelta(days=1)
    plan = plans.create_plan(actor, patient.public_id, plans.NewPlan("iv-induction", start))
    return user, patient, plan


def _fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_patient_pages_fit_a_phone_and_speak_plainly(page: Page, live_server, demo_patient, shots):
    user, patient, plan = demo_patient
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, user.email, PASSWORD)
    expect(page.get_by_test_id("portal-home")).to_be_visible()  # the portal home first
    page.get_by_role("link", name="My record").click()
    expect(page.get_by_test_id("patient-name")).to_be_visible()
    chart = page.locator("main").inner_text()
    assert "MRN" not in chart and "NPI" not in chart
    _fits(page)
    page.screenshot(path=str(shots / "portal-chart-phone.png"), full_page=True)

    page.goto(f"{live_server.url}/plans/{plan.public_id}/")
    expect(page.get_by_test_id("plan-schedule")).to_be_visible()
    assert "K1" not in page.locator("main").inner_text()
    _fits(page)
    page.screenshot(path=str(shots / "portal-plan-phone.png"), full_page=True)

    page.goto(f"{live_server.url}/patients/{patient.public_id}/scales/")
    for summary in page.locator("details summary").all():
        summary.click()  # open every table of answers
    text = page.locator("main").inner_text()
    assert "docs/clinical-rules.md" not in text and "MRN" not in text
    _fits(page)
    page.screenshot(path=str(shots / "portal-scales-phone.png"), full_page=True)

    page.get_by_role("link", name="My account").click()
    expect(page.get_by_role("heading", name="My account")).to_be_visible()
    expect(page.get_by_role("heading", name="API tokens")).to_have_count(0)
    _fits(page)
    page.screenshot(path=str(shots / "portal-account-phone.png"), full_page=True)
