"""Many rows of one model that differ in a few fields, inserted with one executemany.

bulk_create compiles every value of every row through the ORM (about 10,000 rows a second
here); a clinic of 5,000 patients with two years each is five million rows. The fields that
do not change are prepared once by the field itself, exactly as the ORM would; the ones
that do, per row. Test data and benchmarks only: no signals, no validation.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models


class Rows:
    def __init__(self, model: type[models.Model], *, with_ids: bool = False, **fixed: Any):
        self.model, self.with_ids = model, with_ids
        self.fields = [f for f in model._meta.concrete_fields if with_ids or not f.primary_key]
        self.by_name = {f.attname: f for f in self.fields}
        prototype = model(**fixed)
        self.fixed = {
            f.attname: f.get_db_prep_save(f.pre_save(prototype, True), connection)  # type: ignore[no-untyped-call]
            for f in self.fields
        }
        self.uuid = self.by_name.get("public_id")

    def prepare(self, name: str, value: Any) -> Any:
        return self.by_name[name].get_db_prep_save(value, connection)  # type: ignore[no-untyped-call]

    def insert(self, varying: Iterable[dict[str, Any]]) -> int:
        """One row per dict of attribute names (``patient_id``, not ``patient``) to values."""
        rows = []
        for values in varying:
            row = self.fixed | {name: self.prepare(name, v) for name, v in values.items()}
            if self.uuid is not None:
                row["public_id"] = self.prepare("public_id", uuid.uuid4())
            rows.append(tuple(row[f.attname] for f in self.fields))
        if not rows:
            return 0
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        table = quote(self.model._meta.db_table)
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 - names from _meta
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)
        return len(rows)


def next_id(model: type[models.Model]) -> int:
    found = model.objects.aggregate(top=models.Max("pk"))["top"]  # type: ignore[attr-defined]
    return int(found or 0) + 1


def reset_sequences(*models_: type[models.Model]) -> None:
    """After rows written with their own ids, so the next save gets a free id (PostgreSQL;
    SQLite follows the largest id by itself)."""
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(models_)):
            cursor.execute(sql)
