"""Front desk books a visit on the calendar in a real browser; a second booking of the same
chair is refused beside the field; the week view works at phone and desktop width."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PASSWORD, log_in

pytestmark = pytest.mark.e2e


def test_front_desk_books_and_is_refused_a_double_booking(page: Page, live_server, front_desk,
                                                          shots):  # fmt: skip
    from ketacare.appointments.models import Room
    from ketacare.patients.models import Patient
    from tests.conftest import patient_data

    clinic = front_desk.memberships.get().clinic
    Room.objects.create(clinic=clinic, name="Chair 1")
    first = Patient.objects.create(clinic=clinic, **patient_data(mrn="RKC-1", first_name="Ana"))
    second = Patient.objects.create(clinic=clinic, **patient_data(mrn="RKC-2", first_name="Ben"))
    day = date.today() + timedelta(days=3)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, front_desk.email, PASSWORD)
    for patient, hour in ((first, "09:00"), (second, "10:00")):
        page.goto(f"{live_server.url}/patients/{patient.public_id}/appointments/new/")
        page.get_by_label("Kind").select_option("dosing")
        page.get_by_label("Starts").fill(f"{day.isoformat()}T{hour}")
        page.get_by_label("Minutes").fill("120")
        page.get_by_label("Room or chair").select_option(label="Chair 1")
        page.get_by_role("button", name="Book").click()
    expect(page.locator(".field-error")).to_contain_text("Chair 1 is already booked 09:00-11:00")
    page.goto(f"{live_server.url}/calendar/?day={day.isoformat()}&view=week")
    expect(page.get_by_test_id("calendar-day").filter(has_text="Ana")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(shots / "calendar-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/calendar/?day={day.isoformat()}")
    page.screenshot(path=str(shots / "calendar-desktop.png"), full_page=True)
