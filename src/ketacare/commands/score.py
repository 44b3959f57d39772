"""`ketacare score INSTRUMENT A1 A2 ... [--json]`: score one rating-scale form.

Contract (issue 4; other tools rely on it): answers are integers in item order, `-` marks
a question the C-SSRS screener skips; `--json` prints exactly one JSON object
`{"instrument", "total", "severity", "flags", "risk"}`. Bad answers exit with status 2
and the reason, naming the item, on stderr. Plain Python: no Django import.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ketacare.clinical import instruments
from ketacare.clinical.errors import InvalidAnswers

EXIT_BAD_ANSWERS = 2
SKIPPED = "-"


def parse_answers(raw: list[str]) -> list[int | None]:
    """Turn command-line words into answers; refuse anything that is not a whole number."""
    answers: list[int | None] = []
    for position, word in enumerate(raw, start=1):
        if word == SKIPPED:
            answers.append(None)
            continue
        try:
            answers.append(int(word))
        except ValueError:
            raise InvalidAnswers(
                f"answer {position} ({word!r}) is not a whole number or '-'"
            ) from None
    return answers


def run(args: argparse.Namespace) -> int:
    scale = instruments.get(args.instrument)
    try:
        result = scale.score(parse_answers(args.answers))
    except InvalidAnswers as error:
        print(f"ketacare score: {error}", file=sys.stderr)
        return EXIT_BAD_ANSWERS
    if args.json:
        print(json.dumps(result.as_contract_dict()))
        return 0
    print(
        f"{scale.name}: total {result.total} (range {scale.total_range[0]}-{scale.total_range[1]})"
    )
    if result.severity is not None:
        print(f"severity: {result.severity}")
    if result.risk is not None:
        print(f"risk: {result.risk}")
    for name, value in result.subscales.items():
        print(f"{name}: {value}")
    print(f"flags: {', '.join(result.flags) or 'none'}")
    return 0


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "score",
        help="score a rating scale (PHQ-9, GAD-7, PCL-5, MADRS, QIDS-SR16, C-SSRS, CADSS)",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    parser.add_argument("instrument", choices=list(instruments.INSTRUMENTS))
    parser.add_argument("answers", nargs="*", help="answers in item order; '-' = skipped")
    parser.add_argument("--json", action="store_true", help="print the JSON contract object")
    parser.set_defaults(func=run)
