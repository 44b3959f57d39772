"""Virtual populations: seeded, covariate-aware, with the sourced variability."""

from __future__ import annotations

import numpy as np
import pytest

from ketacare.pharmacology.metrics import auc_ng_h_ml, cmax_ng_ml, time_above_min, tmax_min
from ketacare.pharmacology.models import ESKETAMINE_IIV_CV
from ketacare.pharmacology.pk import population_exposure, simulate_pk, simulate_population
from ketacare.pharmacology.population import build_system, covariates, lognormal_factors
from ketacare.pharmacology.regimen import repeated, single_dose
from ketacare.pharmacology.solve import solve_uniform_grid

IV = single_dose("iv", dose_mg_per_kg=0.5, infusion_min=40.0)
ESK56 = single_dose("esketamine-intranasal", dose_mg=56.0)


def test_same_seed_gives_the_same_patients_and_other_seeds_differ():
    a = simulate_population(IV, 50, 11, 70.0, hours=2)
    b = simulate_population(IV, 50, 11, 70.0, hours=2)
    c = simulate_population(IV, 50, 12, 70.0, hours=2)
    np.testing.assert_array_equal(a.cmax_ng_ml, b.cmax_ng_ml)
    assert not np.allclose(a.cmax_ng_ml, c.cmax_ng_ml)


def test_percentile_bands_are_ordered_and_bracket_the_typical_patient():
    pop = simulate_population(IV, 400, 3, 70.0, hours=3)
    typical = simulate_pk(IV, 70.0, hours=3, dt_min=1.0)
    bands = pop.plasma_bands_ng_ml
    assert np.all(bands["p5"] <= bands["p50"]) and np.all(bands["p50"] <= bands["p95"])
    inside = (bands["p5"][1:] <= typical.plasma_ng_ml[1:]) & (
        typical.plasma_ng_ml[1:] <= bands["p95"][1:]
    )
    assert inside.all()
    assert pop.cmax_percentiles_ng_ml["p50"] == pytest.approx(typical.cmax_ng_ml, rel=0.05)


def test_lognormal_draws_have_the_requested_coefficient_of_variation():
    factors = lognormal_factors(np.random.default_rng(0), 40_000, ESKETAMINE_IIV_CV)
    for key, cv in ESKETAMINE_IIV_CV.items():
        f = factors[key]
        assert np.std(f) / np.mean(f) == pytest.approx(cv, rel=0.08)
        assert np.median(f) == pytest.approx(1.0, abs=0.03)


def test_weight_based_dose_gives_the_same_concentration_in_linear_weight_models():
    light = simulate_pk(IV, 50.0, hours=2).cmax_ng_ml
    heavy = simulate_pk(IV, 110.0, hours=2).cmax_ng_ml
    assert light == pytest.approx(heavy, rel=1e-9)


def test_fixed_dose_gives_a_heavier_child_lower_concentration_in_allometric_model():
    fixed = single_dose("iv", dose_mg=20.0)
    small = simulate_pk(fixed, 15.0, hours=1, model="herd").plasma_ng_ml[10]
    large = simulate_pk(fixed, 45.0, hours=1, model="herd").plasma_ng_ml[10]
    assert small > 2 * large


def _esk_peak(**cov):
    return _esk_curve(**cov).max()


def _esk_curve(**cov):
    system, inputs = build_system(ESK56, covariates(1, 70.0, **cov))
    return solve_uniform_grid(system, inputs, 1.0, 24 * 60)["plasma"]


def test_esketamine_exposure_rises_with_age_above_60_and_not_below():
    assert _esk_peak(age_years=30.0) == pytest.approx(_esk_peak(age_years=59.0), rel=1e-12)
    assert _esk_peak(age_years=80.0) > _esk_peak(age_years=59.0)


def test_esketamine_exposure_is_higher_in_asian_patients():
    # kel x0.36 in Asian patients [P2]: slower hepatic loss, larger AUC
    assert _esk_curve(asian=True).sum() > 1.05 * _esk_curve(asian=False).sum()


