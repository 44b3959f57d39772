"""Background tasks of the measures app (django.tasks; run by `ketacare worker`)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task

from ketacare.accounts.actor import system_actor
from ketacare.audit.services import record
from ketacare.measures.models import SafetyAlert


@task()
def notify_on_call(alert_pk: int) -> str:
    """Email the clinic's on-call address about a new suicidality alert: who to look at is
    behind the link (a login); the email itself names no patient and no answer."""
    alert = SafetyAlert.objects.select_related("clinic", "patient").filter(pk=alert_pk).first()
    if alert is None or not alert.clinic.on_call_email:
        return "no on-call address"
    link = f"{settings.KETACARE_BASE_URL.rstrip('/')}/patients/{alert.patient.public_id}/"
    send_mail(
        f"KetaCare {alert.clinic.name}: suicidality alert",
        "A patient's answers raised a suicidality alert. It is on the Today page and on the "
        f"patient's chart until a clinician acknowledges it:\n\n{link}\n",
        settings.DEFAULT_FROM_EMAIL,
        [alert.clinic.on_call_email],
    )
    record(system_actor(alert.clinic, "on-call-email"), "update", "safety_alert",
           alert.public_id, patient_id=alert.patient.public_id,
           detail={"on_call_emailed": True})  # fmt: skip
    return "sent"
