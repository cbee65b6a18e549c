"""Driving baselines for TrackRacer: pure pursuit (strong) and one-step greedy (the foil).

* :class:`PurePursuit` — the classic path tracker: steer toward a point on the centre line
  a look-ahead distance ahead, with a speed profile planned from the track's curvature and
  the car's grip and braking limits. Its two parameters are tuned per track by a small
  search, so it is the honest, strong baseline learned agents have to beat.
* :class:`OneStepGreedy` — simulates every action for one step and takes the one with the
  highest immediate reward: it shows why maximising the *next* reward is not maximising the
  return (it happily drives slowly along the centre line, or off a cliff it cannot see).

:func:`evaluate_trials` runs DeepRacer-style evaluation trials (start line, one lap) for
any agent, learned or not.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import gymnasium as gym
import numpy as np

from gymlab.agents.base import Agent, rollout


def evaluate_trials(env: gym.Env, agent: Agent, episodes: int = 3, seed: int = 0) -> list[dict[str, Any]]:
    """DeepRacer-style evaluation: ``episodes`` trials from the start line, one row per trial.

    Each row: ``progress`` (%), ``lap_time`` (s), ``status`` (``lap_complete``,
    ``off_track``, ``reversed``, ``immobilized``, ``time_up``), ``off_track_count``, ``steps``,
    ``above_limit_percent`` (a complete lap against the lap-time limit in whole steps,
    :func:`gymlab.envs.raceline.env_limit`; None for an unfinished lap or without CasADi).
    Trial ``k`` resets with ``seed + k`` and ``options={"start": "line"}``.
    """
    from gymlab.envs.raceline import above_limit_percent, env_limit

    limit = env_limit(env)
    trials = []
    for k in range(episodes):
        episode = rollout(env, agent, seed=seed + k, options={"start": "line"})
        info = episode.info
        trials.append(
            {
                "progress": round(float(info["progress"]), 2),
                "lap_time": round(float(info["lap_time"]), 3),
                "status": info["status"],
                "off_track_count": int(info["off_track_count"]),
                "steps": episode.steps,
                "above_limit_percent": above_limit_percent(float(info["lap_time"]), limit)
                if info["status"] == "lap_complete" and limit is not None
                else None,
            }
        )
    return trials


def speed_profile(track, top_speed: float, grip: float, brake: float) -> np.ndarray:
    """Fastest speed at each dense point of ``track`` under the grip and braking limits.

    Corner limit v ≤ √(grip / |κ|) (lateral acceleration v²κ ≤ grip, κ the largest curvature
    within ±0.3 m), then a backward pass so the car can always brake in time:
    v[i] ≤ √(v[i+1]² + 2·brake·Δs). The loop is swept twice to carry braking across the start line.
    """
    window = max(int(0.3 / track.spacing), 1)
    kappa = np.abs(track.curvature)
    kappa = np.max([np.roll(kappa, k) for k in range(-window, window + 1)], axis=0)
    v = np.minimum(top_speed, np.sqrt(grip / np.maximum(kappa, 1e-9)))
    n, step = len(v), 2 * brake * track.spacing
    for i in range(2 * n - 1, -1, -1):
        a, b = i % n, (i + 1) % n
        v[a] = min(v[a], math.sqrt(v[b] ** 2 + step))
    return v


def ideal_lap_time(points: np.ndarray, spec, top_speed: float | None = None) -> float:
    """Lap time (s) of a closed path driven at the fastest speed the car's limits allow.

    Speed at each point ≤ √(grip / |κ|); then backward (braking) and forward (acceleration)
    passes, twice round the loop; time = Σ Δs / v. A physics bound: no controller, no
    discrete actions.
    """
    segment = np.roll(points, -1, axis=0) - points
    ds = np.hypot(segment[:, 0], segment[:, 1])
    angle = np.arctan2(segment[:, 1], segment[:, 0])
    kappa = np.abs(np.angle(np.exp(1j * (angle - np.roll(angle, 1))))) / ds
    v = np.minimum(top_speed or spec.max_speed, np.sqrt(spec.grip / np.maximum(kappa, 1e-9)))
    n = len(v)
    for _ in range(2):
        for i in range(n - 1, -1, -1):
            v[i] = min(v[i], math.sqrt(v[(i + 1) % n] ** 2 + 2 * spec.brake * ds[i]))
        for i in range(n):
            v[(i + 1) % n] = min(v[(i + 1) % n], math.sqrt(v[i] ** 2 + 2 * spec.accel * ds[i]))
    return float(np.sum(ds / v))


def smoothed_line(track, clearance: float = 0.12, iterations: int = 3000) -> np.ndarray:
    """A racing-line sketch: the centre line smoothed within the borders (dense points).

    Each point may move sideways along the track normal; every iteration pulls it halfway
    toward the midpoint of its neighbours (less curvature), then clamps it ``clearance``
    metres inside the borders. Wider bends allow more speed under the grip limit.
    """
    normal = np.stack([-track.tangent[:, 1], track.tangent[:, 0]], axis=1)
    low, high = -(track.right_width - clearance), track.left_width - clearance
    offset = np.zeros(track.n)
    for _ in range(iterations):
        line = track.center + normal * offset[:, None]
        pull = 0.5 * (np.roll(line, 1, axis=0) + np.roll(line, -1, axis=0)) - line
        offset = np.clip(offset + 0.5 * np.sum(pull * normal, axis=1), low, high)
    return track.center + normal * offset[:, None]


class PurePursuit(Agent):
    """Pure pursuit on the centre line with a curvature-, grip- and braking-aware speed profile.

    Steering: the target is the centre-line point ``lookahead + gain·speed`` metres ahead;
    pure pursuit steers along the circle through the car and the target,
    κ = 2·sin(α)/distance, δ = atan(κ·wheelbase). Speed: :func:`speed_profile` with the
    car's grip scaled by ``grip_margin`` (< 1 leaves room for tracking errors; > 1 is
    allowed because the curvature is measured conservatively, as the maximum within ±0.3 m), read a
    little ahead of the car.

    Left as ``None``, ``lookahead`` and ``grip_margin`` are tuned for each track and
    action set on its first episode: the fastest clean lap (100 %, never off track) from a
    small grid. Results are cached, so later episodes and agents start at once.
    """

    name = "pure-pursuit"
    LOOKAHEADS = (0.25, 0.35, 0.5, 0.7, 0.9, 1.2)
    GRIP_MARGINS = (2.5, 2.2, 2.0, 1.8, 1.6, 1.45, 1.3, 1.15, 1.0, 0.85, 0.7, 0.55, 0.4)
    _tuned: dict[tuple, tuple[float, float]] = {}

    def __init__(
        self, lookahead: float | None = None, grip_margin: float | None = None, gain: float = 0.1
    ) -> None:
        self.lookahead = lookahead
        self.grip_margin = grip_margin
        self.gain = gain
        self._plan_key: tuple | None = None
        self._profile: list[float] = []

    def reset(self, env: gym.Env) -> None:
        env = env.unwrapped
        if self.lookahead is None or self.grip_margin is None:
            self.lookahead, self.grip_margin = self.tune(env)
        self._plan(env)

    def _plan(self, env) -> None:
        spec = env.car.spec
        top = spec.max_speed if env.continuous else max(v for _, v in env.actions)
        key = (id(env.track), top, self.grip_margin)
        if key != self._plan_key:
            self._profile = speed_profile(env.track, top, spec.grip * self.grip_margin, spec.brake).tolist()
            self._plan_key = key

    def act(self, observation: Any, env: gym.Env) -> Any:
        env = env.unwrapped
        car, track = env.car, env.track
        if self._plan_key is None:
            self._plan(env)
        s = env.arc_length
        reach = self.lookahead + self.gain * car.speed
        tx, ty, _ = track.point_at(s + reach)
        dx, dy = tx - car.x, ty - car.y
        alpha = math.atan2(dy, dx) - car.yaw  # target direction in the car's frame
        distance = max(math.hypot(dx, dy), 1e-6)
        curvature = 2 * math.sin(alpha) / distance
        steering = car.spec.steering_for(curvature)
        steering = min(max(steering, -car.spec.max_steering), car.spec.max_steering)
        ahead = s + car.speed * car.spec.dt * 2  # the command acts over the next steps
        index = int(ahead % track.length / track.spacing) % track.n
        return env.action_for(steering, self._profile[index])

    @classmethod
    def tune(cls, env) -> tuple[float, float]:
        """(lookahead, grip_margin) giving the fastest clean lap of ``env``'s track, cached."""
        spec = env.car.spec
        steering = {"continuous": env.continuous, "steering_rate": env.steering_rate,
                    "grip_steering": env.grip_steering}  # what an action means  # fmt: skip
        key = (env.track.name, round(env.track.length, 6), tuple(env.actions), *steering.values(), spec)
        if key in cls._tuned:
            return cls._tuned[key]
        from gymlab.envs.track_racer import TrackRacerEnv

        trial_env = TrackRacerEnv(
            track=env.track,
            reward="follow_center_line",
            actions=env.actions,
            car=spec,
            **steering,
        )
        best = (math.inf, cls.LOOKAHEADS[0], cls.GRIP_MARGINS[-1])
        for lookahead in cls.LOOKAHEADS:
            for margin in cls.GRIP_MARGINS:
                info = rollout(trial_env, cls(lookahead, margin), options={"start": "line"}).info
                if info["status"] == "lap_complete" and info["off_track_count"] == 0:
                    best = min(best, (info["lap_time"], lookahead, margin))
        cls._tuned[key] = (best[1], best[2])
        return cls._tuned[key]


