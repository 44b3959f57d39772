"""A patient with a long record, built fast: weekly PHQ-9 and GAD-7, twice-weekly IV
sessions (each with three readings) and monthly MADRS, ending today.

Used by the tests that prove every page still opens (and keeps its query count) as a record
grows, and by bench/. Rows are bulk-inserted with the scores the clinical core gives, so
the history looks like one recorded through the services without taking minutes to build.
"""

from __future__ import annotations

from datetime import timedelta
from functools import cache

from django.utils import timezone

from ketacare.clinical import instruments

WEEKLY = ("phq9", "gad7")


def _answers(instrument: str, total: int) -> list[int]:
    scale = instruments.get(instrument)
    answers = [0] * len(scale.items)
    top = scale.items[0].max_answer
    i = 0
    while total > 0 and i < 10 * len(answers):
        slot = i % len(answers)
        if answers[slot] < top:
            answers[slot] += 1
            total -= 1
        i += 1
    return answers


@cache
def _scored(instrument: str, total: int) -> dict[str, object]:
    answers = _answers(instrument, total)
    result = instruments.get(instrument).score(list(answers))
    return {"instrument": instrument, "answers": answers, "total": result.total,
            "severity": result.severity or "", "risk": result.risk or "",
            "flags": list(result.flags)}  # fmt: skip


def _responses(patient_ids, start, days):  # type: ignore[no-untyped-def]
    for pid in patient_ids:
        for week in range(days // 7 + 1):
            when = start + timedelta(days=7 * week)
            fade = 1.0 if week == 0 else 0.45 + 0.1 * (week % 4)
            yield _scored("phq9", round(18 * fade)) | {"patient_id": pid, "taken_at": when}
            yield _scored("gad7", round(14 * fade)) | {"patient_id": pid, "taken_at": when}
        for month in range(days // 30 + 1):
            fade = 1.0 if month == 0 else 0.4 + 0.05 * (month % 3)
            when = start + timedelta(days=30 * month, hours=1)
            yield _scored("madrs", round(32 * fade)) | {"patient_id": pid, "taken_at": when}


def _session_days(days: int) -> list[int]:
    return [d for week in range(days // 7 + 1) for d in (7 * week + 1, 7 * week + 4) if d < days]


PREDOSE = {"systolic_mmhg": 122, "diastolic_mmhg": 78, "heart_rate_bpm": 72, "spo2_percent": 98}


def add_history(patient, user, days: int) -> None:  # type: ignore[no-untyped-def]
    """``days`` of care up to now for ``patient``, entered by ``user``."""
    add_histories([patient], user, days)


def add_histories(patients, user, days: int, now=None) -> int:  # type: ignore[no-untyped-def]
    """The same history for each of ``patients`` (of one clinic) in three inserts; returns
    the rows written. Used by bench/ to build thousands of patients in minutes."""
    from ketacare.measures.models import ScaleResponse
    from ketacare.sessions.models import DosingSession, SessionStatus, VitalSignsReading
    from tests.fast_rows import Rows, next_id, reset_sequences

    now = (now or timezone.now()).replace(microsecond=0)
    start = now - timedelta(days=days)
    clinic_id = patients[0].clinic_id
    written = Rows(ScaleResponse, clinic_id=clinic_id, entered_by=user, answers=[]).insert(
        _responses([p.pk for p in patients], start, days)
    )
    first_id = session_id = next_id(DosingSession)
    sessions, readings = [], []
    for p in patients:
        weight = float(p.weight_kg)
        for day in _session_days(days):
            began = start + timedelta(days=day, hours=2)
            sessions.append({"id": session_id, "patient_id": p.pk, "weight_kg": p.weight_kg,
                             "dose_mg": round(0.5 * weight, 1),
                             "dose_limit_mg": round(0.75 * weight, 1), "started_at": began,
                             "discharged_at": began + timedelta(hours=2)})  # fmt: skip
            readings += [{"session_id": session_id, "taken_at": began + timedelta(minutes=m)}
                         for m in (20, 40, 100)]  # fmt: skip
            session_id += 1
    written += Rows(
        DosingSession, with_ids=True, clinic_id=clinic_id, route="iv", weight_kg=0,
        status=SessionStatus.DISCHARGED, dose_mg=0, dose_limit_mg=0, infusion_minutes=40,
        dose_limit_source="K1, K7", predose_vitals=PREDOSE, predose_decision="go",
        started_by=user,
    ).insert(sessions)  # fmt: skip
    if session_id > first_id:
        reset_sequences(DosingSession)
    written += Rows(
        VitalSignsReading, clinic_id=clinic_id, systolic_mmhg=130, diastolic_mmhg=84,
        heart_rate_bpm=78, spo2_percent=98, moaas=4, recorded_by=user,
    ).insert(readings)  # fmt: skip
    return written


BATCH = 2000
