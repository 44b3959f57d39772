"""The demo clinic: one user per role and synthetic patients. Safe to run again.

All people here are invented (seeded random draws from short name lists); no real
patient data is ever used. Loaded by `ketacare demo` and by `make run`.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from ketacare.accounts.actor import Actor, system_actor
from ketacare.accounts.models import Membership, User
from ketacare.accounts.roles import Role
from ketacare.accounts.services.clinic import create_clinic
from ketacare.appointments import services as appointments
from ketacare.appointments.models import Room
from ketacare.athome.demo_data import AT_HOME_MRN, load_at_home
from ketacare.clinics.models import Clinic
from ketacare.consent.demo_documents import load_consents
from ketacare.consent.services import clinic_today
from ketacare.controlled import services as controlled
from ketacare.controlled.models import StockLot
from ketacare.counselling import services as counselling
from ketacare.counselling.models import CounsellingSession
from ketacare.demo_history import load_history
from ketacare.demo_rems import load_rems
from ketacare.demo_telehealth import load_telehealth
from ketacare.medications.services import (
    AllergyEntry,
    MedicationEntry,
    add_allergy,
    add_medication,
)
from ketacare.messaging.demo_data import load_messages
from ketacare.patients.models import Patient, Sex
from ketacare.patients.registration_checks import WARNING_KEYS
from ketacare.patients.services import create_patient
from ketacare.referrals.demo_data import load_referrals
from ketacare.sessions.demo_run_sheets import load_signed_run_sheets
from ketacare.sessions.models import DosingSession
from ketacare.treatment.demo_plans import load_plans

# Published, so the password rules refuse it (it contains "ketacare"); set directly below,
# bypassing them, for local demo accounts only (README).
DEMO_PASSWORD = "ketacare-demo-2026"  # noqa: S105 - documented demo login, demo data only
DEMO_CLINIC_SLUG = "riverside"
DEMO_USERS = {
    Role.CLINIC_ADMIN: "admin@riverside.example",
    Role.PRESCRIBER: "prescriber@riverside.example",
    Role.NURSE: "nurse@riverside.example",
    Role.THERAPIST: "therapist@riverside.example",
    Role.FRONT_DESK: "frontdesk@riverside.example",
    Role.PATIENT: "patient@riverside.example",
}
# A second patient login, for the at-home patient, so a demo user can walk the at-home flow.
AT_HOME_LOGIN = "athome@riverside.example"

FIRST = ["Avery", "Jordan", "Riley", "Morgan", "Casey", "Quinn", "Harper", "Rowan", "Elliot",
         "Sage", "Dana", "Jamie", "Robin", "Alex", "Taylor", "Drew", "Blake", "Reese"]  # fmt: skip
LAST = ["Nguyen", "Garcia", "Okafor", "Smith", "Kowalski", "Haddad", "Johnson", "Silva", "Chen",
        "Brown", "Patel", "Moreau", "Rossi", "Murphy", "Kim", "Lopez", "Novak", "Ali"]  # fmt: skip
# Real ICD-10-CM codes for the conditions the programme treats (CMS ICD-10-CM 2026).
DIAGNOSES = [["F33.2"], ["F32.2"], ["F33.1", "F41.1"], ["F43.10"], ["F33.2", "F43.10"],
             ["G89.4", "F32.1"], ["F41.1"]]  # fmt: skip
STATES = ["NY", "NJ"]


def _link_login(clinic: Clinic, mrn: str, email: str) -> None:
    """The patient's portal login (made here if missing), linked once."""
    patient = Patient.objects.filter(clinic=clinic, mrn=mrn).first()
    if patient is None or patient.user_id is not None:
        return
    user = User.objects.filter(email=email).first() or User.objects.create_user(
        email, DEMO_PASSWORD, full_name=f"Demo {patient.first_name}"
    )
    Membership.objects.get_or_create(user=user, clinic=clinic, defaults={"role": Role.PATIENT})
    patient.user = user
    patient.save(update_fields=["user"])


