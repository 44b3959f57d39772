"""Roles and what each may do: the one table every permission check reads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Self

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

if TYPE_CHECKING:
    from ketacare.accounts.actor import Actor


class Role(models.TextChoices):
    CLINIC_ADMIN = "clinic_admin", "Clinic admin"
    PRESCRIBER = "prescriber", "Prescriber"
    NURSE = "nurse", "Nurse"
    THERAPIST = "therapist", "Therapist"
    FRONT_DESK = "front_desk", "Front desk"
    PATIENT = "patient", "Patient"


STAFF_ROLES = frozenset(Role) - {Role.PATIENT}


class Action(models.TextChoices):
    PATIENT_VIEW = "patient.view", "See a patient's record"
    PATIENT_CREATE = "patient.create", "Register a patient"
    PATIENT_EDIT = "patient.edit", "Edit a patient's demographics"
    AUDIT_VIEW = "audit.view", "Read the audit log"
    STAFF_MANAGE = "staff.manage", "Manage the clinic's users"
    SCALE_VIEW = "scale.view", "See rating-scale results"
    SCALE_SELF_REPORT = "scale.self_report", "Enter a self-report scale"
    SCALE_RECORD = "scale.record", "Record a clinician-rated scale"
    SCALE_BACKDATE = "scale.backdate", "Date a scale entry earlier, with a reason"
    SCALE_CORRECT_ANY = "scale.correct_any", "Correct a scale entry someone else made"
    ALERT_ACKNOWLEDGE = "alert.acknowledge", "Acknowledge a safety alert"
    PK_PREDICT = "pk.predict", "See predicted ketamine levels"
    PORTAL_INVITE = "portal.invite", "Give a patient a portal login"
    SCREENING_VIEW = "screening.view", "See eligibility screenings"
    SCREENING_RECORD = "screening.record", "Record an eligibility screening"
    SESSION_VIEW = "session.view", "See dosing sessions"
    SESSION_RUN = "session.run", "Run a dosing session (start, vitals, discharge)"
    SESSION_SIGN = "session.sign", "Sign a dosing session's run sheet or amend a signed one"
    DOSE_OVERRIDE = "dose.override", "Pass a hard stop with a recorded reason"
    PLAN_VIEW = "plan.view", "See treatment plans and their schedule"
    PLAN_CREATE = "plan.create", "Create a treatment plan"
    PLAN_SIGN = "plan.sign", "Sign a treatment plan, or change a signed one by a new version"
    MONITORING_LIMITS_SET = "monitoring.limits", "Set the clinic's stricter monitoring limits"
    MEDICATION_VIEW = "medication.view", "See the medication list and allergies"
    MEDICATION_RECORD = "medication.record", "Record medicines and allergies"
    COUNSELLING_VIEW = "counselling.view", "See when counselling sessions took place"
    COUNSELLING_NOTES = "counselling.notes", "Read psychotherapy notes"
    COUNSELLING_RECORD = "counselling.record", "Write and sign counselling notes"
    CALENDAR_VIEW = "calendar.view", "See the clinic calendar"
    APPOINTMENT_BOOK = "appointment.book", "Book, move and cancel appointments"
    APPOINTMENT_CHECK_IN = "appointment.check_in", "Check a patient in on arrival"
    OWN_APPOINTMENTS = "appointment.own", "Subscribe to one's own appointments"
    QUESTIONNAIRE_SCHEDULE = "questionnaire.schedule", "Schedule a patient's questionnaires"
    CALENDAR_SETUP = "calendar.setup", "Set rooms, opening hours and closed days"
    CONTROLLED_VIEW = "controlled.view", "See the controlled-substance log"
    CONTROLLED_RECORD = "controlled.record", "Record in the controlled-substance log"
    CONSENT_VIEW = "consent.view", "See consent documents and whether a patient has signed"
    CONSENT_PUBLISH = "consent.publish", "Publish a new version of a consent document"
    CONSENT_WITNESS = "consent.witness", "Witness a patient's consent or record its withdrawal"
    CONSENT_SIGN_OWN = "consent.sign_own", "Sign or withdraw one's own consent"
    REFERRAL_VIEW = "referral.view", "See referrals and consultation requests"
    REFERRAL_TRIAGE = "referral.triage", "Accept, decline or query a referral"
    REMS_VIEW = "rems.view", "See REMS enrollment and monitoring forms"
    REMS_RECORD = "rems.record", "Enroll patients in the REMS and complete and submit its forms"
    AT_HOME_RUN = "athome.run", "Run one's own at-home dosing session"
    AT_HOME_VIEW = "athome.view", "See at-home dosing sessions"
    TELEHEALTH_VIEW = "telehealth.view", "Read telehealth encounter notes"
    TELEHEALTH_RECORD = "telehealth.record", "Write and sign telehealth encounter notes"
    DEA_REGISTRATIONS = "dea.registrations", "Keep the prescribers' DEA registrations"
    MESSAGE_VIEW = "message.view", "Read messages between a patient and the care team"
    MESSAGE_SEND = "message.send", "Write in a message thread"
    MESSAGE_START = "message.start", "Start a message thread with the care team"
    MESSAGE_CLOSE = "message.close", "Close a message thread"
    MESSAGE_TO_PATIENT = "message.to_patient", "Start a message thread with a patient"


# Witnesses of a consent are the clinical staff who can answer the patient's questions about
# the treatment; front desk and the admin role are not.
_CONSENT_WITNESSES = (Action.CONSENT_VIEW, Action.CONSENT_WITNESS)

# The Spravato REMS paperwork (enrollment, monitoring forms) is the clinicians' who run the
# session: the form carries its clinical observations (S10, S11).
_REMS = (Action.REMS_VIEW, Action.REMS_RECORD)

# Messages to the care team are answered by the clinicians who can act on them (a symptom, a
# side effect, a question about a dose). Front desk and the admin role do not read them: a
# patient writes about their health there, and those roles keep to demographics and booking
# (minimum necessary, HIPAA 164.502(b)); a scheduling question is answered by a clinician or
# passed to front desk by phone. The same clinicians may write to a patient first (a
# reminder, a follow-up), since they read the answer.
_MESSAGES = (
    Action.MESSAGE_VIEW,
    Action.MESSAGE_SEND,
    Action.MESSAGE_CLOSE,
    Action.MESSAGE_TO_PATIENT,
)

# The care team sees clinical scores and answers for safety alerts; front desk and the
# admin role keep to demographics (minimum necessary, HIPAA 164.502(b)).
_CARE_TEAM = (
    Action.SCALE_VIEW,
    Action.SCALE_SELF_REPORT,  # e.g. a paper form typed in at the front of the session
    Action.SCALE_RECORD,
    Action.SCALE_BACKDATE,
    Action.SCALE_CORRECT_ANY,
    Action.ALERT_ACKNOWLEDGE,
    Action.SCREENING_VIEW,
    Action.SESSION_VIEW,
    Action.PLAN_VIEW,
    Action.MEDICATION_VIEW,
    Action.COUNSELLING_VIEW,
    Action.CALENDAR_VIEW,
    Action.APPOINTMENT_BOOK,
    Action.AT_HOME_VIEW,
    Action.TELEHEALTH_VIEW,
)

# A patient-role user may view, but only their own record (see patients.records, the gate).
ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.CLINIC_ADMIN: frozenset(
        {
            Action.PATIENT_VIEW,
            Action.PATIENT_CREATE,
            Action.PATIENT_EDIT,
            Action.AUDIT_VIEW,
            Action.STAFF_MANAGE,
            Action.PORTAL_INVITE,
            Action.MONITORING_LIMITS_SET,
            Action.CONTROLLED_VIEW,  # the registrant's records, for inspection and export
            Action.CONSENT_VIEW,
            Action.CONSENT_PUBLISH,
            Action.CALENDAR_VIEW,
            Action.APPOINTMENT_BOOK,
            Action.CALENDAR_SETUP,
            Action.REFERRAL_VIEW,
            Action.REFERRAL_TRIAGE,  # a small clinic's admin may stand in for front desk
            Action.DEA_REGISTRATIONS,  # credentialing; a prescriber keeps their own too
        }
    ),
    Role.PRESCRIBER: frozenset(
        {
            Action.PATIENT_VIEW,
            Action.PATIENT_CREATE,
            Action.PATIENT_EDIT,
            Action.PK_PREDICT,
            Action.SCREENING_RECORD,
            Action.SESSION_RUN,
            Action.SESSION_SIGN,
            Action.DOSE_OVERRIDE,
            Action.APPOINTMENT_CHECK_IN,
            Action.PLAN_CREATE,
            Action.PLAN_SIGN,
            Action.MONITORING_LIMITS_SET,
            Action.MEDICATION_RECORD,
            Action.QUESTIONNAIRE_SCHEDULE,
            Action.CONTROLLED_VIEW,
            Action.CONTROLLED_RECORD,
            Action.COUNSELLING_NOTES,
            *_CONSENT_WITNESSES,
            Action.REFERRAL_VIEW,  # reads what comes in; front desk decides
            # The prescribing telehealth encounter is the prescriber's to write and sign: it
            # records their DEA registration and PDMP check (H12, H14).
            Action.TELEHEALTH_RECORD,
            *_REMS,
            *_MESSAGES,
            *_CARE_TEAM,
        }
    ),
    Role.NURSE: frozenset(
        {
            Action.PATIENT_VIEW,
            Action.PATIENT_EDIT,
            Action.PK_PREDICT,
            Action.SCREENING_RECORD,
            Action.SESSION_RUN,
            Action.APPOINTMENT_CHECK_IN,  # the nurse meets the patient in the chair
            # The run sheet is signed by the licensed staff who monitored the session
            # (the REMS form names the monitoring health care professional, S11); the
            # therapist, front desk and admin may read sessions but not attest them.
            Action.SESSION_SIGN,
            Action.MEDICATION_RECORD,
            Action.QUESTIONNAIRE_SCHEDULE,
            Action.CONTROLLED_VIEW,
            Action.CONTROLLED_RECORD,
            *_CONSENT_WITNESSES,
            *_REMS,
            *_MESSAGES,
            *_CARE_TEAM,
        }
    ),
    # Psychotherapy notes (45 CFR 164.501, 164.508(a)(2)): the therapist who writes them and
    # the prescriber who doses on them; the rest of the team sees that a session took place.
    Role.THERAPIST: frozenset(
        {
            Action.PATIENT_VIEW,
            Action.COUNSELLING_NOTES,
            Action.COUNSELLING_RECORD,
            *_CONSENT_WITNESSES,
            *_MESSAGES,
            *_CARE_TEAM,
        }
    ),
    Role.FRONT_DESK: frozenset(
        {
            Action.PATIENT_VIEW,
            Action.PATIENT_CREATE,
            Action.PATIENT_EDIT,
            Action.PORTAL_INVITE,
            Action.PLAN_VIEW,  # front desk books the sessions
            Action.CONSENT_VIEW,  # and checks that the consents are signed before the day
            Action.CALENDAR_VIEW,
            Action.APPOINTMENT_BOOK,
            Action.APPOINTMENT_CHECK_IN,  # front desk greets arrivals
            Action.REFERRAL_VIEW,
            Action.REFERRAL_TRIAGE,  # front desk triages what comes in
        }
    ),
    # Patients fill in their own self-report scales (dated when sent, correcting only their
    # own entries), see their scores and their plan, and sign or withdraw their own consents
    # in the portal (their record only).
    Role.PATIENT: frozenset(
        {
            Action.PATIENT_VIEW,
            Action.SCALE_VIEW,
            Action.SCALE_SELF_REPORT,
            Action.PLAN_VIEW,
            Action.MEDICATION_VIEW,
            Action.CONSENT_VIEW,
            Action.CONSENT_SIGN_OWN,
            Action.OWN_APPOINTMENTS,  # their sessions in their own calendar app (.ics)
            Action.AT_HOME_RUN,  # their own at-home session, step by step
            Action.MESSAGE_VIEW,  # their own threads with the care team
            Action.MESSAGE_SEND,
            Action.MESSAGE_START,
        }
    ),
}


def role_can(role: str, action: str) -> bool:
    # Keyed by Role, looked up by its text: an unknown role (none, "system") may do nothing.
    return action in ROLE_ACTIONS.get(role, frozenset())  # type: ignore[call-overload]


@dataclass(frozen=True)
class RefusedTarget:
    """What a refused request aimed at, so the denial is logged in the clinic it was aimed
    at (that clinic's admin must see who probed their patient), not only the actor's."""

    object_type: str
    object_id: str
    patient_id: str = ""
    clinic_id: int | None = None


class _Refusal:
    target: RefusedTarget | None = None

    def aimed_at(self, target: RefusedTarget) -> Self:
        self.target = target
        return self


class ActionDenied(_Refusal, PermissionDenied):
    """The role may not do this here (403). Audited as a denied access."""


class OutOfReach(_Refusal, Http404):
    """The object is outside the user's clinic or scope (404, to not confirm it exists).
    Audited as a denied access."""


def require(actor: Actor, action: str) -> None:
    """For actions not tied to one patient (registering one, reading the audit log)."""
    if actor.user is None or actor.clinic is None or not role_can(actor.role, action):
        raise ActionDenied(f"Your role may not {Action(action).label.lower()}.")
