"""The exact solver is linear, superposes doses, keeps mass, and agrees with an ODE solver."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import solve_ivp

from ketacare.pharmacology.population import build_system, covariates
from ketacare.pharmacology.regimen import Dose, Regimen
from ketacare.pharmacology.routes import RACEMIC_ROUTES
from ketacare.pharmacology.solve import solve_at_times, solve_uniform_grid

TIMES = np.linspace(0.0, 24 * 60.0, 289)

racemic_doses = st.builds(
    lambda route, start, mg, dur: Dose(
        route, start, dose_mg=mg, duration_min=dur if route == "iv" and dur >= 0.01 else 0.0
    ),
    st.sampled_from(RACEMIC_ROUTES),
    st.floats(0.0, 600.0),
    st.floats(1.0, 200.0),
    st.floats(0.0, 120.0),
)
racemic_regimens = st.lists(racemic_doses, min_size=1, max_size=4).map(
    lambda ds: Regimen(tuple(ds))
)
esketamine_regimens = st.lists(
    st.builds(
        lambda start, devices: Dose("esketamine-intranasal", start, dose_mg=28.0 * devices),
        st.floats(0.0, 600.0),
        st.integers(1, 3),
    ),
    min_size=1,
    max_size=3,
).map(lambda ds: Regimen(tuple(ds)))
models = st.sampled_from(["clements250", "domino", "hijazi", "herd", "hornik"])


def _plasma(regimen, model="clements250", seed=None, n=1, times=TIMES):
    system, inputs = build_system(regimen, covariates(n, 70.0), model=model, seed=seed)
    return solve_at_times(system, inputs, times, ("plasma", "effect_site"))


@settings(max_examples=30, deadline=None)
@given(regimen=racemic_regimens, model=models, factor=st.floats(0.1, 10.0))
def test_concentrations_scale_linearly_with_dose(regimen, model, factor):
    base = _plasma(regimen, model)["plasma"]
    scaled = _plasma(regimen.scaled(factor), model)["plasma"]
    np.testing.assert_allclose(scaled, factor * base, rtol=1e-9, atol=1e-9 * base.max())


@settings(max_examples=30, deadline=None)
@given(first=racemic_regimens, second=racemic_regimens, model=models)
def test_regimen_curve_is_the_sum_of_its_doses(first, second, model):
    both = Regimen(first.doses + second.doses)
    total = _plasma(both, model)["plasma"]
    parts = _plasma(first, model)["plasma"] + _plasma(second, model)["plasma"]
    np.testing.assert_allclose(total, parts, rtol=1e-9, atol=1e-9 * total.max())


@settings(max_examples=30, deadline=None)
@given(regimen=st.one_of(racemic_regimens, esketamine_regimens), seed=st.integers(0, 2**16))
def test_concentrations_are_never_negative(regimen, seed):
    out = _plasma(regimen, seed=seed, n=8)
    for curve in out.values():
        assert curve.min() >= -1e-9 * max(curve.max(), 1.0)


@settings(max_examples=20, deadline=None)
@given(regimen=st.one_of(racemic_regimens, esketamine_regimens), seed=st.integers(0, 2**16))
def test_uniform_grid_equals_direct_superposition(regimen, seed):
    system, inputs = build_system(regimen, covariates(5, 70.0), seed=seed)
    grid = solve_uniform_grid(system, inputs, 5.0, 289, ("plasma", "effect_site"), block=16)
    direct = solve_at_times(system, inputs, TIMES, ("plasma", "effect_site"))
    for name in grid:
        scale = direct[name].max(axis=1, keepdims=True)
        np.testing.assert_allclose(grid[name], direct[name], rtol=0, atol=1e-10 * scale.max())


def _mass_balance_outputs(system):
    """Outputs: amount of parent drug in the body, and its elimination rate (mg/min)."""
    n_pat, n = system.rate_matrix_per_min.shape[:2]
    body = np.zeros((n_pat, n))
    body[:, list(system.parent_states)] = 1.0
    parent = list(system.parent_states)
    # loss rate = -(column sums of A over parent states) x amount: flux leaving the drug
    loss = -system.rate_matrix_per_min[:, parent, :].sum(axis=1)
    loss[:, [i for i in range(n) if i not in parent]] = 0.0
    weights = {"body": body, "loss": loss}
    return dataclasses.replace(system, output_weights=weights)


def _fraction_entered(inp, times):
    if inp.duration_min == 0:
        return (times >= inp.start_min).astype(float)
    return np.clip((times - inp.start_min) / inp.duration_min, 0.0, 1.0)


@pytest.mark.parametrize("route", [*RACEMIC_ROUTES, "esketamine-intranasal"])
def test_mass_balance_absorbed_dose_equals_body_plus_eliminated(route):
    regimen = Regimen(
        (Dose(route, 0.0, dose_mg=56.0), Dose(route, 300.0, dose_mg=28.0))
        if route != "iv"
        else (Dose("iv", 0.0, dose_mg=35.0, duration_min=40.0), Dose("iv", 300.0, dose_mg=10.0))
    )
    system, inputs = build_system(regimen, covariates(3, 70.0), seed=7)
    system = _mass_balance_outputs(system)
    times = np.linspace(0.0, 900.0, 18001)
    out = solve_at_times(system, inputs, times, ("body", "loss"))
    eliminated = np.concatenate(
        [np.zeros((3, 1)), np.cumsum((out["loss"][:, 1:] + out["loss"][:, :-1]) / 2, axis=1)],
        axis=1,
    ) * (times[1] - times[0])
    entered = sum(_fraction_entered(inp, times) * inp.amount_mg[:, None] for inp in inputs)
    np.testing.assert_allclose(out["body"] + eliminated, entered, atol=2e-3 * entered.max())


def test_exact_solution_agrees_with_a_stiff_ode_solver():
    regimen = Regimen(
        (
            Dose("iv", 0.0, dose_mg_per_kg=0.5, duration_min=40.0),
            Dose("im", 100.0, dose_mg=20.0),
            Dose("sublingual", 200.0, dose_mg=50.0),
        )
    )
    system, inputs = build_system(regimen, covariates(1, 80.0), model="domino", seed=3)
    a = system.rate_matrix_per_min[0]
    times = np.linspace(0.0, 600.0, 601)
    exact = solve_at_times(system, inputs, times, ("plasma",))["plasma"][0]

    def rhs(t, x):
        u = np.zeros_like(x)
        for inp in inputs:
            if inp.duration_min > 0 and inp.start_min <= t < inp.start_min + inp.duration_min:
                u[inp.state] += inp.amount_mg[0] / inp.duration_min
        return a @ x + u

    x = np.zeros(a.shape[0])
    events = sorted({0.0, 40.0, 100.0, 200.0, 600.0})
    got = np.zeros_like(times)
    for t_from, t_to in zip(events[:-1], events[1:], strict=True):
        for inp in inputs:
            if inp.duration_min == 0 and inp.start_min == t_from:
                x[inp.state] += inp.amount_mg[0]
        sel = (times >= t_from) & (times <= t_to)
        sol = solve_ivp(
            rhs, (t_from, t_to), x, method="Radau", t_eval=times[sel], rtol=1e-10, atol=1e-12
        )
        got[sel] = sol.y[0] * system.output_weights["plasma"][0, 0]
        x = sol.y[:, -1]
    np.testing.assert_allclose(got, exact, rtol=0, atol=1e-6 * exact.max())