@transaction.atomic
def load_demo(patients: int = 40, seed: int = 2026) -> str:
    actor = system_actor(reason="demo")
    clinic = Clinic.objects.filter(slug=DEMO_CLINIC_SLUG).first() or create_clinic(
        actor,
        "Riverside Ketamine Clinic",
        slug=DEMO_CLINIC_SLUG,
        time_zone="America/New_York",
        licensed_states=STATES,
        address="100 River Road, Hudson, NY 12534",
    )
    for role, email in DEMO_USERS.items():
        user = User.objects.filter(email=email).first()
        if user is None:
            name = email.split("@")[0].replace("frontdesk", "front desk").title()
            user = User.objects.create_user(email, DEMO_PASSWORD, full_name=f"Demo {name}")
        Membership.objects.get_or_create(user=user, clinic=clinic, defaults={"role": role})

    rng = random.Random(seed)
    actor = system_actor(clinic, "demo")
    created = 0
    for n in range(1, patients + 1):
        mrn = f"RKC-{n:04d}"
        dob = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 52))
        data = {
            "mrn": mrn,
            "first_name": rng.choice(FIRST),
            "last_name": rng.choice(LAST),
            "date_of_birth": dob,
            "sex": rng.choice([Sex.FEMALE, Sex.MALE]),
            "weight_kg": Decimal(rng.randrange(480, 1150)) / 10,
            "state_of_residence": rng.choice(STATES),
            "phone": f"(555) 01{rng.randrange(10)}-{rng.randrange(1000, 10000)}",
            "emergency_contact_name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            "emergency_contact_phone": f"(555) 02{rng.randrange(10)}-{rng.randrange(1000, 10000)}",
            "referring_provider": f"Dr. {rng.choice(LAST)}",
            "diagnosis_codes": rng.choice(DIAGNOSES),
        }
        if Patient.objects.filter(clinic=clinic, mrn=mrn).exists():
            continue
        # Synthetic names may repeat with a birth date: the demo registers them anyway.
        create_patient(_admin_actor(clinic), data, WARNING_KEYS)
        created += 1
    load_history(clinic, _actor(clinic, Role.NURSE), rng)
    _load_medicines(clinic, rng)
    _load_controlled(clinic)
    _load_calendar(clinic)
    _load_counselling(clinic)
    load_consents(clinic, User.objects.get(email=DEMO_USERS[Role.NURSE]), timezone.now())
    load_referrals(clinic, _actor(clinic, Role.FRONT_DESK))
    load_rems(_actor(clinic, Role.PRESCRIBER), _actor(clinic, Role.NURSE), rng)
    load_plans(clinic, _actor(clinic, Role.PRESCRIBER), _actor(clinic, Role.FRONT_DESK))
    load_at_home(clinic, _actor(clinic, Role.PRESCRIBER), _actor(clinic, Role.NURSE))
    load_telehealth(_admin_actor(clinic), _actor(clinic, Role.PRESCRIBER))
    load_signed_run_sheets(_actor(clinic, Role.NURSE))
    _link_login(clinic, "RKC-0001", DEMO_USERS[Role.PATIENT])
    _link_login(clinic, AT_HOME_MRN, AT_HOME_LOGIN)
    load_messages(_actor(clinic, Role.NURSE), AT_HOME_MRN)  # after the login it writes to
    total = Patient.objects.filter(clinic=clinic).count()
    return (
        f"Demo clinic {clinic.name!r}: {total} patients ({created} new). "
        f"Log in at http://127.0.0.1:8000 as any of {', '.join(DEMO_USERS.values())}, "
        f"{AT_HOME_LOGIN} (the at-home patient) "
        f"with password {DEMO_PASSWORD}"
    )


def _actor(clinic: Clinic, role: Role) -> Actor:
    return Actor(user=User.objects.get(email=DEMO_USERS[role]), clinic=clinic, role=role,
                 request_id="demo")  # fmt: skip


def _admin_actor(clinic: Clinic) -> Actor:
    return _actor(clinic, Role.CLINIC_ADMIN)


# A few patients on sedatives, stimulants or MAOIs (so screening and monitoring show their
# rules), and a few allergies for the banner; idempotent like the rest of the demo.
DEMO_MEDICINES = [
    MedicationEntry("sertraline", "100 mg daily", "other", date(2024, 5, 1)),
    MedicationEntry("lorazepam", "0.5 mg at night as needed", "benzodiazepine", date(2025, 1, 10)),
    MedicationEntry("methylphenidate", "10 mg twice daily", "psychostimulant", date(2023, 9, 1)),
    MedicationEntry("lamotrigine", "100 mg daily", "lamotrigine", date(2025, 6, 1)),
]
DEMO_ALLERGIES = [AllergyEntry("penicillin", "hives"), AllergyEntry("latex", "rash")]


