"""Diagnoses come from the CMS ICD-10-CM code set: the chart shows each code's name."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ketacare.patients.icd10 import is_diagnosis_code, named, title

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("F33.2", "Major depressive disorder, recurrent severe without psychotic features"),
        ("F32.A", "Depression, unspecified"),
        ("F43.10", "Post-traumatic stress disorder, unspecified"),
        ("G89.4", "Chronic pain syndrome"),
        ("F31.81", "Bipolar II disorder"),  # not in the hand-made table this replaced
        ("F33", "Major depressive disorder, recurrent"),  # a category is a diagnosis too
    ],
)
def test_a_code_in_the_code_set_has_its_cms_title(code, name):
    assert is_diagnosis_code(code)
    assert title(code) == name


@pytest.mark.parametrize("code", ["F99.9", "F33.20", "F30-F39", "Z99.99", ""])
def test_unknown_codes_and_block_headings_are_not_diagnoses(code):
    assert not is_diagnosis_code(code)
    assert title(code) == ""


def test_a_code_stored_before_the_check_keeps_its_code_without_a_name():
    assert [(d.code, d.name) for d in named(["F99.9", "F41.1"])] == [
        ("F99.9", ""),
        ("F41.1", "Generalized anxiety disorder"),
    ]


def test_the_chart_shows_the_name_of_each_diagnosis(world, client_as):
    patient = world.patient_a
    patient.diagnosis_codes = ["F31.81", "F41.1"]
    patient.save(update_fields=["diagnosis_codes"])
    client = client_as(world.users_a["prescriber"])
    html = client.get(reverse("patient-chart", args=[patient.public_id])).content.decode()
    assert "Bipolar II disorder" in html
    assert "Generalized anxiety disorder" in html


def test_the_code_set_is_left_out_of_garbage_collection_once_loaded():
    """Its ~600,000 long-lived objects made every full collection a 0.3-0.8 s pause in
    whichever request triggered it (docs/performance.md)."""
    import gc

    from ketacare.patients import icd10

    assert icd10.title("F33.2")
    assert gc.get_freeze_count() > 500_000
