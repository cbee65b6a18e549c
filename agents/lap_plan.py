"""The env's own fastest lap, step by step: discrete-time minimum-time control of the car.

:func:`gymlab.envs.raceline.lap_limit` races a point mass along a smooth line; the env moves
the car in whole 1/15 s steps along exact arcs (:meth:`gymlab.envs.car.Car.step`). This
module finds the fastest lap *of the env's own dynamics*: the commands of every step, by
direct transcription (the standard method of optimal control, as in CasADi's race-car
example):

* **variables**: the car's state after each step k (x, y, yaw, speed) and each step's
  command: curvature κₖ = tan(steering)/wheelbase and acceleration aₖ;
* **dynamics** exactly as the env computes them: vₖ₊₁ = vₖ + aₖ·dt; the step drives
  d = v̄·dt (v̄ the mean speed) along an arc turning h = κₖ·d, whose chord is d·sinc(h/2)
  in the direction yaw + h/2;
* **limits**: the friction circle aₖ² + (v̄²κₖ)² ≤ grip², the accel/brake caps, the
  steering lock, min/max speed, and the car's centre within the legal band (half-width +
  0.07 m) after every step — where the env checks the wheels;
* **objective**: with N steps fixed, the most progress along the centre line after step N.
  The smallest N whose best progress reaches the finish is the lap.

The band is measured in the centre line's frame at the place each step reached in the
previous solve (a short fixed-point iteration; the first guess is the point-mass limit
sampled every 1/15 s). The result is replayed in the env itself before it is returned.

:func:`action_lap` answers the same question for a discrete action set (``racing``, a list of
(steering, speed) pairs), which no smooth program can: a beam search over the action sequences,
driven in the env itself.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from gymlab.envs.car import CarSpec
from gymlab.envs.errors import GymlabError
from gymlab.envs.raceline import LEGAL_BAND, band_limits, lap_limit
from gymlab.envs.tracks import Track, get_track

GRIP_SHARE = 0.9999  # of the friction circle the plan may use (rounding room for the env's check)


@dataclass
class StepLap:
    """A lap as N commands: ``curvature`` (1/m) and ``accel`` (m/s²) of each step, and the states
    after each (``states``: N + 1 rows of x, y, yaw, speed; row 0 the start). ``progress``: metres
    along the centre line after each step; ``lap_time``: N control steps, in s."""

    track: str
    states: np.ndarray
    curvature: np.ndarray
    accel: np.ndarray
    progress: np.ndarray
    steps: int
    lap_time: float
    solve_cpu_s: float

    def commands(self, car: CarSpec) -> list[tuple[float, float]]:
        """(steering degrees, target speed m/s) of each step: what the env's continuous action asks for."""
        return _commands(self.states.T, np.vstack([self.curvature, self.accel]), car)


def _commands(states: np.ndarray, commands: np.ndarray, car: CarSpec) -> list[tuple[float, float]]:
    """(steering degrees, target speed m/s) per step from the states (4 × N+1) and commands (2 × N)."""
    steering = np.degrees(np.arctan(commands[0] * car.wheelbase))
    return list(zip(steering.tolist(), states[3, 1:].tolist(), strict=True))


def _sinc(x):
    """sin(x)/x as its Taylor series: smooth at 0 and exact to 1e-11 for |x| ≤ 0.5 (|h/2| of any step)."""
    x2 = x * x
    return 1 - x2 / 6 * (1 - x2 / 20 * (1 - x2 / 42 * (1 - x2 / 72)))


def _frames(track: Track, segments: list[int], band: float) -> tuple[np.ndarray, ...]:
    """Each step's centre-line segment as the env measures it: start point, direction, legal offsets.

    The env measures the car's offset from the segment it locates the car on
    (:meth:`~gymlab.envs.tracks.Track.locate`), so the band is written in that same frame.
    """
    index = np.asarray(segments)
    low, high = band_limits(track.curvature[index], track.left_width[index], track.right_width[index], band)
    return track.center[index], track.angle[index], low, high


