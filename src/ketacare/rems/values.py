"""The values of one monitoring form: what the record already knows (prefilled), overridden
by what staff entered, and the fields only the record may fill (the patient, the date).

The session is read through the objects handed in (see the package docstring): its patient,
clinic, dose, pre-dose vital signs and readings, and, once the run sheet records them, its
dose administration (lot, device times), its sedation and dissociation entries and its
adverse events. Nothing here queries per form: the caller loads the
sessions with their readings and the patients' medicines in a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from ketacare.clinical import rems as rule
from ketacare.clinical.eligibility import Medicine
from ketacare.rems.models import MonitoringForm

# The form's questions on concomitant medicines (S11), by the medication list's classes.
CLASS_QUESTIONS = {
    Medicine.BENZODIAZEPINE: "benzodiazepines",
    Medicine.NON_BENZODIAZEPINE_HYPNOTIC: "non_benzo_hypnotics",
    Medicine.PSYCHOSTIMULANT: "psychostimulants",
    Medicine.MAOI: "maois",
    Medicine.OPIOID: "opioids",
}


@dataclass(frozen=True)
class FormValues:
    values: dict[str, object]
    prefilled: frozenset[str]  # keys whose value came from the record, not from staff

    @property
    def missing(self) -> tuple[rule.FormField, ...]:
        return rule.missing_fields(self.values)

    def shown(self, key: str) -> str:
        return rule.shown(self.values.get(key))


def _local(moment: datetime, clinic: Any) -> datetime:
    return moment.astimezone(ZoneInfo(clinic.time_zone))


def _bp(systolic: int | None, diastolic: int | None) -> str | None:
    return f"{systolic}/{diastolic}" if systolic and diastolic else None


def _taken_on(medicine: Any, day: date) -> bool:
    started, stopped = medicine.started_on, medicine.stopped_on
    return (started is None or started <= day) and (stopped is None or stopped > day)


def _medicines(day: date, medicines: Iterable[Any]) -> dict[str, object]:
    """Yes for a class taken on the session's day; no otherwise: the medication list is the
    record (issue 10 item 9), so a class absent from it is answered no, and staff may change
    the answer on the form."""
    taken = {Medicine(m.medicine_class) for m in medicines if _taken_on(m, day)}
    return {key: cls in taken for cls, key in CLASS_QUESTIONS.items()}


def _administration(session: Any) -> Any:
    """The run sheet's dose as given (lot, devices), or None before it is recorded."""
    return getattr(session, "administration", None)


def _administration_start(session: Any) -> datetime:
    """The first device's time (S11 counts from it); the session's start until recorded."""
    given = _administration(session)
    devices = sorted(given.devices.all(), key=lambda d: d.number) if given else []
    first: datetime | None = devices[0].given_at if devices else None
    if given is not None and first is None:
        first = given.started_at
    return first or session.started_at


def _readings(session: Any, start: datetime) -> list[tuple[int, Any]]:
    return [(int((r.taken_at - start).total_seconds() // 60), r) for r in session.readings.all()]


def _assessed(session: Any, kind: str) -> list[int]:
    """The run sheet's sedation (MOAA/S) or dissociation (CADSS total) entries."""
    return [a.score for a in session.assessments.all() if a.kind == kind]


def _sedation(session: Any, readings: list[tuple[int, Any]]) -> bool | None:
    """Yes if any MOAA/S, on a reading or a sedation entry of the run sheet, was below 5
    (4 = mild sedation, N3); no if some were scored and all were 5; unknown (asked) when
    none was scored."""
    scored = [r.moaas for _, r in readings if r.moaas is not None]
    scored += _assessed(session, "sedation")
    if not scored:
        return None
    return bool(min(scored) < 5)  # N3


def _dissociation(session: Any) -> bool | None:
    """Yes if any CADSS total of the run sheet is above 0 (0: every item rated "not at
    all", so no dissociative symptom, Q9); no if it was scored and always 0; unknown (asked)
    when it was not scored. No cut-off is sourced, so none is invented."""
    totals = _assessed(session, "dissociation")
    if not totals:
        return None
    return max(totals) > 0


def _serious_events(session: Any) -> dict[str, object]:
    """The run sheet's adverse events marked serious, with what happened and what was done;
    no once the session is over (discharged) with none marked serious; else asked."""
    serious = [e for e in session.adverse_events.all() if e.serious]
    if serious:
        detail = "; ".join(
            f"{e.description} ({e.get_severity_display().lower()}; {e.action_taken})"
            for e in serious
        )
        return {"serious_adverse_event": True, "serious_adverse_event_detail": detail[:300]}
    if session.discharged_at is not None:
        return {"serious_adverse_event": False}
    return {}


def _session_facts(session: Any, start: datetime) -> dict[str, object]:
    readings = _readings(session, start)
    after = [(m, r) for m, r in readings if m >= 0]
    at_40 = rule.nearest_reading(rule.BP_CHECK_MINUTE, after)
    last = after[-1][1] if after else None
    staff = session.started_by
    predose = session.predose_vitals or {}
    facts: dict[str, object] = {
        "monitoring_hcp": (staff.full_name or staff.email) if staff else None,
        "monitoring_hcp_email": staff.email if staff else None,
        "setting_name": session.clinic.name,
        "setting_address": session.clinic.address or None,
        "dose_mg": _administration(session).dose_mg
        if _administration(session)
        else session.dose_mg,
        "lot_number": _administration(session).lot_number if _administration(session) else None,
        "vitals_ok_predose": session.predose_decision == "go" or None,
        "bp_predose": _bp(predose.get("systolic_mmhg"), predose.get("diastolic_mmhg")),
        "bp_40_min": _bp(at_40.systolic_mmhg, at_40.diastolic_mmhg) if at_40 else None,
        "bp_predischarge": _bp(last.systolic_mmhg, last.diastolic_mmhg)
        if last and session.discharged_at
        else None,
        "sedation": _sedation(session, readings),
        "dissociation": _dissociation(session),
        **_serious_events(session),
    }
    if session.discharged_at is not None:
        facts["total_minutes"] = int((session.discharged_at - start).total_seconds() // 60)
        # Discharge passed the readiness rules (clinical/discharge.py): vitals were acceptable.
        facts["vitals_ok_predischarge"] = True
    return {k: v for k, v in facts.items() if v is not None}


def form_values(
    form: MonitoringForm, enrolled_on: date | None, medicines: Iterable[Any]
) -> FormValues:
    """`form.session` (with its readings, patient, clinic, started_by) is read, not queried
    again per form when the caller prefetched them."""
    session = form.session
    patient = session.patient
    start = _administration_start(session)
    record: dict[str, object] = {
        "patient_name": patient.full_name,
        "date_of_birth": patient.date_of_birth.isoformat(),
        "sex": patient.get_sex_display(),
        "first_treatment": form.first_treatment,
        "enrolled": enrolled_on is not None and enrolled_on <= form.treatment_date,
        "treatment_date": form.treatment_date.isoformat(),
    }
    prefill = {**_medicines(form.treatment_date, medicines), **_session_facts(session, start)}
    entered: Mapping[str, object] = form.answers or {}
    values = {**prefill, **{k: v for k, v in entered.items() if k in rule.BY_KEY}, **record}
    prefilled = frozenset(k for k in prefill if k not in entered) | frozenset(record)
    return FormValues(values, prefilled)


def treatment_date(session: Any) -> date:
    return _local(session.started_at, session.clinic).date()
