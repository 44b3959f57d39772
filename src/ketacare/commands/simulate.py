"""`ketacare simulate` (PK curves of one dose) and `ketacare simulate-trial` (virtual trial).

Contract (issue 5): `simulate --json` prints one object with at least `cmax_ng_ml`,
`tmax_min`, `auc_ng_h_ml`, `times_min`, `plasma_ng_ml`, `effect_site_ng_ml`; with
`--population N`, a `population` object with 5/50/95 percentile curves (at its own
`times_min`, every `band_step_min`) and Cmax percentiles, computed in bounded memory.
A regimen is one dose, the dose repeated (`--doses N --every-hours H`) or a named one
(`--regimen`). Bad arguments exit with status 2 and the reason on stderr. Plain
Python: no Django import; matplotlib is loaded only for `--plot`.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ketacare.pharmacology.models import RACEMIC_MODELS
from ketacare.pharmacology.regimen import (
    MIN_PER_DAY,
    NAMED_REGIMENS,
    Regimen,
    named_regimen,
    repeated,
)
from ketacare.pharmacology.routes import ALL_ROUTES

EXIT_BAD_ARGUMENTS = 2


def _rounded(values: Any, digits: int = 4) -> list[float]:
    return [round(float(v), digits) for v in values]


def _regimen(args: argparse.Namespace) -> Regimen:
    """A named regimen, or the given dose once or ``--doses`` times every ``--every-hours``."""
    if args.regimen is not None:
        if args.dose_mg is not None or args.dose_mg_per_kg is not None or args.doses != 1:
            raise ValueError("--regimen sets its own doses: leave out --dose-mg(-per-kg), --doses")
        return named_regimen(args.regimen)
    if args.route is None or (args.dose_mg is None and args.dose_mg_per_kg is None):
        raise ValueError("give --route and --dose-mg or --dose-mg-per-kg, or a --regimen")
    if not 1 <= args.doses <= 500:
        raise ValueError(f"--doses must be within 1-500; got {args.doses}")
    if args.doses > 1 and not (args.every_hours and args.every_hours > 0):
        raise ValueError("--every-hours (> 0) is needed with --doses above 1")
    every_days = (args.every_hours or 0.0) * 60 / MIN_PER_DAY
    return repeated(
        args.route,
        [i * every_days for i in range(args.doses)],
        dose_mg=args.dose_mg,
        dose_mg_per_kg=args.dose_mg_per_kg,
        infusion_min=args.infusion_min,
        name="single" if args.doses == 1 else f"{args.doses} doses every {args.every_hours:g} h",
    )


def _simulate(args: argparse.Namespace) -> dict[str, Any]:
    from ketacare.pharmacology.pk import (
        DISSOCIATION_BAND_NG_ML,
        simulate_pk,
        simulate_population,
    )

    regimen = _regimen(args)
    curve = simulate_pk(
        regimen, args.weight_kg, hours=args.hours, dt_min=args.step_min, model=args.model
    )
    band_min = curve.time_in_dissociation_band_min
    first = regimen.doses[0]
    result: dict[str, Any] = {
        "route": first.route,
        "dose_mg": first.amount_mg(args.weight_kg),
        "infusion_min": first.duration_min,
        "regimen": regimen.name,
        "doses": len(regimen.doses),
        "weight_kg": args.weight_kg,
        "model": "perez-ruixo-2021" if regimen.is_esketamine else args.model,
        "cmax_ng_ml": round(curve.cmax_ng_ml, 4),
        "tmax_min": curve.tmax_min,
        "auc_ng_h_ml": round(curve.auc_ng_h_ml, 4),
        # the band is racemic [P13]: null for esketamine rather than a number that does not apply
        "dissociation_band_ng_ml": None if band_min is None else list(DISSOCIATION_BAND_NG_ML),
        "time_in_dissociation_band_min": None if band_min is None else round(band_min, 2),
        "times_min": _rounded(curve.times_min),
        "plasma_ng_ml": _rounded(curve.plasma_ng_ml),
        "effect_site_ng_ml": _rounded(curve.effect_site_ng_ml),
    }
    if curve.noresketamine_ng_ml is not None:
        result["noresketamine_ng_ml"] = _rounded(curve.noresketamine_ng_ml)
    population = None
    if args.population is not None:
        population = simulate_population(
            regimen,
            args.population,
            args.seed,
            args.weight_kg,
            hours=args.hours,
            dt_min=args.step_min,
            model=args.model,
        )
        result["population"] = {
            "n_patients": args.population,
            "seed": args.seed,
            "times_min": _rounded(population.times_min),
            "band_step_min": population.band_step_min,
            "plasma_ng_ml": {k: _rounded(v) for k, v in population.plasma_bands_ng_ml.items()},
            "effect_site_ng_ml": {
                k: _rounded(v) for k, v in population.effect_site_bands_ng_ml.items()
            },
            "cmax_ng_ml": {k: round(v, 4) for k, v in population.cmax_percentiles_ng_ml.items()},
        }
    if args.plot:
        from ketacare.pharmacology.plots import plot_pk

        infusion = f" over {first.duration_min:g} min" if first.duration_min else ""
        doses = f" x{len(regimen.doses)}" if len(regimen.doses) > 1 else ""
        title = f"{first.route} {result['dose_mg']:g} mg{infusion}{doses}, {args.weight_kg:g} kg"
        plot_pk(curve, args.plot, population=population, title=title)
        result["plot"] = args.plot
    return result


def run_simulate(args: argparse.Namespace) -> int:
    try:
        if args.population is not None and args.population < 1:
            raise ValueError(f"--population must be >= 1; got {args.population}")
        result = _simulate(args)
    except ValueError as error:
        print(f"ketacare simulate: {error}", file=sys.stderr)
        return EXIT_BAD_ARGUMENTS
    if args.json:
        print(json.dumps(result))
        return 0
    band_min = result["time_in_dissociation_band_min"]
    band = (
        "racemic dissociation window not applicable"
        if band_min is None
        else f"{band_min:.0f} min in 100-250 ng/mL"
    )
    print(
        f"{result['route']} {result['dose_mg']:g} mg"
        f"{' x' + str(result['doses']) if result['doses'] > 1 else ''} ({result['model']}), "
        f"{result['weight_kg']:g} kg: Cmax {result['cmax_ng_ml']:.1f} ng/mL at "
        f"{result['tmax_min']:g} min, AUC {result['auc_ng_h_ml']:.1f} ng.h/mL, {band}"
    )
    if "population" in result:
        c = result["population"]["cmax_ng_ml"]
        print(f"population Cmax 5/50/95th: {c['p5']:.1f} / {c['p50']:.1f} / {c['p95']:.1f} ng/mL")
    if args.plot:
        print(f"plot written to {args.plot}")
    return 0


def run_trial(args: argparse.Namespace) -> int:
    from ketacare.pharmacology.trial import run_virtual_trial

    try:
        result = run_virtual_trial(
            args.regimen, args.population, args.seed, progress=not args.no_progress
        )
    except ValueError as error:
        print(f"ketacare simulate-trial: {error}", file=sys.stderr)
        return EXIT_BAD_ARGUMENTS
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"{result['regimen']}: {result['n_patients']} virtual patients (seed {result['seed']})")
    for row in result["after_last_dose"]:
        print(
            f"day {row['day']:>2}: response {row['response_rate']:.1%}, "
            f"remission {row['remission_rate']:.1%}"
        )
    print(f"median days from last dose to relapse (responders): {result['median_days_to_relapse']}")
    return 0


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "simulate", help="ketamine concentration curves of one dose (PK/PD engine)"
    )
    p.add_argument("--route", choices=ALL_ROUTES)
    dose = p.add_mutually_exclusive_group()
    dose.add_argument("--dose-mg", type=float)
    dose.add_argument("--dose-mg-per-kg", type=float)
    p.add_argument("--doses", type=int, default=1, help="repeat the dose N times (default 1)")
    p.add_argument("--every-hours", type=float, help="hours between repeated doses")
    p.add_argument("--regimen", choices=NAMED_REGIMENS, help="a named regimen instead of a dose")
    p.add_argument("--infusion-min", type=float, default=0.0, help="IV infusion duration")
    p.add_argument("--weight-kg", type=float, required=True)
    p.add_argument("--hours", type=float, default=6.0, help="simulated time (default 6)")
    p.add_argument("--step-min", type=float, default=1.0, help="output grid step (default 1)")
    p.add_argument("--model", choices=sorted(RACEMIC_MODELS), default="clements250")
    p.add_argument("--population", type=int, help="also simulate N virtual patients")
    p.add_argument("--seed", type=int, default=0, help="population seed (default 0)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--plot", metavar="FILE", help="write a .png or .svg chart")
    p.set_defaults(func=run_simulate)

    t = subparsers.add_parser(
        "simulate-trial", help="virtual trial: response and remission after a regimen"
    )
    t.add_argument("--regimen", required=True, choices=NAMED_REGIMENS)
    t.add_argument("--population", type=int, default=1000)
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--json", action="store_true")
    t.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    t.set_defaults(func=run_trial)
