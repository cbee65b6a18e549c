"""Evaluating an agent on the measures of its env's profile.

Every agent — baseline or learned, at the end of training and at every periodic evaluation
during it — plays the same evaluation episodes: episode ``i`` starts from
``env.reset(seed=EVAL_SEED + i)`` (coin change: every amount once; the track: the start
line, as DeepRacer's evaluation trials), so all agents face the same amounts, the same city
layouts, the same lap. Each episode gives one row — its return, length and the agent's
decision time, plus the env's own measures (:class:`~gymlab.experiments.profiles.Measures`)
— and the summary averages the rows.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import gymnasium as gym
import numpy as np

from gymlab.agents.base import Agent, rollout
from gymlab.experiments.environments import config_env
from gymlab.experiments.profiles import EVAL_SEED, profile_for
from gymlab.experiments.traces import TraceLog, TraceRecorder

__all__ = ["EVAL_SEED", "Recorder", "TimedAgent", "evaluate", "summarise"]


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


def evaluate(
    config: dict[str, Any], agent: Agent, episodes: int, trace: TraceLog | None = None
) -> dict[str, Any]:
    """Play the evaluation episodes of a resolved run config (its env, arguments, wrapper);
    returns ``{"summary", "episodes"}`` (and ``"trials"`` on a lap env: the same list
    ``gymlab track drive --json`` prints).

    ``decision_seconds`` is the agent's own thinking time per episode (planning a tour, a
    forward pass), without the env's bookkeeping. With a ``trace`` log, every step is recorded
    there too (:mod:`gymlab.experiments.traces`).
    """
    measures = profile_for(config["env"]).measures
    made = config_env(config)
    if trace is not None:
        made = TraceRecorder(made, trace, "eval")
    env = Recorder(made, measures.probe if measures else None)
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
    report: dict[str, Any] = {"summary": summarise(config["env"], rows), "episodes": rows}
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
    measures = profile_for(full_id).measures
    if measures is not None:
        summary.update(measures.summary(rows))
    return {key: None if _is_nan(value) else value for key, value in summary.items()}


def _is_nan(value: Any) -> bool:
    """NaN (no lap completed → no lap time) is stored as null: JSON has no NaN."""
    return isinstance(value, float) and value != value
