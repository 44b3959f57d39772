"""The clinic: KetaCare's tenant. Every patient-data table carries its clinic_id."""

from __future__ import annotations

import zoneinfo
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from ketacare.clinics.us_states import US_STATES


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            f"Unknown time zone {value!r}; use an IANA name like America/New_York."
        )


def validate_state_codes(value: list[str]) -> None:
    if not isinstance(value, list):
        raise ValidationError("Licensed states must be a list of two-letter state codes.")
    unknown = [code for code in value if code not in US_STATES]
    if unknown:
        raise ValidationError(f"Unknown US state code(s): {', '.join(map(str, unknown))}.")


MEETING_PLACEHOLDER = "{meeting}"


def validate_video_link_template(value: str) -> None:
    """The clinic's own video tool: an https address (a visit's link carries health context,
    so never plain http), where {meeting} is replaced by each appointment's meeting code."""
    if not value:
        return
    parts = urlsplit(value.replace(MEETING_PLACEHOLDER, "x"))
    if parts.scheme != "https" or not parts.hostname or " " in value:
        raise ValidationError(
            "Use an https:// address of your video tool, e.g. https://meet.example.org/{meeting}."
        )
    if value.count("{") != value.count(MEETING_PLACEHOLDER):
        raise ValidationError("The only placeholder is {meeting}.")


class Clinic(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    address = models.TextField(blank=True)
    time_zone = models.CharField(
        max_length=64, default="America/New_York", validators=[validate_time_zone]
    )
    licensed_states = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_state_codes],
        help_text="US states (two-letter codes) where the clinic is licensed to treat.",
    )
    on_call_email = models.EmailField(
        blank=True,
        help_text="Where a suicidality alert is emailed at once (besides the dashboard).",
    )
    video_link_template = models.CharField(
        max_length=300,
        blank=True,
        validators=[validate_video_link_template],
        help_text="The clinic's video tool for telehealth visits: an https:// address; "
        "{meeting} is replaced by each appointment's own meeting code.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MonitoringLimits(models.Model):
    """A clinic's stricter monitoring limits: one row per change, so who set what and when
    stays on record; the newest row applies. Only limits stricter than the sourced defaults
    are stored (clinical/clinic_settings.py refuses looser ones)."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="monitoring_limits")
    limits = models.JSONField(default=dict)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-set_at", "-id"]
        indexes = [models.Index(fields=["clinic", "-set_at"])]

    def __str__(self) -> str:
        return f"monitoring limits of {self.clinic} set {self.set_at:%Y-%m-%d %H:%M}"
