"""A new environment needs only its module and a profile: train → evaluate → compare → report → plot.

The env below is declared here, in the test, with no change anywhere else in gymlab.
"""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
from gymnasium import spaces

from gymlab.agents.base import Agent
from gymlab.experiments.compare import compare
from gymlab.experiments.plots.learning import plot_runs
from gymlab.experiments.profiles import (
    EnvProfile,
    Measure,
    Measures,
    Part,
    Recipe,
    base,
    profiles,
    register_profile,
)
from gymlab.experiments.runner import evaluate_run, train
from gymlab.experiments.store import load_curve, read_evaluation

ENV_ID = "gymlab_test/Corridor-v0"


class CorridorEnv(gym.Env):
    """Walk right along a corridor of 6 cells to the goal; each step costs 0.1, the goal pays 1."""

    metadata = {"render_modes": []}

    def __init__(self, length: int = 6):
        self.length = length
        self.action_space = spaces.Discrete(2)  # 0: left, 1: right
        self.observation_space = spaces.Box(0.0, 1.0, shape=(1,), dtype=np.float32)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.position, self.steps = 0, 0
        return self._observation(), {}

    def _observation(self):
        return np.array([self.position / self.length], dtype=np.float32)

    def step(self, action):
        self.position = max(self.position + (1 if int(action) == 1 else -1), 0)
        self.steps += 1
        reached = self.position >= self.length
        truncated = not reached and self.steps >= 4 * self.length
        return self._observation(), 1.0 if reached else -0.1, reached, truncated, {"reached": reached}


class WalkRight(Agent):
    name = "walk_right"

    def act(self, observation, env):
        return 1


def _row(env, record):
    return {"reached": bool(record["info"].get("reached", False))}


def _summary(rows):
    return {"success_rate": float(np.mean([row["reached"] for row in rows]))}


@pytest.fixture
def corridor(monkeypatch):
    if ENV_ID not in gym.registry:
        gym.register(ENV_ID, entry_point=CorridorEnv)
    profile = EnvProfile(
        env_id=ENV_ID,
        short="corridor",
        agents={"walk_right": Recipe("always step right (optimal)", lambda env, seed: WalkRight())},
        measures=Measures(_row, _summary),
        columns=(Measure("success_rate", "reached the goal", "higher", percent=True),),
        suite=Part(
            ENV_ID,
            ("walk_right", "ppo"),
            steps={"ppo": 256},
            quick_steps={"ppo": 256},
            eval_episodes=3,
            quick_eval_episodes=3,
        ),
        eval_episodes=3,
    )
    monkeypatch.setattr(base, "_PROFILES", dict(base._PROFILES))  # forgotten after this test
    register_profile(profile)
    return profile


def test_a_new_env_runs_end_to_end_through_its_profile_alone(corridor, tmp_path):
    assert corridor in profiles()
    hyperparams = {"n_steps": 64, "batch_size": 32, "n_envs": 1}
    run = train("corridor", "ppo", steps=128, hyperparams=hyperparams, out=tmp_path / "run")
    assert 0.0 <= run.metrics["success_rate"] <= 1.0 and run.metrics["episodes"] == 3
    again = evaluate_run(run.run_dir)
    assert again["summary"]["success_rate"] == run.metrics["success_rate"]  # deterministic policy
    steps, rates, source = load_curve(run.run_dir, "success_rate")
    assert source == "evaluation" and rates[-1] == read_evaluation(run.run_dir)["summary"]["success_rate"]

    summary = compare("corridor", seeds=2, out=tmp_path / "compare")
    agents = {row["agent"] for row in summary["runs"]}
    assert agents == {"walk_right", "ppo"} and summary["complete"] is True
    walk = next(row for row in summary["runs"] if row["agent"] == "walk_right")
    assert walk["success_rate"] == 1.0
    report = (tmp_path / "compare" / "report.md").read_text(encoding="utf-8")
    assert "reached the goal" in report and "walk_right" in report
    assert (tmp_path / "compare" / "corridor_learning.png").is_file()
    assert (tmp_path / "compare" / "corridor_success_rate.png").is_file()
    (plot,) = plot_runs([tmp_path / "compare"], tmp_path / "plots")
    assert plot.is_file()
