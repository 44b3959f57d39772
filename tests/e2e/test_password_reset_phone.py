"""Forgotten password to a new one, then a change, in a real browser at phone width."""

from __future__ import annotations

import re
import time

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PASSWORD, log_in

pytestmark = pytest.mark.e2e
NEW = "a-fresh-phone-passphrase"


def fits_phone_width(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def wait_for_mail() -> str:
    deadline = time.monotonic() + 10
    while not mail.outbox and time.monotonic() < deadline:  # sent after the response
        time.sleep(0.1)
    return re.search(r"https?://[^/\s]+(/accounts/password-reset/\S+/)", mail.outbox[0].body)[1]


def test_a_forgotten_password_is_reset_by_email_and_then_changed_at_phone_width(
    page: Page, live_server, front_desk, shots
):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill(front_desk.email)
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_test_id("reset-sent")).to_contain_text("works once")
    assert fits_phone_width(page)

    page.goto(live_server.url + wait_for_mail())
    page.locator("#id_new_password1").fill("aaaaaaaaaaaa")
    page.locator("#id_new_password2").fill("aaaaaaaaaaaa")
    page.get_by_role("button", name="Set password").click()
    expect(page.locator(".field-error").first).to_contain_text("repeats the same characters")
    assert fits_phone_width(page)
    page.screenshot(path=str(shots / "password-reset-phone.png"), full_page=True)
    page.locator("#id_new_password1").fill(NEW)
    page.locator("#id_new_password2").fill(NEW)
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_test_id("reset-complete")).to_be_visible()

    log_in(page, live_server.url, front_desk.email, NEW)
    page.get_by_role("link", name="My account").click()
    page.get_by_role("link", name="Change password").click()
    page.locator("#id_old_password").fill("not-the-password")
    page.locator("#id_new_password1").fill(PASSWORD)
    page.locator("#id_new_password2").fill(PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.locator(".field-error").first).to_contain_text("incorrectly")
    assert fits_phone_width(page)
    page.locator("#id_old_password").fill(NEW)
    page.locator("#id_new_password1").fill(PASSWORD)
    page.locator("#id_new_password2").fill(PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.locator(".messages")).to_contain_text("Password changed")
