"""One clinic of bench/clinic_scale.py, in its own process: build it (or reuse the one built
today), then measure the chart and the Today page per role against their bare SQL."""

from __future__ import annotations

import argparse
import json
import os
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench.web_pages import measure_page, p95_ms, setup

SLUG = "scale"
ROLES = ("nurse", "prescriber", "therapist", "front_desk", "clinic_admin")


def run(args: argparse.Namespace) -> dict[str, Any]:
    url: str = args.child
    sqlite_file = Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite") else None
    marker = sqlite_file.with_suffix(".json") if sqlite_file else None
    built = _reusable(marker)
    if built is None and sqlite_file is not None:
        for stale in sqlite_file.parent.glob(sqlite_file.name + "*"):
            stale.unlink()
    setup()
    if built is None:
        built = _build(args.patients, args.days)
        if marker is not None:
            marker.write_text(json.dumps(built))
    result = built | _measure(args.requests, args.explain)
    result["size_mb"] = _size_mb(sqlite_file)
    return result


def _clinic_today() -> str:
    return datetime.now(ZoneInfo("America/New_York")).date().isoformat()


def _reusable(marker: Path | None) -> dict[str, Any] | None:
    """The marker of a database built today (its visits are today's), else None."""
    keys = Path(os.environ["KETACARE_VAR_DIR"]) / "audit-keys.json"  # signs its audit chain
    if marker is None or not marker.exists() or not keys.exists():
        return None
    built: dict[str, Any] = json.loads(marker.read_text())
    return built if built.get("day") == _clinic_today() else None


def _build(patients: int, days: int) -> dict[str, Any]:
    from django.apps import apps
    from django.db import connection, transaction
    from tests.clinic_day import add_day, build_clinic
    from tqdm import tqdm

    if connection.vendor == "sqlite":  # 256 MB of page cache: the indexes of 5M rows
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")
    started = time.perf_counter()
    with tqdm(total=patients, unit="patient", desc=f"{patients} patients", mininterval=2) as bar:
        with transaction.atomic():
            clinic, users, _ = build_clinic(SLUG, patients, days, progress=bar.update)
            add_day(clinic, users)
    build_s = time.perf_counter() - started
    rows = sum(m.objects.count() for m in apps.get_models() if m._meta.app_label != "auth")
    return {"patients": patients, "days": days, "rows": rows, "build_s": build_s,
            "day": _clinic_today()}  # fmt: skip


def _size_mb(sqlite_file: Path | None) -> float:
    from django.db import connection

    if sqlite_file is not None:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return sqlite_file.stat().st_size / 1e6
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return float(cursor.fetchone()[0]) / 1e6


def _measure(n: int, explain: bool) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from ketacare.accounts.models import User
    from ketacare.clinics.models import Clinic
    from ketacare.patients.models import Patient

    clinic = Clinic.objects.get(slug=SLUG)
    patient = Patient.objects.get(clinic=clinic, mrn=f"{SLUG}-1")
    users = {role: User.objects.get(email=f"{role}@{SLUG}.example") for role in ROLES}
    client = Client()
    pages: dict[str, dict[str, float]] = {}
    chart = reverse("patient-chart", args=[patient.public_id])
    for role in ("prescriber", "nurse"):
        client.force_login(users[role])
        queries, p95 = measure_page(client, chart, n)
        pages[f"chart:{role}"] = {"queries": queries, "p95": p95,
                                  "floor": _floor(chart_floor(), patient.pk, n)}  # fmt: skip
    plans: list[str] = _explain(client, chart, "chart", connection.vendor) if explain else []
    for role in ROLES:
        client.force_login(users[role])
        queries, p95 = measure_page(client, reverse("today"), n)
        pages[f"today:{role}"] = {"queries": queries, "p95": p95,
                                  "floor": _floor(today_floor(clinic), clinic.pk, n)}  # fmt: skip
        if explain:
            plans += _explain(client, reverse("today"), role, connection.vendor)
    return {"vendor": connection.vendor, "pages": pages, "explain": plans}


def _floor(queries: list[tuple[str, list[Any]]], pk: int, n: int) -> float:
    """p95 of the bare SQL, the same number of times as the page."""
    from django.db import connection

    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            for sql, params in queries:
                cursor.execute(sql, [pk if p is None else p for p in params])
                cursor.fetchall()
        samples.append(time.perf_counter() - t0)
    return p95_ms(samples)


def _t(model: Any) -> str:
    return str(model._meta.db_table)


