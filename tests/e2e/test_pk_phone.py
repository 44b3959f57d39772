"""The predicted-levels page on a phone: a route change brings its dose, the chart fits."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import patient_data
from tests.e2e.conftest import PASSWORD, log_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def prescriber_and_patient(front_desk):  # type: ignore[no-untyped-def]
    from ketacare.accounts.models import Membership, User
    from ketacare.patients.models import Patient

    clinic = front_desk.memberships.get().clinic
    user = User.objects.create_user("rx@riverside.example", PASSWORD, full_name="Pat Rx")
    Membership.objects.create(user=user, clinic=clinic, role="prescriber")
    patient = Patient.objects.create(clinic=clinic, **patient_data(mrn="PK-1"))
    return user, patient


def test_pk_page_on_a_phone_follows_the_route_and_fits_the_chart(
    page: Page, live_server, prescriber_and_patient, shots
):
    user, patient = prescriber_and_patient
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, user.email, PASSWORD)
    page.goto(f"{live_server.url}/patients/{patient.public_id}/pk/")
    expect(page.get_by_label("Infusion time (min, IV only)")).to_be_visible()
    page.get_by_label("Route").select_option("esketamine-intranasal")
    expect(page.get_by_label("Dose (mg)", exact=True)).to_have_value("56")
    expect(page.get_by_label("Dose (mg/kg)")).to_have_value("")
    expect(page.get_by_label("Infusion time (min, IV only)")).to_be_hidden()
    page.get_by_role("button", name="Predict").click()
    expect(page.get_by_test_id("pk-summary")).to_contain_text("Not applicable to esketamine")
    chart = page.locator("img.chart")
    expect(chart).to_be_visible()
    page.wait_for_function("() => document.querySelector('img.chart').naturalWidth > 0")
    assert "size=narrow" in chart.evaluate("img => img.currentSrc")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(shots / "pk-phone.png"), full_page=True)
