"""Which agents play which env: the baselines and from-scratch learners beside the RL algorithms.

Every gymlab env has its own engineered agents (greedy, exact, pure pursuit …); the SB3
algorithms of :mod:`gymlab.agents.rl` play any env whose action space they fit. A
:class:`Recipe` says how to build an agent for a run (``build(env, seed)``) and, for a
learner that is not an SB3 model (tabular Q-learning), how to load it back from its file.
Imports happen inside the recipes, so this table costs nothing until an agent is used.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import gymnasium as gym

from gymlab.agents.base import Agent

COINS, TSP, TRACK = "gymlab/CoinChange-v0", "gymlab/TSP-v0", "gymlab/TrackRacer-v0"


@dataclass(frozen=True)
class Recipe:
    """How to make one agent: ``build(env, seed)``; learners also ``load(path)`` and a budget."""

    summary: str
    build: Callable[[gym.Env, int], Agent]
    load: Callable[[Path], Agent] | None = None
    model_file: str = "model.json"
    default_steps: int = 0

    @property
    def learns(self) -> bool:
        return self.load is not None


# -- coin change ---------------------------------------------------------------------------------


def _coins_greedy(env: gym.Env, seed: int) -> Agent:
    from gymlab.agents.coins import GreedyCoinAgent

    return GreedyCoinAgent()


def _coins_dp(env: gym.Env, seed: int) -> Agent:
    from gymlab.agents.coins import OptimalCoinAgent

    return OptimalCoinAgent()


def _coins_q_learning(env: gym.Env, seed: int) -> Agent:
    from gymlab.agents.coins import coin_state_key
    from gymlab.agents.tabular import QLearningAgent

    return QLearningAgent(env.action_space.n, state_key=coin_state_key, seed=seed)


def _load_coins_q_learning(path: Path) -> Agent:
    from gymlab.agents.coins import coin_state_key
    from gymlab.agents.tabular import QLearningAgent

    return QLearningAgent.load(path, state_key=coin_state_key)


# -- TSP -------------------------------------------------------------------------------------------


def _tsp_nearest(env: gym.Env, seed: int) -> Agent:
    from gymlab.agents.routing import NearestNeighbourAgent

    return NearestNeighbourAgent()


def _tsp_solver(solver: str) -> Callable[[gym.Env, int], Agent]:
    def build(env: gym.Env, seed: int) -> Agent:
        from gymlab.agents.routing import TourAgent

        return TourAgent(solver, seed=seed)

    return build


def _tsp_random(env: gym.Env, seed: int) -> Agent:
    from gymlab.agents.routing import RandomTourAgent

    return RandomTourAgent(seed=seed)


# -- TrackRacer --------------------------------------------------------------------------------


def _pure_pursuit(env: gym.Env, seed: int) -> Agent:
    from gymlab.agents.driving import PurePursuit

    return PurePursuit()


def _one_step_greedy(env: gym.Env, seed: int) -> Agent:
    from gymlab.agents.driving import OneStepGreedy

    return OneStepGreedy()


CATALOG: dict[str, dict[str, Recipe]] = {
    COINS: {
        "greedy": Recipe("largest coin that fits", _coins_greedy),
        "dp": Recipe("dynamic programming: the fewest coins, exactly", _coins_dp),
        "q_learning": Recipe(
            "tabular Q-learning from scratch", _coins_q_learning, _load_coins_q_learning, default_steps=20_000
        ),
    },
    TSP: {
        "random": Recipe("a random unvisited city each step (the floor)", _tsp_random),
        "nearest_neighbour": Recipe("greedy: the nearest unvisited city", _tsp_nearest),
        "random_restarts": Recipe("best of 20 randomised greedy tours", _tsp_solver("restarts")),
        "two_opt": Recipe("nearest neighbour improved by 2-opt/Or-opt moves", _tsp_solver("two-opt")),
        "exact": Recipe("Held–Karp dynamic programming, O(n²2ⁿ)", _tsp_solver("exact")),
    },
    TRACK: {
        "pure_pursuit": Recipe(
            "steer at a point ahead on the centre line; planned speed profile", _pure_pursuit
        ),
        "greedy": Recipe("one-step greedy: the action with the best immediate reward", _one_step_greedy),
    },
}


def canonical(name: str) -> str:
    """Agent names use underscores; ``pure-pursuit`` (the track CLI's spelling) works too."""
    return name.strip().lower().replace("-", "_")


def recipes(full_id: str) -> dict[str, Recipe]:
    """The non-SB3 agents of an env (empty for envs gymlab does not know, e.g. CartPole)."""
    return CATALOG.get(full_id, {})
