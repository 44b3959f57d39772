"""A clinic day in a browser, role by role, on the demo clinic: a referral arrives, front desk
accepts it and books a consultation, the prescriber screens the patient, has the consent
signed on the tablet and plans esketamine, front desk checks the patient in for the dosing
visit (on a phone), the nurse meets a blood-pressure hold and then runs the session (device
log, discharge, signature), the therapist writes the integration note, and Today shows the
visit's state at each step: booked, checked in, pre-dose check, monitoring, ready for
discharge, discharged."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import PASSWORD, log_in
from tests.e2e.steps import (
    discharge,
    fill_provider_referral,
    record_esketamine_dose,
    record_full_reading_now,
    record_raised_reading,
)

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo_staff(transactional_db):  # type: ignore[no-untyped-def]
    from ketacare.accounts.models import User
    from ketacare.demo import DEMO_USERS, load_demo

    load_demo(patients=3)
    for email in DEMO_USERS.values():
        user = User.objects.get(email=email)
        user.set_password(PASSWORD)
        user.save()
    return {role: email for role, email in DEMO_USERS.items()}


def as_role(page: Page, base: str, email: str) -> None:
    page.context.clear_cookies()
    log_in(page, base, email, PASSWORD)


def send_referral(browser: Browser, base: str) -> str:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{base}/c/riverside/refer/")
    fill_provider_referral(page)
    page.get_by_role("button", name="Send referral").click()
    reference = page.get_by_test_id("reference")
    expect(reference).to_have_text(re.compile(r"^REF-"))
    text = reference.inner_text()
    context.close()
    return text


def front_desk_accepts_and_books(page: Page, base: str, reference: str) -> str:
    page.goto(f"{base}/referrals/")
    page.get_by_role("link", name=reference).click()
    page.get_by_role("link", name="Accept and register").click()
    page.get_by_label("MRN").fill("RKC-7001")
    page.get_by_label("Sex").select_option("female")
    page.get_by_label("Weight (kg)").fill("71.5")
    page.get_by_role("button", name="Register patient and accept").click()
    expect(page.get_by_test_id("patient-name")).to_have_text("Morgan Delacroix")
    chart_url = page.url
    page.get_by_role("link", name="Book", exact=True).click()
    page.get_by_label("Kind").select_option("consultation")
    page.get_by_label("Starts").fill(next_weekday_at_ten())
    page.get_by_label("Minutes").fill("30")
    page.get_by_role("button", name="Book").click()
    page.goto(chart_url)
    expect(page.get_by_test_id("banner-appointment")).to_contain_text("consultation")
    return chart_url


def next_weekday_at_ten() -> str:
    """A datetime-local value within the demo clinic's hours: the next weekday, 10:00."""
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    day = timezone.localtime(timezone.now(), ZoneInfo("America/New_York")).date()
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return f"{day.isoformat()}T10:00"


def prescriber_screens_and_consents(page: Page, chart_url: str) -> None:
    page.goto(chart_url)
    page.get_by_role("link", name="New screening").click()
    page.get_by_label("major depressive disorder").check()
    page.get_by_label("Adequate antidepressant trials that failed").fill("2")
    page.get_by_label("Systolic BP (mmHg)").fill("124")
    page.get_by_label("Diastolic BP (mmHg)").fill("78")
    page.get_by_role("button", name="Assess").click()
    expect(page.get_by_test_id("route-esketamine")).to_contain_text("eligible")
    page.goto(chart_url)
    page.get_by_role("link", name="Consent: sign or withdraw").click()
    page.get_by_test_id("consent-esketamine").get_by_role("link", name="Sign on the tablet").click()
    page.get_by_label("I have read this form").check()
    page.get_by_label("Type your full name to sign").fill("Morgan Delacroix")
    page.get_by_role("button", name="Sign").click()
    expect(page.get_by_test_id("consent-esketamine")).to_contain_text("Signed")


def prescriber_plans_esketamine(page: Page, chart_url: str) -> None:
    page.goto(chart_url)
    page.get_by_role("link", name="New plan").click()
    page.get_by_label("Protocol").select_option("esketamine-trd")
    page.get_by_label("Fixed dose (mg)").fill("56")
    page.get_by_role("button", name="Generate schedule").click()
    expect(page.get_by_test_id("plan-schedule")).to_be_visible()
    page.get_by_role("button", name="Sign this plan").click()
    expect(page.get_by_role("button", name="Sign this plan")).to_have_count(0)
    # The Spravato REMS: the patient is enrolled before the first esketamine dose (S10, S11).
    page.goto(chart_url)
    page.get_by_role("link", name="Spravato REMS").click()
    page.get_by_role("button", name="Record the enrollment").click()
    expect(page.get_by_test_id("rems-enrolled")).to_be_visible()


