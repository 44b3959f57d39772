"""The patient banner on every page of a patient: who this is and what is safety-critical
now (allergies, open alerts), and where the care stands (plan, next session).

A template tag (`{% load chart %}{% patient_banner %}` in the base template) so that every
page showing a patient gets it without each view building it; it reads only what the
actor's role may see, for a patient the page already read through the gate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django import template
from django.utils import timezone

from ketacare.accounts.actor import Actor
from ketacare.accounts.roles import Action, role_can
from ketacare.appointments.services import next_appointment
from ketacare.measures.services import open_alerts
from ketacare.medications.services import allergies_of
from ketacare.patients.models import Patient
from ketacare.treatment.services.plans import current_plan

register = template.Library()


@dataclass(frozen=True)
class Banner:
    patient: Patient
    age: int
    allergies: list[str] | None  # None: the role may not see them
    alerts: int
    first_alert: str
    plan: str | None  # None: the role may not see plans; "" when there is none
    next_session: dict[str, Any] | None  # the plan's next planned session
    next_appointment: Any  # the next booked appointment, for roles that see the calendar


def age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def banner_for(actor: Actor, patient: Patient, alerts: list[Any] | None = None) -> Banner:
    today = timezone.localdate()
    if alerts is None:
        alerts = open_alerts(actor, patient)
    plan = current_plan(actor, patient)
    allergies = None
    if role_can(actor.role, Action.MEDICATION_VIEW):
        allergies = [str(a) for a in allergies_of(actor, patient)]
    upcoming = plan.next_sessions(today.isoformat(), 1) if plan else []
    return Banner(
        patient=patient,
        age=age_on(patient.date_of_birth, today),
        allergies=allergies,
        alerts=len(alerts),
        first_alert=str(alerts[0].reason) if alerts else "",
        plan=(plan.template_name if plan else "")
        if role_can(actor.role, Action.PLAN_VIEW)
        else None,
        next_session=upcoming[0] if upcoming else None,
        next_appointment=next_appointment(actor, patient)
        if role_can(actor.role, Action.CALENDAR_VIEW)
        else None,
    )


@register.inclusion_tag("patients/_banner.html", takes_context=True)
def patient_banner(context: template.Context) -> dict[str, Any]:
    patient, actor = context.get("patient"), context.get("actor")
    if not isinstance(patient, Patient) or not isinstance(actor, Actor) or patient.pk is None:
        return {}
    return {
        "banner": banner_for(actor, patient, context.get("open_alerts")),
        "is_patient_role": context.get("is_patient_role"),
    }
