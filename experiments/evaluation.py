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


class TimedAgent(Agent):
    """Wraps an agent and adds up the wall time it spends deciding (reset + act), nothing else."""

    def __init__(self, agent: Agent):
        self.agent, self.name, self.seconds = agent, agent.name, 0.0

    def reset(self, env: gym.Env) -> None:
        started = time.perf_counter()
        self.agent.reset(env)
        self.seconds += time.perf_counter() - started

    def act(self, observation: Any, env: gym.Env) -> Any:
        started = time.perf_counter()
        action = self.agent.act(observation, env)
        self.seconds += time.perf_counter() - started
        return action


# -- coin change: is the payment optimal? -------------------------------------------------------


def coin_amounts(env: gym.Env, episodes: int) -> list[dict[str, Any]]:
    """Every payable amount once (or ``episodes`` of them, evenly spread): the optimality rate
    then means "share of amounts paid with the fewest coins"."""
    amounts = [int(a) for a in env.unwrapped.start_amounts]
    if episodes < len(amounts):
        amounts = [amounts[i] for i in np.linspace(0, len(amounts) - 1, episodes).round().astype(int)]
    return [{"amount": amount} for amount in amounts]


def coin_measures(env: gym.Env, episode: Episode, infos: list[dict]) -> dict[str, Any]:
    info = episode.info
    return {
        "amount": info["amount"],
        "coins_used": info["n_coins"],
        "optimal_coins": info.get("optimal_count"),
        "paid": bool(info.get("paid", False)),
        "optimal": bool(info.get("optimal", False)),
        "invalid_actions": info["invalid_actions"],
    }


def coin_summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    paid = [row for row in rows if row["paid"]]
    return {
        "optimality_rate": float(np.mean([row["optimal"] for row in rows])),
        "paid_rate": len(paid) / len(rows),
        "mean_coins": float(np.mean([row["coins_used"] for row in paid])) if paid else float("nan"),
        "mean_excess_coins": float(np.mean([row["coins_used"] - row["optimal_coins"] for row in paid]))
        if paid
        else float("nan"),
    }


# -- TSP: how far above the optimal tour? ---------------------------------------------------------


def tsp_measures(env: gym.Env, episode: Episode, infos: list[dict]) -> dict[str, Any]:
    info = episode.info
    gap = info.get("gap")
    return {
        "tour_length": info["length"],
        "optimal_length": info.get("optimal"),
        "gap_percent": None if gap is None else 100.0 * gap,
        "invalid_actions": info["invalid_actions"],
        "tour": info["tour"],
    }


def tsp_summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    gaps = [row["gap_percent"] for row in rows if row["gap_percent"] is not None]
    return {
        "mean_gap_percent": float(np.mean(gaps)) if gaps else float("nan"),
        "optimal_rate": float(np.mean([gap < 1e-6 for gap in gaps])) if gaps else float("nan"),
        "mean_tour_length": float(np.mean([row["tour_length"] for row in rows])),
    }


# env id → the reset options of each evaluation episode (default: none, seeds only)
EPISODE_OPTIONS: dict[str, Callable[[gym.Env, int], list[dict[str, Any]]]] = {
    "gymlab/CoinChange-v0": coin_amounts,
}
# env id → function(unwrapped env at episode end, episode, infos) → extra row fields
EPISODE_MEASURES: dict[str, Callable[[gym.Env, Episode, list[dict]], dict[str, Any]]] = {
    "gymlab/CoinChange-v0": coin_measures,
    "gymlab/TSP-v0": tsp_measures,
}
# env id → function(rows) → summary fields (added to the generic ones)
SUMMARIES: dict[str, Callable[[list[dict[str, Any]]], dict[str, Any]]] = {
    "gymlab/CoinChange-v0": coin_summary,
    "gymlab/TSP-v0": tsp_summary,
}


def evaluate(
    full_id: str,
    agent: Agent,
    env_kwargs: dict[str, Any] | None = None,
    episodes: int = 10,
    make: Callable[..., gym.Env] | None = None,
) -> dict[str, Any]:
    """Play the evaluation episodes; returns ``{"summary": {...}, "episodes": [rows]}``.

    ``decision_seconds`` is the agent's own thinking time per episode (planning a tour,
    a forward pass), without the env's bookkeeping.
    """
    if make is None:
        from experiments.runner import make_env as make
    env = RecordInfos(make(full_id, env_kwargs or {}))
    timed = TimedAgent(agent)
    measure = EPISODE_MEASURES.get(full_id)
    plan = EPISODE_OPTIONS.get(full_id)
    options = plan(env, episodes) if plan is not None else [None] * episodes
    rows = []
    try:
        for index, episode_options in enumerate(options):
            timed.seconds = 0.0
            episode = rollout(env, timed, seed=EVAL_SEED + index, options=episode_options)
            row = {
                "episode": index,
                "return": episode.total_reward,
                "length": episode.steps,
                "decision_seconds": timed.seconds,
            }
            if measure is not None:
                row.update(measure(env.unwrapped, episode, env.infos))
            rows.append(row)
    finally:
        env.close()
    return {"summary": summarise(full_id, rows), "episodes": rows}


def summarise(full_id: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Mean return (± std), mean length and decision time per episode, then the env's own."""
    if not rows:
        return {"episodes": 0}
    returns = np.array([row["return"] for row in rows], dtype=float)
    summary: dict[str, Any] = {
        "episodes": len(rows),
        "mean_return": float(returns.mean()),
        "std_return": float(returns.std()),
        "mean_length": float(np.mean([row["length"] for row in rows])),
        "decision_seconds": float(np.mean([row["decision_seconds"] for row in rows])),
    }
    if full_id in SUMMARIES:
        summary.update(SUMMARIES[full_id](rows))
    return summary