def _locate_path(track: Track, xy: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """Metres along the centre line at each point of a path from the start line, and each point's segment."""
    segment, previous, travelled, progress, segments = 0, 0.0, 0.0, [0.0], [0]
    for x, y in xy[1:]:
        segment, t, _ = track.locate(float(x), float(y), segment)
        s = segment * track.spacing + t
        delta = (s - previous + 0.5 * track.length) % track.length - 0.5 * track.length
        travelled, previous = travelled + delta, s
        progress.append(travelled)
        segments.append(segment)
    return np.array(progress), segments


def _outside(track: Track, states: np.ndarray, band: float) -> list[tuple[int, int]]:
    """(step, segment) pairs where a step lands outside the band of the segment the env locates it on."""
    _, segments = _locate_path(track, states[:2].T)
    points, directions, low, high = _frames(track, segments, band)
    dx, dy = states[0] - points[:, 0], states[1] - points[:, 1]
    lateral = -np.sin(directions) * dx + np.cos(directions) * dy
    return [(k, segments[k]) for k in np.flatnonzero((lateral > high + 1e-6) | (lateral < low - 1e-6))]


def _solve(track: Track, car: CarSpec, steps: int, guess, band: float, also: list[tuple[int, int]] = ()):
    """Most progress in ``steps`` steps from rest on the start line (IPOPT).

    Each step stays in the band of the segment where the guess's step landed, and of the
    segments listed in ``also`` as (step, segment) (where earlier solutions' steps landed).
    """
    from gymlab.envs.raceline import _casadi

    ca = _casadi()
    states0, commands0 = guess
    places, segments = _locate_path(track, states0[:2].T)
    also = [(k, j) for k, j in also if 0 < k <= steps]
    steps_of = list(range(steps + 1)) + [k for k, _ in also]
    points, directions, low, high = _frames(track, segments + [j for _, j in also], band)
    opti = ca.Opti()
    X = opti.variable(4, steps + 1)  # x, y, yaw, speed after each step
    U = opti.variable(2, steps)  # curvature, acceleration of each step
    x, y, yaw, v = X[0, :], X[1, :], X[2, :], X[3, :]
    kappa, accel = U[0, :], U[1, :]
    dt = car.dt
    x0, y0, yaw0 = track.point_at(0.0)
    opti.subject_to(X[:, 0] == ca.DM([x0, y0, yaw0, 0.0]))
    mean = v[:-1] + 0.5 * accel * dt
    distance = mean * dt
    turn = kappa * distance
    chord = distance * _sinc(turn / 2)
    opti.subject_to(v[1:] == v[:-1] + accel * dt)
    opti.subject_to(x[1:] == x[:-1] + chord * ca.cos(yaw[:-1] + turn / 2))
    opti.subject_to(y[1:] == y[:-1] + chord * ca.sin(yaw[:-1] + turn / 2))
    opti.subject_to(yaw[1:] == yaw[:-1] + turn)
    opti.subject_to(accel**2 + (mean**2 * kappa) ** 2 <= GRIP_SHARE * car.grip**2)
    opti.subject_to(opti.bounded(-car.max_curvature, kappa, car.max_curvature))
    opti.subject_to(opti.bounded(-car.brake, accel, car.accel))
    opti.subject_to(opti.bounded(car.min_speed, v[1:], car.max_speed))
    tx, ty = np.cos(directions), np.sin(directions)
    pick = steps_of[1:]  # every step after the start, then the extra (step, segment) pairs
    row = lambda values: values[1:].reshape(1, -1)  # noqa: E731
    dx, dy = x[pick] - row(points[:, 0]), y[pick] - row(points[:, 1])
    lateral = ca.times(-row(ty), dx) + ca.times(row(tx), dy)
    opti.subject_to(opti.bounded(row(low), lateral, row(high)))

    def along(px, py):  # metres along the last step's segment
        return tx[steps] * (px - points[steps, 0]) + ty[steps] * (py - points[steps, 1])

    progress = places[-1] - along(states0[0, -1], states0[1, -1]) + along(x[-1], y[-1])
    opti.minimize(-progress)
    opti.set_initial(X, states0)
    opti.set_initial(U, commands0)
    opti.solver(
        "ipopt", {"print_time": False, "ipopt.print_level": 0, "ipopt.sb": "yes", "ipopt.max_iter": 2000}
    )
    try:
        solution = opti.solve()
    except RuntimeError:
        return None
    states = solution.value(X)
    return states, solution.value(U), float(_locate_path(track, states[:2].T)[0][-1])


def _sampled_limit(track: Track, car: CarSpec, steps: int, band: float) -> tuple[np.ndarray, np.ndarray]:
    """The point-mass limit's line (in the same band) sampled every control step: the first guess."""
    line = lap_limit(track, car, "standing", band=band)
    t = np.minimum(np.arange(steps + 1) * car.dt, line.time[-1])
    x, y = np.interp(t, line.time, line.xy[:, 0]), np.interp(t, line.time, line.xy[:, 1])
    speed = np.interp(t, line.time, line.speed)
    yaw = np.unwrap(np.arctan2(np.gradient(y), np.gradient(x)))
    yaw[0] = track.point_at(0.0)[2]
    kappa = np.diff(yaw) / np.maximum(0.5 * (speed[1:] + speed[:-1]) * car.dt, 1e-3)
    accel = np.diff(speed) / car.dt
    commands = np.vstack(
        [np.clip(kappa, -car.max_curvature, car.max_curvature), np.clip(accel, -car.brake, car.accel)]
    )
    return np.vstack([x, y, yaw, speed]), commands


def _replays(track: Track, car: CarSpec, states: np.ndarray, commands: np.ndarray) -> bool:
    """Whether the env itself, driven by these commands from the start line, completes the lap on track."""
    from gymlab.envs.track_racer import TrackRacerEnv

    env = TrackRacerEnv(track=track, continuous=True, car=car)
    env.reset(options={"start": "line"})
    info = {"status": "in_progress"}
    for steering, speed in _commands(states, commands, car):
        info = env.step(env.action_for(steering, speed))[4]
        if info["status"] != "in_progress":
            break
    return info["status"] == "lap_complete" and info["off_track_count"] == 0


def _attempt(track: Track, car: CarSpec, steps: int, guess, band: float, rounds: int):
    """A lap in ``steps`` steps the env confirms, or None.

    Each round solves with the band written in the segments where the guess's steps landed, then
    drives the result in the env; if the env disagrees (a step cut so deep into a tight bend
    that the env measures it from another segment), the next round starts from this result
    and also keeps that step inside the band of that segment.
    """
    also: list[tuple[int, int]] = []
    for _ in range(rounds):
        result = _solve(track, car, steps, guess, band, also)
        if result is None:
            return None
        states, commands, progress = result
        if progress >= track.length + 1e-3 and _replays(track, car, states, commands):
            return result
        also += _outside(track, states, band)  # keep those frames too: the rounds cannot cycle
        guess = (states, commands)
    return None


_CACHE: dict[tuple, StepLap] = {}


def step_lap(
    track: str | Track = "reinvent", car: CarSpec | None = None, band: float = LEGAL_BAND
) -> StepLap:
    """The fastest lap from a standing start of the env's car, in whole steps (cached per track and car).

    Starts from N = the point-mass limit in whole steps, lengthens N until the best progress in
    N steps reaches the finish, then shortens it while it still does. Raises :class:`GymlabError` if
    no lap within 10 % more steps than the limit is found and confirmed by the env.
    """
    shape = get_track(track)
    car = car or CarSpec()
    key = (shape.name, round(shape.length, 6), round(shape.width, 6), car, round(band, 6))
    if key in _CACHE:
        return _CACHE[key]
    began = time.process_time()
    fewest = math.ceil(lap_limit(shape, car, "standing", band=band).lap_time / car.dt - 1e-9)
    steps, best = fewest, None
    while best is None and steps <= 1.1 * fewest:  # the fewest steps in which a lap is found…
        best = _attempt(shape, car, steps, _sampled_limit(shape, car, steps, band), band, rounds=4)
        steps += best is None
    if best is None:
        raise GymlabError(f"no step-by-step lap found on {shape.name}: IPOPT did not converge")
    while steps > 1:  # …then one step fewer while the lap minus its last step still finishes
        shorter = _attempt(shape, car, steps - 1, (best[0][:, :-1], best[1][:, :-1]), band, rounds=2)
        if shorter is None:
            break
        steps, best = steps - 1, shorter
    states, commands, _ = best
    plan = StepLap(
        track=shape.name, states=states.T, curvature=commands[0], accel=commands[1],
        progress=_locate_path(shape, states[:2].T)[0], steps=steps, lap_time=steps * car.dt,
        solve_cpu_s=time.process_time() - began,
    )  # fmt: skip
    _CACHE[key] = plan
    return plan


class NoLapFound(GymlabError):
    """:func:`action_lap` kept no state that completes the lap."""


@dataclass
class ActionLap:
    """A lap of a discrete action set found by :func:`action_lap`: the action index of each step."""

    track: str
    actions: list[int]
    steps: int
    lap_time: float
    beam: int
    search_cpu_s: float


def check_cell(cell, what: str = "cell") -> None:
    """A beam-search merge cell is three sizes > 0: lateral offset (m), speed (m/s), heading (rad)."""
    if len(cell) != 3 or not all(size > 0 for size in cell):
        raise GymlabError(f"{what} takes three sizes > 0 (offset m, speed m/s, heading rad), got {cell!r}")


def action_lap(
    track: str | Track = "reinvent",
    actions="racing",
    car: CarSpec | None = None,
    beam: int = 3000,
    cell: tuple[float, float, float] = (0.03, 0.1, 0.05),
) -> ActionLap:
    """The fastest lap found for a discrete action set from the start line: beam search in the env itself.

    Step by step, every kept state tries every action (:meth:`TrackRacerEnv.drive`: the env's
    own dynamics and episode rules); states whose episode ends other than by a lap are dropped;
    the rest are merged into cells of (lateral offset, speed, heading error), ``cell`` giving
    their sizes in m, m/s and rad, keeping the one furthest along the track; the ``beam``
    furthest cells go on. The first step at which a state completes the lap is the lap. A
    search, not a proof: a wider beam may find a faster lap. Cost ≈ beam × actions × steps
    :meth:`~gymlab.envs.track_racer.TrackRacerEnv.drive` calls (≈ 7 µs each).
    """
    from gymlab.envs.track_racer import TrackRacerEnv

    if not isinstance(beam, int) or beam < 1:
        raise GymlabError(f"beam must be a whole number ≥ 1 of states kept per step, got {beam!r}")
    check_cell(cell)
    began = time.process_time()
    env = TrackRacerEnv(track=track, actions=actions, car=car or CarSpec(), reward="progress")
    env.reset(options={"start": "line"})
    size_offset, size_speed, size_heading = cell
    kept = [(env.clone_state(), ())]
    for step in range(1, env.max_steps + 1):
        cells: dict[tuple[int, int, int], tuple[float, tuple, tuple]] = {}
        for state, history in kept:
            for action in range(env.action_space.n):
                env.restore_state(state)
                status = env.drive(action)
                if status == "lap_complete":
                    return ActionLap(
                        track=env.track.name, actions=[*history, action], steps=step,
                        lap_time=step * env.car.spec.dt, beam=beam,
                        search_cpu_s=time.process_time() - began,
                    )  # fmt: skip
                if status != "in_progress":
                    continue
                key = (
                    round(env.lateral_offset / size_offset),
                    round(env.car.speed / size_speed),
                    round(env.heading_error / size_heading),
                )
                if key not in cells or cells[key][0] < env.progress:
                    cells[key] = (env.progress, env.clone_state(), (*history, action))
        if not cells:
            break
        furthest = sorted(cells.values(), key=lambda entry: -entry[0])[:beam]
        kept = [(state, history) for _, state, history in furthest]
    raise NoLapFound(
        f"no lap found on {env.track.name} with a beam of {beam}: widen the beam, or these actions cannot lap it"
    )


class PlannedPath:
    """A path to track: nodes (x, y, heading, speed) joined by arcs of constant curvature.

    ``length[i]``: arc length of segment i (node i → i + 1); heading grows linearly along it
    (curvature = Δheading / length) and speed² too (constant acceleration). From a
    :class:`StepLap` each segment is one control step, so a car exactly on node k that asks
    for :meth:`command` gets step k's planned command back. ``periodic``: the last node
    joins the first (a flying lap); otherwise the plan ends at its last node.
    """

    def __init__(self, xy, heading, speed, length, periodic: bool) -> None:
        self.x, self.y = [float(v) for v in xy[:, 0]], [float(v) for v in xy[:, 1]]
        self.heading = [float(v) for v in np.unwrap(heading)]
        self.speed2 = [float(v) ** 2 for v in speed]
        self.start = [0.0, *np.cumsum(length).tolist()]  # arc length at each node
        self.n = len(self.x)
        self.periodic = periodic
        self.lap_turn = self.heading[-1] - self.heading[0] if periodic else 0.0  # ±2π on a loop
        self.index = 0  # segment of the last fix: the search starts there

    @classmethod
    def from_step_lap(cls, plan: StepLap, car: CarSpec) -> PlannedPath:
        speed = plan.states[:, 3]
        length = 0.5 * (speed[1:] + speed[:-1]) * car.dt  # the arc each step drives
        return cls(plan.states[:, :2], plan.states[:, 2], speed, length, periodic=False)

    @classmethod
    def from_line(cls, line) -> PlannedPath:
        """A flying lap's :class:`~gymlab.envs.raceline.RaceLine` (its last node repeats the first)."""
        xy = line.xy
        chord = np.diff(xy, axis=0)
        direction = np.unwrap(np.arctan2(chord[:, 1], chord[:, 0]))
        heading = np.append(
            direction, direction[0] + 2 * np.pi * round((direction[-1] - direction[0]) / (2 * np.pi))
        )
        return cls(xy, heading, line.speed, np.hypot(*chord.T), periodic=True)

    def locate(self, x: float, y: float) -> tuple[float, float, float]:
        """(arc length, metres left of the path, path heading) where (x, y) projects on the path."""
        best = None
        last = self.n - 2
        for step in range(-8, 25):  # a window around the last fix
            i = self.index + step
            i = i % (last + 1) if self.periodic else min(max(i, 0), last)
            x0, y0, x1, y1 = self.x[i], self.y[i], self.x[i + 1], self.y[i + 1]
            dx, dy = x1 - x0, y1 - y0
            span = dx * dx + dy * dy
            f = min(max(((x - x0) * dx + (y - y0) * dy) / span, 0.0), 1.0) if span > 0 else 0.0
            px, py = x0 + f * dx - x, y0 + f * dy - y
            distance = px * px + py * py
            if best is None or distance < best[0]:
                best = (
                    distance,
                    i,
                    f,
                    (dx * (y - y0) - dy * (x - x0)) / math.sqrt(span) if span > 0 else 0.0,
                )
        _, i, f, left = best
        self.index = i
        s = self.start[i] + f * (self.start[i + 1] - self.start[i])
        return s, left, self.heading_at(s)

    def _segment(self, s: float) -> tuple[int, float]:
        """Segment holding arc length ``s`` and the offset into it (wraps when periodic, clamps otherwise)."""
        total = self.start[-1]
        s = s % total if self.periodic else min(max(s, 0.0), total)
        i = min(max(int(np.searchsorted(self.start, s, side="right")) - 1, 0), self.n - 2)
        return i, s - self.start[i]

    def heading_at(self, s: float) -> float:
        i, into = self._segment(s)
        turns = self.lap_turn * (s // self.start[-1]) if self.periodic else 0.0
        span = self.start[i + 1] - self.start[i]
        f = into / span if span > 0 else 0.0
        return self.heading[i] + f * (self.heading[i + 1] - self.heading[i]) + turns

    def command(self, s: float, speed: float, dt: float) -> tuple[float, float]:
        """(curvature, speed) that drive one step of ``dt`` s along the plan from arc length ``s`` at ``speed``.

        The end speed v₁ solves v₁² = v²(s + (speed + v₁)·dt/2) with v² linear in arc length
        on each segment (a quadratic per segment); the curvature is the heading change over
        the distance driven.
        """
        i, into = self._segment(s)
        for _ in range(self.n):
            span = self.start[i + 1] - self.start[i]
            slope = (self.speed2[i + 1] - self.speed2[i]) / span if span > 0 else 0.0
            c = self.speed2[i] + slope * (into + 0.5 * speed * dt)
            b = 0.5 * slope * dt
            end_speed = 0.5 * (b + math.sqrt(max(b * b + 4 * c, 0.0)))
            end = into + 0.5 * (speed + end_speed) * dt
            last = i == self.n - 2 and not self.periodic
            if end <= span + 1e-12 or last:
                break
            into -= span
            i = (i + 1) % (self.n - 1)
        distance = max(0.5 * (speed + end_speed) * dt, 1e-6)
        return (self.heading_at(s + distance) - self.heading_at(s)) / distance, end_speed
