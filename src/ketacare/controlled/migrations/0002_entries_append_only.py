"""The log's entries and counts are never changed, below the ORM too: UPDATE is refused by
a trigger (and DELETE on PostgreSQL; SQLite's test flush deletes rows, PostgreSQL's truncates).
A mistake is a reversal entry, which the services write."""

from django.db import migrations

TABLES = ("controlled_entry", "controlled_stockcount")


def _sql(vendor: str, table: str) -> list[str]:
    if vendor == "postgresql":
        return [
            f"""CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION '{table} is append-only: % refused', TG_OP; END;
$$ LANGUAGE plpgsql;""",
            f"""CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table}
  FOR EACH ROW EXECUTE FUNCTION {table}_append_only();""",
        ]
    if vendor == "sqlite":
        return [
            f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
  BEGIN SELECT RAISE(ABORT, '{table} is append-only: UPDATE refused'); END;"""
        ]
    return []


def _undo(vendor: str, table: str) -> list[str]:
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {table}_no_change ON {table};",
                f"DROP FUNCTION IF EXISTS {table}_append_only();"]  # fmt: skip
    return [f"DROP TRIGGER IF EXISTS {table}_no_update;"] if vendor == "sqlite" else []


def forward(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for table in TABLES:
            for sql in _sql(schema_editor.connection.vendor, table):
                cursor.execute(sql)


def backward(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for table in TABLES:
            for sql in _undo(schema_editor.connection.vendor, table):
                cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("controlled", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
