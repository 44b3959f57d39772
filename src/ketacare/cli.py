"""The `ketacare` command.

Each sub-command lives in its own module under `ketacare.commands` and exposes
`register(subparsers)`, which adds its parser and sets `func(args) -> int`.
Commands of the plain-Python cores (score, simulate) never import Django, so they
start fast and work without a database.

`main` is the one place where failures become an operator's message and an exit status:
an expected failure (`CommandFailed`, a configuration error) prints one line and exits 2,
a closed pipe (`ketacare ... | head`) ends quietly as the shell's SIGPIPE status would.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from ketacare.commands import CommandFailed

COMMAND_MODULES = (
    "ketacare.commands.web",
    "ketacare.commands.audit",
    "ketacare.commands.outcomes",
    "ketacare.commands.score",
    "ketacare.commands.simulate",
)
EXIT_BROKEN_PIPE = 128 + 13  # what a shell reports for a process ended by SIGPIPE
EXIT_INTERRUPTED = 128 + 2


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
    try:
        status = int(args.func(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, inside the try, not at interpreter exit
        return status
    except BrokenPipeError:
        # Whoever read our output has gone; stop writing, and keep Python's exit-time flush
        # from failing again with "Exception ignored".
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except CommandFailed as exc:
        print(f"ketacare: {exc}", file=sys.stderr)
        return exc.code
    except Exception as exc:
        if not _is_configuration_error(exc):
            raise
        print(f"ketacare: {exc}", file=sys.stderr)
        return 2


def _is_configuration_error(exc: Exception) -> bool:
    """Django's ImproperlyConfigured (a missing key file, a bad DATABASE_URL...), without
    importing Django for the commands that never load it."""
    django_exceptions = sys.modules.get("django.core.exceptions")
    return django_exceptions is not None and isinstance(exc, django_exceptions.ImproperlyConfigured)


if __name__ == "__main__":
    sys.exit(main())
