"""MADRS: Montgomery-Asberg Depression Rating Scale, 10 items (clinical.md Q6, Q9).

Clinician-rated, each item 0-6; total 0-60. Bands are Snaith's: 0-6 none, 7-19 mild,
20-34 moderate, 35-60 severe (Q6). No LOINC code is sourced (clinical.md section 9).

Licensing: the MADRS item wording and anchors are copyrighted; only short labels are
kept here. Rate from the licensed form; its instructions set the recall window.
Missing items are refused (no sourced prorating rule).
"""

from __future__ import annotations

from ketacare.clinical.instruments.base import Item, RatingScale, SeverityBand

_LABELS = (
    "Apparent sadness",
    "Reported sadness",
    "Inner tension",
    "Reduced sleep",
    "Reduced appetite",
    "Concentration difficulties",
    "Lassitude",
    "Inability to feel",
    "Pessimistic thoughts",
    "Suicidal thoughts",
)

ITEMS = tuple(Item(number, label, 0, 6) for number, label in enumerate(_LABELS, start=1))

MADRS = RatingScale(
    key="madrs",
    name="MADRS",
    items=ITEMS,
    recall_period="As set by the licensed form (clinician interview)",
    total_range=(0, 60),
    sources=("Q6", "Q9"),
    self_report=False,  # clinician-rated (clinical.md section 4, Q6)
    bands=(
        SeverityBand("none", 0, 6),
        SeverityBand("mild", 7, 19),
        SeverityBand("moderate", 20, 34),
        SeverityBand("severe", 35, 60),
    ),
    licence_note="Copyrighted item wording: short labels only; use the licensed form.",
)
