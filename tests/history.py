"""A patient with a long record, built fast: weekly PHQ-9 and GAD-7, twice-weekly IV
sessions (each with three readings) and monthly MADRS, ending today.

Used by the tests that prove every page still opens (and keeps its query count) as a record
grows, and by bench/. Rows are bulk-inserted with the scores the clinical core gives, so
the history looks like one recorded through the services without taking minutes to build.
"""

from __future__ import annotations

from datetime import timedelta

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


def _response(patient, user, instrument, total, when):  # type: ignore[no-untyped-def]
    from ketacare.measures.models import ScaleResponse

    answers = _answers(instrument, total)
    result = instruments.get(instrument).score(list(answers))
    return ScaleResponse(
        clinic=patient.clinic, patient=patient, instrument=instrument, answers=answers,
        total=result.total, severity=result.severity or "", risk=result.risk or "",
        flags=list(result.flags), taken_at=when, entered_by=user,
    )  # fmt: skip


def add_history(patient, user, days: int) -> None:  # type: ignore[no-untyped-def]
    """``days`` of care up to now for ``patient``, entered by ``user``."""
    from ketacare.measures.models import ScaleResponse
    from ketacare.sessions.models import DosingSession, SessionStatus, VitalSignsReading

    now = timezone.now().replace(microsecond=0)
    start = now - timedelta(days=days)
    responses = []
    for week in range(days // 7 + 1):
        when = start + timedelta(days=7 * week)
        fade = 1.0 if week == 0 else 0.45 + 0.1 * (week % 4)
        responses += [_response(patient, user, "phq9", round(18 * fade), when),
                      _response(patient, user, "gad7", round(14 * fade), when)]  # fmt: skip
    for month in range(days // 30 + 1):
        fade = 1.0 if month == 0 else 0.4 + 0.05 * (month % 3)
        when = start + timedelta(days=30 * month, hours=1)
        responses.append(_response(patient, user, "madrs", round(32 * fade), when))
    ScaleResponse.objects.bulk_create(responses)
    weight = float(patient.weight_kg)
    sessions = [
        DosingSession(
            clinic=patient.clinic,
            patient=patient,
            route="iv",
            status=SessionStatus.DISCHARGED,
            weight_kg=patient.weight_kg,
            dose_mg=round(0.5 * weight, 1),
            infusion_minutes=40,
            dose_limit_mg=round(0.75 * weight, 1),
            dose_limit_source="K1, K7",
            predose_vitals={
                "systolic_mmhg": 122,
                "diastolic_mmhg": 78,
                "heart_rate_bpm": 72,
                "spo2_percent": 98,
            },
            predose_decision="go",
            started_at=start + timedelta(days=day, hours=2),
            started_by=user,
            discharged_at=start + timedelta(days=day, hours=4),
        )  # fmt: skip
        for week in range(days // 7 + 1)
        for day in (7 * week + 1, 7 * week + 4)
        if day < days
    ]
    DosingSession.objects.bulk_create(sessions)
    VitalSignsReading.objects.bulk_create(
        VitalSignsReading(
            clinic=patient.clinic,
            session=s,
            taken_at=s.started_at + timedelta(minutes=m),
            systolic_mmhg=130,
            diastolic_mmhg=84,
            heart_rate_bpm=78,
            spo2_percent=98,
            moaas=4,
            recorded_by=user,
        )  # fmt: skip
        for s in DosingSession.objects.filter(patient=patient)
        for m in (20, 40, 100)
    )
