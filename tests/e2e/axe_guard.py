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
        """The check before an action: a page that is closed or crashed has nothing to check
        (the test itself reports that)."""
        try:
            if not page.is_closed():
                page.wait_for_load_state("load")  # a navigation the last click started
                self.check(page)
        except Error:
            pass

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
