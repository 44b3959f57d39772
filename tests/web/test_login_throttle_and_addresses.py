"""Client addresses behind a trusted proxy only, password spraying stopped per address,
and the Permissions-Policy header on every response."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from ketacare.accounts.current import client_ip
from ketacare.audit.models import AuditEntry

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-enough-passphrase"
PROXY = "10.0.0.1"


def request_from(peer: str, forwarded: str | None = None):  # type: ignore[no-untyped-def]
    meta = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_forwarded_for_from_an_untrusted_peer_is_ignored():
    assert client_ip(request_from("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


@override_settings(KETACARE_TRUSTED_PROXIES=["10.0.0.0/8"])
def test_forwarded_for_from_a_trusted_proxy_gives_the_rightmost_untrusted_hop():
    # The client wrote "1.1.1.1"; the proxy appended the address it saw, 198.51.100.7.
    assert client_ip(request_from(PROXY, "1.1.1.1, 198.51.100.7")) == "198.51.100.7"
    # A chain of trusted proxies is walked through to the first untrusted hop.
    assert client_ip(request_from(PROXY, "198.51.100.7, 10.0.0.2")) == "198.51.100.7"
    # A forged, malformed hop stops the walk at the last address a proxy vouched for.
    assert client_ip(request_from(PROXY, "198.51.100.7, not-an-ip")) == PROXY
    assert client_ip(request_from(PROXY)) == PROXY
    assert client_ip(request_from("203.0.113.9", "198.51.100.7")) == "203.0.113.9"


def test_the_audit_log_records_the_peer_not_a_spoofed_forwarded_for(world):
    nurse = world.users_a["nurse"]
    nurse.set_password(PASSWORD)
    nurse.save()
    client = Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.1")
    client.post(reverse("login"), {"username": nurse.email, "password": PASSWORD})
    assert AuditEntry.objects.filter(action="login").latest("pk").ip == "203.0.113.9"


def _staff_with_passwords(world):  # type: ignore[no-untyped-def]
    users = [*world.users_a.values(), *world.users_b.values()]
    for user in users:
        user.set_password(PASSWORD)
        user.save()
    return users


def spray(users, client, attempts_each=2):  # type: ignore[no-untyped-def]
    responses = []
    for _ in range(attempts_each):
        for user in users:
            data = {"username": user.email, "password": "Winter2026!xyz"}
            responses.append(client.post(reverse("login"), data))
    return responses


def test_password_spraying_from_one_address_is_stopped_with_a_clear_page(world, settings):
    users = _staff_with_passwords(world)  # 12 accounts, as in the reported attack
    attacker = Client(REMOTE_ADDR="203.0.113.66")
    responses = spray(users, attacker)  # 24 failures, never 5 on one account
    codes = [r.status_code for r in responses]
    limit = settings.KETACARE_LOGIN_FAILURES_PER_ADDRESS
    assert codes[: limit - 1] == [200] * (limit - 1)
    assert set(codes[limit:]) == {429}
    page = responses[-1].content.decode()
    assert "Logins from your network are paused" in page
    # Even a right password is refused from that address until the cool-off ends ...
    right = attacker.post(reverse("login"), {"username": users[0].email, "password": PASSWORD})
    assert right.status_code == 429
    # ... while the same account logs in from elsewhere.
    elsewhere = Client(REMOTE_ADDR="198.51.100.20")
    ok = elsewhere.post(reverse("login"), {"username": users[0].email, "password": PASSWORD})
    assert ok.status_code == 302


@override_settings(KETACARE_TRUSTED_PROXIES=[PROXY])
def test_behind_a_trusted_proxy_one_sprayer_does_not_lock_out_the_other_clients(world, settings):
    users = _staff_with_passwords(world)
    attacker = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.66")
    assert spray(users, attacker)[-1].status_code == 429
    colleague = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.20")
    ok = colleague.post(reverse("login"), {"username": users[1].email, "password": PASSWORD})
    assert ok.status_code == 302


def test_unlock_address_clears_a_spraying_lock(world, capsys):
    from ketacare.cli import main

    users = _staff_with_passwords(world)
    attacker = Client(REMOTE_ADDR="203.0.113.66")
    assert spray(users, attacker)[-1].status_code == 429
    assert main(["unlock", "--address", "203.0.113.66"]) == 0
    again = attacker.post(reverse("login"), {"username": users[0].email, "password": PASSWORD})
    assert again.status_code == 302


@pytest.mark.parametrize("path", ["/accounts/login/", "/patients/", "/api/patients/",
                                  "/no-such-page/", "/healthz"])  # fmt: skip
def test_every_response_denies_browser_features_the_app_does_not_use(world, client_as, path):
    response = client_as(world.users_a["nurse"]).get(path)
    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy


def test_the_operators_unlock_is_audited_in_each_clinic_of_the_account(world, capsys):
    from ketacare.cli import main

    nurse = world.users_a["nurse"]
    for _ in range(5):
        Client().post(reverse("login"), {"username": nurse.email, "password": "wrong-guess-1"})
    assert main(["unlock", nurse.email.upper()]) == 0
    assert "Cleared 1 lockout" in capsys.readouterr().out
    [entry] = AuditEntry.objects.filter(
        object_type="user", object_id=str(nurse.pk), action="update"
    )
    assert (entry.action, entry.role, entry.clinic_id) == ("update", "system", world.clinic_a.pk)
    assert entry.detail == {"unlocked": 1, "by": "ketacare unlock"}


def test_the_operators_unlock_of_an_address_or_an_unknown_name_is_audited_without_it(world):
    from ketacare.cli import main

    users = _staff_with_passwords(world)
    spray(users, Client(REMOTE_ADDR="203.0.113.66"))
    assert main(["unlock", "--address", "203.0.113.66"]) == 0
    by_address = AuditEntry.objects.filter(object_type="login_address").get()
    assert by_address.object_id == "203.0.113.66" and by_address.detail["unlocked"] >= 1
    assert main(["unlock", "typo-Zebulon@nowhere.example"]) == 0
    unknown = AuditEntry.objects.filter(object_type="user").latest("id")
    assert unknown.object_id == "" and unknown.detail == {
        "unlocked": 0,
        "by": "ketacare unlock",
        "account": "unknown",
    }
    assert "zebulon" not in str(unknown.detail).lower() + unknown.user_email.lower()
