"""A prescriber signs a draft plan, changes it by a new version with its reason, and books
its upcoming sessions on the calendar, in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PASSWORD, log_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def prescriber(front_desk):  # type: ignore[no-untyped-def]
    from ketacare.accounts.models import Membership, User
    from ketacare.appointments.models import Room
    from ketacare.patients.models import Patient
    from tests.conftest import patient_data, publish_consents, sign_consents

    clinic = front_desk.memberships.get().clinic
    user = User.objects.create_user("prescriber@riverside.example", PASSWORD, full_name="Dr Pia")
    Membership.objects.create(user=user, clinic=clinic, role="prescriber")
    Room.objects.create(clinic=clinic, name="Chair 1")
    Room.objects.create(clinic=clinic, name="Therapy room")
    therapist = User.objects.create_user("therapist@riverside.example", PASSWORD,
                                         full_name="Theo Rapist")  # fmt: skip
    Membership.objects.create(user=therapist, clinic=clinic, role="therapist")
    patient = Patient.objects.create(clinic=clinic, **patient_data(mrn="RKC-9", first_name="Ana"))
    publish_consents(clinic)
    sign_consents(patient)
    return user, patient


def test_prescriber_signs_versions_and_books_a_plan(page: Page, live_server, prescriber, shots):
    from ketacare.appointments.models import Appointment
    from ketacare.treatment.models import TreatmentPlan

    user, patient = prescriber
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, user.email, PASSWORD)
    page.goto(f"{live_server.url}/patients/{patient.public_id}/plans/new/")
    page.get_by_label("Protocol").select_option("iv-induction")
    page.get_by_label("Integration session after every N dosing sessions").fill("3")
    page.get_by_role("button", name="Generate schedule").click()
    expect(page.get_by_test_id("plan-draft")).to_contain_text("Draft: not signed")
    page.get_by_role("button", name="Sign this plan").click()
    expect(page.get_by_test_id("plan-signed")).to_contain_text("Signed by Dr Pia")
    expect(page.get_by_test_id("plan-counselling")).to_contain_text("after every 3 dosing")

    page.get_by_role("link", name="Change the plan (new version)").click()
    page.get_by_label("Change").select_option("titrate")
    page.get_by_role("button", name="Sign the new version").click()
    expect(page.locator('.field-error[data-field="reason"]')).to_be_visible()
    page.get_by_label("Reason").fill("Well tolerated; partial response")
    page.get_by_label("New dose (mg)").fill("40")
    page.get_by_role("button", name="Sign the new version").click()
    versions = page.get_by_test_id("plan-versions")
    expect(versions).to_contain_text("Version 2: Titrate the dose: Well tolerated")
    expect(versions).to_contain_text("Version 1: New plan")
    page.screenshot(path=str(shots / "plan-phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_role("link", name="Book upcoming sessions").click()
    page.get_by_label("Room or chair").select_option(label="Chair 1")
    page.get_by_label("Book the next N days").fill("30")
    page.get_by_role("button", name="Book", exact=True).click()
    # the integration sessions are the therapist's: not booked with nobody
    expect(page.locator('.field-error[data-field="therapist"]')).to_contain_text("a therapist")
    page.get_by_label("Therapist (counselling)").select_option(label="Theo Rapist")
    page.get_by_label("Prescriber (reviews)").select_option(label="Dr Pia")
    page.get_by_label("Room for counselling and reviews").select_option(label="Therapy room")
    page.get_by_role("button", name="Book", exact=True).click()
    result = page.get_by_test_id("booking-result")
    expect(result).to_contain_text("booked")
    booked = Appointment.objects.filter(patient=patient).count()
    assert booked >= 6
    expect(result).to_contain_text(f"{booked} booked")
    talks = Appointment.objects.filter(patient=patient, kind="counselling")
    assert talks and {(a.staff.full_name, a.room.name) for a in talks} == {
        ("Theo Rapist", "Therapy room")}  # fmt: skip
    page.set_viewport_size({"width": 1280, "height": 900})
    current = TreatmentPlan.objects.get(patient=patient, version=2)
    page.goto(f"{live_server.url}/plans/{current.public_id}/")
    expect(page.get_by_role("link", name="booked").first).to_be_visible()
    page.screenshot(path=str(shots / "plan-desktop.png"), full_page=True)
