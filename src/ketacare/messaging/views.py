"""Message pages: the list (a patient's own threads, or the care team's inbox), a new thread
(a patient to the care team, or a clinician to a patient from the chart), a thread with its
reply form, closing, and an attachment's download. Thin: parse, call a service, render.
"""

from __future__ import annotations

import io
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ketacare.accounts.current import actor_from_request
from ketacare.accounts.roles import Action, Role, require, role_can
from ketacare.messaging import services
from ketacare.messaging.forms import NewThreadForm, ReplyForm
from ketacare.web.form_use_case import run_on_form

INBOX_SIZE = 100


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    require(actor, Action.MESSAGE_VIEW)
    closed = request.GET.get("closed") == "1" and actor.role != Role.PATIENT
    threads, _ = services.list_threads(actor, closed=closed, limit=INBOX_SIZE)
    context = {
        "threads": threads,
        "closed": closed,
        "unread": services.unread_in(threads),
        "can_start": role_can(actor.role, Action.MESSAGE_START),
    }
    return render(request, "messaging/inbox.html", context)


@login_required
def new_thread(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    require(actor, Action.MESSAGE_START)
    form = NewThreadForm(request.POST or None, request.FILES or None)
    created = []
    if request.method == "POST" and run_on_form(
        form,
        lambda: created.append(
            services.start_thread(actor, form.cleaned_data["subject"], form.entry())
        ),
    ):
        messages.success(request, "Sent to your care team.")
        return redirect("message-thread", thread_id=created[0].public_id)
    status = 422 if request.method == "POST" else 200
    return render(request, "messaging/new.html", {"form": form}, status=status)


@login_required
def new_thread_to_patient(request: HttpRequest, public_id: UUID) -> HttpResponse:
    actor = actor_from_request(request)
    patient = services.patient_to_write_to(actor, public_id)
    form = NewThreadForm(request.POST or None, request.FILES or None)
    created = []
    if request.method == "POST" and run_on_form(
        form,
        lambda: created.append(
            services.write_to_patient(actor, public_id, form.cleaned_data["subject"], form.entry())
        ),
    ):
        messages.success(request, f"Sent to {patient.full_name}.")
        return redirect("message-thread", thread_id=created[0].public_id)
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "patient": patient}
    return render(request, "messaging/new.html", context, status=status)


@never_cache
@login_required
def thread(request: HttpRequest, thread_id: UUID) -> HttpResponse:
    actor = actor_from_request(request)
    form = ReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and run_on_form(
        form, lambda: services.reply(actor, thread_id, form.entry())
    ):
        messages.success(request, "Message sent.")
        return redirect("message-thread", thread_id=thread_id)
    found, rows = services.read_thread(actor, thread_id)
    context = {
        "thread": found,
        "rows": rows,
        "form": form if found.is_open and role_can(actor.role, Action.MESSAGE_SEND) else None,
        "can_close": found.is_open and role_can(actor.role, Action.MESSAGE_CLOSE),
        "is_staff_view": actor.role != Role.PATIENT,
    }
    status = 422 if request.method == "POST" else 200
    return render(request, "messaging/thread.html", context, status=status)


@require_POST
@login_required
def close(request: HttpRequest, thread_id: UUID) -> HttpResponse:
    services.close(actor_from_request(request), thread_id)
    messages.success(request, "Conversation closed.")
    return redirect("messages")


@never_cache
@login_required
def attachment(request: HttpRequest, attachment_id: UUID) -> FileResponse:
    found, content = services.open_attachment(actor_from_request(request), attachment_id)
    return attachment_response(found.filename, found.content_type, content)


def attachment_response(filename: str, content_type: str, content: bytes) -> FileResponse:
    """Always a download, never rendered in our origin (a PDF could carry script)."""
    response = FileResponse(
        io.BytesIO(content), as_attachment=True, filename=filename, content_type=content_type
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
