"""An at-home plan for a patient, signed, its first dose planned today: what every at-home
test starts from (made through the prescriber's real pages)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone


def at_home_plan(prescriber_client, patient, dose_mg: float = 200):  # type: ignore[no-untyped-def]
    from ketacare.treatment.models import TreatmentPlan

    body = {"template": "at-home-odt", "start_on": timezone.localdate().isoformat(),
            "dose_mg": str(dose_mg)}  # fmt: skip
    response = prescriber_client.post(reverse("plan-new", args=[patient.public_id]), body)
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = TreatmentPlan.objects.filter(patient=patient).first()
    prescriber_client.post(reverse("plan-sign", args=[plan.public_id]))
    plan.refresh_from_db()
    assert not plan.is_draft
    return plan
