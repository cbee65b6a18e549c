"""Checking a reward function before training: many situations, timed, every problem listed.

It lives apart from :mod:`gymlab.envs.rewards` because it drives the env (which itself
imports the rewards): the env builds ``params`` exactly as in training.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gymlab.envs.rewards import (
    CHECK_BUDGET,
    DEFAULT_TIMEOUT,
    GuardedReward,
    RewardError,
    RewardFunction,
    bind_reward,
    describe_params,
    duration,
    resolve_reward,
)
from gymlab.envs.track_racer import TrackRacerEnv

__all__ = ["RewardCheck", "check_reward_function"]


@dataclass
class RewardCheck:
    """What :func:`check_reward_function` found: problems (one line per kind) and call times."""

    name: str
    problems: list[str]
    situations: int  # sampled
    checked: int  # called before the check ended
    mean_seconds: float  # per call
    worst_seconds: float

    def seconds_for(self, steps: int) -> float:
        """Estimated time a run of ``steps`` environment steps spends in the reward."""
        return self.mean_seconds * steps


def check_reward_function(
    function: RewardFunction | str | Path,
    track: Any = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    budget: float = CHECK_BUDGET,
) -> RewardCheck:
    """Run a reward function over a wide sample of situations, timed, and list every problem.

    ``function``: a callable, a built-in name or a ``.py`` path. Situations: points all
    around ``track`` (default: the default track), the car on the centre line, near either
    border and off track on both sides, pointing along, across and against the track, at
    every speed from 0 to 4 m/s and steering from −30° to 30°, early and late in a lap.
    Each call runs as in training (:class:`GuardedReward`, ``timeout`` s per call). One
    problem line per kind (an exception, an exit, NaN, infinity, a non-number, out of
    range, a timeout) with how often it happened and the first params that triggered it.
    The check stops at the first timeout, and after ``budget`` seconds (a "slow" problem).
    """
    function, name = resolve_reward(function)
    env = TrackRacerEnv(track=track) if track is not None else TrackRacerEnv()
    bind_reward(function, env.track, env.car.spec)  # a reward that needs the world gets it, as in the env
    guard = GuardedReward(function, name, timeout)
    problems: dict[str, list] = {}  # kind → [count, first message, first params]
    situations = env.sample_situations()
    times: list[float] = []
    began = time.perf_counter()
    for situation in situations:
        params = env.params_for(**situation)
        start = time.perf_counter()
        try:
            guard(params)
        except RewardError as error:  # report, don't stop: we want every problem
            problems.setdefault(error.kind, [0, error.detail, params])[0] += 1
        times.append(time.perf_counter() - start)
        if "timeout" in problems:
            break
        if time.perf_counter() - began > budget and len(times) < len(situations):
            mean = sum(times) / len(times)
            detail = (f"is slow: {len(times)} of {len(situations)} situations took {budget:g} s "
                      f"({duration(mean)} per call); make it faster")  # fmt: skip
            problems["slow"] = [len(times), detail, params]
            break
    env.close()
    lines = [
        f"{name} {message} in {count}/{len(times)} situations, first with params: {describe_params(params)}"
        for kind, (count, message, params) in problems.items()
        if kind != "slow"
    ]
    if "slow" in problems:
        lines.append(f"{name} {problems['slow'][1]}")
    return RewardCheck(
        name, lines, len(situations), len(times), sum(times) / max(len(times), 1), max(times, default=0.0)
    )
