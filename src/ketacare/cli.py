"""The `ketacare` command.

Each sub-command lives in its own module under `ketacare.commands` and exposes
`register(subparsers)`, which adds its parser and sets `func(args) -> int`.
Commands of the plain-Python cores (score, simulate) never import Django, so they
start fast and work without a database.
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMAND_MODULES = (
    "ketacare.commands.web",
    "ketacare.commands.score",
    "ketacare.commands.simulate",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ketacare",
        description="KetaCare: software for ketamine-assisted treatment programmes.",
        epilog="Run 'ketacare COMMAND --help' for a command's options.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
