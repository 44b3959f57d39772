"""Shared personas: two clinics, one user per role in each, a patient in each.

Clinic B's people exist so every test of clinic A can prove B's data stays out of reach.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

import tests.live_server_serial  # noqa: F401 - one request at a time on in-memory SQLite

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server + ORM in one thread

ROLES = ("clinic_admin", "prescriber", "nurse", "therapist", "front_desk", "patient")


@dataclass
class World:
    clinic_a: object
    clinic_b: object
    users_a: dict[str, object]
    users_b: dict[str, object]
    patient_a: object
    patient_b: object


def patient_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "mrn": "MRN-100",
        "first_name": "Robin",
        "last_name": "Test",
        "date_of_birth": date(1985, 4, 2),
        "sex": "female",
        "weight_kg": Decimal("68.5"),
        "state_of_residence": "NY",
        "diagnosis_codes": ["F33.2"],
    }
    data.update(overrides)
    return data


def make_clinic_world(slug: str, patient_name: str):  # type: ignore[no-untyped-def]
    from ketacare.accounts.models import Membership, User
    from ketacare.clinics.models import Clinic
    from ketacare.patients.models import Patient

    clinic = Clinic.objects.create(name=f"Clinic {slug.upper()}", slug=slug, licensed_states=["NY"])
    users = {}
    for role in ROLES:
        user = User.objects.create(email=f"{role}@{slug}.example", full_name=f"{role} {slug}")
        user.set_unusable_password()
        user.save()
        Membership.objects.create(user=user, clinic=clinic, role=role)
        users[role] = user
    patient = Patient.objects.create(
        clinic=clinic, **patient_data(mrn=f"{slug}-1", first_name=patient_name)
    )
    patient.user = users["patient"]
    patient.save()
    publish_consents(clinic)
    sign_consents(patient, witness=users["nurse"])
    return clinic, users, patient


CONSENT_EFFECTIVE_SINCE = date(2020, 1, 1)


def publish_consents(clinic, effective_on: date = CONSENT_EFFECTIVE_SINCE):  # type: ignore[no-untyped-def]
    """Version 1 of every consent document (each route and telehealth), as a clinic admin
    would publish it; written directly so that tests counting audit entries are unaffected."""
    from ketacare.clinical.consent import TOPICS, topic_label
    from ketacare.consent.models import ConsentDocument

    return {
        topic: ConsentDocument.objects.create(
            clinic=clinic,
            topic=topic,
            version=1,
            title=f"Consent to {topic_label(topic)}",
            body=f"What {topic_label(topic)} involves, its risks and the alternatives.",
            effective_on=effective_on,
        )
        for topic in TOPICS
    }


def sign_consents(patient, witness=None, topics=None):  # type: ignore[no-untyped-def]
    """The patient signs the newest version of each topic (all by default) on the clinic
    tablet, so that sessions and plans may start: the fixture every session test relies on."""
    from ketacare.clinical.consent import TOPICS
    from ketacare.consent.models import ConsentDocument, ConsentSignature
    from ketacare.consent.services import latest_versions

    latest = latest_versions(patient.clinic_id)
    signed = []
    for topic in topics or TOPICS:
        document: ConsentDocument = latest[topic]
        signed.append(
            ConsentSignature.objects.create(
                clinic_id=patient.clinic_id,
                patient=patient,
                document=document,
                topic=topic,
                typed_name=patient.full_name,
                signed_via="clinic_tablet",
                witness=witness,
                recorded_by=witness,
            )
        )
    return signed


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    """Two clinics, with the test's clock in clinic A's time zone: "today" in a test is the
    clinic's day, as it is on the clinic's pages (between midnight UTC and midnight in New
    York the two dates differ, and tests that mixed them failed at that hour only)."""
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    clinic_a, users_a, patient_a = make_clinic_world("a", "Alice")
    clinic_b, users_b, patient_b = make_clinic_world("b", "Bruno")
    with timezone.override(ZoneInfo(clinic_a.time_zone)):
        yield World(clinic_a, clinic_b, users_a, users_b, patient_a, patient_b)


@pytest.fixture
def client_as(client):  # type: ignore[no-untyped-def]
    """client_as(user): the Django test client logged in as that user."""

    def login(user):  # type: ignore[no-untyped-def]
        client.force_login(user)
        return client

    return login


def actor_for(user, clinic, role: str):  # type: ignore[no-untyped-def]
    from ketacare.accounts.actor import Actor

    return Actor(user=user, clinic=clinic, role=role, request_id="test", ip="127.0.0.1")


@pytest.fixture(autouse=True)
def _let_flush_clear_the_audit_log(request):  # type: ignore[no-untyped-def]
    """Transactional tests end with a flush (DELETE on SQLite), which the audit log's
    append-only trigger rightly refuses; lift the trigger just for that flush."""
    if not {"transactional_db", "live_server"} & set(request.fixturenames):
        yield
        return
    request.getfixturevalue("transactional_db")
    from django.db import connection

    from ketacare.audit.migrations import _triggers

    _triggers.install(connection)
    yield
    _triggers.remove_delete_guard(connection)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():  # type: ignore[no-untyped-def]
    """Rate-limit counters live in the (in-memory) cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
