"""DeepRacer-style reward functions: built-ins, loading from a file, the guard, a checker.

A reward function is exactly what AWS DeepRacer runs::

    def reward_function(params):
        ...
        return float(reward)

``params`` is a dict with every documented DeepRacer key (see ``TrackRacerEnv``). The
environment's ``reward`` argument accepts

* a callable ``reward_function(params) -> float``;
* the name of a built-in (:data:`BUILTIN_REWARDS`): the four examples of the AWS developer
  guide, ``progress`` (a reward for fast learning), ``timed_progress`` (progress beyond a
  steady pace: the lap time pays), ``race_pace`` (the same at racing pace, with a price on
  leaving the track) and ``raceline`` (follow the lap-time limit);
* a path to a ``.py`` file that defines ``reward_function`` (a DeepRacer file runs unchanged).

Like DeepRacer's validator, :class:`GuardedReward` stops training with a clear error when
the function raises, returns NaN or infinity, a non-number, or a value outside ±1e5.
:func:`gymlab.envs.reward_check.check_reward_function` tries a function on many situations before any training.
"""

from __future__ import annotations

import ctypes
import dis
import importlib.util
import math
import numbers
import os
import signal
import sys
import threading
import time
import weakref
from _thread import get_ident as _get_ident
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gymlab.envs.errors import GymlabError

RewardFunction = Callable[[dict[str, Any]], float]
REWARD_LIMIT = 1e5
DEFAULT_TIMEOUT = 1.0  # s per reward call (env argument reward_timeout); DeepRacer's validator allows 5 s
IMPORT_TIMEOUT = 10.0  # s to import a reward file
CHECK_BUDGET = 30.0  # s check_reward_function spends at most before it reports "slow"
_clock = time.perf_counter


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


class TimedProgress(ProgressReward):
    """Progress this step beyond a steady pace: Δprogress − the % of a lap a car at
    :attr:`PACE` m/s makes in one 1/15 s step (100 · PACE / 15 / track_length).

    A lap then sums to 100 − that pace's share per step, i.e. it pays for the lap *time* itself,
    so a learner with γ close to 1 (0.99) is pushed to go faster, not only by discounting.
    A step slower than the pace earns less than nothing; here the pace stays well below racing
    speed so that driving on still beats ending the episode off track (a cost as large as a
    step's progress at 4 m/s teaches the car to crash: measured, 0/10 laps). A subclass may
    raise :attr:`PACE` and charge :attr:`OFF_TRACK_COST` on the step that leaves the track
    (:class:`RacePace`); here that cost is 0.
    """

    __name__ = "timed_progress"
    PACE = 1.5  # m/s: the speed whose progress earns nothing
    OFF_TRACK_COST = 0.0  # % of a lap charged on the step that leaves the track
    STEPS_PER_SECOND = 15  # DeepRacer's (and the env's) control rate

    def __call__(self, params: dict) -> float:
        pace = 100.0 * self.PACE / self.STEPS_PER_SECOND / params["track_length"]
        reward = super().__call__(params) - pace
        if params["is_offtrack"]:
            reward -= self.OFF_TRACK_COST
        return float(reward)


class RacePace(TimedProgress):
    """``timed_progress`` at racing pace: progress beyond 2.5 m/s, and leaving the track costs 10 % of a lap.

    2.5 m/s is a little above the limit's corner speeds on ``reinvent`` (1.9 and 2.3 m/s), so only
    fast driving earns and a learner is pushed to the car's speed, not to a safe pace. Slow
    corners then earn less than nothing, and ending the episode can look better than driving
    them: without the off-track cost, PPO reached laps 6 % above the limit but alternated
    between 10/10 and 0/10 laps, and ended with none (measured). The cost, about 7 steps of
    progress at 4 m/s, prices the crash in.
    """

    __name__ = "race_pace"
    PACE = 2.5
    OFF_TRACK_COST = 10.0


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
    "timed_progress": TimedProgress,
    "race_pace": RacePace,
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


