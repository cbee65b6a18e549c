"""Reading a run's trace the way DeepRacer's log-analysis notebooks do — the numbers behind the plots.

From a ``trace.csv`` (:mod:`gymlab.experiments.traces`) and the track it was driven on:

* :func:`reward_per_waypoint` — mean reward of the steps in each waypoint segment
  (``closest_waypoint_behind``), training and evaluation together: where does the reward pay?
* :func:`speed_per_waypoint` — mean actual speed per waypoint segment (evaluation laps when
  there are any), beside the best lap's path;
* :func:`action_usage` — share of each action on straights, left bends and right bends
  (the track's curvature where the car is: |κ| below :data:`BEND_CURVATURE` is straight);
* :func:`best_lap` — the fastest finished episode (evaluation first), its steering and speed
  against distance along the track;
* :func:`lap_history` — every recorded episode's end: status, progress, time and the training
  steps taken by then;
* :func:`sectors_against_limit` — where the best lap loses its time: each tenth of the lap
  against the lap-time limit.

:func:`analyze_run` puts them together for one run folder; :func:`waypoint_table` gives the
waypoints with their widths and curvature (``gymlab track show --json``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from gymlab.envs.car import CarSpec
from gymlab.envs.errors import GymlabError
from gymlab.envs.raceline import lap_limit, limit_available
from gymlab.envs.rewards import DEFAULT_REWARD
from gymlab.envs.tracks import DEFAULT_TRACK, Track, get_track
from gymlab.experiments.environments import env_arguments, with_raceline_actions
from gymlab.experiments.store import CONFIG_FILE, read_config
from gymlab.experiments.traces import Trace, read_trace

__all__ = [
    "BEND_CURVATURE",
    "action_table",
    "action_usage",
    "analyze_run",
    "best_lap",
    "lap_history",
    "reward_per_waypoint",
    "run_track",
    "sectors_against_limit",
    "speed_per_waypoint",
    "waypoint_table",
]

BEND_CURVATURE = 1 / 3  # 1/m: tighter than a 3 m radius counts as a bend
SECTORS = 10  # equal shares of a lap in the sector table
START_TOLERANCE = 0.05  # m: a lap began at the start line if its first step began this close to it
SEGMENT_KINDS = ("straight", "left bend", "right bend")


def waypoint_table(track: Track) -> dict[str, list]:
    """Each waypoint with its arc length (m), track width (m) and curvature (1/m, + = left).

    Width and curvature are read at the dense centre-line point nearest the waypoint (the
    curvature the env uses: turn angle per metre, smoothed over ±0.1 m).
    """
    waypoints = np.array(track.waypoints)
    nearest = np.array(
        [int(np.argmin(np.hypot(*(track.center - point).T))) for point in waypoints], dtype=int
    )
    widths = track.left_width[nearest] + track.right_width[nearest]
    return {
        "waypoints": np.round(waypoints, 4).tolist(),
        "arc_length": np.round(track.s[nearest], 4).tolist(),
        "widths": np.round(widths, 4).tolist(),
        "curvature": np.round(track.curvature[nearest], 4).tolist(),
    }


def segment_kind(track: Track, arc_length: np.ndarray) -> np.ndarray:
    """0 straight, 1 left bend, 2 right bend: the track's curvature at each arc length (m)."""
    index = np.clip((np.asarray(arc_length) / track.spacing).astype(int), 0, track.n - 1)
    kappa = track.curvature[index]
    return np.where(np.abs(kappa) < BEND_CURVATURE, 0, np.where(kappa > 0, 1, 2))


