"""QIDS-SR16: Quick Inventory of Depressive Symptomatology, self-report (clinical.md Q7).

16 items, each 0-3, folded into the 9 DSM symptom domains. Where a domain has several
items the domain score is the highest of them (Q7): sleep = items 1-4, appetite/weight =
items 6-9, psychomotor = items 15-16; every other domain is a single item. The total is
the sum of the 9 domain scores, 0-27, banded 0-5 none, 6-10 mild, 11-15 moderate,
16-20 severe, 21-27 very severe (Q7). Remission (<= 5, STAR*D) lives in outcomes.py.

Licensing: short labels only here; administer the published form, whose instructions set
the recall window. No LOINC code is sourced (clinical.md section 9).
No suicidality flag is raised from item 12: clinical.md sources that flag only for PHQ-9
item 9 and the C-SSRS (see docs/clinical-rules.md, open questions).
"""

from __future__ import annotations

from collections.abc import Sequence

from ketacare.clinical.instruments.base import Item, RatingScale, SeverityBand

_LABELS = (
    "Falling asleep",
    "Sleep during the night",
    "Waking up too early",
    "Sleeping too much",
    "Feeling sad",
    "Decreased appetite",
    "Increased appetite",
    "Decreased weight",
    "Increased weight",
    "Concentration / decision making",
    "View of myself",
    "Thoughts of death or suicide",
    "General interest",
    "Energy level",
    "Feeling slowed down",
    "Feeling restless",
)

ITEMS = tuple(Item(number, label, 0, 3) for number, label in enumerate(_LABELS, start=1))

# Domain -> item numbers; the domain score is the highest of its items (Q7).
DOMAINS: dict[str, tuple[int, ...]] = {
    "sleep": (1, 2, 3, 4),
    "sad mood": (5,),
    "appetite/weight": (6, 7, 8, 9),
    "concentration": (10,),
    "view of self": (11,),
    "suicidal ideation": (12,),
    "general interest": (13,),
    "energy": (14,),
    "psychomotor": (15, 16),
}


def domain_scores(values: Sequence[int]) -> dict[str, int]:
    return {
        domain: max(values[number - 1] for number in numbers) for domain, numbers in DOMAINS.items()
    }


def _total(values: Sequence[int]) -> int:
    return sum(domain_scores(values).values())


QIDS_SR16 = RatingScale(
    key="qids-sr16",
    name="QIDS-SR16",
    items=ITEMS,
    recall_period="As printed on the QIDS-SR16 form",
    total_range=(0, 27),
    sources=("Q7",),
    self_report=True,  # the "SR" is self-report (Q7)
    bands=(
        SeverityBand("none", 0, 5),
        SeverityBand("mild", 6, 10),
        SeverityBand("moderate", 11, 15),
        SeverityBand("severe", 16, 20),
        SeverityBand("very severe", 21, 27),
    ),
    licence_note="Short labels only; administer the published form.",
    total_rule=_total,
    subscale_rule=domain_scores,
)
