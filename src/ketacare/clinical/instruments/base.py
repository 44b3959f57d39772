"""Building blocks shared by the rating scales: items, severity bands, score results.

A scale is data (its items, answer range, bands, LOINC codes, sources) plus a few small
rules (how the total is formed, which flags it raises). Keeping the data declarative lets
a clinician check each scale module against its scoring guide line by line.

Missing answers: no scale here prorates or imputes a missing item. `clinical.md` gives
no sourced missing-item rule for any of them, so an incomplete form is refused with the
item named (see docs/clinical-rules.md, "Missing items").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Protocol

from ketacare.clinical.errors import InvalidAnswers

Answers = Sequence[int | None]
"""Answers in item order; `None` marks an item left blank (or skipped by a screener)."""


@dataclass(frozen=True)
class Item:
    """One question or rated item of a scale, numbered as on the printed form."""

    number: int
    label: str
    min_answer: int
    max_answer: int
    loinc: str | None = None


@dataclass(frozen=True)
class SeverityBand:
    """A named band of totals, both ends inclusive."""

    label: str
    lowest: int
    highest: int

    def contains(self, total: int) -> bool:
        return self.lowest <= total <= self.highest


@dataclass(frozen=True)
class ScoreResult:
    """The scored form: what the chart, the alerts and `ketacare score` show.

    `severity` is None for scales without sourced bands (PCL-5, CADSS, C-SSRS);
    `risk` is only set by the C-SSRS screener. `subscales` holds named part-scores
    (PCL-5 clusters, QIDS-SR16 domains, CADSS-6).
    """

    instrument: str
    total: int
    severity: str | None
    flags: tuple[str, ...]
    risk: str | None = None
    subscales: Mapping[str, int] = field(default_factory=dict)

    def as_contract_dict(self) -> dict[str, object]:
        """The JSON object of the `ketacare score --json` contract (issue 4, section 1)."""
        return {
            "instrument": self.instrument,
            "total": self.total,
            "severity": self.severity,
            "flags": list(self.flags),
            "risk": self.risk,
        }


class Instrument(Protocol):
    """What every rating scale offers the web layer and the command line."""

    @property
    def key(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def items(self) -> tuple[Item, ...]: ...
    @property
    def recall_period(self) -> str: ...
    @property
    def total_range(self) -> tuple[int, int]: ...
    @property
    def sources(self) -> tuple[str, ...]: ...
    @property
    def self_report(self) -> bool: ...
    @property
    def licence_note(self) -> str: ...
    @property
    def answer_labels(self) -> tuple[str, ...]: ...

    def score(self, answers: Answers) -> ScoreResult: ...


def _no_flags(values: Sequence[int], total: int) -> tuple[str, ...]:
    return ()


def _no_subscales(values: Sequence[int]) -> dict[str, int]:
    return {}


def _sum(values: Sequence[int]) -> int:
    return sum(values)


def check_answer(scale_name: str, item: Item, answer: object) -> int:
    """Return the answer as an int, or refuse it naming the item and the allowed range."""
    where = f"{scale_name} item {item.number} ({item.label[:60]})"
    if answer is None:
        raise InvalidAnswers(
            f"{where} is missing; {scale_name} totals are never prorated, "
            "so every item must be answered"
        )
    if isinstance(answer, bool) or not isinstance(answer, int):
        raise InvalidAnswers(f"{where}: answer {answer!r} is not a whole number")
    if not item.min_answer <= answer <= item.max_answer:
        raise InvalidAnswers(
            f"{where}: answer {answer} is outside {item.min_answer}-{item.max_answer}"
        )
    return answer


def check_count(scale_name: str, items: Sequence[Item], answers: Answers) -> None:
    if len(answers) != len(items):
        raise InvalidAnswers(
            f"{scale_name} has {len(items)} items but {len(answers)} answers were given"
        )


@dataclass(frozen=True)
class RatingScale:
    """A scale whose items are all required integers, scored into one total.

    `total_rule` defaults to the plain sum; QIDS-SR16 passes its domain rule.
    `bands` must tile `total_range` without gaps or overlaps (checked on creation),
    so every possible total has exactly one severity label.
    """

    key: str
    name: str
    items: tuple[Item, ...]
    recall_period: str
    total_range: tuple[int, int]
    sources: tuple[str, ...]
    self_report: bool
    """True when the patient answers the form; False when a clinician rates it. Only a
    self-report scale may be entered by the patient (measures.entry_rules)."""
    bands: tuple[SeverityBand, ...] = ()
    loinc_total: str | None = None
    loinc_panel: str | None = None
    licence_note: str = "Free to reproduce; item text included."
    answer_labels: tuple[str, ...] = ()
    """Wording of each answer value from min to max, where the scale is free to reproduce."""
    total_rule: Callable[[Sequence[int]], int] = _sum
    flag_rule: Callable[[Sequence[int], int], tuple[str, ...]] = _no_flags
    subscale_rule: Callable[[Sequence[int]], dict[str, int]] = _no_subscales

    def __post_init__(self) -> None:
        if [item.number for item in self.items] != list(range(1, len(self.items) + 1)):
            raise ValueError(f"{self.name}: items must be numbered 1..n in order")
        if self.bands:
            expected = self.total_range[0]
            for band in self.bands:
                if band.lowest != expected or band.highest < band.lowest:
                    raise ValueError(f"{self.name}: band {band.label!r} leaves a gap or overlap")
                expected = band.highest + 1
            if expected != self.total_range[1] + 1:
                raise ValueError(f"{self.name}: bands do not reach the top of the range")

    def severity_for(self, total: int) -> str | None:
        """The severity label of a total, or None when the scale has no sourced bands."""
        for band in self.bands:
            if band.contains(total):
                return band.label
        return None

    def score(self, answers: Answers) -> ScoreResult:
        check_count(self.name, self.items, answers)
        values = tuple(
            check_answer(self.name, item, answer)
            for item, answer in zip(self.items, answers, strict=True)
        )
        total = self.total_rule(values)
        return ScoreResult(
            instrument=self.key,
            total=total,
            severity=self.severity_for(total),
            flags=self.flag_rule(values, total),
            subscales=MappingProxyType(self.subscale_rule(values)),
        )
