"""A referral as a referring provider sends it, and one a patient sends for themself."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

VALID_NPI = "1234567893"  # CMS's check-digit example


def provider_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "referrer_name": "Dr. Pat Referrer",
        "referrer_npi": VALID_NPI,
        "referrer_practice": "Hudson Valley Psychiatry",
        "referrer_phone": "(555) 010-2000",
        "referrer_email": "",
        "first_name": "Jordan",
        "last_name": "Rivera",
        "date_of_birth": "1984-03-14",
        "phone": "(555) 010-3000",
        "email": "",
        "state_of_residence": "NY",
        "diagnosis_codes": ["F33.2"],
        "reason": "Treatment-resistant depression after two adequate trials.",
        "prior_treatments": "Sertraline 200 mg, 12 weeks; venlafaxine 225 mg, 10 weeks.",
    }
    return data | overrides


def self_data(**overrides: Any) -> dict[str, Any]:
    data = {k: v for k, v in provider_data().items() if not k.startswith(("referrer_", "diag"))}
    data |= {"first_name": "Sam", "last_name": "Self", "reason": "My doctor mentioned ketamine."}
    return data | overrides


@pytest.fixture
def mid_window(monkeypatch):  # type: ignore[no-untyped-def]
    """The rate limit's clock stopped in the middle of an hour, so that a test's requests
    cannot straddle two fixed windows (which made it pass or fail by the wall clock)."""
    from ketacare.api import ratelimit

    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 1_800_001_800.0))
