"""Tabular Q-learning from scratch (numpy only): a table of action values, one row per state.

Works for any gymnasium env with a discrete action space whose state can be named by a hashable
key: ``state_key(observation, env)`` gives it (by default the observation itself, for discrete
observations; for gymlab/CoinChange-v0 the remaining amount, :func:`gymlab.agents.coins.coin_state_key`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np

from gymlab.agents.base import Agent
from gymlab.envs.errors import GymlabError
from gymlab.envs.files import atomic_write, read_text

StateKey = Callable[[Any, gym.Env], Hashable]

FORMAT = "gymlab-q-table-v1"


def default_state_key(observation: Any, env: gym.Env | None = None) -> Hashable:
    """A discrete observation as a table key: an int stays an int, an array becomes a tuple."""
    array = np.asarray(observation)
    return array.item() if array.ndim == 0 else tuple(array.ravel().tolist())


class QLearningAgent(Agent):
    """Tabular Q-learning (Watkins, 1989) with ε-greedy exploration.

    After every step from state s with action a, reward r and next state s′:

        Q(s, a) ← Q(s, a) + α · (r + γ · max_a′ Q(s′, a′) − Q(s, a))

    with max_a′ Q(s′, ·) = 0 when s′ ends the episode. ε is the chance of a random action while
    learning; α the step size (1 is right for deterministic worlds like coin change); γ the
    discount. Unseen states start at ``initial_value``: 0 is optimistic when all rewards are
    negative, which makes the agent try every action. When the env has ``action_masks()``
    (and ``use_action_masks``), only allowed actions are chosen or maximised over.
    """

    name = "q-learning"
    learns = True

    def __init__(
        self,
        n_actions: int,
        state_key: StateKey = default_state_key,
        alpha: float = 1.0,
        gamma: float = 1.0,
        epsilon: float = 0.1,
        initial_value: float = 0.0,
        use_action_masks: bool = True,
        seed: int | None = None,
    ):
        if int(n_actions) < 1:
            raise GymlabError(f"n_actions must be at least 1 (got {n_actions})")
        if not 0 < alpha <= 1:
            raise GymlabError(f"alpha must be in (0, 1] (got {alpha})")
        if not 0 <= gamma <= 1:
            raise GymlabError(f"gamma must be in [0, 1] (got {gamma})")
        if not 0 <= epsilon <= 1:
            raise GymlabError(f"epsilon must be in [0, 1] (got {epsilon})")
        self.n_actions = int(n_actions)
        self.state_key = state_key
        self.alpha, self.gamma, self.epsilon = float(alpha), float(gamma), float(epsilon)
        self.initial_value = float(initial_value)
        self.use_action_masks = use_action_masks
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.q: dict[Hashable, np.ndarray] = {}
        self.steps = 0
        self.episodes = 0

    def values(self, state: Hashable) -> np.ndarray:
        """The row Q(state, ·), created at ``initial_value`` the first time a state is seen."""
        if state not in self.q:
            self.q[state] = np.full(self.n_actions, self.initial_value)
        return self.q[state]

    def _allowed(self, env: gym.Env) -> np.ndarray:
        """Which actions may be chosen now: the env's mask, or all of them."""
        env = env.unwrapped
        if self.use_action_masks and hasattr(env, "action_masks"):
            mask = np.asarray(env.action_masks(), dtype=bool)
            if mask.any():
                return mask
        return np.ones(self.n_actions, dtype=bool)

    def _greedy(self, values: np.ndarray, allowed: np.ndarray) -> int:
        """The allowed action with the highest value (the first one on a tie)."""
        return int(np.argmax(np.where(allowed, values, -np.inf)))

    def act(self, observation: Any, env: gym.Env) -> int:
        """The greedy action (no exploration): argmax over allowed actions of Q(state, ·)."""
        return self._greedy(self.values(self.state_key(observation, env.unwrapped)), self._allowed(env))

    def learn(self, env: gym.Env, steps: int, seed: int | None = None) -> None:
        """Run ``steps`` environment steps of ε-greedy Q-learning (starting from a fresh episode)."""
        observation, _ = env.reset(seed=seed)
        state = self.state_key(observation, env.unwrapped)
        for _ in range(int(steps)):
            allowed = self._allowed(env)
            if self.rng.random() < self.epsilon:  # explore
                action = int(self.rng.choice(np.flatnonzero(allowed)))
            else:  # exploit
                action = self._greedy(self.values(state), allowed)

            observation, reward, terminated, truncated, _ = env.step(action)
            next_state = self.state_key(observation, env.unwrapped)
            next_values = self.values(next_state)[self._allowed(env)]
            best_next = 0.0 if terminated else float(next_values.max())

            q = self.values(state)
            q[action] += self.alpha * (reward + self.gamma * best_next - q[action])  # the Q-learning update

            self.steps += 1
            state = next_state
            if terminated or truncated:
                self.episodes += 1
                observation, _ = env.reset()
                state = self.state_key(observation, env.unwrapped)

    # -- saving and loading: plain JSON, no pickle ----------------------------------------------

    def save(self, path: str | Path) -> Path:
        """Write the table and hyperparameters as JSON (atomically: a temp file, then a rename)."""
        path = Path(path)
        data = {
            "format": FORMAT,
            "n_actions": self.n_actions,
            "alpha": self.alpha,
            "gamma": self.gamma,
            "epsilon": self.epsilon,
            "initial_value": self.initial_value,
            "use_action_masks": self.use_action_masks,
            "seed": self.seed,
            "steps": self.steps,
            "episodes": self.episodes,
            "states": [_to_json_key(state) for state in self.q],
            "q": [row.tolist() for row in self.q.values()],
        }
        atomic_write(path, lambda tmp: tmp.write_text(json.dumps(data), encoding="utf-8"))
        return path

    @classmethod
    def load(cls, path: str | Path, state_key: StateKey = default_state_key) -> QLearningAgent:
        """Read a table written by :meth:`save`; ``state_key`` is code, so pass it again."""
        text = read_text(path, "a Q-table file is JSON text: save the agent again")
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise GymlabError(f"{path} is not a Q-table file (bad JSON: {error.msg})") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise GymlabError(f"{path} is not a Q-table file; write one with QLearningAgent.save")
        try:
            agent = cls(
                data["n_actions"],
                state_key=state_key,
                alpha=data["alpha"],
                gamma=data["gamma"],
                epsilon=data["epsilon"],
                initial_value=data["initial_value"],
                use_action_masks=data["use_action_masks"],
                seed=data["seed"],
            )
            agent.steps, agent.episodes = data["steps"], data["episodes"]
            rows = zip(data["states"], data["q"], strict=True)
            agent.q = {_from_json_key(state): np.array(row, dtype=float) for state, row in rows}
        except (KeyError, TypeError, ValueError) as error:
            raise GymlabError(f"{path} is a damaged Q-table file ({error!r}); save the agent again") from None
        for state, row in agent.q.items():
            if row.shape != (agent.n_actions,) or not np.all(np.isfinite(row)):
                raise GymlabError(
                    f"{path} is a damaged Q-table file: state {state!r} has Q-values {row.tolist()!r:.80} "
                    f"(need {agent.n_actions} finite numbers); train the agent again"
                )
        return agent


def _to_json_key(state: Hashable) -> Any:
    if isinstance(state, tuple):
        return [_to_json_key(item) for item in state]
    if isinstance(state, np.generic):
        return state.item()
    return state


def _from_json_key(value: Any) -> Hashable:
    return tuple(_from_json_key(item) for item in value) if isinstance(value, list) else value
