"""Patient education: public pages whose every citation resolves to a listed source, the
scales explained from the instruments themselves, and the patient's own planned dose as a
predicted curve behind the gate."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ketacare.audit.models import AuditEntry
from ketacare.clinical import instruments
from ketacare.education import dose
from ketacare.education.topics import TOPICS
from ketacare.treatment.services.plans import NewPlan, create_plan
from tests.conftest import actor_for

pytestmark = pytest.mark.django_db


def plan_for(world, template="iv-induction", dose_mg=None):  # type: ignore[no-untyped-def]
    prescriber = actor_for(world.users_a["prescriber"], world.clinic_a, "prescriber")
    start = timezone.localdate() + timedelta(days=1)
    new = NewPlan(template, start, dose_mg)
    return create_plan(prescriber, world.patient_a.public_id, new)


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.slug)
def test_every_topic_is_public_and_every_citation_resolves_to_a_listed_source(client, topic):
    page = client.get(reverse(f"learn-{topic.slug}"))
    assert page.status_code == 200
    html = page.content.decode()
    cited = set(re.findall(r'href="#source-(\w+)"', html))
    listed = set(re.findall(r'id="source-(\w+)"', html))
    assert cited, "a topic page cites its sources"
    assert cited == listed == set(topic.sources)  # each source cited, each citation listed
    assert not re.search(r"\[[A-Z]\d+\]", page.content.decode())  # numbers, not domain keys
    assert "988" in html and "911" in html  # crisis resources on every page


def test_the_index_lists_every_topic_and_offers_a_patient_their_own_dose(world, client_as):
    client = client_as(world.users_a["patient"])
    page = client.get(reverse("learn")).content.decode()
    assert all(reverse(f"learn-{t.slug}") in page for t in TOPICS)
    assert reverse("learn-planned-dose", args=[world.patient_a.public_id]) in page
    staff = client_as(world.users_a["nurse"]).get(reverse("learn")).content.decode()
    assert 'data-testid="own-dose-link"' not in staff


def test_the_scales_page_shows_each_scales_bands_from_the_instrument(client):
    html = client.get(reverse("learn-what-the-scales-mean")).content.decode()
    for key in ("phq9", "gad7"):
        for band in instruments.get(key).bands:
            assert f"<td>{band.lowest}–{band.highest}</td><td>{band.label.capitalize()}" in html
    assert "50% or more" in html  # the response rule of clinical/outcomes.py


def test_a_patient_sees_their_next_planned_dose_explained_with_what_it_is_based_on(
    world, client_as
):
    plan_for(world)
    url = reverse("learn-planned-dose", args=[world.patient_a.public_id])
    html = client_as(world.users_a["patient"]).get(url).content.decode()
    weight = float(world.patient_a.weight_kg)
    assert f"{0.5 * weight:.0f} mg" in html  # the IV induction's 0.5 mg/kg at the chart weight
    assert "minutes</strong> in that range" in html  # racemic: the dissociation window
    assert f"a typical adult of {weight:g} kg" in html and "not a measured level" in html
    image = client_as(world.users_a["patient"]).get(
        reverse("learn-planned-dose-svg", args=[world.patient_a.public_id])
    )
    assert image["Content-Type"] == "image/svg+xml" and b"<svg" in image.content
    reads = AuditEntry.objects.filter(action="read", object_id=str(world.patient_a.public_id))
    assert reads.exists()


def test_esketamine_has_no_window_drawn_and_says_why(world, client_as):
    plan_for(world, "esketamine-trd", 56)
    url = reverse("learn-planned-dose", args=[world.patient_a.public_id])
    html = client_as(world.users_a["patient"]).get(url).content.decode()
    assert "no such range is published" in html


def test_without_a_plan_the_page_says_so(world, client_as):
    url = reverse("learn-planned-dose", args=[world.patient_a.public_id])
    html = client_as(world.users_a["patient"]).get(url).content.decode()
    assert 'data-testid="no-planned-dose"' in html
    svg = reverse("learn-planned-dose-svg", args=[world.patient_a.public_id])
    assert client_as(world.users_a["patient"]).get(svg).status_code == 404


def test_another_patients_dose_is_not_found(world, client_as):
    plan_for(world)
    other = world.patient_b.public_id
    for url in (reverse("learn-planned-dose", args=[other]),
                reverse("learn-planned-dose-svg", args=[other])):  # fmt: skip
        assert client_as(world.users_a["patient"]).get(url).status_code == 404
        assert client_as(world.users_a["prescriber"]).get(url).status_code == 404


def test_the_curve_is_computed_once_per_set_of_inputs(world, client_as):
    plan_for(world)
    dose._curve.cache_clear()
    client = client_as(world.users_a["patient"])
    url = reverse("learn-planned-dose", args=[world.patient_a.public_id])
    for _ in range(3):
        client.get(url)
    info = dose._curve.cache_info()
    assert (info.misses, info.hits) == (1, 2)
