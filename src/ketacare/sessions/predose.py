"""Before the dose: the pre-dose check with today's record (suicidality, the clinic's limits),
the dose and its limit, and the hard stops only a prescriber passes with a reason."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils import timezone

from ketacare.accounts.actor import Actor
from ketacare.accounts.roles import Action, role_can
from ketacare.clinical import dosing, monitoring
from ketacare.clinical.errors import ClinicalRuleError, DoseAboveLimit
from ketacare.clinical.routes import Route
from ketacare.clinical.vitals import VitalSigns
from ketacare.clinical_input import field_error, vital_signs
from ketacare.measures.services import (
    CSSRS_RISK_ORDER,
    SuicidalityToday,
    suicidality_today,
)


@dataclass(frozen=True)
class SessionStart:
    route: Route
    vitals: VitalSigns
    pregnancy: monitoring.PregnancyStatus
    dose_mg: float | None = None
    dose_mg_per_kg: float | None = None
    infusion_minutes: int | None = None
    phq9_item9_today: int | None = None
    cssrs_risk_today: str | None = None
    review_note: str = ""
    override_reason: str = ""

    @classmethod
    def from_fields(cls, data: Mapping[str, Any]) -> SessionStart:
        """From the start form's cleaned data or the API's body: the same field names."""
        return cls(
            route=Route(data["route"]),
            vitals=vital_signs(data),
            pregnancy=monitoring.PregnancyStatus(data["pregnancy"]),
            dose_mg=data.get("dose_mg"),
            dose_mg_per_kg=data.get("dose_mg_per_kg"),
            infusion_minutes=data.get("infusion_minutes"),
            phq9_item9_today=data.get("phq9_item9_today"),
            cssrs_risk_today=data.get("cssrs_risk_today") or None,
            review_note=data.get("review_note", ""),
            override_reason=data.get("override_reason", ""),
        )


def _override(actor: Actor, start: SessionStart, what: str) -> dosing.DoseOverride:
    """Only a prescriber may pass a hard stop, and only with a recorded reason."""
    if not role_can(actor.role, Action.DOSE_OVERRIDE):
        raise ValidationError({"override_reason": f"{what} Only a prescriber may override it."})
    if not start.override_reason.strip():
        raise ValidationError(
            {"override_reason": f"{what} To dose anyway, record the reason for the override."}
        )
    return dosing.DoseOverride(start.override_reason.strip()[:500], actor.label)


def worst_of_day(start: SessionStart, today: SuicidalityToday) -> SessionStart:
    """What was asked at the pre-dose visit and what the record holds today: the worse counts."""
    asked = [v for v in (start.phq9_item9_today, today.phq9_item9) if v is not None]
    risks = [r for r in (start.cssrs_risk_today, today.cssrs_risk) if r in CSSRS_RISK_ORDER]
    return replace(
        start,
        phq9_item9_today=max(asked, default=None),
        cssrs_risk_today=max(risks, key=CSSRS_RISK_ORDER.index, default=None),
    )


def suicidality_on_record(patient: Any) -> SuicidalityToday:
    """Today's PHQ-9 item 9, C-SSRS and open suicidality alerts, for the start page."""
    return suicidality_today(patient, _clinic_day_start(patient.clinic, timezone.now()))


def _clinic_day_start(clinic: Any, now: datetime) -> datetime:
    zone = ZoneInfo(clinic.time_zone)
    return datetime.combine(now.astimezone(zone).date(), time(0), zone)


def _prescriber_clears(actor: Actor, start: SessionStart, reasons: str) -> None:
    """An open suicidality alert: only a prescriber passes it, and only with a note."""
    if not role_can(actor.role, Action.DOSE_OVERRIDE):
        raise ValidationError(
            {"review_note": f"Review needed: {reasons}. Only a prescriber may clear it."}
        )
    if not start.review_note.strip():
        raise ValidationError(
            {"review_note": f"Review needed: {reasons}. Record what was reviewed to clear it."}
        )


def predose_decision(
    actor: Actor, start: SessionStart, limits: monitoring.MonitoringSettings, open_alerts: Any
) -> tuple[monitoring.PredoseDecision, list[Any]]:
    try:
        decision = monitoring.predose_check(
            monitoring.PredoseInput(
                start.route,
                start.vitals,
                start.pregnancy,
                start.phq9_item9_today,
                start.cssrs_risk_today,
                tuple(alert.reason for alert in open_alerts),
            ),
            limits,
        )
    except ClinicalRuleError as exc:
        raise field_error(exc) from exc
    passed: list[Any] = []
    reasons = "; ".join(f"{f.reason} ({f.source})" for f in decision.findings)
    if any(f.prescriber_must_clear for f in decision.findings):
        _prescriber_clears(actor, start, reasons)
    if decision.decision is monitoring.Decision.NO_GO:
        override = _override(actor, start, f"Pre-dose check says no-go: {reasons}.")
        passed.append(
            {
                "stop": "pre-dose no-go",
                "findings": reasons,
                "reason": override.reason,
                "by": override.authorised_by,
            }
        )
    elif decision.decision is monitoring.Decision.REVIEW:
        if not start.review_note.strip():
            raise ValidationError(
                {"review_note": f"Review needed: {reasons}. Record what was reviewed."}
            )
        passed.append(
            {
                "stop": "pre-dose review",
                "findings": reasons,
                "reason": start.review_note.strip()[:500],
                "by": actor.label,
            }
        )
    return decision, passed


def dose_for(actor: Actor, start: SessionStart, weight_kg: float) -> tuple[Any, list[Any]]:
    try:
        return dosing.calculate_dose(
            start.route,
            weight_kg=weight_kg,
            dose_mg_per_kg=start.dose_mg_per_kg,
            dose_mg=start.dose_mg,
        ), []
    except DoseAboveLimit as exc:
        override = _override(actor, start, f"{exc}.")
    except ClinicalRuleError as exc:
        raise field_error(exc, default="dose_mg") from exc
    calc = dosing.calculate_dose(
        start.route,
        weight_kg=weight_kg,
        dose_mg_per_kg=start.dose_mg_per_kg,
        dose_mg=start.dose_mg,
        override=override,
    )
    return calc, [
        {
            "stop": "dose above limit",
            "findings": f"{calc.dose_mg:g} mg > {calc.limit_mg:g} mg ({calc.limit_source})",
            "reason": override.reason,
            "by": override.authorised_by,
        }
    ]
