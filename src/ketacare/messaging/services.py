"""Messaging use cases: a patient starts a thread with the care team (or a clinician with
the patient), both sides reply, the care team closes it; who has read what (unread counts).
Pages and API share these; each reads through the gate and writes its audit entries in one
transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, DateTimeField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from ketacare.accounts.actor import Actor
from ketacare.accounts.roles import Action, ActionDenied, Role, require
from ketacare.audit.services import record
from ketacare.messaging import attachments
from ketacare.messaging.models import Attachment, Message, MessageThread, ThreadRead, ThreadStatus
from ketacare.patients.gate import get_for
from ketacare.patients.models import Patient

MAX_SUBJECT = 120
MAX_TEXT = 5000
_NEVER = Value(datetime(1970, 1, 1, tzinfo=UTC), output_field=DateTimeField())


@dataclass(frozen=True)
class NewMessage:
    text: str
    attachment: attachments.Upload | None = None
    submission_key: str = ""  # a page form's hidden key (the API has Idempotency-Key)


def _sent_before(actor: Actor, new: NewMessage) -> Message | None:
    """The message this same form already sent (a double tap, a resend after a timeout)."""
    key = new.submission_key[:64]
    if not key or actor.user is None:
        return None
    return Message.objects.filter(author=actor.user, submission_key=key).first()


def _clean_text(text: str, field: str, limit: int) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: "Write something first."})
    if "\x00" in text:
        raise ValidationError({field: "The text contains a character that cannot be stored."})
    if len(text) > limit:
        raise ValidationError({field: f"At most {limit} characters ({len(text)} now)."})
    return text


def own_record(actor: Actor) -> Patient:
    """The patient-role user's own record, read through the gate (audited)."""
    own = Patient.objects.for_actor(actor, Action.MESSAGE_START).first()
    if own is None:
        raise ActionDenied("Your login is not linked to a patient record yet.")
    return get_for(actor, Patient, own.public_id, Action.MESSAGE_START)


def start_thread(actor: Actor, subject: str, first: NewMessage) -> MessageThread:
    """A patient writes to their care team: a new open thread with its first message."""
    written: list[str] = []
    with _discarding_on_failure(written):
        return _start_thread(actor, None, subject, first, written)


def write_to_patient(
    actor: Actor, patient_id: Any, subject: str, first: NewMessage
) -> MessageThread:
    """A clinician writes to a patient of their clinic first (a reminder, a follow-up): the
    patient sees it in the portal as unread and may reply, as in a thread they started."""
    written: list[str] = []
    with _discarding_on_failure(written):
        return _start_thread(actor, patient_id, subject, first, written)


def patient_to_write_to(actor: Actor, patient_id: Any) -> Patient:
    """The patient a clinician may write to, read through the gate: 404 outside the clinic,
    403 for a role that does not read messages (front desk, the admin)."""
    return get_for(actor, Patient, patient_id, Action.MESSAGE_TO_PATIENT)


def _recipient_can_read(patient: Patient) -> None:
    """A message the patient could never open would look sent to the team and help nobody."""
    if patient.user_id is None:
        raise ValidationError({"patient": (
            f"{patient.full_name} has no portal login yet, so could not read a message. "
            "Give them a portal login from the chart first, or call them."
        )})  # fmt: skip


def reply(actor: Actor, thread_id: Any, new: NewMessage) -> Message:
    written: list[str] = []
    with _discarding_on_failure(written):
        return _reply(actor, thread_id, new, written)


@contextmanager
def _discarding_on_failure(written: list[str]) -> Iterator[None]:
    """A file is written before its row commits; a refused or failed write removes it."""
    try:
        yield
    except BaseException:
        for name in written:
            attachments.discard(name)
        raise


@transaction.atomic
def _start_thread(
    actor: Actor, patient_id: Any, subject: str, first: NewMessage, written: list[str]
) -> MessageThread:
    """From the patient (`patient_id` None: their own record) or to the patient named."""
    if patient_id is None:
        require(actor, Action.MESSAGE_START)
        patient = own_record(actor)
    else:
        patient = patient_to_write_to(actor, patient_id)
    if (earlier := _sent_before(actor, first)) is not None and earlier.patient_id == patient.pk:
        return earlier.thread
    subject = _clean_text(subject, "subject", MAX_SUBJECT)
    text = _clean_text(first.text, "text", MAX_TEXT)
    checked = attachments.check(first.attachment) if first.attachment else None
    _recipient_can_read(patient)
    thread = MessageThread.objects.create(
        clinic=patient.clinic, patient=patient, subject=subject, started_by=actor.user
    )
    record(actor, "create", MessageThread.audit_type, thread.public_id,
           patient_id=patient.public_id, detail={"subject_chars": len(subject),
                                                 "from_patient": patient_id is None})  # fmt: skip
    key = first.submission_key if earlier is None else ""  # another patient's form's key
    _add(actor, thread, text, checked, written, key)
    return thread


@transaction.atomic
def _reply(actor: Actor, thread_id: Any, new: NewMessage, written: list[str]) -> Message:
    thread = get_for(actor, MessageThread, thread_id, Action.MESSAGE_SEND, lock=True)
    if (earlier := _sent_before(actor, new)) is not None:
        if earlier.thread_id == thread.pk:
            return earlier
        new = replace(new, submission_key="")  # another thread's key: not this form's
    text = _clean_text(new.text, "text", MAX_TEXT)
    if not thread.is_open:
        raise ValidationError({"text": "This conversation is closed. Start a new message "
                                       "to the care team instead."})  # fmt: skip
    checked = attachments.check(new.attachment) if new.attachment else None
    return _add(actor, thread, text, checked, written, new.submission_key)


