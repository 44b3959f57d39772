"""Commands that run the Django application: serve, migrate, demo, users, checks."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from ketacare.commands import CommandFailed


def setup_django(*, database: bool = True, migrated: bool = True) -> None:
    """Load Django. For a command that uses the database, first make sure it is reachable
    (`database`) and up to date (`migrated`), so the operator reads what to do, not a
    traceback such as "no such table"."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ketacare.config.settings")
    from ketacare.config.settings import DATABASES, VAR_DIR

    if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        VAR_DIR.mkdir(parents=True, exist_ok=True)
    import django

    django.setup()
    if database:
        _require_database(migrated=migrated)


def _require_database(*, migrated: bool) -> None:
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    try:
        connection.ensure_connection()
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CommandFailed(f"cannot use the database ({reason}); check DATABASE_URL.") from None
    if pending and migrated:
        raise CommandFailed(
            f"the database is not set up or not up to date ({len(pending)} migration(s) "
            "to apply): run `ketacare migrate` first."
        )


def call(*argv: str) -> int:
    from django.core.management import call_command

    call_command(*argv)
    return 0


# gunicorn's default format logs the request line with its query string (%(r)s) and the
# Referer (%(f)s), a full URL: either can carry a searched name. Method and path only.
ACCESS_LOG_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s" %(M)sms'


def cmd_serve(args: argparse.Namespace) -> int:
    """Development: Django's server. Production (KETACARE_ENV=production): gunicorn, after
    collecting static files (WhiteNoise serves them)."""
    setup_django()
    from django.conf import settings

    if not settings.PRODUCTION:
        return call("runserver", f"{args.host}:{args.port}", "--noreload")
    call("collectstatic", "--no-input", "-v", "0")
    workers = str(args.workers or (2 * (os.cpu_count() or 1) + 1))
    argv = ["gunicorn", "ketacare.config.wsgi:application", "--bind", f"{args.host}:{args.port}",
            "--workers", workers, "--access-logfile", "-",
            "--access-logformat", ACCESS_LOG_FORMAT]  # fmt: skip
    os.execvp(sys.executable, [sys.executable, "-m", *argv])  # noqa: S606 - our own gunicorn
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """The background-task worker (forecasts, reminders): runs until SIGTERM or Ctrl-C;
    --batch drains the queue and exits."""
    setup_django()
    argv = ["db_worker", "--no-reload", "--interval", str(args.interval)]
    return call(*argv, *(["--batch", "--no-startup-delay"] if args.batch else []))


def cmd_migrate(args: argparse.Namespace) -> int:
    setup_django(migrated=False)
    call("migrate", "--no-input", "-v", "0")
    from ketacare.audit.services import seal_legacy_entries

    sealed = seal_legacy_entries()
    if sealed is not None:
        print(f"Audit log: the {sealed.detail['after_entries']} entries written before keying "
              f"are now sealed under audit key {sealed.key_id}.")  # fmt: skip
    from ketacare.athome.closing import watch_open_sessions
    from ketacare.commands.outcomes import refresh_outcomes

    # At-home sessions opened before the worker closed unfinished ones: each gets its task.
    watched = watch_open_sessions()
    if watched:
        print(f"At-home sessions still open: {watched}, each closed by the worker when due.")
    # Plans and scores written before their stored booster/futility state (or around it).
    refreshed = refresh_outcomes(progress=sys.stderr.isatty())
    if refreshed:
        print(f"Booster and futility state stored for {refreshed} patient(s).")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    setup_django()
    from ketacare.demo import load_demo

    summary = load_demo(patients=args.patients)
    print(summary)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    setup_django(database=False)
    extra = ["--deploy", "--fail-level", "WARNING"] if args.deploy else []
    return call("check", *extra)


