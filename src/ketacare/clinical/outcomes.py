"""Treatment outcomes from a dated score series: response, remission, relapse, signals.

Definitions (clinical.md section 4 "Outcome" table and issue 4):

* Response: a reduction of at least 50% from baseline (T4, T2, H5).
* Partial response: 25-49% reduction (issue 4; not in clinical.md, so configurable).
* Remission, per instrument: PHQ-9 < 5 (clinical.md §4), QIDS-SR16 <= 5 (Q7, STAR*D),
  MADRS <= 10 by default (issue 4, not in clinical.md) or the sourced <= 12
  (ASPIRE/SUSTAIN-3, T3, T2) or < 10 (Q6) as a setting. GAD-7 < 5 is the bottom of Q4's
  banding (below "mild"), not a published remission definition: a labelled setting.
* The response rule is sourced for MADRS, PHQ-9 and GAD-7 (T4, T2, H5); QIDS-SR16 and
  PCL-5 use it by extension. C-SSRS and CADSS are refused: they are not outcome scales.
* Relapse: after a response, the score is back above the response threshold on N
  consecutive measurements (default 2). Trial definitions vary and SUSTAIN-1's is
  unsourced (T1), so N is a clinic setting.
* Booster due: a responder's latest score is back above the response threshold but not
  yet for N measurements (relapse is starting), or, if the clinic sets it, has risen by
  a set number of points from the best score since response. Maintenance practice is to
  dose a little before the prior effect wears off (K1).
* Futility: no response after 3 IV infusions (APA consensus, K7: few respond after more
  than 3 if none before). A signal for review, not a stop rule: in real-world data 20%
  responded only at infusions 10-12 (K20).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from ketacare.clinical import instruments
from ketacare.clinical.errors import InvalidClinicalInput

BOOSTER_DUE = "booster due"
FUTILITY = "futility"


@dataclass(frozen=True)
class ScorePoint:
    taken_on: date
    total: int


class ResponseStatus(StrEnum):
    RESPONSE = "response"
    PARTIAL_RESPONSE = "partial response"
    NO_RESPONSE = "no response"


@dataclass(frozen=True)
class OutcomeSettings:
    response_reduction_percent: float = 50.0
    """T4, T2, H5."""
    partial_response_reduction_percent: float = 25.0
    """Issue 4 (25-49%); not in clinical.md: a clinic may change it."""
    madrs_remission_at_or_below: int = 10
    """Default 10 is issue 4's choice, NOT in clinical.md (a labelled setting); the sourced
    alternatives are 12 (ASPIRE/SUSTAIN-3, T3, T2) and 9 (< 10, Hawley 2002, Q6)."""
    gad7_remission_at_or_below: int | None = 4
    """Derived, not a published remission rule: 4 is the top of Q4's band below "mild"
    (< 5). A clinic may set None to report no GAD-7 remission at all."""
    relapse_consecutive_measurements: int = 2
    """Clinic's choice, not sourced: trial relapse definitions vary (T1)."""
    booster_rise_from_best_points: int | None = None
    """Clinic's choice, not sourced: rise from the best score that signals a booster."""
    futility_after_iv_infusions: int = 3
    """K7 (APA consensus)."""

    def __post_init__(self) -> None:
        if self.madrs_remission_at_or_below not in (9, 10, 12):
            raise InvalidClinicalInput(
                "madrs_remission_at_or_below must be 9 (Q6), 10 (issue 4) or 12 (T3, T2)"
            )
        if self.gad7_remission_at_or_below not in (None, 4):
            raise InvalidClinicalInput(
                "gad7_remission_at_or_below must be 4 (below Q4's 'mild' band) or None"
            )
        if self.relapse_consecutive_measurements < 1:
            raise InvalidClinicalInput("relapse_consecutive_measurements must be at least 1")
        if not 0 < self.partial_response_reduction_percent < self.response_reduction_percent:
            raise InvalidClinicalInput(
                "partial_response_reduction_percent must be above 0 and below the response cut"
            )


