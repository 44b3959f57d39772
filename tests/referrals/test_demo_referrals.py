"""The demo clinic has referrals in triage, one of them for a patient already registered."""

from __future__ import annotations

import pytest

from ketacare.referrals import services
from ketacare.referrals.models import Referral
from tests.conftest import actor_for

pytestmark = pytest.mark.django_db


def test_the_demo_puts_referrals_in_triage_once(db):
    from ketacare.accounts.models import User
    from ketacare.demo import DEMO_USERS, load_demo

    load_demo(patients=2)
    load_demo(patients=2)  # safe to run again: no second set
    referrals = Referral.objects.all()
    assert referrals.count() == 4
    assert {r.status for r in referrals} == {"new", "more_info"}
    assert {r.kind for r in referrals} == {"provider", "self"}
    front_desk = User.objects.get(email=DEMO_USERS["front_desk"])
    clinic = referrals[0].clinic
    actor = actor_for(front_desk, clinic, "front_desk")
    with_candidates = [r for r in referrals if services.candidates(actor, r)]
    assert len(with_candidates) == 1
