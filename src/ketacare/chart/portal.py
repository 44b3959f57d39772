"""The patient's portal home: what is next, the plan in plain words, their scores and what
the bands mean, questionnaires and consent forms waiting for them, messages, and reading.

The home is a list of sections (`SECTIONS`), each a template and the function that gives it
its context (None: the section is not for this patient), so another part of the portal adds
itself with one entry, as the at-home sessions do.
Each section reads through the gate as the patient; the page's one audited read is the
patient's record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from ketacare.accounts.actor import Actor
from ketacare.accounts.roles import Action, ActionDenied, role_can
from ketacare.appointments.models import Appointment, Status
from ketacare.athome.start import at_home_plan, closed_session
from ketacare.chart.plain_plan import in_plain_words
from ketacare.clinical import instruments, protocols
from ketacare.consent.services import topic_rows
from ketacare.education.sources import SOURCES
from ketacare.education.topics import TOPICS
from ketacare.measures.progress import snapshots
from ketacare.measures.services import current_responses, own_open_suicidality_alert
from ketacare.messaging.services import threads_for, unread_in
from ketacare.patients.gate import get_for
from ketacare.patients.models import Patient
from ketacare.questionnaires.services import due_now
from ketacare.treatment.services.plans import current_plan

UPCOMING_APPOINTMENTS = 5
NEXT_PLANNED = 4


def own_record(actor: Actor) -> Patient:
    """The patient-role user's own record: the page's audited read."""
    own = Patient.objects.for_actor(actor, Action.PATIENT_VIEW).first()
    if own is None:
        raise ActionDenied("Your login is not linked to a patient record yet.")
    return get_for(actor, Patient, own.public_id, Action.PATIENT_VIEW)


def _upcoming(actor: Actor, patient: Patient) -> dict[str, Any]:
    rows = Appointment.objects.for_actor(actor, Action.OWN_APPOINTMENTS).filter(
        patient=patient, status=Status.BOOKED, ends_at__gte=timezone.now()
    )
    return {"appointments": list(rows.select_related("room")[:UPCOMING_APPOINTMENTS])}


def _plan(actor: Actor, patient: Patient) -> dict[str, Any]:
    plan = current_plan(actor, patient)
    if plan is None:
        return {"plan": None}
    upcoming = plan.next_sessions(timezone.localdate().isoformat(), count=NEXT_PLANNED)
    return {"plan": plan, "plain": in_plain_words(plan, upcoming)}


@dataclass(frozen=True)
class ScaleView:
    """One of the patient's scales: latest score, the chart, and what its bands mean."""

    snapshot: Any
    scale: Any
    sources: list[Any]


def _scores(actor: Actor, patient: Patient) -> dict[str, Any]:
    shown = []
    for snap in snapshots(current_responses(actor, patient)):
        scale = instruments.get(snap.instrument)
        # The bands' sources are the scale definition's own keys (clinical/instruments).
        cited = [SOURCES[key] for key in scale.sources if key in SOURCES]
        shown.append(ScaleView(snap, scale, cited))
    return {"scales": shown}


def _questionnaires(actor: Actor, patient: Patient) -> dict[str, Any]:
    return {"due": due_now(actor, patient)}


def _consents(actor: Actor, patient: Patient) -> dict[str, Any]:
    """Forms waiting for the patient: their plan's route, and any topic they signed before
    whose newer version (or withdrawal) asks for a signature again."""
    plan = current_plan(actor, patient)
    template = protocols.TEMPLATES.get(plan.template) if plan else None
    wanted = {template.route.value} if template else set()
    rows = topic_rows(patient)
    to_sign = [r for r in rows if r.to_sign is not None and (r.topic in wanted or r.signature)]
    return {"to_sign": to_sign, "signed": [r for r in rows if r.state == "current"]}


def _messages(actor: Actor, patient: Patient) -> dict[str, Any]:
    threads = list(threads_for(actor)[:3])
    return {"threads": threads, "unread": unread_in(threads)}


def _at_home(actor: Actor, patient: Patient) -> dict[str, Any] | None:
    """Only for a patient with an at-home plan: where each at-home dosing day starts."""
    if not role_can(actor.role, Action.AT_HOME_RUN) or not at_home_plan(patient):
        return None
    return {"closed": closed_session(patient)}


def _learn(actor: Actor, patient: Patient) -> dict[str, Any]:
    return {"topics": TOPICS}


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    template: str
    context: Callable[[Actor, Patient], dict[str, Any] | None]  # None: not for this patient


# In page order: what is next first (a phone shows the top of the list first).
SECTIONS: list[Section] = [
    Section("athome", "At-home session", "portal/_athome.html", _at_home),
    Section("upcoming", "Coming up", "portal/_upcoming.html", _upcoming),
    Section("questionnaires", "Questionnaires for you", "portal/_questionnaires.html",
            _questionnaires),
    Section("messages", "Messages", "portal/_messages.html", _messages),
    Section("plan", "Your treatment plan", "portal/_plan.html", _plan),
    Section("scores", "Your scores over time", "portal/_scores.html", _scores),
    Section("consent", "Consent forms", "portal/_consent.html", _consents),
    Section("learn", "Learn about your treatment", "portal/_learn.html", _learn),
]  # fmt: skip


@dataclass(frozen=True)
class ShownSection:
    key: str
    title: str
    template: str
    context: dict[str, Any]


def home(actor: Actor) -> tuple[Patient, list[ShownSection], bool]:
    """The patient, each section with its context, and whether their own answer has raised
    a suicidality alert still open (the page then shows the crisis resources first)."""
    patient = own_record(actor)
    shown = []
    for section in SECTIONS:
        context = section.context(actor, patient)
        if context is not None:
            shown.append(ShownSection(section.key, section.title, section.template, context))
    return patient, shown, own_open_suicidality_alert(actor, patient)