MADRS_REMISSION_SOURCES = {
    9: "Q6 (MADRS < 10)",
    10: "issue 4 (clinic setting; not in clinical.md)",
    12: "T3, T2 (ASPIRE, SUSTAIN-3)",
}

NOT_OUTCOME_MEASURES = {
    "cssrs": "the C-SSRS screener is a risk triage, not a severity scale (Q8)",
    "cadss": "the CADSS rates a session's dissociation, an adverse effect (Q9, S5)",
}
"""Scales `summarise` refuses: a fall in their score is not a treatment response."""


def remission_cutoff(instrument: str, settings: OutcomeSettings) -> tuple[int, str] | None:
    """Highest total that counts as remission, with its source; None if none is sourced."""
    rules: dict[str, tuple[int, str]] = {
        "phq9": (4, "clinical.md §4: PHQ-9 < 5"),
        "qids-sr16": (5, "Q7 (STAR*D)"),
        "madrs": (
            settings.madrs_remission_at_or_below,
            MADRS_REMISSION_SOURCES[settings.madrs_remission_at_or_below],
        ),
    }
    if settings.gad7_remission_at_or_below is not None:
        rules["gad7"] = (
            settings.gad7_remission_at_or_below,
            "Q4 bands: below 'mild' (derived clinic setting, not a published remission rule)",
        )
    return rules.get(instrument)


def percent_change(baseline_total: int, total: int) -> float:
    """Change from baseline in percent; negative is improvement (-50.0 = halved)."""
    if baseline_total <= 0:
        raise InvalidClinicalInput("baseline total must be above 0 to measure change")
    return (total - baseline_total) / baseline_total * 100.0


def response_line(baseline_total: int, settings: OutcomeSettings = OutcomeSettings()) -> float:
    """The highest total that still counts as a response from this baseline (T4, T2, H5): a
    score above it is "back above the response threshold" in the booster and relapse rules."""
    return baseline_total * (1 - settings.response_reduction_percent / 100)


def response_status(
    baseline_total: int, total: int, settings: OutcomeSettings = OutcomeSettings()
) -> ResponseStatus:
    reduction = -percent_change(baseline_total, total)
    if reduction >= settings.response_reduction_percent:
        return ResponseStatus.RESPONSE
    if reduction >= settings.partial_response_reduction_percent:
        return ResponseStatus.PARTIAL_RESPONSE
    return ResponseStatus.NO_RESPONSE


@dataclass(frozen=True)
class Signal:
    name: str
    reason: str
    source: str


@dataclass(frozen=True)
class OutcomeSummary:
    instrument: str
    baseline_total: int
    latest_total: int
    latest_percent_change: float
    status: ResponseStatus
    in_remission: bool | None
    """None when the instrument has no remission rule (PCL-5; GAD-7 if the clinic turned
    its derived rule off)."""
    first_response_on: date | None
    days_to_response: int | None
    """From the first dose if dose dates are given, else from the baseline."""
    relapse_on: date | None
    """Onset (first measurement) of the latest confirmed relapse."""
    durability_days: int | None
    """Days from the last dose before the relapse to the relapse."""
    signals: tuple[Signal, ...]


def _validate(series: Sequence[ScorePoint], baseline: ScorePoint, instrument: str) -> None:
    low, high = instruments.get(instrument).total_range
    for index, point in enumerate([baseline, *series]):
        name = "baseline" if index == 0 else f"series[{index - 1}]"
        if not low <= point.total <= high:
            raise InvalidClinicalInput(f"{name}: total {point.total} outside {low}-{high}")
        if point.taken_on < baseline.taken_on:
            raise InvalidClinicalInput(f"{name}: {point.taken_on} is before the baseline")
    dates = [point.taken_on for point in series]
    if dates != sorted(dates):
        raise InvalidClinicalInput("series must be in date order")


