"""On a phone, at a fixed clock two weeks before the audio-video flexibility ends (H12): the
prescriber is refused starting the encounter with the patient in a state the clinic is not
licensed in (H15), starts it in a licensed one and sees the flexibility notice; front desk then
sees the encounter started, on the video visit page and on Today, without the note."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PASSWORD, log_in
from tests.e2e.test_telehealth_phone import PHONE, video_visit  # noqa: F401 (fixture)

pytestmark = pytest.mark.e2e
FIXED = datetime(2026, 12, 15, 17, 0, tzinfo=UTC)  # noon in New York


def fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_licensed_state_at_the_start_the_notice_and_what_front_desk_sees(
    page: Page,
    live_server,
    video_visit,  # noqa: F811
    front_desk,
    shots,
    monkeypatch,  # noqa: F811
):
    monkeypatch.setattr(timezone, "now", lambda: FIXED)
    prescriber, patient, visit = video_visit
    visit.starts_at, visit.ends_at = FIXED + timedelta(hours=1), FIXED + timedelta(hours=2)
    visit.save()  # on the fixed clock's day, so Today lists it
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, prescriber.email, PASSWORD)
    page.goto(f"{live_server.url}/appointments/{visit.public_id}/video/")
    page.get_by_label("State where the patient is now").select_option("CT")
    page.get_by_role("button", name="Start the encounter").click()
    refusal = page.locator('.field-error[data-field="patient_state"]')
    expect(refusal).to_contain_text("not licensed in CT")
    page.screenshot(path=str(shots / "telehealth-unlicensed-phone.png"), full_page=True)
    fits(page)

    page.get_by_label("State where the patient is now").select_option("NJ")
    page.get_by_role("button", name="Start the encounter").click()
    notice = page.get_by_test_id("flexibility-notice")
    expect(notice).to_contain_text("ends on 2026-12-31")
    expect(notice).to_contain_text("16 days left")
    page.get_by_label("Encounter note").fill("Private: talked about the divorce.")
    page.get_by_role("button", name="Save draft").click()
    page.screenshot(path=str(shots / "telehealth-flexibility-notice-phone.png"), full_page=True)
    fits(page)

    page.context.clear_cookies()
    log_in(page, live_server.url, front_desk.email, PASSWORD)
    page.goto(f"{live_server.url}/appointments/{visit.public_id}/video/")
    expect(page.get_by_test_id("encounter-progress")).to_contain_text("note not signed yet")
    expect(page.get_by_text("Not started yet")).to_have_count(0)
    expect(page.get_by_text("divorce")).to_have_count(0)
    fits(page)
    page.goto(f"{live_server.url}/today/")
    expect(page.get_by_test_id("visit-state")).to_have_text("encounter started")
    expect(page.get_by_test_id("flexibility-notice")).to_have_count(0)
    page.screenshot(path=str(shots / "today-video-visit-front-desk-phone.png"), full_page=True)
    fits(page)
