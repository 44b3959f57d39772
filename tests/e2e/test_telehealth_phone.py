"""On a phone, a prescriber signs a prescribing telehealth encounter: refused first for want
of a DEA registration in the patient's state (H14), accepted once one is added; the patient
then sees the visit's link on their own chart."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PASSWORD, log_in

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def video_visit(front_desk):  # type: ignore[no-untyped-def]
    from ketacare.accounts.models import Membership, User
    from ketacare.appointments.models import Appointment
    from ketacare.patients.models import Patient
    from tests.conftest import patient_data, publish_consents, sign_consents

    clinic = front_desk.memberships.get().clinic
    clinic.video_link_template = "https://meet.example.org/riverside-{meeting}"
    clinic.save()
    prescriber = User.objects.create_user("prescriber@riverside.example", PASSWORD,
                                          full_name="Dr Pia")  # fmt: skip
    Membership.objects.create(user=prescriber, clinic=clinic, role="prescriber")
    own = User.objects.create_user("ana@patient.example", PASSWORD, full_name="Ana Test")
    Membership.objects.create(user=own, clinic=clinic, role="patient")
    patient = Patient.objects.create(
        clinic=clinic, user=own, **patient_data(mrn="RKC-9", first_name="Ana")
    )
    publish_consents(clinic)
    sign_consents(patient)
    starts = datetime.now(ZoneInfo(clinic.time_zone)).replace(microsecond=0) + timedelta(hours=1)
    visit = Appointment.objects.create(
        clinic=clinic, patient=patient, kind="telehealth", starts_at=starts,
        ends_at=starts + timedelta(minutes=30), staff=prescriber,
    )  # fmt: skip
    return prescriber, patient, visit


def test_prescriber_signs_a_telehealth_encounter_after_adding_the_patients_state(
    page: Page, live_server, video_visit, shots
):
    from ketacare.telehealth.models import TelehealthEncounter

    prescriber, patient, visit = video_visit
    today = datetime.now(ZoneInfo(visit.clinic.time_zone)).date()
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, prescriber.email, PASSWORD)
    page.goto(f"{live_server.url}/appointments/{visit.public_id}/video/")
    expect(page.get_by_test_id("video-link")).to_contain_text("https://meet.example.org/")
    page.screenshot(path=str(shots / "telehealth-visit-phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("button", name="Start the encounter").click()

    page.get_by_label("Encounter note").fill("Mood better; sitter confirmed; BP log in range.")
    page.get_by_label("How the visit took place").select_option("audio_video")
    page.get_by_label("State where you were").select_option("NJ")
    page.get_by_label("This encounter leads to a prescription").check()
    page.get_by_label("Prescription", exact=True).fill("ketamine ODT 100 mg x 6")
    page.get_by_label("Date of the in-person evaluation").fill(str(today - timedelta(days=60)))
    page.get_by_label("PDMP checked on").fill(str(today))
    page.get_by_role("button", name="Sign (locks the note)").click()
    refusal = page.get_by_test_id("encounter-form").locator(".error")
    expect(refusal).to_contain_text("DEA registration for NY")
    page.screenshot(path=str(shots / "telehealth-refused-phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.get_by_role("link", name="DEA registrations").click()
    page.get_by_label("DEA number").fill("BP1234569")  # a typo: the check digit is 3
    page.locator("#id_state").select_option("NY")
    page.get_by_label("Expires on").fill(str(today + timedelta(days=400)))
    page.get_by_role("button", name="Add").click()
    expect(page.locator('.field-error[data-field="number"]')).to_contain_text("check digit")
    page.get_by_label("DEA number").fill("BP1234563")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_test_id("registration")).to_contain_text("BP1234563")
    page.screenshot(path=str(shots / "dea-registrations-phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    encounter = TelehealthEncounter.objects.get(appointment=visit)
    page.goto(f"{live_server.url}/encounters/{encounter.public_id}/")
    # The refused signature kept the draft: nothing to type again.
    expect(page.get_by_label("Prescription", exact=True)).to_have_value("ketamine ODT 100 mg x 6")
    page.get_by_role("button", name="Sign (locks the note)").click()
    expect(page.get_by_test_id("encounter")).to_contain_text("signed")
    expect(page.get_by_test_id("dea-used")).to_contain_text("BP1234563 (NY)")
    page.screenshot(path=str(shots / "telehealth-signed-phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.context.clear_cookies()
    log_in(page, live_server.url, patient.user.email, PASSWORD)
    page.goto(f"{live_server.url}/patients/{patient.public_id}/")
    visits = page.get_by_test_id("chart-video-visits")
    expect(visits).to_contain_text("Your video visits")
    expect(visits.get_by_role("link", name="Join the video visit")).to_have_attribute(
        "href", encounter_link(visit)
    )
    expect(page.get_by_text("Mood better")).to_have_count(0)
    page.screenshot(path=str(shots / "telehealth-patient-phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def encounter_link(visit) -> str:  # type: ignore[no-untyped-def]
    from ketacare.telehealth.services import meeting_link

    return meeting_link(visit)