def nurse_meets_a_hold_then_starts(page: Page, chart_url: str, shots) -> str:  # type: ignore[no-untyped-def]
    page.goto(chart_url)
    page.get_by_role("link", name="Start a session").click()
    page.get_by_label("Route").select_option("esketamine")
    page.get_by_label("Dose (mg)", exact=True).fill("56")
    page.get_by_label("Systolic (mmHg)").fill("186")
    page.get_by_label("Diastolic (mmHg)").fill("104")
    page.get_by_label("SpO2 (%)").fill("98")
    page.get_by_label("Respiration rate (/min)").fill("14")
    page.get_by_label("Pregnancy").select_option("not pregnant")
    page.get_by_role("button", name="Check and start").click()
    expect(page.locator("main")).to_contain_text("186/104")  # held: the reason on the page
    expect(page.get_by_test_id("session-status")).to_have_count(0)
    page.screenshot(path=str(shots / "clinic-day-bp-hold-desktop.png"), full_page=True)
    page.get_by_label("Systolic (mmHg)").fill("128")
    page.get_by_label("Diastolic (mmHg)").fill("80")
    page.get_by_role("button", name="Check and start").click()
    expect(page.get_by_test_id("session-status")).to_have_text("In progress")
    return page.url


def the_clock_moves_on(session_url: str, minutes: int) -> str:
    """The session began `minutes` ago (the test cannot wait two hours); returns a function
    of minutes after the start -> HH:MM on the clinic's clock."""
    from django.utils import timezone

    from ketacare.sessions.models import DosingSession

    public_id = session_url.rstrip("/").rsplit("/", 1)[-1]
    DosingSession.objects.filter(public_id=public_id).update(
        started_at=timezone.now() - timedelta(minutes=minutes)
    )
    return public_id


def clock(public_id: str, minutes_after_start: int) -> str:
    from zoneinfo import ZoneInfo

    from ketacare.sessions.models import DosingSession

    s = DosingSession.objects.select_related("clinic").get(public_id=public_id)
    at = s.started_at + timedelta(minutes=minutes_after_start)
    return at.astimezone(ZoneInfo(s.clinic.time_zone)).strftime("%H:%M")


def nurse_runs_and_signs(page: Page, base: str, session_url: str) -> None:
    """The run sheet from the dose to the signature; Today says where the visit stands after
    each step (on the nurse's own view of the day)."""
    sid = the_clock_moves_on(session_url, 130)
    page.goto(session_url)
    record_esketamine_dose(page, lambda minutes: clock(sid, minutes))
    today_says(page, base, "monitoring")  # the devices' stop is behind: after the dose
    page.goto(session_url)
    record_raised_reading(page, clock(sid, 41))
    expect(page.get_by_test_id("readings")).to_contain_text("146/90")
    today_says(page, base, "monitoring")  # the 2-hour check is still to come (S11)
    page.goto(session_url)
    record_full_reading_now(page)
    today_says(page, base, "ready for discharge")
    page.goto(session_url)
    discharge(page)
    expect(page.get_by_test_id("session-rems")).to_contain_text("fields missing")
    today_says(page, base, "discharged")
    page.goto(session_url)
    page.get_by_test_id("sign-form").get_by_role("button", name="Sign").click()
    expect(page.locator("main")).to_contain_text("REMS Patient Monitoring Form lacks")
    complete_the_rems_form(page, session_url)
    page.goto(session_url)
    expect(page.get_by_test_id("session-rems")).to_contain_text("complete, not yet submitted")
    page.get_by_test_id("sign-form").get_by_role("button", name="Sign").click()
    expect(page.get_by_test_id("signed")).to_contain_text("locked")


def dosing_visit_today(chart_url: str) -> None:
    """Today's dosing visit, booked beforehand (made here: the test cannot pick the hour it
    runs at, and the clinic's opening hours refuse a booking at night)."""
    from django.utils import timezone

    from ketacare.appointments.models import Appointment
    from ketacare.patients.models import Patient

    patient = Patient.objects.get(public_id=chart_url.rstrip("/").rsplit("/", 1)[-1])
    now = timezone.now()
    Appointment.objects.create(clinic=patient.clinic, patient=patient, kind="dosing",
                               starts_at=now, ends_at=now + timedelta(hours=2))  # fmt: skip


