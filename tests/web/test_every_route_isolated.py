"""Every URL, found by walking the URL configuration (pages and API), proves three promises:

- a user of clinic A gets 404 for clinic B's object, whatever the method and role;
- every route that shows a patient's data to a user allowed to see it (a GET, or a form's
  422 re-render) writes one audited read of the object it names, in that request;
- a staff session that has not passed its second factor reaches nothing, on any route.

A new route whose parameter is not in the objects fixture fails these tests until it is
added, so no route escapes the checks. Public routes (a clinic's referral forms, named by
the clinic's slug) are the exception: they answer the same for every role and for nobody.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.urls import URLResolver, get_resolver
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.conftest import ROLES

pytestmark = pytest.mark.django_db
# One body that every API write accepts (extra fields are ignored by the schemas).
API_BODY = {
    "note": "x",
    "instrument": "phq9",
    "answers": [0] * 9,
    # a dosing session's start, reading, acknowledgement
    "route": "iv",
    "dose_mg_per_kg": 0.5,
    "systolic_mmhg": 120,
    "diastolic_mmhg": 80,
    "pregnancy": "not pregnant",
    "reading": 1,
    # a screening and a treatment plan
    "diagnoses": ["major depressive disorder"],
    "failed_adequate_antidepressant_trials": 2,
    "template": "iv-induction",
    "start_on": "2030-01-07",
    # a consent's signature or withdrawal (the document is looked up after the patient)
    "document_id": "00000000-0000-4000-8000-000000000000",
    "typed_name": "x",
    "agreed": True,
    "topic": "iv",
    # a medicine, an allergy, and a reason to stop or remove one
    "name": "x",
    "substance": "x",
    "reason": "x",
    # a counselling note and its amendment
    "kind": "integration",
    "held_at": "2026-01-05T10:00:00Z",
    "duration_minutes": 30,
    "text": "x",
    # the controlled-substance log
    "quantity": "1",
    "change": "-1",
    "lot_id": "00000000-0000-0000-0000-000000000000",
    "direction": "out",
    "party": "x",
    "counted": "1",
    "witness_email": "x@x.example",
    "witness_password": "x",
    "product": "ketamine",
    "lot": "x",
    "expires_on": "2030-01-01",
    "supplier": "x",
    # a referral's triage: decline (the reason above), accept as a new patient, link
    "mrn": "X-1",
    "sex": "female",
    "weight_kg": 70,
    "patient_id": "00000000-0000-4000-8000-000000000000",
    # the run sheet: the dose, an adverse event, sedation, signing and amendments
    "started_at_time": "10:00",
    "stopped_at_time": "10:40",
    "description": "x",
    "severity": "mild",
    "action_taken": "x",
    "moaas": 5,
    "version": 1,
    "section": "dose",
    "correction": "x",
    # the esketamine REMS: an enrollment, a form marked submitted
    "enrolled_on": "2026-01-05",
    "submitted_on": "2026-01-05",
    "submitted_via": "fax",
    # a questionnaire schedule (its scale is the instrument above)
    "every_days": 14,
    "first_due_on": "2030-01-07",
    # a message thread a clinician starts with a patient (its text is the note's above)
    "subject": "x",
}
# Where two resources name the same field differently (an appointment's kind is a visit,
# a counselling session's is its purpose), the route's own values.
API_BODY_FOR = {
    "/dissociation": {"answers": [0] * 23},  # the CADSS has 23 items
    "/dose": {"dose_mg": 30},  # a session's start takes mg/kg (above), not both
    "/planned-sessions/": {"status": "missed"},
    "/versions": {"kind": "pause"},
    "/bookings": {"start_time": "09:00", "minutes": 60},
    "/at-home/": {
        "heart_rate_bpm": 70,
        "fasting": True,
        "sitter_present": True,
        "sitter_name": "x",
        "sitter_phone": "555-0100",
        "no_driving": True,
        "held_medicines": True,
        "mood": 5,
        "self_harm_thoughts": 0,
        "all_well": True,
        "cadss6": [0] * 6,
        "feeling": "better",
    },
    "/tablet-shipments": {"tablets": 1, "sessions": 1},
    "/appointments": {
        "kind": "dosing",
        "starts_at": (timezone.now() + timedelta(days=30)).isoformat(),
        "minutes": 60,
    },
}


def api_body(url: str) -> str:
    extra = next((v for k, v in API_BODY_FOR.items() if k in url), {})
    return json.dumps({**API_BODY, **extra})


# Routes named by a clinic's slug are its public pages: no login, the same for everyone.
PUBLIC_PARAMS = ("clinic_slug",)
PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")


def walk(patterns, prefix=""):  # type: ignore[no-untyped-def]
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


def objects_of(world, client_as, side: str):  # type: ignore[no-untyped-def]
    """One object of each kind in clinic A or B, made through the real pages and API."""
    from ketacare.accounts.models import ApiToken, Invitation, User
    from ketacare.consent.models import ConsentDocument
    from ketacare.measures.models import SafetyAlert, ScaleResponse
    from ketacare.medications.models import Allergy, Medication
    from ketacare.referrals.models import Referral
    from ketacare.screening.models import Screening
    from ketacare.sessions.models import DosingSession
    from ketacare.treatment.models import PlannedSession, TreatmentPlan

    users = world.users_a if side == "a" else world.users_b
    patient = world.patient_a if side == "a" else world.patient_b
    clinic = world.clinic_a if side == "a" else world.clinic_b
    p = patient.public_id
    nurse = client_as(users["nurse"])
    nurse.post(
        f"/api/patients/{p}/scales",
        json.dumps({"instrument": "phq9", "answers": [1, 1, 1, 1, 1, 1, 1, 1, 2]}),
        content_type="application/json",
    )
    nurse.post(
        f"/patients/{p}/screening/",
        {
            "diagnoses": ["major depressive disorder"],
            "failed_adequate_antidepressant_trials": "2",
            "systolic_mmhg": "120",
            "diastolic_mmhg": "80",
            "hepatic_impairment": "none",
        },
    )
    # The PHQ-9 above opened a suicidality alert: only a prescriber doses past it, with a note.
    client_as(users["prescriber"]).post(
        f"/patients/{p}/sessions/new/",
        {
            "route": "iv",
            "dose_mg_per_kg": "0.5",
            "infusion_minutes": "40",
            "systolic_mmhg": "120",
            "diastolic_mmhg": "80",
            "spo2_percent": "98",
            "pregnancy": "not pregnant",
            "review_note": "item 9 reviewed, safety plan in place",
        },
    )
    client_as(users["prescriber"]).post(
        f"/patients/{p}/plans/new/",
        {"template": "iv-induction", "start_on": str(timezone.localdate() + timedelta(days=30))},
    )
    nurse.post(f"/api/patients/{p}/medications", json.dumps({"name": "sertraline"}),
               content_type="application/json")  # fmt: skip
    nurse.post(f"/api/patients/{p}/allergies", json.dumps({"substance": "latex"}),
               content_type="application/json")  # fmt: skip
    from ketacare.controlled.models import Entry

    receipt = {"product": "ketamine", "lot": f"L-{side}", "expires_on": "2030-01-01",
               "quantity": "100", "supplier": "Acme"}  # fmt: skip
    nurse.post("/api/controlled/receipts", json.dumps(receipt), content_type="application/json")
    entry = Entry.objects.get(clinic=clinic)
    from ketacare.counselling.models import CounsellingSession

    client_as(users["therapist"]).post(
        f"/api/patients/{p}/counselling",
        json.dumps({"kind": "integration", "held_at": "2026-01-05T10:00:00Z",
                    "duration_minutes": 30, "note": "x"}),
        content_type="application/json",
    )  # fmt: skip
    from ketacare.appointments.models import Appointment

    client_as(users["front_desk"]).post(
        f"/patients/{p}/appointments/new/",
        {
            "kind": "telehealth",  # a video visit: its link and encounter routes need one
            "minutes": "30",
            "starts_at": f"{timezone.localdate() + timedelta(days=40)}T10:00",
        },
    )
    weekly = {"instrument": "gad7", "every_days": "14",
              "first_due_on": str(timezone.localdate() + timedelta(days=1))}  # fmt: skip
    client_as(users["nurse"]).post(f"/patients/{p}/questionnaires/", weekly)
    from ketacare.athome.models import AtHomeSession
    from ketacare.questionnaires.models import DueQuestionnaire, QuestionnaireSchedule
    from ketacare.telehealth.models import DeaRegistration, TelehealthEncounter

    video = Appointment.objects.get(patient=patient).public_id
    client_as(users["prescriber"]).post(f"/appointments/{video}/video/", {})
    client_as(users["clinic_admin"]).post("/clinic/dea/", {
        "user_id": users["prescriber"].pk, "number": "BB1388568", "state": "NY",
        "expires_on": str(timezone.localdate() + timedelta(days=400)),
    })  # fmt: skip

    at_home = AtHomeSession.objects.create(  # the walk needs one; its flow is tested elsewhere
        clinic=clinic, patient=patient, plan=TreatmentPlan.objects.get(patient=patient),
        planned_on=timezone.localdate(), planned_dose_mg=200,
    )  # fmt: skip
    token, _ = ApiToken.issue(users["nurse"])
    outsider = User.objects.create_user(f"outsider-{side}@c.example", "an-outsiders-passphrase")
    client_as(users["clinic_admin"]).post(
        "/clinic/users/", {"email": outsider.email, "role": "nurse"}
    )
    client_as(users["nurse"]).post(f"/c/{clinic.slug}/refer/", REFERRAL_FORM)
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ketacare.messaging.models import Attachment, MessageThread

    scan = SimpleUploadedFile("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 16)
    client_as(users["patient"]).post(
        "/messages/new/", {"subject": "A question", "text": "x", "attachment": scan}
    )
    return {
        "public_id": p,
        "patient_id": p,
        "response_id": ScaleResponse.objects.get(patient=patient).public_id,
        "alert_id": SafetyAlert.objects.get(patient=patient).public_id,
        "screening_id": Screening.objects.get(patient=patient).public_id,
        "session_id": DosingSession.objects.get(patient=patient).public_id,
        "user_id": users["nurse"].pk,
        "token_id": token.pk,
        "invitation_id": Invitation.objects.get(clinic=clinic).public_id,
        "plan_id": TreatmentPlan.objects.get(patient=patient).public_id,
        "planned_id": PlannedSession.objects.filter(patient=patient).first().public_id,
        "medication_id": Medication.objects.get(patient=patient).public_id,
        "allergy_id": Allergy.objects.get(patient=patient).public_id,
        "lot_id": entry.stock.public_id,
        "entry_id": entry.public_id,
        "what": "adjust",  # not an object: one of a lot's actions
        "counselling_id": CounsellingSession.objects.get(patient=patient).public_id,
        "document_id": ConsentDocument.objects.filter(clinic=clinic).first().public_id,
        "appointment_id": Appointment.objects.get(patient=patient).public_id,
        "referral_id": Referral.objects.get(clinic=clinic).public_id,
        "schedule_id": QuestionnaireSchedule.objects.get(patient=patient).public_id,
        "athome_id": at_home.public_id,
        "step": "checklist",  # not an object: one of an at-home session's steps
        "due_id": DueQuestionnaire.objects.filter(patient=patient).first().public_id,
        "encounter_id": TelehealthEncounter.objects.get(patient=patient).public_id,
        "registration_id": DeaRegistration.objects.get(clinic=clinic).pk,
        "thread_id": MessageThread.objects.get(patient=patient).public_id,
        "attachment_id": Attachment.objects.get(patient=patient).public_id,
        "clinic_slug": clinic.slug,
        "instrument": "phq9",  # not an object: any valid value
        "topic": "iv",  # a consent topic: any valid value
        # A password reset link for clinic B's nurse, with a token nobody issued.
        "uidb64": urlsafe_base64_encode(force_bytes(world.users_b["nurse"].pk)),
        "token": "cz0a9a-0123456789abcdef0123456789abcdef",
    }


# Parameters that name a patient or a record of one; user and token ids are not patient data.
PATIENT_DATA = ("public_id", "patient_id", "response_id", "alert_id", "screening_id",
                "session_id", "plan_id", "planned_id", "medication_id", "allergy_id",
                "counselling_id", "appointment_id", "referral_id", "schedule_id",
                "athome_id", "encounter_id", "due_id",
                "thread_id", "attachment_id")  # fmt: skip
REFERRAL_FORM = {
    "referrer_name": "Dr. R", "referrer_npi": "1234567893", "referrer_phone": "(555) 010-2000",
    "first_name": "Rory", "last_name": "Referred", "date_of_birth": "1980-01-02",
    "phone": "(555) 010-3000", "state_of_residence": "NY", "reason": "TRD",
}  # fmt: skip


@pytest.fixture
def clinic_b_objects(world, client_as):  # type: ignore[no-untyped-def]
    return objects_of(world, client_as, "b")


@pytest.fixture
def clinic_a_objects(world, client_as):  # type: ignore[no-untyped-def]
    return objects_of(world, client_as, "a")


def every_route(objects, *, with_objects_only=True, public=False):  # type: ignore[no-untyped-def]
    """(url, the patient-data object it names or None) for every route in the URL conf:
    the routes behind a login, or (public=True) the public ones."""
    routes = sorted(set(walk(get_resolver().url_patterns)))
    for route in routes:
        names = [m["name"] for m in PARAM.finditer(route)]
        if with_objects_only and not names:
            continue
        if any(name in PUBLIC_PARAMS for name in names) != public:
            continue
        missing = [n for n in names if n not in objects]
        assert not missing, f"route {route!r}: add {missing} to objects_of"
        named = next((objects[n] for n in names if n in PATIENT_DATA), None)
        yield "/" + PARAM.sub(lambda m: str(objects[m["name"]]), route), named


def object_routes(objects):  # type: ignore[no-untyped-def]
    for url, _ in every_route(objects):
        yield url


@pytest.mark.parametrize("role", ROLES)
def test_no_route_reaches_an_object_of_another_clinic(
    world, client_as, clinic_b_objects, role, settings
):
    settings.RATE_LIMIT_API_PER_MINUTE = 10**6  # three methods on every route, one user
    client = client_as(world.users_a[role])
    checked = 0
    for url in object_routes(clinic_b_objects):
        if url.startswith("/api/"):  # valid bodies, so the request reaches the gate
            post = client.post(url, api_body(url), content_type="application/json")
        else:
            post = client.post(url, {"note": "x", "reason": "x", "active": "0"})
        patch = client.patch(url, json.dumps({"first_name": "X"}), content_type="application/json")
        for method, response in (("GET", client.get(url)), ("POST", post), ("PATCH", patch)):
            # 404: out of reach. 405: the route does not take this method at all, so nothing
            # about the object is revealed. Anything else would be a leak.
            assert response.status_code in (404, 405), f"{method} {url} as {role}"
        checked += 1
    assert checked >= 20


def reads_in_request(since_id: int, user, object_id) -> int:  # type: ignore[no-untyped-def]
    from ketacare.audit.models import AuditEntry

    return AuditEntry.objects.filter(
        id__gt=since_id, action="read", user_id=user.pk, object_id=str(object_id)
    ).count()


def last_audit_id() -> int:
    from ketacare.audit.models import AuditEntry

    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_every_read_route_writes_one_audited_read_of_the_object_it_names(
    world, client_as, clinic_a_objects
):
    """GET by every role (the allowed ones get 200), and an empty form POST to every page
    (a 422 re-render shows the patient as much as the GET does)."""
    read_by_someone = set()
    not_readable = {}
    for url, named in every_route(clinic_a_objects):
        if named is None:
            continue
        get_statuses = set()
        for role in ROLES:
            user = world.users_a[role]
            client = client_as(user)
            attempts = [("GET", client.get)]
            if not url.startswith("/api/"):
                attempts.append(("POST", lambda u, c=client: c.post(u, {})))
            for method, send in attempts:
                since = last_audit_id()
                response = send(url)
                if method == "GET":
                    get_statuses.add(response.status_code)
                if response.status_code in (200, 422):
                    reads = reads_in_request(since, user, named)
                    assert reads == 1, f"{method} {url} as {role}: {reads} audited reads"
                    read_by_someone.add(url)
        if url not in read_by_someone:
            not_readable[url] = get_statuses
    # A route that no role reads is a write-only route: it takes no GET at all.
    assert all(statuses == {405} for statuses in not_readable.values()), not_readable
    assert len(read_by_someone) >= 20


def _answer(response) -> tuple[int, str, bytes]:  # type: ignore[no-untyped-def]
    """What a public route tells: its status, where it sends, and its main content."""
    main = re.search(rb"<main.*</main>", response.content, re.S)
    body = main.group(0) if main else response.content
    body = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", body)
    body = re.sub(rb'<ul class="messages">.*?</ul>', b"", body, flags=re.S)  # earlier actions
    return response.status_code, response.get("Location", ""), body


def test_public_routes_answer_the_same_for_every_role_and_for_nobody(world, client_as, settings):
    """A clinic's referral pages are public: whoever asks, and for whichever clinic (another
    clinic's slug is no secret), the answer is the same as to someone not logged in."""
    from django.test import Client

    settings.RATE_LIMIT_REFERRALS_PER_HOUR = 1000  # all from one test address
    objects = objects_of(world, client_as, "b")
    urls = [url for url, _ in every_route(objects, public=True)]
    assert len(urls) >= 3
    for url in urls:
        bodies = {"GET": None, "POST": {"note": "x"}}
        anonymous = Client()
        expected = {m: _answer(_send(anonymous, m, url, b)) for m, b in bodies.items()}
        for role in ROLES:
            client = client_as(world.users_a[role])
            for method, body in bodies.items():
                assert _answer(_send(client, method, url, body)) == expected[method], (
                    f"{method} {url} as {role}"
                )


