"""The lap-time limit: the minimum-time line and speed profile of the car's own physics.

A point mass with the car's limits — friction circle √(a_lon² + (v²κ)²) ≤ grip, accel/brake
caps, top speed, κ ≤ tan(max steering)/wheelbase — drives a line chosen freely inside the
legal band. Minimum-lap-time problem as a nonlinear program on centre-line nodes (as in
TUMFTM's global_racetrajectory_optimization), in three steps:

* **prepare** (:func:`prepare_nodes`): nodes every ``spacing`` metres along the centre line,
  each with its normal and the band the car's centre may use (half-width + ``band``);
* **optimise** (:func:`solve_nlp`): variables are the lateral offset nᵢ and speed vᵢ at each
  node; curvature from three points (Menger, unbiased on uneven spacing), time
  Σ 2Δsᵢ/(vᵢ + vᵢ₊₁); solved by IPOPT through CasADi (exact derivatives). A coarse
  scipy-only solve of the same program (:func:`solve_scipy`, SLSQP) cross-checks it;
* **velocity profile** (:func:`speed_profile`): forward–backward passes for a fixed path
  under the same limits (the starting guess, and a check of any line).

Two laps: **standing** (from rest on the start line, timed like the env's evaluation trials)
and **flying** (periodic: arriving at the line at speed). Two bands: the **legal** band
(half-width + 0.07 m, the car's centre may pass the border while a wheel is on the track)
and the **hard bound** (half-width + 0.122 m, the most any heading allows: no legal lap is
faster). :func:`lap_limit` caches results in memory per (track, car, lap, band, spacing).
"""

from __future__ import annotations

import importlib.util
import math
import time
from dataclasses import dataclass, field, replace

import numpy as np

from gymlab.envs.car import CarSpec
from gymlab.envs.errors import GymlabError
from gymlab.envs.tracks import Track, get_track

LEGAL_BAND = 0.07  # m beyond the border the car's centre may go (wheels still on: 0.09 at 0°)
HARD_BAND = math.hypot(0.165 / 2, 0.18 / 2)  # 0.122 m: the widest any heading allows
NODE_SPACING = 0.2  # m between nodes (halving it changes the lap time by < 0.1 %)
LAPS = ("standing", "flying")


@dataclass
class RaceLine:
    """A line and its speed profile at ``len(s)`` nodes; the last node is the finish (= start).

    ``s``: centre-line arc length (m, 0..length); ``offset``: m left of the centre line;
    ``xy``: (nodes, 2) positions; ``speed`` (m/s); ``curvature`` (1/m, + = left);
    ``time``: s since the start at each node; ``lap_time`` (s).
    """

    track: str
    lap: str
    band: float
    s: np.ndarray
    offset: np.ndarray
    xy: np.ndarray
    speed: np.ndarray
    curvature: np.ndarray
    time: np.ndarray
    lap_time: float
    solve_seconds: float
    solver: str
    extra: dict = field(default_factory=dict)

    def steps_lap_time(self, dt: float = 1 / 15) -> float:
        """The lap time in whole control steps (the env ends a lap on the first step past the line)."""
        return math.ceil(self.lap_time / dt - 1e-9) * dt

    def speed_at(self, s: float) -> float:
        """Planned speed (m/s) where the car projects at arc length ``s`` (linear between nodes)."""
        return float(np.interp(s % self.s[-1], self.s, self.speed))


# -- prepare ------------------------------------------------------------------------------


@dataclass
class Nodes:
    """Centre-line nodes: arc length, position, unit normal (left), band limits (m)."""

    s: np.ndarray
    center: np.ndarray
    normal: np.ndarray
    low: np.ndarray  # most negative offset (right)
    high: np.ndarray  # largest offset (left)
    length: float


