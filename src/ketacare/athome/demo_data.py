"""Demo at-home patients (invented): a signed at-home plan started three weeks ago, three past
sessions done (one flagged: a first BP reading above the review limit, then in range), the
fourth planned today; and the at-home patient of demo_courses.py, whose six sessions are done
and whose plan moved to maintenance. Tablets shipped from a lot of tablets for the sessions
given and the next. Written directly with past dates, like the rest of the demo history (the
services only date now)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from ketacare.accounts.actor import Actor
from ketacare.athome.models import AtHomeSession, CheckIn, HomeReading, Stage
from ketacare.athome.shipments import Shipment, ship
from ketacare.clinical import at_home, protocols
from ketacare.clinical.consent import TELEHEALTH
from ketacare.clinical.routes import Route
from ketacare.clinical_input import vital_signs
from ketacare.clinics.models import Clinic
from ketacare.consent.models import ConsentDocument, ConsentSignature, SignedVia
from ketacare.consent.services import clinic_today
from ketacare.controlled import services as controlled
from ketacare.controlled.models import StockLot
from ketacare.patients.models import Patient
from ketacare.treatment.demo_courses import ROUTE_COURSES
from ketacare.treatment.demo_plans import mark_the_past, move_to_maintenance
from ketacare.treatment.models import PlannedSession, SessionState, TreatmentPlan
from ketacare.treatment.services import plans

DOSE_MG = 200  # the prescriber's dose (no sourced at-home dose exists, protocols.py)
AT_HOME_MRN = "RKC-0007"  # the demo consents' at-home patient (consent/demo_documents.py)


def load_at_home(clinic: Clinic, prescriber: Actor, nurse: Actor) -> None:
    if AtHomeSession.objects.filter(clinic=clinic).exists():
        return
    today = clinic_today(clinic)
    courses = [(AT_HOME_MRN, 21, False)] + [
        (mrn, course.days_ago, True)
        for mrn, course in ROUTE_COURSES.items()
        if course.route is Route.AT_HOME_SUBLINGUAL
    ]
    lot = None
    for mrn, days_ago, maintenance in courses:
        patient = Patient.objects.filter(clinic=clinic, mrn=mrn).first()
        if patient is None:
            continue
        lot = lot or _receive(clinic, nurse)
        plan = _course(prescriber, patient, today - timedelta(days=days_ago), not maintenance)
        given = plan.planned_sessions.filter(kind="dosing", status=SessionState.DONE).count()
        mark_the_past(prescriber, plan, today)
        # Tablets, two a session, for the sessions given and the next one, each shipment
        # against the plan version it serves (a version counts its own supply).
        if maintenance:  # the six sessions given: maintenance, three weeks after the last (H3)
            _ship(nurse, patient, lot, given)
            move_to_maintenance(prescriber, plan, today + timedelta(days=7))
            _ship(nurse, patient, lot, 1)
        else:
            _ship(nurse, patient, lot, given + 1)


def _ship(nurse: Actor, patient: Patient, lot: StockLot, sessions: int) -> None:
    ship(nurse, patient.public_id, Shipment(lot.public_id, tablets=2 * sessions, sessions=sessions))


def _course(prescriber: Actor, patient: Patient, start: date, flagged: bool) -> TreatmentPlan:
    """A signed at-home plan from `start`, its sessions before today done (the second one
    flagged, if asked)."""
    clinic, today = patient.clinic, clinic_today(patient.clinic)
    _sign_consents_before(patient, start)
    schedule = protocols.generate_schedule(
        "at-home-odt", start, protocols.PatientContext(float(patient.weight_kg), DOSE_MG)
    )
    signed = datetime.combine(start - timedelta(days=1), time(16), ZoneInfo(clinic.time_zone))
    plan = TreatmentPlan.objects.create(
        clinic=clinic, patient=patient, template="at-home-odt",
        template_name=protocols.TEMPLATES["at-home-odt"].name, start_on=start, dose_mg=DOSE_MG,
        schedule=[plans.schedule_entry(s) for s in schedule], created_by=prescriber.user,
        created_at=signed, signed_by=prescriber.user, signed_at=signed,
        counselling=plans.counselling_of(plans.NewPlan("at-home-odt", start, DOSE_MG)),
    )  # fmt: skip
    plans.store_sessions(plan, plan.schedule)
    past = plan.planned_sessions.filter(kind="dosing", on__lt=today).order_by("on")
    for index, row in enumerate(past):
        _past_session(plan, row, flagged=flagged and index == 1)
    return plan


def _sign_consents_before(patient: Patient, start: date) -> None:
    for topic in (Route.AT_HOME_SUBLINGUAL.value, TELEHEALTH):
        document = ConsentDocument.objects.filter(clinic=patient.clinic, topic=topic).first()
        if document is None:
            continue
        at = datetime.combine(start, time(10), ZoneInfo(patient.clinic.time_zone))
        ConsentSignature.objects.create(
            clinic=patient.clinic, patient=patient, document=document, topic=topic,
            typed_name=patient.full_name, signed_via=SignedVia.PORTAL, signed_at=at,
        )  # fmt: skip


def _past_session(plan: TreatmentPlan, row: PlannedSession, flagged: bool) -> None:
    on = row.on
    zone = ZoneInfo(plan.clinic.time_zone)
    began = datetime.combine(on, time(18), zone)
    dosed = began + timedelta(minutes=20)
    number = row.dosing_number or 1
    minutes = at_home.session_minutes(number)
    session = AtHomeSession.objects.create(
        clinic=plan.clinic, patient=plan.patient, plan=plan, planned=row, planned_on=on,
        dosing_number=number, planned_dose_mg=DOSE_MG, stage=Stage.DONE, started_at=began,
        checklist={"fasting": True, "sitter_present": True, "sitter_name": "Jo Partner",
                   "sitter_phone": "(555) 014-2233", "no_driving": True,
                   "held_medicines": True},
        decision=at_home.HomeDecision.GO, mood={"mood": 5 + number % 3, "self_harm_thoughts": 0,
                                                "decision": "go", "reasons": []},
        dosed_at=dosed, watch_minutes=minutes, finished_at=dosed + timedelta(minutes=minutes + 5),
        side_effects=["nausea"] if flagged else [], cadss6_answers=[1, 1, 2, 1, 0, 1],
        cadss6_total=6, feeling="better", bp_out_of_range=flagged,
        note_for_therapist="Felt lighter the next morning." if number == 1 else "",
    )  # fmt: skip
    readings = [(152, 92, 84)] if flagged else []
    for minute, (sys, dia, pulse) in enumerate([*readings, (128, 82, 74)]):
        judged = at_home.judge_reading(
            vital_signs({"systolic_mmhg": sys, "diastolic_mmhg": dia, "heart_rate_bpm": pulse}),
            repeated=False,
        )
        HomeReading.objects.create(
            clinic=plan.clinic, session=session, taken_at=began + timedelta(minutes=5 + minute * 6),
            systolic_mmhg=sys, diastolic_mmhg=dia, heart_rate_bpm=pulse,
            decision=judged.decision, reasons=list(judged.reasons),
        )  # fmt: skip
    for k in range(1, minutes // 15 + 1):
        CheckIn.objects.create(clinic=plan.clinic, session=session, sitter_name="Jo Partner",
                               at=dosed + timedelta(minutes=15 * k - 2))  # fmt: skip
    row.status, row.status_note = SessionState.DONE, "at-home session"
    row.save(update_fields=["status", "status_note"])


def _receive(clinic: Clinic, nurse: Actor) -> StockLot:
    expiry = clinic_today(clinic) + timedelta(days=300)
    return controlled.receive(nurse, controlled.Receipt(
        "ketamine_tablet", "ODT-0426", expiry, Decimal(60), "Demo Compounding Pharmacy (503A)"
    )).stock  # fmt: skip
