"""Routes of administration and indications the clinical rules distinguish.

Rules differ by route because the evidence does: esketamine has a US label and REMS
(S1-S12), IV and IM racemic ketamine are off-label practice (K1, K5, K7), and at-home
sublingual/ODT programs are operational practice the APA consensus discourages (K7, H11).
"""

from __future__ import annotations

from enum import StrEnum


class Route(StrEnum):
    IV_RACEMIC = "iv"
    IM_RACEMIC = "im"
    ESKETAMINE_NASAL = "esketamine"
    AT_HOME_SUBLINGUAL = "at-home"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def is_supervised_in_clinic(self) -> bool:
        return self is not Route.AT_HOME_SUBLINGUAL


_LABELS = {
    Route.IV_RACEMIC: "IV racemic ketamine",
    Route.IM_RACEMIC: "IM racemic ketamine",
    Route.ESKETAMINE_NASAL: "intranasal esketamine (Spravato)",
    Route.AT_HOME_SUBLINGUAL: "at-home sublingual/ODT racemic ketamine",
}


class Indication(StrEnum):
    DEPRESSION = "depression"
    CHRONIC_PAIN = "chronic pain"
