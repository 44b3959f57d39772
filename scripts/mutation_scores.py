"""Per-module scores of the last `mutmut run` (`make mutation`), and the survivors that matter.

A survivor is a wrong rule that every test still passes, unless docs/mutation-testing.md lists
it as equivalent (same behaviour, with the reason). Exits 1 when any other survivor is left, so
`make mutation` fails on a behavioural survivor and names it.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MUTANTS = ROOT / "mutants" / "src"
EQUIVALENTS_DOC = ROOT / "docs" / "mutation-testing.md"
MUTANT_NAME = re.compile(r"`(ketacare\.[\w.]+\.x\S*?__mutmut_\d+)`")

# mutmut 3's exit codes (mutmut/stats.py): 1 and 3 kill, 0 survives, None was not run.
KILLED, SURVIVED, NOT_RUN = {1, 3}, {0}, {None}


def listed_equivalents() -> set[str]:
    if not EQUIVALENTS_DOC.exists():
        return set()
    return set(MUTANT_NAME.findall(EQUIVALENTS_DOC.read_text(encoding="utf-8")))


def main() -> int:
    metas = sorted(MUTANTS.rglob("*.py.meta"))
    if not metas:
        print("No mutmut results under mutants/: run `make mutation` first.", file=sys.stderr)
        return 1
    equivalents = listed_equivalents()
    behavioural: list[str] = []
    exit_codes: dict[str, int | None] = {}
    print(
        f"{'module':<32} {'killed/total':>13} {'score':>6} {'equivalent':>10} {'behavioural':>11}"
    )
    for meta in metas:
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        exit_codes.update(codes)
        module = meta.relative_to(MUTANTS).as_posix().removesuffix(".py.meta").replace("/", ".")
        tally = Counter(
            "killed"
            if c in KILLED
            else "survived"
            if c in SURVIVED
            else "not run"
            if c in NOT_RUN
            else "other"
            for c in codes.values()
        )
        run = len(codes) - tally["not run"]
        if not run:
            continue
        survivors = sorted(name for name, c in codes.items() if c in SURVIVED)
        wrong_rules = [name for name in survivors if name not in equivalents]
        behavioural += wrong_rules
        print(
            f"{module:<32} {tally['killed']:>6}/{run:<6} {tally['killed'] / run:>6.0%} "
            f"{len(survivors) - len(wrong_rules):>10} {len(wrong_rules):>11}"
            + (f"  ({tally['other']} timeout/other)" if tally["other"] else "")
        )
    # Killed, or no longer generated (renamed by a code change); a narrowed run leaves the
    # others "not run", which says nothing about them.
    stale = sorted(
        name
        for name in equivalents
        if name.split(".x", 1)[0] in {n.split(".x", 1)[0] for n in exit_codes}
        and (name not in exit_codes or exit_codes[name] in KILLED)
    )
    if stale:
        print("\nListed as equivalent in docs/mutation-testing.md but killed or gone this run:")
        print("\n".join(f"  {name}" for name in stale))
    if behavioural:
        print("\nBehavioural survivors (a wrong rule no test catches; `mutmut show NAME`):")
        print("\n".join(f"  {name}" for name in behavioural))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
