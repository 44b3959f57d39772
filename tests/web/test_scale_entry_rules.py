"""Who may enter and correct rating scales, dated when (issue 8, item 3): by page and API.

A patient enters only their own self-report scales, dated when sent, and corrects only their
own entries; staff may date an entry earlier only with a reason and a plausible date.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ketacare.audit.models import AuditEntry
from ketacare.measures.models import ScaleResponse

pytestmark = pytest.mark.django_db
MADRS_40 = [4] * 10
PHQ9_10 = [1, 2, 3, 0, 1, 2, 1, 0, 0]


def api_scale(client, patient, instrument, answers, **extra):  # type: ignore[no-untyped-def]
    body = json.dumps({"instrument": instrument, "answers": answers, **extra})
    return client.post(f"/api/patients/{patient.public_id}/scales", body,
                       content_type="application/json")  # fmt: skip


def form_of(answers, **extra):  # type: ignore[no-untyped-def]
    return {**{f"item_{n}": str(a) for n, a in enumerate(answers, start=1)}, **extra}


def refused_fields(response):  # type: ignore[no-untyped-def]
    return {item["loc"][-1] for item in response.json()["detail"]}


def ago(**delta):  # type: ignore[no-untyped-def]
    return (timezone.now() - timedelta(**delta)).isoformat()


@pytest.mark.parametrize("instrument", ["madrs", "cadss", "cssrs"])
def test_a_patient_can_neither_open_nor_submit_a_clinician_rated_scale(
    world, client_as, instrument
):
    patient = client_as(world.users_a["patient"])
    page = reverse("scale-record", args=[world.patient_a.public_id, instrument])
    assert patient.get(page).status_code == 403
    answers = {"madrs": [0] * 10, "cadss": [0] * 23, "cssrs": [0, 0, None, None, None, 0, None]}
    assert patient.post(page, form_of(answers[instrument])).status_code == 403
    assert api_scale(patient, world.patient_a, instrument, answers[instrument]).status_code == 403
    assert not ScaleResponse.objects.exists()


def test_the_patients_scales_page_offers_only_the_self_report_scales(world, client_as):
    page = client_as(world.users_a["patient"]).get(
        reverse("scale-history", args=[world.patient_a.public_id])
    )
    html = page.content.decode()
    a = world.patient_a.public_id
    assert reverse("scale-record", args=[a, "phq9"]) in html
    for clinician_rated in ("madrs", "cadss", "cssrs"):
        assert reverse("scale-record", args=[a, clinician_rated]) not in html


def test_a_patient_cannot_correct_a_clinicians_madrs(world, client_as):
    nurse = client_as(world.users_a["nurse"])
    madrs = api_scale(nurse, world.patient_a, "madrs", MADRS_40).json()
    patient = client_as(world.users_a["patient"])
    url = reverse("scale-amend", args=[madrs["id"]])
    assert patient.get(url).status_code == 403
    assert patient.post(url, form_of([0] * 10, reason="I feel fine")).status_code == 403
    original = ScaleResponse.objects.get(public_id=madrs["id"])
    assert original.total == 40 and not ScaleResponse.objects.filter(amends=original).exists()
    assert AuditEntry.objects.filter(action="denied", user_id=world.users_a["patient"].pk).exists()


def test_a_patient_cannot_correct_a_self_report_scale_that_staff_entered(world, client_as):
    nurse = client_as(world.users_a["nurse"])
    phq9 = api_scale(nurse, world.patient_a, "phq9", PHQ9_10).json()
    patient = client_as(world.users_a["patient"])
    url = reverse("scale-amend", args=[phq9["id"]])
    assert patient.post(url, form_of([0] * 9, reason="wrong")).status_code == 403
    assert ScaleResponse.objects.count() == 1
    history = patient.get(reverse("scale-history", args=[world.patient_a.public_id]))
    assert url not in history.content.decode()  # no "Correct" link on a staff entry


def test_a_patient_corrects_their_own_self_report_entry(world, client_as):
    patient = client_as(world.users_a["patient"])
    phq9 = api_scale(patient, world.patient_a, "phq9", PHQ9_10).json()
    url = reverse("scale-amend", args=[phq9["id"]])
    history = patient.get(reverse("scale-history", args=[world.patient_a.public_id]))
    assert url in history.content.decode()
    assert patient.post(url, form_of([0] * 9, reason="ticked the wrong row")).status_code == 302
    correction = ScaleResponse.objects.get(public_id=phq9["id"]).amended_by
    assert correction.total == 0 and correction.self_reported


@pytest.mark.parametrize(
    "taken_at", ["0001-01-01T00:00:00Z", "2000-01-01T09:00:00Z", "2000-01-01T09:00:00"]
)
def test_a_patients_backdated_entry_is_refused_and_never_becomes_the_baseline(
    world, client_as, taken_at
):
    patient = client_as(world.users_a["patient"])
    assert api_scale(patient, world.patient_a, "phq9", [3] * 8 + [0]).status_code == 201
    backdated = api_scale(patient, world.patient_a, "phq9", [0] * 9, taken_at=taken_at,
                          backdate_reason="trust me")  # fmt: skip
    assert backdated.status_code == 422 and refused_fields(backdated) == {"taken_at"}
    assert "dated when it is sent" in backdated.content.decode()
    assert list(ScaleResponse.objects.values_list("total", flat=True)) == [24]


def test_a_patients_entry_an_hour_old_is_refused_but_ten_minutes_is_kept(world, client_as):
    patient = client_as(world.users_a["patient"])
    hour = api_scale(patient, world.patient_a, "phq9", PHQ9_10, taken_at=ago(hours=1))
    assert hour.status_code == 422 and refused_fields(hour) == {"taken_at"}
    ten_minutes = ago(minutes=10)
    kept = api_scale(patient, world.patient_a, "phq9", PHQ9_10, taken_at=ten_minutes)
    assert kept.status_code == 201
    assert ScaleResponse.objects.get().taken_at.isoformat() == ten_minutes


def test_staff_backdating_needs_a_reason_which_is_stored_with_the_entry(world, client_as):
    nurse = client_as(world.users_a["nurse"])
    three_days = ago(days=3)
    silent = api_scale(nurse, world.patient_a, "madrs", MADRS_40, taken_at=three_days)
    assert silent.status_code == 422 and refused_fields(silent) == {"backdate_reason"}
    assert not ScaleResponse.objects.exists()
    reason = "rated at the session, entered after the network outage"
    kept = api_scale(nurse, world.patient_a, "madrs", MADRS_40, taken_at=three_days,
                     backdate_reason=f"  {reason} ")  # fmt: skip
    assert kept.status_code == 201 and kept.json()["backdate_reason"] == reason
    saved = ScaleResponse.objects.get()
    assert saved.backdate_reason == reason and saved.taken_at.isoformat() == three_days
    entry = AuditEntry.objects.get(object_type="scale_response", action="create")
    assert entry.detail["backdate_reason"] == reason
    page = nurse.get(reverse("scale-history", args=[world.patient_a.public_id]))
    assert f"dated earlier: {reason}" in page.content.decode()


@pytest.mark.parametrize(
    ("taken_at", "says"),
    [
        ("0001-01-01T00:00:00Z", "plausible range"),
        ((timezone.now() - timedelta(days=11 * 366)).isoformat(), "plausible range"),
        ((timezone.now() + timedelta(hours=2)).isoformat(), "in the future"),
        ((timezone.now() + timedelta(days=3)).isoformat(), "plausible range"),
    ],
)
def test_staff_cannot_date_an_entry_implausibly_even_with_a_reason(
    world, client_as, taken_at, says
):
    nurse = client_as(world.users_a["nurse"])
    refused = api_scale(nurse, world.patient_a, "madrs", MADRS_40, taken_at=taken_at,
                        backdate_reason="old chart")  # fmt: skip
    assert refused.status_code == 422 and refused_fields(refused) == {"taken_at"}
    assert says in refused.content.decode()
    assert not ScaleResponse.objects.exists()


def test_staff_cannot_date_an_entry_before_the_patients_birth(world, client_as):
    world.patient_a.date_of_birth = (timezone.now() - timedelta(days=2 * 365)).date()
    world.patient_a.save()
    nurse = client_as(world.users_a["nurse"])
    refused = api_scale(nurse, world.patient_a, "phq9", PHQ9_10, taken_at=ago(days=3 * 365),
                        backdate_reason="old chart")  # fmt: skip
    assert refused.status_code == 422 and refused_fields(refused) == {"taken_at"}
    assert "before the patient's date of birth" in refused.content.decode()
    assert not ScaleResponse.objects.exists()


def test_a_correction_keeps_the_original_date_and_its_reason(world, client_as):
    nurse = client_as(world.users_a["nurse"])
    week = ago(days=7)
    madrs = api_scale(nurse, world.patient_a, "madrs", MADRS_40, taken_at=week,
                      backdate_reason="paper form").json()  # fmt: skip
    url = reverse("scale-amend", args=[madrs["id"]])
    assert nurse.post(url, form_of([3] * 10, reason="item 1 misread")).status_code == 302
    correction = ScaleResponse.objects.get(public_id=madrs["id"]).amended_by
    assert correction.taken_at.isoformat() == week
    assert correction.backdate_reason == "paper form"
