"""What the session page shows of the run sheet besides vital signs, and the empty forms
that add to it."""

from __future__ import annotations

from typing import Any

from ketacare.accounts.roles import Action, role_can
from ketacare.sessions import observation, run_sheet
from ketacare.sessions.forms import (
    AdverseEventForm,
    AmendmentForm,
    DissociationForm,
    SedationForm,
    SignForm,
)
from ketacare.sessions.models import DoseAdministration, DosingSession


def run_sheet_context(session: DosingSession, role: str) -> dict[str, Any]:
    """What the session page shows of the run sheet, and the empty forms to add to it."""
    version = {"version": session.version}
    nxt = observation.next_reading(session)
    return {
        "administration": DoseAdministration.objects.filter(session=session)
        .prefetch_related("devices")
        .first(),
        "adverse_events": list(session.adverse_events.all()),
        "assessments": list(session.assessments.all()),
        "assessments_due": run_sheet.assessments_due(session),
        "amendments": list(session.amendments.select_related("amended_by")),
        "next_check": nxt[0] if nxt else None,
        "next_due_at": nxt[1] if nxt else None,
        "can_sign": role_can(role, Action.SESSION_SIGN),
        "adverse_form": AdverseEventForm(),
        "sedation_form": SedationForm(),
        "dissociation_form": DissociationForm(),
        "sign_form": SignForm(initial=version),
        "amendment_form": AmendmentForm(initial=version),
    }
