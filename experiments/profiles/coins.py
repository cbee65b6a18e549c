"""Coin change's profile: greedy, DP and Q-learning; is each payment the fewest coins?"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np

from gymlab.agents.base import Agent
from gymlab.envs import ENV_IDS
from gymlab.experiments.profiles.base import EnvProfile, Measure, Measures, Part, Recipe, register_profile

ENV_ID = ENV_IDS["coins"]


def _greedy(env: gym.Env, seed: int) -> Agent:
    from gymlab.agents.coins import GreedyCoinAgent

    return GreedyCoinAgent()


def _dp(env: gym.Env, seed: int) -> Agent:
    from gymlab.agents.coins import OptimalCoinAgent

    return OptimalCoinAgent()


def _q_learning(env: gym.Env, seed: int, **settings: float) -> Agent:
    from gymlab.agents.coins import coin_state_key
    from gymlab.agents.tabular import QLearningAgent

    return QLearningAgent(env.action_space.n, state_key=coin_state_key, seed=seed, **settings)


def _load_q_learning(path: Path) -> Agent:
    from gymlab.agents.coins import coin_state_key
    from gymlab.agents.tabular import QLearningAgent

    return QLearningAgent.load(path, state_key=coin_state_key)


def coin_amounts(env: gym.Env, episodes: int) -> list[dict[str, Any]]:
    """Every payable amount once (or ``episodes`` of them, evenly spread): the optimality rate
    then means "share of amounts paid with the fewest coins"."""
    amounts = [int(a) for a in env.unwrapped.start_amounts]
    if episodes < len(amounts):
        amounts = [amounts[i] for i in np.linspace(0, len(amounts) - 1, episodes).round().astype(int)]
    return [{"amount": amount} for amount in amounts]


def coin_row(env: gym.Env, record: dict[str, Any]) -> dict[str, Any]:
    info = record["info"]
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


PROFILE = register_profile(
    EnvProfile(
        env_id=ENV_ID,
        short="coins",
        agents={
            "greedy": Recipe("largest coin that fits", _greedy),
            "dp": Recipe("dynamic programming: the fewest coins, exactly", _dp),
            "q_learning": Recipe(
                "tabular Q-learning from scratch",
                _q_learning,
                _load_q_learning,
                default_steps=20_000,
                params=("alpha", "gamma", "epsilon", "initial_value"),
            ),
        },
        measures=Measures(coin_row, coin_summary, options=coin_amounts),
        columns=(
            Measure("optimality_rate", "optimal payments", "higher", percent=True),
            Measure("mean_coins", "coins per payment", "lower"),
            Measure("mean_excess_coins", "coins above optimal", "lower"),
            Measure("paid_rate", "amounts paid", "higher", percent=True),
        ),
        suite=Part(
            ENV_ID,
            ("greedy", "dp", "q_learning", "maskable_ppo"),
            steps={"q_learning": 30_000, "maskable_ppo": 30_000},
            quick_steps={"q_learning": 10_000, "maskable_ppo": 6_000},
            eval_episodes=100,
            quick_eval_episodes=100,
        ),
        eval_episodes=100,  # every amount 1–100 once
    )
)
