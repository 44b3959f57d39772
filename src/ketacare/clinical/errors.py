"""Exceptions of the clinical core.

Every refusal names the item or field at fault, so the page or the command can show
the clinician exactly what to correct. All derive from `ValueError`, because each one
is a value the caller passed that the clinical rules cannot accept.
"""

from __future__ import annotations


class ClinicalRuleError(ValueError):
    """Base class: an input the clinical rules refuse."""


class UnknownInstrument(ClinicalRuleError):
    """The requested rating scale is not in the registry."""


class InvalidAnswers(ClinicalRuleError):
    """Answers to a rating scale are missing, too many, too few or out of range."""


class InvalidClinicalInput(ClinicalRuleError):
    """A vital sign, weight, date or other clinical field is impossible or missing."""


class DoseAboveLimit(ClinicalRuleError):
    """A dose exceeds a per-route hard limit and no override with a reason was given."""


class LooseningWithoutReason(ClinicalRuleError):
    """A clinic setting loosens a default safety limit without a recorded reason."""


class LooseningRefused(ClinicalRuleError):
    """A clinic setting loosens a limit that may only be tightened (NEWS2, sedation)."""
