"""Curves and tables from the same episodes; spreads across seeds as sample std, interval and n."""

from __future__ import annotations

import json

import numpy as np
import pytest

from gymlab.experiments.compare import aggregate, build_specs, compare
from gymlab.experiments.profiles import profile_for
from gymlab.experiments.report import compare_groups
from gymlab.experiments.store import load_curve, load_result, read_evaluation


@pytest.fixture(scope="module")
def coins_compare(tmp_path_factory):
    out = tmp_path_factory.mktemp("coins")
    compare(
        "coins",
        agents=["dp", "greedy", "q_learning", "maskable_ppo"],
        seeds=2,
        quick=True,
        steps=1024,
        out=out,
    )
    return out


def test_no_learning_curve_beats_the_exact_solver_on_the_same_amounts(coins_compare):
    runs = [load_result(path.parent) for path in sorted((coins_compare / "runs").glob("*/result.json"))]
    dp = next(run for run in runs if run.config["agent"] == "dp")
    learners = [run for run in runs if run.config["kind"] != "baseline"]
    assert len(learners) == 4
    for run in learners:
        for column in ("mean_return", "optimality_rate"):
            _, values, source = load_curve(run.run_dir, column)
            assert source == "evaluation" and len(values) >= 2
            assert np.all(values <= dp.metrics[column] + 1e-9), (run.run_dir.name, column)
            final = read_evaluation(run.run_dir)["summary"][column]
            assert values[-1] == pytest.approx(final)  # the curve's last point is the final evaluation


def test_results_hold_sample_std_intervals_and_n(coins_compare):
    results = json.loads((coins_compare / "results.json").read_text(encoding="utf-8"))
    group = next(g for g in results["groups"] if g["agent"] == "maskable_ppo")
    values = [row["mean_coins"] for row in results["runs"] if row["agent"] == "maskable_ppo"]
    assert group["mean_coins_n"] == 2 and group["mean_coins_std"] == pytest.approx(np.std(values, ddof=1))
    assert group["mean_coins_low"] <= group["mean_coins"] <= group["mean_coins_high"]
    dp = next(g for g in results["groups"] if g["agent"] == "dp")
    assert dp["seeds"] == 1 and dp["optimality_rate_std"] is None  # one run: no ± at all
    report = (coins_compare / "report.md").read_text(encoding="utf-8")
    assert "n = 2" in report and " [" in report and "±" in report


def test_randomised_baselines_run_over_the_seeds_and_deterministic_ones_once():
    specs = build_specs("tsp", agents=["random", "random_restarts", "nearest_neighbour"], seeds=3, quick=True)
    specs = [spec for spec in specs if spec.env == "gymlab/TSP-v0"]  # the 10-city part (20 cities: the same)
    seeds = {name: sorted(s.seed for s in specs if s.agent == name) for name in ("random", "random_restarts")}
    assert seeds == {"random": [0, 1, 2], "random_restarts": [0, 1, 2]}
    assert [s.seed for s in specs if s.agent == "nearest_neighbour"] == [0]
    assert len(build_specs("coins", agents=["q_learning"])) == 5  # a full compare: 5 seeds


def test_beats_only_when_the_interval_says_so():
    main = profile_for("gymlab/TSP-v0").main  # gap to optimal, lower is better
    rows = [
        {"env": "e", "agent": "a", "reward": "default", "mean_gap_percent": gap} for gap in (1.0, 3.0, 2.0)
    ] + [{"env": "e", "agent": "b", "reward": "default", "mean_gap_percent": 2.5}]
    a = {"env": "e", "agent": "a", "reward": "default"}
    b = {"env": "e", "agent": "b", "reward": "default"}
    standing, evidence = compare_groups(a, b, rows, [main])
    assert standing == "ties with" and "95 % interval" in evidence  # 2.0 ± 1.0 (n=3) vs 2.5: not separable
    clear = [dict(row, mean_gap_percent=g) for row, g in zip(rows[:3], (1.0, 1.1, 0.9), strict=True)]
    assert compare_groups(a, b, [*clear, rows[3]], [main])[0] == "beats"


def test_aggregate_of_one_value_has_no_spread():
    (group,) = aggregate([{"env": "e", "agent": "a", "reward": "default", "seed": 0, "x": 1.5}])
    assert group["x"] == 1.5 and group["x_std"] is None and group["x_low"] is None and group["x_n"] == 1
