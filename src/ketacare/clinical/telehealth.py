"""What a telehealth encounter that prescribes ketamine must record, and when it may be signed.

Ketamine and esketamine are DEA Schedule III (S13). A controlled substance prescribed over
telemedicine needs at least one in-person evaluation first (Ryan Haight Act, 2008), subject
to exceptions; the DEA's temporary flexibilities let a practitioner prescribe Schedule II-V
by audio-video without a prior in-person visit, the fourth extension running from
2026-01-01 to 2026-12-31 (H12). A DEA registration is generally required in each state where
the patient is located (H14), and EHRs gate telehealth by the patient's state (H15). The
permanent special-registration rule was only proposed (NPRM 2025-01-17, H13): it is not
encoded.

Plain data in, a list of refusals (field, reason) out: the app stores and asks; this decides.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

# H12 (Federal Register 2025-12-31, "Fourth Temporary Extension of COVID-19 Telemedicine
# Flexibilities for Prescription of Controlled Medications"): audio-video prescribing of
# Schedule II-V without a prior in-person evaluation, effective 2026-01-01 to 2026-12-31.
# These dates MUST be revisited when the DEA extends the flexibilities again or publishes the
# permanent rule (H13); outside them the Ryan Haight in-person requirement applies as before.
FLEXIBILITY_FIRST_DAY = date(2026, 1, 1)  # H12
FLEXIBILITY_LAST_DAY = date(2026, 12, 31)  # H12


# How long before the flexibility's last day prescribers are told that it ends: a choice of
# the product (issue 11), not a clinical rule.
ENDING_NOTICE_DAYS = 30


@dataclass(frozen=True)
class FlexibilityNotice:
    """What prescribers are told as the H12 flexibility runs out, and once it has."""

    last_day: date
    days_left: int  # days after today until the last day; negative once it has ended

    @property
    def ended(self) -> bool:
        return self.days_left < 0


def flexibility_notice(today: date) -> FlexibilityNotice | None:
    """Fewer than ENDING_NOTICE_DAYS days before FLEXIBILITY_LAST_DAY, and from then on:
    after it, an in-person evaluation is required again (Ryan Haight Act, H12). Only the
    dates in H12 are known: no extension is assumed."""
    days_left = (FLEXIBILITY_LAST_DAY - today).days
    if today < FLEXIBILITY_FIRST_DAY or days_left >= ENDING_NOTICE_DAYS:
        return None
    return FlexibilityNotice(FLEXIBILITY_LAST_DAY, days_left)


class Modality(StrEnum):
    AUDIO_VIDEO = "audio_video"
    AUDIO_ONLY = "audio_only"


MODALITY_LABELS = {Modality.AUDIO_VIDEO: "Audio and video", Modality.AUDIO_ONLY: "Audio only"}

# The DEA number's format and check digit are public: two letters (the registrant type, then
# the registrant's last-name initial or 9) and seven digits, the last being the units digit
# of (d1 + d3 + d5) + 2 * (d2 + d4 + d6). Source: Oracle, "The DEA Number Checksum
# Algorithm" (Siebel Pharma), https://docs.oracle.com/cd/B31104_02/books/HHConGds/HHSalesAppsAdmin51.html
# (worked example BB1388568).
_DEA_FORMAT = re.compile(r"^[A-Z][A-Z9][0-9]{7}$")


def dea_number_problem(number: str) -> str | None:
    """Why `number` cannot be a DEA registration number, or None when it can be."""
    if not _DEA_FORMAT.match(number):
        return "A DEA number is two letters and seven digits, e.g. BB1388568."
    d = [int(c) for c in number[2:]]
    expected = (d[0] + d[2] + d[4] + 2 * (d[1] + d[3] + d[5])) % 10
    if d[6] != expected:
        return "This DEA number's check digit does not match: check it for a typo."
    return None


def flexibility_applies(on: date, modality: Modality) -> bool:
    """May a prescription be issued on `on` by this modality without a prior in-person
    evaluation? Only audio-video, only within the extension's dates (H12)."""
    return modality is Modality.AUDIO_VIDEO and FLEXIBILITY_FIRST_DAY <= on <= FLEXIBILITY_LAST_DAY


def licensed_in(state: str, licensed_states: Collection[str]) -> bool:
    """May the clinic treat a patient located in `state`? Only where it is licensed: EHRs gate
    telehealth booking by the patient's state (H15), and the prescriber must be registered in
    the state where the patient is (H14). A clinic that lists no state is licensed nowhere:
    the check is never off by default."""
    return state in licensed_states


