"""TrackRacer's profile: pure pursuit and one-step greedy; DeepRacer-style lap trials."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np

from gymlab.agents.base import Agent
from gymlab.envs import ENV_IDS
from gymlab.envs.raceline import limit_available
from gymlab.envs.rewards import DEFAULT_REWARD
from gymlab.experiments.profiles.base import (
    EVAL_SEED,
    EnvProfile,
    Measure,
    Measures,
    Part,
    Recipe,
    register_profile,
)

ENV_ID = ENV_IDS["track"]


def _pure_pursuit(env: gym.Env, seed: int) -> Agent:
    from gymlab.agents.driving import PurePursuit

    return PurePursuit()


def _raceline(env: gym.Env, seed: int) -> Agent:
    from gymlab.agents.driving import RacelineTracker

    return RacelineTracker()


def _one_step_greedy(env: gym.Env, seed: int) -> Agent:
    from gymlab.agents.driving import OneStepGreedy

    return OneStepGreedy()


def car_state(env: gym.Env) -> tuple[float, float, float, float]:
    """(x, y, speed, steering) of the car at this step: the trajectory and the zig-zag measure."""
    car = env.car
    return (round(car.x, 4), round(car.y, 4), round(car.speed, 3), round(car.steering, 3))


def track_trials(env: gym.Env, agent: Agent, episodes: int) -> list[dict[str, Any]]:
    """DeepRacer-style trials from the start line: the track's own :func:`evaluate_trials`."""
    from gymlab.agents.driving import evaluate_trials

    return evaluate_trials(env, agent, episodes=episodes, seed=EVAL_SEED)


def track_row(env: gym.Env, record: dict[str, Any]) -> dict[str, Any]:
    """Mean |Δsteering| per step (degrees): how much the car zig-zags; the path driven; and the
    lap-time limit of this track and car (s, standing start, whole steps; None without CasADi)."""
    from gymlab.envs.raceline import env_limit

    states = np.array(record["probes"], dtype=float)
    steering = states[:, 3]
    zigzag = float(np.abs(np.diff(steering)).mean()) if len(steering) > 1 else 0.0
    return {"zigzag_deg": zigzag, "trajectory": states[:, :3].tolist(), "lap_limit_s": env_limit(env)}


def track_summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    laps = [row["lap_time"] for row in rows if row["status"] == "lap_complete"]
    above = [row["above_limit_percent"] for row in rows if row.get("above_limit_percent") is not None]
    return {
        "completion_rate": len(laps) / len(rows),
        "mean_progress": float(np.mean([row["progress"] for row in rows])),
        "mean_lap_time": float(np.mean(laps)) if laps else float("nan"),
        "best_lap_time": float(min(laps)) if laps else float("nan"),
        "off_track": float(np.mean([row["off_track_count"] for row in rows])),
        "zigzag_deg": float(np.mean([row["zigzag_deg"] for row in rows])),
        "lap_limit_s": rows[0].get("lap_limit_s"),
        "mean_above_limit_percent": float(np.mean(above)) if above else float("nan"),
    }


PROFILE = register_profile(
    EnvProfile(
        env_id=ENV_ID,
        short="track",
        agents={
            "pure_pursuit": Recipe(
                "steer at a point ahead on the centre line; planned speed profile", _pure_pursuit
            ),
            "raceline": Recipe(
                "tracks the lap-time limit's line: curvature feed-forward + feedback (the classical champion)",
                _raceline,
            ),
            "greedy": Recipe("one-step greedy: the action with the best immediate reward", _one_step_greedy),
        },
        measures=Measures(track_row, track_summary, probe=car_state, play=track_trials),
        columns=(
            Measure("mean_progress", "lap completed", "higher", unit="%"),
            Measure("mean_lap_time", "lap time", "lower", unit="s"),
            Measure("mean_above_limit_percent", "above the lap-time limit", "lower", unit="%"),
            Measure("completion_rate", "trials finished", "higher", percent=True),
            Measure("off_track", "off-track per trial", "lower"),
            Measure("zigzag_deg", "mean |Δsteering|", "lower", unit="°/step"),
        ),
        suite=Part(
            ENV_ID,
            ("pure_pursuit", *(("raceline",) if limit_available() else ()), "greedy", "ppo"),
            steps={"ppo": 200_000},
            quick_steps={"ppo": 16_384},  # whole rollouts; PPO first laps at about this budget
            rewards=(
                "progress",
                "follow_center_line",
                "raceline" if limit_available() else "prevent_zigzag",
            ),
            per_reward=("greedy",),
            env_kwargs={"actions": "racing"},
            eval_episodes=3,
            quick_eval_episodes=1,
        ),
        reward_arg="reward",
        default_reward=DEFAULT_REWARD,
        laps=True,
        traces=True,
    )
)
