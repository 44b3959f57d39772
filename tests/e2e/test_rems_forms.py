"""A nurse files the esketamine REMS paperwork in a real browser, at phone and desktop width:
the clinic's list shows a discharged session's form due below an overdue one, the nurse
enters the field it still lacks on the session's form page, then marks it submitted, and
it leaves the list."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PASSWORD, log_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def due_form(front_desk):  # type: ignore[no-untyped-def]
    """An enrolled patient's esketamine session two days ago, its form complete but for the
    lot number; an earlier form of the same patient submitted, and one overdue."""
    from ketacare.accounts.actor import Actor
    from ketacare.accounts.models import Membership, User
    from ketacare.consent.services import clinic_today
    from ketacare.demo_rems import ENTERED, _past_session
    from ketacare.patients.models import Patient
    from ketacare.rems import services as rems
    from tests.conftest import patient_data

    clinic = front_desk.memberships.get().clinic
    clinic.address = "100 River Road, Hudson, NY 12534"  # the form's setting address
    clinic.save()
    user = User.objects.create_user("nurse@riverside.example", PASSWORD, full_name="Nia Nurse")
    Membership.objects.create(user=user, clinic=clinic, role="nurse")
    nurse = Actor(user=user, clinic=clinic, role="nurse", request_id="e2e")
    patient = Patient.objects.create(clinic=clinic, **patient_data(first_name="Esme"))
    rems.enroll(nurse, patient.public_id, clinic_today(clinic) - timedelta(days=30))
    rng = random.Random(1)
    earlier = _past_session(nurse, patient, 10, rng)
    rems.open_form(earlier)
    rems.save_answers(nurse, earlier, ENTERED)
    rems.mark_submitted(nurse, earlier, rems.Submission(clinic_today(clinic), "fax"))
    overdue = _past_session(nurse, patient, 9, rng)
    rems.open_form(overdue)
    rems.save_answers(nurse, overdue, ENTERED)
    session = _past_session(nurse, patient, 2, rng)
    rems.open_form(session)
    rems.save_answers(nurse, session, {k: v for k, v in ENTERED.items() if k != "lot_number"})
    return user


def test_nurse_completes_and_marks_a_rems_form_submitted(page: Page, live_server, due_form, shots):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, due_form.email, PASSWORD)
    page.get_by_role("link", name="REMS forms").click()
    rows = page.get_by_test_id("rems-row")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Overdue")  # overdue on top
    due = rows.nth(1)
    expect(due).to_contain_text("Esme Test")
    expect(due).to_contain_text("5 d left")
    expect(due).to_contain_text("1 field missing")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # every column on screen, the row's own form included: nothing hidden to the right
    table = page.get_by_test_id("rems-due")
    assert table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth")
    expect(rows.first.get_by_role("button", name="Submitted")).to_be_in_viewport()
    page.screenshot(path=str(shots / "rems-forms-due-phone.png"), full_page=True)

    due.get_by_role("link", name="1 field missing").click()
    expect(page.get_by_test_id("rems-status")).to_contain_text("Missing: Lot number")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    values = page.get_by_test_id("rems-values")
    assert values.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth")
    expect(values).to_contain_text("Female (from the record)")
    page.screenshot(path=str(shots / "rems-form-phone.png"), full_page=True)
    page.get_by_label("Lot number").fill("ESK-0925")
    page.get_by_role("button", name="Save the form").click()
    expect(page.get_by_test_id("rems-status")).to_contain_text("Complete")
    expect(page.get_by_test_id("rems-values")).to_contain_text("ESK-0925")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="All forms due").click()
    expect(due).to_contain_text("complete")
    page.screenshot(path=str(shots / "rems-forms-due-desktop.png"), full_page=True)
    due.get_by_label("How").select_option("online")
    due.get_by_role("button", name="Submitted").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Overdue")
