"""The audit log: one entry per read and write, append-only at two levels, a verifiable chain."""

from __future__ import annotations

import json

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from ketacare.audit.models import AppendOnlyError, AuditEntry
from ketacare.audit.verification import verify_chain
from tests.conftest import patient_data

pytestmark = pytest.mark.django_db


def entries_for(patient):  # type: ignore[no-untyped-def]
    return AuditEntry.objects.filter(patient_id=str(patient.public_id))


def test_opening_a_chart_writes_one_read_entry_with_who_where_and_request(world, client_as):
    client = client_as(world.users_a["nurse"])
    before = entries_for(world.patient_a).count()
    response = client.get(reverse("patient-chart", args=[world.patient_a.public_id]))
    entry = entries_for(world.patient_a).latest("id")
    assert entries_for(world.patient_a).count() == before + 1
    assert (entry.action, entry.object_type, entry.user_email) == (
        "read",
        "patient",
        "nurse@a.example",
    )
    assert entry.clinic_id == world.clinic_a.pk
    assert entry.role == "nurse"
    assert entry.ip == "127.0.0.1"
    assert entry.request_id == response["X-Request-ID"]


def test_api_update_writes_its_read_and_one_update_entry_naming_the_changed_fields(
    world, client_as
):
    client = client_as(world.users_a["prescriber"])
    before = entries_for(world.patient_a).count()
    client.patch(
        f"/api/patients/{world.patient_a.public_id}",
        json.dumps({"weight_kg": "71.0"}),
        content_type="application/json",
    )  # the answer carries the whole record: a read, then the write
    assert [e.action for e in entries_for(world.patient_a).order_by("id")[before:]] == [
        "read",
        "update",
    ]
    entry = entries_for(world.patient_a).latest("id")
    assert entry.action == "update"
    assert entry.detail["changed"]["weight_kg"] == {"from": "68.5", "to": "71.0"}


def test_patient_list_read_names_every_patient_shown(world, client_as):
    client = client_as(world.users_a["front_desk"])
    client.get(reverse("patient-list"))
    entry = AuditEntry.objects.filter(object_type="patient_list").latest("id")
    assert entry.detail["patients"] == [str(world.patient_a.public_id)]


def test_refused_write_leaves_no_record_and_no_audit_entry(world, client_as):
    from ketacare.patients.models import Patient

    client = client_as(world.users_a["front_desk"])
    count, audits = Patient.objects.count(), AuditEntry.objects.count()
    body = {**patient_data(mrn="Z-1", weight_kg="401"), "date_of_birth": "1980-01-01"}
    response = client.post("/api/patients/", json.dumps(body), content_type="application/json")
    assert response.status_code == 422
    assert Patient.objects.count() == count
    assert AuditEntry.objects.count() == audits


def test_orm_refuses_to_update_or_delete_audit_entries(world, client_as):
    client_as(world.users_a["nurse"]).get(
        reverse("patient-chart", args=[world.patient_a.public_id])
    )
    entry = AuditEntry.objects.latest("id")
    entry.action = "delete"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()


@pytest.mark.parametrize(
    "sql", ["UPDATE audit_auditentry SET action = 'x'", "DELETE FROM audit_auditentry"]
)
def test_database_trigger_refuses_raw_update_and_delete(world, client_as, sql):
    client_as(world.users_a["nurse"]).get(reverse("patient-list"))
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql)


def _bypass_triggers_and_run(sql: str, *params: object) -> None:
    from ketacare.audit.migrations import _triggers

    _triggers.remove(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    _triggers.install(connection)


def test_verify_passes_on_an_intact_chain_and_detects_a_changed_entry(world, client_as):
    client = client_as(world.users_a["nurse"])
    for _ in range(3):
        client.get(reverse("patient-chart", args=[world.patient_a.public_id]))
    assert list(verify_chain()) == []
    victim = AuditEntry.objects.order_by("id")[1]
    _bypass_triggers_and_run("UPDATE audit_auditentry SET user_email = %s WHERE id = %s",
                             "someone@else.example", victim.pk)  # fmt: skip
    problems = list(verify_chain())
    assert [p.entry_id for p in problems] == [victim.pk]
    assert "content changed" in problems[0].problem


def test_verify_detects_a_deleted_entry_in_the_middle_and_at_the_end(world, client_as):
    client = client_as(world.users_a["nurse"])
    for _ in range(4):
        client.get(reverse("patient-chart", args=[world.patient_a.public_id]))
    ids = list(AuditEntry.objects.order_by("id").values_list("id", flat=True))
    _bypass_triggers_and_run("DELETE FROM audit_auditentry WHERE id = %s", ids[2])
    assert any(p.entry_id == ids[3] and "link broken" in p.problem for p in verify_chain())
    _bypass_triggers_and_run("DELETE FROM audit_auditentry WHERE id = %s", ids[-1])
    assert any(p.entry_id is None for p in verify_chain())


def test_admin_sees_and_filters_only_their_clinics_audit_entries(world, client_as):
    client_as(world.users_b["nurse"]).get(
        reverse("patient-chart", args=[world.patient_b.public_id])
    )
    admin = client_as(world.users_a["clinic_admin"])
    admin.get(reverse("patient-chart", args=[world.patient_a.public_id]))
    page = admin.get(reverse("audit-log"), {"action": "read", "user": "clinic_admin@a"})
    html = page.content.decode()
    assert "clinic_admin@a.example" in html
    assert "nurse@b.example" not in html
    bad_filter = admin.get(reverse("audit-log"), {"since": "not-a-date"})
    assert bad_filter.status_code == 200 and "Enter a valid date" in bad_filter.content.decode()


def test_refused_access_is_audited_as_denied_for_pages_and_api(world, client_as):
    client = client_as(world.users_a["therapist"])
    a, b = world.patient_a.public_id, world.patient_b.public_id
    client.get(reverse("patient-chart", args=[b]))
    client.get(f"/api/patients/{b}")
    client.get(reverse("patient-edit", args=[a]))  # role may not edit
    denied = AuditEntry.objects.filter(action="denied").order_by("id")
    in_a = list(denied.filter(clinic_id=world.clinic_a.pk))
    assert [e.detail["path"] for e in in_a] == [
        reverse("patient-chart", args=[b]),
        f"/api/patients/{b}",
        reverse("patient-edit", args=[a]),
    ]
    assert [e.patient_id for e in in_a] == ["", "", str(a)]  # B's patient stays B's business
    in_b = list(denied.filter(clinic_id=world.clinic_b.pk))  # the probed clinic sees the probes
    assert [(e.detail["path"], e.patient_id) for e in in_b] == [
        (reverse("patient-chart", args=[b]), str(b)),
        (f"/api/patients/{b}", str(b)),
    ]
    assert {e.user_email for e in denied} == {"therapist@a.example"}
    assert in_a[0].object_id == str(b)
    assert "may not edit" in in_a[2].detail["reason"]
    assert list(verify_chain()) == []


def test_error_pages_explain_in_plain_words(world, client_as):
    client = client_as(world.users_a["therapist"])
    page = client.get(reverse("patient-edit", args=[world.patient_a.public_id]))
    assert page.status_code == 403 and "ask your clinic admin" in page.content.decode()
    missing = client.get(reverse("patient-chart", args=[world.patient_b.public_id]))
    assert missing.status_code == 404 and "not in your clinic" in missing.content.decode()
