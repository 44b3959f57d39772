"""The axe-core check of the browser tests can fail: a page with an unlabelled input is
reported, whether the test leaves it by navigating or ends on it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

pytestmark = pytest.mark.e2e

BROKEN = (
    '<!doctype html><html lang="en"><head><title>Broken</title></head>'
    '<body><main><h1>Broken</h1><form><input type="text" name="dose"></form></main></body></html>'
)


def test_an_unlabelled_input_is_reported_with_rule_node_and_help_url(page: Page, axe_guard):
    page.set_content(BROKEN)
    found = axe_guard.check(page)
    assert [v.rule for v in found] == ["label"]
    assert found[0].target == "input"
    assert found[0].help_url.startswith("https://dequeuniversity.com/rules/axe/")
    axe_guard.violations.clear()  # seen: this test is about the check, not about a page


def test_a_page_left_by_navigation_is_checked_before_it_goes(page: Page, live_server, axe_guard):
    page.set_content(BROKEN)
    page.goto(f"{live_server.url}/accounts/login/")
    assert [v.rule for v in axe_guard.violations] == ["label"]
    axe_guard.violations.clear()


def test_a_clean_page_passes(page: Page, live_server, axe_guard):
    page.goto(f"{live_server.url}/accounts/login/")
    axe_guard.check(page)
    assert axe_guard.checked_states == 1
    assert axe_guard.violations == []


def test_the_page_a_test_ends_on_is_checked_when_its_context_closes(new_context, axe_guard):
    page = new_context().new_page()
    page.set_content(BROKEN)
    page.context.close()
    assert [v.rule for v in axe_guard.violations] == ["label"]
    axe_guard.violations.clear()