def _per_waypoint(values: np.ndarray, waypoint: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(mean, count) of ``values`` per waypoint index 0..n−1 (mean NaN where no step fell)."""
    count = np.bincount(waypoint, minlength=n)[:n]
    total = np.bincount(waypoint, weights=values, minlength=n)[:n]
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / count, count


def reward_per_waypoint(trace: Trace, track: Track) -> dict[str, Any]:
    """Mean reward per waypoint segment over every recorded step (training and evaluation)."""
    mean, count = _per_waypoint(trace["reward"], trace["closest_waypoint_behind"], len(track.waypoints))
    return {"mean_reward": _listed(mean), "steps": count.tolist()}


def _evaluation_or_all(trace: Trace) -> tuple[Trace, str]:
    evaluation = trace["phase"] == "eval"
    return (trace.select(evaluation), "eval") if evaluation.any() else (trace, "train")


def speed_per_waypoint(trace: Trace, track: Track) -> dict[str, Any]:
    """Mean actual speed (m/s) per waypoint segment, over the evaluation episodes if any."""
    rows, phase = _evaluation_or_all(trace)
    mean, count = _per_waypoint(rows["speed"], rows["closest_waypoint_behind"], len(track.waypoints))
    return {"phase": phase, "mean_speed": _listed(mean), "steps": count.tolist()}


def action_usage(
    trace: Trace, track: Track, table: list[tuple[float, float]] | None = None
) -> dict[str, Any]:
    """Share of each action (index → steering, speed) on straights and bends (evaluation if any).

    ``table``: the run's discrete actions (:func:`action_table`), so that actions never picked
    show as 0 %; without it, the actions seen in the trace. Continuous actions (index −1) are
    binned by the commanded (steering, speed) rounded to 5° and 0.5 m/s.
    """
    rows, phase = _evaluation_or_all(trace)
    kinds = segment_kind(track, rows["arc_length"])
    discrete = bool((rows["action"] >= 0).all())
    steer, speed = rows["steering"], rows["command_speed"]
    if discrete:
        keys = rows["action"]
    else:
        steer, speed = np.round(steer / 5) * 5 + 0.0, np.round(speed * 2) / 2
        keys = np.unique(np.stack([steer, speed], axis=1), axis=0, return_inverse=True)[1].ravel()
    labels = {}
    for key in np.unique(keys):
        first = np.flatnonzero(keys == key)[0]
        labels[int(key)] = (float(steer[first]), float(speed[first]))
    if discrete and table is not None:
        if int(keys.max()) >= len(table):
            raise GymlabError(
                f"{trace.path} uses action {int(keys.max())}, but the run has {len(table)} actions"
            )
        labels = {index: (float(steer), float(speed)) for index, (steer, speed) in enumerate(table)}
    order = sorted(labels, key=lambda key: (labels[key][0], labels[key][1]))
    shares: dict[str, list[float]] = {}
    steps: dict[str, int] = {}
    for kind, name in enumerate(SEGMENT_KINDS):
        chosen = keys[kinds == kind]
        steps[name] = len(chosen)
        shares[name] = [float(np.mean(chosen == key)) if len(chosen) else 0.0 for key in order]
    return {
        "phase": phase,
        "actions": [
            {"index": key if discrete else -1, "steering": labels[key][0], "speed": labels[key][1]}
            for key in order
        ],  # fmt: skip
        "share": shares,
        "steps": steps,
    }


def action_table(env_kwargs: dict[str, Any]) -> list[tuple[float, float]] | None:
    """The discrete (steering, speed) actions a run's env arguments select (None: continuous)."""
    from gymlab.envs.track_racer import ACTION_PRESETS

    if env_kwargs.get("continuous"):
        return None
    actions = with_raceline_actions(env_kwargs).get("actions", "deepracer")  # raceline:K → its K actions
    if isinstance(actions, str):
        return ACTION_PRESETS.get(actions)
    return [(float(steer), float(speed)) for steer, speed in actions]


def best_lap(trace: Trace, track: Track) -> dict[str, Any] | None:
    """The fastest finished lap (evaluation episodes first, then training); if no episode
    finished, the one that got furthest. Steering, speeds and reward against the distance
    driven along the track (m, from the episode's start point)."""
    episodes = trace.episodes()
    if not episodes:
        return None

    def rank(episode: Trace) -> tuple:
        summary = episode.episode_summary()
        finished = summary["status"] == "lap_complete"
        return (not finished, summary["phase"] != "eval", -summary["progress"], summary["time"])

    lap = min(episodes, key=rank)
    return {
        **lap.episode_summary(),
        "distance": (lap["progress"] / 100.0 * track.length).round(4).tolist(),
        "arc_length": lap["arc_length"].tolist(),
        "x": lap["x"].tolist(),
        "y": lap["y"].tolist(),
        "steering": lap["steering"].tolist(),
        "speed": lap["speed"].tolist(),
        "command_speed": lap["command_speed"].tolist(),
        "reward": lap["reward"].tolist(),
    }


def sectors_against_limit(
    lap: dict[str, Any] | None, track: Track, sectors: int = SECTORS, car: CarSpec | None = None
) -> dict[str, Any] | None:
    """Where a lap loses its time: each of ``sectors`` equal shares of the centre line, the time
    the lap took there beside the time the lap-time limit's standing lap takes
    (:func:`gymlab.envs.raceline.lap_limit`) and the difference, all in continuous time.

    ``lap``: a :func:`best_lap`. The lap's clock at each boundary is interpolated between the
    steps around it — at the finish too, from how far past the line the last step ended — so
    ``lap_s`` is when the car crossed the line, up to one step before the env's whole-step lap
    time. A negative ``lost_s`` is time gained: the limit is the smooth point-mass optimum, not
    a bound on every sector. None for a lap that did not finish or did not start at the start
    line (the limit starts there, from rest), for a trace missing some of the lap's steps, and
    without CasADi or when its solver fails.
    """
    if lap is None or lap["status"] != "lap_complete" or sectors < 1:
        return None
    arc = np.asarray(lap["arc_length"], dtype=float)  # m from the start line, after each step
    if len(arc) != lap["steps"]:  # row k must be step k + 1 for the clock below
        return None
    length = track.length
    start = arc[0] - float(lap["distance"][0])  # where the episode began on the centre line
    if min(start % length, -start % length) > START_TOLERANCE or not limit_available():
        return None
    try:
        limit = lap_limit(track, car)
    except GymlabError:
        return None
    # distance along the centre line from the start: before the first step, then after each
    distance = np.concatenate([[0.0], np.asarray(lap["distance"], dtype=float)])
    # progress stops at 100 %, the car does not: how far past the line its last step ended
    distance[-1] = length + (arc[-1] - start + length / 2) % length - length / 2
    times = np.arange(len(distance)) * (lap["time"] / lap["steps"])
    bounds = np.linspace(0.0, length, sectors + 1)
    lap_at = np.interp(bounds, np.maximum.accumulate(distance), times)
    lap_at[0] = 0.0  # a car that waited on the line spent that wait in the first sector
    limit_at = np.interp(bounds, limit.s, limit.time)
    lap_spent, limit_spent = np.diff(lap_at), np.diff(limit_at)  # seconds in each sector
    rows = [
        {
            "from_percent": round(100 * k / sectors, 2),
            "to_percent": round(100 * (k + 1) / sectors, 2),
            "lap_s": round(float(lap_spent[k]), 4),
            "limit_s": round(float(limit_spent[k]), 4),
            "lost_s": round(float(lap_spent[k] - limit_spent[k]), 4),
        }
        for k in range(sectors)
    ]
    lap_s, limit_s = float(lap_at[-1]), float(limit_at[-1])
    return {
        "lap_s": round(lap_s, 4),
        "limit_s": round(limit_s, 4),
        "lost_s": round(lap_s - limit_s, 4),
        "rows": rows,
    }


def lap_history(trace: Trace) -> list[dict[str, Any]]:
    """One entry per recorded episode (in file order): phase, number, status, progress, time…"""
    return [episode.episode_summary() for episode in trace.episodes()]


def run_track(run_dir: str | Path) -> tuple[Track, dict[str, Any]]:
    """The track a run drove (from its ``config.json``) and the run's config, its ``env_kwargs``
    completed with its id's registered defaults (a preset's, :func:`env_arguments`)."""
    run_dir = Path(run_dir)
    if not (run_dir / CONFIG_FILE).is_file():
        raise GymlabError(
            f"{run_dir} is not a gymlab run folder (no config.json); pass a folder written by `gymlab train track`"
        )
    config = read_config(run_dir)
    try:
        env_kwargs = env_arguments(str(config.get("env")), dict(config.get("env_kwargs") or {}))
    except (TypeError, AttributeError, ValueError):
        raise GymlabError(
            f"{run_dir / CONFIG_FILE} is unreadable; delete {run_dir} and train it again"
        ) from None
    track = get_track(env_kwargs.get("track", DEFAULT_TRACK), reverse=bool(env_kwargs.get("reverse", False)))
    return track, {**config, "env_kwargs": env_kwargs}


def analyze_run(run_dir: str | Path) -> dict[str, Any]:
    """Every number behind ``gymlab track analyze`` for one run folder (config.json + trace.csv)."""
    track, config = run_track(run_dir)
    env_kwargs = config["env_kwargs"]  # with a preset's defaults
    trace = read_trace(run_dir)
    if int(trace["closest_waypoint_behind"].max()) >= len(track.waypoints):
        raise GymlabError(
            f"{trace.path} names waypoint {int(trace['closest_waypoint_behind'].max())} but {track.name} has "
            f"{len(track.waypoints)}; the trace was recorded on another track"
        )
    history = lap_history(trace)
    lap = best_lap(trace, track)
    return {
        "run": str(run_dir),
        "name": Path(run_dir).name,
        "track": track.name,
        "agent": config.get("agent"),
        "reward_name": config.get("reward") or f"{env_kwargs.get('reward', DEFAULT_REWARD)} (default)",
        "rows": len(trace),
        "episodes": len(history),
        "reward_per_waypoint": reward_per_waypoint(trace, track),
        "speed_per_waypoint": speed_per_waypoint(trace, track),
        "action_usage": action_usage(trace, track, action_table(env_kwargs)),
        "best_lap": lap,
        "sectors": sectors_against_limit(lap, track),
        "laps": history,
    }


def _listed(values: np.ndarray) -> list[float | None]:
    """Rounded floats, NaN as None (JSON has no NaN)."""
    return [None if not np.isfinite(v) else round(float(v), 5) for v in values]