def prepare_nodes(
    track: Track, spacing: float = NODE_SPACING, band: float = LEGAL_BAND, start: float = 0.0
) -> Nodes:
    """Nodes every ≈ ``spacing`` m from arc length ``start`` (periodic; linear interpolation)."""
    if spacing <= 0 or spacing > track.length / 8:
        raise GymlabError(f"node spacing must be in (0, {track.length / 8:.2f}] m, got {spacing}")
    n = max(int(round(track.length / spacing)), 8)
    s = (start + np.arange(n) * track.length / n) % track.length
    grid = np.append(track.s, track.length)

    def periodic(values):
        return np.interp(s, grid, np.append(values, values[:1]))

    center = np.stack([periodic(track.center[:, 0]), periodic(track.center[:, 1])], axis=1)
    angle = np.unwrap(track.angle)
    angle = np.interp(
        s, grid, np.append(angle, angle[0] + 2 * np.pi * round((angle[-1] - angle[0]) / (2 * np.pi)))
    )
    normal = np.stack([-np.sin(angle), np.cos(angle)], axis=1)
    low, high = band_limits(
        periodic(track.curvature), periodic(track.left_width), periodic(track.right_width), band
    )
    return Nodes(s=np.arange(n) * track.length / n, center=center, normal=normal, low=low, high=high,
                 length=track.length)  # fmt: skip


def band_limits(kappa, left_width, right_width, band: float) -> tuple[np.ndarray, np.ndarray]:
    """Legal lateral offsets (right < 0, left > 0) where the centre line curves by ``kappa``.

    Half-width + ``band`` on each side; on the inside of a bend no further than 95 % of the
    local radius, where the bend's normals meet.
    """
    kappa = np.asarray(kappa)
    reach = 0.95 / np.maximum(np.abs(kappa), 1e-9)
    high, low = np.asarray(left_width) + band, -(np.asarray(right_width) + band)
    return np.where(kappa < 0, np.maximum(low, -reach), low), np.where(
        kappa > 0, np.minimum(high, reach), high
    )


# -- velocity profile ---------------------------------------------------------------------


