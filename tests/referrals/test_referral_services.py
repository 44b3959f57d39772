"""Referral use cases: submission, the queue through the gate, each triage decision audited."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from ketacare.accounts.roles import ActionDenied, OutOfReach
from ketacare.audit.models import AuditEntry
from ketacare.patients.models import Patient
from ketacare.patients.registration_checks import NeedsConfirmation
from ketacare.referrals import services
from ketacare.referrals.models import Referral, ReferralEvent
from tests.conftest import actor_for
from tests.referrals.conftest import provider_data, self_data

pytestmark = pytest.mark.django_db

NEW_PATIENT = {"mrn": "A-77", "sex": "female", "weight_kg": Decimal("70.0")}


def _send(clinic, kind="provider", **overrides):  # type: ignore[no-untyped-def]
    data = provider_data(**overrides) if kind == "provider" else self_data(**overrides)
    return services.submit(services.public_actor(clinic, ip="203.0.113.9"), kind, data)


def _actor(world, role, side="a"):  # type: ignore[no-untyped-def]
    users, clinic = (
        (world.users_a, world.clinic_a) if side == "a" else (world.users_b, world.clinic_b)
    )
    return actor_for(users[role], clinic, role)


def test_a_submitted_referral_waits_in_its_clinics_queue_with_a_random_reference(world):
    referral = _send(world.clinic_a)
    other = _send(world.clinic_a)
    assert referral.status == "new" and referral.patient is None
    assert referral.reference.startswith("REF-") and len(referral.reference) == 15
    assert referral.reference != other.reference
    entry = AuditEntry.objects.get(action="create", object_id=str(referral.public_id))
    assert (entry.role, entry.clinic_id, entry.ip) == ("public", world.clinic_a.pk, "203.0.113.9")


def test_references_are_drawn_from_the_phone_safe_alphabet_and_do_not_repeat():
    from ketacare.referrals.references import ALPHABET, new_reference

    drawn = {new_reference("self") for _ in range(500)}
    assert len(drawn) == 500
    assert all(set(r[4:].replace("-", "")) <= set(ALPHABET) for r in drawn)


def test_a_consultation_request_needs_no_referrer_but_a_way_to_reach_the_sender(world):
    assert _send(world.clinic_a, "self").reference.startswith("CON-")
    with pytest.raises(ValidationError) as refused:
        _send(world.clinic_a, "self", phone="", email="")
    assert "phone" in refused.value.message_dict
    with pytest.raises(ValidationError) as unknown:
        _send(world.clinic_a, "self", referrer_npi="1234567893")
    assert unknown.value.message_dict == {"referrer_npi": ["Unknown field."]}


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("referrer_npi", "1234567890", "check digit"),
        ("referrer_npi", "12345", "exactly 10 digits"),
        ("referrer_name", "", "required"),
        ("date_of_birth", "1850-01-01", "plausible range"),
        ("date_of_birth", "2999-01-01", "future"),
        ("state_of_residence", "XX", "Unknown US state"),
        ("diagnosis_codes", ["depression"], "ICD-10-CM"),
        ("reason", "", "blank"),
        ("reason", "x" * 4001, "at most 4000"),
        ("first_name", "Jo\x00rdan", "NUL"),
        ("referrer_phone", "call me", "phone number"),
    ],
)
def test_a_bad_field_is_refused_by_name_and_nothing_is_stored(world, field, value, words):
    with pytest.raises(ValidationError) as refused:
        _send(world.clinic_a, **{field: value})
    assert words in " ".join(refused.value.message_dict[field])
    assert not Referral.objects.exists()


def test_the_queue_is_the_clinics_own_and_an_audited_read_for_roles_that_may_see_it(world):
    mine, theirs = _send(world.clinic_a), _send(world.clinic_b)
    for role in ("front_desk", "clinic_admin", "prescriber"):
        rows, count = services.queue_page(_actor(world, role))
        assert (rows, count) == ([mine], 1)
    listed = AuditEntry.objects.filter(action="read", object_type="referral_list")
    assert listed.count() == 3 and str(theirs.public_id) not in str(listed.first().detail)
    for role in ("nurse", "therapist", "patient"):
        with pytest.raises(ActionDenied):
            services.queue_page(_actor(world, role))


def test_reading_a_referral_goes_through_the_gate_and_is_audited(world):
    referral = _send(world.clinic_a)
    front_desk = _actor(world, "front_desk")
    assert services.view_referral(front_desk, referral.public_id) == referral
    assert (
        AuditEntry.objects.filter(
            action="read", object_type="referral", object_id=str(referral.public_id)
        ).count()
        == 1
    )
    with pytest.raises(OutOfReach):
        services.view_referral(_actor(world, "front_desk", "b"), referral.public_id)
    with pytest.raises(ActionDenied):
        services.view_referral(_actor(world, "nurse"), referral.public_id)
    with pytest.raises(OutOfReach):  # a patient's own login reaches no referral but their own
        services.view_referral(_actor(world, "patient"), referral.public_id)


def test_accepting_registers_the_patient_from_the_referral_and_records_who_and_when(world):
    referral = _send(world.clinic_a)
    front_desk = _actor(world, "front_desk")
    accepted, patient = services.accept_as_new_patient(front_desk, referral.public_id, NEW_PATIENT)
    assert accepted.status == "accepted" and accepted.patient == patient
    assert (patient.full_name, str(patient.date_of_birth)) == ("Jordan Rivera", "1984-03-14")
    assert patient.referring_provider == "Dr. Pat Referrer, Hudson Valley Psychiatry"
    assert (patient.referring_provider_npi, patient.diagnosis_codes) == ("1234567893", ["F33.2"])
    assert accepted.decided_by == world.users_a["front_desk"]
    [event] = ReferralEvent.objects.filter(referral=referral)
    assert (event.from_status, event.to_status) == ("new", "accepted")
    update = AuditEntry.objects.get(action="update", object_id=str(referral.public_id))
    assert update.patient_id == str(patient.public_id)
    assert update.detail["status"] == {"from": "new", "to": "accepted"}
    assert AuditEntry.objects.filter(action="create", object_id=str(patient.public_id)).exists()


def test_accepting_a_name_and_birth_date_already_registered_asks_to_confirm_first(world):
    referral = _send(
        world.clinic_a, first_name="alice", last_name="TEST", date_of_birth="1985-04-02"
    )
    front_desk = _actor(world, "front_desk")
    assert services.candidates(front_desk, referral) == [world.patient_a]
    with pytest.raises(NeedsConfirmation):
        services.accept_as_new_patient(front_desk, referral.public_id, NEW_PATIENT)
    referral.refresh_from_db()
    assert referral.status == "new" and not Patient.objects.filter(mrn="A-77").exists()
    services.accept_as_new_patient(
        front_desk, referral.public_id, NEW_PATIENT, confirmed=["possible_duplicate"]
    )
    assert Patient.objects.filter(mrn="A-77").exists()


def test_linking_accepts_for_a_candidate_and_refuses_anyone_else(world):
    twin = _send(world.clinic_a, first_name="Alice", last_name="Test", date_of_birth="1985-04-02")
    stranger = _send(world.clinic_a)
    front_desk = _actor(world, "front_desk")
    with pytest.raises(ValidationError) as refused:
        services.accept_linking(front_desk, stranger.public_id, world.patient_a.public_id)
    assert "name and date of birth" in refused.value.message_dict["patient_id"][0]
    with pytest.raises(OutOfReach):  # another clinic's patient is not there at all
        services.accept_linking(front_desk, twin.public_id, world.patient_b.public_id)
    accepted, patient = services.accept_linking(
        front_desk, twin.public_id, world.patient_a.public_id
    )
    assert accepted.patient == patient == world.patient_a
    assert Patient.objects.filter(clinic=world.clinic_a).count() == 1


def test_declining_needs_a_reason_and_a_decided_referral_cannot_be_decided_again(world):
    referral = _send(world.clinic_a)
    front_desk = _actor(world, "front_desk")
    with pytest.raises(ValidationError) as no_reason:
        services.decline(front_desk, referral.public_id, "  ")
    assert "reason" in no_reason.value.message_dict
    services.decline(front_desk, referral.public_id, "Outside our licensed states.")
    referral.refresh_from_db()
    assert (referral.status, referral.decision_note) == ("declined", "Outside our licensed states.")
    with pytest.raises(ValidationError) as again:
        services.accept_as_new_patient(front_desk, referral.public_id, NEW_PATIENT)
    assert "already declined" in again.value.message_dict["status"][0]


def test_asking_for_more_keeps_the_referral_open_with_the_note_in_its_history(world):
    referral = _send(world.clinic_a)
    front_desk = _actor(world, "front_desk")
    with pytest.raises(ValidationError):
        services.ask_for_more(front_desk, referral.public_id, "")
    services.ask_for_more(front_desk, referral.public_id, "Need the last PHQ-9 from Dr. Referrer.")
    services.ask_for_more(front_desk, referral.public_id, "Called again; fax promised.")
    referral.refresh_from_db()
    assert referral.status == "more_info"
    assert [e.note for e in services.history(referral)] == [
        "Need the last PHQ-9 from Dr. Referrer.",
        "Called again; fax promised.",
    ]
    assert services.queue(front_desk).get() == referral
    services.accept_as_new_patient(front_desk, referral.public_id, NEW_PATIENT)
    assert AuditEntry.objects.filter(action="update", object_type="referral").count() == 3


@pytest.mark.parametrize("role", ["prescriber", "nurse", "therapist", "patient"])
def test_roles_other_than_front_desk_and_admin_may_not_decide(world, role):
    referral = _send(world.clinic_a)
    with pytest.raises((ActionDenied, OutOfReach)):
        services.decline(_actor(world, role), referral.public_id, "no")
    referral.refresh_from_db()
    assert referral.status == "new"


def test_clinic_admin_may_stand_in_for_front_desk(world):
    referral = _send(world.clinic_a)
    services.decline(
        _actor(world, "clinic_admin"), referral.public_id, "Duplicate of an earlier fax."
    )
    referral.refresh_from_db()
    assert referral.status == "declined"
