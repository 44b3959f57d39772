"""Running queued background tasks inside a test."""

from __future__ import annotations


def run_background_tasks() -> int:
    """What `ketacare worker --batch` does, on the test's own connection: the real worker
    closes connections between tasks, which would end a test's wrapping transaction
    (tests/web/test_forecast.py runs the real worker once, in a transactional test).
    A failing task fails the test. Returns the number of tasks run."""
    from django_tasks_db.models import DBTaskResult

    done = 0
    while (queued := DBTaskResult.objects.ready().order_by("enqueued_at").first()) is not None:
        queued.claim("test")
        result = queued.task_result
        queued.set_successful(queued.task.call(*result.args, **result.kwargs))
        done += 1
    return done
