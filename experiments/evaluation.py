"""Evaluating an agent on the measures that fit its env.

Every agent — baseline or learned — plays the same evaluation episodes: episode ``i`` starts
from ``env.reset(seed=EVAL_SEED + i)``, so every agent faces the same coin amounts, the same
city layouts, the same start on the track. Each episode gives one row (its return, length,
wall time, plus the env's own measures); the summary averages the rows.

Env-specific measures plug in through :data:`EPISODE_MEASURES` (one row per episode) and
:data:`SUMMARIES` (the summary of all rows).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import gymnasium as gym
import numpy as np

from agents.base import Agent, Episode, rollout

EVAL_SEED = 10_000  # evaluation episodes never share seeds with training


class RecordInfos(gym.Wrapper):
    """Keep every step's ``info`` (positions on the track, tour so far …) for the measures."""

    def reset(self, **kwargs):
        observation, info = self.env.reset(**kwargs)
        self.infos = [info]
        return observation, info

    def step(self, action):
        observation, reward, terminated, truncated, info = self.env.step(action)
        self.infos.append(info)
        return observation, reward, terminated, truncated, info


# env id → function(unwrapped env at episode end, episode, infos) → extra row fields
EPISODE_MEASURES: dict[str, Callable[[gym.Env, Episode, list[dict]], dict[str, Any]]] = {}
# env id → function(rows) → summary fields (added to the generic ones)
SUMMARIES: dict[str, Callable[[list[dict[str, Any]]], dict[str, Any]]] = {}


def evaluate(
    full_id: str,
    agent: Agent,
    env_kwargs: dict[str, Any] | None = None,
    episodes: int = 10,
    make: Callable[..., gym.Env] | None = None,
) -> dict[str, Any]:
    """Play ``episodes`` evaluation episodes; returns ``{"summary": {...}, "episodes": [rows]}``."""
    if make is None:
        from experiments.runner import make_env as make
    env = RecordInfos(make(full_id, env_kwargs or {}))
    measure = EPISODE_MEASURES.get(full_id)
    rows = []
    try:
        for index in range(episodes):
            started = time.perf_counter()
            episode = rollout(env, agent, seed=EVAL_SEED + index)
            seconds = time.perf_counter() - started
            row = {
                "episode": index,
                "return": episode.total_reward,
                "length": episode.steps,
                "seconds": seconds,
            }
            if measure is not None:
                row.update(measure(env.unwrapped, episode, env.infos))
            rows.append(row)
    finally:
        env.close()
    return {"summary": summarise(full_id, rows), "episodes": rows}


def summarise(full_id: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Mean return (± std), mean length and mean wall time per episode, then the env's own."""
    returns = np.array([row["return"] for row in rows], dtype=float)
    summary: dict[str, Any] = {
        "episodes": len(rows),
        "mean_return": float(returns.mean()) if len(rows) else float("nan"),
        "std_return": float(returns.std()) if len(rows) else float("nan"),
        "mean_length": float(np.mean([row["length"] for row in rows])) if rows else float("nan"),
        "seconds_per_episode": float(np.mean([row["seconds"] for row in rows])) if rows else float("nan"),
    }
    if full_id in SUMMARIES:
        summary.update(SUMMARIES[full_id](rows))
    return summary
