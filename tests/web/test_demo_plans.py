"""The demo clinic shows the plans' life: signed plans, one with a second version, planned
sessions done and missed, a draft, a booster due and a futility review on Today."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_demo_has_signed_versioned_plans_and_todays_follow_ups(client):
    from ketacare.accounts.models import User
    from ketacare.demo import load_demo
    from ketacare.treatment.models import OutcomeState, PlannedSession, TreatmentPlan

    load_demo(patients=8)
    plans = TreatmentPlan.objects.all()
    assert plans.filter(signed_at__isnull=False, version=1).count() >= 3
    assert plans.filter(version=2, change_kind="titrate").exclude(change_reason="").exists()
    assert plans.filter(signed_at__isnull=True).exists()  # a draft
    rows = PlannedSession.objects.all()
    assert rows.filter(status="done", dosing_session__isnull=False).exists()
    assert rows.filter(status="missed").exists()
    assert OutcomeState.objects.filter(booster_open=True).exists()
    assert OutcomeState.objects.filter(futility_open=True).exists()
    client.force_login(User.objects.get(email="prescriber@riverside.example"))
    today = client.get(reverse("today")).content.decode()
    assert "Boosters due" in today and "Futility reviews" in today
    assert 'data-testid="today-futility"' in today and "no response after 3 IV" in today
