"""Dosing regimens: a list of doses (route, amount, start, duration) over weeks.

A dose is either a fixed amount (``dose_mg``) or weight-based (``dose_mg_per_kg``), so
one regimen can be given to a whole virtual population of different weights.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ketacare.pharmacology.routes import ALL_ROUTES, ESKETAMINE_ROUTES

MIN_PER_DAY = 24 * 60.0
MIN_PER_H = 60.0
# Shorter "infusions" are boluses; refusing them keeps the rate dose/duration finite.
MIN_INFUSION_MIN = 0.01


@dataclass(frozen=True)
class Dose:
    """One administration. Times in minutes from the start of the regimen."""

    route: str
    start_min: float = 0.0
    dose_mg: float | None = None
    dose_mg_per_kg: float | None = None
    duration_min: float = 0.0

    def __post_init__(self) -> None:
        if self.route not in ALL_ROUTES:
            raise ValueError(f"route must be one of {', '.join(ALL_ROUTES)}; got {self.route!r}")
        if (self.dose_mg is None) == (self.dose_mg_per_kg is None):
            raise ValueError("dose_mg or dose_mg_per_kg: give exactly one")
        amount = self.dose_mg if self.dose_mg is not None else self.dose_mg_per_kg
        name = "dose_mg" if self.dose_mg is not None else "dose_mg_per_kg"
        if amount is None or not math.isfinite(amount) or amount <= 0:
            raise ValueError(f"{name} must be a positive number; got {amount!r}")
        if not math.isfinite(self.start_min) or self.start_min < 0:
            raise ValueError(f"start_min must be >= 0; got {self.start_min!r}")
        d = self.duration_min
        if not math.isfinite(d) or d < 0 or 0 < d < MIN_INFUSION_MIN:
            raise ValueError(
                f"duration_min must be 0 (bolus) or at least {MIN_INFUSION_MIN} min; got {d!r}"
            )
        if self.duration_min > 0 and self.route != "iv":
            raise ValueError(
                f"duration_min (infusion time) applies to route 'iv' only; got route {self.route!r}"
            )

    @property
    def end_min(self) -> float:
        return self.start_min + self.duration_min

    def amount_mg(self, weight_kg: float) -> float:
        """The dose in mg for a patient of ``weight_kg``."""
        if self.dose_mg is not None:
            return self.dose_mg
        assert self.dose_mg_per_kg is not None
        return self.dose_mg_per_kg * weight_kg


@dataclass(frozen=True)
class Regimen:
    """An ordered tuple of doses of one drug (racemic ketamine or esketamine)."""

    doses: tuple[Dose, ...]
    name: str = "custom"

    def __post_init__(self) -> None:
        if not self.doses:
            raise ValueError("doses must not be empty")
        kinds = {d.route in ESKETAMINE_ROUTES for d in self.doses}
        if len(kinds) > 1:
            raise ValueError("doses: cannot mix racemic ketamine and esketamine in one regimen")

    @property
    def is_esketamine(self) -> bool:
        return self.doses[0].route in ESKETAMINE_ROUTES

    @property
    def routes(self) -> tuple[str, ...]:
        return tuple(sorted({d.route for d in self.doses}))

    @property
    def last_dose_end_min(self) -> float:
        return max(d.end_min for d in self.doses)

    def scaled(self, factor: float) -> Regimen:
        """The same regimen with every dose multiplied by ``factor`` (> 0)."""
        if not factor > 0:
            raise ValueError(f"factor must be > 0; got {factor!r}")
        doses = tuple(
            Dose(
                route=d.route,
                start_min=d.start_min,
                dose_mg=None if d.dose_mg is None else d.dose_mg * factor,
                dose_mg_per_kg=None if d.dose_mg_per_kg is None else d.dose_mg_per_kg * factor,
                duration_min=d.duration_min,
            )
            for d in self.doses
        )
        return Regimen(doses, self.name)


def single_dose(
    route: str,
    *,
    dose_mg: float | None = None,
    dose_mg_per_kg: float | None = None,
    infusion_min: float = 0.0,
) -> Regimen:
    """One dose at time 0."""
    return Regimen((Dose(route, 0.0, dose_mg, dose_mg_per_kg, infusion_min),), "single")


def repeated(
    route: str,
    days: Sequence[float],
    *,
    dose_mg: float | None = None,
    dose_mg_per_kg: float | None = None,
    infusion_min: float = 0.0,
    name: str = "custom",
) -> Regimen:
    """The same dose given on each of ``days`` (day 0 = first dose)."""
    doses = tuple(
        Dose(route, day * MIN_PER_DAY, dose_mg, dose_mg_per_kg, infusion_min) for day in days
    )
    return Regimen(doses, name)


# Monday-Wednesday-Friday for two weeks: days 0, 2, 4, 7, 9, 11 (issue 5).
MON_WED_FRI_12_DAYS = (0, 2, 4, 7, 9, 11)
# Induction then weekly maintenance to the end of week 12 (benchmark regimen).
INDUCTION_WEEKLY_12_WEEKS = MON_WED_FRI_12_DAYS + tuple(range(14, 84, 7))
# Spravato induction: twice weekly for 4 weeks (clinical.md S3/S4): days 0,3,7,10,...
ESKETAMINE_TWICE_WEEKLY_4_WEEKS = (0, 3, 7, 10, 14, 17, 21, 24)


def named_regimen(name: str) -> Regimen:
    """Regimens named in issue 5 and the clinic protocols; ValueError naming ``regimen``."""
    iv_days = {
        "iv-single": (0,),
        "iv-6x12d": MON_WED_FRI_12_DAYS,
        "iv-induction-weekly-12w": INDUCTION_WEEKLY_12_WEEKS,
    }
    if name in iv_days:
        return repeated("iv", iv_days[name], dose_mg_per_kg=0.5, infusion_min=40.0, name=name)
    if name == "esketamine-56mg-2x-weekly-4w":
        return repeated(
            "esketamine-intranasal", ESKETAMINE_TWICE_WEEKLY_4_WEEKS, dose_mg=56.0, name=name
        )
    if name == "esketamine-84mg-2x-weekly-4w":
        return repeated(
            "esketamine-intranasal", ESKETAMINE_TWICE_WEEKLY_4_WEEKS, dose_mg=84.0, name=name
        )
    raise ValueError(f"regimen must be one of {', '.join(NAMED_REGIMENS)}; got {name!r}")


NAMED_REGIMENS = (
    "iv-single",
    "iv-6x12d",
    "iv-induction-weekly-12w",
    "esketamine-56mg-2x-weekly-4w",
    "esketamine-84mg-2x-weekly-4w",
)
