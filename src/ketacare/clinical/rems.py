"""The Spravato (esketamine) REMS: patient enrollment before the first dose, and the Patient
Monitoring Form after every outpatient session, submitted within 7 days (S10, S11).

The form's fields are those of the current form (S11; clinical.md section 2a sums them up with
CP1, that file's P1), plus what the issue asks the run sheet to carry for it: first treatment
or not, enrolled or not (S11's patient section asks both on a first treatment), concomitant
opioids (the form's instructions name opioids among the medicines that may sedate) and
respiratory depression (a REMS goal, S9). Plain data in, plain answers out: the app gathers the
values (from the session, the medication list, what staff entered) and this says which are
missing, when the form is due and whether a session may start.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from ketacare.clinical.errors import ClinicalRuleError
from ketacare.clinical.routes import Route

FORM_DUE_DAYS = 7  # calendar days after every treatment session (S10, S11)
FORM_DOSES_MG = (56, 84)  # the form's two boxes; anything else is "other" with its mg (S11)
BP_CHECK_MINUTE = 40  # the form's post-administration BP (S11; BP peaks ~40 min, S1 §5.6, S5)


class RemsFieldError(ClinicalRuleError):
    """A value the form cannot take; the message starts with the field's key."""


class Kind(StrEnum):
    TEXT = "text"
    YES_NO = "yes/no"
    MINUTES = "minutes"
    BP = "mmHg"  # "systolic/diastolic"
    DATE = "date"
    DOSE = "mg"


@dataclass(frozen=True)
class FormField:
    key: str
    label: str
    kind: Kind
    section: str
    source: str
    entered: bool = True  # False: always taken from the record (the patient, the session)


def _f(key: str, label: str, kind: Kind, section: str, source: str = "S11", *,
       entered: bool = True) -> FormField:  # fmt: skip
    return FormField(key, label, kind, section, source, entered)


PATIENT, MEDICINES, PROVIDER, SETTING, SESSION, VITALS, EVENTS = (
    "Patient", "Concomitant medication", "Provider conducting monitoring",
    "Healthcare setting", "Treatment session", "Vital signs", "Adverse outcomes",
)  # fmt: skip

# In the form's order (S11). The patient's identity comes from the chart, never retyped.
FIELDS: tuple[FormField, ...] = (
    _f("patient_name", "Patient name", Kind.TEXT, PATIENT, "S11, CP1", entered=False),
    _f("date_of_birth", "Birthdate", Kind.DATE, PATIENT, "S11, CP1", entered=False),
    _f("sex", "Sex", Kind.TEXT, PATIENT, "S11, CP1", entered=False),
    _f("first_treatment", "First treatment", Kind.YES_NO, PATIENT, entered=False),
    _f("enrolled", "Enrolled in the REMS", Kind.YES_NO, PATIENT, "S10, S11", entered=False),
    _f("benzodiazepines", "Benzodiazepines", Kind.YES_NO, MEDICINES),
    _f("non_benzo_hypnotics", "Non-benzodiazepine sedative hypnotics", Kind.YES_NO, MEDICINES),
    _f("psychostimulants", "Psychostimulants", Kind.YES_NO, MEDICINES),
    _f("maois", "Monoamine oxidase inhibitors (MAOIs)", Kind.YES_NO, MEDICINES),
    _f("opioids", "Opioids", Kind.YES_NO, MEDICINES),
    _f("monitoring_hcp", "Name", Kind.TEXT, PROVIDER),
    _f("monitoring_hcp_phone", "Telephone", Kind.TEXT, PROVIDER),
    _f("monitoring_hcp_email", "Email", Kind.TEXT, PROVIDER),
    _f("setting_name", "Healthcare setting name", Kind.TEXT, SETTING),
    _f("setting_address", "Healthcare setting address", Kind.TEXT, SETTING),
    _f("treatment_date", "Treatment date", Kind.DATE, SESSION, entered=False),
    _f("dose_mg", "Dose administered", Kind.DOSE, SESSION),
    _f("lot_number", "Lot number", Kind.TEXT, SESSION),
    _f("total_minutes", "Total time from 1st device to completion of monitoring",
       Kind.MINUTES, SESSION),
    _f("ready_to_leave_minutes", "Ready to leave, without the 2-hour minimum (minutes from "
       "start of administration)", Kind.MINUTES, SESSION),
    _f("vitals_ok_predose", "Vital signs acceptable before administration", Kind.YES_NO,
       VITALS),
    _f("vitals_ok_predischarge", "Vital signs acceptable before session completion",
       Kind.YES_NO, VITALS),
    _f("bp_predose", "BP before administration", Kind.BP, VITALS),
    _f("bp_40_min", "BP 40 min after administration", Kind.BP, VITALS),
    _f("bp_predischarge", "BP before session completion", Kind.BP, VITALS),
    _f("sedation", "Sedation", Kind.YES_NO, EVENTS, "S11, S1 §5.1-5.2"),
    _f("dissociation", "Dissociation", Kind.YES_NO, EVENTS, "S11, S1 §5.1-5.2"),
    _f("respiratory_depression", "Respiratory depression", Kind.YES_NO, EVENTS, "S9"),
    _f("serious_adverse_event", "Serious adverse event", Kind.YES_NO, EVENTS),
    _f("serious_adverse_event_detail", "Serious adverse event: what happened", Kind.TEXT,
       EVENTS),
)  # fmt: skip
BY_KEY = {f.key: f for f in FIELDS}
ENTERED = tuple(f for f in FIELDS if f.entered)

