"""DeepRacer-style reward functions: built-ins, loading from a file, the guard, a checker.

A reward function is exactly what AWS DeepRacer runs::

    def reward_function(params):
        ...
        return float(reward)

``params`` is a dict with every documented DeepRacer key (see ``TrackRacerEnv``). The
environment's ``reward`` argument accepts

* a callable ``reward_function(params) -> float``;
* the name of a built-in (:data:`BUILTIN_REWARDS`): the four examples of the AWS developer
  guide and ``progress``, a reward for fast learning;
* a path to a ``.py`` file that defines ``reward_function`` (a DeepRacer file runs unchanged).

Like DeepRacer's validator, :class:`GuardedReward` stops training with a clear error when
the function raises, returns NaN or infinity, a non-number, or a value outside ±1e5.
:func:`check_reward_function` tries a function on many situations before any training.
"""

from __future__ import annotations

import importlib.util
import math
import numbers
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gymlab.envs.errors import GymlabError

RewardFunction = Callable[[dict[str, Any]], float]
REWARD_LIMIT = 1e5


# -- the AWS developer guide's examples (unchanged logic) --------------------------------


def follow_center_line(params: dict) -> float:
    """AWS example 1: reward staying near the centre line (markers at 0.1, 0.25, 0.5 × width)."""
    track_width = params["track_width"]
    distance_from_center = params["distance_from_center"]
    marker_1 = 0.1 * track_width
    marker_2 = 0.25 * track_width
    marker_3 = 0.5 * track_width
    if distance_from_center <= marker_1:
        reward = 1.0
    elif distance_from_center <= marker_2:
        reward = 0.5
    elif distance_from_center <= marker_3:
        reward = 0.1
    else:
        reward = 1e-3  # likely crashed / close to off track
    return float(reward)


def stay_inside_borders(params: dict) -> float:
    """AWS example 2: 1.0 while all wheels are on track with 5 cm to spare, else 1e-3."""
    all_wheels_on_track = params["all_wheels_on_track"]
    distance_from_center = params["distance_from_center"]
    track_width = params["track_width"]
    reward = 1e-3
    if all_wheels_on_track and (0.5 * track_width - distance_from_center) >= 0.05:
        reward = 1.0
    return float(reward)


def prevent_zigzag(params: dict) -> float:
    """AWS example 3: follow the centre line, × 0.8 when steering harder than 15°."""
    reward = follow_center_line(params)
    abs_steering = abs(params["steering_angle"])
    ABS_STEERING_THRESHOLD = 15
    if abs_steering > ABS_STEERING_THRESHOLD:
        reward *= 0.8
    return float(reward)


def heading(params: dict) -> float:
    """AWS example 4: 1.0, halved when the car points > 10° away from the centre line's direction."""
    waypoints = params["waypoints"]
    closest_waypoints = params["closest_waypoints"]
    heading = params["heading"]
    reward = 1.0
    next_point = waypoints[closest_waypoints[1]]
    prev_point = waypoints[closest_waypoints[0]]
    track_direction = math.degrees(math.atan2(next_point[1] - prev_point[1], next_point[0] - prev_point[0]))
    direction_diff = abs(track_direction - heading)
    if direction_diff > 180:
        direction_diff = 360 - direction_diff
    DIRECTION_THRESHOLD = 10.0
    if direction_diff > DIRECTION_THRESHOLD:
        reward *= 0.5
    return float(reward)


class ProgressReward:
    """Progress made this step, in % of a lap (≈ 1.5 per step at 4 m/s on a 17.7 m track).

    The sum over a lap is 100 whatever the speed, so a discounted learner (γ < 1) prefers
    to collect it *sooner*: the reward for fast lap times. Driving backwards earns minus
    what it loses. Off track ends the episode, which forfeits the rest of the lap.

    DeepRacer's ``params`` has no "previous progress", so this callable remembers the last
    one. It tolerates look-ahead calls (several calls for the same ``steps``, as the greedy
    agent makes): each is compared with the progress of the step before.
    """

    __name__ = "progress"

    def __init__(self) -> None:
        self._steps = 0
        self._progress = 0.0  # progress seen at self._steps
        self._before = 0.0  # progress at self._steps - 1

    def __call__(self, params: dict) -> float:
        steps, progress = params["steps"], params["progress"]
        if steps == 1:
            self._steps, self._before = 1, 0.0  # progress is measured from the start point
        elif steps == self._steps + 1:
            self._steps, self._before = steps, self._progress
        elif steps != self._steps:  # a jump we cannot explain: no progress credited
            self._steps, self._before = steps, progress
        self._progress = progress
        return float(progress - self._before)


