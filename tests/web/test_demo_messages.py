"""The demo has messages: the at-home patient's question about nausea after a dose, answered
by the nurse, and a reminder of the integration session the nurse started; the patient's
login sees both answers as new, the care team sees both threads."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_the_demo_patient_finds_the_nurses_answer_and_reminder_as_new_messages(client):
    from ketacare.accounts.models import User
    from ketacare.athome.demo_data import AT_HOME_MRN
    from ketacare.audit.models import AuditEntry
    from ketacare.demo import AT_HOME_LOGIN, DEMO_USERS, load_demo
    from ketacare.messaging.demo_data import NAUSEA_SUBJECT, REMINDER_SUBJECT
    from ketacare.messaging.models import Message, MessageThread
    from ketacare.patients.models import Patient

    load_demo(patients=8)
    load_demo(patients=8)  # idempotent: loading twice adds nothing
    patient = Patient.objects.get(mrn=AT_HOME_MRN)
    nurse = User.objects.get(email=DEMO_USERS["nurse"])
    threads = MessageThread.objects.filter(patient=patient)
    assert threads.count() == 2 and Message.objects.count() == 3
    nausea = threads.get(subject=NAUSEA_SUBJECT)
    asked, answered = nausea.messages.all()
    assert asked.from_patient and asked.author == patient.user
    assert not answered.from_patient and answered.author == nurse
    assert "nausea" in answered.text.lower() and "911" in answered.text
    assert asked.sent_at < answered.sent_at < timezone.now()
    reminder = threads.get(subject=REMINDER_SUBJECT)
    assert reminder.started_by == nurse and not reminder.messages.get().from_patient
    assert "integration session" in reminder.messages.get().text
    created = AuditEntry.objects.filter(action="create", patient_id=str(patient.public_id))
    assert created.filter(object_type__in=["message_thread", "message"]).count() == 5

    client.force_login(User.objects.get(email=AT_HOME_LOGIN))
    home = client.get(reverse("portal-home")).content.decode()
    assert "2 new messages" in home
    assert NAUSEA_SUBJECT in home and REMINDER_SUBJECT in home
    client.force_login(nurse)
    inbox = client.get(reverse("messages")).content.decode()
    assert NAUSEA_SUBJECT in inbox and REMINDER_SUBJECT in inbox
