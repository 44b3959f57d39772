"""Treatment plans grow up: the prescriber's signature, changes as new versions with their
reason, the counselling cadence, and planned sessions marked done, missed or rescheduled."""

from __future__ import annotations

import importlib
import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ketacare.audit.models import AuditEntry
from ketacare.sessions.models import DosingSession
from ketacare.treatment.models import PlannedSession, TreatmentPlan
from tests.conftest import ROLES
from tests.web.test_forecast import add_infusions

pytestmark = pytest.mark.django_db


def make_plan(world, client_as, *, sign=True, **extra):  # type: ignore[no-untyped-def]
    body = {"template": "iv-induction", "start_on": timezone.localdate().isoformat(), **extra}
    prescriber = client_as(world.users_a["prescriber"])
    prescriber.post(reverse("plan-new", args=[world.patient_a.public_id]), body)
    plan = TreatmentPlan.objects.get(patient=world.patient_a, version=1)
    if sign:
        prescriber.post(reverse("plan-sign", args=[plan.public_id]))
        plan.refresh_from_db()
    return plan


def api(client, url, body):  # type: ignore[no-untyped-def]
    return client.post(url, json.dumps(body), content_type="application/json")


def refusal(response) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """(field, message) of a 422 answer."""
    assert response.status_code == 422, response.content
    item = response.json()["detail"][0]
    return item["loc"][-1], item["msg"]


def test_a_new_plan_is_a_draft_and_says_so_until_a_prescriber_signs_it(world, client_as):
    plan = make_plan(world, client_as, sign=False)
    prescriber = client_as(world.users_a["prescriber"])
    page = prescriber.get(reverse("plan-detail", args=[plan.public_id])).content.decode()
    assert 'data-testid="plan-draft"' in page and "Draft: not signed" in page
    prescriber.post(reverse("plan-sign", args=[plan.public_id]))
    plan.refresh_from_db()
    assert plan.signed_by == world.users_a["prescriber"] and plan.signed_at is not None
    page = prescriber.get(reverse("plan-detail", args=[plan.public_id])).content.decode()
    assert 'data-testid="plan-draft"' not in page and 'data-testid="plan-signed"' in page
    entry = AuditEntry.objects.filter(object_id=str(plan.public_id), action="update").get()
    assert entry.detail["signed"] is True


@pytest.mark.parametrize("role", [r for r in ROLES if r != "prescriber"])
def test_only_a_prescriber_may_sign_by_page_or_api(world, client_as, role):
    plan = make_plan(world, client_as, sign=False)
    client = client_as(world.users_a[role])
    assert client.post(reverse("plan-sign", args=[plan.public_id])).status_code == 403
    assert api(client, f"/api/plans/{plan.public_id}/signature", {}).status_code == 403
    plan.refresh_from_db()
    assert plan.is_draft


def test_a_signed_plan_is_not_signed_again(world, client_as):
    plan = make_plan(world, client_as)
    response = api(
        client_as(world.users_a["prescriber"]), f"/api/plans/{plan.public_id}/signature", {}
    )
    assert refusal(response)[0] == "plan"


def test_a_draft_cannot_be_changed_marked_or_booked(world, client_as):
    plan = make_plan(world, client_as, sign=False)
    prescriber = client_as(world.users_a["prescriber"])
    change = api(prescriber, f"/api/plans/{plan.public_id}/versions",
                 {"kind": "pause", "reason": "unwell"})  # fmt: skip
    assert "draft" in refusal(change)[1]
    row = plan.planned_sessions.first()
    mark = api(prescriber, f"/api/planned-sessions/{row.public_id}/status", {"status": "missed"})
    assert "draft" in refusal(mark)[1]
    book = api(prescriber, f"/api/plans/{plan.public_id}/bookings",
               {"start_time": "09:00", "minutes": 60})  # fmt: skip
    assert "draft" in refusal(book)[1]
    assert TreatmentPlan.objects.count() == 1
    assert not plan.planned_sessions.exclude(status="planned").exists()


