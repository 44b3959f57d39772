"""The demo loads at any hour: its history is anchored on times that have already passed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from ketacare.measures.models import ScaleResponse

pytestmark = pytest.mark.django_db


def test_the_demo_history_loads_just_after_midnight(monkeypatch):
    from ketacare.demo import load_demo

    real_now = timezone.now()
    just_after_midnight = datetime.combine(real_now.date(), datetime.min.time(), UTC) + timedelta(
        minutes=5
    )
    monkeypatch.setattr(timezone, "now", lambda: just_after_midnight)
    load_demo(patients=2)  # before the fix: "A scale cannot be taken in the future"
    latest = ScaleResponse.objects.order_by("-taken_at").first()
    assert latest is not None and latest.taken_at <= just_after_midnight


def test_the_demo_loads_into_a_clinic_made_without_an_address():
    """Browser tests make the clinic first (no address); the demo's submitted REMS form
    still needs one, so it enters it rather than failing."""
    from ketacare.clinics.models import Clinic
    from ketacare.demo import load_demo
    from ketacare.rems.models import MonitoringForm

    Clinic.objects.create(
        name="Riverside Ketamine Clinic", slug="riverside", licensed_states=["NY"]
    )
    load_demo(patients=8)
    assert MonitoringForm.objects.filter(submitted_on__isnull=False).count() == 1