def _load_medicines(clinic: Clinic, rng: random.Random) -> None:
    nurse = _actor(clinic, Role.NURSE)
    for patient in Patient.objects.filter(clinic=clinic).order_by("mrn")[:12]:
        if patient.medications.exists():
            continue
        for entry in rng.sample(DEMO_MEDICINES, k=2):
            add_medication(nurse, patient.public_id, entry)
        if rng.random() < 0.4:
            add_allergy(nurse, patient.public_id, rng.choice(DEMO_ALLERGIES))


def _load_controlled(clinic: Clinic) -> None:
    """Receipts of ketamine and esketamine, draws for the latest IV sessions, one waste
    witnessed by the prescriber; once."""
    if StockLot.objects.filter(clinic=clinic).exists():
        return
    nurse = _actor(clinic, Role.NURSE)
    expiry = date.today() + timedelta(days=300)
    ketamine = controlled.receive(nurse, controlled.Receipt(
        "ketamine", "KET-2611", expiry, Decimal(5000), "Demo Wholesale, invoice 4471"
    )).stock  # fmt: skip
    controlled.receive(nurse, controlled.Receipt(
        "esketamine", "ESK-0925", expiry, Decimal(24), "Demo Specialty Distribution"
    ))  # fmt: skip
    iv = DosingSession.objects.filter(clinic=clinic, route="iv").order_by("-started_at")[:6]
    for session in iv:
        drawn = Decimal(str(round(session.dose_mg)))
        controlled.administer(nurse, session.public_id,
                              controlled.Withdrawal(ketamine.public_id, drawn))  # fmt: skip
    controlled.waste(
        nurse,
        controlled.Withdrawal(ketamine.public_id, Decimal(12), "remainder of a drawn syringe"),
        controlled.Witness(DEMO_USERS[Role.PRESCRIBER], DEMO_PASSWORD),
    )


def _load_calendar(clinic: Clinic) -> None:
    """Three chairs and a therapy room, weekday hours, and a booked week from today."""
    if Room.objects.filter(clinic=clinic).exists():
        return
    admin, desk = _admin_actor(clinic), _actor(clinic, Role.FRONT_DESK)
    chairs = [appointments.add_room(admin, name) for name in ("Chair 1", "Chair 2", "Chair 3")]
    therapy = appointments.add_room(admin, "Therapy room")
    for weekday in range(5):
        appointments.set_hours(admin, weekday, time(8), time(18))
    zone = ZoneInfo(clinic.time_zone)
    nurse = User.objects.get(email=DEMO_USERS[Role.NURSE]).pk
    therapist = User.objects.get(email=DEMO_USERS[Role.THERAPIST]).pk
    patients = list(Patient.objects.filter(clinic=clinic).order_by("mrn")[:15])
    day, booked = clinic_today(clinic), 0  # the clinic's week, not the server's
    while booked < 5:
        if day.weekday() < 5:
            for n, (hour, minute) in enumerate(((9, 0), (11, 30), (14, 0))):
                who = patients[(booked * 3 + n) % len(patients)]
                starts = datetime.combine(day, time(hour, minute), zone)
                slot = appointments.Booking("dosing", starts, 120, chairs[n].pk, nurse)
                appointments.book(desk, who.public_id, slot)
            who = patients[(booked * 3 + 1) % len(patients)]
            talk = appointments.Booking("counselling", datetime.combine(day, time(16), zone), 50,
                                        therapy.pk, therapist)  # fmt: skip
            appointments.book(desk, who.public_id, talk)
            booked += 1
        day += timedelta(days=1)


def _load_counselling(clinic: Clinic) -> None:
    """An integration note after the latest dosing session of a few patients: signed, one
    amended, one still a draft."""
    if CounsellingSession.objects.filter(clinic=clinic).exists():
        return
    therapist = _actor(clinic, Role.THERAPIST)
    latest = DosingSession.objects.filter(clinic=clinic).order_by("-started_at")[:3]
    for n, session in enumerate(latest):
        note = counselling.record_session(therapist, session.patient.public_id,
            counselling.CounsellingEntry(
                "integration", session.started_at + timedelta(days=1), 50,
                "Talked through the session's imagery and a sense of distance from low mood; "
                "agreed on a walking routine and journaling before the next infusion.",
                session.public_id, sign=n < 2,
            ),
        )  # fmt: skip
        if n == 0:
            call = "Phone call next day: sleeping better, no safety concerns."
            counselling.amend(therapist, note.public_id, call)
