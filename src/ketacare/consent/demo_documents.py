"""The demo clinic's consent documents and signatures: every patient signed the IV consent
before their first infusion, and one patient's esketamine consent has expired (a version 2
that requires re-signing is in force). Invented text and people; written directly, dated in
the past, like the rest of the demo history (the publish service only dates forwards)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import Min

from ketacare.accounts.models import User
from ketacare.clinical.consent import TELEHEALTH, TOPICS, topic_label
from ketacare.clinical.routes import Route
from ketacare.clinics.models import Clinic
from ketacare.consent.models import ConsentDocument, ConsentSignature, SignedVia
from ketacare.patients.models import Patient

_BODY = """This form explains {label}: what it is, what to expect, and your choices.

What happens: the treatment is given under the plan your prescriber discussed with you. \
It is one option among others; you may choose another treatment or none.

What you may feel: a detached or dreamlike state (dissociation), sleepiness, nausea, and a \
rise in blood pressure during and soon after a dose. Staff check your blood pressure and \
oxygen level, and you leave only when a clinician judges you stable.

After a dose: do not drive or use machinery until the next day, after a restful sleep, and \
have someone take you home.

Your choice: you may ask questions at any time, and you may withdraw this consent at any \
time, on the portal or by telling your care team. Withdrawing does not affect your other care."""

_TELEHEALTH = """This form explains care by video (telehealth).

What happens: you meet your prescriber and care team by video. A controlled-substance \
prescription by video follows the federal rules in force, which may require an in-person \
visit.

At-home sessions: a sitter you trust stays with you during every session; keep your blood \
pressure monitor at hand and contact the clinic about anything unexpected.

Your choice: you may ask for an in-person visit instead, and withdraw this consent at any \
time. Withdrawing does not affect your other care."""

_ESKETAMINE_V2 = (
    "\n\nChanged in version 2: the REMS programme asks us to report how you were after each "
    "session; this form now says so."
)


def load_consents(clinic: Clinic, nurse: User, now: datetime) -> None:
    if ConsentDocument.objects.filter(clinic=clinic).exists():
        return
    since = (now - timedelta(days=400)).date()
    documents = {topic: _publish(clinic, topic, 1, since) for topic in TOPICS}
    esketamine_v2 = _publish(
        clinic, Route.ESKETAMINE_NASAL.value, 2, (now - timedelta(days=20)).date()
    )
    first_sessions = dict(
        Patient.objects.filter(clinic=clinic)
        .annotate(first=Min("dosing_sessions__started_at"))
        .values_list("pk", "first")
    )
    for index, patient in enumerate(Patient.objects.filter(clinic=clinic).order_by("mrn")):
        first = first_sessions.get(patient.pk) or now - timedelta(days=30)
        _sign(patient, documents[Route.IV_RACEMIC.value], first - timedelta(days=1), nurse)
        if index == 2:  # signed esketamine version 1 before version 2 required re-signing
            _sign(patient, documents[Route.ESKETAMINE_NASAL.value], first, nurse)
        elif index == 4:  # a patient who signed version 2 and may start esketamine
            _sign(patient, esketamine_v2, now - timedelta(days=2), nurse)
        elif index == 5:  # the REMS demo's patient, in an esketamine induction
            _sign(patient, esketamine_v2, now - timedelta(days=15), nurse)
        elif index == 6:  # an at-home patient who signed both at-home consents in the portal
            for topic in (Route.AT_HOME_SUBLINGUAL.value, TELEHEALTH):
                _sign(patient, documents[topic], now - timedelta(days=5), None)
        elif index == 8:  # planned for an IM induction
            _sign(patient, documents[Route.IM_RACEMIC.value], now - timedelta(days=1), nurse)
    for patient, route, first in _first_sessions_off_iv(clinic):
        _sign(patient, documents[route], first - timedelta(days=1), nurse)
        if route == esketamine_v2.topic:  # in treatment when version 2 came: signed it then
            _sign(patient, esketamine_v2, now - timedelta(days=20), nurse)


def _first_sessions_off_iv(clinic: Clinic) -> list[tuple[Patient, str, datetime]]:
    """Each patient's first session on each route but IV (whose consent all have signed)."""
    firsts = (
        Patient.objects.filter(clinic=clinic).values_list("pk", "dosing_sessions__route")
        .annotate(first=Min("dosing_sessions__started_at")).order_by("pk")
    )  # fmt: skip
    off_iv = [row for row in firsts if row[1] not in (None, Route.IV_RACEMIC.value)]
    patients = Patient.objects.in_bulk([pk for pk, _, _ in off_iv])
    return [(patients[pk], route, first) for pk, route, first in off_iv]


def _publish(clinic: Clinic, topic: str, version: int, effective_on: date) -> ConsentDocument:
    label = topic_label(topic)
    body = _TELEHEALTH if topic == TELEHEALTH else _BODY.format(label=label)
    return ConsentDocument.objects.create(
        clinic=clinic,
        topic=topic,
        version=version,
        title=f"Consent to {label}",
        body=body + (_ESKETAMINE_V2 if version == 2 else ""),
        effective_on=effective_on,
    )


def _sign(patient: Patient, document: ConsentDocument, at: datetime, witness: User | None) -> None:
    ConsentSignature.objects.create(
        clinic=patient.clinic,
        patient=patient,
        document=document,
        topic=document.topic,
        typed_name=patient.full_name,
        signed_via=SignedVia.CLINIC_TABLET if witness else SignedVia.PORTAL,
        witness=witness,
        recorded_by=witness,
        signed_at=at,
    )
