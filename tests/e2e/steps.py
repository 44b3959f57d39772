"""Steps that several browser tests take the same way: a provider's referral, the run
sheet's two readings. Each test keeps its own checks around them."""

from __future__ import annotations

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
