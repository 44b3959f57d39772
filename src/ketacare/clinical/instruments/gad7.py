"""GAD-7: Generalized Anxiety Disorder scale, 7 items (Spitzer 2006; clinical.md Q4).

Self-report, each item 0-3 over the last 2 weeks; total 0-21 with bands at 5/10/15
(mild/moderate/severe, Q4). No safety flag: the GAD-7 asks nothing about self-harm.
Missing items are refused (no sourced prorating rule).
"""

from __future__ import annotations

from ketacare.clinical.instruments.base import Item, RatingScale, SeverityBand

_TEXTS = (
    "Feeling nervous, anxious, or on edge",
    "Not being able to stop or control worrying",
    "Worrying too much about different things",
    "Trouble relaxing",
    "Being so restless that it is hard to sit still",
    "Becoming easily annoyed or irritable",
    "Feeling afraid, as if something awful might happen",
)

ITEMS = tuple(Item(number, text, 0, 3) for number, text in enumerate(_TEXTS, start=1))

GAD7 = RatingScale(
    key="gad7",
    name="GAD-7",
    items=ITEMS,
    recall_period="Over the last 2 weeks",
    total_range=(0, 21),
    sources=("Q4",),
    self_report=True,  # Self-report (Q4)
    bands=(
        SeverityBand("minimal", 0, 4),
        SeverityBand("mild", 5, 9),
        SeverityBand("moderate", 10, 14),
        SeverityBand("severe", 15, 21),
    ),
    answer_labels=("Not at all", "Several days", "More than half the days", "Nearly every day"),
    loinc_total="70274-6",  # Q4
    loinc_panel="69737-5",  # Q4
)
