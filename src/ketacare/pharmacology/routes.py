"""Absorption of racemic ketamine by route, and the esketamine nasal route.

Racemic routes feed a first-order depot (or the central compartment directly for IV)
of the chosen disposition model (Clements 250 by default). Bioavailability F and the
absorption rate constant ka come from ``shared/domain/pharmacology.md`` section 2; where
the source gives only a time to peak, ka is the value the domain file computes to fit
that Tmax with Clements disposition ("calc"); where nothing is published it is a
labelled ASSUMPTION that the caller can override.
"""

from __future__ import annotations

from dataclasses import dataclass

MIN_PER_H = 60.0

RACEMIC_ROUTES = ("iv", "im", "sublingual", "oral", "intranasal")
ESKETAMINE_ROUTES = ("esketamine-intranasal",)
ALL_ROUTES = RACEMIC_ROUTES + ESKETAMINE_ROUTES


@dataclass(frozen=True)
class Absorption:
    """How a racemic dose reaches the central compartment.

    ``ka_per_min`` None means the dose enters the central compartment directly (IV).
    """

    route: str
    bioavailability: float
    ka_per_min: float | None
    source: str


IV = Absorption("iv", 1.0, None, "by definition")

# IM: F 0.93 [P21, secondary summary of Clements 1982]. ka is unsourced: ASSUMPTION,
# 0.20/min, chosen so that a bolus into the Clements model peaks at about 10 min,
# the middle of the published 5-15 min Tmax [P21] (checked by a test).
IM = Absorption("im", 0.93, 0.20, "F [P21]; ka ASSUMPTION fitted to Tmax 5-15 min [P21]")

# Sublingual / ODT / troche: F 0.29 (25-mg wafer) [P15]; Tmax 0.75 h [P15] gives
# ka ~1.4/h with Clements disposition (calc in the domain file).
SUBLINGUAL = Absorption("sublingual", 0.29, 1.4 / MIN_PER_H, "F, Tmax [P15]; ka calc")

# Oral: F ~0.20 [P16] (0.17-0.23 across [P21, P14]); Tmax ~1 h [P14] gives ka 0.99/h
# with Clements disposition (calc in the domain file).
ORAL = Absorption("oral", 0.20, 0.99 / MIN_PER_H, "F [P16]; Tmax [P14]; ka calc")

# Intranasal racemic (compounded sprays): published F ranges 0.11-0.45 [P17, P16] and
# the domain file shows Clements with F 0.11-0.13 under-predicts the observed Cmax
# (60.8 ng/mL after 30 mg, 77.6 after 50 mg, Tmax 14 and 16 min [P17], V5). ASSUMPTION:
# apparent F 0.33 and ka 0.135/min, calibrated with Clements disposition to those two
# doses: ka puts Tmax at 15 min (within 10% of 14 and of 16), F balances the Cmax errors
# (-12% / +15%). A linear model cannot do better than +/-13%: observed Cmax rises 1.28x
# for a 1.67x dose (and F falls with dose, 17/13/11% [P17]). The apparent F absorbs the
# mismatch between Clements' large V1 and early nasal concentrations; treat intranasal
# racemic predictions as rough. Tests check Cmax within 20% and Tmax within 10%.
INTRANASAL = Absorption(
    "intranasal", 0.33, 0.135, "ASSUMPTION calibrated to Cmax/Tmax of [P17] (V5)"
)

RACEMIC_ABSORPTION: dict[str, Absorption] = {
    a.route: a for a in (IV, IM, SUBLINGUAL, ORAL, INTRANASAL)
}


def absorption_for(route: str) -> Absorption:
    """The absorption of a racemic route; ValueError naming ``route`` if unknown."""
    try:
        return RACEMIC_ABSORPTION[route]
    except KeyError:
        raise ValueError(f"route must be one of {', '.join(ALL_ROUTES)}; got {route!r}") from None
