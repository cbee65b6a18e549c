"""Spreads across seeds: sample std, Student-t intervals, IQM, P(X > Y), verdicts, formatting."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gymlab.envs.errors import GymlabError
from gymlab.experiments.spread import (
    Spread,
    bootstrap_interval,
    difference,
    format_spread,
    interquartile_mean,
    probability_of_improvement,
    spread,
    t_cdf_two_sided,
    t_quantile,
    verdict,
)

# Textbook critical values t(0.975, df) (e.g. any statistics table), independent of scipy.
T975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 9: 2.262, 10: 2.228, 29: 2.045, 120: 1.980}


@pytest.mark.parametrize(("df", "expected"), sorted(T975.items()))
def test_t_quantile_matches_the_printed_table(df, expected):
    assert t_quantile(0.975, df) == pytest.approx(expected, abs=5e-4)
    assert t_quantile(0.025, df) == pytest.approx(-expected, abs=5e-4)


def test_t_quantile_against_scipy():
    stats = pytest.importorskip("scipy.stats", reason="scipy is the reference for the t distribution")
    for df in [1, 2, 3, 4, 5, 6, 7, 8, 15, 30, 31, 100, 501]:
        for p in [0.5, 0.6, 0.9, 0.95, 0.975, 0.995, 0.9995, 0.01]:
            assert t_quantile(p, df) == pytest.approx(stats.t.ppf(p, df), rel=1e-9, abs=1e-12)
        for t in [0.0, 0.3, 1.0, 2.5, 10.0, 1e3]:
            expected = stats.t.cdf(t, df) - stats.t.cdf(-t, df)
            assert t_cdf_two_sided(t, df) == pytest.approx(expected, abs=1e-12)


def test_t_functions_refuse_bad_arguments():
    with pytest.raises(GymlabError, match="whole number"):
        t_cdf_two_sided(1.0, 0)
    with pytest.raises(GymlabError, match="whole number"):
        t_cdf_two_sided(1.0, 2.5)
    for p in (0.0, 1.0, -0.1, 1.5):
        with pytest.raises(GymlabError, match="0 < p < 1"):
            t_quantile(p, 3)


def test_spread_is_sample_std_with_a_t_interval():
    values = [6.0, 6.1, 6.2, 5.9, 6.15]
    s = spread(values)
    assert s.n == 5
    assert s.mean == pytest.approx(np.mean(values))
    assert s.std == pytest.approx(np.std(values, ddof=1))  # not the population std
    assert s.std != pytest.approx(np.std(values))
    half = 2.7764451051977987 * np.std(values, ddof=1) / math.sqrt(5)
    assert (s.low, s.high) == pytest.approx((s.mean - half, s.mean + half))
    assert s.iqm == pytest.approx(interquartile_mean(values))
    assert s.method == "student-t"


def test_spread_against_scipy_interval():
    stats = pytest.importorskip("scipy.stats", reason="scipy is the reference for t intervals")
    rng = np.random.default_rng(3)
    for n in (2, 3, 5, 8, 20):
        x = rng.normal(10, 2, size=n)
        low, high = stats.t.interval(0.95, n - 1, loc=x.mean(), scale=stats.sem(x))
        s = spread(x)
        assert (s.low, s.high) == pytest.approx((low, high), rel=1e-10)
        s90 = spread(x, confidence=0.9)
        assert (s90.low, s90.high) == pytest.approx(
            stats.t.interval(0.9, n - 1, loc=x.mean(), scale=stats.sem(x)), rel=1e-10
        )


def test_t_interval_covers_the_true_mean_about_95_percent_of_the_time():
    rng = np.random.default_rng(0)
    hits = 0
    trials = 2000
    for _ in range(trials):
        s = spread(rng.normal(1.0, 3.0, size=3))
        hits += s.low <= 1.0 <= s.high
    assert 0.93 <= hits / trials <= 0.97


def test_one_value_has_no_spread_and_none_has_no_mean():
    one = spread([7.8])
    assert (one.n, one.mean, one.std, one.low, one.high) == (1, 7.8, None, None, None)
    assert format_spread(one) == "7.8 n=1"
    assert "±" not in format_spread([7.8])
    empty = spread([])
    assert (empty.n, empty.mean) == (0, None)
    assert format_spread(empty) == "–"


def test_missing_values_are_left_out_and_n_says_so():
    s = spread([6.3, None, float("nan"), 6.5])
    assert s.n == 2
    assert s.mean == pytest.approx(6.4)


def test_infinite_values_and_bad_confidence_are_refused():
    with pytest.raises(GymlabError, match="finite"):
        spread([1.0, math.inf])
    with pytest.raises(GymlabError, match="confidence"):
        spread([1.0, 2.0], confidence=95)


def test_tied_seeds_show_zero_spread_but_still_n():
    s = spread([100.0, 100.0, 100.0])
    assert s.std == 0 and s.low == s.high == 100.0
    assert format_spread(s) == "100 ± 0 [100, 100] n=3"


def test_format_rounds_to_the_std():
    s = Spread(5, 6.0712, 0.1234, 5.9180, 6.2244)
    assert format_spread(s) == "6.07 ± 0.12 [5.92, 6.22] n=5"
    assert format_spread(s, interval=False) == "6.07 ± 0.12 n=5"
    big = Spread(3, 200000.0, 1520.0, 196224.1, 203775.9)
    assert format_spread(big) == "200,000 ± 1,520 [196,224, 203,776] n=3"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=2, max_size=30))
def test_interval_contains_the_mean_and_matches_numpy(values):
    s = spread(values)
    assert s.low <= s.mean + 1e-9 * max(1.0, abs(s.mean))
    assert s.high >= s.mean - 1e-9 * max(1.0, abs(s.mean))
    assert s.std == pytest.approx(np.std(values, ddof=1), rel=1e-9, abs=1e-9)


def test_interquartile_mean_against_scipy_trim_mean():
    stats = pytest.importorskip("scipy.stats", reason="scipy.stats.trim_mean is rliable's IQM")
    rng = np.random.default_rng(1)
    for n in range(1, 23):
        x = rng.normal(size=n)
        assert interquartile_mean(x) == pytest.approx(stats.trim_mean(x, 0.25))


def test_interquartile_mean_ignores_one_outlier():
    assert interquartile_mean([1, 2, 3, 4, 1000]) == pytest.approx(3.0)
    assert spread([1, 2, 3, 4]).iqm is None  # below 5 values the IQM is not reported
    with pytest.raises(GymlabError, match="at least one"):
        interquartile_mean([])


def test_probability_of_improvement_against_mann_whitney():
    stats = pytest.importorskip("scipy.stats", reason="rliable computes P(X > Y) with Mann–Whitney U")
    rng = np.random.default_rng(2)
    x, y = rng.integers(0, 5, size=7).astype(float), rng.integers(0, 5, size=5).astype(float)  # with ties
    u = stats.mannwhitneyu(x, y, alternative="greater").statistic
    assert probability_of_improvement(x, y) == pytest.approx(u / (len(x) * len(y)))


def test_probability_of_improvement_basic_cases():
    assert probability_of_improvement([3, 4], [1, 2]) == 1.0
    assert probability_of_improvement([1, 2], [3, 4]) == 0.0
    assert probability_of_improvement([1, 2], [1, 2]) == 0.5
    assert probability_of_improvement([1, 2], [3, 4], higher_is_better=False) == 1.0  # lap times
    x, y = [5.0, 1.0, 3.0], [2.0, 4.0]
    assert probability_of_improvement(x, y) + probability_of_improvement(y, x) == pytest.approx(1.0)
    with pytest.raises(GymlabError, match="each side"):
        probability_of_improvement([], [1.0])


def test_bootstrap_is_seeded_and_brackets_the_statistic():
    x = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]
    first = bootstrap_interval(x, seed=4)
    assert first == bootstrap_interval(x, seed=4)
    assert first[0] <= interquartile_mean(x) <= first[1]
    low, high = bootstrap_interval(x, np.mean, seed=4)
    assert 1.0 <= low < 4.0 < high <= 7.0
    with pytest.raises(GymlabError, match="at least 2"):
        bootstrap_interval([1.0])


def test_verdict_says_beats_only_when_the_interval_does():
    assert verdict([10.0, 10.1, 9.9], [5.0, 5.1, 4.9]) == "beats"
    assert verdict([5.0, 5.1, 4.9], [10.0, 10.1, 9.9]) == "loses"
    assert verdict([10.0, 12.0, 8.0], [9.0, 11.0, 10.0]) == "ties"  # overlapping seeds
    # lower is better (lap time, tour gap)
    assert verdict([6.3, 6.35, 6.33], [7.8], higher_is_better=False) == "beats"
    assert verdict([7.8], [6.3, 6.35, 6.33], higher_is_better=False) == "loses"


def test_a_wide_learner_does_not_beat_an_exact_baseline():
    """The issue's case: a learner whose seeds straddle dp's −13 coins must not be said to beat it."""
    assert verdict([-12.9, -12.5, -13.4], [-13.0]) == "ties"
    assert verdict([-13.0, -13.0, -13.0], [-13.0]) == "ties"


def test_single_values_on_both_sides_compare_exactly():
    assert verdict([2.0], [1.0]) == "beats"
    assert verdict([1.0], [1.0]) == "ties"
    assert verdict([0.1 + 0.2], [0.3]) == "ties"  # round-off is not a win


def test_difference_matches_welch_against_scipy():
    stats = pytest.importorskip("scipy.stats", reason="scipy is the reference for Welch's t")
    rng = np.random.default_rng(5)
    a, b = rng.normal(1, 1, size=5), rng.normal(0, 3, size=7)
    d = difference(a, b)
    va, vb = a.var(ddof=1) / 5, b.var(ddof=1) / 7
    df = (va + vb) ** 2 / (va**2 / 4 + vb**2 / 6)
    assert d.df == math.floor(df)
    half = stats.t.ppf(0.975, math.floor(df)) * math.sqrt(va + vb)
    assert (d.low, d.high) == pytest.approx((d.estimate - half, d.estimate + half))
    # the interval is at least as wide as scipy's with the fractional df (rounded down: conservative)
    assert half >= stats.t.ppf(0.975, df) * math.sqrt(va + vb)
    with pytest.raises(GymlabError, match="each side"):
        difference([], [1.0])


def test_to_dict_has_the_fields_a_table_needs():
    d = spread([1.0, 2.0, 3.0]).to_dict()
    assert set(d) == {"mean", "std", "low", "high", "n", "confidence", "iqm", "method"}
    assert d["n"] == 3 and d["std"] == pytest.approx(1.0)
