"""Background tasks of the questionnaires app (django.tasks; run by `ketacare worker`)."""

from __future__ import annotations

from django.tasks import task

from ketacare.questionnaires.services import send_reminder_now


@task()
def send_reminder(due_pk: int, attempt: int) -> str:
    return send_reminder_now(due_pk, attempt)
