"""The Today page and the chart of a big clinic: as many queries as for a small one, and each
of the day's lists read through an index that holds only that list (bench/clinic_scale.py
measures the same at 5,000 patients with two years each)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.clinic_day import add_day, build_clinic

pytestmark = pytest.mark.django_db

ROLES = ("nurse", "prescriber", "therapist", "front_desk", "clinic_admin")


@pytest.fixture
def clinics():  # type: ignore[no-untyped-def]
    small = build_clinic("small", patients=2, days=14)
    add_day(small[0], small[1], visits=2)
    big = build_clinic("big", patients=16, days=120)
    add_day(big[0], big[1], visits=16)
    return small, big


def queries_of(client, user, url: str) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    client.force_login(user)
    assert client.get(url).status_code == 200  # warm-up: session, memberships
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return ctx.captured_queries


def test_the_today_page_makes_as_many_queries_for_a_big_clinic_as_for_a_small_one(client, clinics):
    (_, small_users, _), (_, big_users, _) = clinics
    for role in ROLES:
        few = queries_of(client, small_users[role], reverse("today"))
        many = queries_of(client, big_users[role], reverse("today"))
        assert len(many) == len(few), (role, [q["sql"][:120] for q in many])


def test_the_chart_makes_as_many_queries_in_a_big_clinic_as_in_a_small_one(client, clinics):
    (_, small_users, small_patient), (_, big_users, big_patient) = clinics
    small_chart = reverse("patient-chart", args=[small_patient.public_id])
    big_chart = reverse("patient-chart", args=[big_patient.public_id])
    for role in ("prescriber", "nurse"):
        few = queries_of(client, small_users[role], small_chart)
        many = queries_of(client, big_users[role], big_chart)
        assert len(many) == len(few), role


def statements_of(client, user, url: str) -> list[tuple[str, object]]:  # type: ignore[no-untyped-def]
    client.force_login(user)
    client.get(url)
    seen = []

    def keep(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        assert client.get(url).status_code == 200
    return seen


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's plans; PostgreSQL's depend on statistics"
)
def test_each_list_of_the_day_is_read_through_its_own_index(client, clinics):
    """Without these, each list scanned all of the clinic's sessions, alerts or notes:
    365 ms for the nurse's page at 5,000 patients (docs/performance.md)."""
    _, (_, users, _) = clinics
    plans = []
    for role in ("nurse", "therapist", "clinic_admin"):
        for sql, params in statements_of(client, users[role], reverse("today")):
            if sql.startswith("SELECT"):
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
                    plans.append(" ".join(str(row[-1]) for row in cursor.fetchall()))
    joined = "\n".join(plans)
    for index in ("sessions_under_way", "open_alerts", "unsigned_notes", "count_discrepancies"):
        assert f"USING INDEX {index}" in joined, joined
    # the sessions of today's visits: a range on the time, not each patient's years
    assert "patient_id=? AND started_at>?" in joined, joined