@dataclass(frozen=True)
class _Course:
    """Where a course stands after walking its scores in date order."""

    first_response_on: date | None
    relapse_on: date | None
    responding: bool
    measurements_above_threshold: int
    best_since_response: int | None


def _walk(series: Sequence[ScorePoint], baseline: ScorePoint, settings: OutcomeSettings) -> _Course:
    """Responding -> (N consecutive scores above the response threshold) -> relapsed."""
    first_response: date | None = None
    relapse_on: date | None = None
    responding = False
    run: list[ScorePoint] = []
    best: int | None = None
    for point in series:
        if response_status(baseline.total, point.total, settings) is ResponseStatus.RESPONSE:
            first_response = first_response or point.taken_on
            responding, run = True, []
            best = point.total if best is None else min(best, point.total)
        elif responding:
            run.append(point)
            if len(run) >= settings.relapse_consecutive_measurements:
                relapse_on, responding, run, best = run[0].taken_on, False, [], None
    return _Course(first_response, relapse_on, responding, len(run), best)


def _signals(
    course: _Course,
    latest: ScorePoint,
    settings: OutcomeSettings,
    iv_infusions_given: int | None,
) -> tuple[Signal, ...]:
    signals: list[Signal] = []
    if course.responding and course.measurements_above_threshold:
        signals.append(
            Signal(
                BOOSTER_DUE,
                f"score back above the response threshold on {latest.taken_on}; "
                "relapse if it stays there",
                "K1",
            )
        )
    elif course.responding and settings.booster_rise_from_best_points is not None:
        rise = latest.total - (
            latest.total if course.best_since_response is None else course.best_since_response
        )
        if rise >= settings.booster_rise_from_best_points:
            signals.append(
                Signal(
                    BOOSTER_DUE,
                    f"score rose {rise} points from best since response",
                    "clinic setting, K1",
                )
            )
    if (
        course.first_response_on is None
        and iv_infusions_given is not None
        and iv_infusions_given >= settings.futility_after_iv_infusions
    ):
        signals.append(
            Signal(
                FUTILITY,
                f"no response after {iv_infusions_given} IV infusions; "
                "review (some respond only at infusions 10-12, K20)",
                "K7",
            )
        )
    return tuple(signals)


def summarise(
    series: Sequence[ScorePoint],
    baseline: ScorePoint,
    instrument: str,
    *,
    settings: OutcomeSettings = OutcomeSettings(),
    dose_dates: Sequence[date] = (),
    iv_infusions_given: int | None = None,
) -> OutcomeSummary:
    """Outcome of a course from its baseline and later scores on one instrument.

    `iv_infusions_given` (IV courses only) enables the futility signal.
    """
    if instrument in NOT_OUTCOME_MEASURES:
        raise InvalidClinicalInput(
            f"instrument {instrument!r}: no response/remission rule applies; "
            f"{NOT_OUTCOME_MEASURES[instrument]}"
        )
    if not series:
        raise InvalidClinicalInput("series: at least one score after baseline is needed")
    _validate(series, baseline, instrument)
    course = _walk(series, baseline, settings)
    latest = series[-1]
    first, relapse = course.first_response_on, course.relapse_on
    start = min(dose_dates) if dose_dates else baseline.taken_on
    # A dose on the day the relapse is measured is not the one whose effect wore off.
    last_dose = max((d for d in dose_dates if relapse and d < relapse), default=None)
    cutoff = remission_cutoff(instrument, settings)
    return OutcomeSummary(
        instrument=instrument,
        baseline_total=baseline.total,
        latest_total=latest.total,
        latest_percent_change=percent_change(baseline.total, latest.total),
        status=response_status(baseline.total, latest.total, settings),
        in_remission=None if cutoff is None else latest.total <= cutoff[0],
        first_response_on=first,
        days_to_response=(first - start).days if first else None,
        relapse_on=relapse,
        durability_days=(relapse - last_dose).days if relapse and last_dose else None,
        signals=_signals(course, latest, settings, iv_infusions_given),
    )
