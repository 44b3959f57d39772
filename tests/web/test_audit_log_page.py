"""The audit log page: paged at constant cost, patients by name, readable action names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ketacare.audit.models import AuditAction, AuditEntry
from ketacare.audit.services import record
from ketacare.patients.models import Patient
from tests.conftest import actor_for, patient_data

pytestmark = pytest.mark.django_db
SOURCE = Path(__file__).resolve().parents[2] / "src" / "ketacare"


def _entries_about_new_patients(world, count: int) -> None:  # type: ignore[no-untyped-def]
    actor = actor_for(world.users_a["nurse"], world.clinic_a, "nurse")
    start = Patient.objects.count()
    for n in range(start, start + count):
        patient = Patient.objects.create(
            clinic=world.clinic_a, **patient_data(mrn=f"P-{n}", last_name=f"Name{n:03d}")
        )
        record(actor, "read", "patient", patient.public_id, patient_id=patient.public_id)


def _queries_for_log_page(client) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("audit-log")).status_code == 200
    return len(queries)


def test_audit_log_page_costs_the_same_queries_for_10_or_120_patients(world, client_as):
    client = client_as(world.users_a["clinic_admin"])
    _queries_for_log_page(client)  # a login's first request also saves its session: not counted
    _entries_about_new_patients(world, 10)
    few = _queries_for_log_page(client)
    _entries_about_new_patients(world, 110)
    assert _queries_for_log_page(client) == few


def test_audit_log_pages_older_and_newer_entries_without_overlap(world, client_as):
    client = client_as(world.users_a["clinic_admin"])
    _entries_about_new_patients(world, 120)
    first = client.get(reverse("audit-log"))
    older_url = re.search(r'href="(\?[^"]*before=\d+)"', first.content.decode()).group(1)
    second = client.get(reverse("audit-log") + older_url.replace("&amp;", "&"))
    first_ids = [row["entry"].pk for row in first.context["rows"]]
    second_ids = [row["entry"].pk for row in second.context["rows"]]
    assert len(first_ids) == len(second_ids) == 50
    assert min(first_ids) > max(second_ids)
    newer_url = re.search(r'href="(\?[^"]*after=\d+)"', second.content.decode()).group(1)
    back = client.get(reverse("audit-log") + newer_url.replace("&amp;", "&"))
    assert [row["entry"].pk for row in back.context["rows"]] == first_ids


def test_audit_log_names_the_patient_and_links_to_their_entries(world, client_as):
    client_as(world.users_a["nurse"]).get(
        reverse("patient-chart", args=[world.patient_a.public_id])
    )
    page = client_as(world.users_a["clinic_admin"]).get(reverse("audit-log")).content.decode()
    patient_cell = re.search(r'data-label="Patient">(.*?)</td>', page).group(1)
    assert ">Test, Alice</a>" in patient_cell
    assert f'href="?patient={world.patient_a.public_id}"' in patient_cell


def test_showing_names_on_the_audit_log_is_itself_an_audited_read(world, client_as):
    client_as(world.users_a["nurse"]).get(
        reverse("patient-chart", args=[world.patient_a.public_id])
    )
    client_as(world.users_a["clinic_admin"]).get(reverse("audit-log"))
    entry = AuditEntry.objects.filter(object_type="audit_log").latest("id")
    assert entry.user_email == "clinic_admin@a.example"
    assert entry.detail["patients"] == [str(world.patient_a.public_id)]


def test_password_actions_show_their_names_not_raw_codes(world, client_as):
    actor = actor_for(world.users_a["nurse"], world.clinic_a, "nurse")
    record(actor, "password_change", "user", world.users_a["nurse"].pk)
    page = client_as(world.users_a["clinic_admin"]).get(reverse("audit-log")).content.decode()
    assert ">Password change<" in page


def test_every_action_the_code_records_is_a_named_audit_action():
    recorded = set()
    for path in SOURCE.rglob("*.py"):
        recorded |= set(re.findall(r"\brecord\(\s*\w+,\s*\"([a-z_]+)\"", path.read_text()))
    assert recorded, "the scan found no record() calls"
    assert recorded <= set(AuditAction.values), recorded - set(AuditAction.values)


def test_patient_filter_walks_an_index_led_by_clinic_and_patient():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, AuditEntry._meta.db_table)
    assert any(c["index"] and c["columns"][:2] == ["clinic_id", "patient_id"]
               for c in constraints.values())  # fmt: skip
