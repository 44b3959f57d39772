"""PHQ-9: Patient Health Questionnaire, 9 items (Kroenke 2001; clinical.md Q1, Q2, Q3).

Self-report, each item 0 ("not at all") to 3 ("nearly every day") over the last 2 weeks;
total 0-27 with bands at 5/10/15/20 (Q1). Item 9 asks about thoughts of death or self-harm;
any answer above 0 raises the `suicidality` flag, because the one-year attempt risk rises
from 0.4% at "not at all" to 4% at "nearly every day" (Q3) and the design requires a
visible alert until a clinician acknowledges it (DESIGN.md, Safety rules).

Missing items are refused, not prorated: clinical.md cites no prorating rule for the
PHQ-9 (see docs/clinical-rules.md).
"""

from __future__ import annotations

from collections.abc import Sequence

from ketacare.clinical.instruments.base import Item, RatingScale, SeverityBand

SUICIDALITY = "suicidality"
ITEM9_INDEX = 8

_TEXTS = (
    "Little interest or pleasure in doing things",
    "Feeling down, depressed, or hopeless",
    "Trouble falling or staying asleep, or sleeping too much",
    "Feeling tired or having little energy",
    "Poor appetite or overeating",
    "Feeling bad about yourself - or that you are a failure or have let yourself or your "
    "family down",
    "Trouble concentrating on things, such as reading the newspaper or watching television",
    "Moving or speaking so slowly that other people could have noticed? Or the opposite - "
    "being so fidgety or restless that you have been moving around a lot more than usual",
    "Thoughts that you would be better off dead or of hurting yourself in some way",
)

ANSWER_LABELS = ("Not at all", "Several days", "More than half the days", "Nearly every day")

# LOINC: clinical.md gives item 9 (44260-8) and the total (44261-6) individually (Q2);
# the other item codes are given only as a range, so they are not mapped here.
ITEMS = tuple(
    Item(number, text, 0, 3, loinc="44260-8" if number == 9 else None)
    for number, text in enumerate(_TEXTS, start=1)
)


def _flags(values: Sequence[int], total: int) -> tuple[str, ...]:
    return (SUICIDALITY,) if values[ITEM9_INDEX] > 0 else ()


PHQ9 = RatingScale(
    key="phq9",
    name="PHQ-9",
    items=ITEMS,
    recall_period="Over the last 2 weeks",
    total_range=(0, 27),
    sources=("Q1", "Q2", "Q3"),
    self_report=True,  # Self-report (Q1)
    # Q1: 5/10/15/20 = mild/moderate/moderately severe/severe; below 5 is "minimal".
    bands=(
        SeverityBand("minimal", 0, 4),
        SeverityBand("mild", 5, 9),
        SeverityBand("moderate", 10, 14),
        SeverityBand("moderately severe", 15, 19),
        SeverityBand("severe", 20, 27),
    ),
    loinc_total="44261-6",
    answer_labels=ANSWER_LABELS,
    flag_rule=_flags,
)