def unlicensed_location(
    state: str, licensed_states: Collection[str], where: str = "where the patient is"
) -> str | None:
    """Why a video visit may not be held with a patient in `state`, in the staff's words;
    None when the clinic is licensed there."""
    if licensed_in(state, licensed_states):
        return None
    listed = ", ".join(sorted(licensed_states)) or "none on file: see the clinic settings"
    return (
        f"The clinic is not licensed in {state or 'an unknown state'}, {where} "
        f"(licensed: {listed}): a video visit is held only with a patient located in a state "
        "where the clinic is licensed (H14, H15)."
    )


@dataclass(frozen=True)
class Registration:
    number: str
    state: str
    expires_on: date


@dataclass(frozen=True)
class PrescribingEncounter:
    """What the prescriber records for a telehealth encounter that leads to a prescription."""

    signed_on: date  # the day of signing (the prescription's day), clinic time
    modality: Modality | None
    patient_state: str
    prescriber_state: str
    in_person_evaluation_on: date | None
    pdmp_state: str
    pdmp_checked_on: date | None
    registrations: tuple[Registration, ...]  # the prescriber's, every state


@dataclass(frozen=True)
class Refusal:
    field: str
    reason: str


def registration_for(encounter: PrescribingEncounter) -> Registration | None:
    """The prescriber's registration in the patient's state, current on the signing day."""
    current = [
        r for r in encounter.registrations
        if r.state == encounter.patient_state and r.expires_on >= encounter.signed_on
    ]  # fmt: skip
    return max(current, key=lambda r: r.expires_on, default=None)


def signing_refusals(encounter: PrescribingEncounter) -> list[Refusal]:
    """Everything that stops a prescribing telehealth encounter from being signed; empty when
    it may be. Each refusal names the field to correct."""
    refusals = _recorded(encounter)
    if encounter.patient_state and registration_for(encounter) is None:
        expired = any(r.state == encounter.patient_state for r in encounter.registrations)
        why = "has expired" if expired else "is not on file"
        refusals.append(Refusal("dea_registration", (
            f"The prescriber's DEA registration for {encounter.patient_state}, where the "
            f"patient is, {why}: a DEA registration is required in the patient's state (H14)."
        )))  # fmt: skip
    refusals += _in_person(encounter)
    return refusals


def _recorded(e: PrescribingEncounter) -> list[Refusal]:
    missing = []
    if e.modality is None:
        missing.append(
            Refusal("modality", "Record whether the visit was audio-video or audio only.")
        )
    if not e.patient_state:
        missing.append(Refusal("patient_state", "Record the state where the patient was."))
    if not e.prescriber_state:
        missing.append(Refusal("prescriber_state", "Record the state where you were."))
    if not e.pdmp_state or e.pdmp_checked_on is None:
        missing.append(Refusal("pdmp_checked_on", "Record the PDMP check: its state and date."))
    elif e.pdmp_checked_on > e.signed_on:
        missing.append(Refusal("pdmp_checked_on", "The PDMP check cannot be after today."))
    if e.in_person_evaluation_on is not None and e.in_person_evaluation_on > e.signed_on:
        missing.append(
            Refusal(
                "in_person_evaluation_on", "An in-person evaluation date cannot be in the future."
            )
        )
    return missing  # fmt: skip


def _in_person(e: PrescribingEncounter) -> list[Refusal]:
    """Ryan Haight: an in-person evaluation first, unless the H12 flexibility covers the day
    and the visit was audio-video."""
    if e.modality is None or e.in_person_evaluation_on is not None:
        return []
    if flexibility_applies(e.signed_on, e.modality):
        return []
    if e.modality is Modality.AUDIO_ONLY:
        why = "an audio-only visit is not covered by the telemedicine flexibilities (H12)"
    else:
        why = (f"the audio-video flexibility runs {FLEXIBILITY_FIRST_DAY:%Y-%m-%d} to "
               f"{FLEXIBILITY_LAST_DAY:%Y-%m-%d} (H12)")  # fmt: skip
    return [Refusal("in_person_evaluation_on", (
        "Prescribing a controlled substance over telehealth needs a prior in-person "
        f"evaluation (Ryan Haight Act, H12): record its date; {why}."
    ))]  # fmt: skip