def test_a_change_is_a_new_signed_version_pointing_at_the_old_one_which_stays_readable(
    world, client_as
):
    plan = make_plan(world, client_as)
    prescriber = client_as(world.users_a["prescriber"])
    response = prescriber.post(
        reverse("plan-revise", args=[plan.public_id]),
        {"kind": "titrate", "reason": "tolerating well; more effect wanted", "dose_mg": "40"},
    )
    new = TreatmentPlan.objects.get(version=2)
    assert response["Location"] == reverse("plan-detail", args=[new.public_id])
    assert new.supersedes == plan and new.change_kind == "titrate"
    assert new.signed_by == world.users_a["prescriber"]
    ahead = new.planned_sessions.filter(kind="dosing", on__gte=timezone.localdate())
    assert ahead and {r.dose_mg for r in ahead} == {40}
    # the old version still reads as it was: its own rows, its own doses
    assert {r.dose_mg for r in plan.planned_sessions.filter(kind="dosing")} == {34.0}
    old_page = prescriber.get(reverse("plan-detail", args=[plan.public_id])).content.decode()
    assert 'data-testid="plan-superseded"' in old_page
    new_page = prescriber.get(reverse("plan-detail", args=[new.public_id])).content.decode()
    assert "Version 2</a>: Titrate the dose: tolerating well" in new_page
    assert "Version 1</a>: New plan" in new_page
    history = prescriber.get(f"/api/plans/{plan.public_id}/versions").json()
    assert [v["version"] for v in history] == [2, 1]
    assert history[0]["supersedes_id"] == str(plan.public_id)
    chart = prescriber.get(reverse("patient-chart", args=[world.patient_a.public_id]))
    assert "version 2" in chart.content.decode()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "titrate", "reason": ""}, "reason"),
        ({"kind": "titrate", "reason": "x"}, "dose_mg"),
        ({"kind": "titrate", "reason": "x", "dose_mg": "500"}, "dose_mg"),  # above the IV limit
        ({"kind": "maintenance", "reason": "x"}, "on"),
        ({"kind": "booster", "reason": "x", "on": "2020-01-01"}, "on"),
        ({"kind": "resume", "reason": "x", "on": "2030-01-01"}, "kind"),  # not paused
    ],
)
def test_a_bad_change_is_refused_beside_its_field_and_makes_no_version(
    world, client_as, body, field
):
    plan = make_plan(world, client_as)
    page = client_as(world.users_a["prescriber"]).post(
        reverse("plan-revise", args=[plan.public_id]), body
    )
    assert page.status_code == 422
    assert f'data-field="{field}"' in page.content.decode()
    assert TreatmentPlan.objects.count() == 1


def test_a_replaced_version_cannot_be_changed_again(world, client_as):
    plan = make_plan(world, client_as)
    prescriber = client_as(world.users_a["prescriber"])
    first = api(prescriber, f"/api/plans/{plan.public_id}/versions",
                {"kind": "pause", "reason": "holiday"})  # fmt: skip
    assert first.status_code == 201 and first.json()["status"] == "paused"
    again = api(prescriber, f"/api/plans/{plan.public_id}/versions",
                {"kind": "stop", "reason": "x"})  # fmt: skip
    assert "replaced by version 2" in refusal(again)[1]


def test_pause_then_resume_moves_the_remaining_sessions_to_the_new_date(world, client_as):
    plan = make_plan(world, client_as)
    prescriber = client_as(world.users_a["prescriber"])
    paused = api(prescriber, f"/api/plans/{plan.public_id}/versions",
                 {"kind": "pause", "reason": "flu"}).json()  # fmt: skip
    v2 = TreatmentPlan.objects.get(public_id=paused["id"])
    assert not v2.planned_sessions.filter(status="planned", on__gte=timezone.localdate()).exists()
    restart = timezone.localdate() + timedelta(days=10)
    body = {"kind": "resume", "reason": "well again", "on": restart.isoformat()}
    resumed = api(prescriber, f"/api/plans/{v2.public_id}/versions", body)
    assert resumed.status_code == 201 and resumed.json()["status"] == "active"
    v3 = TreatmentPlan.objects.get(public_id=resumed.json()["id"])
    ahead = list(v3.planned_sessions.filter(status="planned").order_by("on"))
    assert ahead[0].on == restart and len([r for r in ahead if r.kind == "dosing"]) == 6


