"""The demo clinic's REMS paperwork: an enrolled patient whose esketamine forms are one
submitted, one overdue, one due tomorrow and one from today, loaded once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ketacare.consent.services import clinic_today
from ketacare.rems.models import MonitoringForm, RemsEnrollment

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_enrolled_patient_with_forms_submitted_overdue_and_due(db):
    from ketacare.demo import load_demo

    load_demo(patients=6)
    load_demo(patients=6)  # safe to run again: no second set
    enrollment = RemsEnrollment.objects.get()
    forms = list(MonitoringForm.objects.order_by("treatment_date"))
    today = clinic_today(enrollment.clinic)
    assert [f.submitted_on is not None for f in forms] == [True, False, False, False]
    assert forms[0].first_treatment and not any(f.first_treatment for f in forms[1:])
    assert forms[1].due_on < today  # overdue
    assert forms[2].due_on == today + timedelta(days=1)  # due tomorrow
    assert {f.patient_id for f in forms} == {enrollment.patient_id}
