"""Steps that several browser tests take the same way: a provider's referral, the run
sheet's esketamine dose, two readings and the discharge. Each test keeps its own checks
around them."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect


def fill_provider_referral(page: Page) -> None:
    """The public referral form, filled as a referring provider would (the NPI is valid)."""
    page.get_by_label("Referring provider's name").fill("Dr. Lee Okafor")
    page.get_by_label("Referring provider's NPI").fill("1234567893")
    page.get_by_label("Practice").fill("Hudson Valley Psychiatry")
    page.get_by_label("Your phone").fill("(555) 014-2200")
    page.get_by_label("Patient's first name").fill("Morgan")
    page.get_by_label("Patient's last name").fill("Delacroix")
    page.get_by_label("Patient's date of birth").fill("1979-06-21")
    page.get_by_label("Patient's phone").fill("(555) 016-3300")
    page.get_by_label("Patient's state of residence").select_option("NY")
    page.get_by_label("Diagnoses (ICD-10-CM)").fill("F33.2")
    page.get_by_label("Reason for referral").fill("No remission after two adequate trials.")


def record_raised_reading(page: Page, taken_at: str) -> None:
    """A blood pressure at the 40-minute check, typed with its clock time."""
    vitals = page.get_by_test_id("vitals-form")
    vitals.get_by_label("Systolic (mmHg)").fill("146")
    vitals.get_by_label("Diastolic (mmHg)").fill("90")
    vitals.get_by_label("Time taken").fill(taken_at)
    vitals.get_by_role("button", name="Record reading").click()


def record_full_reading_now(page: Page) -> None:
    """A complete set of vital signs taken now; waits until it is the second reading."""
    vitals = page.get_by_test_id("vitals-form")
    vitals.get_by_label("Systolic (mmHg)").fill("128")
    vitals.get_by_label("Diastolic (mmHg)").fill("82")
    vitals.get_by_label("Heart rate (/min)").fill("74")
    vitals.get_by_label("SpO2 (%)").fill("98")
    vitals.get_by_label("Respiration rate (/min)").fill("14")
    vitals.get_by_label("MOAA/S").select_option("5")
    vitals.get_by_role("button", name="Record reading").click()
    expect(page.get_by_test_id("readings").locator("tr")).to_have_count(2)


def record_esketamine_dose(page: Page, clock: Callable[[int], str]) -> None:
    """Two 28 mg devices from the log's first lot, at minutes 3 and 8 of the session
    (`clock` turns minutes after the start into the HH:MM typed)."""
    page.get_by_test_id("record-dose").click()
    page.get_by_label("Lot (from the controlled-substance log)").select_option(index=1)
    page.get_by_label("Started (HH:MM)").fill(clock(3))
    page.get_by_label("Stopped (HH:MM)").fill(clock(8))
    page.get_by_label("Device 1 (HH:MM)").fill(clock(3))
    page.get_by_label("Device 2 (HH:MM)").fill(clock(8))
    page.get_by_role("button", name="Record the dose").click()
    expect(page.get_by_test_id("devices")).to_contain_text("Device 2 (28 mg)")


def discharge(page: Page) -> None:
    """The three discharge criteria ticked; the session page then says Discharged."""
    page.get_by_label("Alert and oriented").check()
    page.get_by_label("Escort present").check()
    page.get_by_label("Clinician judges stable").check()
    page.get_by_role("button", name="Check and discharge").click()
    expect(page.get_by_test_id("session-status")).to_have_text("Discharged")
