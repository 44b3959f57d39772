"""Work done after the response has gone out: sending a password reset email.

Sending takes as long as the mail server does and happens only for a known address, so
doing it in the request would tell an observer which addresses have accounts. Queued here,
it runs when the server closes the response (request_finished), after the client has it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.core.mail import EmailMessage
from django.core.signals import request_finished
from django.dispatch import receiver

logger = logging.getLogger(__name__)
_pending: ContextVar[tuple[Callable[[], Any], ...]] = ContextVar("ketacare_after_response",
                                                                 default=())  # fmt: skip


def send_after_response(message: EmailMessage) -> None:
    _pending.set((*_pending.get(), message.send))


@receiver(request_finished)
def run_pending(**kwargs: Any) -> None:
    jobs, _ = _pending.get(), _pending.set(())
    for job in jobs:
        try:
            job()
        except Exception:  # the response is gone; the operator sees it in the log
            logger.exception("Sending an email after the response failed")