def chart_floor() -> list[tuple[str, list[Any]]]:
    """The rows the chart shows for one patient (None stands for the patient's id): the
    patient, the current plan, recent sessions, the first and latest response of each scale,
    open alerts, consent signatures, allergies, medications, the next visit, the latest
    screening."""
    from ketacare.appointments.models import Appointment
    from ketacare.consent.models import ConsentSignature
    from ketacare.measures.models import SafetyAlert, ScaleResponse
    from ketacare.medications.models import Allergy, Medication
    from ketacare.patients.models import Patient
    from ketacare.screening.models import Screening
    from ketacare.sessions.models import DosingSession
    from ketacare.treatment.models import TreatmentPlan

    def of(model: Any, tail: str = "") -> tuple[str, list[Any]]:
        return f"SELECT * FROM {_t(model)} WHERE patient_id = %s {tail}", [None]

    ends = (
        f"SELECT * FROM (SELECT r.*, ROW_NUMBER() OVER (PARTITION BY instrument ORDER BY taken_at)"
        f" AS a, ROW_NUMBER() OVER (PARTITION BY instrument ORDER BY taken_at DESC) AS z"
        f" FROM {_t(ScaleResponse)} r WHERE patient_id = %s) e WHERE a = 1 OR z = 1"
    )
    return [
        (f"SELECT * FROM {_t(Patient)} WHERE id = %s", [None]),
        of(TreatmentPlan, "ORDER BY created_at DESC LIMIT 1"),
        of(DosingSession, "ORDER BY started_at DESC LIMIT 10"),
        (ends, [None]),
        of(SafetyAlert, "AND acknowledged_at IS NULL"),
        of(ConsentSignature),
        of(Allergy),
        of(Medication),
        of(Appointment, "AND starts_at >= CURRENT_TIMESTAMP ORDER BY starts_at LIMIT 1"),
        of(Screening, "ORDER BY id DESC LIMIT 1"),
    ]


def today_floor(clinic: Any) -> list[tuple[str, list[Any]]]:
    """The rows of the Today page (None stands for the clinic's id): today's visits with
    their patient and room, sessions under way, open alerts, the referral count, the week's
    count discrepancies, unsigned notes."""
    from ketacare.appointments.models import Appointment, Room
    from ketacare.controlled.models import StockCount
    from ketacare.counselling.models import CounsellingSession
    from ketacare.measures.models import SafetyAlert
    from ketacare.patients.models import Patient
    from ketacare.referrals.models import Referral
    from ketacare.sessions.models import DosingSession

    zone = ZoneInfo(clinic.time_zone)
    start = datetime.now(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    p = _t(Patient)

    def with_patient(model: Any, where: str, tail: str = "") -> str:
        return (
            f"SELECT x.*, p.first_name, p.last_name, p.public_id FROM {_t(model)} x"
            f" JOIN {p} p ON p.id = x.patient_id WHERE x.clinic_id = %s AND {where} {tail}"
        )

    visits = with_patient(Appointment, "x.starts_at >= %s AND x.starts_at < %s",
                          "AND x.status = 'booked' ORDER BY x.starts_at LIMIT 50")  # fmt: skip
    visits = visits.replace(" WHERE", f" LEFT JOIN {_t(Room)} r ON r.id = x.room_id WHERE")
    return [
        (visits, [None, start, start + timedelta(days=1)]),
        (with_patient(DosingSession, "x.status = 'in_progress'", "LIMIT 50"), [None]),
        (with_patient(SafetyAlert, "x.acknowledged_at IS NULL", "LIMIT 50"), [None]),
        (f"SELECT COUNT(*) FROM {_t(Referral)} WHERE clinic_id = %s AND status = 'new'", [None]),
        (
            f"SELECT * FROM {_t(StockCount)} WHERE clinic_id = %s AND adjustment_id IS NOT NULL"
            f" AND counted_at >= %s",
            [None, start - timedelta(days=7)],
        ),  # fmt: skip
        (with_patient(CounsellingSession, "x.signed_at IS NULL", "LIMIT 50"), [None]),
    ]


def _explain(client: Any, url: str, role: str, vendor: str) -> list[str]:
    """Each query of the page with its plan: a full scan of a big table shows here."""
    from django.db import connection

    seen: list[tuple[str, Any]] = []

    def keep(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        client.get(url)
    lines = [f"\n-- {url} as {role}: {len(seen)} queries"]
    prefix = "EXPLAIN QUERY PLAN " if vendor == "sqlite" else "EXPLAIN "
    for sql, params in seen:
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql, params)
            plan = [" ".join(str(c) for c in row) for row in cursor.fetchall()]
        lines.append(f"{sql[:160]}\n    " + "\n    ".join(plan))
    return lines
