"""Observation features for learned agents: what a policy network cannot easily compute itself.

A multilayer perceptron sees the TSP's city coordinates and a one-hot current city; to find
the nearest unvisited city it would have to learn to subtract coordinate pairs picked out by
that one-hot vector and take square roots — a multiplicative interaction an MLP learns very
slowly. Handing it the distances from the current city (the very numbers nearest neighbour
looks at) turns "learn geometry" into "learn to choose", and MaskablePPO starts to learn
within tens of thousands of steps instead of staying at the level of random tours.

Wrappers are named in the YAML hyperparameters as rl-zoo3 does
(``env_wrapper: gymlab.agents.features.CityDistances``); :func:`wrapper_class` accepts only the
wrappers listed here, so a config file never imports arbitrary code.
"""

from __future__ import annotations

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


WRAPPERS: dict[str, type[gym.Wrapper]] = {"gymlab.agents.features.CityDistances": CityDistances}


def wrapper_class(name: str) -> type[gym.Wrapper]:
    """The wrapper called ``name`` (dotted path, as in rl-zoo3's ``env_wrapper``)."""
    if name not in WRAPPERS:
        raise GymlabError(f"unknown env_wrapper {name!r}; gymlab offers: {', '.join(WRAPPERS)}")
    return WRAPPERS[name]
