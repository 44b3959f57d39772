"""Benchmark of the per-patient MADRS forecast (issue 9, item 8): time and peak memory.

Run:  .venv/bin/python bench/forecast.py

Each case runs in a fresh child process so its peak RSS is its own:

* ``2 years``: a patient with two years of twice-weekly IV doses and monthly MADRS, as the
  background task now computes it (the last 90 days of scores, the 90 days of doses before
  them, 1,000 draws simulated 100 at a time).
* ``3 months``: the same patient's first three months (a course the model reads whole).
* same-run baseline ``3 months, unchunked``: the computation the scales page used to run on
  every view, all 1,000 draws at once over the whole course (the 2-year course cannot be
  run that way at all: the engine refuses more than 366 days, the 500 of item 7).
* floor: a child that only imports the engine.
"""

from __future__ import annotations

import json
import subprocess
import sys

CHILD = r"""
import json, resource, sys, time
from datetime import datetime, timedelta, timezone
import numpy as np
from ketacare.pharmacology import forecast as engine
from ketacare.treatment.patient_forecast import SessionDose, forecast_history, patient_forecast

days, chunked = int(sys.argv[1]), sys.argv[2] == "chunked"
now = datetime(2026, 11, 30, 10, tzinfo=timezone.utc)
start = now - timedelta(days=days)
doses = [SessionDose("iv", start + timedelta(days=d), 34.0, 40)
         for d in range(1, days) if d % 7 in (1, 4)]
madrs = [(start - timedelta(days=1), 32)] + [
    (start + timedelta(days=d), 14 + (d // 30) % 4) for d in range(30, days + 1, 30)]
if days == 0:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": 0.0, "peak_mb": peak}))
    sys.exit()
if not chunked:
    engine.CHUNK_PATIENTS = 1_000_000  # all draws at once, as before
t0 = time.perf_counter()
result = patient_forecast(doses, madrs, 70.0)
seconds = time.perf_counter() - t0
assert result is not None
print(json.dumps({
    "seconds": round(seconds, 2),
    "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    "doses_simulated": len(forecast_history(doses, madrs).regimen.doses),
    "doses_recorded": len(doses),
}))
"""


def run(days: int, mode: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(days), mode], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    floor = run(0, "chunked")
    cases = [
        ("2 years, stored forecast (chunked)", 730, "chunked"),
        ("3 months, stored forecast (chunked)", 90, "chunked"),
        ("baseline: 3 months, unchunked, as each view did", 90, "unchunked"),
    ]
    print(f"{'case':52} {'time s':>7} {'peak RSS MB':>12} {'above floor':>12}  doses")
    print(f"{'floor: interpreter + engine imports':52} {'':>7} {floor['peak_mb']:>12.0f}")
    results = {}
    for name, days, mode in cases:
        r = run(days, mode)
        results[name] = r
        above = r["peak_mb"] - floor["peak_mb"]
        doses = f"{r['doses_simulated']}/{r['doses_recorded']}"
        print(f"{name:52} {r['seconds']:>7.2f} {r['peak_mb']:>12.0f} {above:>12.0f}  {doses}")
    two_years = results[cases[0][0]]
    base = results[cases[2][0]]
    time_ratio = two_years["seconds"] / base["seconds"]
    mem_ratio = (two_years["peak_mb"] - floor["peak_mb"]) / max(
        1.0, base["peak_mb"] - floor["peak_mb"]
    )
    print(
        f"2 years vs same-run baseline: time x{time_ratio:.2f}, memory above floor x{mem_ratio:.2f}"
    )
    print("Pages no longer run it: the scales page reads the stored result (bench/web_pages.py).")


if __name__ == "__main__":
    main()
