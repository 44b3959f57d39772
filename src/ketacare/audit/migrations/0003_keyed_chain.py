"""Entries name the key of their HMAC (blank: written before keying, plain SHA-256).

No entry is re-hashed: history stays as it was written. The unkeyed entries are vouched for
by the first keyed entry, whose HMAC covers the last unkeyed hash; `ketacare migrate` writes
it right after this migration (docs/security.md, "Databases from before keying").
On SQLite, adding a column rebuilds the table, which drops its triggers: re-install them.
"""

from django.db import migrations, models

from ketacare.audit.migrations import _triggers


def reinstall_triggers(apps, schema_editor):
    _triggers.install(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_append_only_triggers'),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, reinstall_triggers),  # after a reversal
        migrations.AddField(
            model_name='auditchainhead',
            name='key_id',
            field=models.CharField(blank=True, default='', max_length=40),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='key_id',
            field=models.CharField(blank=True, default='', max_length=40),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='action',
            field=models.CharField(choices=[('read', 'Read'), ('create', 'Create'), ('update', 'Update'), ('delete', 'Delete'), ('login', 'Log in'), ('logout', 'Log out'), ('login_failed', 'Failed login'), ('denied', 'Access denied'), ('audit_key', 'Audit key change')], max_length=20),
        ),
        migrations.RunPython(reinstall_triggers, migrations.RunPython.noop),
    ]
