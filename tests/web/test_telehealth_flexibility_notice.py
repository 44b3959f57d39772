"""Prescribers are told, on the encounter page and on Today, that the DEA's audio-video
flexibility ends on 2026-12-31 once fewer than 30 days are left, and that it has ended after
that day (an in-person evaluation is required again, H12); other roles are not. Each test runs
at a fixed clock, set before anything is made so the login session lives on that clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from tests.web.test_telehealth import started

pytestmark = pytest.mark.django_db
NOTICE = 'data-testid="flexibility-notice"'


def at_noon_in_new_york(monkeypatch, day: str) -> None:  # type: ignore[no-untyped-def]
    moment = datetime.fromisoformat(f"{day}T17:00").replace(tzinfo=UTC)  # 12:00 EST
    monkeypatch.setattr(timezone, "now", lambda: moment)


def pages(world, client_as, role="prescriber"):  # type: ignore[no-untyped-def]
    prescriber, encounter = started(world, client_as)
    client = prescriber if role == "prescriber" else client_as(world.users_a[role])
    encounter_page = client.get(f"/encounters/{encounter.public_id}/")
    assert encounter_page.status_code == 200
    return encounter_page.content.decode(), client.get("/today/").content.decode()


def test_thirty_days_before_the_last_day_prescribers_see_no_notice_yet(
    world, client_as, monkeypatch
):
    at_noon_in_new_york(monkeypatch, "2026-12-01")
    encounter_page, today = pages(world, client_as)
    assert NOTICE not in encounter_page and NOTICE not in today


def test_with_29_days_left_prescribers_are_told_the_flexibility_ends_on_2026_12_31(
    world, client_as, monkeypatch
):
    at_noon_in_new_york(monkeypatch, "2026-12-02")
    encounter_page, today = pages(world, client_as)
    for html in (encounter_page, today):
        assert NOTICE in html and "ends on 2026-12-31" in html and "29 days left" in html
        assert "in-person evaluation is required" in html and "H12" in html


def test_after_the_last_day_prescribers_are_told_it_ended_and_no_extension_is_assumed(
    world, client_as, monkeypatch
):
    at_noon_in_new_york(monkeypatch, "2027-01-01")
    encounter_page, today = pages(world, client_as)
    for html in (encounter_page, today):
        assert NOTICE in html and "ended on 2026-12-31" in html
        assert "needs a prior in-person evaluation" in html


@pytest.mark.parametrize("role", ["nurse", "therapist"])
def test_roles_that_do_not_prescribe_see_no_notice(world, client_as, monkeypatch, role):
    at_noon_in_new_york(monkeypatch, "2026-12-15")
    encounter_page, today = pages(world, client_as, role)
    assert NOTICE not in encounter_page and NOTICE not in today