class RacelineReward:
    """Follow the lap-time limit: closeness to its line × speed against its plan, in [0, 1].

    DeepRacer-compatible: it reads only ``params`` (x, y, closest_waypoints, speed,
    track_width, is_offtrack). The line (the flying-lap limit of
    :func:`gymlab.envs.raceline.lap_limit`) is attached by :meth:`bind`, which the env calls
    with its track and car — DeepRacer's community does the same with a line pasted into
    the reward file. Reward: (1 − (d / half-width)²) · (0.5 + 0.5 · speed score), with d the
    distance to the nearest line point between the closest waypoints and speed score
    1 − |speed − plan| / plan (≥ 0); 1e-3 off track.
    """

    __name__ = "raceline"

    def __init__(self) -> None:
        self._xy: list[tuple[float, float]] = []

    def bind(self, track: Any, car: Any) -> None:
        """Attach the limit line of ``track`` for ``car`` (solved once, cached by the solver)."""
        import numpy as np

        from gymlab.envs.raceline import lap_limit

        line = lap_limit(track, car, "flying")
        self._xy = list(zip(np.interp(track.s, line.s, line.xy[:, 0]).tolist(),
                            np.interp(track.s, line.s, line.xy[:, 1]).tolist(), strict=True))  # fmt: skip
        self._speed = np.interp(track.s, line.s, line.speed).tolist()
        behind = np.asarray(track.behind_waypoint)
        first = {}
        for i, waypoint in enumerate(behind.tolist()):
            first.setdefault(waypoint, i)
        self._first = first  # waypoint → first dense index after it
        self._n = track.n

    def __call__(self, params: dict) -> float:
        if not self._xy:
            raise RuntimeError("the raceline reward needs its line: the env calls bind(track, car)")
        if params["is_offtrack"]:
            return 1e-3
        behind, ahead = params["closest_waypoints"]
        n = self._n
        start = self._first.get(behind, 0) - 4
        stop = self._first.get(ahead, start + 8)
        stop = stop + n if stop < start else stop
        x, y = params["x"], params["y"]
        best, nearest = math.inf, 0
        for i in range(start, stop + 5):
            px, py = self._xy[i % n]
            d2 = (px - x) ** 2 + (py - y) ** 2
            if d2 < best:
                best, nearest = d2, i % n
        half = 0.5 * params["track_width"]
        closeness = max(1.0 - best / (half * half), 0.0)
        plan = self._speed[nearest]
        speed_score = max(1.0 - abs(params["speed"] - plan) / plan, 0.0)
        return float(max(closeness * (0.5 + 0.5 * speed_score), 1e-3))


def bind_reward(function: RewardFunction, track: Any, car: Any) -> None:
    """Give a reward that needs the world (it has a ``bind`` method, e.g. ``raceline``) its track and car."""
    bind = getattr(function, "bind", None)
    if callable(bind):
        bind(track, car)


BUILTIN_REWARDS: dict[str, Callable[[], RewardFunction]] = {
    "progress": ProgressReward,
    "follow_center_line": lambda: follow_center_line,
    "stay_inside_borders": lambda: stay_inside_borders,
    "prevent_zigzag": lambda: prevent_zigzag,
    "heading": lambda: heading,
    "raceline": RacelineReward,
}
DEFAULT_REWARD = "progress"


