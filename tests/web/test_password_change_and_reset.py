"""Changing a password (with the current one) and resetting it by an emailed link."""

from __future__ import annotations

import re
import time

import pytest
from django.core import mail
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from ketacare.accounts.models import ApiToken, UserSession
from ketacare.audit.models import AuditEntry

pytestmark = pytest.mark.django_db
OLD = "a-long-enough-passphrase"
NEW = "another-fine-passphrase-9"


@pytest.fixture
def nurse(world):  # type: ignore[no-untyped-def]
    user = world.users_a["nurse"]
    user.set_password(OLD)
    user.save()
    return user


def logged_in(user, password=OLD):  # type: ignore[no-untyped-def]
    client = Client()
    assert (
        client.post(reverse("login"), {"username": user.email, "password": password}).status_code
        == 302
    )
    return client


def change(client, old, new):  # type: ignore[no-untyped-def]
    body = {"old_password": old, "new_password1": new, "new_password2": new}
    return client.post(reverse("password-change"), body)


def test_changing_the_password_needs_the_current_one(nurse):
    phone = logged_in(nurse)
    refused = change(phone, "not-my-password", NEW)
    assert refused.status_code == 422
    assert "old password was entered incorrectly" in refused.content.decode()
    nurse.refresh_from_db()
    assert nurse.check_password(OLD)


def test_a_change_ends_the_other_sessions_and_tokens_but_keeps_this_one(nurse):
    phone, desktop = logged_in(nurse), logged_in(nurse)
    _, raw = ApiToken.issue(nurse)
    assert change(phone, OLD, NEW)["Location"] == reverse("account")
    assert phone.get(reverse("patient-list")).status_code == 200
    assert desktop.get(reverse("patient-list")).status_code == 302
    api = Client().get("/api/patients/", headers={"Authorization": f"Bearer {raw}"})
    assert api.status_code == 401
    assert UserSession.objects.filter(user=nurse).count() == 1  # this session, its new key
    assert logged_in(nurse, NEW)


def test_a_change_to_a_weak_password_is_refused_with_the_reason(nurse):
    refused = change(logged_in(nurse), OLD, "aaaaaaaaaaaa")
    assert refused.status_code == 422
    assert "repeats the same characters" in refused.content.decode()


@override_settings(KETACARE_REQUIRE_TOTP=True)
def test_a_session_still_owing_its_totp_code_cannot_change_the_password(nurse):
    response = logged_in(nurse).get(reverse("password-change"))
    assert response.status_code == 302 and response["Location"] == reverse("otp-verify")


def ask_reset(email: str, client: Client | None = None):  # type: ignore[no-untyped-def]
    return (client or Client()).post(reverse("password-reset"), {"email": email}, follow=True)


def reset_link() -> str:
    assert len(mail.outbox) == 1
    return re.search(r"http://testserver(/accounts/password-reset/\S+/)", mail.outbox[0].body)[1]


def set_password(link: str, password: str, client: Client | None = None):  # type: ignore[no-untyped-def]
    client = client or Client()
    form = client.get(link, follow=True)
    body = {"new_password1": password, "new_password2": password}
    return form, client.post(form.redirect_chain[-1][0] if form.redirect_chain else link, body)


def test_known_and_unknown_addresses_get_the_same_answer_and_only_one_gets_mail(nurse):
    known, unknown = ask_reset(nurse.email), ask_reset("nobody@nowhere.example")
    assert known.redirect_chain == unknown.redirect_chain

    def page(response):  # type: ignore[no-untyped-def]
        per_response = r'"X-CSRFToken": "[^"]+"|nonce="[^"]+"'  # CSRF token and CSP nonce
        return re.sub(per_response, "", response.content.decode())

    assert page(known) == page(unknown)
    assert "If an account uses that address" in known.content.decode()
    assert [m.to for m in mail.outbox] == [[nurse.email]]


def test_the_email_is_sent_after_the_response_so_timing_does_not_tell(nurse):
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore

    from ketacare.accounts.views.passwords import ResetRequestView

    request = RequestFactory().post(reverse("password-reset"), {"email": nurse.email})
    request._dont_enforce_csrf_checks = True
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    response = ResetRequestView.as_view()(request)
    assert response.status_code == 302 and mail.outbox == []  # the answer is ready, no mail yet
    response.close()  # the server has sent it
    assert len(mail.outbox) == 1


def test_a_reset_link_sets_a_new_password_once_and_ends_old_sessions_and_tokens(nurse):
    old_session = logged_in(nurse)
    _, raw = ApiToken.issue(nurse)
    ask_reset(nurse.email)
    link = reset_link()
    assert "within 60 minutes" in mail.outbox[0].body
    _, done = set_password(link, NEW)
    assert done["Location"] == reverse("password-reset-complete")
    assert logged_in(nurse, NEW)
    assert old_session.get(reverse("patient-list")).status_code == 302
    api = Client().get("/api/patients/", headers={"Authorization": f"Bearer {raw}"})
    assert api.status_code == 401
    again, _ = set_password(link, "yet-another-passphrase-3")
    assert again.status_code == 404
    assert 'data-testid="reset-invalid"' in again.content.decode()
    nurse.refresh_from_db()
    assert nurse.check_password(NEW)


@override_settings(PASSWORD_RESET_TIMEOUT=1)
def test_an_expired_reset_link_is_refused(nurse):
    ask_reset(nurse.email)
    link = reset_link()
    time.sleep(2.1)  # tokens carry whole seconds
    form, _ = set_password(link, NEW)
    assert 'data-testid="reset-invalid"' in form.content.decode()
    nurse.refresh_from_db()
    assert nurse.check_password(OLD)


def test_a_reset_to_a_weak_password_is_refused_with_the_reason(nurse):
    ask_reset(nurse.email)
    _, refused = set_password(reset_link(), "q1w2e3r4t5y6")
    assert refused.status_code == 422
    assert "too common" in refused.content.decode()
    nurse.refresh_from_db()
    assert nurse.check_password(OLD)


def test_change_and_reset_are_audited_without_secrets(nurse):
    change(logged_in(nurse), OLD, NEW)
    ask_reset(nurse.email)
    ask_reset("stranger@nowhere.example")
    link = reset_link()
    set_password(link, "yet-another-passphrase-3")
    actions = list(AuditEntry.objects.filter(user_id=nurse.pk).values_list("action", flat=True))
    assert {"password_change", "reset_requested", "password_reset"} <= set(actions)
    assert AuditEntry.objects.filter(action="reset_requested", object_id="").exists()
    # SQLite stores any length; PostgreSQL refuses an action longer than the column.
    width = AuditEntry._meta.get_field("action").max_length
    assert all(len(action) <= width for action in actions)
    everything = " ".join(str(e.detail) + e.object_id for e in AuditEntry.objects.all())
    token = link.rstrip("/").split("/")[-1]
    for secret in (OLD, NEW, "yet-another-passphrase-3", token, "stranger@nowhere.example"):
        assert secret not in everything
