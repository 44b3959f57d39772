"""The public referral and consultation pages: validated, rate limited, honeypot, CSRF, and
an answer that is the same whatever is typed."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from ketacare.referrals.models import Referral
from tests.referrals.conftest import provider_data, self_data

pytestmark = pytest.mark.django_db

REFER, CONSULT = "/c/a/refer/", "/c/a/consultation/"


def _form(data):  # type: ignore[no-untyped-def]
    return {k: ", ".join(v) if isinstance(v, list) else v for k, v in data.items()}


def _shown(response) -> bytes:  # type: ignore[no-untyped-def]
    """The page as the sender reads it: without its reference and the per-render CSRF mask."""
    page = response.content.replace(_reference(response).encode(), b"REFERENCE")
    page = re.sub(rb'nonce="[^"]+"', b"NONCE", page)
    return re.sub(rb'"X-CSRFToken": "[^"]+"', b"CSRF", page)


def _reference(response) -> str:  # type: ignore[no-untyped-def]
    found = re.search(rb'data-testid="reference">([A-Z0-9-]+)<', response.content)
    assert found is not None
    return found.group(1).decode()


@pytest.mark.parametrize("url", [REFER, CONSULT])
def test_the_forms_open_without_a_login_and_name_the_clinic(world, client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert b"Clinic A" in response.content and b"csrfmiddlewaretoken" in response.content


def test_an_unknown_clinic_has_no_form(world, client):
    assert client.get("/c/nowhere/refer/").status_code == 404


def test_a_valid_referral_lands_in_the_queue_and_the_sender_sees_its_reference(world, client):
    response = client.post(REFER, _form(provider_data()), follow=True)
    assert response.redirect_chain == [("/c/a/sent/", 302)]
    referral = Referral.objects.get()
    assert _reference(response) == referral.reference
    assert (referral.clinic, referral.kind, referral.status) == (world.clinic_a, "provider", "new")
    assert referral.diagnosis_codes == ["F33.2"]
    assert _reference(client.get("/c/a/sent/")) == referral.reference  # a reload shows it again
    assert client.get("/c/b/sent/")["Location"] == "/c/b/refer/"  # nothing sent to clinic B


def test_a_consultation_request_needs_no_referrer(world, client):
    response = client.post(CONSULT, _form(self_data()), follow=True)
    assert _reference(response).startswith("CON-")
    assert Referral.objects.get().kind == "self"


def test_a_wrong_npi_check_digit_is_refused_by_name_and_nothing_is_stored(world, client):
    response = client.post(REFER, _form(provider_data(referrer_npi="1234567890")))
    assert response.status_code == 422
    assert re.search(
        rb'data-field="referrer_npi">[^<]*check digit does not match', response.content
    )
    assert b'value="Jordan"' in response.content  # what was typed is kept
    assert not Referral.objects.exists()


def test_every_bad_field_is_named_on_the_page(world, client):
    bad = provider_data(
        referrer_name="", date_of_birth="1800-01-01", state_of_residence="ZZ",
        diagnosis_codes=["depression"], reason="", phone="", email="",
    )  # fmt: skip
    response = client.post(REFER, _form(bad))
    assert response.status_code == 422
    named = set(re.findall(rb'data-field="(\w+)"', response.content))
    assert named >= {b"referrer_name", b"date_of_birth", b"state_of_residence",
                     b"diagnosis_codes", b"reason"}  # fmt: skip
    assert not Referral.objects.exists()


def test_the_answer_does_not_tell_whether_the_patient_is_already_registered(world, client):
    twin = provider_data(first_name="Alice", last_name="Test", date_of_birth="1985-04-02")
    known = client.post(REFER, _form(twin), follow=True)
    unknown = client.post(REFER, _form(provider_data()), follow=True)
    assert _shown(known) == _shown(unknown)
    assert b"Alice" not in known.content and b"a-1" not in known.content


def test_a_filled_honeypot_answers_like_a_success_and_stores_nothing(world, client):
    caught = client.post(REFER, _form(provider_data()) | {"website": "http://spam"}, follow=True)
    assert caught.redirect_chain == [("/c/a/sent/", 302)]
    assert re.fullmatch(r"REF-[0-9A-Z]{5}-[0-9A-Z]{5}", _reference(caught))
    assert not Referral.objects.exists()
    real = client.post(REFER, _form(provider_data()), follow=True)
    assert _shown(real) == _shown(caught)


def test_submissions_are_limited_per_client_address(world, settings, mid_window):
    settings.RATE_LIMIT_REFERRALS_PER_HOUR = 2
    one = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(2):
        assert one.post(REFER, _form(provider_data())).status_code == 302
    refused = one.post(CONSULT, _form(self_data()))
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 60
    assert b"nothing was sent" in refused.content and b'value="Sam"' in refused.content
    assert Referral.objects.count() == 2
    other = Client(REMOTE_ADDR="198.51.100.8")
    assert other.post(REFER, _form(provider_data())).status_code == 302


def test_behind_a_trusted_proxy_the_forwarded_client_address_is_counted(
    world, settings, mid_window
):
    settings.RATE_LIMIT_REFERRALS_PER_HOUR = 1
    settings.KETACARE_TRUSTED_PROXIES = ["10.0.0.1"]
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    sent = proxy.post(REFER, _form(provider_data()), HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert sent.status_code == 302
    again = proxy.post(REFER, _form(provider_data()), HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert again.status_code == 429
    another = proxy.post(REFER, _form(provider_data()), HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert another.status_code == 302
    # A client that is not a trusted proxy cannot pick its address by the header.
    direct = Client(REMOTE_ADDR="198.51.100.7")
    spoofed = direct.post(REFER, _form(provider_data()), HTTP_X_FORWARDED_FOR="192.0.2.55")
    assert spoofed.status_code == 429


def test_a_post_without_the_csrf_token_is_refused(world):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(REFER, _form(provider_data())).status_code == 403
    assert not Referral.objects.exists()
