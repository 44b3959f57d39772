"""The therapist's page of a patient (recent dosing sessions, dissociation, the symptom
trend, the counselling sessions) and one note's page (read, sign, amend)."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ketacare.accounts.actor import Actor
from ketacare.accounts.current import actor_from_request
from ketacare.accounts.roles import Action, role_can
from ketacare.counselling import services
from ketacare.counselling.forms import AmendmentForm, CounsellingForm, NoteForm
from ketacare.counselling.models import CounsellingSession
from ketacare.measures.progress import snapshots
from ketacare.measures.services import current_responses
from ketacare.patients.gate import get_for
from ketacare.patients.models import Patient
from ketacare.sessions.services import recent_sessions
from ketacare.web.form_use_case import run_on_form


def _dosing_choices(actor: Actor, patient: Patient) -> list[tuple[str, str]]:
    return [(str(s.public_id), f"{s.started_at:%Y-%m-%d} {s.get_route_display()} "
             f"{s.dose_mg:g} mg") for s in recent_sessions(actor, patient, 10)]  # fmt: skip


@login_required
def patient_counselling(request: HttpRequest, public_id: UUID) -> HttpResponse:
    actor = actor_from_request(request)
    action = Action.COUNSELLING_RECORD if request.method == "POST" else Action.COUNSELLING_VIEW
    patient = get_for(actor, Patient, public_id, action)
    form = CounsellingForm(request.POST or None, dosing=_dosing_choices(actor, patient))
    if request.method == "POST":
        if run_on_form(form, lambda: services.record_session(actor, public_id, form.entry())):
            return redirect("counselling-list", public_id=public_id)
    responses = current_responses(actor, patient)
    context = {
        "patient": patient,
        "sessions": services.sessions_of(actor, patient),
        "dosing": recent_sessions(actor, patient, 5),
        "dissociation": list(responses.filter(instrument="cadss").order_by("-taken_at")[:5]),
        "trend": snapshots(responses),
        "form": form,
        "can_record": role_can(actor.role, Action.COUNSELLING_RECORD),
        "can_read_notes": role_can(actor.role, Action.COUNSELLING_NOTES),
    }
    return render(request, "counselling/patient.html", context,
                  status=422 if form.errors else 200)  # fmt: skip


def _note_page(
    request: HttpRequest, actor: Actor, session: CounsellingSession, status: int = 200,
    **forms: Form,
) -> HttpResponse:  # fmt: skip
    own_draft = (
        session.signed_at is None
        and actor.user is not None
        and (session.therapist_id == actor.user.pk)
    )
    context = {
        "session": session,
        "patient": session.patient,
        "amendments": list(session.amendments.select_related("author")),
        "own_draft": own_draft,
        "can_amend": session.signed_at is not None
        and role_can(actor.role, Action.COUNSELLING_RECORD),
        "note_form": forms.get("note_form") or NoteForm(initial={"note": session.note}),
        "amend_form": forms.get("amend_form") or AmendmentForm(),
        # a refusal whose form the page may no longer show (e.g. revising a signed note)
        "refused": next((f for f in forms.values() if f.errors), None),
    }
    return render(request, "counselling/note.html", context, status=status)


@login_required
def note(request: HttpRequest, counselling_id: UUID) -> HttpResponse:
    actor = actor_from_request(request)
    return _note_page(request, actor, services.read_note(actor, counselling_id))


@login_required
@require_POST
def note_action(request: HttpRequest, counselling_id: UUID, what: str) -> HttpResponse:
    actor = actor_from_request(request)
    session = services.read_note(actor, counselling_id)
    if what == "sign":
        form: Form = NoteForm({"note": session.note})
        done = run_on_form(form, lambda: services.sign(actor, counselling_id))
        key = "note_form"
    elif what == "revise":
        form = NoteForm(request.POST)
        done = run_on_form(form, lambda: services.revise_draft(actor, counselling_id,
                                                        form.cleaned_data["note"]))  # fmt: skip
        key = "note_form"
    elif what == "amend":
        form = AmendmentForm(request.POST)
        done = run_on_form(
            form, lambda: services.amend(actor, counselling_id, form.cleaned_data["text"])
        )
        key = "amend_form"
    else:
        raise Http404("No such action.")
    if done:
        return redirect("counselling-note", counselling_id=counselling_id)
    session.refresh_from_db()
    return _note_page(request, actor, session, 422, **{key: form})