def cmd_createclinic(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.exceptions import ValidationError

    from ketacare.accounts.actor import system_actor
    from ketacare.accounts.services.clinic import create_clinic

    try:
        clinic = create_clinic(
            system_actor(reason="cli"),
            args.name,
            time_zone=args.time_zone,
            licensed_states=args.states.split(",") if args.states else [],
            address=args.address,
            slug=args.slug,
        )
    except ValidationError as exc:
        return _refuse(exc)
    print(f"Created clinic {clinic.name!r} (slug {clinic.slug}).")
    return 0


def cmd_createuser(args: argparse.Namespace) -> int:
    setup_django()
    import getpass

    from django.core.exceptions import ValidationError

    from ketacare.accounts.actor import system_actor
    from ketacare.accounts.models import User
    from ketacare.accounts.services.invitations import invite
    from ketacare.accounts.services.users import NewMember, create_user
    from ketacare.clinics.models import Clinic

    clinic = Clinic.objects.filter(slug=args.clinic).first()
    if clinic is None:
        print(f"ketacare: no clinic with slug {args.clinic!r}", file=sys.stderr)
        return 2
    actor = system_actor(clinic, "cli")
    existing = User.objects.filter(email__iexact=args.email).first()
    try:
        if existing is not None:  # their account is theirs: they join by accepting
            invite(actor, clinic, existing, args.role)
            print(f"{existing.email} already has an account: invited as {args.role} at "
                  f"{clinic.name}; they join when they accept after logging in.")  # fmt: skip
            return 0
        password = os.environ.get("KETACARE_PASSWORD") or getpass.getpass("Password: ")
        new = NewMember(args.email, args.role, full_name=args.name, password=password)
        user = create_user(actor, clinic, new)
    except ValidationError as exc:
        return _refuse(exc)
    print(f"{user.email} is {args.role} at {clinic.name}.")
    return 0


def cmd_createtoken(args: argparse.Namespace) -> int:
    setup_django()
    from ketacare.accounts.actor import system_actor
    from ketacare.accounts.models import User
    from ketacare.accounts.services.users import issue_api_token

    user = User.objects.filter(email__iexact=args.email).first()
    if user is None:
        print(f"ketacare: no user {args.email!r}", file=sys.stderr)
        return 2
    print(issue_api_token(system_actor(reason="cli"), user, args.name))
    return 0


def cmd_unlock(args: argparse.Namespace) -> int:
    if not args.email and not args.address:
        print("ketacare: give an EMAIL or --address", file=sys.stderr)
        return 2
    setup_django()
    from ketacare.accounts.actor import system_actor
    from ketacare.accounts.services.users import operator_unlock

    count = operator_unlock(system_actor(reason="cli"), args.email or "", args.address or "")
    print(f"Cleared {count} lockout record(s) for {args.email or args.address}.")
    return 0


def _refuse(exc: Any) -> int:
    for field, messages in getattr(exc, "message_dict", {"": exc.messages}).items():
        print(f"ketacare: {field + ': ' if field else ''}{' '.join(messages)}", file=sys.stderr)
    return 2


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("serve", help="serve the web app (gunicorn in production)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, help="gunicorn workers in production (default 2n+1)")
    p.set_defaults(func=cmd_serve)

    p = subparsers.add_parser(
        "worker", help="run background tasks (forecasts, questionnaire reminders, on-call emails)"
    )
    p.add_argument("--interval", type=float, default=0.5, help="seconds between queue polls")
    p.add_argument("--batch", action="store_true", help="drain the queue, then exit")
    p.set_defaults(func=cmd_worker)

    subparsers.add_parser("migrate", help="create or update the database").set_defaults(
        func=cmd_migrate
    )

    p = subparsers.add_parser("demo", help="load the demo clinic (idempotent)")
    p.add_argument("--patients", type=int, default=40)
    p.set_defaults(func=cmd_demo)

    p = subparsers.add_parser("check", help="run Django's system checks")
    p.add_argument("--deploy", action="store_true", help="also the production security checks")
    p.set_defaults(func=cmd_check)

    p = subparsers.add_parser("createclinic", help="create a clinic (tenant)")
    p.add_argument("name")
    p.add_argument("--slug")
    p.add_argument("--time-zone", default="America/New_York")
    p.add_argument("--states", default="", help="licensed states, e.g. NY,NJ")
    p.add_argument("--address", default="")
    p.set_defaults(func=cmd_createclinic)

    p = subparsers.add_parser(
        "createuser", help="create a user in a clinic (password from KETACARE_PASSWORD or prompt)"
    )
    p.add_argument("email")
    p.add_argument("--clinic", required=True, help="clinic slug")
    p.add_argument("--role", required=True, choices=[
        "clinic_admin", "prescriber", "nurse", "therapist", "front_desk", "patient"])  # fmt: skip
    p.add_argument("--name", default="")
    p.set_defaults(func=cmd_createuser)

    p = subparsers.add_parser("createtoken", help="issue an API token for a user (shown once)")
    p.add_argument("email")
    p.add_argument("--name", default="api")
    p.set_defaults(func=cmd_createtoken)

    p = subparsers.add_parser("unlock", help="clear a login lockout (an account or an address)")
    p.add_argument("email", nargs="?")
    p.add_argument("--address", help="clear every lockout of this client address")
    p.set_defaults(func=cmd_unlock)
