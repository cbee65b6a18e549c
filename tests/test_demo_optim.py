"""Gradient descent: the learning-rate regimes on a·x²/2 (thresholds 1/a and 2/a), optimizers, minima."""

import numpy as np
import pytest

from gymlab.agents import optim
from gymlab.envs.errors import GymlabError


@pytest.mark.parametrize("a", [2.0, 0.5, 10.0])
def test_three_regimes_on_a_quadratic_follow_the_analytic_thresholds(a):
    parabola = optim.quadratic([a], name="parabola", start=[2.0])
    limits = optim.lr_thresholds(a)
    assert limits == {"oscillates_above": 1 / a, "diverges_above": 2 / a}

    def run(lr, max_steps=3000):
        return optim.minimize(parabola, optim.GradientDescent(lr), max_steps=max_steps)

    # lr just above 2/a: |1 − lr·a| > 1, every step overshoots further.
    diverging = run(2.05 / a)
    assert diverging.outcome == "diverged"
    assert np.all(np.abs(np.diff(np.abs(diverging.path[:, 0]))) > 0)
    # 1/a < lr < 2/a: converges, flipping sign every step.
    oscillating = run(1.9 / a)
    assert oscillating.outcome == "converged"
    signs = np.sign(oscillating.path[:10, 0])
    assert np.all(signs[1:] == -signs[:-1])
    # lr < 1/a: converges monotonically, and faster.
    good = run(0.5 / a)
    assert good.outcome == "converged" and good.steps < oscillating.steps
    assert np.all(good.path[:, 0] > 0) and np.all(np.diff(good.path[:, 0]) < 0)
    # tiny lr: crawls — still going downhill when the step budget runs out.
    crawling = run(1e-3 / a, max_steps=500)
    assert crawling.outcome == "max_steps" and crawling.steps == 500
    assert 0 < crawling.final_loss < parabola.f(np.array([2.0]))

    for lr, regime in [(2.05 / a, "diverge"), (1.9 / a, "oscillate"), (0.5 / a, "monotone")]:
        assert optim.expected_regime(lr, a) == regime


def test_one_gd_step_on_the_quadratic_is_exact():
    parabola = optim.FUNCTIONS["parabola"]  # a = 2
    run = optim.minimize(parabola, optim.GradientDescent(0.1), start=[3.0], max_steps=1)
    assert run.path[1, 0] == pytest.approx((1 - 0.1 * 2) * 3.0)


def test_default_sweep_crawls_converges_diverges():
    runs = optim.lr_sweep(optim.FUNCTIONS["quadratic"], [0.001, 0.1, 1.1])
    assert [run.outcome for run in runs] == ["max_steps", "converged", "diverged"]
    assert set(runs[0].summary()) == {"optimizer", "lr", "outcome", "steps", "final_loss"}


@pytest.mark.parametrize("name", list(optim.FUNCTIONS))
def test_gradients_match_finite_differences_and_minima_are_stationary(name):
    fn = optim.FUNCTIONS[name]
    rng = np.random.default_rng(1)
    for _ in range(5):
        x = rng.uniform(-1.5, 1.5, fn.dim)
        h = 1e-6
        numeric = [(fn.f(x + h * e) - fn.f(x - h * e)) / (2 * h) for e in np.eye(fn.dim)]
        np.testing.assert_allclose(fn.grad(x), numeric, rtol=1e-5, atol=1e-4)
    for minimum in fn.minima:
        assert np.linalg.norm(fn.grad(np.array(minimum))) < 1e-9


def test_momentum_and_adam_beat_plain_gd_in_the_ill_conditioned_valley():
    fn = optim.FUNCTIONS["ill_conditioned"]  # curvatures 1 and 50: GD must keep lr < 0.04
    gd, momentum = optim.lr_sweep(fn, [0.01], ["gd", "momentum"], max_steps=1000)
    assert gd.outcome == "max_steps"
    assert momentum.outcome == "converged"
    adam = optim.minimize(fn, optim.Adam(0.1), max_steps=2000)
    assert adam.outcome == "converged"
    np.testing.assert_allclose(adam.final_x, [0, 0], atol=1e-5)


def test_adam_first_step_has_length_lr_per_coordinate():
    fn = optim.FUNCTIONS["ill_conditioned"]
    run = optim.minimize(fn, optim.Adam(0.1), max_steps=1)
    np.testing.assert_allclose(run.path[0] - run.path[1], 0.1 * np.sign(fn.grad(run.path[0])), rtol=1e-6)


def test_rosenbrock_needs_a_small_step():
    fn = optim.FUNCTIONS["rosenbrock"]
    assert optim.minimize(fn, optim.GradientDescent(0.01)).outcome == "diverged"
    run = optim.minimize(fn, optim.Momentum(0.001), max_steps=5000)
    assert run.outcome == "converged"
    np.testing.assert_allclose(run.final_x, [1, 1], atol=1e-4)


@pytest.mark.parametrize("name", ["double_well", "four_wells"])
def test_the_starting_point_decides_which_minimum_is_found(name):
    fn = optim.FUNCTIONS[name]
    results = optim.compare_starts(fn, lr=0.05)
    assert all(run.outcome == "converged" for run, _ in results)
    assert {minimum for _, minimum in results} == set(range(len(fn.minima)))
    for run, minimum in results:
        assert run.final_loss == pytest.approx(fn.f(np.array(fn.minima[minimum])), abs=1e-9)


def test_bad_inputs_are_gymlab_errors():
    with pytest.raises(GymlabError, match="learning rate must be a positive"):
        optim.GradientDescent(0.0)
    with pytest.raises(GymlabError, match="learning rate must be a positive"):
        optim.lr_sweep(optim.FUNCTIONS["quadratic"], [0.1, -1.0])
    with pytest.raises(GymlabError, match="takes a start of 2"):
        optim.minimize(optim.FUNCTIONS["quadratic"], optim.GradientDescent(0.1), start=[1.0])
    with pytest.raises(GymlabError, match="unknown optimizer"):
        optim.make_optimizer("sgd-nesterov", 0.1)
    with pytest.raises(GymlabError, match="unknown function"):
        optim.get_function("himmelblau")