def _add(
    actor: Actor,
    thread: MessageThread,
    text: str,
    checked: attachments.CheckedFile | None,
    written: list[str],
    submission_key: str = "",
) -> Message:
    now = timezone.now()
    message = Message.objects.create(
        clinic_id=thread.clinic_id, thread=thread, patient_id=thread.patient_id,
        author=actor.user, from_patient=actor.role == Role.PATIENT, text=text, sent_at=now,
        submission_key=submission_key[:64],
    )  # fmt: skip
    detail: dict[str, object] = {"chars": len(text)}
    if checked is not None:
        written.append(attachments.store(checked))
        attachment = Attachment.objects.create(
            clinic_id=message.clinic_id, message=message, patient_id=message.patient_id,
            filename=checked.filename, content_type=checked.content_type,
            size_bytes=checked.size_bytes, sha256=checked.sha256, stored_as=written[-1],
        )  # fmt: skip
        detail["attachment"] = str(attachment.public_id)
    record(actor, "create", Message.audit_type, message.public_id,
           patient_id=thread.patient.public_id, detail=detail)  # fmt: skip
    thread.last_message_at = now
    thread.save(update_fields=["last_message_at"])
    _mark_read(actor, thread, now)
    return message


@transaction.atomic
def close(actor: Actor, thread_id: Any) -> MessageThread:
    thread = get_for(actor, MessageThread, thread_id, Action.MESSAGE_CLOSE, lock=True)
    if thread.is_open:
        thread.status, thread.closed_at, thread.closed_by = (
            ThreadStatus.CLOSED, timezone.now(), actor.user,
        )  # fmt: skip
        thread.save(update_fields=["status", "closed_at", "closed_by"])
        record(actor, "update", MessageThread.audit_type, thread.public_id,
               patient_id=thread.patient.public_id, detail={"closed": True})  # fmt: skip
    return thread


@transaction.atomic
def read_thread(actor: Actor, thread_id: Any) -> tuple[MessageThread, list[Message]]:
    """The thread and its messages (one audited read); marks it read for this user."""
    thread = get_for(actor, MessageThread, thread_id, Action.MESSAGE_VIEW)
    messages = list(
        Message.objects.for_actor(actor, Action.MESSAGE_VIEW)
        .filter(thread=thread)
        .select_related("author")
        .prefetch_related("attachments")
    )
    _mark_read(actor, thread, timezone.now())
    return thread, messages


def threads_of(actor: Actor, patient: Patient, *, limit: int = 5) -> list[MessageThread]:
    """A patient's latest threads on their chart (the chart's read of the patient is the
    audited one), each with this user's `unread` count; none for a role that may not read."""
    rows = MessageThread.objects.for_actor(actor, Action.MESSAGE_VIEW).filter(patient=patient)
    return list(rows.annotate(unread=_unread(actor))[:limit])


def _mark_read(actor: Actor, thread: MessageThread, up_to: datetime) -> None:
    if actor.user is not None:
        ThreadRead.objects.update_or_create(
            thread=thread, user=actor.user, defaults={"read_up_to": up_to}
        )


@transaction.atomic
def open_attachment(actor: Actor, attachment_id: Any) -> tuple[Attachment, bytes]:
    """An attachment's bytes, through the gate: its own audited read."""
    found = get_for(actor, Attachment, attachment_id, Action.MESSAGE_VIEW)
    return found, attachments.path_of(found.stored_as).read_bytes()


def _unread(actor: Actor) -> Any:
    """Per thread: messages by others since this user last read it."""
    user_id = actor.user.pk if actor.user is not None else 0  # no user: everything unread
    read_up_to = ThreadRead.objects.filter(thread=OuterRef(OuterRef("pk")), user_id=user_id).values(
        "read_up_to"
    )[:1]
    newer = (
        Message.objects.filter(thread=OuterRef("pk"))
        .filter(sent_at__gt=Coalesce(Subquery(read_up_to), _NEVER))
        .exclude(author_id=user_id)
        .order_by()
        .values("thread")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(newer), 0)


def threads_for(actor: Actor, *, closed: bool = False) -> QuerySet[MessageThread]:
    """A patient's own threads (all), or the care team's inbox: the clinic's open threads
    (closed ones with `closed`), latest first, each with its `unread` count."""
    rows = MessageThread.objects.for_actor(actor, Action.MESSAGE_VIEW)
    if actor.role != Role.PATIENT:
        rows = rows.filter(status=ThreadStatus.CLOSED if closed else ThreadStatus.OPEN)
    return rows.select_related("patient").annotate(unread=_unread(actor))


def unread_count(actor: Actor) -> int:
    """For the header and the portal: unread messages in the threads the user would see."""
    if not actor.role or actor.user is None:
        return 0
    return unread_in(list(threads_for(actor).select_related(None).only("pk")))


@transaction.atomic
def list_threads(
    actor: Actor, *, closed: bool = False, limit: int = 100, offset: int = 0
) -> tuple[list[MessageThread], int]:
    """A page of the list (inbox or a patient's own): an audited read naming each thread and
    patient shown, as the patient list does."""
    rows = threads_for(actor, closed=closed)
    shown = list(rows[offset : offset + limit])
    if shown:
        record(actor, "read", "message_thread_list", "", detail={
            "threads": [str(t.public_id) for t in shown],
            "patients": sorted({str(t.patient.public_id) for t in shown}),
        })  # fmt: skip
    return shown, rows.count()


def unread_in(threads: list[MessageThread]) -> int:
    return sum(getattr(t, "unread", 0) for t in threads)