class OneStepGreedy(Agent):
    """Takes the action with the highest immediate reward, found by simulating one step of each.

    The env's :meth:`~gymlab.envs.track_racer.TrackRacerEnv.peek` clones the state, steps, scores
    the reward and restores. Continuous envs are searched over a 5 × 5 grid of commands.
    Ties go to the first action in the table. No look-ahead beyond one step: the lesson's foil.
    """

    name = "greedy"

    def act(self, observation: Any, env: gym.Env) -> Any:
        env = env.unwrapped
        if env.continuous:
            grid = np.linspace(-1, 1, 5)
            candidates = [np.array([s, v], dtype=np.float32) for s in grid for v in grid]
        else:
            candidates = range(env.action_space.n)
        best_action, best_reward = None, -math.inf
        for action in candidates:
            reward, _ = env.peek(action)
            if reward > best_reward:
                best_action, best_reward = action, reward
        return best_action


class RacelineTracker(Agent):
    """The classical champion: the fastest lap planned on the car's own model, then tracked.

    **Plan** (once per track and car). From the start line at rest: :func:`step_lap`, the
    env's own minimum-time lap in whole steps (discrete-time optimal control of the car's
    exact dynamics, within the legal band). From anywhere else: the flying lap of the
    point-mass limit, :func:`gymlab.envs.raceline.lap_limit`, for a car with ``grip_margin``
    of the grip inside the track's borders (room for the feedback).

    **Track** (each step): find where the car projects on the planned path (arc length σ,
    lateral error e, heading error θ); feed forward the plan's curvature over the distance
    the step drives and its speed at the step's end (:meth:`PlannedPath.command`), and feed
    back κ = κ_plan − e/L² − 2θ/L (critically damped, L = ``preview`` m); the friction circle
    caps the curvature the speed change leaves. On the plan, the feedback is zero and the car
    drives the plan's commands exactly.

    **Discrete actions** (``racing``, ``deepracer``, custom lists) cannot command the plan
    exactly, so they track a plan kept ``discrete_band`` m beyond the borders (not the legal
    0.07 m: room to wobble) or 5 cm narrower — or fall back to pure pursuit, whichever laps
    fastest in a rehearsal on a private copy of the env: each step every action is simulated
    on a copy of the car and scored by how far its turn and speed miss the wanted ones (speed
    errors weighted by each of ``speed_weights`` in turn, overshooting the plan's speed 4×
    falling short), so understeer and scrub are priced in.
    """

    name = "raceline"

    def __init__(
        self,
        preview: float = 0.8,
        speed_weights: tuple[float, ...] = (0.15, 0.7),
        grip_margin: float = 0.97,
        discrete_band: float = 0.0,
    ) -> None:
        self.discrete_band = discrete_band
        self.preview = preview
        self.speed_weights = tuple(speed_weights)
        self.speed_weight = self.speed_weights[0]  # the one in use (the rehearsal picks it)
        self.grip_margin = grip_margin
        self._key: tuple | None = None
        self._fallback: PurePursuit | None = None

    def reset(self, env: gym.Env) -> None:
        from gymlab.agents.lap_plan import PlannedPath, step_lap
        from gymlab.envs.car import Car
        from gymlab.envs.raceline import LEGAL_BAND, lap_limit

        env = env.unwrapped
        track, spec = env.track, env.car.spec
        standing = env.arc_length < 1e-6 and env.car.speed == 0.0 and abs(env.lateral_offset) < 1e-6
        key = (id(track), spec, standing, env.continuous, tuple(env.actions))
        if key != self._key:
            self._fallback, self.speed_weight = None, self.speed_weights[0]  # until a rehearsal picks one
            if standing and env.continuous:
                self._path = PlannedPath.from_step_lap(step_lap(track, spec, LEGAL_BAND), spec)
            elif standing:
                self._rehearse(track, spec, env.actions)
            else:
                slower = replace(spec, grip=spec.grip * self.grip_margin)
                self._path = PlannedPath.from_line(lap_limit(track, slower, "flying", band=0.0))
            self._key = key
        if self._fallback is not None:
            self._fallback.reset(env)
        else:
            self._path.index = 0 if standing else self._nearest_node(env.car)
        self._car = Car(spec)

    def _rehearse(self, track, spec, actions) -> None:
        """Discrete actions: test-drive each candidate on a private copy of the env, keep the fastest.

        Candidates: the plan in ``discrete_band`` and 5 cm narrower, each tracked with every one
        of ``speed_weights``, then pure pursuit (whose speed profile is cautious enough for any
        track). The fastest clean lap wins, so the champion is never slower than pure pursuit.
        """
        from gymlab.agents.lap_plan import PlannedPath, step_lap
        from gymlab.envs.car import Car
        from gymlab.envs.errors import GymlabError
        from gymlab.envs.track_racer import TrackRacerEnv

        rehearsal = TrackRacerEnv(track=track, actions=list(actions), car=spec, reward="progress")
        candidates = []
        for band in (self.discrete_band, self.discrete_band - 0.05):
            try:
                path = PlannedPath.from_step_lap(step_lap(track, spec, band), spec)
            except GymlabError:  # no lap in so narrow a band
                break
            candidates += [(path, weight) for weight in self.speed_weights]
        candidates.append(PurePursuit())
        best = (math.inf, candidates[-1])
        for candidate in candidates:
            self._use(candidate)
            self._car = Car(spec)
            observation, info = rehearsal.reset(options={"start": "line"})
            if self._fallback is not None:
                self._fallback.reset(rehearsal)
            else:
                self._path.index = 0
            for _ in range(rehearsal.max_steps):
                observation, _, terminated, truncated, info = rehearsal.step(self.act(observation, rehearsal))
                if terminated or truncated:
                    break
            if (
                info["status"] == "lap_complete"
                and info["off_track_count"] == 0
                and info["lap_time"] < best[0]
            ):
                best = (info["lap_time"], candidate)
        rehearsal.close()
        self._use(best[1])

    def _use(self, candidate) -> None:
        """Drive by ``candidate``: (a planned path to track, its speed weight), or pure pursuit to fall back on."""
        if isinstance(candidate, PurePursuit):
            self._path, self._fallback = None, candidate
        else:
            (self._path, self.speed_weight), self._fallback = candidate, None

    def _nearest_node(self, car) -> int:
        path = self._path
        return int(np.argmin((np.asarray(path.x) - car.x) ** 2 + (np.asarray(path.y) - car.y) ** 2))

    def act(self, observation: Any, env: gym.Env) -> Any:
        if self._fallback is not None:
            return self._fallback.act(observation, env)
        env = env.unwrapped
        car, spec = env.car, env.car.spec
        s, error, heading = self._path.locate(car.x, car.y)
        theta = (car.yaw - heading + math.pi) % (2 * math.pi) - math.pi
        kappa, speed = self._path.command(s, car.speed, spec.dt)
        kappa -= error / self.preview**2 + 2 * theta / self.preview
        speed = min(max(speed, car.speed - spec.brake * spec.dt), car.speed + spec.accel * spec.dt)
        mean = max(0.5 * (car.speed + speed), 0.1)  # the speed the env judges the grip at
        spare = math.sqrt(max(spec.grip**2 - ((speed - car.speed) / spec.dt) ** 2, 0.0))
        cap = max(spare, 0.3 * spec.grip) / (mean * mean)  # the friction circle's room for turning
        kappa = min(max(kappa, -cap), cap)
        if env.continuous:
            steering = spec.steering_for(kappa)
            return env.action_for(min(max(steering, -spec.max_steering), spec.max_steering), speed)
        return self._closest_action(env, kappa, speed)

    def _closest_action(self, env, kappa: float, speed: float) -> int:
        """The discrete action whose simulated step best matches the wanted turn and end speed."""
        car = env.car
        state, best, choice = car.state(), math.inf, 0
        probe = self._car
        travel = max(0.5 * (car.speed + speed), 0.3) * car.spec.dt
        want_turn = kappa * travel
        for k, (steer, target) in enumerate(env.actions):
            probe.restore(state)
            moved = probe.step(steer, target)
            turn = (probe.yaw - state[2] + math.pi) % (2 * math.pi) - math.pi
            gap = probe.speed - speed
            cost = ((turn - want_turn) / max(travel, 1e-3)) ** 2 + self.speed_weight * (
                (4.0 if gap > 0 else 1.0) * gap * gap
            )
            cost -= 1e-3 * moved
            if cost < best:
                best, choice = cost, k
        return choice


