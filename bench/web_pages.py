"""Query counts and p95 latency of every patient page as the record grows (issue 9, item 9).

Run:  .venv/bin/python bench/web_pages.py [--requests 30]
      (SQLite in a temporary folder; set DATABASE_URL to measure PostgreSQL instead)

Four patients of one clinic carry 0 days, 3 months, 1 year and 2 years of history
(weekly PHQ-9 and GAD-7, twice-weekly IV sessions with readings, monthly MADRS:
tests/history.py); their forecasts are computed first, as the worker does. Each page is
requested through Django's full stack (middleware, sessions, gate, audit, templates) as a
logged-in prescriber. Same-run floor: the bare SQL the page needs to show its data (the
patient row plus the rows the page displays), run on the same connection, no Django.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("KETACARE_VAR_DIR", tempfile.mkdtemp(prefix="ketacare-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ketacare.config.settings")
# One user sends far more than a person would (600 a minute): measure pages, not the limiter.
os.environ.setdefault("RATE_LIMIT_API_PER_MINUTE", "1000000")

HISTORIES = {"none": 0, "3 months": 91, "1 year": 365, "2 years": 730}

# The rows each page shows, as bare SQL (%s = the patient's id).
PATIENT = "SELECT * FROM patients_patient WHERE id = %s"
RESPONSES = (
    "SELECT r.instrument, r.taken_at, r.total, r.severity, r.risk, r.flags, u.email"
    " FROM measures_scaleresponse r LEFT JOIN accounts_user u ON u.id = r.entered_by_id"
    " WHERE r.patient_id = %s ORDER BY r.taken_at"
)
POINTS = (
    "SELECT taken_at, total FROM measures_scaleresponse"
    " WHERE patient_id = %s AND instrument = 'phq9' ORDER BY taken_at"
)
RECENT_SESSIONS = (
    "SELECT * FROM dosing_sessions_dosingsession WHERE patient_id = %s"
    " ORDER BY started_at DESC LIMIT 5"
)
FLOORS = {
    "chart": [PATIENT, RECENT_SESSIONS],
    "scales": [PATIENT, RESPONSES, "SELECT * FROM treatment_storedforecast WHERE patient_id = %s"],
    "phq9.svg": [PATIENT, POINTS],
    "session": [PATIENT, RECENT_SESSIONS],
    "other": [PATIENT],
}


def setup() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)


def build_patients():  # type: ignore[no-untyped-def]
    from django.core.management import call_command
    from tests.conftest import make_clinic_world, patient_data
    from tests.history import add_history

    from ketacare.patients.models import Patient
    from ketacare.treatment.services.forecast import request_forecast

    clinic, users, _ = make_clinic_world("bench", "Zero")
    patients = {}
    for i, (label, days) in enumerate(HISTORIES.items()):
        patient = Patient.objects.create(
            clinic=clinic, **patient_data(mrn=f"history-{i}", first_name=label.title())
        )
        if days:
            add_history(patient, users["nurse"], days)
        request_forecast(patient)
        patients[label] = patient
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    return users, patients


def pages(patient):  # type: ignore[no-untyped-def]
    from django.urls import reverse

    from ketacare.sessions.models import DosingSession

    pid = patient.public_id
    found = [
        ("chart", reverse("patient-chart", args=[pid])),
        ("scales", reverse("scale-history", args=[pid])),
        ("phq9.svg", reverse("scale-trajectory", args=[pid, "phq9"])),
        ("pk", reverse("pk-prediction", args=[pid])),
        ("edit", reverse("patient-edit", args=[pid])),
        ("screening", reverse("screening-new", args=[pid])),
        ("plan", reverse("plan-new", args=[pid])),
    ]
    session = DosingSession.objects.filter(patient=patient).order_by("-started_at").first()
    if session is not None:
        found.append(("session", reverse("session-detail", args=[session.public_id])))
    return found


def p95_ms(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] * 1000 if len(samples) > 1 else samples[0] * 1000


def measure_page(client, url: str, n: int) -> tuple[int, float]:  # type: ignore[no-untyped-def]
    from django.db import connection

    client.get(url)
    queries: list[str] = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):  # survives the per-request query-log reset
        assert client.get(url).status_code == 200, url
    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        client.get(url)
        samples.append(time.perf_counter() - t0)
    return len(queries), p95_ms(samples)


def measure_floor(kind: str, patient_pk: int, n: int) -> float:
    from django.db import connection

    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            for sql in FLOORS.get(kind, FLOORS["other"]):
                cursor.execute(sql, [patient_pk])
                cursor.fetchall()
        samples.append(time.perf_counter() - t0)
    return p95_ms(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=30)
    n = parser.parse_args().requests
    setup()
    from django.db import connection
    from django.test import Client

    users, patients = build_patients()
    client = Client()
    client.force_login(users["prescriber"])
    print(f"database: {connection.vendor}; {n} requests per page; p95 in ms")
    print(f"{'page':10} {'history':9} {'queries':>7} {'p95 ms':>8} {'floor ms':>9} {'x floor':>8}")
    for label, patient in patients.items():
        for kind, url in pages(patient):
            queries, p95 = measure_page(client, url, n)
            floor = measure_floor(kind, patient.pk, n)
            print(f"{kind:10} {label:9} {queries:>7} {p95:>8.1f} {floor:>9.2f} {p95 / floor:>8.0f}")


if __name__ == "__main__":
    main()
