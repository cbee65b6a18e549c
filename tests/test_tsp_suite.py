"""The TSP compare suite: a 10-city part (gaps to Held–Karp's optimum) and a 20-city part (gaps to
the 2-opt + Or-opt reference), each named in the report; attention greedy and multi-start beside the rest."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import gymnasium as gym
import numpy as np
import pytest

from gymlab.agents.routing import solve
from gymlab.envs.tsp_instances import TSPInstance, euclidean_matrix, random_instance
from gymlab.experiments.compare import suites
from gymlab.experiments.profiles import EVAL_SEED, profile_for
from gymlab.experiments.profiles.tsp import (
    ATTENTION_STEPS,
    ENV_ID,
    ENV_ID_20,
    GAP_TO,
    REFERENCE_KICKS,
    gap_reference,
    tsp_note,
)
from gymlab.experiments.spec import RunSpec, resolve


def test_the_tsp_suite_has_a_10_and_a_20_city_part():
    parts = {part.env: part for part in suites()["tsp"]}
    assert list(parts) == [ENV_ID, ENV_ID_20] and ENV_ID_20 == "gymlab/TSP-20-v0"
    assert gym.make(ENV_ID_20).unwrapped.n == 20 and parts[ENV_ID].env_kwargs == {"n_cities": 10}
    shared = {
        "nearest_neighbour",
        "random_restarts",
        "two_opt",
        "maskable_ppo",
        "attention",
        "attention_greedy",
    }
    assert shared <= set(parts[ENV_ID].agents) and shared <= set(parts[ENV_ID_20].agents)
    assert "exact" in parts[ENV_ID].agents and "exact" not in parts[ENV_ID_20].agents  # 1.5 s per instance
    assert "reference" in parts[ENV_ID_20].agents
    for part in parts.values():  # both decodings train the same model on the same budget
        assert part.steps["attention"] == part.steps["attention_greedy"]
        assert part.quick_steps["attention"] == part.quick_steps["attention_greedy"] <= 4096
    assert [part.env for part in suites()["default"]].count(ENV_ID_20) == 1
    assert len(profile_for(ENV_ID).parts) == 2 and len(profile_for("gymlab/CoinChange-v0").parts) == 1
    assert profile_for(ENV_ID_20).short == "tsp-20"


def test_gap_reference_is_the_optimum_where_known_else_local_search_with_kicks():
    small = random_instance(8, seed=1)
    assert gap_reference(small, 2.5) == (2.5, "optimum (Held–Karp)")
    published = TSPInstance(small.distances, optimal=3.0)
    assert gap_reference(published, 3.0) == (3.0, "optimum (published)")
    assert gap_reference(published, 2.0, closed=False)[1] == "optimum (Held–Karp)"  # a path: no published one
    big = random_instance(20, seed=2)
    length, name = gap_reference(big)
    assert name == f"2-opt + Or-opt, {REFERENCE_KICKS} kicks" and name in GAP_TO
    assert length == solve(big, "two-opt", restarts=REFERENCE_KICKS, seed=0, start=0).length
    assert length <= solve(big, "two-opt", restarts=0, seed=0).length  # the kicks never make it worse
    assert "Held–Karp" in tsp_note([{"gap_to": "optimum (Held–Karp)"}])
    assert tsp_note([{"gap_to": name}, {"gap_to": name}]).count("2-opt + Or-opt") == 1
    assert tsp_note([{"agent": "x"}]) is None


def test_the_attention_default_budget_is_the_benchmarks_ten_minutes():
    config = resolve(RunSpec(env="tsp", agent="attention", env_kwargs={"n_cities": 20}))
    assert config["steps"] == ATTENTION_STEPS == 170_000  # the benchmark: 10 min of one core
    assert resolve(RunSpec(env="tsp", agent="attention", steps=512))["steps"] == 512


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    """A tiny compare of both parts: 64 training instances, 3 evaluation instances, one seed."""
    from typer.testing import CliRunner

    from gymlab.experiments.cli import app

    out = tmp_path_factory.mktemp("compare")
    args = "compare tsp --seeds 1 --steps 64 --episodes 3 --quiet".split() + ["--out", str(out)]
    args += ["--agents", "nearest_neighbour,exact,reference,attention_greedy,attention"]
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return out


def test_compare_reports_both_parts_and_names_each_reference(compared):
    report = (compared / "report.md").read_text(encoding="utf-8")
    ten, twenty = report.split("## gymlab/TSP-v0")[1].split("## gymlab/TSP-20-v0")
    assert "gap to reference (%)" in ten and "gap to reference (%)" in twenty
    assert GAP_TO["optimum (Held–Karp)"] in ten and "2-opt + Or-opt" not in ten.split("**Conclusion")[0]
    assert GAP_TO[f"2-opt + Or-opt, {REFERENCE_KICKS} kicks"] in twenty
    for name in ("attention_greedy", "attention", "nearest_neighbour"):
        assert f"| {name} |" in ten and f"| {name} |" in twenty
    assert "| exact |" in ten and "| reference |" in twenty
    assert (compared / "tsp_learning.png").is_file() and (compared / "tsp-20_learning.png").is_file()


def test_the_reference_is_at_zero_and_every_gap_is_measured_against_it(compared):
    runs = json.loads((compared / "results.json").read_text())["runs"]
    by = {(run["env"], run["agent"]): run for run in runs}
    assert by[(ENV_ID, "exact")]["mean_gap_percent"] == pytest.approx(0.0, abs=1e-9)
    assert by[(ENV_ID_20, "reference")]["mean_gap_percent"] == pytest.approx(0.0, abs=1e-9)
    assert {run["gap_to"] for run in runs if run["env"] == ENV_ID} == {"optimum (Held–Karp)"}
    assert {run["gap_to"] for run in runs if run["env"] == ENV_ID_20} == {
        f"2-opt + Or-opt, {REFERENCE_KICKS} kicks"
    }
    for agent in ("reference", "attention_greedy", "attention", "nearest_neighbour"):
        episodes = json.loads(
            (compared / "runs" / by[(ENV_ID_20, agent)]["run"] / "evaluation.json").read_text()
        )["episodes"]
        for index, row in enumerate(episodes):
            env = gym.make(ENV_ID_20)
            env.reset(seed=EVAL_SEED + index)  # the evaluation's instance, rebuilt independently
            coordinates = env.unwrapped.instance.coordinates
            expected = solve(
                euclidean_matrix(coordinates), "two-opt", restarts=REFERENCE_KICKS, seed=0
            ).length
            assert row["reference_length"] == pytest.approx(expected, rel=1e-12)
            assert row["optimal_length"] is None
            assert row["gap_percent"] == pytest.approx(100 * (row["tour_length"] / expected - 1), abs=1e-8)
            if agent == "reference":
                assert row["gap_percent"] == pytest.approx(0.0, abs=1e-9)  # never below itself
    learner = by[(ENV_ID_20, "attention_greedy")]
    assert learner["mean_gap_percent"] == pytest.approx(
        np.mean(
            [
                row["gap_percent"]
                for row in json.loads((compared / "runs" / learner["run"] / "evaluation.json").read_text())[
                    "episodes"
                ]
            ]
        )
    )


LESSON = Path(__file__).resolve().parents[1] / "lessons" / "11_learning_to_route.py"


def run_lesson(out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(LESSON), "--quick", "--out", str(out), *extra],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "MPLBACKEND": "Agg", "LANG": "C.UTF-8", "LANGUAGE": ""},
    )


def test_lesson_11_refuses_a_file_that_is_not_the_benchmarks_before_training(tmp_path):
    (tmp_path / "other.json").write_text('{"settings": {}}', encoding="utf-8")
    completed = run_lesson(tmp_path / "out", "--data", str(tmp_path / "other.json"))
    assert completed.returncode == 2 and "Traceback" not in completed.stderr
    assert completed.stderr.strip().splitlines() == [
        f"error: {tmp_path / 'other.json'} is not a results.json of benchmarks/bench_tsp_attention.py"
    ]
    assert not (tmp_path / "out" / "random").exists()  # stopped before anything ran


@pytest.mark.slow
def test_lesson_11_reads_what_the_full_benchmark_measured(tmp_path):
    measured = {
        "settings": {"minutes": 10.0, "test": 1000},
        "greedy": {"mean": 0.0251, "n": 3},
        "multistart": {"mean": 0.0009, "n": 3},
    }
    (tmp_path / "results.json").write_text(json.dumps(measured), encoding="utf-8")
    completed = run_lesson(tmp_path / "out", "--data", str(tmp_path / "results.json"))
    assert completed.returncode == 0, completed.stderr[-2000:]
    line = "6. The full benchmark (10 min of training per seed, n = 3 seeds, 1,000 tours): greedy 2.51 %"
    assert line + ", multi-start × 8 0.09 %" in completed.stdout
    facts = json.loads((tmp_path / "out" / "punchline.json").read_text())["facts"]
    assert facts["bench"] == pytest.approx(
        {"minutes": 10.0, "seeds": 3, "test": 1000, "greedy": 2.51, "multi": 0.09}
    )