def test_the_counselling_cadence_is_planned_and_shown(world, client_as):
    plan = make_plan(world, client_as, preparation_sessions="1", integration_every_n="2")
    assert plan.counselling == {"preparation_sessions": 1, "integration_every_n": 2,
                                "source": "clinic setting"}  # fmt: skip
    details = list(
        plan.planned_sessions.filter(kind="counselling").values_list("detail", flat=True)
    )
    assert details[0] == "preparation 1 before the first dose"
    assert sum("integration after dosing session" in d for d in details) == 3  # after 2, 4, 6
    page = client_as(world.users_a["nurse"]).get(reverse("plan-detail", args=[plan.public_id]))
    text = page.content.decode()
    assert "1 preparation session before the first dose" in text
    assert "an integration session after every 2 dosing sessions" in text


def test_a_session_started_near_a_planned_date_marks_it_done(world, client_as):
    plan = make_plan(world, client_as)
    add_infusions(world.patient_a, [0])
    first = plan.planned_sessions.filter(kind="dosing").order_by("on").first()
    assert first.status == "done" and first.dosing_session is not None
    page = client_as(world.users_a["nurse"]).get(reverse("plan-detail", args=[plan.public_id]))
    assert 'data-testid="planned-done"' in page.content.decode()


def test_staff_mark_a_session_missed_or_rescheduled_and_the_new_date_is_planned(world, client_as):
    plan = make_plan(world, client_as)
    rows = list(plan.planned_sessions.filter(kind="dosing").order_by("on"))
    front_desk = client_as(world.users_a["front_desk"])
    front_desk.post(reverse("planned-session-mark", args=[rows[0].public_id]),
                    {"status": "missed", "note": "did not come"})  # fmt: skip
    new_day = rows[1].on + timedelta(days=1)
    moved = api(front_desk, f"/api/planned-sessions/{rows[1].public_id}/status",
                {"status": "rescheduled", "on": new_day.isoformat()})  # fmt: skip
    assert moved.status_code == 200 and moved.json()["status"] == "rescheduled"
    rows[0].refresh_from_db()
    assert rows[0].status == "missed" and rows[0].status_note == "did not come"
    replacement = PlannedSession.objects.get(rescheduled_from=rows[1])
    assert replacement.on == new_day and replacement.status == "planned"
    again = api(front_desk, f"/api/planned-sessions/{rows[0].public_id}/status", {"status": "done"})
    assert refusal(again) == ("status", "Already missed.")


def test_marking_done_by_hand_takes_this_patients_session_only(world, client_as):
    plan = make_plan(world, client_as)
    add_infusions(world.patient_b, [0])
    others = DosingSession.objects.get(patient=world.patient_b)
    row = plan.planned_sessions.filter(kind="dosing").order_by("on").last()
    nurse = client_as(world.users_a["nurse"])
    refused = api(nurse, f"/api/planned-sessions/{row.public_id}/status",
                  {"status": "done", "session_id": str(others.public_id)})  # fmt: skip
    assert refused.status_code == 404  # another clinic's session is out of reach
    row.refresh_from_db()
    assert row.status == "planned"


def test_existing_schedules_become_planned_session_rows(world, client_as):
    from django.apps import apps

    plan = make_plan(world, client_as)
    plan.planned_sessions.all().delete()
    migration = importlib.import_module(
        "ketacare.treatment.migrations.0004_plan_versions_and_planned_sessions"
    )
    migration.planned_sessions_from_schedules(apps, None)
    rows = list(plan.planned_sessions.order_by("position"))
    assert [r.as_schedule() for r in rows] == plan.schedule
