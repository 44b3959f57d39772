"""Every source key the code cites is in a reference list under docs/ (shared/domain does not
ship with KetaCare), so a reviewer can follow every number to its source: the clinical keys
in docs/clinical-rules.md, the pharmacology engine's in docs/pharmacology.md. A key names one
source wherever it is listed: clinical.md's P keys share their letters with the pharmacology
file's, so KetaCare cites clinical.md's Pn as CPn."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "src" / "ketacare"
KEY = re.compile(r"\b(CP\d{1,2}|[SKQTHPBNC]\d{1,2})\b")
# Names in the pharmacology engine's formulas that look like keys and are not: a half-effect
# level (P50, C50), a decaying signal's start (S0), intercompartmental clearances (Q1-Q3).
NOT_KEYS = {"P50", "C50", "S0", "Q1", "Q2", "Q3"}


def keys_in(paths: list[Path]) -> set[str]:
    keys: set[str] = set()
    for path in paths:
        if path.suffix in (".py", ".html") and "migrations" not in path.parts:
            keys |= set(KEY.findall(path.read_text(encoding="utf-8")))
    return keys


LISTED = re.compile(r"^- ([A-Z]{1,2}\d{1,2}) (.*)$", flags=re.MULTILINE)
URL = re.compile(r"https?://\S+")


def references_in(text: str) -> dict[str, str]:
    """Key -> its first address, from the reference list of one document."""
    if "## References" not in text:
        return {}
    listed = LISTED.findall(text.split("## References", 1)[1])
    return {key: next(iter(URL.findall(line)), line).rstrip(" ;,.") for key, line in listed}


def listed_in(doc: str) -> set[str]:
    return set(references_in((ROOT / "docs" / doc).read_text(encoding="utf-8")))


def keys_with_two_sources(docs: dict[str, str]) -> dict[str, set[str]]:
    """Keys listed with different first addresses in the given documents (name -> text)."""
    sources: dict[str, set[str]] = {}
    for text in docs.values():
        for key, source in references_in(text).items():
            sources.setdefault(key, set()).add(source)
    return {key: found for key, found in sources.items() if len(found) > 1}


def listed_keys() -> set[str]:
    return listed_in("clinical-rules.md")


def cited_keys() -> set[str]:
    """Keys cited by every package except the pharmacology engine (its own list below)."""
    engine = SOURCE / "pharmacology"
    return keys_in([p for p in SOURCE.rglob("*") if engine not in p.parents])


def engine_keys() -> set[str]:
    return keys_in(list((SOURCE / "pharmacology").rglob("*"))) - NOT_KEYS


def test_every_key_the_code_cites_is_in_the_docs_reference_list() -> None:
    cited = cited_keys()
    assert {"N1", "N2", "N3", "S3", "K7"} <= cited  # the scan sees the clinical rules
    # A P key outside the engine (a PK figure shown on a page) may be the engine's source.
    assert cited - listed_keys() - listed_in("pharmacology.md") == set()


def test_every_key_the_pharmacology_engine_cites_is_in_its_docs_reference_list() -> None:
    cited = engine_keys()
    assert {"P2", "P13", "P27"} <= cited
    # Its P keys are the pharmacology file's; it also cites clinical keys (response, schedules).
    pk_keys = {key for key in cited if key.startswith("P")}
    assert pk_keys - listed_in("pharmacology.md") == set()
    assert cited - pk_keys - listed_keys() == set()


def test_every_key_names_one_source_across_the_docs() -> None:
    docs = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "docs").glob("*.md")}
    assert len(references_in(docs["pharmacology.md"])) > 10  # the lists are read
    assert keys_with_two_sources(docs) == {}


def test_a_key_listed_twice_with_different_sources_is_found() -> None:
    clinical = "## References\n\n- P1 https://example.org/rems-workflow (a peer)\n"
    engine = "## References\n\n- P1 opentiva models: https://example.org/opentiva.py\n"
    same = "## References\n- P1 again https://example.org/opentiva.py ; other\n"
    assert keys_with_two_sources({"a": clinical, "b": engine}) == {
        "P1": {"https://example.org/rems-workflow", "https://example.org/opentiva.py"}
    }
    assert keys_with_two_sources({"b": engine, "c": same}) == {}
