"""TrackRacer: an AWS DeepRacer-compatible racing environment that trains in minutes on a CPU."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from gymlab.envs.car import Car, CarSpec
from gymlab.envs.errors import GymlabError
from gymlab.envs.rewards import (
    DEFAULT_REWARD,
    DEFAULT_TIMEOUT,
    GuardedReward,
    RewardFunction,
    bind_reward,
    resolve_reward,
)
from gymlab.envs.tracks import DEFAULT_TRACK, Track, get_track

STEERING_LEVELS = (-30.0, -15.0, 0.0, 15.0, 30.0)
ACTION_PRESETS: dict[str, list[tuple[float, float]]] = {
    # DeepRacer console default: index 0 = (−30°, 0.5 m/s), 1 = (−30°, 1.0 m/s), 2 = (−15°, 0.5 m/s)…
    "deepracer": [(steer, speed) for steer in STEERING_LEVELS for speed in (0.5, 1.0)],
    "racing": [(steer, speed) for steer in STEERING_LEVELS for speed in (1.0, 2.0, 3.0, 4.0)],
}
PATIENCE = 15  # steps of falling progress (reversed) or standing still (immobilized) before the end
LOOKAHEAD_POINTS = 12
LOOKAHEAD_SPACING = 0.25  # m between centre-line points in the observation
OBS_SCALE = LOOKAHEAD_POINTS * LOOKAHEAD_SPACING  # 3 m: points are divided by it


class TrackRacerEnv(gym.Env):
    """Drive a DeepRacer-scale car round a track; the reward is a DeepRacer reward function.

    ## Description
    A 1/18-scale car (kinematic bicycle model, wheelbase 0.165 m, see :mod:`gymlab.envs.car`) is
    driven at 15 Hz on a closed track (:mod:`gymlab.envs.tracks`). Speed follows the command within
    3 m/s² of acceleration and 4 m/s² of braking; the tyres give at most 5 m/s² in any
    direction (a friction circle shared by cornering and speed change, sliding or not), and a
    corner taken too fast understeers: the sliding tyres' push tilts backwards by the steering
    past the grip, so the car runs wide and scrubs speed.
    The fastest lap therefore brakes before corners and uses the track's width (a racing
    line) — the trade-off a reward function has to teach. Its limit, the minimum lap time of
    the car's physics, is :func:`gymlab.envs.raceline.lap_limit`.

    ## Action Space
    * ``actions="deepracer"`` (default): ``Discrete(10)``, DeepRacer's console default —
      steering −30, −15, 0, 15, 30 degrees × speed 0.5, 1.0 m/s; index ``k`` is
      ``(STEERING_LEVELS[k // 2], (0.5, 1.0)[k % 2])``, so 0 = (−30°, 0.5 m/s).
    * ``actions="racing"``: ``Discrete(20)``, the same steering × 1, 2, 3, 4 m/s.
    * a list of ``(steering_degrees, speed_m_s)`` pairs: ``Discrete(len(list))``.
    * ``continuous=True``: ``Box(-1, 1, (2,))`` — ``[steering, speed]`` scaled to ±30° and
      0.1–4 m/s (−1 → 0.1 m/s, +1 → 4 m/s). Steering: positive = left.
    * ``continuous=True, steering_rate=R`` (degrees): the steering component is a *change*
      of the wheels' angle, −1..1 → −R..+R degrees this step (clipped to ±30°), as a servo
      that slews at R degrees per step; the speed component is unchanged. A learner then
      cannot bang the wheel from lock to lock, which scrubs speed in every corner.
    * ``continuous=True, grip_steering=True``: the steering component is a *fraction of the
      sharpest turn the tyres hold* at this step's speed (``Car.grip_curvature``): −1..1 →
      the right..left grip limit, within the lock — a driver aid like stability control.
      With absolute steering only ±3° of the ±30° range is usable at 4 m/s, so a learner's
      exploration scrubs speed on every straight; here every action is a turn the tyres hold,
      and the whole range stays useful at every speed.

    ## Observation Space
    ``Box(-2, 2, (29,), float32)``, built for fast learning (everything ~[−1, 1]):

    * ``obs[0:24]`` — 12 centre-line points ahead of the car, 0.25 m apart (≈ 3 m of road),
      in the car's frame as (forward, left) pairs divided by 3 m: ``obs[2j], obs[2j+1]``;
    * ``obs[24]`` — speed / 4 m/s (the car's actual speed, not the command);
    * ``obs[25]`` — steering / 30° (positive = left);
    * ``obs[26]`` — lateral offset / half-width on that side (+1 = left border, −1 = right),
      clipped to ±2;
    * ``obs[27]`` — heading error / π (car yaw minus the centre line's direction);
    * ``obs[28]`` — half the track width / 0.5 m (tells a policy how much road there is),
      capped at 2 (a track wider than 2 m looks 2 m wide).

    ## Rewards
    ``reward(params)``: a DeepRacer reward function (see :mod:`gymlab.envs.rewards`). ``params``
    is a fresh dict each step with every documented DeepRacer key: ``all_wheels_on_track``,
    ``x``, ``y`` (m), ``closest_objects`` ([0, 0]: no objects), ``closest_waypoints``
    ([behind, ahead] indices into ``waypoints``), ``distance_from_center`` (m),
    ``heading`` (degrees, −180..180), ``is_crashed`` (False: no obstacles),
    ``is_left_of_center``, ``is_offtrack``, ``is_reversed`` (True when the track is driven
    clockwise), ``objects_distance``, ``objects_heading``, ``objects_left_of_center``,
    ``objects_location``, ``objects_speed`` (empty lists), ``progress`` (0–100 % of a lap
    from the episode's start point), ``speed`` (commanded, m/s, as in DeepRacer's
    simulator), ``steering_angle`` (degrees, positive = left), ``steps`` (the first call
    sees 1), ``track_length`` (m), ``track_width`` (m), ``waypoints`` (list of (x, y)).
    Default reward: ``"progress"``, the % of a lap gained this step.

    ## Starting State
    At rest on the centre line, pointing along the track. ``start="spread"`` (default,
    training) draws the start point uniformly around the track with a small random offset
    (±0.1 m) and heading error (±5°), as DeepRacer rotates its start point between training
    episodes; ``start="line"`` starts exactly at the start line (evaluation, so lap times
    compare). ``env.reset(options={"start": "line" | "spread" | fraction})`` overrides it
    for one episode (a fraction 0 ≤ f < 1 starts at that fraction of a lap, on the centre).

    ## Episode End
    Terminated when the lap is complete (progress 100), when the car is off track (no wheel
    on the track), reversed (15 consecutive steps of falling progress) or immobilized (15
    steps without moving). Truncated after ``max_steps`` steps (status ``time_up``).
    Driving backwards never earns progress: progress is the distance travelled *along*
    the track since the start, never negative. ``info``: ``progress`` (%), ``lap_time``
    (s), ``status`` (``in_progress``, ``lap_complete``, ``off_track``, ``reversed``,
    ``immobilized``, ``time_up``), ``off_track_count``, ``speed`` (m/s, actual).

    ## Arguments
    ``track`` (built-in name, ``random:SEED``, path to a DeepRacer ``.npy`` route, or a
    :class:`~gymlab.envs.tracks.Track`; default the re:Invent-2018-like ``reinvent``),
    ``reverse`` (drive the track the other way), ``reward`` (callable, built-in name or
    ``.py`` path), ``actions``, ``continuous``, ``steering_rate`` (degrees per step, continuous
    actions only; default 0 = absolute steering), ``grip_steering`` (continuous actions only;
    default False), ``start``, ``max_steps`` (default 1500 =
    100 s), ``car`` (:class:`~gymlab.envs.car.CarSpec`), ``render_mode`` (``"rgb_array"`` or
    ``"human"``), ``reward_timeout`` (seconds a reward call may take, default 1; ``None`` or 0:
    no limit). The reward function runs contained: an exception, ``sys.exit``, a raised
    ``KeyboardInterrupt`` or a call past the time limit stops the episode with one line naming
    the function, and its ``print`` output goes to stderr.

    ## Version History
    * v2: the friction circle holds while the tyres slide too. A saturated tyre pushes with the
      grip at right angles to its wheel, so steering α past the grip corners with grip·cos α
      and scrubs grip·sin α (v1 kept the full grip sideways and scrubbed
      0.1 × the excess lateral demand on top, up to 1.4× the circle on full lock at 4 m/s, and
      ``CarSpec.scrub`` is gone). Lap times of drivers that slide change.
    * v1: friction circle (cornering and braking/acceleration share the grip) and understeer
      that scrubs speed (``CarSpec.scrub``); v0's car could steer past the grip for free.
    * v0: initial release (lateral grip limit only).
    """

    metadata = {"render_modes": ["human", "rgb_array"], "render_fps": 15}

    def __init__(
        self,
        track: str | Path | Track = DEFAULT_TRACK,
        reward: str | Path | RewardFunction = DEFAULT_REWARD,
        actions: str | list[tuple[float, float]] = "deepracer",
        continuous: bool = False,
        steering_rate: float = 0.0,
        grip_steering: bool = False,
        reverse: bool = False,
        start: str = "spread",
        max_steps: int = 1500,
        car: CarSpec | None = None,
        render_mode: str | None = None,
        reward_timeout: float | None = DEFAULT_TIMEOUT,
    ) -> None:
        for flag, value in (
            ("continuous", continuous),
            ("grip_steering", grip_steering),
            ("reverse", reverse),
        ):
            if not isinstance(value, bool | np.bool_):
                raise GymlabError(f"{flag} must be true or false, got {value!r}")
        self.track = get_track(track, reverse=reverse)
        self.car = Car(car)
        spec = self.car.spec
        function, name = resolve_reward(reward)
        bind_reward(function, self.track, spec)
        self.reward_function = GuardedReward(function, name, timeout=reward_timeout)
        self.continuous = bool(continuous)
        self.steering_rate = self._check_steering_rate(steering_rate, self.continuous, spec)
        if grip_steering and not self.continuous:
            raise GymlabError("grip_steering applies to continuous steering: pass continuous=True as well")
        if grip_steering and self.steering_rate:
            raise GymlabError(
                "grip_steering and steering_rate are two meanings of the steering action: pass one of them"
            )
        self.grip_steering = bool(grip_steering)
        self.actions = self._action_table(actions, spec)
        if self.continuous:
            self.action_space = spaces.Box(-1.0, 1.0, shape=(2,), dtype=np.float32)
        else:
            self.action_space = spaces.Discrete(len(self.actions))
        self.observation_space = spaces.Box(-2.0, 2.0, shape=(2 * LOOKAHEAD_POINTS + 5,), dtype=np.float32)
        if start not in ("spread", "line"):
            raise GymlabError(f"start must be 'spread' (training) or 'line' (evaluation), got {start!r}")
        self.start = start
        if int(max_steps) < 1:
            raise GymlabError(f"max_steps must be a positive number of steps, got {max_steps}")
        self.max_steps = int(max_steps)
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise GymlabError(
                f"render_mode must be one of {self.metadata['render_modes']}, got {render_mode!r}"
            )
        self.render_mode = render_mode

        # Constants the per-step code reads (plain floats and lists are fastest).
        t = self.track
        self._length, self._spacing = t.length, t.spacing
        self._half_length, self._half_car = 0.5 * spec.wheelbase, 0.5 * spec.track
        self._clockwise = t.clockwise
        self._waypoints = t.waypoints
        self._n_waypoints = len(t.waypoints)
        self._stride = max(int(round(LOOKAHEAD_SPACING / t.spacing)), 1)
        ahead = self._stride * (LOOKAHEAD_POINTS + 1)
        loop = np.concatenate([t.center, t.center[:ahead]]) / OBS_SCALE  # wraps past the start line
        self._ahead_points = loop[:, 0] + 1j * loop[:, 1]  # complex x + iy, see _observation
        self._max_steering, self._max_speed, self._min_speed = (
            spec.max_steering,
            spec.max_speed,
            spec.min_speed,
        )
        self._dt = spec.dt
        self._renderer = None
        self._reset_state()

    @staticmethod
    def _check_steering_rate(rate, continuous: bool, spec: CarSpec) -> float:
        if (
            isinstance(rate, bool)
            or not isinstance(rate, int | float)
            or not 0 <= rate <= 2 * spec.max_steering
        ):
            raise GymlabError(
                f"steering_rate must be degrees per step from 0 (absolute steering) to {2 * spec.max_steering:g}, got {rate!r}"
            )
        if rate and not continuous:
            raise GymlabError("steering_rate applies to continuous steering: pass continuous=True as well")
        return float(rate)

    @staticmethod
    def _action_table(actions, spec: CarSpec) -> list[tuple[float, float]]:
        if isinstance(actions, str):
            if actions.startswith("raceline:"):
                raise GymlabError(
                    f"actions {actions!r} are k-means clusters of the limit line, built above the env: pass "
                    "gymlab.agents.driving.raceline_actions(track, K) as the list (gymlab's commands do this)"
                )
            if actions not in ACTION_PRESETS:
                raise GymlabError(
                    f"unknown action preset {actions!r}; use one of {list(ACTION_PRESETS)} or a list of (steering, speed)"
                )
            return list(ACTION_PRESETS[actions])
        try:
            table = [(float(steer), float(speed)) for steer, speed in actions]
        except (TypeError, ValueError):
            raise GymlabError(
                "actions must be a preset name or a list of (steering_degrees, speed) pairs"
            ) from None
        if not table:
            raise GymlabError("actions must contain at least one (steering, speed) pair")
        for steer, speed in table:
            if not (abs(steer) <= spec.max_steering and 0 <= speed <= spec.max_speed):
                raise GymlabError(
                    f"action ({steer}, {speed}) is outside the car's range: steering within ±{spec.max_steering:g}°, "
                    f"speed 0–{spec.max_speed:g} m/s"
                )
        return table

    # -- episode state ----------------------------------------------------------------

    def _reset_state(self) -> None:
        self._segment = 0  # dense centre-line segment the car projects onto
        self._t = 0.0  # metres along that segment
        self._offset = 0.0  # metres left of the centre line
        self._s = 0.0  # arc length of the car's projection (0..length)
        self._travelled = 0.0  # signed distance along the track since the start (may go < 0)
        self._steps = 0
        self._falling = 0  # consecutive steps of falling progress
        self._still = 0  # consecutive steps without moving
        self._off_track_count = 0
        self._command = (0.0, 0.0)  # last (steering, speed) command
        self._status = "in_progress"
        self.trajectory: list[tuple[float, float, float, float]] = []  # (x, y, yaw, speed) per step

    def _snapshot(self) -> tuple:
        return (self.car.state(), self._segment, self._t, self._offset, self._s, self._travelled,
                self._steps, self._falling, self._still, self._off_track_count, self._command, self._status)  # fmt: skip

    def _restore(self, snapshot: tuple) -> None:
        (car, self._segment, self._t, self._offset, self._s, self._travelled,
         self._steps, self._falling, self._still, self._off_track_count, self._command, self._status) = snapshot  # fmt: skip
        self.car.restore(car)
        self._measure()

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        super().reset(seed=seed)
        self._reset_state()
        start = (options or {}).get("start", self.start)
        offset, heading_error = 0.0, 0.0
        if start == "line":
            s = 0.0
        elif start == "spread":
            s = float(self.np_random.uniform(0.0, self._length))
            offset = float(self.np_random.uniform(-0.1, 0.1))
            heading_error = float(self.np_random.uniform(-math.radians(5), math.radians(5)))
        elif isinstance(start, int | float) and 0.0 <= start < 1.0:
            s = float(start) * self._length
        else:
            raise GymlabError(
                f"reset option start must be 'line', 'spread' or a lap fraction in [0, 1), got {start!r}"
            )
        x, y, direction = self.track.point_at(s)
        x -= offset * math.sin(direction)
        y += offset * math.cos(direction)
        self.car.place(x, y, direction + heading_error)
        self._place_on_track()
        self.trajectory.append((self.car.x, self.car.y, self.car.yaw, 0.0))
        if self.render_mode == "human":
            self.render()
        return self._observation(), self._info()

    def _place_on_track(self) -> None:
        """Locate the car from scratch (after a reset or a teleport)."""
        car = self.car
        self._segment, self._t, self._offset = self.track.locate(
            car.x, car.y, self.track.nearest_segment(car.x, car.y)
        )
        self._s = self._segment * self._spacing + self._t
        self._measure()

    # -- one step ---------------------------------------------------------------------

    def step(self, action):
        status = self.drive(action)
        reward = self.reward_function(self._params())
        truncated = status == "time_up"
        terminated = status != "in_progress" and not truncated
        if self.render_mode == "human":
            self.render()
        return self._observation(), reward, terminated, truncated, self._info()

    def command(self, action) -> tuple[float, float]:
        """(steering degrees, speed m/s) that ``action`` commands."""
        if self.continuous:
            steer = min(max(float(action[0]), -1.0), 1.0)
            throttle = min(max(float(action[1]), -1.0), 1.0)
            speed = self._min_speed + 0.5 * (throttle + 1.0) * (self._max_speed - self._min_speed)
            if self.steering_rate:  # a change of the wheels' angle, within the lock
                limit = self._max_steering
                return min(max(self.car.steering + steer * self.steering_rate, -limit), limit), speed
            if self.grip_steering:  # a fraction of the sharpest turn the tyres hold
                return self.car.spec.steering_for(steer * self.car.grip_curvature(speed)), speed
            return steer * self._max_steering, speed
        return self.actions[int(action)]

    def action_for(self, steering: float, speed: float) -> Any:
        """The action closest to the command (steering degrees, speed m/s): the inverse of :meth:`command`.

        Continuous: the exact command, scaled to [−1, 1] (with ``steering_rate``: the change from
        the wheels' angle, as far as one step allows; with ``grip_steering``: the turn as a
        fraction of the grip limit, at most the limit). Discrete: the nearest steering, and
        among those actions the fastest speed not above ``speed`` (else the slowest).
        """
        if self.continuous:
            if self.steering_rate:  # a change of the wheels' angle
                steer = (steering - self.car.steering) / self.steering_rate
            elif self.grip_steering:  # the turn as a fraction of the grip limit
                steer = self.car.spec.curvature_for(steering) / self.car.grip_curvature(speed)
            else:
                steer = steering / self._max_steering
            steer = min(max(steer, -1.0), 1.0)
            throttle = (speed - self._min_speed) / (self._max_speed - self._min_speed) * 2 - 1
            return np.array([steer, min(max(throttle, -1.0), 1.0)], dtype=np.float32)
        best_steer = min((abs(s - steering), s) for s, _ in self.actions)[1]
        candidates = [(v, k) for k, (s, v) in enumerate(self.actions) if s == best_steer]
        allowed = [(v, k) for v, k in candidates if v <= speed + 1e-9]
        return max(allowed)[1] if allowed else min(candidates)[1]

    def _advance(self, steering: float, speed: float) -> None:
        """Drive one step, follow the car along the track and apply DeepRacer's episode rules."""
        car = self.car
        moved = car.step(steering, speed)
        self._steps += 1
        self._command = (steering, speed)
        segment, t, offset = self.track.locate(car.x, car.y, self._segment)
        s = segment * self._spacing + t
        delta = s - self._s  # progress along the track this step, wrapped across the start line
        half = 0.5 * self._length
        if delta > half:
            delta -= self._length
        elif delta < -half:
            delta += self._length
        self._segment, self._t, self._offset, self._s = segment, t, offset, s
        self._travelled += delta
        self._falling = self._falling + 1 if delta < -1e-6 else 0
        self._still = self._still + 1 if moved < 1e-3 else 0
        self.trajectory.append((car.x, car.y, car.yaw, car.speed))

        self._measure()
        if self._travelled >= self._length:
            self._status = "lap_complete"
        elif self._off_track:
            self._status = "off_track"
            self._off_track_count += 1
        elif self._falling >= PATIENCE:
            self._status = "reversed"
        elif self._still >= PATIENCE:
            self._status = "immobilized"

    def _measure(self) -> None:
        """Heading error and wheels on/off track, from the car's pose and its place on the track.

        Heading error: car yaw minus the centre line's direction, in (−π, π]. The wheels
        reach ``extent`` metres sideways from the car's centre (a wheelbase × track
        rectangle turned by the heading error): all wheels are on the track when
        |offset| + extent ≤ half-width, all are off when |offset| − extent > half-width.
        """
        error = self.car.yaw - self.track._angle[self._segment]
        if error > math.pi:
            error -= 2 * math.pi
        elif error <= -math.pi:
            error += 2 * math.pi
        self._heading_err = error
        extent = self._half_length * abs(math.sin(error)) + self._half_car * abs(math.cos(error))
        offset = self._offset
        half_width = self.track._lw[self._segment] if offset > 0 else self.track._rw[self._segment]
        self._half_width = half_width
        distance = abs(offset)
        self._on_track = distance + extent <= half_width
        self._off_track = distance - extent > half_width

    @property
    def arc_length(self) -> float:
        """Where the car projects onto the centre line: metres from the start line (0..length)."""
        return self._s

    @property
    def lateral_offset(self) -> float:
        """Metres the car's centre lies left of the centre line (negative: right)."""
        return self._offset

    @property
    def heading_error(self) -> float:
        """Car yaw minus the centre line's direction (radians, −π..π)."""
        return self._heading_err

    @property
    def progress(self) -> float:
        """% of a lap driven since the start point (0–100; driving backwards never adds)."""
        return min(max(100.0 * self._travelled / self._length, 0.0), 100.0)

    def _params(self) -> dict[str, Any]:
        """DeepRacer's reward ``params`` for the current state (a fresh dict every call)."""
        car = self.car
        behind = self.track.behind_waypoint[self._segment]
        ahead = behind + 1 if behind + 1 < self._n_waypoints else 0
        return {
            "all_wheels_on_track": self._on_track,
            "x": car.x,
            "y": car.y,
            "closest_objects": [0, 0],
            "closest_waypoints": [behind, ahead],
            "distance_from_center": abs(self._offset),
            "heading": math.degrees(car.yaw),
            "is_crashed": False,
            "is_left_of_center": self._offset > 0,
            "is_offtrack": self._off_track,
            "is_reversed": self._clockwise,
            "objects_distance": [],
            "objects_heading": [],
            "objects_left_of_center": [],
            "objects_location": [],
            "objects_speed": [],
            "progress": self.progress,
            "speed": self._command[1],
            "steering_angle": self._command[0],
            "steps": self._steps,
            "track_length": self._length,
            "track_width": self.track.width,
            "waypoints": self._waypoints[:],
        }

    def _observation(self) -> np.ndarray:
        """The observation vector (layout in the class docstring).

        Points are complex numbers x + iy: moving them into the car's frame is a subtraction
        (the car's position) and a multiplication by e^(−i·yaw) (a rotation) — two numpy ops.
        """
        car = self.car
        first = self._segment + self._stride
        ahead = self._ahead_points[first : first + self._stride * LOOKAHEAD_POINTS : self._stride]
        position = complex(car.x, car.y) / OBS_SCALE
        local = (ahead - position) * complex(math.cos(car.yaw), -math.sin(car.yaw))
        obs = np.empty(2 * LOOKAHEAD_POINTS + 5, dtype=np.float32)
        obs[: 2 * LOOKAHEAD_POINTS] = local.view(np.float64)  # (forward, left) pairs
        obs[2 * LOOKAHEAD_POINTS :] = (
            car.speed / self._max_speed,
            car.steering / self._max_steering,
            min(max(self._offset / self._half_width, -2.0), 2.0),
            self._heading_err / math.pi,
            min(self._half_width / 0.5, 2.0),
        )
        return obs

    def _info(self) -> dict[str, Any]:
        return {
            "progress": self.progress,
            "lap_time": self._steps * self._dt,
            "status": self._status,
            "off_track_count": self._off_track_count,
            "speed": self.car.speed,
        }

    # -- look-ahead and inspection (baselines, the reward checker, traces) -----------------

    def telemetry(self) -> tuple:
        """The car's state now, for per-step logs (:mod:`gymlab.experiments.traces`).

        ``(x, y, heading°, speed m/s actual, steering° commanded, speed m/s commanded,
        progress %, arc length m, closest waypoint behind, ahead, distance from centre m,
        is_left_of_center, all_wheels_on_track, status)``. A tuple, not a dict: it is
        read at every recorded step. Nothing is computed unless asked.
        """
        car = self.car
        behind = self.track.behind_waypoint[self._segment]
        ahead = behind + 1 if behind + 1 < self._n_waypoints else 0
        return (car.x, car.y, math.degrees(car.yaw), car.speed, self._command[0], self._command[1],
                self.progress, self._s, behind, ahead, abs(self._offset), self._offset > 0,
                self._on_track, self._status)  # fmt: skip

    def peek(self, action) -> tuple[float, dict[str, Any]]:
        """(reward, info) that ``action`` would give now, leaving the episode unchanged.

        Simulates one step on a copy of the state (the one-step greedy agent uses it).
        """
        state = self.clone_state()
        try:
            self._advance(*self.command(action))
            return self.reward_function(self._params()), self._info()
        finally:
            self.restore_state(state)

    def clone_state(self) -> tuple:
        """The car's and the episode's state (pose, speed, place on the track, counters, status),
        and the reward's memory when the reward is an object (``progress`` remembers the last
        step's progress; its attributes are copied, not deep-copied).

        With :meth:`restore_state` and :meth:`drive`, what a planner needs to search the env's
        own dynamics (as ALE's ``cloneState``/``restoreState``): the env is deterministic, so a
        restored state drives, and pays, on exactly as before. Not included: a ``global`` a
        reward file keeps and state in ``__slots__`` or in another object (restore cannot reach
        them), and the points of ``trajectory`` (it is only cut back to its length then, right
        when you restore along one line of play).
        """
        memory = self._reward_memory()
        return self._snapshot(), len(self.trajectory), None if memory is None else dict(memory)

    def restore_state(self, state: tuple) -> None:
        """Go back to a state from :meth:`clone_state` (``trajectory`` is cut back to its length then)."""
        snapshot, recorded, saved = state
        self._restore(snapshot)
        del self.trajectory[recorded:]
        memory = self._reward_memory()
        if saved is not None and memory is not None:
            memory.clear()
            memory.update(saved)

    def _reward_memory(self) -> dict | None:
        """The reward object's attributes (its ``__dict__``), or None for one that has none."""
        return getattr(self.reward_function.function, "__dict__", None)

    def drive(self, action) -> str:
        """One step of ``action`` under the episode's rules, without the reward, the observation or rendering.

        Returns the status (``in_progress``, ``lap_complete``, ``off_track`` …; ``time_up`` after
        ``max_steps``): :meth:`step` is this, then the reward and the observation. About 3×
        cheaper than :meth:`step`, for look-ahead search; the reward's memory does not advance.
        """
        self._advance(*self.command(action))
        if self._status == "in_progress" and self._steps >= self.max_steps:
            self._status = "time_up"
        return self._status

    def params_for(self, x, y, heading, speed, steering, progress, steps) -> dict[str, Any]:
        """DeepRacer params for a hand-placed car (heading in degrees; the reward checker uses it)."""
        self._reset_state()
        self.car.place(x, y, math.radians(heading), speed=speed, steering=steering)
        self._place_on_track()
        self._command = (float(steering), float(speed))
        self._travelled = progress / 100 * self._length
        self._steps = int(steps)
        return self._params()

    def sample_situations(self) -> list[dict[str, float]]:
        """A wide grid of situations: all round the track, on/near/off both borders, any heading, speed, steering."""
        track = self.track
        situations = []
        half = 0.5 * track.width
        offsets = [
            0.0,
            0.3 * half,
            -0.3 * half,
            0.9 * half,
            -0.9 * half,
            1.2 * half,
            -1.2 * half,
            2.0 * half,
            -2.0 * half,
        ]
        speeds = [0.0, 0.1, 0.5, 1.0, 2.0, 4.0]
        steerings = [-30.0, -15.0, 0.0, 15.0, 30.0]
        headings = [0.0, 45.0, -90.0, 180.0]
        for k, fraction in enumerate(np.linspace(0, 1, 12, endpoint=False)):
            x, y, direction = track.point_at(fraction * track.length)
            for offset in offsets:
                px, py = x - offset * math.sin(direction), y + offset * math.cos(direction)
                for turn in headings:
                    heading = (math.degrees(direction) + turn + 180) % 360 - 180
                    for j, speed in enumerate(speeds):
                        steering = steerings[(j + k) % len(steerings)]
                        progress = [0.0, 100 * fraction, 100.0][(j + k) % 3]
                        steps = 1 + (j * 37 + k * 11) % 500
                        situations.append(dict(x=px, y=py, heading=heading, speed=speed, steering=steering,
                                               progress=progress, steps=steps))  # fmt: skip
        return situations

    # -- rendering --------------------------------------------------------------------

    def render(self):
        if self.render_mode is None:
            return None
        if self._renderer is None:
            from gymlab.envs.track_render import TrackRenderer

            self._renderer = TrackRenderer(self.track, interactive=self.render_mode == "human")
        return self._renderer.draw(self.trajectory, self.car, self._info())

    def close(self) -> None:
        if self._renderer is not None:
            self._renderer.close()
            self._renderer = None
