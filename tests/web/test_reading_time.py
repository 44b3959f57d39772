"""A time of day typed on the run sheet is placed on the right day, whatever the clock says:
the suite must not depend on when it runs (a session near the clinic's midnight)."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from ketacare.clinics.models import Clinic
from ketacare.sessions.models import DosingSession
from ketacare.sessions.observation import reading_time

NY = ZoneInfo("America/New_York")


def _session(started: datetime) -> DosingSession:
    return DosingSession(clinic=Clinic(time_zone="America/New_York"), started_at=started)


def _refusal(session: DosingSession, typed: time, now: datetime) -> str:
    with pytest.raises(ValidationError) as refused:
        reading_time(session, typed, now)
    return refused.value.message_dict["taken_at_time"][0]


def test_a_time_in_a_session_that_crossed_midnight_is_yesterday_s():
    session = _session(datetime(2026, 12, 1, 23, 35, tzinfo=NY))
    now = datetime(2026, 12, 2, 0, 5, tzinfo=NY)
    assert reading_time(session, time(23, 50), now) == datetime(2026, 12, 1, 23, 50, tzinfo=NY)
    assert reading_time(session, time(0, 1), now) == datetime(2026, 12, 2, 0, 1, tzinfo=NY)


def test_a_reading_typed_hours_later_keeps_its_morning_time():
    session = _session(datetime(2026, 12, 1, 8, 0, tzinfo=NY))
    now = datetime(2026, 12, 1, 21, 0, tzinfo=NY)
    assert reading_time(session, time(8, 30), now) == datetime(2026, 12, 1, 8, 30, tzinfo=NY)


@pytest.mark.parametrize(
    ("started", "now", "typed", "words"),
    [
        # 00:10 typed at 23:50 is tomorrow's: in the future, not before the 23:20 start.
        ((1, 23, 20), (1, 23, 50), time(0, 10), "in the future"),
        ((1, 23, 20), (1, 23, 50), time(23, 5), "before the session started (23:20)"),
        # Just after midnight, a session begun at 23:35: 23:20 is yesterday's, before it.
        ((1, 23, 35), (2, 0, 5), time(23, 20), "before the session started (23:35)"),
        ((1, 23, 35), (2, 0, 5), time(0, 25), "in the future"),
        ((1, 12, 0), (1, 12, 30), time(13, 0), "in the future"),
        ((1, 12, 0), (1, 12, 30), time(11, 0), "before the session started (12:00)"),
    ],
)
def test_a_refused_time_says_why_by_the_nearest_reading_of_it(started, now, typed, words):
    session = _session(datetime(2026, 12, started[0], *started[1:], tzinfo=NY))
    message = _refusal(session, typed, datetime(2026, 12, now[0], *now[1:], tzinfo=NY))
    assert words in message
