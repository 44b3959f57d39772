"""django-axes rows written before AXES_USERNAME_CALLABLE keep the login name as typed (it
can be a password typed into the email box): replace it with the keyed hash the throttle
now stores, so that current lockouts go on and nothing typed stays. Rows whose names meet
on one hash (the same name in two cases) become one, with their failures added up."""

import re

from django.db import migrations

HASHED = re.compile(r"^[0-9a-f]{64}$")


def hash_stored_names(apps, schema_editor):
    from ketacare.accounts.login_throttle import throttle_name

    AccessAttempt = apps.get_model("axes", "AccessAttempt")
    kept = {}
    for attempt in AccessAttempt.objects.order_by("pk"):
        if attempt.username is None or HASHED.match(attempt.username):
            continue
        attempt.username = throttle_name(attempt.username)
        key = (attempt.username, attempt.ip_address, attempt.user_agent)
        first = kept.get(key) or AccessAttempt.objects.filter(
            username=attempt.username, ip_address=attempt.ip_address,
            user_agent=attempt.user_agent,
        ).first()
        if first is None:
            attempt.save(update_fields=["username"])
            kept[key] = attempt
            continue
        first.failures_since_start += attempt.failures_since_start
        first.attempt_time = max(first.attempt_time, attempt.attempt_time)
        first.save(update_fields=["failures_since_start", "attempt_time"])
        attempt.delete()
    AccessFailureLog = apps.get_model("axes", "AccessFailureLog")
    for failure in AccessFailureLog.objects.exclude(username__isnull=True):
        if not HASHED.match(failure.username):
            failure.username = throttle_name(failure.username)
            failure.save(update_fields=["username"])


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0003_api_token_expiry"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(hash_stored_names, migrations.RunPython.noop)]
