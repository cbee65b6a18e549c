"""The travelling salesperson as a gymnasium environment: build a tour one city at a time.

The instances (random cities, TSPLIB files, the book's CSV) live in :mod:`gymlab.envs.tsp_instances`;
the classic solvers and the baseline agents for this env in :mod:`gymlab.agents.routing`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from gymlab.envs.errors import GymlabError
from gymlab.envs.tsp_instances import (
    HELD_KARP_LIMIT,
    OPTIMAL_UP_TO,
    TSPInstance,
    display_coordinates,
    gap,
    known_optimum,
    load_instance,
    nearest_unvisited,
    random_instance,
)


class TSPEnv(gym.Env):
    """Travelling salesperson: each step drives to the next city; reward is minus the leg's length.

    ## Description

    A salesperson starts in one city and must visit every city once. Each step picks the next
    city; the episode ends when every city has been visited. With ``closed=True`` (the default)
    the tour returns to the start, and that closing leg is charged on the last step, so the
    return of an episode is exactly minus the length of the tour. With ``closed=False`` the
    tour is an open path (the book's version: no return leg).

    By default each ``reset`` draws a new instance of ``n_cities`` cities uniformly in the unit
    square from ``self.np_random`` (so ``reset(seed=s)`` reproduces it); pass ``instance`` to
    play one fixed instance (a :class:`~gymlab.envs.tsp_instances.TSPInstance` or a ``.tsp``/``.csv`` path),
    or ``reset(options={"instance": inst})`` for one episode. One policy fits every instance of
    the same size, because the observation describes the instance, not just the position.

    ## Action Space

    ``Discrete(n)``: the index of the next city. Use :meth:`action_masks` (True = not visited
    yet) with sb3-contrib's MaskablePPO.

    **Invalid actions.** Choosing a city already visited is not an error: the salesperson drives
    to the *nearest unvisited city* instead, and the step costs an extra ``invalid_penalty`` ×
    the longest distance of the instance (``info["invalid"]`` is True). Every episode therefore
    lasts exactly ``n − 1`` steps, whatever the policy does, so plain PPO runs without crashing
    or looping, and learns to stop paying the penalty.

    ## Observation Space

    ``Box(0, 1, (5n,), float32)``, laid out as four blocks (``5n`` entries in all):

    | Slice        | Observation                                                         |
    |--------------|---------------------------------------------------------------------|
    | 0 : 2n       | city coordinates x0, y0, x1, y1, … scaled into the unit square       |
    | 2n : 3n      | visited mask (1 = visited, the start city included)                  |
    | 3n : 4n      | one-hot current city                                                  |
    | 4n : 5n      | one-hot first city (where a closed tour returns to)                   |

    Coordinates are shifted and scaled by the larger side (the shape is kept). An instance
    given only as a distance matrix is drawn at a classical-MDS embedding of its distances.

    ## Rewards

    ``−distance[current, next]`` per step (in the instance's units), plus ``−distance[last,
    first]`` on the last step of a closed tour, minus the invalid-action penalty when it applies.

    ## Starting State

    The tour starts at ``start_city`` (default 0; ``None`` picks one with ``self.np_random``),
    which counts as visited.

    ## Episode End

    Termination after ``n − 1`` steps, when every city has been visited. No truncation. The last
    ``info`` holds ``tour`` (0-based, in visiting order), ``length`` (the tour's length, penalties
    excluded), ``invalid_actions``, and ``optimal`` / ``gap`` (``length / optimal − 1``) — the
    optimum is the instance's known one, or Held–Karp's for ``n ≤ optimal_up_to`` (cached per
    instance), otherwise None.

    ## Arguments

    ```python
    gymnasium.make("gymlab/TSP-v0", n_cities=10, instance=None, closed=True, start_city=0,
                   invalid_penalty=1.0, optimal_up_to=16, render_mode=None)
    ```

    * ``n_cities``: cities per random instance (ignored when ``instance`` is given).
    * ``instance``: a fixed instance or a path to a TSPLIB ``.tsp`` / edge-list ``.csv`` file.
    * ``closed``: charge the leg back to the start (a tour) or not (an open path).
    * ``start_city``: the first city, or None for a random one per episode.
    * ``invalid_penalty``: extra cost of an invalid action, in units of the longest distance.
    * ``optimal_up_to``: largest ``n`` for which ``info`` reports the Held–Karp optimum (≤ 20).
    * ``render_mode``: ``"ansi"`` makes ``render()`` return the route so far as a line of text.
    """

    metadata = {"render_modes": ["ansi"], "render_fps": 4}

    def __init__(
        self,
        n_cities: int = 10,
        instance: TSPInstance | str | Path | None = None,
        closed: bool = True,
        start_city: int | None = 0,
        invalid_penalty: float = 1.0,
        optimal_up_to: int = OPTIMAL_UP_TO,
        render_mode: str | None = None,
    ) -> None:
        if isinstance(instance, str | Path):
            instance = load_instance(instance)
        if instance is not None and not isinstance(instance, TSPInstance):
            raise GymlabError("instance must be a TSPInstance or a path to a .tsp/.csv file")
        self.fixed_instance = instance
        self.n = instance.n if instance is not None else int(n_cities)
        if self.n < 2:
            raise GymlabError(f"n_cities must be at least 2 for a tour, got {n_cities}")
        if start_city is not None and not 0 <= start_city < self.n:
            raise GymlabError(f"start_city {start_city} is not one of the {self.n} cities (0..{self.n - 1})")
        if invalid_penalty < 0:
            raise GymlabError(f"invalid_penalty must be ≥ 0, got {invalid_penalty}")
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise GymlabError(f"render_mode {render_mode!r} is not supported; use 'ansi' or None")
        self.closed = bool(closed)
        self.start_city = start_city
        self.invalid_penalty = float(invalid_penalty)
        self.optimal_up_to = min(int(optimal_up_to), HELD_KARP_LIMIT)
        self.render_mode = render_mode

        self.action_space = spaces.Discrete(self.n)
        self.observation_space = spaces.Box(0.0, 1.0, shape=(5 * self.n,), dtype=np.float32)

        self._use(instance if instance is not None else random_instance(self.n, seed=0))
        self.tour: list[int] = [0]
        self.visited = np.zeros(self.n, dtype=bool)
        self.first_city = self.current_city = 0
        self.invalid_actions = 0

    # ----------------------------------------------------------------- gymnasium API

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        episode_instance = (options or {}).get("instance")
        if episode_instance is not None:
            if not isinstance(episode_instance, TSPInstance) or episode_instance.n != self.n:
                raise GymlabError(f"options['instance'] must be a TSPInstance with {self.n} cities")
            self._use(episode_instance)
        elif self.fixed_instance is None:
            self._use(random_instance(self.n, rng=self.np_random))
        elif self.instance is not self.fixed_instance:
            self._use(self.fixed_instance)
        if self.start_city is None:
            self.first_city = int(self.np_random.integers(self.n))
        else:
            self.first_city = self.start_city
        self.current_city = self.first_city
        self.tour = [self.first_city]
        self.visited = np.zeros(self.n, dtype=bool)
        self.visited[self.first_city] = True
        self.invalid_actions = 0
        info = {"instance": self.instance.name, "first_city": self.first_city}
        return self._observation(), info

    def step(self, action):
        if len(self.tour) == self.n:
            raise GymlabError("the tour is complete; call reset() before stepping again")
        city = int(action)
        invalid = not (0 <= city < self.n) or bool(self.visited[city])
        distances = self.instance.distances
        reward = 0.0
        if invalid:  # documented rule: go to the nearest unvisited city, pay a penalty
            city = nearest_unvisited(distances, self.current_city, self.visited)
            reward -= self.invalid_penalty * float(distances.max())
            self.invalid_actions += 1
        reward -= float(distances[self.current_city, city])
        self.tour.append(city)
        self.visited[city] = True
        self.current_city = city
        terminated = len(self.tour) == self.n
        info: dict[str, Any] = {"invalid": invalid}
        if terminated:
            if self.closed:
                reward -= float(distances[city, self.first_city])  # the closing leg home
            info |= self._final_info()
        return self._observation(), float(reward), bool(terminated), False, info

    def action_masks(self) -> np.ndarray:
        """True for each city that may be chosen next (not visited yet)."""
        return ~self.visited

    def render(self):
        if self.render_mode == "ansi":
            route = " → ".join(self.instance.label(city) for city in self.tour)
            length = self.instance.length(self.tour, closed=False)
            return f"{self.instance.name}: {route} ({len(self.tour)}/{self.n} cities, {length:g} so far)"
        return None

    # ----------------------------------------------------------------- helpers

    def _use(self, instance: TSPInstance) -> None:
        """Play ``instance`` from now on: its drawing scaled to the unit square, no optimum cached yet."""
        self.instance = instance
        self._points = unit_square(display_coordinates(instance))
        self._optimal_cache: dict[tuple, float | None] = {}

    def _observation(self) -> np.ndarray:
        current = np.zeros(self.n)
        current[self.current_city] = 1.0
        first = np.zeros(self.n)
        first[self.first_city] = 1.0
        parts = (self._points.ravel(), self.visited.astype(float), current, first)
        return np.concatenate(parts).astype(np.float32)

    def _final_info(self) -> dict[str, Any]:
        length = self.instance.length(self.tour, self.closed)
        optimal = self.optimal_length()
        return {
            "tour": list(self.tour),
            "length": length,
            "optimal": optimal,
            "gap": gap(length, optimal),
            "invalid_actions": self.invalid_actions,
        }

    def optimal_length(self) -> float | None:
        """This episode's optimal length: the instance's known one, or Held–Karp's (cached), else None."""
        start = None if self.closed else self.first_city  # an open path starts where we start
        key = (self.closed, start)
        if key not in self._optimal_cache:
            self._optimal_cache[key] = known_optimum(self.instance, self.closed, start, self.optimal_up_to)
        return self._optimal_cache[key]


def unit_square(points: np.ndarray) -> np.ndarray:
    """Shift and scale points into [0, 1]² by the larger side, keeping the shape."""
    shifted = points - points.min(axis=0)
    side = float(shifted.max())
    return np.clip(shifted / side, 0.0, 1.0) if side > 0 else np.zeros_like(points)
