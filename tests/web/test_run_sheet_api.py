"""The run sheet by JSON API: the same services as the pages, 201 on a record, 409 naming
the field for a signed session or a stale version, 403 for a role that may not sign, 422
naming the field for bad times."""

from __future__ import annotations

import pytest
from django.utils import timezone

from ketacare.controlled.models import Entry
from ketacare.sessions.models import DosingSession
from tests.web.run_sheet_helpers import (
    clinic_time,
    complete_rems_form,
    esketamine_lot,
    started_session,
)
from tests.web.test_api_sessions import api_as, post

pytestmark = pytest.mark.django_db


def dose_body(world, version: int, **changes: object) -> dict[str, object]:  # type: ignore[no-untyped-def]
    body: dict[str, object] = {
        "product": "esketamine", "route": "esketamine", "dose_mg": 56,
        "started_at_time": clinic_time(world, 50).isoformat(),
        "stopped_at_time": clinic_time(world, 45).isoformat(),
        "device_times": [clinic_time(world, 50).isoformat(), clinic_time(world, 45).isoformat()],
        "version": version,
    }  # fmt: skip
    return {**body, **changes}


def loc(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [item["loc"][-1] for item in response.json()["detail"]]


def test_the_dose_by_api_writes_the_log_entry_and_shows_on_the_session(world):
    session = started_session(world)
    lot = esketamine_lot(world)
    nurse = api_as(world.users_a["nurse"])
    url = f"/api/sessions/{session.public_id}/dose"
    made = post(nurse, url, dose_body(world, session.version, lot_id=str(lot.public_id)))
    assert made.status_code == 201, made.content
    assert made.json()["lot_number"] == "ES-1" and len(made.json()["devices"]) == 2
    assert Entry.objects.get(kind="administration").session_id == session.pk
    shown = nurse.get(f"/api/sessions/{session.public_id}").json()
    assert shown["administration"]["device_count"] == 2 and shown["version"] == 2
    assert shown["next_reading_due_at"] is not None and shown["next_reading_overdue"] is True


def test_a_stale_version_is_a_409_telling_to_reload(world):
    session = started_session(world)
    nurse = api_as(world.users_a["nurse"])
    url = f"/api/sessions/{session.public_id}/dose"
    body = dose_body(world, session.version, lot_number="L1",
                     lot_expires_on=timezone.localdate().isoformat())  # fmt: skip
    assert post(nurse, url, body).status_code == 201
    DosingSession.objects.filter(pk=session.pk).update(status="discharged")
    complete_rems_form(world, session)  # signing needs it (S11)
    late = post(nurse, f"/api/sessions/{session.public_id}/sign", {"version": session.version})
    assert late.status_code == 409 and loc(late) == ["version"]
    assert "reload" in late.json()["detail"][0]["msg"]


def test_after_signing_readings_are_a_409_and_an_amendment_is_kept(world):
    session = started_session(world, "iv")  # no REMS form: signing alone
    DosingSession.objects.filter(pk=session.pk).update(status="discharged")
    complete_rems_form(world, session)  # signing needs it (S11)
    prescriber = api_as(world.users_a["prescriber"])
    base = f"/api/sessions/{session.public_id}"
    therapist = post(api_as(world.users_a["therapist"]), f"{base}/sign", {"version": 1})
    assert therapist.status_code == 403
    signed = post(prescriber, f"{base}/sign", {"version": 1})
    assert signed.status_code == 200, signed.content
    assert signed.json()["signed_by"] == "prescriber@a.example"
    reading = post(prescriber, f"{base}/readings", {"systolic_mmhg": 120, "diastolic_mmhg": 80})
    event = {"description": "x", "severity": "mild", "action_taken": "y"}
    for refused in (reading, post(prescriber, f"{base}/adverse-events", event)):
        assert refused.status_code == 409 and "locked" in refused.json()["detail"][0]["msg"]
    amended = post(prescriber, f"{base}/amendments", {
        "section": "discharge", "correction": "Discharged 14:10, not 14:00",
        "reason": "clock on the tablet was wrong", "version": 2,
    })  # fmt: skip
    assert amended.status_code == 201, amended.content
    assert amended.json()["original"]["status"] == "discharged"


def test_a_vitals_time_in_the_future_or_before_the_start_is_a_422_naming_it(world):
    session = started_session(world, minutes_ago=30)
    nurse = api_as(world.users_a["nurse"])
    url = f"/api/sessions/{session.public_id}/readings"
    for minutes_ago in (-20, 45):
        body = {"systolic_mmhg": 120, "diastolic_mmhg": 80,
                "taken_at_time": clinic_time(world, minutes_ago).isoformat()}  # fmt: skip
        refused = post(nurse, url, body)
        assert refused.status_code == 422 and loc(refused) == ["taken_at_time"]
    assert not session.readings.exists()


def test_adverse_event_sedation_and_dissociation_by_api(world):
    session = started_session(world, minutes_ago=45)
    nurse = api_as(world.users_a["nurse"])
    base = f"/api/sessions/{session.public_id}"
    event = {"description": "nausea", "severity": "moderate", "action_taken": "ondansetron",
             "observed_at_time": clinic_time(world, 5).isoformat()}  # fmt: skip
    assert post(nurse, f"{base}/adverse-events", event).status_code == 201
    assert post(nurse, f"{base}/sedation", {"moaas": 4}).json()["score"] == 4
    cadss = post(nurse, f"{base}/dissociation", {"answers": [2] * 23})
    assert cadss.status_code == 201 and cadss.json()["score"] == 46
    bad = post(nurse, f"{base}/adverse-events", {**event, "severity": "fatal"})
    assert bad.status_code == 422
    due = nurse.get(base).json()["assessments_due"]
    assert [(d["minute"], d["kind"]) for d in due] == [(120, "dissociation"), (120, "sedation")]