def path_geometry(xy: np.ndarray, closed: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Segment lengths Δsᵢ = |pᵢ₊₁ − pᵢ| and three-point (Menger) curvature at each point.

    κ = 2·(a × b) / (|a|·|b|·|a + b|) with a = pᵢ − pᵢ₋₁, b = pᵢ₊₁ − pᵢ (signed, + = left).
    """
    nxt = np.roll(xy, -1, axis=0)
    prv = np.roll(xy, 1, axis=0)
    a, b = xy - prv, nxt - xy
    la, lb, lc = np.hypot(*a.T), np.hypot(*b.T), np.hypot(*(nxt - prv).T)
    kappa = 2 * (a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0]) / np.maximum(la * lb * lc, 1e-12)
    if not closed:
        kappa[0] = kappa[-1] = 0.0
    return lb, kappa


def speed_profile(
    ds: np.ndarray, kappa: np.ndarray, car: CarSpec, v_start: float | None = None
) -> np.ndarray:
    """Fastest speeds at m = len(ds) + 1 nodes of a path (last node = finish) under the car's limits.

    Corner limit v ≤ min(top, √(grip/|κ|)); backward pass (braking within the grip the corner
    leaves), forward pass (accelerating likewise), vᵢ₊₁² ≤ vᵢ² + 2·a·Δsᵢ. ``v_start`` fixes the
    first speed (0: standing start); None makes the profile periodic (flying lap).
    """
    kappa = np.append(kappa, kappa[:1]) if len(kappa) == len(ds) else kappa
    lateral_cap = np.minimum(car.max_speed, np.sqrt(car.grip / np.maximum(np.abs(kappa), 1e-9)))
    v = lateral_cap.copy()
    m = len(v)

    def spare(i, speed):
        lateral = speed * speed * abs(kappa[i])
        return math.sqrt(max(car.grip * car.grip - lateral * lateral, 0.0))

    for _ in range(2 if v_start is None else 1):
        if v_start is not None:
            v[0] = v_start
        for i in range(m - 2, -1, -1):  # braking
            v[i] = min(v[i], math.sqrt(v[i + 1] ** 2 + 2 * min(car.brake, spare(i + 1, v[i + 1])) * ds[i]))
        if v_start is not None:
            v[0] = v_start
        for i in range(m - 1):  # accelerating
            v[i + 1] = min(v[i + 1], math.sqrt(v[i] ** 2 + 2 * min(car.accel, spare(i, v[i])) * ds[i]))
        if v_start is None:
            v[0] = v[-1] = min(v[0], v[-1])
    return v


def lap_time(ds: np.ndarray, speed: np.ndarray) -> np.ndarray:
    """Cumulative time at each node: Σ 2Δsᵢ/(vᵢ + vᵢ₊₁) (constant acceleration between nodes)."""
    return np.concatenate([[0.0], np.cumsum(2 * ds / np.maximum(speed[:-1] + speed[1:], 1e-9))])


# -- optimise -----------------------------------------------------------------------------


def _casadi():
    try:
        import casadi
    except ImportError:
        raise GymlabError(
            "the lap-time limit needs CasADi (IPOPT); install it with: pip install -e '.[raceline]'"
        ) from None
    return casadi


def _problem(nodes: Nodes, car: CarSpec, lap: str, ops):
    """Objective and constraints of the minimum-time program, written once for CasADi and numpy.

    ``ops`` supplies ``sqrt``, ``concat`` (join 1-D vectors), ``total`` (sum) and the variables ``w``
    (offsets) and ``v`` (speeds) at m nodes; m = n + 1 for a standing lap (node n is the
    finish at the start line, a copy of node 0's geometry) and n for a flying (periodic) lap.
    Returns (time, constraints g, lower bounds, upper bounds) — g as a list of vectors.
    """
    sqrt, concat, add_up, w, v = ops
    cx, cy = nodes.center[:, 0], nodes.center[:, 1]
    nx, ny = nodes.normal[:, 0], nodes.normal[:, 1]
    if lap == "standing":  # node n = the finish line; a virtual point behind the start: straight arrival
        tx, ty = ny[0], -nx[0]
        step = nodes.length / len(cx)
        cx, cy = (
            np.concatenate([[cx[0] - tx * step], cx, [cx[0]]]),
            np.concatenate([[cy[0] - ty * step], cy, [cy[0]]]),
        )
        nx, ny = np.concatenate([[nx[0]], nx, [nx[0]]]), np.concatenate([[ny[0]], ny, [ny[0]]])
        x = cx + nx * concat([w[:1], w])
        y = cy + ny * concat([w[:1], w])
        ax, ay = x[1:-1] - x[:-2], y[1:-1] - y[:-2]  # into node i (i = 0..n-1)
        bx, by = x[2:] - x[1:-1], y[2:] - y[1:-1]  # out of node i
        v_in, v_out = v[:-1], v[1:]
        cxn, cyn = x[2:] - x[:-2], y[2:] - y[:-2]
    else:
        x, y = cx + nx * w, cy + ny * w
        xn, yn = concat([x[1:], x[:1]]), concat([y[1:], y[:1]])
        xp, yp = concat([x[-1:], x[:-1]]), concat([y[-1:], y[:-1]])
        ax, ay, bx, by = x - xp, y - yp, xn - x, yn - y
        cxn, cyn = xn - xp, yn - yp
        v_in, v_out = v, concat([v[1:], v[:1]])
    la, lb, lc = sqrt(ax * ax + ay * ay), sqrt(bx * bx + by * by), sqrt(cxn * cxn + cyn * cyn)
    kappa = 2 * (ax * by - ay * bx) / (la * lb * lc)  # at the segment's start node
    ds = lb
    total = add_up(2 * ds / (v_in + v_out))
    accel = (v_out * v_out - v_in * v_in) / (2 * ds)
    lat_in = v_in * v_in * kappa
    if lap == "standing":
        kappa_out = concat([kappa[1:], kappa[-1:]])  # the finish node has no next node: hold the last
    else:
        kappa_out = concat([kappa[1:], kappa[:1]])
    lat_out = v_out * v_out * kappa_out
    grip2, big = car.grip**2, 1e9
    m = len(cx) - (2 if lap == "standing" else 0)
    g = [accel, lat_in * lat_in + accel * accel, lat_out * lat_out + accel * accel, kappa]
    lower = [np.full(m, -car.brake), np.full(m, -big), np.full(m, -big), np.full(m, -car.max_curvature)]
    upper = [np.full(m, car.accel), np.full(m, grip2), np.full(m, grip2), np.full(m, car.max_curvature)]
    return total, g, lower, upper, kappa, ds


def _start_guess(nodes: Nodes, car: CarSpec, lap: str) -> tuple[np.ndarray, np.ndarray]:
    """A feasible start for the solvers: the centre line and its speed profile under 80 % grip."""
    w = np.zeros(len(nodes.s))
    ds, kappa = path_geometry(nodes.center)
    standing = lap == "standing"
    gentle = replace(car, grip=0.8 * car.grip)
    v = speed_profile(ds, np.minimum(np.abs(kappa), car.max_curvature), gentle, 0.0 if standing else None)
    if standing:
        v[1:] = np.maximum(v[1:], 0.3)
        return np.append(w, 0.0), v
    return w, v[:-1]


def solve_nlp(nodes: Nodes, car: CarSpec, lap: str = "standing", guess=None) -> dict:
    """Minimum-time offsets and speeds at ``nodes`` by IPOPT (CasADi, exact Hessian).

    Returns offsets ``w``, speeds ``v`` (standing: n + 1 values ending at the finish),
    ``lap_time`` and IPOPT's status; raises :class:`GymlabError` if IPOPT fails.
    """
    ca = _casadi()
    w0, v0 = guess if guess is not None else _start_guess(nodes, car, lap)
    m = len(w0)
    w, v = ca.SX.sym("w", m), ca.SX.sym("v", m)
    ops = (ca.sqrt, lambda parts: ca.vertcat(*parts), ca.sum1, w, v)
    total, g, lower, upper, _, _ = _problem(nodes, car, lap, ops)
    nlp = {"x": ca.vertcat(w, v), "f": total, "g": ca.vertcat(*g)}
    # bound_relax_factor 0: the bounds (legal band, standing start) hold exactly instead of
    # IPOPT's default 1e-8 relaxation — fewer iterations (champ track flying lap: 1204 → 379)
    # and the same optima on every built-in and shared track (benchmarks/bench_raceline.py).
    options = {"ipopt.print_level": 0, "print_time": False, "ipopt.sb": "yes", "ipopt.max_iter": 3000,
               "ipopt.tol": 1e-8, "ipopt.bound_relax_factor": 0.0}  # fmt: skip
    solver = ca.nlpsol("raceline", "ipopt", nlp, options)
    if lap == "standing":
        low, high = nodes.low, nodes.high
        w_lo, w_hi = np.append(low, low[0]), np.append(high, high[0])
        w_lo[0] = w_hi[0] = 0.0  # on the centre line at the start
        v_lo, v_hi = np.zeros(m), np.full(m, car.max_speed)
        v_hi[0] = 0.0  # from rest
        v_lo[1:] = 1e-3
    else:
        w_lo, w_hi = nodes.low, nodes.high
        v_lo, v_hi = np.full(m, 1e-3), np.full(m, car.max_speed)
    result = solver(
        x0=np.concatenate([np.clip(w0, w_lo, w_hi), v0]),
        lbx=np.concatenate([w_lo, v_lo]),
        ubx=np.concatenate([w_hi, v_hi]),
        lbg=np.concatenate(lower),
        ubg=np.concatenate(upper),
    )
    status = solver.stats()["return_status"]
    if status not in ("Solve_Succeeded", "Solved_To_Acceptable_Level"):
        raise GymlabError(f"IPOPT could not find the minimum-time line ({status}); try another node spacing")
    x = np.asarray(result["x"]).ravel()
    return {"w": x[:m], "v": x[m:], "lap_time": float(result["f"]), "status": status}


def solve_scipy(nodes: Nodes, car: CarSpec, lap: str = "standing") -> dict:
    """The same program with scipy's SLSQP (finite differences): slow, so for coarse nodes only."""
    from scipy.optimize import minimize

    w0, v0 = _start_guess(nodes, car, lap)
    m = len(w0)

    def split(x):
        return x[:m], x[m:]

    def parts(x):
        w, v = split(x)
        return _problem(nodes, car, lap, (np.sqrt, np.concatenate, np.sum, w, v))

    def objective(x):
        return float(parts(x)[0])

    def constraints(x):
        _, g, lower, upper, _, _ = parts(x)
        g = np.concatenate(g)
        lo, hi = np.concatenate(lower), np.concatenate(upper)
        return np.concatenate([g - lo, hi - g])

    if lap == "standing":
        w_lo, w_hi = np.append(nodes.low, nodes.low[0]), np.append(nodes.high, nodes.high[0])
        w_lo[0] = w_hi[0] = 0.0
        v_lo, v_hi = np.full(m, 1e-3), np.full(m, car.max_speed)
        v_lo[0] = v_hi[0] = 0.0
    else:
        w_lo, w_hi = nodes.low, nodes.high
        v_lo, v_hi = np.full(m, 1e-3), np.full(m, car.max_speed)
    bounds = list(zip(np.concatenate([w_lo, v_lo]), np.concatenate([w_hi, v_hi]), strict=True))
    x0 = np.concatenate([np.clip(w0, w_lo, w_hi), v0])
    result = minimize(objective, x0, method="SLSQP", bounds=bounds,
                      constraints=[{"type": "ineq", "fun": constraints}], options={"maxiter": 500, "ftol": 1e-9})  # fmt: skip
    w, v = split(result.x)
    return {
        "w": w,
        "v": v,
        "lap_time": float(result.fun),
        "status": result.message,
        "success": bool(result.success),
    }


# -- the limit ----------------------------------------------------------------------------


def build_line(
    track: Track, nodes: Nodes, lap: str, band: float, solved: dict, seconds: float, solver: str
) -> RaceLine:
    """A :class:`RaceLine` from a solver's offsets and speeds (closed with the finish node)."""
    w, v = solved["w"], solved["v"]
    if lap == "flying":
        w, v = np.append(w, w[0]), np.append(v, v[0])
    center = np.vstack([nodes.center, nodes.center[:1]])
    normal = np.vstack([nodes.normal, nodes.normal[:1]])
    xy = center + normal * w[:, None]
    if lap == "standing":  # an open path from rest, arriving straight along the start line
        behind = xy[0] - (nodes.length / len(nodes.s)) * np.array([nodes.normal[0, 1], -nodes.normal[0, 0]])
        kappa = path_geometry(np.vstack([behind, xy]), closed=False)[1][1:]
        kappa[-1] = kappa[-2]
    else:
        kappa = np.append(path_geometry(xy[:-1])[1], 0.0)
        kappa[-1] = kappa[0]
    ds = np.hypot(*np.diff(xy, axis=0).T)
    times = lap_time(ds, v)
    return RaceLine(
        track=track.name, lap=lap, band=band, s=np.append(nodes.s, nodes.length), offset=w, xy=xy, speed=v,
        curvature=kappa, time=times,
        lap_time=float(times[-1]), solve_seconds=seconds, solver=solver,
    )  # fmt: skip


_CACHE: dict[tuple, RaceLine] = {}


def lap_limit(
    track: str | Track = "reinvent",
    car: CarSpec | None = None,
    lap: str = "standing",
    band: float = LEGAL_BAND,
    spacing: float = NODE_SPACING,
    reverse: bool = False,
) -> RaceLine:
    """The minimum-time line of ``car`` on ``track`` (cached in memory for this process).

    ``lap``: ``standing`` (from rest, as the env's evaluation trials) or ``flying``;
    ``band``: metres the car's centre may pass the borders (:data:`LEGAL_BAND`, or
    :data:`HARD_BAND` for the hard lower bound).
    """
    if lap not in LAPS:
        raise GymlabError(f"lap must be 'standing' or 'flying', got {lap!r}")
    shape = get_track(track, reverse=reverse)
    car = car or CarSpec()
    key = (shape.name, round(shape.length, 6), round(shape.width, 6), car, lap, round(band, 6), spacing)
    if key not in _CACHE:
        began, began_cpu = time.perf_counter(), time.process_time()
        nodes = prepare_nodes(shape, spacing, band)
        guess = None
        if band > LEGAL_BAND:  # warm start from the legal line: a wider band can only be faster
            legal = lap_limit(shape, car, lap, LEGAL_BAND, spacing)
            m = len(legal.s) - (lap == "flying")
            guess = legal.offset[:m], legal.speed[:m]
        solved = solve_nlp(nodes, car, lap, guess)
        if guess is not None and solved["lap_time"] > legal.lap_time:  # a poor local optimum: restart
            cold = solve_nlp(nodes, car, lap)
            solved = min(solved, cold, key=lambda result: result["lap_time"])
        _CACHE[key] = build_line(shape, nodes, lap, band, solved, time.perf_counter() - began, "ipopt")
        _CACHE[key].extra["solve_cpu_s"] = time.process_time() - began_cpu
    return _CACHE[key]


def limits(
    track: str | Track = "reinvent", car: CarSpec | None = None, reverse: bool = False
) -> dict[str, float]:
    """The numbers users compare laps with: standing (also in whole steps) and flying limits, hard bound (s).

    ``solve_s`` is the wall time of the three solves, ``solve_cpu_s`` their CPU time (the
    machine may be shared), as measured when each line was first solved (results are cached).
    """
    standing = lap_limit(track, car, "standing", reverse=reverse)
    flying = lap_limit(track, car, "flying", reverse=reverse)
    hard = lap_limit(track, car, "standing", band=HARD_BAND, reverse=reverse)
    return {
        "standing_lap_s": round(standing.lap_time, 4),
        "standing_lap_steps_s": round(standing.steps_lap_time(car.dt if car else CarSpec().dt), 4),
        "flying_lap_s": round(flying.lap_time, 4),
        "hard_bound_s": round(hard.lap_time, 4),
        "solve_s": round(standing.solve_seconds + flying.solve_seconds + hard.solve_seconds, 3),
        "solve_cpu_s": round(sum(line.extra["solve_cpu_s"] for line in (standing, flying, hard)), 3),
    }


def limit_available() -> bool:
    """Whether the lap-time limit can be computed here (CasADi, the ``[raceline]`` extra)."""
    return importlib.util.find_spec("casadi") is not None


def env_limit(env) -> float | None:
    """The lap-time limit (s, standing start, whole control steps) of a TrackRacer env's track and car.

    None when CasADi is not installed (lap times are then reported without the limit).
    """
    env = env.unwrapped
    if not limit_available():
        return None
    return round(lap_limit(env.track, env.car.spec).steps_lap_time(env.car.spec.dt), 4)


def above_limit_percent(lap_time: float, limit_steps_s: float) -> float:
    """How far a lap is above the limit in whole steps: 100·(lap / limit − 1), in %."""
    return round(100.0 * (lap_time / limit_steps_s - 1.0), 2)


def line_table(line: RaceLine) -> np.ndarray:
    """The line as columns s, x, y, offset, speed, curvature, time (one row per node)."""
    return np.column_stack([line.s, line.xy, line.offset, line.speed, line.curvature, line.time])


LINE_COLUMNS = ("s_m", "x_m", "y_m", "offset_m", "speed_m_s", "curvature_1_m", "time_s")
