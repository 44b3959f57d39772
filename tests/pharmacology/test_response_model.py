"""Response model: occupancy, plasticity dynamics, calibration fit, predictions, forecast."""

from __future__ import annotations

import argparse
import json
import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from ketacare.commands import simulate
from ketacare.pharmacology.calibration import SINGLE_INFUSION_TARGETS, evaluate
from ketacare.pharmacology.forecast import forecast_patient
from ketacare.pharmacology.regimen import named_regimen
from ketacare.pharmacology.response import (
    DEFAULT_RESPONSE,
    KETAMINE_G_PER_MOL,
    ResponseParameters,
    nmda_occupancy,
    plasticity,
)
from ketacare.pharmacology.trial import rates_at, simulate_scores


def test_occupancy_is_half_at_the_ki_and_esketamine_is_twice_as_potent():
    ki_ng_ml = DEFAULT_RESPONSE.ketamine_ki_um * KETAMINE_G_PER_MOL
    assert nmda_occupancy(np.array([ki_ng_ml]))[0] == pytest.approx(0.5)
    racemic = nmda_occupancy(np.array([200.0]))
    eske = nmda_occupancy(np.array([100.0]), esketamine=True)
    np.testing.assert_allclose(eske, racemic)
    assert nmda_occupancy(np.array([0.0]))[0] == 0.0


def test_plasticity_update_equals_an_ode_solution_for_stepwise_occupancy():
    dt = 10.0
    occ = np.zeros((1, 300))
    occ[0, 3:9] = 0.4
    occ[0, 150:160] = 0.2
    kd = np.array([math.log(2) / 2.0])
    got = plasticity(occ, dt, kd)[0]
    ks = math.log(2) / (DEFAULT_RESPONSE.signal_half_life_h * 60)

    def rhs(t, y):
        u = occ[0, min(int(t // dt), occ.shape[1] - 1)]
        return [ks * (u - y[0]), y[0] - kd[0] / 1440 * y[1]]

    times = np.arange(300) * dt
    sol = solve_ivp(
        rhs, (0, times[-1]), [0, 0], t_eval=times, rtol=1e-10, atol=1e-12, max_step=dt / 4
    )
    np.testing.assert_allclose(got, sol.y[1], rtol=1e-5, atol=1e-8 * got.max())


def test_calibrated_model_reproduces_the_single_infusion_table():
    report = evaluate(DEFAULT_RESPONSE, n_patients=1500, seed=11)
    for row in report.rows:
        day = row["day"]
        assert SINGLE_INFUSION_TARGETS[day] == (row["response_obs"], row["remission_obs"])
        assert row["response_model"] == pytest.approx(row["response_obs"], abs=0.08)
        assert row["remission_model"] == pytest.approx(row["remission_obs"], abs=0.20)
    assert report.rmse_percentage_points < 10.0
    assert 0.5 <= report.peak_effect_day <= 2.0  # peak day 1 [P27]
    assert report.effect_day11_over_peak <= 0.2  # gone by days 10-12 [P27]


def test_six_infusions_keep_more_patients_responding_than_one():
    single = simulate_scores(named_regimen("iv-single"), 600, 3, 20)
    series = simulate_scores(named_regimen("iv-6x12d"), 600, 3, 30)
    rng = np.random.default_rng(0)
    one = rates_at(single, 7, rng)[0]
    six = rates_at(series, 11 + 7, rng)[0]
    assert six > one


def test_a_patient_without_drug_sensitivity_only_improves_non_specifically():
    params = ResponseParameters(emax_logit_mean=-40.0, emax_logit_sd=1e-6)
    course = simulate_scores(named_regimen("iv-single"), 50, 1, 10, params)
    assert np.max(course.drug_effect) < 1e-9
    ratio = course.madrs[:, -1] / course.traits.baseline_madrs
    assert np.all(ratio >= 1 - params.nonspecific_max_fraction - 1e-9)


def test_forecast_band_is_ordered_and_booster_follows_the_fading_patient():
    regimen = named_regimen("iv-6x12d")
    kwargs = {"horizon_days": 28, "n_samples": 600, "seed": 2}
    holding = forecast_patient(regimen, 80, [0, 1, 7, 12], [32, 12, 10, 8], **kwargs)
    fading = forecast_patient(regimen, 80, [0, 1, 7, 12], [32, 12, 13, 15], **kwargs)
    for f in (holding, fading):
        assert np.all(f.score_p5 <= f.score_p50) and np.all(f.score_p50 <= f.score_p95)
        assert f.days[0] == pytest.approx(12.0)
        assert f.estimated_baseline_madrs == pytest.approx(32, abs=4)
    assert fading.booster_due_day is not None
    assert holding.booster_due_day is None or holding.booster_due_day > fading.booster_due_day


def test_forecast_for_a_non_responder_has_no_booster_date():
    regimen = named_regimen("iv-6x12d")
    f = forecast_patient(regimen, 80, [0, 3, 7, 12], [32, 31, 30, 31], n_samples=600)
    assert f.booster_due_day is None


@pytest.mark.parametrize(
    ("days", "scores", "word"),
    [
        ([0, 1], [30], "observed_days"),
        ([0, 1], [30, 75], "observed_scores"),
        ([0, 400], [30, 20], "observed_days"),
    ],
)
def test_forecast_rejects_bad_observations(days, scores, word):
    with pytest.raises(ValueError, match=word):
        forecast_patient(named_regimen("iv-single"), 80, days, scores, n_samples=200)


def _trial(argv, capsys):
    parser = argparse.ArgumentParser(prog="ketacare")
    simulate.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["simulate-trial", *argv])
    code = args.func(args)
    return code, capsys.readouterr()


def test_simulate_trial_json_reports_rates_and_relapse(capsys):
    argv = ["--regimen", "iv-6x12d", "--population", "300", "--seed", "1", "--json"]
    code, out = _trial([*argv, "--no-progress"], capsys)
    data = json.loads(out.out)
    assert code == 0
    assert [row["day"] for row in data["after_last_dose"]] == [1, 3, 7, 14, 21, 28]
    for row in data["after_last_dose"]:
        assert 0 <= row["remission_rate"] <= 1 and 0 <= row["response_rate"] <= 1
    day1, day28 = data["after_last_dose"][0], data["after_last_dose"][-1]
    assert day1["response_rate"] > day28["response_rate"]
    assert data["median_days_to_relapse"] is None or data["median_days_to_relapse"] > 0
    code2, out2 = _trial([*argv, "--no-progress"], capsys)
    assert json.loads(out2.out) == data  # seeded


def test_simulate_trial_rejects_an_empty_population_with_status_2(capsys):
    code, out = _trial(["--regimen", "iv-single", "--population", "0", "--no-progress"], capsys)
    assert code == 2
    assert "population" in out.err


def test_booster_due_date_counts_from_the_first_dose():
    from datetime import date

    regimen = named_regimen("iv-6x12d")
    f = forecast_patient(regimen, 80, [0, 1, 7, 12], [32, 12, 13, 15], n_samples=600, seed=2)
    assert f.booster_due_day is not None
    due = f.booster_due_date(date(2026, 11, 2))
    assert due is not None and (due - date(2026, 11, 2)).days == int(f.booster_due_day)
