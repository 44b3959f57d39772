"""Patient searches kept in the server-side session behind a short opaque token, and paging.

A search term is usually a name. In a query string it would land in the web server's access
log, the browser's history and any Referer header; the token (`?s=`) carries nothing of it.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

SESSION_KEY = "ketacare_patient_searches"
KEEP = 10  # the latest searches of this session; older tokens stop working
LIFETIME_SECONDS = 30 * 60
MAX_PAGE = 100_000


def remember(session: Any, query: str) -> str:
    """A new token for this search term ("" for no term: the plain list needs none)."""
    if not query:
        return ""
    now = time.time()
    kept = session.get(SESSION_KEY, {})
    live = {t: s for t, s in kept.items() if now - s["at"] < LIFETIME_SECONDS}
    live[secrets.token_urlsafe(9)] = {"q": query, "at": now}
    newest = sorted(live.items(), key=lambda item: item[1]["at"])[-KEEP:]
    session[SESSION_KEY] = dict(newest)
    token: str = newest[-1][0]
    return token


def recall(session: Any, token: str) -> str | None:
    """The search term behind a token of this session: "" for no token, None if expired."""
    if not token:
        return ""
    kept = session.get(SESSION_KEY, {}).get(token)
    if kept is None or time.time() - kept["at"] >= LIFETIME_SECONDS:
        return None
    return str(kept["q"])


def list_url(token: str, page: int = 1) -> str:
    params = {k: v for k, v in (("s", token), ("page", page if page > 1 else "")) if v}
    return reverse("patient-list") + (f"?{urlencode(params)}" if params else "")


def page_number(raw: str | None) -> int:
    return min(int(raw), MAX_PAGE) if raw and raw.isdigit() and int(raw) > 0 else 1


@dataclass(frozen=True)
class Pager:
    token: str
    page: int
    total: int
    page_size: int

    @property
    def first(self) -> int:
        return min((self.page - 1) * self.page_size + 1, self.total)

    @property
    def last(self) -> int:
        return min(self.page * self.page_size, self.total)

    @property
    def previous_url(self) -> str:
        return list_url(self.token, self.page - 1) if self.page > 1 else ""

    @property
    def next_url(self) -> str:
        return list_url(self.token, self.page + 1) if self.last < self.total else ""
