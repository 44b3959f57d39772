"""Names for the ICD-10-CM codes a ketamine clinic records, so nobody reads a bare code.

Titles from the CMS ICD-10-CM tabular list (the code itself, else its category); a code not
listed here keeps its code with a plain note. A full code set (simple-icd-10-cm, DESIGN.md)
can replace this table without changing its callers.
"""

from __future__ import annotations

from dataclasses import dataclass

_TITLES = {
    "F32.0": "Major depressive disorder, single episode, mild",
    "F32.1": "Major depressive disorder, single episode, moderate",
    "F32.2": "Major depressive disorder, single episode, severe without psychotic features",
    "F32.3": "Major depressive disorder, single episode, severe with psychotic features",
    "F32.9": "Major depressive disorder, single episode, unspecified",
    "F32.A": "Depression, unspecified",
    "F33.0": "Major depressive disorder, recurrent, mild",
    "F33.1": "Major depressive disorder, recurrent, moderate",
    "F33.2": "Major depressive disorder, recurrent, severe without psychotic features",
    "F33.3": "Major depressive disorder, recurrent, severe with psychotic symptoms",
    "F33.9": "Major depressive disorder, recurrent, unspecified",
    "F41.1": "Generalized anxiety disorder",
    "F43.10": "Post-traumatic stress disorder, unspecified",
    "F43.11": "Post-traumatic stress disorder, acute",
    "F43.12": "Post-traumatic stress disorder, chronic",
    "G89.4": "Chronic pain syndrome",
}
_CATEGORIES = {
    "F31": "Bipolar disorder",
    "F32": "Major depressive disorder, single episode",
    "F33": "Major depressive disorder, recurrent",
    "F41": "Other anxiety disorders",
    "F42": "Obsessive-compulsive disorder",
    "F43": "Reaction to severe stress, and adjustment disorders",
    "G89": "Pain, not elsewhere classified",
}


@dataclass(frozen=True)
class Diagnosis:
    code: str
    name: str  # "" when the code is not in the table


def named(codes: list[str]) -> list[Diagnosis]:
    return [Diagnosis(c, _TITLES.get(c) or _CATEGORIES.get(c[:3], "")) for c in codes]
