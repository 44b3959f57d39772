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


def test_a_description_that_names_a_missing_id_is_reported(page: Page, axe_guard):
    page.set_content(
        BROKEN.replace(
            '<input type="text" name="dose">',
            '<label for="d">Dose</label><input id="d" name="dose" aria-describedby="d_helptext">',
        )
    )
    found = axe_guard.check(page)
    assert [(v.rule, v.target) for v in found] == [("idref-exists", "#d")]
    assert 'aria-describedby names "d_helptext"' in found[0].summary
    axe_guard.violations.clear()


def test_a_faint_input_border_is_reported_with_its_contrast(page: Page, axe_guard):
    page.set_content(
        BROKEN.replace(
            '<input type="text" name="dose">',
            '<label for="d">Dose</label><input id="d" style="border:1px solid #b8c2cc">',
        )
    )
    found = axe_guard.check(page)
    assert [(v.rule, v.target) for v in found] == [("input-border-contrast", "#d")]
    assert "1.81:1" in found[0].summary
    axe_guard.violations.clear()
