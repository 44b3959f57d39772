"""Every page a patient reaches carries the notice that messages are not watched around the
clock, with the crisis lines (988 Suicide & Crisis Lifeline, 911; clinical.md 2d, N4).

The test walks the portal as a patient would: from the home, every link on every page it
reaches (same site, GET), so a page added later is checked as soon as it is linked."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db
LINK = re.compile(r'href="(/[^"#]*)"')
NOT_PAGES = ("/api/", "/static/", "/messages/attachments/", "/accounts/logout")
NOTICE = 'data-testid="portal-crisis-notice"'


def _a_full_portal(world, client_as):  # type: ignore[no-untyped-def]
    """A plan, a score, an appointment, a questionnaire due and a message thread."""
    p = world.patient_a.public_id
    start = (timezone.localdate() + timedelta(days=1)).isoformat()
    client_as(world.users_a["prescriber"]).post(
        reverse("plan-new", args=[p]), {"template": "iv-induction", "start_on": start}
    )
    client_as(world.users_a["front_desk"]).post(
        reverse("appointment-new", args=[p]),
        {"kind": "consultation", "minutes": "30", "starts_at": f"{start}T10:00"},
    )
    client_as(world.users_a["nurse"]).post(
        reverse("questionnaire-schedule", args=[p]),
        {"instrument": "gad7", "every_days": "7", "first_due_on": str(timezone.localdate())},
    )
    patient = client_as(world.users_a["patient"])
    patient.post(reverse("scale-record", args=[p, "phq9"]),
                 {f"item_{n}": 1 for n in range(1, 10)} | {"item_9": 0})  # fmt: skip
    scan = SimpleUploadedFile("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 16)
    patient.post(reverse("message-new"), {"subject": "Q", "text": "x", "attachment": scan})
    return patient


def test_every_portal_page_carries_the_crisis_notice(world, client_as, settings, tmp_path):
    settings.MESSAGE_ATTACHMENTS_DIR = str(tmp_path)
    client = _a_full_portal(world, client_as)
    seen, queue, missing = set(), [reverse("portal-home")], []
    while queue and len(seen) < 80:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        if NOTICE not in html or "988" not in html or "911" not in html:
            missing.append(url)
        for link in LINK.findall(html):
            link = link.replace("&amp;", "&")
            if not link.startswith(NOT_PAGES) and not link.endswith((".svg", ".ics")):
                queue.append(link)
    assert not missing, missing
    p = world.patient_a.public_id
    for page in ("/portal/", "/messages/", "/messages/new/", f"/patients/{p}/",
                 f"/patients/{p}/consent/", f"/patients/{p}/scales/", "/learn/",
                 "/calendar/feed/", "/account/"):  # fmt: skip
        assert page in seen, page
    assert any(u.startswith("/messages/") and len(u) > 40 for u in seen)  # a thread
    assert any(u.startswith("/plans/") for u in seen)


def test_staff_pages_do_not_carry_the_patient_notice(world, client_as):
    html = client_as(world.users_a["nurse"]).get(reverse("today")).content.decode()
    assert NOTICE not in html
