"""The one gate (patients.gate): scope, refusals, and the audited read it writes, once per
object per request, including on the form pages and their 422 re-renders."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ketacare.accounts.roles import Action, ActionDenied, OutOfReach
from ketacare.audit.models import AuditEntry
from ketacare.patients.gate import get_for
from ketacare.patients.models import Patient
from tests.conftest import actor_for

pytestmark = pytest.mark.django_db


def reads_of(obj) -> list[AuditEntry]:  # type: ignore[no-untyped-def]
    return list(AuditEntry.objects.filter(action="read", object_id=str(obj.public_id)))


@pytest.fixture
def records(world, client_as):  # type: ignore[no-untyped-def]
    """A scale response with its alert, a session, a screening and a plan for patient A."""
    from ketacare.measures.models import SafetyAlert, ScaleResponse
    from ketacare.screening.models import Screening
    from ketacare.sessions.models import DosingSession
    from ketacare.treatment.models import TreatmentPlan

    a = world.patient_a.public_id
    nurse = client_as(world.users_a["nurse"])
    nurse.post(
        f"/api/patients/{a}/scales",
        json.dumps({"instrument": "phq9", "answers": [1, 1, 1, 1, 1, 1, 1, 1, 2]}),
        content_type="application/json",
    )
    nurse.post(reverse("screening-new", args=[a]), SCREENING)
    # The PHQ-9 above opened a suicidality alert: only a prescriber doses past it, with a note.
    client_as(world.users_a["prescriber"]).post(reverse("session-new", args=[a]), SESSION)
    client_as(world.users_a["prescriber"]).post(
        reverse("plan-new", args=[a]),
        {"template": "iv-induction", "start_on": str(timezone.localdate() + timedelta(days=30))},
    )
    return {
        "response": ScaleResponse.objects.get(patient=world.patient_a),
        "alert": SafetyAlert.objects.get(patient=world.patient_a),
        "screening": Screening.objects.get(patient=world.patient_a),
        "session": DosingSession.objects.get(patient=world.patient_a),
        "plan": TreatmentPlan.objects.get(patient=world.patient_a),
    }


SCREENING = {
    "diagnoses": ["major depressive disorder"],
    "failed_adequate_antidepressant_trials": "2",
    "systolic_mmhg": "120",
    "diastolic_mmhg": "80",
    "hepatic_impairment": "none",
}
SESSION = {
    "route": "iv",
    "dose_mg_per_kg": "0.5",
    "infusion_minutes": "40",
    "systolic_mmhg": "120",
    "diastolic_mmhg": "80",
    "spo2_percent": "98",
    "pregnancy": "not pregnant",
    "review_note": "item 9 reviewed, safety plan in place",
}


def test_get_for_returns_the_object_and_writes_one_read_however_often_a_request_asks(world):
    actor = actor_for(world.users_a["nurse"], world.clinic_a, "nurse")
    for _ in range(3):
        patient = get_for(actor, Patient, world.patient_a.public_id, Action.PATIENT_VIEW)
    assert patient == world.patient_a
    [entry] = reads_of(world.patient_a)
    assert (entry.object_type, entry.clinic_id, entry.patient_id) == (
        "patient",
        world.clinic_a.pk,
        str(world.patient_a.public_id),
    )


def test_a_read_rolled_back_with_its_transaction_is_written_again_by_the_next_read(world):
    from django.db import transaction

    actor = actor_for(world.users_a["nurse"], world.clinic_a, "nurse")
    with pytest.raises(RuntimeError), transaction.atomic():
        get_for(actor, Patient, world.patient_a.public_id, Action.PATIENT_VIEW)
        raise RuntimeError("the use case failed")
    assert reads_of(world.patient_a) == []
    get_for(actor, Patient, world.patient_a.public_id, Action.PATIENT_VIEW)
    assert len(reads_of(world.patient_a)) == 1


def test_get_for_refuses_another_clinic_as_not_found_and_a_role_as_forbidden(world, records):
    from ketacare.sessions.models import DosingSession

    other_clinic = actor_for(world.users_b["prescriber"], world.clinic_b, "prescriber")
    with pytest.raises(OutOfReach) as missing:
        get_for(other_clinic, DosingSession, records["session"].public_id, Action.SESSION_VIEW)
    assert missing.value.target.clinic_id == world.clinic_a.pk  # where the probe is logged
    front_desk = actor_for(world.users_a["front_desk"], world.clinic_a, "front_desk")
    with pytest.raises(ActionDenied):
        get_for(front_desk, DosingSession, records["session"].public_id, Action.SESSION_VIEW)
    with pytest.raises(OutOfReach):
        get_for(front_desk, Patient, "not-a-uuid", Action.PATIENT_VIEW)
    assert reads_of(records["session"]) == []


def test_for_actor_gives_a_patient_only_their_own_records_and_a_role_only_its_actions(
    world, records
):
    from ketacare.measures.models import ScaleResponse
    from ketacare.sessions.models import DosingSession

    own = actor_for(world.users_a["patient"], world.clinic_a, "patient")
    assert list(ScaleResponse.objects.for_actor(own, Action.SCALE_VIEW)) == [records["response"]]
    assert list(DosingSession.objects.for_actor(own, Action.SESSION_VIEW)) == []
    stranger = actor_for(world.users_b["patient"], world.clinic_a, "patient")
    assert list(ScaleResponse.objects.for_actor(stranger, Action.SCALE_VIEW)) == []
    front_desk = actor_for(world.users_a["front_desk"], world.clinic_a, "front_desk")
    assert list(ScaleResponse.objects.for_actor(front_desk, Action.SCALE_VIEW)) == []
    clinic_b = actor_for(world.users_b["nurse"], world.clinic_b, "nurse")
    assert list(DosingSession.objects.for_actor(clinic_b, Action.SESSION_VIEW)) == []
    no_role = actor_for(world.users_a["nurse"], None, "")
    assert list(Patient.objects.for_actor(no_role, Action.PATIENT_VIEW)) == []


@pytest.mark.parametrize(
    "route",
    [
        "scale-record",
        "plan-new",
        "screening-new",
        "session-new",
        "patient-portal-access",
        "patient-edit",
    ],
)
def test_form_pages_audit_their_read_and_so_do_their_422_re_renders(world, client_as, route):
    role = {"plan-new": "prescriber", "patient-portal-access": "front_desk"}.get(route, "nurse")
    client = client_as(world.users_a[role])
    args = (
        [world.patient_a.public_id, "phq9"]
        if route == "scale-record"
        else [world.patient_a.public_id]
    )
    url = reverse(route, args=args)
    assert client.get(url).status_code == 200
    assert len(reads_of(world.patient_a)) == 1
    refused = client.post(url, {"start_on": "1999-01-01", "email": "x", "answers": "x"})
    assert refused.status_code == 422
    assert "Alice" in refused.content.decode()
    assert len(reads_of(world.patient_a)) == 2


def test_a_refused_write_re_rendered_after_a_rollback_is_still_audited(world, client_as, records):
    """The discharge service reads the session, refuses (no readings yet) and rolls back with
    its read; the page that then shows the session writes the read again."""
    client = client_as(world.users_a["nurse"])
    session = records["session"]
    refused = client.post(reverse("session-discharge", args=[session.public_id]), {})
    assert refused.status_code == 422 and "Record vital signs" in refused.content.decode()
    assert len(reads_of(session)) == 1


def test_scale_correction_page_audits_the_response_it_shows(world, client_as, records):
    client = client_as(world.users_a["nurse"])
    url = reverse("scale-amend", args=[records["response"].public_id])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": ""}).status_code == 422
    assert len(reads_of(records["response"])) == 2


def test_a_probe_from_another_clinic_shows_in_the_probed_clinics_audit_log(
    world, client_as, records
):
    prober = client_as(world.users_b["prescriber"])
    a = world.patient_a.public_id
    assert prober.get(reverse("patient-chart", args=[a])).status_code == 404
    assert prober.get(f"/api/patients/{a}").status_code == 404
    session_url = reverse("session-detail", args=[records["session"].public_id])
    assert prober.get(session_url).status_code == 404
    in_a = AuditEntry.objects.filter(action="denied", clinic_id=world.clinic_a.pk)
    assert [(e.object_type, e.patient_id, e.user_email) for e in in_a.order_by("id")] == [
        ("patient", str(a), "prescriber@b.example"),
        ("patient", str(a), "prescriber@b.example"),
        ("dosing_session", str(a), "prescriber@b.example"),
    ]
    # The prober's own clinic sees its user's probes too, without the other clinic's patient.
    in_b = AuditEntry.objects.filter(action="denied", clinic_id=world.clinic_b.pk)
    assert in_b.count() == 3 and set(in_b.values_list("patient_id", flat=True)) == {""}
    admin_a = client_as(world.users_a["clinic_admin"])
    page = admin_a.get(reverse("audit-log"), {"patient": str(a), "action": "denied"})
    assert page.content.decode().count("prescriber@b.example") == 3


def test_the_scales_page_costs_the_same_queries_whatever_the_history(world, client_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    nurse = client_as(world.users_a["nurse"])
    a = world.patient_a.public_id
    counts = []
    for entries in (1, 8):
        while world.patient_a.scale_responses.count() < entries:
            nurse.post(
                f"/api/patients/{a}/scales",
                json.dumps({"instrument": "phq9", "answers": [1] * 8 + [0]}),
                content_type="application/json",
            )
        with CaptureQueriesContext(connection) as queries:
            assert nurse.get(reverse("scale-history", args=[a])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
