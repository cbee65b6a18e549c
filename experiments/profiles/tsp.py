"""TSP's profile: random, nearest neighbour, restarts, 2-opt, exact; the gap to the optimal tour."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np

from gymlab.agents.base import Agent
from gymlab.envs import ENV_IDS
from gymlab.experiments.profiles.base import EnvProfile, Measure, Measures, Part, Recipe, register_profile

ENV_ID = ENV_IDS["tsp"]


def _nearest(env: gym.Env, seed: int) -> Agent:
    from gymlab.agents.routing import NearestNeighbourAgent

    return NearestNeighbourAgent()


def _solver(solver: str) -> Callable[[gym.Env, int], Agent]:
    def build(env: gym.Env, seed: int) -> Agent:
        from gymlab.agents.routing import TourAgent

        return TourAgent(solver, seed=seed)

    return build


def _attention(env: gym.Env, seed: int) -> Agent:
    from gymlab.agents.attention_tsp import AttentionSettings, AttentionTSPAgent, seeded_model

    model = seeded_model(AttentionSettings(train_cities=max(int(env.unwrapped.n), 3)), seed)
    return AttentionTSPAgent(model, decoding="multistart")


def _load_attention(path: Path) -> Agent:
    from gymlab.agents.attention_tsp import AttentionTSPAgent

    return AttentionTSPAgent(path, decoding="multistart")


def _random(env: gym.Env, seed: int) -> Agent:
    from gymlab.agents.routing import RandomTourAgent

    return RandomTourAgent(seed=seed)


def tsp_row(env: gym.Env, record: dict[str, Any]) -> dict[str, Any]:
    info = record["info"]
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


def _references() -> dict[str, Recipe]:
    """LKH-3 and OR-Tools as agents where their packages are installed (the ``[references]`` extra)."""
    from gymlab.agents.routing import REFERENCE_SOLVERS, SOLVER_LABELS, reference_installed

    return {
        name: Recipe(f"{SOLVER_LABELS[name]} (reference)", _solver(name))
        for name in REFERENCE_SOLVERS
        if reference_installed(name)
    }


REFERENCES = _references()

PROFILE = register_profile(
    EnvProfile(
        env_id=ENV_ID,
        short="tsp",
        agents={
            "random": Recipe("a random unvisited city each step (the floor)", _random, seeded=True),
            "nearest_neighbour": Recipe("greedy: the nearest unvisited city", _nearest),
            "random_restarts": Recipe("best of 20 randomised greedy tours", _solver("restarts"), seeded=True),
            "two_opt": Recipe("nearest neighbour improved by 2-opt/Or-opt moves", _solver("two-opt")),
            "exact": Recipe("Held–Karp dynamic programming, O(n²2ⁿ)", _solver("exact")),
            "attention": Recipe(
                "attention model trained by REINFORCE (POMO); multi-start × 8 symmetries at inference",
                _attention,
                _load_attention,
                model_file="model.pt",
                default_steps=160_000,  # training instances: about 10 minutes on one core
            ),
            **REFERENCES,
        },
        measures=Measures(tsp_row, tsp_summary),
        columns=(
            Measure("mean_gap_percent", "gap to optimal", "lower", unit="%"),
            Measure("optimal_rate", "optimal tours", "higher", percent=True),
            Measure("decision_seconds", "decision time per instance", "lower", unit="ms", scale=1000.0),
        ),
        suite=Part(
            ENV_ID,
            (
                "random",
                "nearest_neighbour",
                "random_restarts",
                "two_opt",
                "exact",
                *REFERENCES,
                "maskable_ppo",
                "attention",
            ),
            steps={"maskable_ppo": 50_000, "attention": 20_000},
            quick_steps={"maskable_ppo": 10_000, "attention": 2_048},
            env_kwargs={"n_cities": 10},
            eval_episodes=50,
            quick_eval_episodes=20,
        ),
    )
)
