"""A nurse keeps an esketamine run sheet in a browser: the dose from the clinic's lot with
each device's time, vital signs by htmx (the page is not reloaded; focus moves to the
result), an adverse event, discharge and the signature that locks it; then a prescriber's
amendment keeps the original. Screenshots of the run sheet at phone and desktop width."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PASSWORD, log_in
from tests.e2e.steps import (
    discharge,
    record_esketamine_dose,
    record_full_reading_now,
    record_raised_reading,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def esketamine_session(front_desk):  # type: ignore[no-untyped-def]
    """A demo clinic's esketamine session started 130 minutes ago (made directly, so the
    test starts on the run sheet), with the demo's esketamine lot in the log."""
    from django.utils import timezone

    from ketacare.accounts.models import User
    from ketacare.demo import load_demo
    from ketacare.patients.models import Patient
    from ketacare.sessions.models import DosingSession

    load_demo(patients=4)
    for email in ("nurse@riverside.example", "prescriber@riverside.example"):
        user = User.objects.get(email=email)
        user.set_password(PASSWORD)
        user.save()
    patient = Patient.objects.get(mrn="RKC-0002")
    DosingSession.objects.filter(patient=patient, status="in_progress").update(status="not_dosed")
    vitals = {"systolic_mmhg": 128, "diastolic_mmhg": 80, "heart_rate_bpm": 72,
              "spo2_percent": 98, "respiratory_rate_per_min": 14}  # fmt: skip
    return DosingSession.objects.create(
        clinic=patient.clinic, patient=patient, route="esketamine", weight_kg=patient.weight_kg,
        dose_mg=56, dose_limit_mg=84, dose_limit_source="S3", predose_vitals=vitals,
        predose_decision="go", started_at=timezone.now() - timedelta(minutes=130),
    )  # fmt: skip


def clock(session, minutes_after_start: int) -> str:  # type: ignore[no-untyped-def]
    at = session.started_at + timedelta(minutes=minutes_after_start)
    return at.astimezone(ZoneInfo(session.clinic.time_zone)).strftime("%H:%M")


def test_a_nurse_keeps_the_run_sheet_signs_it_and_a_correction_is_an_amendment(
    page: Page, live_server, esketamine_session, shots
):
    s = esketamine_session
    run_sheet = f"{live_server.url}/sessions/{s.public_id}/"
    log_in(page, live_server.url, "nurse@riverside.example", PASSWORD)
    page.goto(run_sheet)
    expect(page.get_by_test_id("overdue")).to_be_visible()  # nothing recorded at 40 min

    record_esketamine_dose(page, lambda minutes: clock(s, minutes))
    expect(page.get_by_test_id("administration")).to_contain_text("ESK-0925")

    page.evaluate("window.stillTheSamePage = true")  # gone if the page were reloaded
    record_raised_reading(page, clock(s, 41))
    expect(page.get_by_test_id("vitals-result")).to_be_focused()
    expect(page.get_by_test_id("readings")).to_contain_text("146/90")
    record_full_reading_now(page)
    expect(page.get_by_test_id("overdue")).to_have_count(0)
    assert page.evaluate("window.stillTheSamePage") is True

    events = page.get_by_test_id("adverse-form")
    events.get_by_role("textbox", name="Adverse event").fill("Nausea, no vomiting")
    events.get_by_label("Severity").select_option("mild")
    events.get_by_label("Action taken").fill("Reassurance, sips of water after 30 min")
    events.get_by_role("button", name="Record adverse event").click()
    expect(page.get_by_test_id("adverse-event")).to_contain_text("Nausea")
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_load_state("networkidle")  # the vitals chart
    page.screenshot(path=str(shots / "run-sheet-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(shots / "run-sheet-desktop.png"), full_page=True)

    discharge(page)
    page.get_by_test_id("sign-form").get_by_role("button", name="Sign").click()
    expect(page.get_by_test_id("signed")).to_contain_text("locked")
    expect(page.get_by_test_id("vitals-form")).to_have_count(0)

    page.context.clear_cookies()
    log_in(page, live_server.url, "prescriber@riverside.example", PASSWORD)
    page.goto(run_sheet)
    amend = page.get_by_test_id("amend-form")
    amend.get_by_label("What is corrected").select_option("dose")
    amend.get_by_role("textbox", name="Correction", exact=True).fill(
        "Device 2 was used at the 9th minute, not the 8th"
    )
    amend.get_by_label("Reason for the correction").fill("Timer read late")
    amend.get_by_role("button", name="Record amendment").click()
    expect(page.get_by_test_id("amendment")).to_contain_text("Timer read late")
    expect(page.get_by_test_id("administration")).to_contain_text("ESK-0925")  # kept
