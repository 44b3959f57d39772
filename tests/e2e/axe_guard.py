"""axe-core on every page state a browser test reaches, without a call in each test.

Where the check runs: on the page as it is just before each action that may leave or change
it (goto, click, key press, select...), and on each open page when its context closes. So every
page a test opens and every htmx swap it waits for is checked in the state the test saw, in the
test's own thread (no race with the next action). A state already checked (same URL and markup)
is not checked again. Results are collected; the test fails at teardown with the rule, the node
and the help URL of each violation.

(Holding the page's requests with context.route and checking there would be neater, but
Playwright never answers an evaluate on a page whose navigation request is held.)
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Error, Locator, Page

AXE = Axe()
# What Playwright says when the page went away under the check.
GONE = ("Execution context was destroyed", "Target page, context or browser has been closed")
# Two checks axe-core leaves to a human, in the same report:
# - an aria-describedby (or -labelledby, -controls, label for) naming an id the page lacks:
#   axe passes it as long as one of the ids exists, and a screen reader then reads nothing;
# - a text field's border under 3:1 against what surrounds it (WCAG 1.4.11): axe checks text.
PAGE_CHECKS = """() => {
  const found = [];
  const path = (el) => el.id ? '#' + el.id : el.tagName.toLowerCase()
    + (el.name ? `[name="${el.name}"]` : '');
  for (const attr of ['aria-describedby', 'aria-labelledby', 'aria-controls', 'for']) {
    for (const el of document.querySelectorAll(`[${attr}]`)) {
      for (const id of el.getAttribute(attr).split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) found.push({rule: 'idref-exists', target: path(el),
          html: el.outerHTML.slice(0, 200), summary: `${attr} names "${id}": no element has it`,
          help: 'Every id an attribute points to must exist',
          helpUrl: 'https://www.w3.org/WAI/WCAG22/Techniques/failures/F111'});
      }
    }
  }
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map((v) => v / 255)
    .map((v) => v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const behind = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const c = rgb(getComputedStyle(p).backgroundColor);
      if (c.length === 3 || c[3] > 0) return c;
    }
    return [255, 255, 255];
  };
  const fields = 'input:not([type=hidden]):not([type=checkbox]):not([type=radio])'
    + ':not([type=submit]):not([type=button]), select, textarea';
  for (const el of document.querySelectorAll(fields)) {
    const style = getComputedStyle(el);
    if (!el.getClientRects().length || style.visibility === 'hidden') continue;
    const [a, b] = [lum(rgb(style.borderTopColor)), lum(behind(el))].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    if (ratio < 3) found.push({rule: 'input-border-contrast', target: path(el),
      html: el.outerHTML.slice(0, 200),
      summary: `border ${style.borderTopColor} is ${ratio.toFixed(2)}:1 against its background`,
      help: "A form field's border needs 3:1 contrast against its surroundings",
      helpUrl: 'https://www.w3.org/WAI/WCAG22/Understanding/non-text-contrast.html'});
  }
  return found;
}"""
# Actions that may navigate, submit or trigger an htmx swap. Typing (fill) is left out: the
# state it leads to is checked before the click or key press that sends it.
ACTIONS: dict[type, tuple[str, ...]] = {
    Page: ("goto", "reload", "go_back", "go_forward", "set_content", "click", "close"),
    Locator: (
        "click",
        "dblclick",
        "tap",
        "press",
        "check",
        "uncheck",
        "set_checked",
        "select_option",
    ),
}


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    help: str
    help_url: str
    url: str
    target: str
    html: str
    summary: str

    def describe(self) -> str:
        return (
            f"{self.rule} ({self.impact}): {self.help}\n  page: {self.url}\n"
            f"  node: {self.target}\n  html: {self.html}\n  {self.summary}\n"
            f"  help: {self.help_url}"
        )


@dataclass
class AxeGuard:
    violations: list[Violation] = field(default_factory=list)
    checked_states: int = 0
    _seen: set[str] = field(default_factory=set)

    def check(self, page: Page) -> list[Violation]:
        """Run axe on the page as it is now; a state already checked is not checked again."""
        if page.is_closed() or not page.evaluate("!!(document.body && document.body.firstChild)"):
            return []
        state = page.url + "\n" + page.evaluate("document.documentElement.outerHTML")
        digest = hashlib.sha256(state.encode()).hexdigest()
        if digest in self._seen:
            return []
        self._seen.add(digest)
        if not page.evaluate("typeof window.axe === 'object'"):
            page.evaluate(AXE.axe_script)
        response: dict[str, Any] = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        self.checked_states += 1
        found = [
            Violation(
                rule=f["rule"],
                impact="serious",
                help=f["help"],
                help_url=f["helpUrl"],
                url=page.url,
                target=f["target"],
                html=f["html"],
                summary=f["summary"],
            )
            for f in page.evaluate(PAGE_CHECKS)
        ] + [
            Violation(
                rule=v["id"],
                impact=v.get("impact") or "",
                help=v["help"],
                help_url=v["helpUrl"],
                url=page.url,
                target=", ".join(str(t) for t in node["target"]),
                html=node["html"],
                summary=node.get("failureSummary") or "",
            )
            for v in response["violations"]
            for node in v["nodes"]
        ]
        self.violations.extend(f for f in found if f not in self.violations)
        return found

    def check_quietly(self, page: Page) -> None:
        """The check before an action. A page that closed or navigated away meanwhile has
        nothing left to check (the test reports what matters); any other error is raised:
        a checker that fails silently would pass every page."""
        try:
            if not page.is_closed():
                page.wait_for_load_state("load")  # a navigation the last click started
                self.check(page)
        except Error as error:
            if not (page.is_closed() or any(m in error.message for m in GONE)):
                raise

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Check the page before every action that may leave it or change it, and each page
        of a context before the context closes, whichever way the test made them."""
        for cls, names in ACTIONS.items():
            for name in names:
                monkeypatch.setattr(cls, name, self._checked_first(getattr(cls, name)))
        close = BrowserContext.close

        def checked_close(context: BrowserContext, *args: Any, **kwargs: Any) -> None:
            for page in context.pages:
                self.check_quietly(page)
            close(context, *args, **kwargs)

        monkeypatch.setattr(BrowserContext, "close", checked_close)

    def _checked_first(self, action: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(action)
        def checked(target: Page | Locator, *args: Any, **kwargs: Any) -> Any:
            self.check_quietly(target if isinstance(target, Page) else target.page)
            return action(target, *args, **kwargs)

        return checked

    def report(self) -> str:
        lines = [f"axe-core found {len(self.violations)} accessibility violation(s):"]
        lines += [v.describe() for v in self.violations]
        return "\n\n".join(lines)
