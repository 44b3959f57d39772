"""A keyboard user: the first Tab reaches a visible skip link, Enter on it lands in the main
content, and the field focused next shows a clear focus ring."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

FOCUS_RING = """() => {
  const style = getComputedStyle(document.activeElement);
  return {style: style.outlineStyle, width: parseFloat(style.outlineWidth)};
}"""


def test_tab_reaches_a_skip_link_to_the_main_content_and_focus_is_drawn(page: Page, live_server):
    page.goto(f"{live_server.url}/accounts/password-reset/")  # no field autofocused here
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    ring = page.evaluate(FOCUS_RING)
    assert ring["style"] == "solid" and ring["width"] >= 2, ring

    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Email")).to_be_focused()
    ring = page.evaluate(FOCUS_RING)
    assert ring["style"] == "solid" and ring["width"] >= 2, ring
