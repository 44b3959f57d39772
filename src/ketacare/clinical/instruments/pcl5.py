"""PCL-5: PTSD Checklist for DSM-5, 20 items (clinical.md Q5).

Self-report, each item 0 ("not at all") to 4 ("extremely") for the past month; total 0-80.
The PCL-5 has no severity bands (Q5), so `severity` is always None. Two flags:

* `probable PTSD` at a total of 33 or more. Q5 reports a probable-PTSD cut-off of 31-33;
  issue 4 fixes 33, the top of that range, so fewer false positives are flagged.
* `provisional DSM-5 diagnosis` by the cluster rule (Q5): an item rated 2 ("moderately")
  or higher counts as an endorsed symptom, and at least 1 B item (1-5), 1 C item (6-7),
  2 D items (8-14) and 2 E items (15-20) must be endorsed.

No LOINC code is sourced (clinical.md section 9). Missing items are refused.
"""

from __future__ import annotations

from collections.abc import Sequence

from ketacare.clinical.instruments.base import Item, RatingScale

PROBABLE_PTSD = "probable PTSD"
PROVISIONAL_DIAGNOSIS = "provisional DSM-5 diagnosis"
PROBABLE_PTSD_CUTOFF = 33  # Q5 (31-33 range), issue 4 uses 33
SYMPTOM_ENDORSED_AT = 2  # Q5: "moderately" or more counts as a symptom

# Cluster -> (first item, last item, symptoms required); Q5.
CLUSTERS: dict[str, tuple[int, int, int]] = {
    "B": (1, 5, 1),
    "C": (6, 7, 1),
    "D": (8, 14, 2),
    "E": (15, 20, 2),
}

_TEXTS = (
    "Repeated, disturbing, and unwanted memories of the stressful experience?",
    "Repeated, disturbing dreams of the stressful experience?",
    "Suddenly feeling or acting as if the stressful experience were actually happening "
    "again (as if you were actually back there reliving it)?",
    "Feeling very upset when something reminded you of the stressful experience?",
    "Having strong physical reactions when something reminded you of the stressful "
    "experience (for example, heart pounding, trouble breathing, sweating)?",
    "Avoiding memories, thoughts, or feelings related to the stressful experience?",
    "Avoiding external reminders of the stressful experience (for example, people, places, "
    "conversations, activities, objects, or situations)?",
    "Trouble remembering important parts of the stressful experience?",
    "Having strong negative beliefs about yourself, other people, or the world (for "
    "example, having thoughts such as: I am bad, there is something seriously wrong with "
    "me, no one can be trusted, the world is completely dangerous)?",
    "Blaming yourself or someone else for the stressful experience or what happened after it?",
    "Having strong negative feelings such as fear, horror, anger, guilt, or shame?",
    "Loss of interest in activities that you used to enjoy?",
    "Feeling distant or cut off from other people?",
    "Trouble experiencing positive feelings (for example, being unable to feel happiness or "
    "have loving feelings for people close to you)?",
    "Irritable behavior, angry outbursts, or acting aggressively?",
    "Taking too many risks or doing things that could cause you harm?",
    'Being "superalert" or watchful or on guard?',
    "Feeling jumpy or easily startled?",
    "Having difficulty concentrating?",
    "Trouble falling or staying asleep?",
)

ITEMS = tuple(Item(number, text, 0, 4) for number, text in enumerate(_TEXTS, start=1))


def cluster_totals(values: Sequence[int]) -> dict[str, int]:
    """Sum of item ratings per DSM-5 cluster (B, C, D, E)."""
    return {name: sum(values[first - 1 : last]) for name, (first, last, _need) in CLUSTERS.items()}


def meets_cluster_rule(values: Sequence[int]) -> bool:
    """True when every cluster has its required number of items rated 2 or more (Q5)."""
    return all(
        sum(1 for rating in values[first - 1 : last] if rating >= SYMPTOM_ENDORSED_AT) >= need
        for first, last, need in CLUSTERS.values()
    )


def _flags(values: Sequence[int], total: int) -> tuple[str, ...]:
    flags = []
    if total >= PROBABLE_PTSD_CUTOFF:
        flags.append(PROBABLE_PTSD)
    if meets_cluster_rule(values):
        flags.append(PROVISIONAL_DIAGNOSIS)
    return tuple(flags)


PCL5 = RatingScale(
    key="pcl5",
    name="PCL-5",
    items=ITEMS,
    recall_period="In the past month",
    total_range=(0, 80),
    sources=("Q5",),
    self_report=True,  # Self-report (Q5)
    answer_labels=("Not at all", "A little bit", "Moderately", "Quite a bit", "Extremely"),
    flag_rule=_flags,
    subscale_rule=cluster_totals,
)