def resolve_reward(spec: str | Path | RewardFunction = DEFAULT_REWARD) -> tuple[RewardFunction, str]:
    """(function, name) for a callable, a built-in name, or a path to a ``.py`` file."""
    if callable(spec):
        return spec, reward_name(spec)
    key = str(spec)
    if key in BUILTIN_REWARDS:
        return BUILTIN_REWARDS[key](), key
    if key.endswith(".py") or Path(key).is_file():
        return load_reward_file(key)
    names = ", ".join(BUILTIN_REWARDS)
    raise GymlabError(
        f"unknown reward {key!r}; use a built-in ({names}) or a path to a .py file with reward_function"
    )


def reward_name(function: Any) -> str:
    """A readable name for error messages: the function's name, or its class's."""
    return getattr(function, "__name__", None) or type(function).__name__


def load_reward_file(path: str | Path) -> tuple[RewardFunction, str]:
    """Import ``reward_function`` from a DeepRacer-style ``.py`` file."""
    path = Path(path)
    if not path.is_file():
        raise GymlabError(
            f"reward file {str(path)!r} not found; give a built-in name or an existing .py file"
        )
    spec = importlib.util.spec_from_file_location(f"gymlab_reward_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise GymlabError(f"cannot import {path.name}; a reward file must be a Python .py file")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as error:  # the learner's file: report any failure in one line
        where = f" (line {error.lineno})" if isinstance(error, SyntaxError) else ""
        raise GymlabError(f"cannot load {path.name}: {type(error).__name__}: {error}{where}") from None
    function = getattr(module, "reward_function", None)
    if function is None:
        raise GymlabError(
            f"{path.name} defines no reward_function; add `def reward_function(params): ... return float(reward)`"
        )
    if not callable(function):
        raise GymlabError(
            f"reward_function in {path.name} is not a function; define `def reward_function(params):`"
        )
    return function, f"{path.name}:reward_function"


# -- the guard ------------------------------------------------------------------------


def reward_problem(value: Any) -> tuple[str, str] | None:
    """(kind, message) saying why ``value`` is not an acceptable reward; None when it is."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return "not a number", f"returned {type(value).__name__} {value!r:.40}, not a number"
    value = float(value)
    if math.isnan(value):
        return "nan", "returned NaN"
    if math.isinf(value):
        return "infinite", f"returned {value}"
    if not -REWARD_LIMIT <= value <= REWARD_LIMIT:
        return "out of range", f"returned {value:g}, outside [-1e5, 1e5]"
    return None


def describe_params(params: dict) -> str:
    """``params`` on one line, with the long waypoint list shortened."""
    parts = []
    for key, value in params.items():
        if key == "waypoints":
            text = f"[{len(value)} points]"
        elif isinstance(value, float):
            text = f"{value:.4g}"
        else:
            text = repr(value)
        parts.append(f"{key}={text}")
    return "{" + ", ".join(parts) + "}"


class GuardedReward:
    """Calls a reward function and stops with a :class:`GymlabError` on a bad result.

    The error names the function and shows the ``params`` that triggered it.
    """

    __slots__ = ("function", "name")

    def __init__(self, function: RewardFunction, name: str | None = None) -> None:
        self.function = function
        self.name = name or reward_name(function)

    def __call__(self, params: dict) -> float:
        try:
            value = self.function(params)
        except Exception as error:  # any failure of the learner's code becomes one line
            raise GymlabError(
                f"reward function {self.name} raised {type(error).__name__}: {error} — params: {describe_params(params)}"
            ) from None
        if value.__class__ is float and -REWARD_LIMIT <= value <= REWARD_LIMIT:  # fast path (NaN fails)
            return value
        problem = reward_problem(value)
        if problem:
            raise GymlabError(
                f"reward function {self.name} {problem[1]}; return a float in [-1e5, 1e5] — params: {describe_params(params)}"
            )
        return float(value)


# -- checking a function before training -------------------------------------------------


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
    from gymlab.envs.track_racer import TrackRacerEnv  # the env builds params exactly as in training

    function, name = resolve_reward(function)
    env = TrackRacerEnv(track=track) if track is not None else TrackRacerEnv()
    bind_reward(function, env.track, env.car.spec)
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
