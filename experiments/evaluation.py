"""Evaluating an agent on the measures that fit its env.

Every agent — baseline or learned — plays the same evaluation episodes: episode ``i`` starts
from ``env.reset(seed=EVAL_SEED + i)`` (coin change: every amount once; the track: the
start line, as DeepRacer's evaluation trials), so all agents face the same amounts, the
same city layouts, the same lap. Each episode gives one row — its return, length and the
agent's decision time, plus the env's own measures — and the summary averages the rows.

An env's measures are one :class:`Measures` entry in :data:`MEASURES`: how to turn an
episode into a row, rows into a summary, and optionally the reset options of each
episode, a probe read at every step (the car's position) and its own way to play.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gymnasium as gym
import numpy as np

from gymlab.agents.base import Agent, rollout

EVAL_SEED = 10_000  # evaluation episodes never share seeds with training


class Recorder(gym.Wrapper):
    """Keeps what each episode did: its return, length, last ``info`` and a per-step probe."""

    def __init__(self, env: gym.Env, probe: Callable[[gym.Env], Any] | None = None):
        super().__init__(env)
        self.probe = probe
        self.records: list[dict[str, Any]] = []

    def reset(self, **kwargs):
        observation, info = self.env.reset(**kwargs)
        self.records.append({"return": 0.0, "length": 0, "info": info, "probes": []})
        self._probe()
        return observation, info

    def step(self, action):
        observation, reward, terminated, truncated, info = self.env.step(action)
        record = self.records[-1]
        record["return"] += float(reward)
        record["length"] += 1
        record["info"] = info
        self._probe()
        return observation, reward, terminated, truncated, info

    def _probe(self) -> None:
        if self.probe is not None:
            self.records[-1]["probes"].append(self.probe(self.env.unwrapped))


class TimedAgent(Agent):
    """Wraps an agent and times its decisions (reset + act) per episode, nothing else."""

    def __init__(self, agent: Agent):
        self.agent, self.name = agent, agent.name
        self.seconds: list[float] = []  # one entry per episode

    def reset(self, env: gym.Env) -> None:
        started = time.perf_counter()
        self.agent.reset(env)
        self.seconds.append(time.perf_counter() - started)

    def act(self, observation: Any, env: gym.Env) -> Any:
        started = time.perf_counter()
        action = self.agent.act(observation, env)
        self.seconds[-1] += time.perf_counter() - started
        return action


# -- coin change: is the payment optimal? -------------------------------------------------------


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


# -- TSP: how far above the optimal tour? ---------------------------------------------------------


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


# -- the track: DeepRacer evaluation trials, lap times, zig-zag ---------------------------------


def car_state(env: gym.Env) -> tuple[float, float, float, float]:
    """(x, y, speed, steering) of the car at this step: the trajectory and the zig-zag measure."""
    car = env.car
    return (round(car.x, 4), round(car.y, 4), round(car.speed, 3), round(car.steering, 3))


def track_trials(env: gym.Env, agent: Agent, episodes: int) -> list[dict[str, Any]]:
    """DeepRacer-style trials from the start line: the track's own :func:`evaluate_trials`."""
    from gymlab.agents.driving import evaluate_trials

    return evaluate_trials(env, agent, episodes=episodes, seed=EVAL_SEED)


def track_row(env: gym.Env, record: dict[str, Any]) -> dict[str, Any]:
    """Mean |Δsteering| per step (degrees): how much the car zig-zags; and the path driven."""
    states = np.array(record["probes"], dtype=float)
    steering = states[:, 3]
    zigzag = float(np.abs(np.diff(steering)).mean()) if len(steering) > 1 else 0.0
    return {"zigzag_deg": zigzag, "trajectory": states[:, :3].tolist()}


def track_summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    laps = [row["lap_time"] for row in rows if row["status"] == "lap_complete"]
    return {
        "completion_rate": len(laps) / len(rows),
        "mean_progress": float(np.mean([row["progress"] for row in rows])),
        "mean_lap_time": float(np.mean(laps)) if laps else float("nan"),
        "best_lap_time": float(min(laps)) if laps else float("nan"),
        "off_track": float(np.mean([row["off_track_count"] for row in rows])),
        "zigzag_deg": float(np.mean([row["zigzag_deg"] for row in rows])),
    }


@dataclass(frozen=True)
class Measures:
    """How one env is measured: episode → row, rows → summary, and optional hooks."""

    row: Callable[[gym.Env, dict[str, Any]], dict[str, Any]]
    summary: Callable[[list[dict[str, Any]]], dict[str, Any]]
    options: Callable[[gym.Env, int], list[dict[str, Any]]] | None = None  # reset options per episode
    probe: Callable[[gym.Env], Any] | None = None  # read at every step
    play: Callable[[gym.Env, Agent, int], list[dict[str, Any]]] | None = None  # own episode loop


MEASURES: dict[str, Measures] = {
    "gymlab/CoinChange-v0": Measures(coin_row, coin_summary, options=coin_amounts),
    "gymlab/TSP-v0": Measures(tsp_row, tsp_summary),
    "gymlab/TrackRacer-v0": Measures(track_row, track_summary, probe=car_state, play=track_trials),
}


def evaluate(
    full_id: str,
    agent: Agent,
    env_kwargs: dict[str, Any] | None = None,
    episodes: int = 10,
    make: Callable[..., gym.Env] | None = None,
) -> dict[str, Any]:
    """Play the evaluation episodes; returns ``{"summary", "episodes"}`` (and ``"trials"`` on
    the track: the same list ``gymlab track drive --json`` prints).

    ``decision_seconds`` is the agent's own thinking time per episode (planning a tour, a
    forward pass), without the env's bookkeeping.
    """
    if make is None:
        from gymlab.experiments.runner import make_env as make
    measures = MEASURES.get(full_id)
    env = Recorder(make(full_id, env_kwargs or {}), measures.probe if measures else None)
    timed = TimedAgent(agent)
    played: list[dict[str, Any]] | None = None
    try:
        if measures is not None and measures.play is not None:
            played = measures.play(env, timed, episodes)
        else:
            options = measures.options(env, episodes) if measures and measures.options else [None] * episodes
            for index, episode_options in enumerate(options):
                rollout(env, timed, seed=EVAL_SEED + index, options=episode_options)
        rows = []
        for index, record in enumerate(env.records):
            row = {
                "episode": index,
                "return": record["return"],
                "length": record["length"],
                "decision_seconds": timed.seconds[index],
            }
            if played is not None:
                row.update(played[index])
            if measures is not None:
                row.update(measures.row(env.unwrapped, record))
            rows.append(row)
    finally:
        env.close()
    report: dict[str, Any] = {"summary": summarise(full_id, rows), "episodes": rows}
    if played is not None:
        report["trials"] = played
    return report


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
    if full_id in MEASURES:
        summary.update(MEASURES[full_id].summary(rows))
    return {key: None if _is_nan(value) else value for key, value in summary.items()}


def _is_nan(value: Any) -> bool:
    """NaN (no lap completed → no lap time) is stored as null: JSON has no NaN."""
    return isinstance(value, float) and value != value
