"""Benchmark of `ketacare simulate --population` (issue 9, item 10): time and peak RSS.

Run:  .venv/bin/python bench/simulate_population.py [--patients 10000]

Each case runs in its own child process (its peak RSS is its own):

* the command's work: 10,000 patients on the 12-week regimen (16 IV infusions), 5-minute
  grid (24,193 points): percentile curves of plasma and effect site, per-patient Cmax,
  Tmax, AUC and the Cmax percentiles (``pk.simulate_population``);
* same-run baseline: ``pk.population_exposure`` on the same population, which only
  summarises per patient on the fly (what bench/pk_population.py times at ~1 s);
* floor: a child that only imports the engine.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

CHILD = r"""
import json, resource, sys, time
import numpy as np
from ketacare.pharmacology.pk import population_exposure, simulate_population
from ketacare.pharmacology.regimen import named_regimen
case, n = sys.argv[1], int(sys.argv[2])
regimen = named_regimen("iv-induction-weekly-12w")
weights = np.clip(np.random.default_rng(1).normal(80, 16, n), 45, 150)
t0 = time.perf_counter()
if case == "command":
    simulate_population(regimen, n, 1, weights, hours=2016, dt_min=5.0)
elif case == "baseline":
    population_exposure(regimen, n, 1, weights, hours=2016, dt_min=5.0)
seconds = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak}))
"""


def run(case: str, n: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, case, str(n)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--patients", type=int, default=10_000)
    n = parser.parse_args().patients
    floor = run("floor", n)
    command = run("command", n)
    baseline = run("baseline", n)
    print(f"{n} patients x 12 weeks, 5-min grid (24,193 points)")
    print(f"{'case':58} {'time s':>7} {'peak RSS MB':>12}")
    print(f"{'floor: interpreter + engine imports':58} {'':>7} {floor['peak_mb']:>12.0f}")
    rows = (
        ("simulate_population: bands + Cmax percentiles (command)", command),
        ("baseline: population_exposure (per-patient summaries only)", baseline),
    )
    for name, r in rows:
        print(f"{name:58} {r['seconds']:>7.2f} {r['peak_mb']:>12.0f}")
    print(f"command / baseline time: x{command['seconds'] / baseline['seconds']:.2f}")


if __name__ == "__main__":
    main()
