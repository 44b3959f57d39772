"""Consent pages: the admin publishes versions, the patient signs on the clinic tablet (a
clinician witnessing) or in the portal, and the session and plan forms say what is missing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from ketacare.consent.models import ConsentDocument, ConsentSignature, ConsentWithdrawal
from ketacare.consent.services import clinic_today, latest_versions
from ketacare.patients.models import Patient
from ketacare.sessions.models import DosingSession
from ketacare.treatment.models import TreatmentPlan
from tests.conftest import ROLES, patient_data

pytestmark = pytest.mark.django_db
SESSION = {"route": "iv", "dose_mg_per_kg": "0.5", "infusion_minutes": "40",
           "systolic_mmhg": "124", "diastolic_mmhg": "78", "spo2_percent": "98",
           "pregnancy": "not pregnant"}  # fmt: skip


def day(world):  # type: ignore[no-untyped-def]
    """The clinic's date, which versions take effect by (not the test machine's UTC date)."""
    return clinic_today(world.clinic_a)


def newcomer(world) -> Patient:  # type: ignore[no-untyped-def]
    return Patient.objects.create(
        clinic=world.clinic_a, **patient_data(mrn="a-2", first_name="Nadia", last_name="New")
    )


def sign_page(patient, topic: str = "iv") -> str:  # type: ignore[no-untyped-def]
    return reverse("consent-sign", args=[patient.public_id, topic])


def sign_body(world, name: str, topic: str = "iv", **extra: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    document = latest_versions(world.clinic_a.pk)[topic]
    return {"document_id": str(document.public_id), "typed_name": name, "agreed": "on", **extra}


def test_the_admin_publishes_a_version_and_the_list_shows_it(world, client_as):
    admin = client_as(world.users_a["clinic_admin"])
    body = {"topic": "iv", "title": "IV consent", "body": "Read me.",
            "effective_on": day(world).isoformat(), "resign_required": "on"}  # fmt: skip
    response = admin.post(reverse("consent-publish"), body)
    assert response.status_code == 302
    document = ConsentDocument.objects.get(clinic=world.clinic_a, topic="iv", version=2)
    listing = admin.get(reverse("consent-documents")).content.decode()
    assert reverse("consent-document", args=[document.public_id]) in listing
    assert (
        "Read me."
        in admin.get(reverse("consent-document", args=[document.public_id])).content.decode()
    )


def test_a_version_dated_in_the_past_is_refused_on_the_page(world, client_as):
    admin = client_as(world.users_a["clinic_admin"])
    body = {"topic": "iv", "title": "t", "body": "b",
            "effective_on": (day(world) - timedelta(days=3)).isoformat()}  # fmt: skip
    response = admin.post(reverse("consent-publish"), body)
    assert response.status_code == 422
    assert "takes effect today or later" in response.content.decode()
    assert not ConsentDocument.objects.filter(version=2).exists()


@pytest.mark.parametrize("role", ROLES)
def test_only_the_clinic_admin_may_open_the_publish_page(world, client_as, role):
    status = client_as(world.users_a[role]).get(reverse("consent-publish")).status_code
    assert status == (200 if role == "clinic_admin" else 403)


def test_a_session_without_consent_is_refused_on_the_page_with_a_link_to_sign(world, client_as):
    patient = newcomer(world)
    nurse = client_as(world.users_a["nurse"])
    start = reverse("session-new", args=[patient.public_id])
    refused = nurse.post(start, SESSION)
    assert refused.status_code == 422
    page = refused.content.decode()
    assert 'data-testid="consent-missing"' in page
    assert "No signed consent for IV racemic ketamine." in page
    assert f"{sign_page(patient)}?next={start}" in page
    assert not DosingSession.objects.exists()
    # the patient signs on the tablet with the nurse present, and the session starts
    signed = nurse.post(sign_page(patient), sign_body(world, "Nadia New", next=start))
    assert signed["Location"] == start
    assert nurse.post(start, SESSION).status_code == 302
    assert DosingSession.objects.filter(patient=patient).exists()


def test_a_plan_without_consent_is_refused_on_the_page(world, client_as):
    patient = newcomer(world)
    prescriber = client_as(world.users_a["prescriber"])
    body = {"template": "iv-induction",
            "start_on": (day(world) + timedelta(days=2)).isoformat()}  # fmt: skip
    refused = prescriber.post(reverse("plan-new", args=[patient.public_id]), body)
    assert refused.status_code == 422
    assert "No signed consent for IV racemic ketamine." in refused.content.decode()
    assert not TreatmentPlan.objects.exists()


def test_the_tablet_page_names_the_witness_and_refuses_a_wrong_name(world, client_as):
    patient = newcomer(world)
    nurse = client_as(world.users_a["nurse"])
    page = nurse.get(sign_page(patient)).content.decode()
    assert "you, nurse@a.example, sign as the witness present" in page
    refused = nurse.post(sign_page(patient), sign_body(world, "Someone Else"))
    assert refused.status_code == 422
    assert "Type your full name as it is on your record" in refused.content.decode()
    unticked = sign_body(world, "Nadia New")
    del unticked["agreed"]
    assert "Tick the box" in nurse.post(sign_page(patient), unticked).content.decode()
    assert not ConsentSignature.objects.filter(patient=patient).exists()


def test_front_desk_sees_the_status_but_cannot_witness(world, client_as):
    patient = newcomer(world)
    desk = client_as(world.users_a["front_desk"])
    page = desk.get(reverse("patient-consent", args=[patient.public_id])).content.decode()
    assert "Not signed" in page and sign_page(patient) not in page
    assert desk.post(sign_page(patient), sign_body(world, "Nadia New")).status_code == 403


def test_the_patient_signs_a_new_version_in_the_portal_in_plain_words(world, client_as):
    patient = world.patient_a
    admin = client_as(world.users_a["clinic_admin"])
    admin.post(reverse("consent-publish"), {"topic": "telehealth", "title": "Video care v2",
               "body": "New words.", "effective_on": day(world).isoformat(),
               "resign_required": "on"})  # fmt: skip
    own = client_as(world.users_a["patient"])
    chart = own.get(reverse("patient-chart", args=[patient.public_id])).content.decode()
    assert "See and sign your forms" in chart and "New version to sign" in chart
    page = own.get(reverse("patient-consent", args=[patient.public_id])).content.decode()
    assert "Your consent forms" in page and "Please read the new version" in page
    assert "witnessed by" not in page
    response = own.post(
        sign_page(patient, "telehealth"), sign_body(world, "Alice Test", "telehealth")
    )
    assert response.status_code == 302
    signature = ConsentSignature.objects.filter(patient=patient, topic="telehealth").first()
    assert signature.document.version == 2 and signature.signed_via == "portal"


def test_a_patient_cannot_open_another_patients_consent(world, client_as):
    other = newcomer(world)
    own = client_as(world.users_a["patient"])
    assert own.get(reverse("patient-consent", args=[other.public_id])).status_code == 404
    assert own.post(sign_page(other), sign_body(world, "Nadia New")).status_code == 404


def test_withdrawing_on_the_page_records_it_and_a_second_time_is_refused(world, client_as):
    patient = world.patient_a
    own = client_as(world.users_a["patient"])
    url = reverse("consent-withdraw", args=[patient.public_id, "iv"])
    assert own.post(url, {"reason": "not now"}).status_code == 302
    assert ConsentWithdrawal.objects.get(patient=patient).reason == "not now"
    again = own.post(url, {"reason": ""})
    assert again.status_code == 422
    assert "no signed consent for IV racemic ketamine to withdraw" in again.content.decode()
    assert own.get(url).status_code == 405


def test_another_clinics_user_reaches_neither_documents_nor_consents(world, client_as):
    document = latest_versions(world.clinic_a.pk)["iv"]
    outsider = client_as(world.users_b["clinic_admin"])
    assert outsider.get(reverse("consent-document", args=[document.public_id])).status_code == 404
    nurse_b = client_as(world.users_b["nurse"])
    assert (
        nurse_b.get(reverse("patient-consent", args=[world.patient_a.public_id])).status_code == 404
    )
    assert (
        nurse_b.post(sign_page(world.patient_a), sign_body(world, "Alice Test")).status_code == 404
    )


def test_a_version_published_while_the_tablet_page_was_open_is_named_on_the_page(world, client_as):
    patient = newcomer(world)
    body = sign_body(world, "Nadia New")  # version 1, as the page showed it
    client_as(world.users_a["clinic_admin"]).post(reverse("consent-publish"), {
        "topic": "iv", "title": "v2", "body": "New text.",
        "effective_on": day(world).isoformat(), "resign_required": "on"})  # fmt: skip
    nurse = client_as(world.users_a["nurse"])
    refused = nurse.post(sign_page(patient), body)
    assert refused.status_code == 422
    page = refused.content.decode()
    assert "Version 2 of this consent has been published since" in page
    assert "New text." in page  # the page now shows version 2 to read
    assert not ConsentSignature.objects.filter(patient=patient).exists()


def test_the_session_form_says_what_consent_is_missing_before_it_is_filled_in(world, client_as):
    nurse = client_as(world.users_a["nurse"])
    form = nurse.get(reverse("session-new", args=[newcomer(world).public_id])).content.decode()
    assert 'data-testid="consent-missing"' in form
    assert "No signed consent for IV racemic ketamine." in form
    signed = nurse.get(reverse("session-new", args=[world.patient_a.public_id])).content.decode()
    assert 'data-testid="consent-missing"' not in signed