def test_bad_population_arguments_name_the_argument():
    with pytest.raises(ValueError, match="n_patients"):
        simulate_population(IV, 0, 1, 70.0)
    with pytest.raises(ValueError, match="weight_kg"):
        simulate_population(IV, 5, 1, -3.0)
    with pytest.raises(ValueError, match="model"):
        simulate_population(IV, 5, 1, 70.0, model="kamp")
    with pytest.raises(ValueError, match="iiv_cv"):
        build_system(IV, covariates(3, 70.0), seed=1, iiv_cv={"cl": -0.1})


def test_streamed_exposure_equals_the_summaries_of_stored_curves():
    regimen = repeated("iv", (0, 2, 4), dose_mg_per_kg=0.5, infusion_min=40.0)
    hours, dt = 6 * 24.0, 5.0
    exposure = population_exposure(regimen, 300, 5, 75.0, hours=hours, dt_min=dt)
    system, inputs = build_system(regimen, covariates(300, 75.0), seed=5)
    n = int(hours * 60 / dt) + 1
    plasma = solve_uniform_grid(system, inputs, dt, n, ("plasma",))["plasma"]
    times = np.arange(n) * dt
    np.testing.assert_allclose(exposure.cmax_ng_ml, cmax_ng_ml(plasma), rtol=1e-12)
    np.testing.assert_allclose(exposure.tmax_min, tmax_min(times, plasma))
    np.testing.assert_allclose(exposure.auc_ng_h_ml, auc_ng_h_ml(times, plasma), rtol=1e-9)
    exact_band = time_above_min(times, plasma, 100.0) - time_above_min(times, plasma, 250.0)
    # grid-point count: within one step per crossing (6 infusions -> at most ~12 crossings)
    assert np.max(np.abs(exposure.time_in_dissociation_band_min - exact_band)) <= 12 * dt


def test_japanese_patients_are_also_asian_as_in_perez_ruixo():
    # P2 codes a Japanese subject as Asian too: kel x0.36 and CLn x0.81 apply to them
    cov = covariates(1, 70.0, japanese=True)
    assert cov.asian[0] == 1.0
    assert _esk_peak(japanese=True) == pytest.approx(_esk_peak(japanese=True, asian=True))


def test_esketamine_iiv_can_be_overridden_and_missing_keys_mean_no_variability():
    cov = covariates(200, 70.0)
    default, _ = build_system(ESK56, cov, seed=4)
    none, _ = build_system(ESK56, cov, seed=4, iiv_cv={})
    kmet_only, _ = build_system(ESK56, cov, seed=4, iiv_cv={"kmet": 0.3})
    assert np.ptp(default.parent_clearance_l_min) > 0
    # with no IIV only the logit-FRn draw (inputs) differs: clearance is the typical one
    assert np.ptp(none.parent_clearance_l_min) == pytest.approx(0.0, abs=1e-12)
    assert np.ptp(kmet_only.parent_clearance_l_min) > 0


def test_labelled_assumptions_can_be_overridden_from_the_public_functions():
    from ketacare.pharmacology.routes import Absorption

    im = single_dose("im", dose_mg=35.0)
    slow = {"im": Absorption("im", 0.93, 0.05, "test override")}
    assert simulate_pk(im, 70.0, absorption=slow).tmax_min > simulate_pk(im, 70.0).tmax_min
    pop = simulate_population(IV, 50, 1, 70.0, hours=2, iiv_cv={})
    assert np.ptp(pop.cmax_ng_ml) == pytest.approx(0.0, abs=1e-9)


def test_racemic_dissociation_window_is_not_applied_to_esketamine():
    assert simulate_pk(ESK56, 80.0, hours=3).time_in_dissociation_band_min is None
    assert simulate_pk(IV, 70.0, hours=3).time_in_dissociation_band_min is not None
    exposure = population_exposure(ESK56, 20, 1, 80.0, hours=4, dt_min=5.0)
    assert np.all(np.isnan(exposure.time_in_dissociation_band_min))
    assert np.all(exposure.cmax_ng_ml > 0)
