"""The clinic's day: the page, and its panel that htmx reloads every 30 seconds."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

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
    # In the clinic's date and clock (ClinicTimeZoneMiddleware), not the server's UTC.
    return render(request, template, {"today": today_for(actor)})


@login_required
def today(request: HttpRequest) -> HttpResponse:
    return _day(request, "chart/today.html")


@login_required
def today_panel(request: HttpRequest) -> HttpResponse:
    return _day(request, "chart/_today_panel.html")
