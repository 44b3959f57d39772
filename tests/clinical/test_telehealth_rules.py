"""The telehealth prescribing rules of clinical/telehealth.py: the DEA number's check digit,
a registration in the patient's state (H14), the in-person evaluation of the Ryan Haight Act
and the dates of its audio-video flexibility (H12), and the PDMP check."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from ketacare.clinical.telehealth import (
    FLEXIBILITY_FIRST_DAY,
    FLEXIBILITY_LAST_DAY,
    Modality,
    PrescribingEncounter,
    Registration,
    dea_number_problem,
    flexibility_applies,
    registration_for,
    signing_refusals,
)

TODAY = date(2026, 12, 1)
NY = Registration("BB1388568", "NY", date(2028, 1, 31))
ENCOUNTER = PrescribingEncounter(
    signed_on=TODAY,
    modality=Modality.AUDIO_VIDEO,
    patient_state="NY",
    prescriber_state="NJ",
    in_person_evaluation_on=None,
    pdmp_state="NY",
    pdmp_checked_on=TODAY,
    registrations=(NY,),
)


def fields(encounter: PrescribingEncounter) -> set[str]:
    return {r.field for r in signing_refusals(encounter)}


@pytest.mark.parametrize("number", ["BB1388568", "AP5836727", "AJ5184279", "F91234563"])
def test_dea_numbers_with_the_right_check_digit_are_accepted(number):
    assert dea_number_problem(number) is None


@pytest.mark.parametrize("number", ["BB1388569", "AP5836720", "AB4523763"])
def test_a_wrong_check_digit_is_refused_as_a_typo(number):
    assert "check digit" in (dea_number_problem(number) or "")


@pytest.mark.parametrize(
    "number", ["", "B1388568", "BB138856", "BB13885688", "bb1388568", "1B1388568"]
)
def test_a_number_that_is_not_two_letters_and_seven_digits_is_refused(number):
    assert "two letters and seven digits" in (dea_number_problem(number) or "")


def test_audio_video_in_the_flexibility_window_needs_no_in_person_evaluation():
    assert signing_refusals(ENCOUNTER) == []


@pytest.mark.parametrize(
    ("day", "covered"),
    [
        (date(2025, 12, 31), False),
        (FLEXIBILITY_FIRST_DAY, True),
        (FLEXIBILITY_LAST_DAY, True),
        (date(2027, 1, 1), False),
    ],
)
def test_the_flexibility_covers_2026_01_01_to_2026_12_31_inclusive(day, covered):
    assert FLEXIBILITY_FIRST_DAY == date(2026, 1, 1) and FLEXIBILITY_LAST_DAY == date(2026, 12, 31)
    assert flexibility_applies(day, Modality.AUDIO_VIDEO) is covered
    encounter = replace(ENCOUNTER, signed_on=day, pdmp_checked_on=day)
    assert ("in_person_evaluation_on" not in fields(encounter)) is covered


def test_outside_the_window_signing_without_an_in_person_evaluation_is_refused_citing_h12():
    encounter = replace(ENCOUNTER, signed_on=date(2027, 1, 1), pdmp_checked_on=date(2027, 1, 1))
    (refusal,) = signing_refusals(encounter)
    assert refusal.field == "in_person_evaluation_on"
    assert "Ryan Haight" in refusal.reason and "H12" in refusal.reason


def test_audio_only_always_needs_an_in_person_evaluation_even_inside_the_window():
    audio_only = replace(ENCOUNTER, modality=Modality.AUDIO_ONLY)
    assert not flexibility_applies(TODAY, Modality.AUDIO_ONLY)
    assert fields(audio_only) == {"in_person_evaluation_on"}
    seen = replace(audio_only, in_person_evaluation_on=date(2026, 10, 1))
    assert signing_refusals(seen) == []


def test_an_in_person_evaluation_in_the_future_is_refused():
    assert fields(replace(ENCOUNTER, in_person_evaluation_on=date(2026, 12, 2))) == {
        "in_person_evaluation_on"
    }


def test_no_registration_in_the_patients_state_is_refused_naming_the_state():
    elsewhere = replace(ENCOUNTER, patient_state="CA", pdmp_state="CA")
    (refusal,) = signing_refusals(elsewhere)
    assert refusal.field == "dea_registration"
    assert "CA" in refusal.reason and "not on file" in refusal.reason and "H14" in refusal.reason


def test_a_registration_is_current_through_its_expiry_day_and_not_after():
    on_expiry = replace(ENCOUNTER, registrations=(replace(NY, expires_on=TODAY),))
    assert registration_for(on_expiry) is not None
    expired = replace(ENCOUNTER, registrations=(replace(NY, expires_on=date(2026, 11, 30)),))
    assert registration_for(expired) is None
    assert "has expired" in signing_refusals(expired)[0].reason


def test_the_prescribers_own_state_does_not_stand_in_for_the_patients():
    nj_only = replace(ENCOUNTER, registrations=(replace(NY, state="NJ"),))
    assert fields(nj_only) == {"dea_registration"}


def test_the_pdmp_check_needs_its_state_and_date_and_cannot_be_in_the_future():
    assert fields(replace(ENCOUNTER, pdmp_checked_on=None)) == {"pdmp_checked_on"}
    assert fields(replace(ENCOUNTER, pdmp_state="")) == {"pdmp_checked_on"}
    assert fields(replace(ENCOUNTER, pdmp_checked_on=date(2026, 12, 2))) == {"pdmp_checked_on"}


def test_modality_and_both_locations_must_be_recorded():
    blank = replace(ENCOUNTER, modality=None, prescriber_state="")
    assert fields(blank) == {"modality", "prescriber_state"}
    nowhere = replace(ENCOUNTER, patient_state="")
    assert fields(nowhere) == {"patient_state"}


def test_a_clinic_is_licensed_only_in_the_states_it_lists_and_nowhere_when_it_lists_none():
    from ketacare.clinical.telehealth import licensed_in, unlicensed_location

    assert licensed_in("NY", ("NY", "NJ")) and not licensed_in("CT", ("NY", "NJ"))
    assert not licensed_in("NY", ())  # the check is never off by default
    assert unlicensed_location("NY", ("NY",)) is None
    reason = unlicensed_location("CT", ("NY", "NJ"))
    assert reason is not None and "CT" in reason and "NJ, NY" in reason and "H15" in reason
    assert "none on file" in (unlicensed_location("NY", ()) or "")


@pytest.mark.parametrize(
    ("today", "days_left"),
    [
        (date(2026, 6, 1), None),
        (date(2026, 12, 1), None),  # 30 days before the last day: not yet
        (date(2026, 12, 2), 29),  # fewer than 30
        (date(2026, 12, 31), 0),  # the last day
        (date(2027, 1, 1), -1),  # ended: no extension assumed
    ],
)
def test_prescribers_are_told_fewer_than_30_days_before_the_flexibility_ends_and_after(
    today: date, days_left: int | None
):
    from ketacare.clinical.telehealth import flexibility_notice

    notice = flexibility_notice(today)
    if days_left is None:
        assert notice is None
    else:
        assert notice is not None and notice.days_left == days_left
        assert notice.last_day == FLEXIBILITY_LAST_DAY == date(2026, 12, 31)
        assert notice.ended == (today > FLEXIBILITY_LAST_DAY)
