"""Per-scale progress for the chart: the clinical core's outcome rules over stored responses."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

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
        signals = self.summary.signals if self.summary else ()
        return next((s for s in signals if s.name == outcomes.BOOSTER_DUE), None)


def progress_by_instrument(responses: Iterable[ScaleResponse]) -> list[InstrumentProgress]:
    """Group by scale (oldest first within each); the first response is the baseline."""
    grouped: dict[str, list[ScaleResponse]] = {}
    for response in sorted(responses, key=lambda r: (r.taken_at, r.pk)):
        grouped.setdefault(response.instrument, []).append(response)
    return [
        InstrumentProgress(key, instruments.get(key).name, rows, _summary(key, rows))
        for key, rows in grouped.items()
    ]


def _summary(key: str, rows: list[ScaleResponse]) -> outcomes.OutcomeSummary | None:
    if len(rows) < 2:
        return None
    points = [outcomes.ScorePoint(r.taken_at.date(), r.total) for r in rows]
    try:
        return outcomes.summarise(points[1:], points[0], key)
    except ClinicalRuleError:
        return None
