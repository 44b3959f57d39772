"""Consent use cases: publish a version (clinic admin), sign it (on the clinic tablet with a
clinical witness, or in the portal), withdraw it, see a patient's status; and the check that
sessions and plans make before they start. Whether a consent is current is the clinical
core's rule (clinical/consent.py); this module feeds it the stored documents and signatures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from ketacare.accounts.actor import Actor
from ketacare.accounts.roles import Action, OutOfReach, RefusedTarget, Role, require
from ketacare.audit.services import record
from ketacare.clinical import consent as rule
from ketacare.clinical.dates import CONSENT_EFFECTIVE
from ketacare.clinical.routes import Route
from ketacare.clinical_input import plausible_date
from ketacare.consent.models import (
    ConsentDocument,
    ConsentSignature,
    ConsentWithdrawal,
    SignedVia,
)
from ketacare.patients.gate import get_for
from ketacare.patients.models import Patient

TOPIC_FIELD = "topic"


def clinic_today(clinic: Any, at: datetime | None = None) -> date:
    """The clinic's calendar date: versions take effect by the clinic's days."""
    return (at or timezone.now()).astimezone(ZoneInfo(clinic.time_zone)).date()


def _versions(clinic_id: int) -> tuple[rule.PublishedVersion, ...]:
    rows = ConsentDocument.objects.filter(clinic_id=clinic_id).values_list(
        "topic", "version", "effective_on", "resign_required"
    )
    return tuple(rule.PublishedVersion(*row) for row in rows)


def _signatures(patient: Patient) -> tuple[rule.SignatureOnFile, ...]:
    rows = ConsentSignature.objects.filter(clinic_id=patient.clinic_id, patient=patient)
    return tuple(
        rule.SignatureOnFile(topic, version, signed_at, withdrawn_at)
        for topic, version, signed_at, withdrawn_at in rows.values_list(
            "topic", "document__version", "signed_at", "withdrawal__withdrawn_at"
        )
    )


# -- the check every session and plan makes ---------------------------------------------


class ConsentMissing(ValidationError):
    """A session or plan on a route whose consent is not current: a 422 on `consent`."""

    def __init__(self, missing: tuple[rule.TopicStatus, ...]) -> None:
        self.missing = missing
        super().__init__({"consent": [s.reason for s in missing]})


def missing_consents(
    patient: Patient, route: Route, at: datetime | None = None
) -> tuple[rule.TopicStatus, ...]:
    """The consents the route needs that are not current at `at` (the caller has read the
    patient through the gate): what a start form shows before anyone fills it in."""
    at = at or timezone.now()
    question = rule.ConsentQuestion(
        route=route,
        at=at,
        on=clinic_today(patient.clinic, at),
        versions=_versions(patient.clinic_id),
        signatures=_signatures(patient),
    )
    return rule.missing_consents(question)


def require_current_consent(patient: Patient, route: Route, at: datetime | None = None) -> None:
    """Refuse (ConsentMissing) unless every consent the route needs is current at `at`."""
    missing = missing_consents(patient, route, at)
    if missing:
        raise ConsentMissing(missing)


def telehealth_consent_missing(patient: Patient, at: datetime | None = None) -> str:
    """Why the patient's telehealth consent is not current at `at` (empty when it is): a
    telehealth encounter starts only with it (issue 11)."""
    at = at or timezone.now()
    status = rule.topic_status(
        rule.TELEHEALTH, at, clinic_today(patient.clinic, at), _versions(patient.clinic_id),
        _signatures(patient),
    )  # fmt: skip
    return status.reason


# -- documents ------------------------------------------------------------------------


@dataclass(frozen=True)
class NewVersion:
    topic: str
    title: str
    body: str
    effective_on: date
    resign_required: bool = True


def _no_nul(**fields: str) -> None:
    """PostgreSQL cannot store NUL: refuse it by name (the API's text reaches us unfiltered)."""
    for name, value in fields.items():
        if "\x00" in value:
            raise ValidationError({name: "Text may not contain NUL characters."})


def _clean_version(new: NewVersion) -> NewVersion:
    _no_nul(title=new.title, body=new.body)
    if new.topic not in rule.TOPICS:
        raise ValidationError({TOPIC_FIELD: f"Unknown topic {new.topic!r}: one of "
                               f"{', '.join(rule.TOPICS)}."})  # fmt: skip
    title, body = new.title.strip(), new.body.strip()
    if not title:
        raise ValidationError({"title": "Give the document a title."})
    if not body:
        raise ValidationError({"body": "Write the text the patient reads and signs."})
    return NewVersion(new.topic, title[:200], body, new.effective_on, new.resign_required)


@transaction.atomic
def publish_version(actor: Actor, new: NewVersion) -> ConsentDocument:
    """The next version of a topic's document. Published versions are never edited."""
    require(actor, Action.CONSENT_PUBLISH)
    assert actor.clinic is not None
    new = _clean_version(new)
    if new.effective_on < clinic_today(actor.clinic):
        raise ValidationError({"effective_on": "A new version takes effect today or later."})
    plausible_date("effective_on", new.effective_on, CONSENT_EFFECTIVE)
    previous = (
        ConsentDocument.objects.filter(clinic=actor.clinic, topic=new.topic)
        .order_by("-version")
        .first()
    )
    if previous is not None and new.effective_on < previous.effective_on:
        raise ValidationError({"effective_on": f"Version {previous.version} takes effect on "
                               f"{previous.effective_on}; a newer version cannot start "
                               "before it."})  # fmt: skip
    try:
        with transaction.atomic():  # a simultaneous publish of the same number loses here
            document = ConsentDocument.objects.create(
                clinic=actor.clinic,
                topic=new.topic,
                version=previous.version + 1 if previous else 1,
                title=new.title,
                body=new.body,
                effective_on=new.effective_on,
                resign_required=new.resign_required,
                published_by=actor.user,
            )
    except IntegrityError as exc:
        raise ValidationError({TOPIC_FIELD: "Another version of this document was published "
                               "at the same moment: reload and check it."}) from exc  # fmt: skip
    record(actor, "create", "consent_document", document.public_id, clinic_id=actor.clinic.pk,
           detail={"topic": document.topic, "version": document.version,
                   "effective_on": document.effective_on.isoformat(),
                   "resign_required": document.resign_required})  # fmt: skip
    return document


def _clinic_documents(actor: Actor) -> models.QuerySet[ConsentDocument]:
    require(actor, Action.CONSENT_VIEW)
    assert actor.clinic is not None
    return ConsentDocument.objects.filter(clinic=actor.clinic).select_related("published_by")


@transaction.atomic
def document_page(
    actor: Actor, topic: str | None, limit: int, offset: int
) -> tuple[list[ConsentDocument], int]:
    """One page of the clinic's published versions (by topic, newest first)."""
    rows = _clinic_documents(actor)
    if topic:
        rows = rows.filter(topic=topic)
    found = list(rows[offset : offset + limit])
    record(
        actor, "read", "consent_document", "", detail={"topic": topic or "", "listed": len(found)}
    )
    return found, rows.count()


@transaction.atomic
def view_document(actor: Actor, document_id: Any) -> ConsentDocument:
    """One version with its text; another clinic's is 'not found' (and logged there)."""
    key = _as_uuid(document_id)
    found = _clinic_documents(actor).filter(public_id=key).first() if key else None
    if found is None:
        rows = ConsentDocument.objects.filter(public_id=key) if key else None
        elsewhere = rows.values_list("clinic_id", flat=True).first() if rows else None
        target = RefusedTarget("consent_document", str(document_id)[:64], "", elsewhere)
        raise OutOfReach("No such consent document.").aimed_at(target)
    record(actor, "read", "consent_document", found.public_id)
    return found


def latest_versions(clinic_id: int) -> dict[str, ConsentDocument]:
    """The newest published version of each topic: the one a patient signs now."""
    latest: dict[str, ConsentDocument] = {}
    for doc in ConsentDocument.objects.filter(clinic_id=clinic_id).order_by("topic", "-version"):
        latest.setdefault(doc.topic, doc)
    return latest


def _as_uuid(value: Any) -> UUID | None:
    try:
        return value if isinstance(value, UUID) else UUID(str(value))
    except ValueError:
        return None


# -- a patient's consents --------------------------------------------------------------


@dataclass(frozen=True)
class TopicRow:
    """One topic of a patient's consent, for the chart, the portal and the API."""

    topic: str
    label: str
    status: rule.TopicStatus
    to_sign: ConsentDocument | None  # the newest version, when a signature is wanted
    signature: ConsentSignature | None  # the latest one, withdrawn or not

    @property
    def state(self) -> str:
        return str(self.status.state)


def topic_rows(patient: Patient) -> list[TopicRow]:
    """Every topic's state now (the caller has read the patient through the gate)."""
    now = timezone.now()
    today = clinic_today(patient.clinic, now)
    versions, signatures = _versions(patient.clinic_id), _signatures(patient)
    latest = latest_versions(patient.clinic_id)
    signed: dict[str, ConsentSignature] = {}
    rows = ConsentSignature.objects.filter(clinic_id=patient.clinic_id, patient=patient)
    for sig in rows.select_related("document", "witness", "withdrawal").order_by("-signed_at"):
        signed.setdefault(sig.topic, sig)
    out = []
    for topic in rule.TOPICS:
        status = rule.topic_status(topic, now, today, versions, signatures)
        newest = latest.get(topic)
        wanted = newest if newest and (not status.is_current or _newer(newest, signed)) else None
        out.append(TopicRow(topic, rule.topic_label(topic), status, wanted, signed.get(topic)))
    return out


def _newer(newest: ConsentDocument, signed: dict[str, ConsentSignature]) -> bool:
    """A version published but not yet in force, that the patient may sign ahead of time."""
    sig = signed.get(newest.topic)
    return sig is None or sig.document.version < newest.version


@transaction.atomic
def consent_status(actor: Actor, patient_id: Any) -> tuple[Patient, list[TopicRow]]:
    patient = get_for(actor, Patient, patient_id, Action.CONSENT_VIEW)  # the audited read
    return patient, topic_rows(patient)


@transaction.atomic
def signature_page(
    actor: Actor, patient_id: Any, limit: int, offset: int
) -> tuple[list[ConsentSignature], int]:
    """Every signature of the patient, newest first, with its withdrawal if any."""
    patient = get_for(actor, Patient, patient_id, Action.CONSENT_VIEW)  # the audited read
    rows = (
        ConsentSignature.objects.for_actor(actor, Action.CONSENT_VIEW)
        .filter(patient=patient)
        .select_related("document", "witness", "withdrawal", "patient")
    )
    return list(rows[offset : offset + limit]), rows.count()


def _own_or_witnessed(actor: Actor) -> str:
    """A patient acts on their own consent; staff act as the witness present."""
    return Action.CONSENT_SIGN_OWN if actor.role == Role.PATIENT else Action.CONSENT_WITNESS


def _normalised(name: str) -> str:
    return " ".join(name.casefold().split())


@dataclass(frozen=True)
class Signing:
    document_id: Any
    typed_name: str
    agreed: bool


@transaction.atomic
def sign_consent(actor: Actor, patient_id: Any, signing: Signing) -> tuple[ConsentSignature, bool]:
    """The patient signs the newest version of a topic by typing their name. Returns the
    signature and whether it is new: signing the same version again (a double submit) keeps
    the first signature."""
    patient = get_for(actor, Patient, patient_id, _own_or_witnessed(actor))
    key = _as_uuid(signing.document_id)
    document = (
        ConsentDocument.objects.filter(clinic_id=patient.clinic_id, public_id=key).first()
        if key
        else None
    )
    if document is None:
        raise ValidationError({"document_id": "No such consent document in this clinic."})
    newest = latest_versions(patient.clinic_id)[document.topic]
    if newest.pk != document.pk:
        raise ValidationError({"document_id": f"Version {newest.version} of this consent has "
                               "been published since: read it and sign that one."})  # fmt: skip
    _no_nul(typed_name=signing.typed_name)
    if not signing.agreed:
        raise ValidationError({"agreed": "Tick the box to say you have read it and agree."})
    typed = " ".join(signing.typed_name.split())
    if _normalised(typed) != _normalised(patient.full_name):
        raise ValidationError({"typed_name": "Type your full name as it is on your record "
                               "(first and last name)."})  # fmt: skip
    already = (
        ConsentSignature.objects.filter(patient=patient, document=document, withdrawal__isnull=True)
        .order_by("-signed_at")
        .first()
    )
    if already is not None:
        return already, False
    in_clinic = actor.role != Role.PATIENT
    signature = ConsentSignature.objects.create(
        clinic=patient.clinic,
        patient=patient,
        document=document,
        topic=document.topic,
        typed_name=typed[:200],
        signed_via=SignedVia.CLINIC_TABLET if in_clinic else SignedVia.PORTAL,
        witness=actor.user if in_clinic else None,
        recorded_by=actor.user,
    )
    record(actor, "create", "consent_signature", signature.public_id,
           patient_id=patient.public_id,
           detail={"topic": document.topic, "version": document.version,
                   "signed_via": signature.signed_via,
                   "witness": actor.label if in_clinic else ""})  # fmt: skip
    return signature, True


@transaction.atomic
def withdraw_consent(actor: Actor, patient_id: Any, topic: str, reason: str) -> ConsentWithdrawal:
    """The patient withdraws a topic's consent (in the portal, or telling a clinician, who
    records it). Later sessions and plans on that route are refused until they sign again."""
    patient = get_for(actor, Patient, patient_id, _own_or_witnessed(actor))
    if topic not in rule.TOPICS:
        raise ValidationError({TOPIC_FIELD: f"Unknown topic {topic!r}."})
    _no_nul(reason=reason)
    latest = (
        ConsentSignature.objects.select_for_update()
        .filter(clinic_id=patient.clinic_id, patient=patient, topic=topic)
        .order_by("-signed_at", "-id")
        .first()
    )
    if latest is None or ConsentWithdrawal.objects.filter(signature=latest).exists():
        raise ValidationError({TOPIC_FIELD: f"There is no signed consent for "
                               f"{rule.topic_label(topic)} to withdraw."})  # fmt: skip
    try:
        with transaction.atomic():
            withdrawal = ConsentWithdrawal.objects.create(
                clinic=patient.clinic,
                patient=patient,
                signature=latest,
                reason=reason.strip()[:500],
                recorded_by=actor.user,
            )
    except IntegrityError as exc:  # withdrawn by someone else at the same moment
        raise ValidationError({TOPIC_FIELD: "This consent has just been withdrawn."}) from exc
    record(actor, "create", "consent_withdrawal", withdrawal.public_id,
           patient_id=patient.public_id,
           detail={"topic": topic, "version": latest.document.version,
                   "reason": withdrawal.reason})  # fmt: skip
    return withdrawal
