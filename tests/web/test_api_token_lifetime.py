"""API tokens expire, and end with the sessions: log out everywhere, deactivation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ketacare.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def api_get(raw: str):  # type: ignore[no-untyped-def]
    return Client().get("/api/patients/", headers={"Authorization": f"Bearer {raw}"})


def test_a_new_token_expires_after_the_set_days_shown_on_my_account(world, client_as, settings):
    settings.KETACARE_API_TOKEN_DAYS = 30
    nurse = client_as(world.users_a["nurse"])
    nurse.post(reverse("account"), {"name": "lab integration"})
    token = ApiToken.objects.get(user=world.users_a["nurse"])
    lifetime = token.expires_at - token.created_at
    assert timedelta(days=30) - timedelta(minutes=1) < lifetime <= timedelta(days=30)
    page = nurse.get(reverse("account")).content.decode()
    shown = timezone.localtime(token.expires_at)  # in the clinic's time zone, as on the page
    assert f'data-testid="token-expiry">{shown:%Y-%m-%d}' in page
    assert "works for 30 days" in page


def test_an_expired_token_is_refused_with_401_json_saying_so(world):
    token, raw = ApiToken.issue(world.users_a["therapist"])
    assert api_get(raw).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    refused = api_get(raw)
    assert refused.status_code == 401
    assert refused["Content-Type"].startswith("application/json")
    assert "expired" in refused.json()["detail"]


def test_log_out_everywhere_revokes_the_users_api_tokens(world, client_as):
    nurse = world.users_a["nurse"]
    _, raw = ApiToken.issue(nurse)
    _, other_raw = ApiToken.issue(world.users_a["therapist"])
    assert api_get(raw).status_code == 200
    client_as(nurse).post(reverse("logout-everywhere"))
    assert api_get(raw).status_code == 401
    assert api_get(other_raw).status_code == 200  # someone else's token lives on


def test_removing_a_user_from_their_only_clinic_revokes_their_api_tokens(world, client_as):
    nurse = world.users_a["nurse"]
    _, raw = ApiToken.issue(nurse)
    assert api_get(raw).status_code == 200
    admin = client_as(world.users_a["clinic_admin"])
    admin.post(reverse("staff-remove", args=[nurse.pk]))
    assert ApiToken.objects.get(user=nurse).revoked
    assert api_get(raw).status_code == 401
