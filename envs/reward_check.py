"""Checking a reward function before training: many situations, every problem listed.

It lives apart from :mod:`gymlab.envs.rewards` because it drives the env (which itself
imports the rewards): the env builds ``params`` exactly as in training.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gymlab.envs.rewards import RewardFunction, describe_params, resolve_reward, reward_problem
from gymlab.envs.track_racer import TrackRacerEnv

__all__ = ["check_reward_function"]


def check_reward_function(function: RewardFunction | str | Path, track: Any = None) -> list[str]:
    """Run a reward function over a wide sample of situations and list every problem.

    ``function``: a callable, a built-in name or a ``.py`` path. Situations: points all
    around ``track`` (default: the default track), the car on the centre line, near either
    border and off track on both sides, pointing along, across and against the track, at
    every speed from 0 to 4 m/s and steering from −30° to 30°, early and late in a lap.
    Returns one line per kind of problem (an exception type, NaN, infinity, a non-number,
    out of range) with how often it happened and the first params that triggered it; an
    empty list means the function is clean.
    """
    function, name = resolve_reward(function)
    env = TrackRacerEnv(track=track) if track is not None else TrackRacerEnv()
    problems: dict[str, list] = {}  # kind → [count, first message, first params]
    situations = env.sample_situations()
    for situation in situations:
        params = env.params_for(**situation)
        try:
            problem = reward_problem(function(params))
        except Exception as error:  # report, don't stop: we want every problem
            problem = f"raised {type(error).__name__}", f"raised {type(error).__name__}: {error}"
        if problem:
            problems.setdefault(problem[0], [0, problem[1], params])[0] += 1
    env.close()
    return [
        f"{name} {message} in {count}/{len(situations)} situations, first with params: {describe_params(params)}"
        for count, message, params in problems.values()
    ]
