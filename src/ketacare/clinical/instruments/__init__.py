"""Rating scales, one module per scale, and the registry the web layer and CLI use.

    from ketacare.clinical import instruments
    result = instruments.get("phq9").score([1, 2, 3, 0, 1, 2, 1, 0, 1])
    result.total, result.severity, result.flags, result.risk

Keys (the `ketacare score` contract): phq9 gad7 pcl5 madrs qids-sr16 cssrs cadss.
"""

from __future__ import annotations

from ketacare.clinical.errors import UnknownInstrument
from ketacare.clinical.instruments.base import (
    Answers,
    Instrument,
    Item,
    RatingScale,
    ScoreResult,
    SeverityBand,
)
from ketacare.clinical.instruments.cadss import CADSS
from ketacare.clinical.instruments.cssrs import CSSRS, CssrsScreener
from ketacare.clinical.instruments.gad7 import GAD7
from ketacare.clinical.instruments.madrs import MADRS
from ketacare.clinical.instruments.pcl5 import PCL5
from ketacare.clinical.instruments.phq9 import PHQ9
from ketacare.clinical.instruments.qids_sr16 import QIDS_SR16

INSTRUMENTS: dict[str, Instrument] = {
    scale.key: scale for scale in (PHQ9, GAD7, PCL5, MADRS, QIDS_SR16, CSSRS, CADSS)
}


def get(key: str) -> Instrument:
    """The scale registered under `key`, or `UnknownInstrument` naming the valid keys."""
    try:
        return INSTRUMENTS[key]
    except KeyError:
        raise UnknownInstrument(
            f"unknown instrument {key!r}; choose one of {', '.join(INSTRUMENTS)}"
        ) from None


__all__ = [
    "INSTRUMENTS",
    "Answers",
    "CssrsScreener",
    "Instrument",
    "Item",
    "RatingScale",
    "ScoreResult",
    "SeverityBand",
    "get",
]
