#!/usr/bin/env bash
# The whole test run behind `make test` and CI: quality gates, then the suite on SQLite,
# then again on a throwaway PostgreSQL cluster on loopback (stopped on every exit path).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv
PGBIN=/usr/lib/postgresql/15/bin
PGPORT=${KETACARE_TEST_PGPORT:-55432}
export DJANGO_ALLOW_ASYNC_UNSAFE=true
start=$(date +%s)

step() { printf '\n== %s (%ss)\n' "$*" "$(( $(date +%s) - start ))"; }

# 1. System packages: Debian's PostgreSQL server and Chromium (never a downloaded browser).
need=()
[ -x "$PGBIN/initdb" ] || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  step "installing ${need[*]}"
  if [ "$(id -u)" != 0 ]; then
    echo "make test needs these Debian packages: ${need[*]} (run as root or: sudo apt-get install ${need[*]})" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null  # as TOOLING.md verified (with recommends: fonts)
fi

# 2. Quality gates.
step "ruff, mypy, import contracts, migrations"
$VENV/bin/ruff check .
$VENV/bin/ruff format --check .
$VENV/bin/mypy
$VENV/bin/lint-imports --no-cache
tmpvar=$(mktemp -d)
KETACARE_VAR_DIR=$tmpvar $VENV/bin/python -m django makemigrations --check --dry-run \
  --settings=ketacare.config.settings >/dev/null || { echo "Model changes without a migration." >&2; exit 1; }
rm -rf "$tmpvar"

# 3. The suite on SQLite.
step "pytest on SQLite"
KETACARE_VAR_DIR=$(mktemp -d) $VENV/bin/python -m pytest -q -p no:cacheprovider "$@"

# 4. The suite on PostgreSQL.
step "pytest on PostgreSQL"
PGDIR=$(mktemp -d -t ketacare-pg.XXXXXX)
chown postgres: "$PGDIR" 2>/dev/null || true
stop_pg() {
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PGDIR"
}
trap stop_pg EXIT
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
as_pg "$PGBIN/initdb" -D "$PGDIR/data" -U postgres -A trust --no-sync -E UTF8 >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w \
  -o "-h 127.0.0.1 -p $PGPORT -k $PGDIR -c fsync=off -c full_page_writes=off -c synchronous_commit=off" \
  start >/dev/null
DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/ketacare" \
  $VENV/bin/python -m pytest -q -p no:cacheprovider "$@"

step "all passed"
