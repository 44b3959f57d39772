"""The clinic's day: the page, and its panel that htmx reloads every 30 seconds."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from ketacare.accounts.actor import Actor
from ketacare.accounts.current import actor_from_request
from ketacare.accounts.roles import ActionDenied, Role
from ketacare.chart.today import today_for


def _actor(request: HttpRequest) -> Actor:
    actor = actor_from_request(request)
    if actor.clinic is None or not actor.role or actor.role == Role.PATIENT:
        raise ActionDenied("The clinic's day is for its staff.")
    return actor


def _day(request: HttpRequest, template: str) -> HttpResponse:
    actor = _actor(request)
    assert actor.clinic is not None
    # The clinic's date and clock, not the server's (UTC): a New York clinic's evening is
    # already tomorrow in UTC, and its 08:00 visit is not at 13:00.
    with timezone.override(ZoneInfo(actor.clinic.time_zone)):
        return render(request, template, {"today": today_for(actor)})


@login_required
def today(request: HttpRequest) -> HttpResponse:
    return _day(request, "chart/today.html")


@login_required
def today_panel(request: HttpRequest) -> HttpResponse:
    return _day(request, "chart/_today_panel.html")
