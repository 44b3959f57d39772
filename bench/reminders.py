"""Benchmark: questionnaire reminders sent per second by the real task worker.

Run:  .venv/bin/python bench/reminders.py [--due 500]

A throwaway SQLite database (migrated), one clinic, DUE patients with a portal login and a
PHQ-9 questionnaire due yesterday, and one queued `send_reminder` task each
(questionnaires/tasks.py, the django-tasks-db backend). Then django-tasks-db's own worker
(`db_worker --batch`, what `ketacare worker` runs) drains the queue: each task locks its row,
issues a one-time link (hashed), emails it, writes its audit entry and queues the next
attempt. Mail goes to Django's in-memory backend, so the figure is KetaCare's and the
worker's, not an SMTP server's. Baseline in the same run: the same number of plain in-memory
emails of the same size (Django's send_mail alone). Prints both rates and their ratio.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path


def settings_for(var: str) -> None:
    """The project's settings with mail kept in memory, in a throwaway directory."""
    wrapper = Path(var) / "bench_reminder_settings.py"
    wrapper.write_text(
        "from ketacare.config.settings import *  # noqa\n"
        "MAILERS = {'default': {'BACKEND': 'django.core.mail.backends.locmem.EmailBackend'}}\n"
    )
    sys.path.insert(0, var)
    os.environ.update(KETACARE_VAR_DIR=var, DJANGO_SETTINGS_MODULE="bench_reminder_settings")
    os.environ.pop("DATABASE_URL", None)


def due_questionnaires(count: int) -> list[int]:
    """COUNT patients, each with a portal login and a PHQ-9 due yesterday (rows written
    directly: the set-up is not what is measured)."""
    from ketacare.accounts.actor import system_actor
    from ketacare.accounts.models import User
    from ketacare.accounts.services.clinic import create_clinic
    from ketacare.patients.models import Patient
    from ketacare.questionnaires.models import DueQuestionnaire, QuestionnaireSchedule

    clinic = create_clinic(system_actor(reason="bench"), "Bench Clinic", slug="bench",
                           time_zone="America/New_York", licensed_states=["NY"])  # fmt: skip
    users = User.objects.bulk_create(
        [User(email=f"p{n}@bench.example", full_name=f"P {n}", password="!") for n in range(count)]
    )
    patients = Patient.objects.bulk_create([
        Patient(clinic=clinic, mrn=f"B-{n}", first_name="P", last_name=str(n), user=user,
                date_of_birth=date(1980, 1, 1), sex="female", weight_kg=70)
        for n, user in enumerate(users)
    ])  # fmt: skip
    schedules = QuestionnaireSchedule.objects.bulk_create([
        QuestionnaireSchedule(clinic=clinic, patient=p, instrument="phq9", every_days=7)
        for p in patients
    ])  # fmt: skip
    yesterday = date.today() - timedelta(days=1)
    due = DueQuestionnaire.objects.bulk_create([
        DueQuestionnaire(clinic=clinic, schedule=s, patient=s.patient, instrument="phq9",
                         due_on=yesterday)
        for s in schedules
    ])  # fmt: skip
    return [d.pk for d in due]


def worker_rate(due_ids: list[int]) -> tuple[float, int]:
    """Queue one reminder per questionnaire, then time the real worker draining the queue."""
    from django.core import mail
    from django.core.management import call_command

    from ketacare.questionnaires.tasks import send_reminder

    for pk in due_ids:
        send_reminder.enqueue(pk, 1)
    mail.outbox = []
    start = time.perf_counter()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    seconds = time.perf_counter() - start
    return len(mail.outbox) / seconds, len(mail.outbox)


def baseline_rate(count: int, body_chars: int) -> float:
    """The same number of in-memory emails of the same size, sent by Django alone."""
    from django.core import mail

    mail.outbox = []
    body = "x" * body_chars
    start = time.perf_counter()
    for n in range(count):
        mail.send_mail("Bench Clinic: a questionnaire for you", body, "no-reply@localhost",
                       [f"p{n}@bench.example"])  # fmt: skip
    return count / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--due", type=int, default=500, help="questionnaires due (default 500)")
    args = parser.parse_args()
    settings_for(tempfile.mkdtemp(prefix="ketacare-bench-reminders-"))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    due_ids = due_questionnaires(args.due)
    rate, sent = worker_rate(due_ids)
    from django.core import mail

    body_chars = len(mail.outbox[0].body) if mail.outbox else 400
    if sent != args.due:
        sys.exit(f"only {sent} of {args.due} reminders were sent")
    baseline = baseline_rate(args.due, body_chars)
    print(f"{args.due} questionnaires due, {sent} reminders sent by the task worker (SQLite)")
    print(f"worker:   {rate:8.1f} reminders/s ({1000 / rate:.2f} ms each)")
    print(f"baseline: {baseline:8.1f} plain in-memory emails/s ({1000 / baseline:.3f} ms each)")
    print(f"ratio:    the worker's reminder costs {baseline / rate:.0f}x a plain email send")


if __name__ == "__main__":
    main()
