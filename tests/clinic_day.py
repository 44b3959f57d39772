"""A whole clinic, built fast: many patients each with a long record, and a working day on
top (visits booked today, sessions under way, open alerts, new referrals, unsigned notes, a
count that did not match).

Used by bench/clinic_scale.py (5,000 patients with two years each) and by the tests that
prove the Today page and the chart make as many queries for a big clinic as for a small one.
Rows are bulk-inserted, in chunks of patients so memory stays bounded; the day's rows are
few and go through the services where a service exists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from tests.conftest import actor_for, make_clinic_world, patient_data
from tests.history import BATCH, add_histories

FIRST = ("Ada", "Ben", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jun", "Kai", "Lea")
LAST = ("Moreno", "Okafor", "Nakamura", "Lindqvist", "Haddad", "Petrov", "Quinn", "Silva")
CHAIRS = 6
MONTH = timedelta(days=30)


def build_clinic(  # type: ignore[no-untyped-def]
    slug: str,
    patients: int,
    days: int,
    chunk: int = 100,
    progress: Callable[[int], None] = lambda n: None,
):
    """`patients` patients (the first one is the fixtures' patient, with a portal login),
    each with `days` of history; `progress(n)` after each chunk of n patients."""
    from ketacare.appointments.models import Room
    from ketacare.patients.models import Patient

    clinic, users, first = make_clinic_world(slug, "Zero")
    Room.objects.bulk_create(Room(clinic=clinic, name=f"Chair {i + 1}") for i in range(CHAIRS))
    _records_of([first], users, days)
    progress(1)
    for begin in range(1, patients, chunk):
        rows = Patient.objects.bulk_create(
            Patient(
                clinic=clinic,
                **patient_data(
                    mrn=f"{slug}-{i + 1:05d}",
                    first_name=FIRST[i % len(FIRST)],
                    last_name=LAST[i // len(FIRST) % len(LAST)],
                    date_of_birth=date(1950 + i % 50, 1 + i % 12, 1 + i % 28),
                    weight_kg=Decimal(55 + i % 50),
                ),
            )  # fmt: skip
            for i in range(begin, min(begin + chunk, patients))
        )
        _records_of(rows, users, days)
        progress(len(rows))
    return clinic, users, first


def _records_of(patients: list, users: dict, days: int) -> None:  # type: ignore[type-arg]
    """Each patient's two years: scales and IV sessions with readings (tests/history.py),
    and what else a chart holds: consents, a plan, a medication, an allergy for one in
    three, monthly counselling and follow-up visits, alerts raised and acknowledged."""
    from ketacare.appointments.models import Appointment
    from ketacare.consent.models import ConsentSignature
    from ketacare.consent.services import latest_versions
    from ketacare.counselling.models import CounsellingSession
    from ketacare.measures.models import SafetyAlert
    from ketacare.medications.models import Allergy, Medication

    nurse, therapist, desk = users["nurse"], users["therapist"], users["front_desk"]
    now = timezone.now().replace(microsecond=0)
    add_histories(patients, nurse, days, now)
    months = [now - MONTH * (m + 1) for m in range(days // 30)]
    documents = latest_versions(patients[0].clinic_id)

    def each(make: Callable[..., Iterable]) -> list:  # type: ignore[type-arg]
        return [row for p in patients for row in make(p)]

    ConsentSignature.objects.bulk_create(each(lambda p: (
        ConsentSignature(clinic_id=p.clinic_id, patient=p, document=d, topic=topic,
                         typed_name=p.full_name, signed_via="clinic_tablet", witness=nurse,
                         recorded_by=nurse, signed_at=now - timedelta(days=days))
        for topic, d in documents.items()
    )), batch_size=BATCH)  # fmt: skip
    _plans(patients, users["prescriber"], now.date() - timedelta(days=14))
    Medication.objects.bulk_create(each(lambda p: [Medication(
        clinic_id=p.clinic_id, patient=p, name="Sertraline", dose="100 mg daily",
        started_on=now.date() - timedelta(days=days), recorded_by=nurse,
    )]), batch_size=BATCH)  # fmt: skip
    Allergy.objects.bulk_create(each(lambda p: [
        Allergy(clinic_id=p.clinic_id, patient=p, substance="Penicillin", reaction="hives",
                recorded_by=nurse)
    ] if p.pk % 3 == 0 else []), batch_size=BATCH)  # fmt: skip
    CounsellingSession.objects.bulk_create(each(lambda p: (
        CounsellingSession(clinic_id=p.clinic_id, patient=p, kind="integration", held_at=at,
                           duration_minutes=50, note="Integration after the infusion.",
                           therapist=therapist, signed_at=at + timedelta(hours=1))
        for at in months
    )), batch_size=BATCH)  # fmt: skip
    Appointment.objects.bulk_create(each(lambda p: (
        Appointment(clinic_id=p.clinic_id, patient=p, kind="follow_up",
                    starts_at=at + timedelta(days=2), ends_at=at + timedelta(days=2, minutes=30),
                    staff=users["prescriber"], booked_by=desk, booked_at=at)
        for at in months
    )), batch_size=BATCH)  # fmt: skip
    SafetyAlert.objects.bulk_create(each(lambda p: (
        SafetyAlert(clinic_id=p.clinic_id, patient=p, kind="suicidality",
                    reason="PHQ-9 item 9 answered 1", raised_at=at,
                    acknowledged_at=at + timedelta(hours=2), acknowledged_by=nurse,
                    acknowledgement_note="Safety plan reviewed.")
        for at in months[::6]
    )), batch_size=BATCH)  # fmt: skip


def _plans(patients: list, prescriber, start_on: date) -> None:  # type: ignore[no-untyped-def,type-arg]
    """An IV induction from two weeks ago, the schedule the core gives for each weight."""
    from ketacare.treatment.models import TreatmentPlan
    from ketacare.treatment.services.plans import NewPlan, schedule_for

    schedules: dict[float, list[dict[str, object]]] = {}
    for weight in {float(p.weight_kg) for p in patients}:
        schedules[weight] = [
            {
                "on": s.on.isoformat(),
                "kind": str(s.kind),
                "phase": s.phase,
                "dosing_number": s.dosing_number,
                "dose_mg": s.dose_mg,
                "detail": s.detail,
                "source": s.source,
            }  # fmt: skip
            for s in schedule_for(NewPlan("iv-induction", start_on), weight)
        ]
    TreatmentPlan.objects.bulk_create(
        (
            TreatmentPlan(
                clinic_id=p.clinic_id,
                patient=p,
                template="iv-induction",
                template_name="IV racemic ketamine induction",
                start_on=start_on,
                schedule=schedules[float(p.weight_kg)],
                created_by=prescriber,
            )  # fmt: skip
            for p in patients
        ),
        batch_size=BATCH,
    )


def add_day(clinic, users, visits: int = 40) -> None:  # type: ignore[no-untyped-def]
    """Today in the clinic's time zone: `visits` booked visits (half dosing, on the chairs),
    a quarter of the dosing patients under way and a quarter discharged, an open alert for
    one visit in four, ten new referrals, three unsigned notes of the therapist, and a
    controlled-substance count that did not match the log."""
    from ketacare.appointments.models import Appointment, Room
    from ketacare.counselling.models import CounsellingSession
    from ketacare.measures.models import SafetyAlert
    from ketacare.patients.models import Patient
    from ketacare.sessions.models import DosingSession, SessionStatus, VitalSignsReading

    nurse = users["nurse"]
    zone = ZoneInfo(clinic.time_zone)
    opening = datetime.combine(timezone.localdate(timezone=zone), time(8), zone)
    now = timezone.now()
    chairs = list(Room.objects.filter(clinic=clinic))
    patients = list(Patient.objects.filter(clinic=clinic).order_by("-id")[:visits])
    kinds = ("dosing", "counselling", "dosing", "follow_up")
    booked = Appointment.objects.bulk_create(
        Appointment(
            clinic=clinic,
            patient=p,
            kind=kinds[i % 4],
            room=chairs[i % len(chairs)],
            starts_at=opening + timedelta(minutes=15 * i),
            ends_at=opening + timedelta(minutes=15 * i + 120),
            staff=nurse,
            booked_by=users["front_desk"],
        )  # fmt: skip
        for i, p in enumerate(patients)
    )
    dosing = [a for a in booked if a.kind == "dosing"]
    for i, visit in enumerate(dosing[: len(dosing) // 2]):
        started = min(visit.starts_at, now - timedelta(minutes=30))
        under_way = i % 2 == 0
        session = DosingSession.objects.create(
            clinic=clinic, patient=visit.patient, route="iv",
            status=SessionStatus.IN_PROGRESS if under_way else SessionStatus.DISCHARGED,
            weight_kg=visit.patient.weight_kg, dose_mg=35.0, infusion_minutes=40,
            dose_limit_mg=52.5, dose_limit_source="K1, K7", predose_decision="go",
            predose_vitals={"systolic_mmhg": 124, "diastolic_mmhg": 80},
            started_at=started, started_by=nurse,
            discharged_at=None if under_way else started + timedelta(minutes=110),
        )  # fmt: skip
        VitalSignsReading.objects.create(
            clinic=clinic, session=session, taken_at=started + timedelta(minutes=20),
            systolic_mmhg=138, diastolic_mmhg=88, recorded_by=nurse,
        )  # fmt: skip
    SafetyAlert.objects.bulk_create(
        SafetyAlert(clinic=clinic, patient=a.patient, kind="suicidality",
                    reason="PHQ-9 item 9 answered 1", raised_at=now - timedelta(hours=1))
        for a in booked[::4]
    )  # fmt: skip
    CounsellingSession.objects.bulk_create(
        CounsellingSession(
            clinic=clinic,
            patient=a.patient,
            kind="preparation",
            held_at=a.starts_at,
            duration_minutes=50,
            note="Draft.",
            therapist=users["therapist"],
        )  # fmt: skip
        for a in booked[1:12:4]
    )
    _referrals(clinic, 10)
    _count_mismatch(clinic, users)


def _referrals(clinic, count: int) -> None:  # type: ignore[no-untyped-def]
    from ketacare.referrals import services as referrals
    from tests.referrals.conftest import provider_data

    sender = referrals.public_actor(clinic, "clinic-day")
    for i in range(count):
        referrals.submit(sender, "provider", provider_data(last_name=f"Referred{i}"))


def _count_mismatch(clinic, users) -> None:  # type: ignore[no-untyped-def]
    from ketacare.controlled import services as controlled

    nurse = actor_for(users["nurse"], clinic, "nurse")
    lot = controlled.Receipt("ketamine", "LOT-DAY", date(2030, 1, 1), Decimal(500), "Acme")
    entry = controlled.receive(nurse, lot)
    controlled.count(nurse, entry.stock.public_id, Decimal(495), "5 mL short")
