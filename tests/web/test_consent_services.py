"""Consent use cases and the rule that sessions and plans ask: no current consent for the
route, no session and no plan, whichever way they are started."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ketacare.accounts.models import ApiToken
from ketacare.accounts.roles import ActionDenied, OutOfReach
from ketacare.audit.models import AuditEntry
from ketacare.clinical import monitoring
from ketacare.clinical.routes import Route
from ketacare.clinical_input import vital_signs
from ketacare.consent import services
from ketacare.consent.models import ConsentDocument, ConsentSignature, PublishedVersionIsFinal
from ketacare.patients.models import Patient
from ketacare.sessions.models import DosingSession
from ketacare.sessions.predose import SessionStart
from ketacare.sessions.services import start_session
from ketacare.treatment.models import TreatmentPlan
from ketacare.treatment.services.plans import NewPlan, create_plan
from tests.conftest import actor_for, patient_data

pytestmark = pytest.mark.django_db
IV = Route.IV_RACEMIC.value


def actor(world, role: str, side: str = "a"):  # type: ignore[no-untyped-def]
    users, clinic = (
        (world.users_a, world.clinic_a) if side == "a" else (world.users_b, world.clinic_b)
    )
    return actor_for(users[role], clinic, role)


def newcomer(world) -> Patient:  # type: ignore[no-untyped-def]
    """A patient of clinic A who has signed nothing yet."""
    return Patient.objects.create(
        clinic=world.clinic_a, **patient_data(mrn="a-2", first_name="Nadia", last_name="New")
    )


def iv_start() -> SessionStart:
    return SessionStart(
        route=Route.IV_RACEMIC,
        vitals=vital_signs({"systolic_mmhg": 124, "diastolic_mmhg": 78, "spo2_percent": 98}),
        pregnancy=monitoring.PregnancyStatus("not pregnant"),
        dose_mg_per_kg=0.5,
        infusion_minutes=40,
    )


def sign(world, patient, topic: str = IV, role: str = "nurse", name: str = ""):  # type: ignore[no-untyped-def]
    document = services.latest_versions(patient.clinic_id)[topic]
    signing = services.Signing(document.public_id, name or patient.full_name, agreed=True)
    return services.sign_consent(actor(world, role), patient.public_id, signing)


def publish_v2(world, topic: str = IV, **changes: object) -> ConsentDocument:  # type: ignore[no-untyped-def]
    new = services.NewVersion(topic, "Consent v2", "New wording.", timezone.localdate(), **changes)  # type: ignore[arg-type]
    return services.publish_version(actor(world, "clinic_admin"), new)


def test_a_session_without_a_signed_consent_is_refused_naming_what_is_missing(world):
    patient = newcomer(world)
    with pytest.raises(services.ConsentMissing) as refused:
        start_session(actor(world, "nurse"), patient.public_id, iv_start())
    assert refused.value.message_dict == {"consent": ["No signed consent for IV racemic ketamine."]}
    assert not DosingSession.objects.exists()


def test_signing_on_the_tablet_records_the_witness_and_lets_the_session_start(world):
    patient = newcomer(world)
    signature, new = sign(world, patient, name="  nadia   NEW ")
    assert new and signature.witness == world.users_a["nurse"]
    assert signature.signed_via == "clinic_tablet" and signature.typed_name == "nadia NEW"
    assert AuditEntry.objects.filter(object_type="consent_signature", action="create").count() == 1
    session = start_session(actor(world, "nurse"), patient.public_id, iv_start())
    assert session.route == IV


def test_a_plan_for_a_route_without_consent_is_refused_and_one_with_it_is_saved(world):
    patient = newcomer(world)
    start_on = timezone.localdate() + timedelta(days=3)
    prescriber = actor(world, "prescriber")
    with pytest.raises(services.ConsentMissing):
        create_plan(prescriber, patient.public_id, NewPlan("esketamine-trd", start_on, 56))
    assert not TreatmentPlan.objects.exists()
    sign(world, patient, Route.ESKETAMINE_NASAL.value, role="prescriber")
    assert create_plan(prescriber, patient.public_id, NewPlan("esketamine-trd", start_on, 56))


def test_a_new_version_requiring_resigning_expires_the_consent_until_signed_again(world):
    patient = world.patient_a  # signed version 1 of everything (the fixture)
    document = publish_v2(world)
    assert document.version == 2
    with pytest.raises(services.ConsentMissing) as refused:
        start_session(actor(world, "nurse"), patient.public_id, iv_start())
    assert "version 2 replaced it and must be signed" in refused.value.messages[0]
    old = ConsentSignature.objects.get(patient=patient, topic=IV)
    sign(world, patient)
    old.refresh_from_db()
    assert old.document.version == 1  # the old signature still points at what was signed
    start_session(actor(world, "nurse"), patient.public_id, iv_start())


def test_a_version_published_as_needing_no_resigning_keeps_signatures_current(world):
    publish_v2(world, resign_required=False)
    start_session(actor(world, "nurse"), world.patient_a.public_id, iv_start())


def test_an_older_version_cannot_be_signed_once_a_newer_one_is_published(world):
    patient = newcomer(world)
    old = services.latest_versions(world.clinic_a.pk)[IV]
    publish_v2(world)
    signing = services.Signing(old.public_id, patient.full_name, agreed=True)
    with pytest.raises(ValidationError) as refused:
        services.sign_consent(actor(world, "nurse"), patient.public_id, signing)
    assert "document_id" in refused.value.message_dict


@pytest.mark.parametrize(
    ("name", "agreed", "field"),
    [
        ("Somebody Else", True, "typed_name"),
        ("", True, "typed_name"),
        ("Nadia New", False, "agreed"),
    ],
)
def test_a_signature_needs_the_patients_name_and_agreement(world, name, agreed, field):
    patient = newcomer(world)
    document = services.latest_versions(world.clinic_a.pk)[IV]
    with pytest.raises(ValidationError) as refused:
        services.sign_consent(
            actor(world, "nurse"),
            patient.public_id,
            services.Signing(document.public_id, name, agreed),
        )
    assert field in refused.value.message_dict
    assert not ConsentSignature.objects.filter(patient=patient).exists()


def test_signing_the_same_version_twice_keeps_one_signature(world):
    patient = newcomer(world)
    first, new = sign(world, patient)
    again, new_again = sign(world, patient)
    assert new and not new_again and again.pk == first.pk
    assert ConsentSignature.objects.filter(patient=patient).count() == 1


@pytest.mark.parametrize(("role", "allowed"), [
    ("prescriber", True), ("nurse", True), ("therapist", True),
    ("front_desk", False), ("clinic_admin", False),
])  # fmt: skip
def test_only_clinical_staff_witness_a_signature(world, role, allowed):
    patient = newcomer(world)
    if allowed:
        assert sign(world, patient, role=role)[0].witness == world.users_a[role]
    else:
        with pytest.raises(ActionDenied):
            sign(world, patient, role=role)


def test_a_patient_signs_their_own_consent_in_the_portal_without_a_witness(world):
    patient = world.patient_a
    publish_v2(world)
    signature, _ = sign(world, patient, role="patient")
    assert signature.signed_via == "portal" and signature.witness is None
    assert signature.recorded_by == world.users_a["patient"]


def test_a_patient_cannot_sign_for_another_patient(world):
    other = newcomer(world)
    with pytest.raises(OutOfReach):
        sign(world, other, role="patient")


def test_another_clinics_staff_reach_neither_the_patient_nor_the_documents(world):
    patient = world.patient_a
    document = services.latest_versions(world.clinic_a.pk)[IV]
    signing = services.Signing(document.public_id, patient.full_name, agreed=True)
    with pytest.raises(OutOfReach):
        services.sign_consent(actor(world, "nurse", "b"), patient.public_id, signing)
    with pytest.raises(OutOfReach):
        services.view_document(actor(world, "nurse", "b"), document.public_id)
    with pytest.raises(OutOfReach):
        services.consent_status(actor(world, "nurse", "b"), patient.public_id)


def test_a_withdrawal_stops_later_sessions_and_keeps_the_signature(world):
    patient = world.patient_a
    services.withdraw_consent(actor(world, "patient"), patient.public_id, IV, "changed my mind")
    with pytest.raises(services.ConsentMissing) as refused:
        start_session(actor(world, "nurse"), patient.public_id, iv_start())
    assert "withdrawn" in refused.value.messages[0]
    signature = ConsentSignature.objects.get(patient=patient, topic=IV)
    assert signature.withdrawal.reason == "changed my mind"
    with pytest.raises(ValidationError) as twice:
        services.withdraw_consent(actor(world, "nurse"), patient.public_id, IV, "")
    assert "topic" in twice.value.message_dict


def test_the_status_lists_every_topic_with_its_state(world):
    publish_v2(world)
    _, rows = services.consent_status(actor(world, "front_desk"), world.patient_a.public_id)
    states = {row.topic: row.state for row in rows}
    assert states == {"iv": "expired", "im": "current", "esketamine": "current",
                      "at-home": "current", "telehealth": "current"}  # fmt: skip
    iv_row = next(row for row in rows if row.topic == IV)
    assert iv_row.to_sign is not None and iv_row.to_sign.version == 2


def test_only_the_clinic_admin_publishes_and_versions_count_up(world):
    with pytest.raises(ActionDenied):
        services.publish_version(actor(world, "prescriber"), services.NewVersion(
            IV, "t", "b", timezone.localdate()))  # fmt: skip
    assert publish_v2(world).version == 2
    assert publish_v2(world, "telehealth").version == 2
    entry = AuditEntry.objects.filter(object_type="consent_document", action="create").last()
    assert entry.detail["version"] == 2 and entry.clinic_id == world.clinic_a.pk


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"topic": "aromatherapy"}, "topic"),
        ({"title": "  "}, "title"),
        ({"body": ""}, "body"),
        ({"effective_on": timedelta(days=-1)}, "effective_on"),  # days from the clinic's today
        ({"effective_on": timedelta(days=4000)}, "effective_on"),
    ],
)
def test_a_bad_new_version_is_refused_naming_the_field(world, changes, field):
    values = {
        "topic": IV,
        "title": "t",
        "body": "b",
        **changes,
    }
    # The clinic's today, known only inside the test (the world fixture sets the clock's zone).
    values["effective_on"] = timezone.localdate() + changes.get("effective_on", timedelta(0))  # type: ignore[operator]
    with pytest.raises(ValidationError) as refused:
        services.publish_version(actor(world, "clinic_admin"), services.NewVersion(**values))  # type: ignore[arg-type]
    assert field in refused.value.message_dict
    assert ConsentDocument.objects.filter(clinic=world.clinic_a, version=2).count() == 0


def test_a_published_version_is_never_edited(world):
    document = services.latest_versions(world.clinic_a.pk)[IV]
    document.body = "quietly changed"
    with pytest.raises(PublishedVersionIsFinal):
        document.save()


def test_the_session_api_answers_a_missing_consent_with_a_422_naming_consent(world):
    patient = newcomer(world)
    _, raw = ApiToken.issue(world.users_a["nurse"])
    body = {"route": "iv", "dose_mg_per_kg": 0.5, "infusion_minutes": 40, "systolic_mmhg": 124,
            "diastolic_mmhg": 78, "pregnancy": "not pregnant"}  # fmt: skip
    from django.test import Client

    response = Client(headers={"Authorization": f"Bearer {raw}"}).post(
        f"/api/patients/{patient.public_id}/sessions", json.dumps(body),
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 422
    [item] = response.json()["detail"]
    assert item["loc"] == ["body", "consent"]
    assert item["msg"] == "No signed consent for IV racemic ketamine."
