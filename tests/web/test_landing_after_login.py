"""Where a login lands: staff on the clinic's day (Today), each role with its own part first;
a patient on their portal home; a login with next= goes where it was asked."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-staple"
FIRST_PART = {
    "nurse": "today-sessions",
    "prescriber": "today-alerts",
    "therapist": "today-drafts",
    "front_desk": "today-visits",
    "clinic_admin": "today-visits",
}


def log_in(client, user, next_url: str = ""):  # type: ignore[no-untyped-def]
    user.set_password(PASSWORD)
    user.save()
    url = reverse("login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"username": user.email, "password": PASSWORD}, follow=True)


@pytest.mark.parametrize("role", sorted(FIRST_PART))
def test_staff_land_on_today_with_their_roles_part_first(world, client, role):
    page = log_in(client, world.users_a[role])
    assert page.redirect_chain[-1][0] == reverse("today")
    html = page.content.decode()
    first = min(
        (html.index(f'data-testid="{part}"'), part)
        for part in set(FIRST_PART.values())
        if f'data-testid="{part}"' in html
    )
    assert first[1] == FIRST_PART[role]


def test_a_patient_lands_on_their_portal_home(world, client):
    page = log_in(client, world.users_a["patient"])
    assert page.redirect_chain[-1][0] == reverse("portal-home")
    html = page.content.decode()
    assert "Hello, Alice" in html and 'data-testid="portal-crisis-notice"' in html


def test_a_login_asked_for_with_next_goes_there(world, client):
    calendar = reverse("calendar")
    page = log_in(client, world.users_a["front_desk"], next_url=calendar)
    assert page.redirect_chain[-1][0] == calendar
