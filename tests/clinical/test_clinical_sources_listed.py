"""Every source key the clinical code cites is in the reference list of docs/clinical-rules.md,
so a reviewer can follow every number to its source."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CITING = ("clinical", "sessions", "clinics", "measures", "patients")
KEY = re.compile(r"\b([SKQTHPBN]\d{1,2})\b")


def cited_keys() -> set[str]:
    keys: set[str] = set()
    for folder in CITING:
        for path in (ROOT / "src" / "ketacare" / folder).rglob("*"):
            if path.suffix in (".py", ".html") and "migrations" not in path.parts:
                keys |= set(KEY.findall(path.read_text(encoding="utf-8")))
    return keys


def listed_keys() -> set[str]:
    text = (ROOT / "docs" / "clinical-rules.md").read_text(encoding="utf-8")
    references = text.split("## References", 1)[1]
    return set(re.findall(r"^- ([A-Z]\d{1,2}) ", references, flags=re.MULTILINE))


def test_every_key_the_code_cites_is_in_the_docs_reference_list() -> None:
    cited = cited_keys()
    assert {"N1", "N2", "N3"} <= cited  # the scan sees the monitoring rules
    assert cited - listed_keys() == set()
