"""`ketacare audit ...`: check the audit chain, anchor it, and manage its key ring.

See docs/security.md for when to run each: `init-key` once per installation, `anchor` on a
schedule with its output kept off this server, `verify --anchor` to check against those,
`rotate-key` when a key may have leaked or by policy.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ketacare.commands import CommandFailed
from ketacare.commands.web import setup_django

EXIT_BROKEN_CHAIN = 1


def cmd_verify(args: argparse.Namespace) -> int:
    setup_django()
    from ketacare.audit.services import current_anchor
    from ketacare.audit.verification import BadAnchor, parse_anchor, verify_chain

    try:
        anchors = [parse_anchor(text) for text in args.anchor]
    except BadAnchor as exc:
        raise CommandFailed(str(exc)) from None
    problems = list(verify_chain(anchors))
    for problem in problems:
        where = f"entry {problem.entry_id}" if problem.entry_id else "chain"
        print(f"{where}: {problem.problem}", file=sys.stderr)
    if problems:
        print(f"Audit log FAILED verification: {len(problems)} problem(s).", file=sys.stderr)
        return EXIT_BROKEN_CHAIN
    anchor = current_anchor()
    checked = f", {len(anchors)} anchor(s) found in it" if anchors else ""
    print(f"Audit log verified: {anchor.count} entries, chain intact{checked}.")
    if anchor.count:
        print(f"Anchor: {anchor}")
    return 0


def cmd_anchor(args: argparse.Namespace) -> int:
    setup_django()
    from ketacare.audit.services import current_anchor

    anchor = current_anchor()
    if anchor.count == 0:
        raise CommandFailed("the audit log is empty: nothing to anchor yet.")
    print(anchor)
    return 0


def cmd_init_key(args: argparse.Namespace) -> int:
    setup_django(database=False)
    from ketacare.audit import keyring

    path = keyring.configured_path()
    if path is None:
        raise CommandFailed("set AUDIT_KEY_FILE to the path of the key ring to create.")
    if path.exists():
        raise CommandFailed(f"{path} exists already; it is never overwritten.")
    ring = keyring.create(path)
    print(f"Created audit key ring {path} (mode 0600) with key {ring.active}. Back it up "
          "apart from the database: without it the audit log cannot be verified.")  # fmt: skip
    return 0


def cmd_add_key(args: argparse.Namespace) -> int:
    setup_django(database=False)
    from ketacare.audit.services import add_key

    key_id = add_key()
    print(f"Added audit key {key_id} (not in use yet). Copy the key ring to every server, "
          f"then run `ketacare audit rotate-key --to {key_id}`.")  # fmt: skip
    return 0


def cmd_rotate_key(args: argparse.Namespace) -> int:
    setup_django()
    from ketacare.accounts.actor import system_actor
    from ketacare.audit.services import KeyChangeRefused, rotate_key

    try:
        entry = rotate_key(system_actor(reason="cli"), args.to)
    except KeyChangeRefused as exc:
        raise CommandFailed(str(exc)) from None
    print(f"The audit chain now uses key {entry.key_id} (from entry {entry.pk}). Keep the old "
          "keys in the ring: verification needs them.")  # fmt: skip
    return 0


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("audit", help="audit log: verify, anchor, keys")
    audit = p.add_subparsers(dest="audit_command", required=True, metavar="SUBCOMMAND")
    verify = audit.add_parser("verify", help="check the chain (exit 1 if broken)")
    verify.add_argument(
        "--anchor",
        action="append",
        default=[],
        metavar="COUNT:HASH",
        help="an anchor printed earlier by `ketacare audit anchor` (repeatable)",
    )
    verify.set_defaults(func=cmd_verify)
    audit.add_parser(
        "anchor", help="print the chain's head (COUNT:HASH@TIME) to keep off this server"
    ).set_defaults(func=cmd_anchor)
    audit.add_parser("init-key", help="create the key ring named by AUDIT_KEY_FILE").set_defaults(
        func=cmd_init_key
    )
    audit.add_parser("add-key", help="add a new key to the ring without using it yet").set_defaults(
        func=cmd_add_key
    )
    rotate = audit.add_parser("rotate-key", help="key the chain with a new key from now on")
    rotate.add_argument("--to", metavar="KEY_ID", help="a key already in the ring (add-key)")
    rotate.set_defaults(func=cmd_rotate_key)
