"""A clinic's monitoring limits as every session rule reads them: the sourced defaults of the
clinical core (NEWS2, N1, N2; MOAA/S, N3), tightened where the clinic chose. They are changed
by `accounts.services.clinic.set_monitoring_limits` (a new row and an audit entry each time).
"""

from __future__ import annotations

from ketacare.clinical.clinic_settings import DEFAULT_MONITORING, MonitoringSettings
from ketacare.clinics.models import MonitoringLimits


def current_limits(clinic_id: int) -> MonitoringLimits | None:
    return MonitoringLimits.objects.filter(clinic_id=clinic_id).select_related("set_by").first()


def monitoring_settings(clinic_id: int) -> MonitoringSettings:
    """The clinic's settings for the session rules: defaults, tightened where it chose."""
    limits = current_limits(clinic_id)
    return MonitoringSettings(**limits.limits) if limits else DEFAULT_MONITORING
