"""The chart and the Today page of a clinic of 5,000 active patients with two years of
history each (issue 10): p95 server time, query count, and the bare SQL they need.

Run:  .venv/bin/python bench/clinic_scale.py                  # 5,000 and 50 patients, SQLite
      .venv/bin/python bench/clinic_scale.py --database postgres   # a throwaway PostgreSQL 15
      .venv/bin/python bench/clinic_scale.py --quick          # tiny clinics, a few seconds
Options: --patients N --small N --days N --requests N --keep DIR (build once into DIR and
reuse the database on the next run of the same day) --explain (query plans of the Today
page on the big clinic).

Each clinic is built in one transaction (tests/clinic_day.py: weekly PHQ-9 and GAD-7,
twice-weekly IV sessions with three readings, monthly MADRS, counselling and follow-up
visits, consents, a plan, medications, acknowledged alerts) with a working day on top:
visits booked today, sessions under way, open alerts, new referrals, unsigned notes, a count
that did not match. Each clinic is measured in its own process, so the small one shows what
the big one's query counts would be if they did not grow. Pages go through Django's full
stack (middleware, session, gate, audit, templates); the floor is the bare SQL of the rows
the page shows, run in the same process on the same connection.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_PORT = os.environ.get("KETACARE_BENCH_PGPORT", "55435")
ROLES = ("nurse", "prescriber", "therapist", "front_desk", "clinic_admin")


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--patients", type=int, default=5000)
    parser.add_argument("--small", type=int, default=50)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--keep", help="folder for the SQLite files, reused the same day")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--quick", action="store_true", help="20 and 5 patients, 60 days")
    parser.add_argument("--child", help=argparse.SUPPRESS)  # a database URL: build, measure
    args = parser.parse_args()
    if args.quick:
        args.patients, args.small, args.days, args.requests = 20, 5, 60, 5
    return args


def main() -> None:
    args = parse()
    if args.child:
        from bench.clinic_scale_child import run

        print(json.dumps(run(args)))
        return
    folder = Path(args.keep or tempfile.mkdtemp(prefix="ketacare-scale-"))
    folder.mkdir(parents=True, exist_ok=True)
    sizes = (args.small, args.patients)
    if args.database == "postgres":
        with throwaway_postgres(folder) as server:
            results = [measure(args, server(f"scale_{n}_{args.days}"), n) for n in sizes]
    else:
        results = [
            measure(args, f"sqlite:///{folder}/scale-{n}-{args.days}.sqlite3", n) for n in sizes
        ]
    report(args, *results)


def measure(args: argparse.Namespace, url: str, patients: int) -> dict:  # type: ignore[type-arg]
    command = [sys.executable, str(Path(__file__)), "--child", url, "--patients", str(patients),
               "--days", str(args.days), "--requests", str(args.requests)]  # fmt: skip
    if args.explain and patients == args.patients:
        command.append("--explain")
    # The audit key ring lives beside the database it signs, so a kept database is reusable.
    var = Path(args.keep or tempfile.gettempdir()) / f"var-{patients}-{args.days}-{args.database}"
    var.mkdir(exist_ok=True)
    env = os.environ | {"DATABASE_URL": url, "KETACARE_VAR_DIR": str(var)}
    out = subprocess.run(command, env=env, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


class throwaway_postgres:  # noqa: N801 - used as a context manager, like a function
    """PostgreSQL 15 from Debian on loopback, fsync off, removed on exit (TOOLING.md)."""

    BIN = "/usr/lib/postgresql/15/bin"

    def __init__(self, folder: Path) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="pg-", dir=folder))

    def __enter__(self):  # type: ignore[no-untyped-def]
        subprocess.run(["chown", "postgres:", str(self.dir)], check=True)
        pg = ["runuser", "-u", "postgres", "--"]
        subprocess.run([*pg, f"{self.BIN}/initdb", "-D", f"{self.dir}/data", "-U", "postgres",
                        "-A", "trust", "--no-sync", "-E", "UTF8"], check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        options = f"-h 127.0.0.1 -p {PG_PORT} -k {self.dir} -c fsync=off -c full_page_writes=off"
        subprocess.run([*pg, f"{self.BIN}/pg_ctl", "-D", f"{self.dir}/data", "-l",
                        f"{self.dir}/log", "-w", "-o", options, "start"], check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip

        def database(name: str) -> str:
            subprocess.run(["createdb", "-h", "127.0.0.1", "-p", PG_PORT, "-U", "postgres", name],
                           check=True)  # fmt: skip
            return f"postgres://postgres@127.0.0.1:{PG_PORT}/{name}"

        return database

    def __exit__(self, *exc: object) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", f"{self.BIN}/pg_ctl", "-D",
                        f"{self.dir}/data", "-m", "fast", "-w", "stop"],
                       stdout=subprocess.DEVNULL, check=False)  # fmt: skip
        subprocess.run(["rm", "-rf", str(self.dir)], check=False)


def report(args: argparse.Namespace, small: dict, big: dict) -> None:  # type: ignore[type-arg]
    print(f"\ndatabase: {big['vendor']}; {args.requests} requests per page; times in ms")
    print(f"{'clinic':>16} {'rows':>10} {'build s':>8} {'size MB':>8}")
    for r in (small, big):
        label = f"{r['patients']} patients"
        print(f"{label:>16} {r['rows']:>10,} {r['build_s']:>8.0f} {r['size_mb']:>8.0f}")
    n, m = small["patients"], big["patients"]
    print(f"\n{'page':8} {'as':13} {f'q@{n}':>6} {f'q@{m}':>7} {f'p95@{n}':>8} {f'p95@{m}':>8}"
          f" {'floor':>6} {'x floor':>7}")  # fmt: skip
    for page in big["pages"]:
        s, b = small["pages"][page], big["pages"][page]
        kind, role = page.split(":")
        print(f"{kind:8} {role:13} {s['queries']:>6} {b['queries']:>7} {s['p95']:>8.1f}"
              f" {b['p95']:>8.1f} {b['floor']:>6.2f} {b['p95'] / b['floor']:>7.0f}")  # fmt: skip
    for line in big.get("explain", []):
        print(line)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