def load_reward_file(path: str | Path, timeout: float | None = IMPORT_TIMEOUT) -> tuple[RewardFunction, str]:
    """Import ``reward_function`` from a DeepRacer-style ``.py`` file, contained like a call.

    Each call imports a fresh module, so each env gets its own copy of the file, as each
    DeepRacer simulation has its own: state the function keeps between calls in the file (a
    ``global``, an object's attributes) belongs to one car, even when 16 envs share a process.
    The file's module-level code therefore runs once per env (and per evaluation env); modules
    it imports are Python's usual ones, shared by the process.

    The import runs under the same guard as every reward call (:class:`GuardedCall`):
    ``sys.exit``, ``KeyboardInterrupt`` or any exception at import time, or an import that
    takes longer than ``timeout`` seconds, is one line naming the file; ``print`` goes to stderr.
    """
    path = Path(path)
    if not path.is_file():
        raise GymlabError(
            f"reward file {str(path)!r} not found; give a built-in name or an existing .py file"
        )
    spec = importlib.util.spec_from_file_location(f"gymlab_reward_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise GymlabError(f"cannot import {path.name}; a reward file must be a Python .py file")
    module = importlib.util.module_from_spec(spec)
    importer = GuardedCall(
        spec.loader.exec_module, f"importing {path.name}", timeout, "move slow work out of the module level"
    )
    try:
        importer(module)
    except RewardError as error:
        raise GymlabError(f"cannot load {path.name}: {error.detail}; {error.hint}") from None
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


# -- containing the learner's code ---------------------------------------------------------
#
# Mechanism, chosen for a per-call cost of a few attribute writes: a guarded call publishes
# when it started and in which thread; one daemon watchdog thread per process looks every
# quarter limit (0.25 s for the default 1 s) for a call older than its limit and raises RewardTimeout in that thread through
# CPython's PyThreadState_SetAsyncExc (it lands at the next bytecode, so pure-Python loops
# stop). A call still running after a second limit in the main thread is blocked in C
# (time.sleep, input()); it also gets SIGINT, which interrupts the system call.
# Alternatives measured or weighed: signal.setitimer is exact but costs two system calls per
# step (≈ 3 µs here, over 10 % of a step) and works in the main thread only; a subprocess per
# call costs milliseconds. Limits: code blocked in C outside the main thread is stopped when
# the C call returns; os._exit() ends the process and cannot be contained in-process.

_RAISE = dis.opmap["RAISE_VARARGS"]


class RewardError(GymlabError):
    """A reward function (or its import) failed; ``kind`` groups problems in the checker.

    ``kind``: ``raised X``, ``exited``, ``timeout``, ``nan``, ``infinite``, ``not a number``
    or ``out of range``; ``detail``: what happened (no params); ``hint``: how to fix it.
    """

    def __init__(self, message: str, kind: str = "", detail: str = "", hint: str = "") -> None:
        super().__init__(message)
        self.kind, self.detail, self.hint = kind, detail, hint


class RewardTimeout(GymlabError):
    """Raised asynchronously by the watchdog in a thread whose guarded call ran past its limit."""

    def __str__(self) -> str:
        if self.args:
            return str(self.args[0])
        return "a reward function ran longer than its time limit; make it faster or raise reward_timeout"


class _Watchdog:
    """One daemon thread per process that stops guarded calls running past their limit."""

    TICK = (0.02, 0.25)  # s between looks: a quarter of the shortest limit, within these bounds

    def __init__(self) -> None:
        self.watched: weakref.WeakSet = weakref.WeakSet()
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None

    def watch(self, guard: GuardedCall) -> None:
        with self.lock:
            self.watched.add(guard)
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="gymlab-reward-watchdog", daemon=True)
                self.thread.start()

    def _run(self) -> None:
        tick = self.TICK[1]
        while True:
            time.sleep(tick)  # few wake-ups: on a loaded machine each one may hold the GIL a while
            with self.lock:
                guards = list(self.watched)
                if not guards:
                    self.thread = None
                    return
            tick = min(max(min(guard.limit for guard in guards) / 4, self.TICK[0]), self.TICK[1])
            now = _clock()
            for guard in guards:
                started = guard.started
                if started is None or now - started <= guard.limit:
                    continue
                if guard.expired != started:  # first look past the limit: stop the Python code
                    guard.expired = started
                    _raise_in(guard.thread, RewardTimeout)
                elif guard.escalated != started and now - started > 2 * guard.limit + 2 * tick:
                    guard.escalated = started  # still running: blocked in C, interrupt the call
                    _interrupt_blocked(guard.thread)

    def after_fork(self) -> None:
        """In a forked child the thread is gone and the lock may be held: start afresh."""
        self.lock = threading.Lock()
        self.thread = None
        guards = list(self.watched)
        if guards:
            self.watch(guards[0])


_WATCHDOG = _Watchdog()
os.register_at_fork(after_in_child=_WATCHDOG.after_fork)


def _raise_in(thread: int, exception: type[BaseException]) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread), ctypes.py_object(exception))


def _interrupt_blocked(thread: int) -> None:
    """SIGINT to the main thread (only if Ctrl-C still raises KeyboardInterrupt there)."""
    main = threading.main_thread().ident
    if thread == main and signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread), None)  # one exception, not two
        signal.pthread_kill(thread, signal.SIGINT)


def _raised_by_code(error: BaseException) -> bool:
    """True when a ``raise`` statement threw ``error`` (not a signal, such as a real Ctrl-C)."""
    tb = error.__traceback__
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    code = tb.tb_frame.f_code.co_code
    return 0 <= tb.tb_lasti < len(code) and code[tb.tb_lasti] == _RAISE


