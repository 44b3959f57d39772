"""CADSS: Clinician-Administered Dissociative States Scale (clinical.md Q9).

The 23-item version scored here: each item 0-4, total 0-92 (Q9). CADSS-6 is the
simplified subset of items 1, 2, 6, 7, 15 and 22 (Q9), reported as the `CADSS-6`
subscale (0-24). The Spravato trials measured dissociation with the CADSS (S5).

No severity bands, flags or LOINC code are sourced (clinical.md section 9), so
`severity` is None and no flag is raised. Licensing: item wording is not reproduced;
items carry numbers only, rate from the licensed form (recall: the dosing session).
Missing items are refused.
"""

from __future__ import annotations

from collections.abc import Sequence

from ketacare.clinical.instruments.base import Answers, Item, RatingScale, check_answer, check_count

CADSS6_ITEMS = (1, 2, 6, 7, 15, 22)  # Q9

ITEMS = tuple(Item(number, f"CADSS item {number}", 0, 4) for number in range(1, 24))


def _subscales(values: Sequence[int]) -> dict[str, int]:
    return {"CADSS-6": sum(values[number - 1] for number in CADSS6_ITEMS)}


CADSS = RatingScale(
    key="cadss",
    name="CADSS",
    items=ITEMS,
    recall_period="The dosing session being rated",
    total_range=(0, 92),
    sources=("Q9", "S5"),
    self_report=False,  # Clinician-Administered, the scale's name (Q9)
    licence_note="Item wording not reproduced; numbered items only, use the licensed form.",
    subscale_rule=_subscales,
)


def score_cadss6(answers: Answers) -> int:
    """The CADSS-6 alone (items 1, 2, 6, 7, 15, 22, each 0-4; total 0-24, Q9), as rated after
    an at-home session: the same items and checks as the full scale, no prorating."""
    items = tuple(ITEMS[number - 1] for number in CADSS6_ITEMS)
    check_count("CADSS-6", items, answers)
    return sum(check_answer("CADSS-6", item, a) for item, a in zip(items, answers, strict=True))
