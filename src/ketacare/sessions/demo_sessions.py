"""One past dosing session of the demo's invented history, on any in-clinic route: discharged,
with its pre-dose vitals and three readings, optionally signed. Written directly at its own
times like the rest of the demo history (the services only date now); shared by the history
of every route and by the REMS demo. No real patient data; seeded draws."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from ketacare.accounts.actor import Actor
from ketacare.audit.services import record
from ketacare.clinical import dosing
from ketacare.clinical.routes import Route
from ketacare.patients.models import Patient
from ketacare.sessions.models import DosingSession, SessionStatus, VitalSignsReading

# Synthetic readings (minute from the dose, BP rise, MOAA/S) shaped as each route's sources
# describe: IV, the rise near the end of the 40-min infusion (K10's mean +16/+11) and 60 min
# of recovery (K21); IM, the peak soon after the injection (Tmax 5-15 min, P21) watched as
# long as IV recovery (K9, K21); esketamine, BP highest near 40 min (S1 §5.6, S5) and MOAA/S
# back to 5 well before the 2 h of observation (N3, S11).
READINGS = {
    Route.IV_RACEMIC: ((20, 10, 4), (40, 16, 4), (100, 3, 5)),
    Route.IM_RACEMIC: ((15, 16, 4), (30, 10, 4), (60, 3, 5)),
    Route.ESKETAMINE_NASAL: ((40, 14, 4), (80, 6, 5), (120, 2, 5)),
}
INFUSION_MINUTES = {Route.IV_RACEMIC: 40}  # K1, K7


def past_session(
    nurse: Actor,
    patient: Patient,
    route: Route,
    started: datetime,
    dose_mg: float,
    rng: random.Random,
    *,
    signed: bool = False,
) -> DosingSession:
    """The dose is checked against the route's hard limit by the clinical core."""
    dose = dosing.calculate_dose(route, weight_kg=float(patient.weight_kg), dose_mg=dose_mg)
    readings = READINGS[route]
    discharged = started + timedelta(minutes=readings[-1][0] + 5)
    systolic, diastolic = rng.randrange(112, 134), rng.randrange(70, 86)
    session = DosingSession.objects.create(
        clinic=patient.clinic, patient=patient, route=route.value,
        status=SessionStatus.DISCHARGED, weight_kg=patient.weight_kg, dose_mg=dose.dose_mg,
        infusion_minutes=INFUSION_MINUTES.get(route), dose_limit_mg=dose.limit_mg,
        dose_limit_source=dose.limit_source,
        predose_vitals={"systolic_mmhg": systolic, "diastolic_mmhg": diastolic,
                        "heart_rate_bpm": rng.randrange(62, 84), "spo2_percent": 98},
        predose_decision="go", started_at=started, started_by=nurse.user,
        discharged_at=discharged,
    )  # fmt: skip
    for minute, rise, moaas in readings:
        VitalSignsReading.objects.create(
            clinic=patient.clinic, session=session, taken_at=started + timedelta(minutes=minute),
            systolic_mmhg=systolic + rise + rng.randrange(-3, 4),
            diastolic_mmhg=diastolic + rise * 2 // 3 + rng.randrange(-2, 3),
            heart_rate_bpm=rng.randrange(66, 90), spo2_percent=rng.choice([97, 98, 99]),
            moaas=moaas, recorded_by=nurse.user,
        )  # fmt: skip
    record(nurse, "create", "dosing_session", session.public_id, patient_id=patient.public_id,
           detail={"demo": True})  # fmt: skip
    if signed:
        sign_as_discharged(nurse, session)
    return session


def sign_as_discharged(nurse: Actor, session: DosingSession) -> None:
    """The nurse's signature soon after discharge, which locks the run sheet."""
    assert session.discharged_at is not None
    session.signed_at, session.signed_by = session.discharged_at + timedelta(minutes=10), nurse.user
    session.save(update_fields=["signed_at", "signed_by"])
    record(nurse, "update", "dosing_session", session.public_id,
           patient_id=session.patient.public_id, detail={"demo": True, "signed": True})  # fmt: skip