def check_timeout(value: Any, what: str = "reward_timeout") -> float | None:
    """A time limit in seconds: a positive number, or None / 0 for no limit."""
    if value is None or (isinstance(value, numbers.Real) and not isinstance(value, bool) and value == 0):
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 < value < math.inf:
        raise GymlabError(f"{what} must be a positive number of seconds (or 0 for no limit), got {value!r}")
    return float(value)


class GuardedCall:
    """Runs the learner's code contained, like DeepRacer's validator.

    * ``SystemExit``, a ``KeyboardInterrupt`` raised by the code and any other exception
      become a :class:`RewardError` naming ``what`` (a real Ctrl-C still interrupts);
    * ``print`` (anything written to ``sys.stdout``) goes to stderr, so a ``--json``
      document stays alone on stdout;
    * a call longer than ``limit`` seconds is stopped (the watchdog above); ``None``: no limit.
      ``slow_hint`` completes the error line of a call past the limit.
    """

    __slots__ = (
        "function",
        "what",
        "limit",
        "slow_hint",
        "started",
        "thread",
        "expired",
        "escalated",
        "__weakref__",
    )

    def __init__(self, function: Callable, what: str, limit: float | None, slow_hint: str) -> None:
        self.function, self.what, self.slow_hint = function, what, slow_hint
        self.limit = check_timeout(limit, "time limit")
        self.started: float | None = None  # perf_counter() at the start of the running call
        self.thread = 0
        self.expired = self.escalated = None  # start time of the call the watchdog stopped
        if self.limit is not None:
            _WATCHDOG.watch(self)

    def __call__(self, argument: Any) -> Any:
        self.thread = _get_ident()
        self.started = started = _clock()
        stdout, sys.stdout = sys.stdout, sys.stderr
        try:
            value = self.function(argument)
        except BaseException as error:
            raise self._failure(error, started, argument) from None
        finally:
            sys.stdout = stdout
            self.started = None
        if value.__class__ is float and -REWARD_LIMIT <= value <= REWARD_LIMIT:  # fast path (NaN fails)
            return value
        return self._checked(value, argument)

    def _checked(self, value: Any, argument: Any) -> Any:
        """The value to return (the import's None unchanged); :class:`GuardedReward` checks it."""
        return value

    def _failure(self, error: BaseException, started: float, argument: Any) -> BaseException:
        """The one-line error for what the code did (or the original error for a real Ctrl-C)."""
        name = type(error).__name__
        if self.expired == started:
            detail, kind, hint = (
                f"took longer than {self.limit:g} s and was stopped",
                "timeout",
                self.slow_hint,
            )
        elif isinstance(error, KeyboardInterrupt) and not _raised_by_code(error):
            return error  # a real Ctrl-C: let it interrupt
        elif isinstance(error, SystemExit):
            detail, kind = f"called sys.exit({error.code!r})", "exited"
            hint = "reward code must return a float, never exit"
        else:
            text = " ".join(str(error).split())
            detail, kind, hint = (
                f"raised {name}" + (f": {text}" if text else ""),
                f"raised {name}",
                "fix the code",
            )
            if isinstance(error, SyntaxError) and f"line {error.lineno}" not in text:
                detail += f" (line {error.lineno})"
        return self._error(detail, kind, hint, argument)

    def _error(self, detail: str, kind: str, hint: str, argument: Any) -> RewardError:
        return RewardError(f"{self.what} {detail}; {hint}", kind, detail, hint)


class GuardedReward(GuardedCall):
    """Calls a reward function contained (:class:`GuardedCall`) and checks its value.

    A bad value (NaN, infinity, a non-number, outside ±1e5) or any failure stops with a
    one-line :class:`RewardError` naming the function and showing the ``params`` that
    triggered it. ``timeout``: seconds per call (default 1 s; None or 0: no limit).
    """

    __slots__ = ("name",)

    def __init__(
        self, function: RewardFunction, name: str | None = None, timeout: float | None = DEFAULT_TIMEOUT
    ) -> None:
        self.name = name or reward_name(function)
        hint = "make it faster, or raise the limit (env argument reward_timeout, check-reward --timeout)"
        super().__init__(function, f"reward function {self.name}", check_timeout(timeout), hint)

    def _checked(self, value: Any, params: dict) -> float:
        problem = reward_problem(value)
        if problem:
            raise self._error(problem[1], problem[0], "return a float in [-1e5, 1e5]", params)
        return float(value)

    def _error(self, detail: str, kind: str, hint: str, params: dict) -> RewardError:
        message = f"{self.what} {detail}; {hint} — params: {describe_params(params)}"
        return RewardError(message, kind, detail, hint)


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


def duration(seconds: float) -> str:
    """A time for people: 0.5 → '500 ms', 3e-6 → '3 µs', 98200 → '27.3 h'."""
    if seconds >= 3600:
        return f"{seconds / 3600:,.3g} h"
    if seconds >= 1:
        return f"{seconds:.3g} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds * 1e6:.3g} µs"
