"""Background tasks of the at-home app (django.tasks; run by `ketacare worker`)."""

from __future__ import annotations

from django.tasks import task

from ketacare.athome.closing import close_if_unfinished
from ketacare.athome.watch import escalate_if_missed


@task()
def escalate_missed_check_in(session_pk: int) -> str:
    return escalate_if_missed(session_pk)


@task()
def close_unfinished_session(session_pk: int) -> str:
    return close_if_unfinished(session_pk)
