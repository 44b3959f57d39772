"""The consent rule: is there a current consent for this route at this time?"""

from __future__ import annotations

from datetime import UTC, date, datetime

from ketacare.clinical.consent import (
    TELEHEALTH,
    ConsentQuestion,
    ConsentState,
    PublishedVersion,
    SignatureOnFile,
    missing_consents,
    topic_status,
    topics_required,
)
from ketacare.clinical.routes import Route

IV = Route.IV_RACEMIC.value
JAN = date(2026, 1, 1)
MAR = date(2026, 3, 1)
V1 = PublishedVersion(IV, 1, JAN)


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def status(when: date, versions, signatures):  # type: ignore[no-untyped-def]
    return topic_status(IV, at(when), when, versions, signatures)


def test_a_signature_of_the_version_in_force_is_current() -> None:
    signed = SignatureOnFile(IV, 1, at(JAN))
    assert status(date(2026, 2, 1), [V1], [signed]).state is ConsentState.CURRENT


def test_never_signed_is_not_signed_and_says_so() -> None:
    found = status(date(2026, 2, 1), [V1], [])
    assert found.state is ConsentState.NOT_SIGNED
    assert "No signed consent for IV racemic ketamine" in found.reason


def test_no_version_in_force_means_nothing_can_be_signed() -> None:
    upcoming = PublishedVersion(IV, 1, MAR)
    assert status(JAN, [upcoming], []).state is ConsentState.NO_DOCUMENT
    assert status(JAN, [], []).state is ConsentState.NO_DOCUMENT


def test_a_new_version_requiring_resigning_expires_the_old_signature_from_its_effective_date():
    v2 = PublishedVersion(IV, 2, MAR)
    signed_v1 = SignatureOnFile(IV, 1, at(JAN))
    assert status(date(2026, 2, 28), [V1, v2], [signed_v1]).is_current  # v2 not in force yet
    expired = status(MAR, [V1, v2], [signed_v1])
    assert expired.state is ConsentState.EXPIRED
    assert "version 2 replaced it" in expired.reason


def test_a_new_version_that_needs_no_resigning_keeps_the_old_signature_current() -> None:
    typo_fix = PublishedVersion(IV, 2, MAR, resign_required=False)
    signed_v1 = SignatureOnFile(IV, 1, at(JAN))
    assert status(MAR, [V1, typo_fix], [signed_v1]).is_current
    # ...until a later version requires it again
    v3 = PublishedVersion(IV, 3, date(2026, 4, 1))
    assert status(date(2026, 4, 1), [V1, typo_fix, v3], [signed_v1]).state is ConsentState.EXPIRED


def test_signing_a_version_ahead_of_its_effective_date_counts_from_the_signature() -> None:
    v2 = PublishedVersion(IV, 2, MAR)
    signed_v2_early = SignatureOnFile(IV, 2, at(date(2026, 2, 10)))
    assert status(date(2026, 2, 11), [V1, v2], [signed_v2_early]).is_current
    assert status(MAR, [V1, v2], [signed_v2_early]).is_current
    assert status(date(2026, 2, 9), [V1, v2], [signed_v2_early]).state is ConsentState.NOT_SIGNED


def test_a_withdrawal_ends_the_consent_from_its_time_and_a_new_signature_restores_it() -> None:
    withdrawn = SignatureOnFile(IV, 1, at(JAN), withdrawn_at=at(date(2026, 2, 1)))
    assert status(date(2026, 1, 20), [V1], [withdrawn]).is_current
    assert status(date(2026, 2, 2), [V1], [withdrawn]).state is ConsentState.WITHDRAWN
    again = SignatureOnFile(IV, 1, at(date(2026, 2, 5)))
    assert status(date(2026, 2, 6), [V1], [withdrawn, again]).is_current


def test_other_topics_signatures_do_not_count() -> None:
    esketamine = SignatureOnFile(Route.ESKETAMINE_NASAL.value, 1, at(JAN))
    assert status(MAR, [V1], [esketamine]).state is ConsentState.NOT_SIGNED


def test_at_home_treatment_needs_the_telehealth_consent_too() -> None:
    home = Route.AT_HOME_SUBLINGUAL.value
    assert topics_required(Route.AT_HOME_SUBLINGUAL) == (home, TELEHEALTH)
    assert topics_required(Route.IV_RACEMIC) == (IV,)
    versions = (PublishedVersion(home, 1, JAN), PublishedVersion(TELEHEALTH, 1, JAN))
    only_home = (SignatureOnFile(home, 1, at(JAN)),)
    question = ConsentQuestion(Route.AT_HOME_SUBLINGUAL, at(MAR), MAR, versions, only_home)
    assert [m.topic for m in missing_consents(question)] == [TELEHEALTH]
    both = (*only_home, SignatureOnFile(TELEHEALTH, 1, at(JAN)))
    question = ConsentQuestion(Route.AT_HOME_SUBLINGUAL, at(MAR), MAR, versions, both)
    assert missing_consents(question) == ()
