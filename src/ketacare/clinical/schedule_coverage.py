"""Which planned vital-sign checks of a session have no reading.

Each reading counts for the planned check nearest to it (the earlier one on a tie), so a
reading taken a few minutes late still covers its check, and one reading never covers two.
No tolerance window is invented: a check is missing when no reading is nearer to it than to
any other check.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


def missing_checks(planned_minutes: Sequence[int], taken_minutes: Sequence[int]) -> tuple[int, ...]:
    """Planned minutes (from the start of dosing) that no reading covers, in order."""
    planned = sorted(set(planned_minutes))
    if not planned:
        return ()
    covered = {min(planned, key=lambda m: (abs(m - taken), m)) for taken in taken_minutes}
    return tuple(m for m in planned if m not in covered)


@dataclass(frozen=True)
class NextCheck:
    """The earliest planned check without a reading, and whether its minute has passed."""

    minute: int
    overdue: bool


def next_check(
    planned_minutes: Sequence[int], taken_minutes: Sequence[int], minutes_elapsed: int
) -> NextCheck | None:
    """None when every planned check has its reading. Overdue once a whole minute has passed
    since the planned minute (the run sheet records minutes; no other grace is invented)."""
    missing = missing_checks(planned_minutes, taken_minutes)
    if not missing:
        return None
    return NextCheck(missing[0], minutes_elapsed > missing[0])
