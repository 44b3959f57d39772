"""Consent pages: the clinic's documents and their versions (admin publishes), a patient's
consent per route with sign and withdraw (staff on the clinic tablet, or the patient in the
portal). Thin: parse, call a service, render."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ketacare.accounts.actor import Actor
from ketacare.accounts.current import actor_from_request
from ketacare.accounts.roles import Action, Role, require, role_can
from ketacare.clinical.consent import TOPICS, topic_label
from ketacare.consent import services
from ketacare.consent.forms import PublishForm, SignForm, WithdrawForm
from ketacare.patients.models import Patient


def _errors_onto(form: PublishForm | SignForm, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
def document_list(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    documents, _ = services.document_page(actor, None, limit=500, offset=0)
    by_topic = {topic: [d for d in documents if d.topic == topic] for topic in TOPICS}
    context = {
        "topics": [(topic, topic_label(topic), by_topic[topic]) for topic in TOPICS],
        "can_publish": role_can(actor.role, Action.CONSENT_PUBLISH),
        "today": timezone.localdate(),
    }
    return render(request, "consent/documents.html", context)


@login_required
def publish(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    require(actor, Action.CONSENT_PUBLISH)
    initial = {"topic": request.GET.get("topic", ""), "effective_on": timezone.localdate()}
    form = PublishForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.publish_version(actor, services.NewVersion(**form.cleaned_data))
        except ValidationError as exc:
            _errors_onto(form, exc)
        else:
            messages.success(request, f"Published {document}.")
            return redirect("consent-documents")
    status = 422 if form.errors else 200
    return render(request, "consent/publish.html", {"form": form}, status=status)


@login_required
def document_detail(request: HttpRequest, document_id: UUID) -> HttpResponse:
    document = services.view_document(actor_from_request(request), document_id)
    return render(request, "consent/document.html", {"document": document})


@login_required
def patient_consent(request: HttpRequest, public_id: UUID) -> HttpResponse:
    actor = actor_from_request(request)
    patient, rows = services.consent_status(actor, public_id)
    return render(request, "consent/patient.html", _patient_context(actor, patient, rows))


def _patient_context(
    actor: Actor, patient: Patient, rows: list[services.TopicRow]
) -> dict[str, object]:
    return {
        "patient": patient,
        "rows": rows,
        "may_act": _may_act(actor),
        "to_sign": [r for r in rows if r.to_sign is not None],
        "withdraw_form": WithdrawForm(),
    }


def _may_act(actor: Actor) -> bool:
    """A patient signs their own; clinical staff witness on the tablet."""
    own = actor.role == Role.PATIENT
    return role_can(actor.role, Action.CONSENT_SIGN_OWN if own else Action.CONSENT_WITNESS)


def _topic(topic: str) -> str:
    if topic not in TOPICS:
        raise Http404("No such consent topic.")
    return topic


@login_required
def sign(request: HttpRequest, public_id: UUID, topic: str) -> HttpResponse:
    actor = actor_from_request(request)
    patient, rows = services.consent_status(actor, public_id)
    row = next(r for r in rows if r.topic == _topic(topic))
    document = row.to_sign
    form = SignForm(
        request.POST or None, initial={"document_id": document.public_id if document else None}
    )
    if request.method == "POST" and form.is_valid():
        signing = services.Signing(
            form.cleaned_data["document_id"],
            form.cleaned_data["typed_name"],
            form.cleaned_data["agreed"],
        )
        try:
            signature, new = services.sign_consent(actor, public_id, signing)
        except ValidationError as exc:
            _errors_onto(form, exc)
        else:
            done = "Signed" if new else "Already signed"
            messages.success(request, f"{done}: {signature.document}.")
            return redirect(_safe_next(request) or reverse("patient-consent", args=[public_id]))
    context = {
        "patient": patient,
        "row": row,
        "document": document,
        "form": form,
        "in_clinic": actor.role != Role.PATIENT,
        "may_act": _may_act(actor),
        "next": _safe_next(request),
    }
    status = 422 if form.errors else 200
    return render(request, "consent/sign.html", context, status=status)


def _safe_next(request: HttpRequest) -> str:
    """Back to the page that sent the user here (a session or plan form), on this site only."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    return target if target.startswith("/") and not target.startswith("//") else ""


@require_POST
@login_required
def withdraw(request: HttpRequest, public_id: UUID, topic: str) -> HttpResponse:
    actor = actor_from_request(request)
    form = WithdrawForm(request.POST)
    form.is_valid()
    try:
        services.withdraw_consent(actor, public_id, topic, form.cleaned_data.get("reason", ""))
    except ValidationError as exc:
        patient, rows = services.consent_status(actor, public_id)
        context = _patient_context(actor, patient, rows)
        context["withdraw_errors"] = {"topic": topic, "messages": exc.messages}
        return render(request, "consent/patient.html", context, status=422)
    messages.success(request, f"Consent for {topic_label(topic)} withdrawn.")
    return redirect("patient-consent", public_id=public_id)
