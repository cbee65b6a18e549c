"""The one interface every agent shares, and the loop that runs an agent for an episode.

An agent *acts*: given an observation (and the unwrapped env, which baselines may inspect —
a greedy coin agent reads the remaining amount, pure pursuit reads the track), it returns an
action. Learning agents also ``learn``, ``save`` and ``load``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gymnasium as gym


class Agent:
    """Base class: override :meth:`act`; learning agents override the rest."""

    name: str = "agent"
    learns: bool = False

    def reset(self, env: gym.Env) -> None:
        """Called at the start of each episode with the unwrapped env."""

    def act(self, observation: Any, env: gym.Env) -> Any:
        """The action to take in ``env`` given ``observation``."""
        raise NotImplementedError

    def learn(self, env: gym.Env, steps: int, seed: int | None = None) -> None:
        raise TypeError(f"{self.name} does not learn; it is a fixed baseline")

    def save(self, path: str | Path) -> Path:
        raise TypeError(f"{self.name} has nothing to save; it is a fixed baseline")


@dataclass
class Episode:
    """What one episode produced: the return, its length, the actions and the last info."""

    total_reward: float
    steps: int
    actions: list[Any] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)
    terminated: bool = False
    truncated: bool = False


def rollout(env: gym.Env, agent: Agent, seed: int | None = None, options: dict | None = None) -> Episode:
    """Run ``agent`` in ``env`` for one episode from ``env.reset(seed=seed, options=options)``."""
    observation, info = env.reset(seed=seed, options=options)
    agent.reset(env.unwrapped)
    episode = Episode(total_reward=0.0, steps=0, info=info)
    done = False
    while not done:
        action = agent.act(observation, env.unwrapped)
        observation, reward, terminated, truncated, info = env.step(action)
        episode.actions.append(action)
        episode.total_reward += float(reward)
        episode.steps += 1
        done = terminated or truncated
        episode.terminated, episode.truncated = bool(terminated), bool(truncated)
    episode.info = info
    return episode
