"""`ketacare refresh-outcomes`: store the booster and futility state of every patient whose
stored state is missing or older than its inputs (also run by `ketacare migrate`)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ketacare.commands.web import setup_django


def refresh_outcomes(*, everyone: bool = False, progress: bool = True) -> int:
    """The backfill, with a progress bar on stderr when it has more than a handful to do."""
    from tqdm import tqdm

    from ketacare.treatment.services.outcome_backfill import refresh_states, stale_patient_ids

    ids = stale_patient_ids(everyone=everyone)
    if not ids:
        return 0
    with tqdm(total=len(ids), unit="patient", desc="Booster/futility state",
              disable=not progress, file=sys.stderr, leave=False) as bar:  # fmt: skip
        return refresh_states(ids, bar.update)


def cmd_refresh_outcomes(args: argparse.Namespace) -> int:
    setup_django()
    count = refresh_outcomes(everyone=args.all, progress=not args.no_progress)
    print(f"Booster and futility state stored for {count} patient(s).")
    return 0


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "refresh-outcomes",
        help="store the booster/futility state of patients whose state is missing or stale",
    )
    p.add_argument("--all", action="store_true", help="every patient (after a rule change)")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    p.set_defaults(func=cmd_refresh_outcomes)
