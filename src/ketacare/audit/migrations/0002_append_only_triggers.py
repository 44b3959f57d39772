"""Database triggers that refuse UPDATE and DELETE on the audit log, below the ORM.

Even raw SQL cannot then quietly change history; `ketacare audit verify` catches what
a database superuser does after dropping the trigger.
"""

from django.db import migrations

from ketacare.audit.migrations import _triggers


def forward(apps, schema_editor):
    _triggers.install(schema_editor.connection)


def backward(apps, schema_editor):
    _triggers.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
