"""Background tasks of the at-home app (django.tasks; run by `ketacare worker`)."""

from __future__ import annotations

from django.tasks import task

from ketacare.athome.watch import escalate_if_missed


@task()
def escalate_missed_check_in(session_pk: int) -> str:
    return escalate_if_missed(session_pk)