_BP = re.compile(r"^\s*(\d{1,3})\s*/\s*(\d{2,3})\s*$")
_YES, _NO = ("yes", "true", "1", "y"), ("no", "false", "0", "n")


def requires_form(route: Route) -> bool:
    """Only esketamine is under the REMS. KetaCare runs outpatient clinics, the setting the
    form is for; inpatient and emergency settings are exempt (S10, S11)."""
    return route is Route.ESKETAMINE_NASAL


def enrollment_refusal(route: Route, enrolled_on: date | None, day: date) -> str | None:
    """Why an esketamine session may not start on `day`, or None. The patient is enrolled
    before the first treatment (S10, S11); a session without enrollment on file is refused,
    first or not, because the REMS holds no record of the patient to report it against."""
    if not requires_form(route):
        return None
    if enrolled_on is None:
        return (
            "This patient is not enrolled in the Spravato REMS: enroll the patient before the "
            "first esketamine treatment (S10, S11)."
        )
    if enrolled_on > day:
        return f"REMS enrollment dates from {enrolled_on}, after this session (S10, S11)."
    return None


def is_first_treatment(earlier_esketamine_sessions: int) -> bool:
    return earlier_esketamine_sessions == 0


def due_on(treatment_date: date) -> date:
    """The last day to submit the form: 7 calendar days after the session (S10, S11)."""
    return treatment_date + timedelta(days=FORM_DUE_DAYS)


def days_left(treatment_date: date, today: date) -> int:
    """Negative once overdue."""
    return (due_on(treatment_date) - today).days


def is_overdue(treatment_date: date, today: date) -> bool:
    return days_left(treatment_date, today) < 0


def dose_box(dose_mg: float | None) -> str:
    """How the dose reads on the form: one of its boxes, or "other" with the dose."""
    if dose_mg is None:
        return ""
    if dose_mg in FORM_DOSES_MG:
        return f"{dose_mg:g} mg"
    return f"Other: {dose_mg:g} mg"


def nearest_reading[T](minute: int, readings: Sequence[tuple[int, T]]) -> T | None:
    """The reading (minute after administration, value) nearest to `minute`; the earlier one
    on a tie, as the form asks for the BP at that time, not after it."""
    if not readings:
        return None
    return min(readings, key=lambda r: (abs(r[0] - minute), r[0]))[1]


def is_missing(key: str, values: Mapping[str, object]) -> bool:
    value = values.get(key)
    if key == "serious_adverse_event_detail":  # asked only when there was one
        return values.get("serious_adverse_event") is True and not value
    return value is None or value == ""


def missing_fields(values: Mapping[str, object]) -> tuple[FormField, ...]:
    """The form's fields with no value: the session cannot be signed while any remain."""
    return tuple(f for f in FIELDS if is_missing(f.key, values))


def parse_value(key: str, raw: object) -> object:
    """One entered answer as the form's value (None when left blank); refuses what the form
    cannot take, naming the field."""
    field = BY_KEY.get(key)
    if field is None or not field.entered:
        raise RemsFieldError(f"{key}: not a field staff enter on the REMS form.")
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    parse = _PARSERS[field.kind]
    return parse(key, raw)


def _text(key: str, raw: object) -> str:
    text = str(raw).strip()
    if "\x00" in text or len(text) > 300:
        raise RemsFieldError(f"{key}: at most 300 characters, no NUL.")
    return text


def _yes_no(key: str, raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    word = str(raw).strip().lower()
    if word in _YES or word in _NO:
        return word in _YES
    raise RemsFieldError(f"{key}: answer yes or no.")


def _whole(key: str, raw: object, low: float, high: float, unit: str) -> float:
    if isinstance(raw, bool):
        raise RemsFieldError(f"{key}: a number of {unit}, not yes/no.")
    try:
        value = float(str(raw).strip())
    except ValueError:
        raise RemsFieldError(f"{key}: a number of {unit}.") from None
    if not low <= value <= high:
        raise RemsFieldError(f"{key}: between {low:g} and {high:g} {unit}.")
    return value


def _minutes(key: str, raw: object) -> int:
    # A day bounds a typing slip; not a clinical limit.
    value = _whole(key, raw, 0, 24 * 60, "minutes")
    if value != int(value):
        raise RemsFieldError(f"{key}: whole minutes.")
    return int(value)


def _dose(key: str, raw: object) -> float:
    # Positive and at most the form's three digits: a typing check, not a clinical limit
    # (the route's hard limit is the dosing core's, checked when the session starts).
    return _whole(key, raw, 0.1, 999, "mg")


def _bp(key: str, raw: object) -> str:
    match = _BP.match(str(raw))
    if not match:
        raise RemsFieldError(f"{key}: systolic/diastolic in mmHg, e.g. 128/82.")
    systolic, diastolic = int(match[1]), int(match[2])
    if not 0 < diastolic < systolic:  # definitional only, as in vitals.py
        raise RemsFieldError(f"{key}: systolic must be above diastolic, both positive.")
    return f"{systolic}/{diastolic}"


def _date(key: str, raw: object) -> str:
    text = str(raw).strip()
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise RemsFieldError(f"{key}: a date, YYYY-MM-DD.") from None


_PARSERS = {
    Kind.TEXT: _text,
    Kind.YES_NO: _yes_no,
    Kind.MINUTES: _minutes,
    Kind.DOSE: _dose,
    Kind.BP: _bp,
    Kind.DATE: _date,
}


def shown(value: object) -> str:
    """A value as the form prints it (PDF, CSV, page)."""
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
