"""The run sheet on the session page: the dose page with the clinic's lots, vitals by htmx
(only the vitals part comes back, focus goes to the result), adverse events, sedation and
dissociation due next, signing that locks, amendments, and the reload message."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from ketacare.controlled.models import Entry
from ketacare.sessions.models import DoseAdministration, DosingSession, SessionAmendment
from tests.web.run_sheet_helpers import (
    clinic_time,
    complete_rems_form,
    esketamine_lot,
    started_session,
)

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def page(client, session) -> str:  # type: ignore[no-untyped-def]
    response = client.get(reverse("session-detail", args=[session.public_id]))
    assert response.status_code == 200
    return response.content.decode()


def dose_post(world, session, **changes: object) -> dict[str, object]:  # type: ignore[no-untyped-def]
    body: dict[str, object] = {
        "product": "esketamine", "route": "esketamine", "dose_mg": "56",
        "started_at_time": clinic_time(world, 50).strftime("%H:%M"),
        "stopped_at_time": clinic_time(world, 44).strftime("%H:%M"),
        "device_1": clinic_time(world, 50).strftime("%H:%M"),
        "device_2": clinic_time(world, 44).strftime("%H:%M"),
        "version": str(session.version),
    }  # fmt: skip
    return {**body, **changes}


def test_the_dose_page_offers_the_clinics_usable_lots_and_records_with_the_log(world, client_as):
    session = started_session(world)
    good = esketamine_lot(world)
    esketamine_lot(world, lot="OLD-9", expires_on=timezone.localdate() - timedelta(days=1))
    nurse = client_as(world.users_a["nurse"])
    assert 'data-testid="record-dose"' in page(nurse, session)
    url = reverse("session-dose", args=[session.public_id])
    form = nurse.get(url).content.decode()
    assert "ES-1" in form and "OLD-9" not in form and "Device 3" in form
    done = nurse.post(url, dose_post(world, session, lot=str(good.public_id)))
    assert done.status_code == 302
    assert Entry.objects.get(kind="administration").change == -2
    shown = page(nurse, session)
    assert 'data-testid="administration"' in shown and "Device 2 (28 mg)" in shown


def test_an_expired_lot_posted_anyway_is_refused_beside_the_field(world, client_as):
    session = started_session(world)
    esketamine_lot(world)
    old = esketamine_lot(world, lot="OLD-9", expires_on=timezone.localdate() - timedelta(days=1))
    nurse = client_as(world.users_a["nurse"])
    url = reverse("session-dose", args=[session.public_id])
    refused = nurse.post(url, dose_post(world, session, lot=str(old.public_id)))
    assert refused.status_code == 422
    assert 'data-field="lot"' in refused.content.decode()
    assert not DoseAdministration.objects.exists()


def test_vitals_by_htmx_return_only_the_vitals_part_with_the_result_to_focus(world, client_as):
    session = started_session(world, minutes_ago=50)
    nurse = client_as(world.users_a["nurse"])
    assert 'data-testid="overdue"' in page(nurse, session)  # the 40-min BP check has passed
    url = reverse("session-reading", args=[session.public_id])
    body = {"systolic_mmhg": "132", "diastolic_mmhg": "84", "heart_rate_bpm": "76"}
    done = nurse.post(url, body, headers=HTMX)
    html = done.content.decode()
    assert done.status_code == 200 and "<html" not in html and 'id="vitals"' in html
    assert 'data-testid="vitals-result"' in html and "autofocus" in html and "132/84" in html
    assert 'data-testid="overdue"' not in html and "minute 120" in html  # the next check
    late = nurse.post(url, {**body, "taken_at_time": clinic_time(world, -30).strftime("%H:%M")},
                      headers=HTMX)  # fmt: skip
    assert late.status_code == 422 and "<html" not in late.content.decode()
    assert 'data-field="taken_at_time"' in late.content.decode()
    assert session.readings.count() == 1


def test_adverse_events_and_sedation_from_the_page_and_what_is_due_next(world, client_as):
    session = started_session(world, minutes_ago=45)
    nurse = client_as(world.users_a["nurse"])
    assert "CADSS at minute 40" in page(nurse, session)
    event = {"description": "nausea", "severity": "mild", "action_taken": "reassurance"}
    nurse.post(reverse("session-adverse-event", args=[session.public_id]), event)
    nurse.post(reverse("session-sedation", args=[session.public_id]), {"moaas": "4"})
    answers = {f"item_{n}": "1" for n in range(1, 24)}
    nurse.post(reverse("session-dissociation", args=[session.public_id]), answers)
    shown = page(nurse, session)
    assert "nausea" in shown and "MOAA/S <strong>4</strong>" in shown
    assert "CADSS total <strong>23</strong>" in shown and "at minute 120" in shown
    missing = nurse.post(reverse("session-adverse-event", args=[session.public_id]),
                         {"description": "dizzy", "severity": ""})  # fmt: skip
    assert missing.status_code == 422 and 'data-field="severity"' in missing.content.decode()


def test_signing_locks_the_page_and_an_amendment_keeps_the_original(world, client_as):
    session = started_session(world, "iv")  # no REMS form: signing alone
    DosingSession.objects.filter(pk=session.pk).update(status="discharged")
    complete_rems_form(world, session)  # signing needs it (S11)
    therapist = client_as(world.users_a["therapist"])
    sign_url = reverse("session-sign", args=[session.public_id])
    assert therapist.post(sign_url, {"version": "1"}).status_code == 403
    nurse = client_as(world.users_a["nurse"])
    assert 'data-testid="sign-form"' in page(nurse, session)
    assert nurse.post(sign_url, {"version": "1"}).status_code == 302
    locked = page(nurse, session)
    assert 'data-testid="signed"' in locked and 'data-testid="adverse-form"' not in locked
    event = {"description": "late", "severity": "mild", "action_taken": "none"}
    refused = nurse.post(reverse("session-adverse-event", args=[session.public_id]), event)
    assert refused.status_code == 409 and "locked" in refused.content.decode()
    nurse.post(reverse("session-amend", args=[session.public_id]), {
        "section": "discharge", "correction": "Left at 14:10", "reason": "wrong clock",
        "version": "2",
    })  # fmt: skip
    assert SessionAmendment.objects.get().original["status"] == "discharged"
    assert "Left at 14:10" in page(nurse, session)


def test_the_later_of_two_nurses_saving_is_told_to_reload_and_nothing_is_overwritten(
    world, client_as
):
    session = started_session(world)
    DosingSession.objects.filter(pk=session.pk).update(status="discharged")
    complete_rems_form(world, session)  # signing needs it (S11)
    first, second = client_as(world.users_a["nurse"]), client_as(world.users_a["prescriber"])
    page(first, session), page(second, session)  # both drew the page at version 1
    amend = {"section": "discharge", "correction": "first", "reason": "r", "version": "1"}
    assert first.post(reverse("session-amend", args=[session.public_id]), amend).status_code == 302
    late = second.post(reverse("session-sign", args=[session.public_id]), {"version": "1"})
    assert late.status_code == 409 and "reload the page" in late.content.decode()
    assert DosingSession.objects.get().signed_at is None


def test_the_run_sheet_shows_times_on_the_clinics_clock_as_they_are_typed(world, client_as):
    session = started_session(world, minutes_ago=50)
    started = session.started_at.astimezone(ZoneInfo(world.clinic_a.time_zone))
    shown = page(client_as(world.users_a["nurse"]), session)
    assert f"started {started:%Y-%m-%d %H:%M}" in shown