COMMAND_LEAD = 0.3  # s: a raceline:K action commands the speed the line reaches this much later


def raceline_actions(track, k: int, car=None, seed: int = 0) -> list[tuple[float, float]]:
    """K discrete actions for the limit line: k-means over the commands that drive it.

    At each node of the flying-lap limit a driver steers atan(κ·wheelbase). An action's
    speed is a *target* the car approaches at its accel/brake caps, so the command is the
    speed the line reaches :data:`COMMAND_LEAD` s later: the actions then brake before a
    bend, not in it (with the node's own speed no action brakes in a straight line, and no
    driver laps ``reinvent``; 0.2 and 0.4 s lapped fewer tracks than 0.3, measured).
    :func:`gymlab.agents.clustering.kmeans` groups the pairs (scaled by the car's ranges so
    degrees and m/s weigh alike) and the K centres are the action table — the DeepRacer
    community's recipe for an action space that fits the track.
    """
    from gymlab.agents.clustering import kmeans
    from gymlab.envs.car import CarSpec
    from gymlab.envs.errors import GymlabError
    from gymlab.envs.raceline import lap_limit
    from gymlab.envs.tracks import get_track

    car = car or CarSpec()
    if not 1 <= int(k) <= 64:
        raise GymlabError(f"raceline:K needs 1 ≤ K ≤ 64 actions, got {k}")
    line = lap_limit(get_track(track), car, "flying")
    steering = np.degrees(np.arctan(line.curvature * car.wheelbase))
    steering = np.clip(steering, -car.max_steering, car.max_steering)
    commanded = np.interp((line.time + COMMAND_LEAD) % line.lap_time, line.time, line.speed)
    scale = np.array([car.max_steering, car.max_speed])
    result = kmeans(np.column_stack([steering, commanded]) / scale, int(k), seed=seed)
    centres = sorted((round(float(a), 2), round(float(b), 2)) for a, b in result.centers * scale)
    return [(steer, min(max(speed, car.min_speed), car.max_speed)) for steer, speed in centres]


def resolve_actions(actions, track, reverse: bool = False, car=None):
    """An env ``actions`` argument with ``"raceline:K"`` expanded into its action list (others unchanged)."""
    if isinstance(actions, str) and actions.startswith("raceline:"):
        from gymlab.envs.errors import GymlabError
        from gymlab.envs.tracks import get_track

        try:
            k = int(actions.split(":", 1)[1])
        except ValueError:
            raise GymlabError(
                f"actions {actions!r}: write raceline:K with a whole number K, e.g. raceline:12"
            ) from None
        return raceline_actions(get_track(track, reverse=reverse), k, car)
    return actions


AGENTS = {"pure-pursuit": PurePursuit, "raceline": RacelineTracker, "greedy": OneStepGreedy}
