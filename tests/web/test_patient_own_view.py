"""A patient's own pages speak plainly: no staff codes, sources, file paths or API tokens."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ketacare.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def _chart(world, client_as, role: str) -> str:  # type: ignore[no-untyped-def]
    world.patient_a.referring_provider_npi = "1234567893"
    world.patient_a.save()
    client = client_as(world.users_a[role])
    return client.get(reverse("patient-chart", args=[world.patient_a.public_id])).content.decode()


def test_patient_chart_names_diagnoses_and_hides_mrn_and_npi(world, client_as):
    chart = _chart(world, client_as, "patient")
    assert (
        "Major depressive disorder, recurrent severe without psychotic features" in chart
    )  # CMS title
    assert "<code>F33.2</code>" not in chart
    # The MRN as a token of its own: a random UUID in a link may contain "a-1" ("b6ba-15c7").
    assert "MRN" not in chart and not re.search(r"(?<![\w-])a-1(?![\w-])", chart)
    assert "NPI" not in chart and "1234567893" not in chart


def test_staff_chart_keeps_codes_with_their_names_mrn_and_npi(world, client_as):
    chart = _chart(world, client_as, "nurse")
    assert "<code>F33.2</code> Major depressive disorder, recurrent" in chart
    assert "MRN a-1" in chart and "1234567893" in chart


def test_patient_plan_shows_no_source_keys(world, client_as):
    start = (timezone.localdate() + timedelta(days=1)).isoformat()
    client_as(world.users_a["prescriber"]).post(
        reverse("plan-new", args=[world.patient_a.public_id]),
        {"template": "iv-induction", "start_on": start},
    )
    from ketacare.treatment.models import TreatmentPlan

    url = reverse("plan-detail", args=[TreatmentPlan.objects.get().public_id])
    staff = client_as(world.users_a["nurse"]).get(url).content.decode()
    own = client_as(world.users_a["patient"]).get(url).content.decode()
    assert "K1, K7" in staff
    assert "K1, K7" not in own and "clinical core" not in own
    assert "futility" in staff and "futility" not in own


def test_patient_scales_page_has_no_mrn_nor_rules_file(world, client_as):
    client = client_as(world.users_a["patient"])
    for answers in ([2] * 9, [1] * 9):
        client.post(
            reverse("scale-record", args=[world.patient_a.public_id, "phq9"]),
            {f"item_{n}": a for n, a in enumerate(answers, start=1)} | {"item_9": 0},
        )
    from ketacare.measures.models import ScaleResponse

    assert ScaleResponse.objects.filter(patient=world.patient_a).count() == 2
    page = client.get(reverse("scale-history", args=[world.patient_a.public_id])).content.decode()
    assert "change from baseline" in page
    assert "docs/clinical-rules.md" not in page and "MRN" not in page


def test_patient_account_has_no_api_tokens_and_cannot_create_one(world, client_as):
    client = client_as(world.users_a["patient"])
    page = client.get(reverse("account")).content.decode()
    assert "API tokens" not in page
    assert client.post(reverse("account"), {"name": "mine"}).status_code == 403
    assert not ApiToken.objects.filter(user=world.users_a["patient"]).exists()


def test_staff_account_keeps_api_tokens(world, client_as):
    page = client_as(world.users_a["nurse"]).get(reverse("account")).content.decode()
    assert "API tokens" in page
