"""The triage pages: who sees the queue, the duplicate check, and each decision by page."""

from __future__ import annotations

import pytest

from ketacare.audit.models import AuditEntry
from ketacare.patients.models import Patient
from ketacare.referrals import services
from ketacare.referrals.models import Referral
from tests.conftest import actor_for
from tests.referrals.conftest import provider_data

pytestmark = pytest.mark.django_db


def _send(clinic, **overrides):  # type: ignore[no-untyped-def]
    return services.submit(services.public_actor(clinic), "provider", provider_data(**overrides))


@pytest.mark.parametrize(
    ("role", "status"),
    [("front_desk", 200), ("clinic_admin", 200), ("prescriber", 200),
     ("nurse", 403), ("therapist", 403), ("patient", 403)],
)  # fmt: skip
def test_the_queue_is_shown_to_front_desk_admin_and_prescriber_only(world, client_as, role, status):
    referral = _send(world.clinic_a)
    _send(world.clinic_b, first_name="Bea")
    response = client_as(world.users_a[role]).get("/referrals/")
    assert response.status_code == status
    if status == 200:
        assert referral.reference.encode() in response.content
        assert b"Bea" not in response.content
    else:
        assert b"Jordan" not in response.content


def test_the_referral_page_is_an_audited_read_and_another_clinic_gets_404(world, client_as):
    referral = _send(world.clinic_a)
    url = f"/referrals/{referral.public_id}/"
    assert client_as(world.users_b["front_desk"]).get(url).status_code == 404
    page = client_as(world.users_a["front_desk"]).get(url)
    assert page.status_code == 200 and b"Hudson Valley Psychiatry" in page.content
    assert b"F33.2 Major depressive disorder, recurrent severe" in page.content  # CMS title
    assert AuditEntry.objects.filter(action="read", object_id=str(referral.public_id)).count() == 1
    denied = AuditEntry.objects.get(action="denied", clinic_id=world.clinic_a.pk)
    assert denied.object_id == str(referral.public_id)


def test_the_prescriber_reads_but_is_not_offered_decisions(world, client_as):
    referral = _send(world.clinic_a)
    page = client_as(world.users_a["prescriber"]).get(f"/referrals/{referral.public_id}/")
    assert page.status_code == 200 and b'data-testid="triage"' not in page.content
    refused = client_as(world.users_a["prescriber"]).post(
        f"/referrals/{referral.public_id}/decline/", {"reason": "no"}
    )
    assert refused.status_code == 403


def test_front_desk_sees_the_registered_candidates_and_links_one(world, client_as):
    referral = _send(
        world.clinic_a, first_name="Alice", last_name="Test", date_of_birth="1985-04-02"
    )
    client = client_as(world.users_a["front_desk"])
    page = client.get(f"/referrals/{referral.public_id}/")
    assert b'data-testid="candidates"' in page.content and b"MRN a-1" in page.content
    linked = client.post(
        f"/referrals/{referral.public_id}/link/", {"patient_id": str(world.patient_a.public_id)}
    )
    assert linked["Location"] == f"/patients/{world.patient_a.public_id}/"
    referral.refresh_from_db()
    assert (referral.status, referral.patient) == ("accepted", world.patient_a)


def test_linking_without_choosing_a_patient_is_422_naming_it(world, client_as):
    referral = _send(world.clinic_a)
    response = client_as(world.users_a["front_desk"]).post(f"/referrals/{referral.public_id}/link/")
    assert response.status_code == 422 and b'data-field="patient_id"' in response.content


def test_accepting_registers_the_patient_from_the_prefilled_form(world, client_as):
    referral = _send(world.clinic_a)
    client = client_as(world.users_a["front_desk"])
    form = client.get(f"/referrals/{referral.public_id}/accept/")
    assert b'value="Jordan"' in form.content and b'value="1234567893"' in form.content
    missing = client.post(f"/referrals/{referral.public_id}/accept/", {"first_name": "Jordan"})
    assert missing.status_code == 422 and b'data-field="mrn"' in missing.content
    data = services.registration_data(referral) | {"mrn": "A-9", "sex": "male", "weight_kg": "80"}
    data["diagnosis_codes"] = "F33.2"
    done = client.post(f"/referrals/{referral.public_id}/accept/", data)
    patient = Patient.objects.get(mrn="A-9")
    assert done["Location"] == f"/patients/{patient.public_id}/"
    referral.refresh_from_db()
    assert (referral.status, referral.patient) == ("accepted", patient)
    again = client.get(f"/referrals/{referral.public_id}/accept/")
    assert again["Location"] == f"/referrals/{referral.public_id}/"


def test_declining_without_a_reason_is_422_on_the_reason_and_with_one_is_recorded(world, client_as):
    referral = _send(world.clinic_a)
    client = client_as(world.users_a["front_desk"])
    empty = client.post(f"/referrals/{referral.public_id}/decline/", {"reason": " "})
    assert empty.status_code == 422 and b'data-field="reason"' in empty.content
    assert Referral.objects.get().status == "new"
    client.post(f"/referrals/{referral.public_id}/decline/", {"reason": "Not licensed in CA."})
    assert Referral.objects.get().status == "declined"
    assert b"Not licensed in CA." in client.get(f"/referrals/{referral.public_id}/").content


def test_asking_for_more_shows_the_new_state_and_the_note(world, client_as):
    referral = _send(world.clinic_a)
    client = client_as(world.users_a["front_desk"])
    client.post(f"/referrals/{referral.public_id}/more-info/", {"note": "Need last PHQ-9."})
    page = client.get(f"/referrals/{referral.public_id}/")
    assert b"More information requested" in page.content and b"Need last PHQ-9." in page.content
    assert referral.reference.encode() in client.get("/referrals/").content  # still to triage


@pytest.mark.parametrize(
    ("role", "shown"),
    [("front_desk", True), ("clinic_admin", True), ("prescriber", True),
     ("nurse", False), ("therapist", False)],
)  # fmt: skip
def test_the_chart_links_the_referral_that_brought_the_patient_in(world, client_as, role, shown):
    referral = _send(
        world.clinic_a, first_name="Alice", last_name="Test", date_of_birth="1985-04-02"
    )
    front_desk = actor_for(world.users_a["front_desk"], world.clinic_a, "front_desk")
    services.accept_linking(front_desk, referral.public_id, world.patient_a.public_id)
    page = client_as(world.users_a[role]).get(f"/patients/{world.patient_a.public_id}/")
    assert page.status_code == 200
    link = f'href="/referrals/{referral.public_id}/"'.encode()
    assert (link in page.content) is shown
    assert (referral.reference.encode() in page.content) is shown
