"""SQL for the audit log's append-only triggers, per database vendor (used by migration 0002)."""

from __future__ import annotations

from typing import Any

PG_INSTALL = [
    """CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit_auditentry is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;""",
    "DROP TRIGGER IF EXISTS audit_entry_no_update ON audit_auditentry;",
    """CREATE TRIGGER audit_entry_no_update BEFORE UPDATE OR DELETE ON audit_auditentry
  FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only();""",
]
PG_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_entry_no_update ON audit_auditentry;",
    "DROP FUNCTION IF EXISTS audit_entry_append_only();",
]
SQLITE_INSTALL = [
    """CREATE TRIGGER IF NOT EXISTS audit_entry_no_update BEFORE UPDATE ON audit_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit_auditentry is append-only: UPDATE refused'); END;""",
    """CREATE TRIGGER IF NOT EXISTS audit_entry_no_delete BEFORE DELETE ON audit_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit_auditentry is append-only: DELETE refused'); END;""",
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_entry_no_update;",
    "DROP TRIGGER IF EXISTS audit_entry_no_delete;",
]
INSTALL = {"postgresql": PG_INSTALL, "sqlite": SQLITE_INSTALL}
REMOVE = {"postgresql": PG_REMOVE, "sqlite": SQLITE_REMOVE}


def _execute(connection: Any, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def install(connection: Any) -> None:
    _execute(connection, INSTALL.get(connection.vendor, []))


def remove(connection: Any) -> None:
    _execute(connection, REMOVE.get(connection.vendor, []))


def remove_delete_guard(connection: Any) -> None:
    """Only SQLite's flush deletes rows; PostgreSQL's flush truncates, which the row trigger allows."""
    if connection.vendor == "sqlite":
        _execute(connection, ["DROP TRIGGER IF EXISTS audit_entry_no_delete;"])
