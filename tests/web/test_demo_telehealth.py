"""The demo clinic's telehealth: a video tool, a prescriber registered in both of the
clinic's states, a signed prescribing encounter, and the portal patient's upcoming visit."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_demo_has_registrations_in_two_states_and_a_signed_encounter(db):
    from ketacare.demo import load_demo
    from ketacare.telehealth.models import DeaRegistration, TelehealthEncounter

    load_demo(patients=8)
    load_demo(patients=8)  # safe to run again: no second set
    assert sorted(DeaRegistration.objects.values_list("state", flat=True)) == ["NJ", "NY"]
    encounter = TelehealthEncounter.objects.get()
    assert encounter.signed_at is not None and encounter.prescribes
    assert encounter.dea_state == encounter.patient.state_of_residence
    assert encounter.clinic.video_link_template.startswith("https://")
    portal = encounter.clinic.patients.get(mrn="RKC-0001")
    assert portal.appointments.filter(kind="telehealth").count() == 1
