"""Where to go after a form: a `next` the user supplied, only if it stays on this site."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, fallback: str = "home") -> str:
    """The `next` of the POST or query string when it is a URL of this host (so a crafted link
    cannot send a freshly logged-in user to a look-alike site), else the fallback's URL."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return resolve_url(fallback)