def morgans_visit(page: Page):  # type: ignore[no-untyped-def]
    return (
        page.get_by_test_id("visit")
        .filter(has_text="Morgan Delacroix")
        .filter(has_text="Dosing session")
    )


def today_says(page: Page, base: str, state: str) -> None:
    page.goto(f"{base}/today/")
    expect(morgans_visit(page).get_by_test_id("visit-state")).to_have_text(state)


def front_desk_checks_morgan_in(page: Page, base: str, shots) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size(PHONE)
    today_says(page, base, "booked")
    morgans_visit(page).get_by_role("button", name="Check in").click()
    expect(page.locator(".messages")).to_contain_text("Morgan Delacroix is checked in")
    expect(morgans_visit(page).get_by_test_id("visit-state")).to_have_text("checked in")
    expect(morgans_visit(page).get_by_role("button", name="Check in")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(shots / "clinic-day-today-check-in-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def complete_the_rems_form(page: Page, session_url: str) -> None:
    """What the run sheet did not already fill in, as the nurse enters it (S11)."""
    page.goto(f"{session_url.rstrip('/')}/rems/")
    entries = {"Telephone": "(555) 010-2000", "Healthcare setting address": "1 River Rd",
               "Ready to leave": "100", "BP 40 min after administration": "146/90",
               "BP before session completion": "128/82"}  # fmt: skip
    for label, value in entries.items():
        box = page.get_by_role("textbox", name=re.compile(label))
        if box.count() and not box.first.input_value():
            box.first.fill(value)
    answers = {"Sedation": "no", "Dissociation": "yes", "Respiratory depression": "no",
               "Serious adverse event": "no"}  # fmt: skip
    for label, value in answers.items():
        choice = page.get_by_role("combobox", name=label, exact=True)
        if choice.count() and not choice.first.input_value():
            choice.first.select_option(value)
    page.get_by_role("button", name="Save the form").click()
    expect(page.get_by_test_id("rems-status")).to_contain_text("Complete")


def therapist_writes_the_integration_note(page: Page, chart_url: str) -> None:
    patient_id = chart_url.rstrip("/").rsplit("/", 1)[-1]
    page.goto(chart_url.replace(f"/patients/{patient_id}", f"/patients/{patient_id}/counselling"))
    page.get_by_label("Kind").select_option("integration")
    page.get_by_label("Dosing session it prepares or follows").select_option(index=1)
    page.get_by_label("Minutes").fill("45")
    page.get_by_role("textbox", name="Note").fill(
        "Processed the dissociative experience; felt safe; sleep better."
    )
    page.get_by_label("Sign now").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("signed")
    page.get_by_role("link", name="read").first.click()
    expect(page.locator("main")).to_contain_text("Processed the dissociative experience")


def test_a_clinic_day_from_referral_to_integration_note(
    page: Page, browser: Browser, live_server, demo_staff, shots
):
    base = live_server.url
    reference = send_referral(browser, base)

    as_role(page, base, demo_staff["front_desk"])
    page.goto(f"{base}/today/")
    expect(page.get_by_test_id("today-referrals")).to_be_visible()
    chart_url = front_desk_accepts_and_books(page, base, reference)

    as_role(page, base, demo_staff["prescriber"])
    prescriber_screens_and_consents(page, chart_url)
    prescriber_plans_esketamine(page, chart_url)

    dosing_visit_today(chart_url)
    as_role(page, base, demo_staff["front_desk"])
    front_desk_checks_morgan_in(page, base, shots)

    as_role(page, base, demo_staff["nurse"])
    session_url = nurse_meets_a_hold_then_starts(page, chart_url, shots)
    today_says(page, base, "pre-dose check")
    expect(page.get_by_test_id("today-sessions")).to_contain_text("Morgan Delacroix")
    nurse_runs_and_signs(page, base, session_url)
    page.goto(f"{base}/rems/")
    expect(page.get_by_test_id("rems-row").filter(has_text="Delacroix")).to_have_count(1)
    page.goto(f"{base}/today/")
    page.screenshot(path=str(shots / "clinic-day-today-desktop.png"), full_page=True)

    as_role(page, base, demo_staff["therapist"])
    therapist_writes_the_integration_note(page, chart_url)