def _send(client, method, url, body):  # type: ignore[no-untyped-def]
    if method == "GET":
        return client.get(url)
    if url.startswith("/api/"):
        return client.post(url, json.dumps(body), content_type="application/json")
    return client.post(url, body)


STAFF_ROLES = [r for r in ROLES if r != "patient"]


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_a_second_factor_pending_staff_session_reaches_nothing_on_any_route(
    world, client_as, clinic_a_objects, settings, role
):
    """Production mode, password passed, TOTP not: every page sends to the code form, every
    API route answers 401 (or 405), nothing shows or changes the patient's data."""
    from ketacare.audit.models import AuditEntry

    settings.KETACARE_REQUIRE_TOTP = True
    # Three methods on every route by one user outrun the per-minute limit on a fast machine
    # now that there are over 200 routes: a 429 would say nothing about the second factor.
    settings.RATE_LIMIT_API_PER_MINUTE = 10**6
    user = world.users_a[role]
    client = client_as(user)
    since = last_audit_id()
    checked = 0
    for url, _ in every_route(clinic_a_objects, with_objects_only=False):
        if url.startswith(("/accounts/", "/healthz")):  # the login and second-factor flow
            continue
        api = url.startswith("/api/")
        if api:
            post = client.post(url, api_body(url), content_type="application/json")
        else:
            post = client.post(url, {"note": "x", "reason": "x", "active": "0", "q": "Alice"})
        patch = client.patch(url, json.dumps({"first_name": "X"}), content_type="application/json")
        for method, response in (("GET", client.get(url)), ("POST", post), ("PATCH", patch)):
            where = f"{method} {url} as {role}"
            if api and url in ("/api/openapi.json", "/api/docs"):
                assert response.status_code in (200, 401, 404, 405), where
            elif api:
                assert response.status_code in (401, 404, 405), where
            else:
                assert response.status_code == 302, where
                assert response["Location"].startswith("/accounts/otp/verify/"), where
            assert b"Alice" not in response.content and b"a-1" not in response.content, where
        checked += 1
    world.patient_a.refresh_from_db()
    assert world.patient_a.first_name == "Alice"
    new = AuditEntry.objects.filter(id__gt=since)
    assert not new.exclude(action="denied").exists(), list(new.values_list("action", "object_type"))
    assert checked >= 35
