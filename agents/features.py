"""Observation features for learned agents: what a policy network cannot easily compute itself.

A multilayer perceptron sees the TSP's city coordinates and a one-hot current city; to find
the nearest unvisited city it would have to learn to subtract coordinate pairs picked out by
that one-hot vector and take square roots — a multiplicative interaction an MLP learns very
slowly. Handing it the distances from the current city (the very numbers nearest neighbour
looks at) turns "learn geometry" into "learn to choose", and MaskablePPO starts to learn
within tens of thousands of steps instead of staying at the level of random tours.

Wrappers are named in the YAML hyperparameters as rl-zoo3 does, in each of rl-zoo3's forms: a
name (``env_wrapper: gymlab.agents.features.CityDistances``), a list of names, or a list of
one-key mappings ``{name: {keyword: value}}`` (mixed freely; they wrap in the order listed).
:func:`wrapper_chain` reads them and accepts only the wrappers listed in :data:`WRAPPERS`, so a
config file never imports arbitrary code; anything else is a one-line error.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import gymnasium as gym
import numpy as np

from gymlab.envs.errors import GymlabError


class CityDistances(gym.ObservationWrapper):
    """gymlab/TSP-v0's observation plus the distance from the current city to every city,
    divided by the instance's longest distance (so every entry lies in [0, 1])."""

    def __init__(self, env: gym.Env):
        super().__init__(env)
        n = env.unwrapped.n
        low = np.concatenate([env.observation_space.low, np.zeros(n, dtype=np.float32)])
        high = np.concatenate([env.observation_space.high, np.ones(n, dtype=np.float32)])
        self.observation_space = gym.spaces.Box(low, high, dtype=np.float32)

    def observation(self, observation: np.ndarray) -> np.ndarray:
        tsp = self.env.unwrapped
        distances = tsp.instance.distances
        row = distances[tsp.current_city] / max(float(distances.max()), 1e-12)
        return np.concatenate([observation, row]).astype(np.float32)


class CurvatureAhead(gym.ObservationWrapper):
    """gymlab/TrackRacer's observation plus the bends coming: the centre line's curvature at
    ``points`` places evenly spaced up to ``distance`` metres ahead of the car, each divided by
    the sharpest curvature the car can steer (tan(max steering) / wheelbase) and clipped to ±2.

    The env's own view is 3 m of centre-line points, less than a second at full speed; a driver
    brakes for a bend before it comes into that view, and an MLP reads a bend's tightness from
    points only slowly (curvature is a second difference of them).
    """

    def __init__(self, env: gym.Env, distance: float = 6.0, points: int = 12):
        super().__init__(env)
        if not hasattr(env.unwrapped, "track") or not hasattr(env.unwrapped, "arc_length"):
            raise GymlabError(
                f"CurvatureAhead reads a track ahead of the car: it wraps gymlab/TrackRacer, not {env}"
            )
        if not (isinstance(points, int) and not isinstance(points, bool) and 1 <= points <= 64):
            raise GymlabError(f"CurvatureAhead: points must be a whole number from 1 to 64, got {points!r}")
        if not (isinstance(distance, int | float) and 0 < distance <= 50):
            raise GymlabError(f"CurvatureAhead: distance must be metres in (0, 50], got {distance!r}")
        racer = env.unwrapped
        track = racer.track
        self._offsets = np.linspace(distance / points, distance, points)  # m ahead of the car
        self._curvature = np.clip(track.curvature / racer.car.spec.max_curvature, -2.0, 2.0)
        self._length, self._spacing = track.length, track.spacing
        low = np.concatenate([env.observation_space.low, np.full(points, -2.0, dtype=np.float32)])
        high = np.concatenate([env.observation_space.high, np.full(points, 2.0, dtype=np.float32)])
        self.observation_space = gym.spaces.Box(low, high, dtype=np.float32)

    def observation(self, observation: np.ndarray) -> np.ndarray:
        ahead = (self.env.unwrapped.arc_length + self._offsets) % self._length
        nodes = (ahead / self._spacing).astype(int) % len(self._curvature)
        return np.concatenate([observation, self._curvature[nodes]]).astype(np.float32)


WRAPPERS: dict[str, type[gym.Wrapper]] = {
    "gymlab.agents.features.CityDistances": CityDistances,
    "gymlab.agents.features.CurvatureAhead": CurvatureAhead,
}

FORMS = "a wrapper name, a list of names, or a list of one-key mappings {name: {keyword: value}}"


def wrapper_chain(spec: Any) -> list[tuple[str, dict[str, Any]]]:
    """An rl-zoo3 ``env_wrapper`` value as (name, keyword arguments) pairs, innermost first.

    None means no wrapper. Unknown names, mappings with more than one key, arguments that are not
    a mapping or that the wrapper does not take are one-line GymlabErrors.
    """
    if spec is None:
        return []
    chain = []
    for item in spec if isinstance(spec, list) else [spec]:
        if isinstance(item, str):
            name, kwargs = item, {}
        elif isinstance(item, dict) and len(item) == 1:
            name, kwargs = next(iter(item.items()))
            if not isinstance(kwargs, dict):
                raise GymlabError(
                    f"env_wrapper {name}: its arguments must be a mapping, got {kwargs!r}; "
                    f"write {{{name}: {{}}}} for none"
                )
        else:
            raise GymlabError(f"env_wrapper entry {item!r} is not understood; use {FORMS} (rl-zoo3's forms)")
        if not isinstance(name, str) or name not in WRAPPERS:
            raise GymlabError(f"unknown env_wrapper {name!r}; gymlab offers: {', '.join(WRAPPERS)}")
        try:
            inspect.signature(WRAPPERS[name]).bind(None, **kwargs)
        except TypeError as error:
            raise GymlabError(f"env_wrapper {name} does not take {kwargs} ({error})") from None
        chain.append((name, dict(kwargs)))
    return chain


def canonical_env_wrapper(spec: Any) -> str | list | None:
    """The checked ``env_wrapper`` in its shortest form: a lone wrapper without arguments stays a
    plain name (so configs and their hashes read as before), else a list of names / mappings."""
    chain = wrapper_chain(spec)
    if not chain:
        return None
    if len(chain) == 1 and not chain[0][1]:
        return chain[0][0]
    return [{name: kwargs} if kwargs else name for name, kwargs in chain]


def wrap(env: gym.Env, spec: Any) -> gym.Env:
    """``env`` inside the wrappers ``spec`` names, in rl-zoo3's order (the first is innermost)."""
    for name, kwargs in wrapper_chain(spec):
        env = WRAPPERS[name](env, **kwargs)
    return env


def wrapper_class(spec: Any) -> Callable[[gym.Env], gym.Env]:
    """What an ``env_wrapper`` value applies, as one callable env → wrapped env (the class itself
    for a single name without arguments, as rl-zoo3's ``get_wrapper_class`` returns)."""
    chain = wrapper_chain(spec)
    if len(chain) == 1 and not chain[0][1]:
        return WRAPPERS[chain[0][0]]
    return functools.partial(wrap, spec=spec)
