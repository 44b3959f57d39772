"""The dose as given: product, route, dose, lot, times and, for esketamine, each device.
Refused with the field named: a lot past its expiry, a product or route other than the
session's, times in the future, before the session or out of order, a device count that
does not match the dose. A short rest between devices is recorded as a deviation
(clinical.run_sheet says why it is not refused). The controlled-substance log's entry is
written by its own app in the same transaction (controlled.administration)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from ketacare.accounts.actor import Actor
from ketacare.accounts.roles import Action
from ketacare.audit.services import record
from ketacare.clinical.errors import ClinicalRuleError
from ketacare.clinical.routes import Route
from ketacare.clinical.run_sheet import device_deviations
from ketacare.patients.gate import get_for
from ketacare.sessions.locking import claim_version, refuse_if_signed
from ketacare.sessions.models import (
    DoseAdministration,
    DoseProduct,
    DosingSession,
    EsketamineDevice,
)
from ketacare.sessions.observation import reading_time


@dataclass(frozen=True)
class DoseGiven:
    product: str
    route: str
    dose_mg: float
    started: time
    stopped: time
    device_times: tuple[time, ...] = field(default_factory=tuple)
    note: str = ""


def product_for(route: str) -> str:
    return DoseProduct.ESKETAMINE if route == Route.ESKETAMINE_NASAL else DoseProduct.KETAMINE


def session_for_dose(actor: Actor, session_id: Any) -> DosingSession:
    session = get_for(actor, DosingSession, session_id, Action.SESSION_RUN, lock=True)
    refuse_if_signed(session)
    if DoseAdministration.objects.filter(session=session).exists():
        raise ValidationError(
            {"__all__": "The dose of this session is already recorded: correct it by an amendment."}
        )
    return session


def check_product(session: DosingSession, given: DoseGiven) -> None:
    if given.route != session.route:
        raise ValidationError(
            {"route": f"This session was started as {session.get_route_display()}: "
                      "a dose by another route is another session."}
        )  # fmt: skip
    if given.product != product_for(session.route):
        label = DoseProduct(product_for(session.route)).label
        raise ValidationError({"product": f"A {session.get_route_display()} dose is {label}."})


def record_dose(
    actor: Actor,
    session: DosingSession,
    given: DoseGiven,
    lot_number: str,
    lot_expires_on: date | None,
    version: int | None,
) -> DoseAdministration:
    """Called inside the caller's transaction, with the session from `session_for_dose`."""
    check_product(session, given)
    now = timezone.now()
    lot_number = (lot_number or "").strip()
    if not lot_number or "\x00" in lot_number or len(lot_number) > 60:
        raise ValidationError({"lot_number": "Enter the lot number from the label."})
    if lot_expires_on is None:
        raise ValidationError({"lot_expires_on": "Enter the expiry date from the label."})
    if lot_expires_on < timezone.localdate(now):
        raise ValidationError(
            {"lot_expires_on": f"Lot {lot_number} expired on {lot_expires_on}: do not use it."}
        )
    started = reading_time(session, given.started, now, "started_at_time")
    stopped = reading_time(session, given.stopped, now, "stopped_at_time")
    if stopped < started:
        raise ValidationError({"stopped_at_time": "The dose cannot stop before it started."})
    devices = [reading_time(session, t, now, "device_times") for t in given.device_times]
    deviations: tuple[str, ...] = ()
    if session.route == Route.ESKETAMINE_NASAL:
        try:
            deviations = device_deviations(given.dose_mg, devices)
        except ClinicalRuleError as exc:
            raise ValidationError(
                {"device_times": str(exc).removeprefix("device_times: ")}
            ) from exc
        if devices and not started <= devices[0] and devices[-1] <= stopped:
            raise ValidationError(
                {"device_times": "Each device time must lie between the start and the stop."}
            )
    elif devices:
        raise ValidationError({"device_times": "Device times apply to esketamine only."})
    if not 0 < given.dose_mg <= 1000:
        raise ValidationError({"dose_mg": "Enter the dose given, in mg."})
    claim_version(session, version)
    dose = DoseAdministration.objects.create(
        clinic=session.clinic, session=session, product=given.product, route=given.route,
        dose_mg=given.dose_mg, lot_number=lot_number, lot_expires_on=lot_expires_on,
        device_count=len(devices) or None, started_at=started, stopped_at=stopped,
        note=(given.note or "").strip()[:500], deviations=list(deviations),
        recorded_by=actor.user,
    )  # fmt: skip
    EsketamineDevice.objects.bulk_create(
        EsketamineDevice(administration=dose, number=n, given_at=at)
        for n, at in enumerate(devices, start=1)
    )
    record(actor, "create", "dose_administration", dose.pk, patient_id=session.patient.public_id,
           detail={"session": str(session.public_id), "dose_mg": dose.dose_mg,
                   "lot": lot_number, "devices": len(devices),
                   "deviations": list(deviations)})  # fmt: skip
    return dose
