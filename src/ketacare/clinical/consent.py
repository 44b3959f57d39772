"""Is there a current consent for this route at this time? The one rule every dosing
session and every treatment plan asks before it starts.

A clinic publishes numbered versions of a consent document per topic (each route, and
telehealth); a version is in force from its effective date until a later one takes over.
A signature covers the version signed and, unless the newer version's publisher said the
change needs no new signature, only that version: publishing a version that requires
re-signing makes older signatures "expired" for future sessions. A withdrawal ends a
signature. At-home treatment is run over telehealth (clinical.md section 6, H12), so it
needs the telehealth consent as well as its own.

Plain data in, plain answers out: the app stores documents and signatures; this decides.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from ketacare.clinical.routes import Route

TELEHEALTH = "telehealth"
TOPICS: tuple[str, ...] = (*(r.value for r in Route), TELEHEALTH)
_TOPIC_LABELS = {**{r.value: r.label for r in Route}, TELEHEALTH: "telehealth care"}


def topic_label(topic: str) -> str:
    return _TOPIC_LABELS.get(topic, topic)


def topics_required(route: Route) -> tuple[str, ...]:
    """The consents a session or plan on this route needs."""
    if route is Route.AT_HOME_SUBLINGUAL:
        return (route.value, TELEHEALTH)
    return (route.value,)


class ConsentState(StrEnum):
    CURRENT = "current"
    NOT_SIGNED = "not signed"
    EXPIRED = "expired"  # signed a version that a newer one replaced
    WITHDRAWN = "withdrawn"
    NO_DOCUMENT = "no document"  # the clinic has no version in force to sign


@dataclass(frozen=True)
class PublishedVersion:
    topic: str
    version: int
    effective_on: date
    resign_required: bool = True


@dataclass(frozen=True)
class SignatureOnFile:
    topic: str
    version: int
    signed_at: datetime
    withdrawn_at: datetime | None = None


@dataclass(frozen=True)
class TopicStatus:
    topic: str
    state: ConsentState
    in_force: int | None  # the version in force at the time asked
    signed: int | None  # the version of the latest signature, if any
    reason: str  # what is missing, in words for the page and the API

    @property
    def is_current(self) -> bool:
        return self.state is ConsentState.CURRENT


def version_in_force(
    topic: str, on: date, versions: Iterable[PublishedVersion]
) -> PublishedVersion | None:
    """The newest version whose effective date has come."""
    live = [v for v in versions if v.topic == topic and v.effective_on <= on]
    return max(live, key=lambda v: v.version, default=None)


def oldest_acceptable(topic: str, on: date, versions: Iterable[PublishedVersion]) -> int | None:
    """The oldest version whose signature still counts on `on`: the newest in-force version
    that required re-signing (or the first version)."""
    live = sorted((v for v in versions if v.topic == topic and v.effective_on <= on),
                  key=lambda v: v.version)  # fmt: skip
    floor = None
    for v in live:
        if floor is None or v.resign_required:
            floor = v.version
    return floor


def topic_status(
    topic: str,
    at: datetime,
    on: date,
    versions: Iterable[PublishedVersion],
    signatures: Iterable[SignatureOnFile],
) -> TopicStatus:
    """The state of one topic's consent at time `at` (whose clinic-local date is `on`)."""
    versions = tuple(versions)
    label = topic_label(topic)
    in_force = version_in_force(topic, on, versions)
    mine = [s for s in signatures if s.topic == topic and s.signed_at <= at]
    latest = max(mine, key=lambda s: s.signed_at, default=None)
    signed = latest.version if latest else None
    if in_force is None:
        reason = f"The clinic has no consent document for {label} in force yet."
        return TopicStatus(topic, ConsentState.NO_DOCUMENT, None, signed, reason)
    if latest is None:
        reason = f"No signed consent for {label}."
        return TopicStatus(topic, ConsentState.NOT_SIGNED, in_force.version, None, reason)
    if latest.withdrawn_at is not None and latest.withdrawn_at <= at:
        reason = f"The consent for {label} was withdrawn on {latest.withdrawn_at:%Y-%m-%d}."
        return TopicStatus(topic, ConsentState.WITHDRAWN, in_force.version, signed, reason)
    floor = oldest_acceptable(topic, on, versions)
    if floor is not None and latest.version < floor:
        reason = (f"The consent for {label} was signed on version {latest.version}; "
                  f"version {in_force.version} replaced it and must be signed.")  # fmt: skip
        return TopicStatus(topic, ConsentState.EXPIRED, in_force.version, signed, reason)
    return TopicStatus(topic, ConsentState.CURRENT, in_force.version, signed, "")


@dataclass(frozen=True)
class ConsentQuestion:
    """Is there a current consent for this route at this time?"""

    route: Route
    at: datetime
    on: date  # the clinic-local date of `at`: versions take effect by the clinic's calendar
    versions: tuple[PublishedVersion, ...]
    signatures: tuple[SignatureOnFile, ...]


def missing_consents(question: ConsentQuestion) -> tuple[TopicStatus, ...]:
    """Every consent the route needs that is not current; empty when treatment may go on."""
    statuses = (
        topic_status(topic, question.at, question.on, question.versions, question.signatures)
        for topic in topics_required(question.route)
    )
    return tuple(s for s in statuses if not s.is_current)
