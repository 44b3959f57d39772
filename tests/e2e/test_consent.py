"""Consent in a browser: a session is refused until the patient has signed, the patient
signs on the clinic tablet with the nurse as witness and the session then starts; the
portal patient signs their pending form on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PASSWORD, log_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo_clinic(transactional_db):  # type: ignore[no-untyped-def]
    """The demo clinic with a new patient who has signed nothing yet."""
    from ketacare.accounts.models import User
    from ketacare.clinics.models import Clinic
    from ketacare.demo import DEMO_USERS, load_demo
    from ketacare.patients.models import Patient
    from tests.conftest import patient_data

    load_demo(patients=3)
    for email in DEMO_USERS.values():
        user = User.objects.get(email=email)
        user.set_password(PASSWORD)
        user.save()
    clinic = Clinic.objects.get(slug="riverside")
    newcomer = Patient.objects.create(
        clinic=clinic, **patient_data(mrn="RKC-9001", first_name="Nadia", last_name="Newton")
    )
    return newcomer


def _fill_start_form(page: Page) -> None:
    page.get_by_label("Systolic (mmHg)").fill("126")
    page.get_by_label("Diastolic (mmHg)").fill("80")
    page.get_by_label("SpO2 (%)").fill("98")
    page.get_by_label("Pregnancy").select_option("not pregnant")
    page.get_by_role("button", name="Check and start").click()


def _sign_on_the_tablet(page: Page, name: str) -> None:
    expect(page.get_by_test_id("witness-notice")).to_contain_text("nurse@riverside.example")
    page.get_by_label("I have read this form").check()
    page.get_by_label("Type your full name to sign").fill(name)
    page.get_by_role("button", name="Sign").click()


def test_a_session_is_refused_without_consent_and_says_where_to_sign(
    page: Page, live_server, demo_clinic, shots
):
    from ketacare.sessions.models import DosingSession

    patient = demo_clinic
    log_in(page, live_server.url, "nurse@riverside.example", PASSWORD)
    page.goto(f"{live_server.url}/patients/{patient.public_id}/sessions/new/")
    _fill_start_form(page)
    box = page.get_by_test_id("consent-missing")
    expect(box).to_contain_text("No signed consent for IV racemic ketamine.")
    expect(box.get_by_role("link", name="Sign it on the tablet")).to_be_visible()
    page.screenshot(path=str(shots / "consent-session-refused-desktop.png"), full_page=True)
    assert not DosingSession.objects.filter(patient=patient).exists()


def test_the_patient_signs_on_the_tablet_and_the_session_then_starts(
    page: Page, live_server, demo_clinic, shots
):
    patient = demo_clinic
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server.url, "nurse@riverside.example", PASSWORD)
    page.goto(f"{live_server.url}/patients/{patient.public_id}/")
    expect(page.get_by_test_id("chart-consent")).to_contain_text("Not signed")
    page.get_by_role("link", name="Consent: sign or withdraw").click()
    page.get_by_test_id("consent-iv").get_by_role("link", name="Sign on the tablet").click()
    expect(page.get_by_test_id("consent-text")).to_contain_text("dissociation")
    expect(page.get_by_text("Document id")).to_have_count(0)  # the version is a hidden field
    page.screenshot(path=str(shots / "consent-tablet-desktop.png"), full_page=True)
    _sign_on_the_tablet(page, "nadia newton")
    row = page.get_by_test_id("consent-iv")
    expect(row).to_contain_text("Signed")
    expect(row).to_contain_text("witnessed by nurse@riverside.example")
    page.screenshot(path=str(shots / "consent-patient-desktop.png"), full_page=True)

    page.goto(f"{live_server.url}/patients/{patient.public_id}/sessions/new/")
    _fill_start_form(page)
    expect(page.get_by_test_id("session-status")).to_have_text("In progress")


def test_the_portal_patient_signs_a_pending_form_on_a_phone(
    page: Page, live_server, demo_clinic, shots
):
    from ketacare.patients.models import Patient

    own = Patient.objects.get(user__email="patient@riverside.example")
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, "patient@riverside.example", PASSWORD)
    page.get_by_role("link", name="See and sign your forms").click()
    expect(page.get_by_role("heading", name="Your consent forms")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(shots / "consent-portal-phone.png"), full_page=True)
    page.get_by_test_id("consent-telehealth").get_by_role("link", name="Read and sign").click()
    expect(page.get_by_test_id("witness-notice")).to_have_count(0)
    page.get_by_label("I have read this form").check()
    page.get_by_label("Type your full name to sign").fill("Wrong Name")
    page.get_by_role("button", name="Sign").click()
    expect(page.locator(".field-error")).to_contain_text("Type your full name")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(shots / "consent-sign-phone.png"), full_page=True)
    page.get_by_label("I have read this form").check()
    page.get_by_label("Type your full name to sign").fill(own.full_name)
    page.get_by_role("button", name="Sign").click()
    row = page.get_by_test_id("consent-telehealth")
    expect(row).to_contain_text("Signed")
    expect(row).not_to_contain_text("witnessed")
