"""The demo has an at-home patient: past sessions (one flagged on Today), the next one
planned today, tablets shipped through the controlled-substance log."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_at_home_patient_with_a_flagged_past_session(client):
    from ketacare.accounts.models import User
    from ketacare.athome.demo_data import AT_HOME_MRN
    from ketacare.athome.models import AtHomeSession
    from ketacare.athome.shipments import supply_of
    from ketacare.athome.start import today_for
    from ketacare.demo import load_demo
    from ketacare.patients.models import Patient

    load_demo(patients=8)
    load_demo(patients=8)  # idempotent: loading twice adds nothing
    patient = Patient.objects.get(mrn=AT_HOME_MRN)
    sessions = AtHomeSession.objects.filter(patient=patient)
    assert sessions.count() == 3 and sessions.filter(bp_out_of_range=True).count() == 1
    supply = supply_of(patient)
    assert supply is not None and (supply.shipped, supply.taken) == (4, 3)
    assert today_for(patient).refusals == ()  # the next session is planned today
    client.force_login(User.objects.get(email="nurse@riverside.example"))
    today = client.get(reverse("today")).content.decode()
    assert 'data-testid="athome-flagged"' in today and "BP out of range" in today


def test_the_demo_at_home_patient_logs_in_and_finds_today_s_session(client):
    from ketacare.accounts.models import User
    from ketacare.athome.demo_data import AT_HOME_MRN
    from ketacare.demo import AT_HOME_LOGIN, load_demo
    from ketacare.patients.models import Patient

    load_demo(patients=8)
    load_demo(patients=8)  # linked once, however often the demo loads
    user = User.objects.get(email=AT_HOME_LOGIN)
    assert Patient.objects.get(user=user).mrn == AT_HOME_MRN
    client.force_login(user)
    home = client.get("/", follow=True).content.decode()
    assert 'data-testid="portal-athome"' in home  # today's session, first on the portal home
