"""Diagnoses against the CMS ICD-10-CM code set, so a code shows its name and an unknown code
is refused (DESIGN.md: code sets).

The code set is the `simple-icd-10-cm` package (April 2026 ICD-10-CM release, from the CDC/NCHS
files). Only categories and subcategories are diagnoses: chapters and blocks ("F30-F39") are
headings of the classification, not codes a clinician records.
"""

from __future__ import annotations

import gc
import importlib
from dataclasses import dataclass
from functools import cache
from types import ModuleType

RELEASE = "ICD-10-CM, April 2026 release (CDC/NCHS)"


@cache
def _code_set() -> ModuleType:
    # Loading the tables takes ~1.5 s: only when a diagnosis is first checked or shown,
    # not on every start of the CLI.
    module = importlib.import_module("simple_icd_10_cm")
    # Its ~600,000 objects live as long as the process; left to the collector, every full
    # collection walked them all: a 0.3-0.8 s pause in whichever request triggered it
    # (bench/clinic_scale.py, docs/performance.md). Frozen, the collector skips them.
    gc.collect()
    gc.freeze()
    return module


def is_diagnosis_code(code: str) -> bool:
    cm = _code_set()
    return bool(cm.is_valid_item(code) and cm.is_category_or_subcategory(code))


def title(code: str) -> str:
    """The code's CMS title; "" for a code that is not in the code set."""
    return str(_code_set().get_description(code)) if is_diagnosis_code(code) else ""


@dataclass(frozen=True)
class Diagnosis:
    code: str
    name: str  # "" when the code is not in the code set (stored before it was checked)


def named(codes: list[str]) -> list[Diagnosis]:
    return [Diagnosis(c, title(c)) for c in codes]
