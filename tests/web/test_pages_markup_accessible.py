"""Every page, for every role, in its first state and re-rendered with the errors of an empty
form post: each id that an aria-describedby, aria-labelledby, aria-controls or label names
exists on the page (a screen reader reads nothing of a missing one, and axe-core lets it
pass), and each full page opens with a skip link to its main content.

The routes come from the same walk of the URL configuration as the isolation test, so a new
page is checked without being listed here. The browser tests check the same in Chromium on
the pages they open (tests/e2e/axe_guard.py), with axe-core and the input border contrast.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from tests.conftest import ROLES
from tests.web.test_every_route_isolated import every_route, objects_of

pytestmark = pytest.mark.django_db
IDREF_ATTRIBUTES = ("aria-describedby", "aria-labelledby", "aria-controls", "for")
# Posting nothing to these does something other than show a form's errors.
NOT_POSTED = ("logout", "switch-clinic")


class Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.references: list[tuple[str, str, str]] = []  # (tag, attribute, id)
        self.first_link: str | None = None
        self.has_main = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = {k: v or "" for k, v in attrs}
        if "id" in named:
            self.ids.add(named["id"])
        for attribute in IDREF_ATTRIBUTES:
            for ref in named.get(attribute, "").split():
                self.references.append((tag, attribute, ref))
        if tag == "a" and self.first_link is None:
            self.first_link = named.get("href")
        self.has_main = self.has_main or tag == "main"

    def missing(self) -> list[tuple[str, str, str]]:
        return [r for r in self.references if r[2] not in self.ids]


def parse(html: str) -> Markup:
    markup = Markup()
    markup.feed(html)
    return markup


def html_pages(world, client_as):  # type: ignore[no-untyped-def]
    """(what was asked, the markup) of each HTML answer: GET as each role, then an empty
    POST to each page whose GET shows a form that posts."""
    objects = objects_of(world, client_as, "a")
    urls = [url for url, _ in every_route(objects, with_objects_only=False)]
    urls = [url for url in urls if not url.startswith(("/api/", "/admin/"))]
    for url in urls:
        for role in ROLES:
            client = client_as(world.users_a[role])
            page = client.get(url)
            if page.status_code != 200 or "text/html" not in page.get("Content-Type", ""):
                continue
            html = page.content.decode()
            yield f"GET {url} as {role}", html
            if 'method="post"' in html and not any(n in url for n in NOT_POSTED):
                posted = client_as(world.users_a[role]).post(url, {})
                if "text/html" in posted.get("Content-Type", "") and posted.status_code != 302:
                    yield f"POST {url} as {role} ({posted.status_code})", posted.content.decode()


def test_every_page_names_only_ids_it_has_and_opens_with_a_skip_link(world, client_as):
    """One walk for both promises (it is the slow part)."""
    missing, without_skip_link = {}, []
    checked = full_pages = with_descriptions = 0
    for asked, html in html_pages(world, client_as):
        markup = parse(html)
        checked += 1
        with_descriptions += any(r[1] == "aria-describedby" for r in markup.references)
        if markup.missing():
            missing[asked] = markup.missing()
        if markup.has_main:  # not an htmx fragment, which is swapped into a page with one
            full_pages += 1
            if markup.first_link != "#main" or "main" not in markup.ids:
                without_skip_link.append(asked)
    assert not missing, missing
    assert not without_skip_link, without_skip_link
    assert checked >= 100 and full_pages >= 100 and with_descriptions >= 10


def test_a_field_with_help_and_an_error_names_both_and_both_are_rendered(world, client_as):
    client = client_as(world.users_a["front_desk"])
    html = client.post("/patients/new/", {"first_name": "Ada"}).content.decode()
    markup = parse(html)
    described = [r for r in markup.references if r[1] == "aria-describedby"]
    assert any(r[2].endswith("_error") for r in described), described
    assert not markup.missing()
