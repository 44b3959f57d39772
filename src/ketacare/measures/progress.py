"""Per-scale progress for the chart: the clinical core's outcome rules over stored responses."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from ketacare.clinical import instruments, outcomes
from ketacare.clinical.errors import ClinicalRuleError
from ketacare.measures.models import ScaleResponse


@dataclass(frozen=True)
class InstrumentProgress:
    instrument: str
    name: str
    responses: list[ScaleResponse]
    summary: outcomes.OutcomeSummary | None
    """None for a single response, or a scale with no response rule (C-SSRS, CADSS)."""

    @property
    def latest(self) -> ScaleResponse:
        return self.responses[-1]

    @property
    def baseline(self) -> ScaleResponse:
        return self.responses[0]

    @property
    def booster_signal(self) -> outcomes.Signal | None:
        """The clinical rule's booster signal: the one definition of "booster due"."""
        return self._signal(outcomes.BOOSTER_DUE)

    @property
    def futility_signal(self) -> outcomes.Signal | None:
        """The clinical rule's futility signal (no response after 3 IV infusions, K7)."""
        return self._signal(outcomes.FUTILITY)

    def _signal(self, name: str) -> outcomes.Signal | None:
        signals = self.summary.signals if self.summary else ()
        return next((s for s in signals if s.name == name), None)


def progress_by_instrument(
    responses: Iterable[ScaleResponse], iv_infusion_dates: Sequence[date] = ()
) -> list[InstrumentProgress]:
    """Group by scale (oldest first within each); the first response is the baseline.
    `iv_infusion_dates` (an IV course's infusions) lets the futility rule count them."""
    grouped: dict[str, list[ScaleResponse]] = {}
    for response in sorted(responses, key=lambda r: (r.taken_at, r.pk)):
        grouped.setdefault(response.instrument, []).append(response)
    return [
        InstrumentProgress(
            key, instruments.get(key).name, rows, _summary(key, rows, iv_infusion_dates)
        )
        for key, rows in grouped.items()
    ]


def _summary(
    key: str, rows: list[ScaleResponse], iv_dates: Sequence[date] = ()
) -> outcomes.OutcomeSummary | None:
    if len(rows) < 2:
        return None
    points = [outcomes.ScorePoint(r.taken_at.date(), r.total) for r in rows]
    # Infusions from the baseline on count towards this course; none given: not an IV course.
    given = sum(1 for d in iv_dates if d >= points[0].taken_on) if iv_dates else None
    try:
        return outcomes.summarise(points[1:], points[0], key, iv_infusions_given=given or None)
    except ClinicalRuleError:
        return None


@dataclass(frozen=True)
class ScaleSnapshot:
    """A scale on the chart: its latest response against its baseline (the first)."""

    instrument: str
    name: str
    latest: ScaleResponse
    baseline: ScaleResponse
    percent_change: float | None
    status: outcomes.ResponseStatus | None
    in_remission: bool | None
    """All three None for a single response or a scale without a response rule."""


def _change(key: str, baseline: ScaleResponse, latest: ScaleResponse) -> tuple[Any, Any, Any]:
    if latest.pk == baseline.pk or key in outcomes.NOT_OUTCOME_MEASURES:
        return None, None, None
    try:
        change = outcomes.percent_change(baseline.total, latest.total)
    except ClinicalRuleError:
        return None, None, None
    cutoff = outcomes.remission_cutoff(key, outcomes.OutcomeSettings())
    return (
        change,
        outcomes.response_status(baseline.total, latest.total),
        None if cutoff is None else latest.total <= cutoff[0],
    )


def snapshots(responses: QuerySet[ScaleResponse] | Sequence[ScaleResponse]) -> list[ScaleSnapshot]:
    """Per scale, the baseline and latest response: one query that reads two rows per scale
    (window functions), whatever the length of the history."""
    if not isinstance(responses, QuerySet):
        return []
    order = [F("taken_at").asc(), F("id").asc()]
    reverse = [F("taken_at").desc(), F("id").desc()]
    rows = (
        responses.annotate(
            first=Window(RowNumber(), partition_by=[F("instrument")], order_by=order),
            last=Window(RowNumber(), partition_by=[F("instrument")], order_by=reverse),
        )
        .filter(Q(first=1) | Q(last=1))
        .only("instrument", "taken_at", "total", "severity", "risk")
    )
    ends: dict[str, dict[str, ScaleResponse]] = {}
    for row in rows:
        end = ends.setdefault(row.instrument, {})
        if row.first == 1:
            end["baseline"] = row
        if row.last == 1:
            end["latest"] = row
    return [
        ScaleSnapshot(
            key,
            instruments.get(key).name,
            end["latest"],
            end["baseline"],
            *_change(key, end["baseline"], end["latest"]),
        )  # fmt: skip
        for key, end in sorted(ends.items(), key=lambda item: item[1]["baseline"].taken_at)
    ]
