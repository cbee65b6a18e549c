"""TrackRacer figures: a track with its dimensions, a lap coloured by speed, a GIF replay."""

from __future__ import annotations

from pathlib import Path

import gymnasium as gym
import matplotlib.pyplot as plt
import numpy as np

from gymlab.agents.base import rollout
from gymlab.envs.track_render import draw_track, speed_collection
from gymlab.envs.tracks import Track
from gymlab.experiments.plots.common import save_figure
from gymlab.experiments.traces import Trace, TraceRecorder


def plot_track(track: Track, path: str | Path, every: int | None = None) -> Path:
    """PNG of ``track`` for reward authors: road, centre line, start line, driving direction and
    every ``every``-th waypoint numbered (default: about 24 labels); the title gives length,
    width and the tightest bend."""
    fig, ax = plt.subplots(figsize=(8, 6.5))
    draw_track(ax, track)
    points = np.array(track.waypoints)
    every = every or waypoint_label_step(len(points))
    ax.plot(points[:, 0], points[:, 1], ".", color="tab:blue", markersize=2.5, zorder=3)
    # labels outside the loop: right of the driving direction on an anticlockwise track
    side = -1.0 if not track.clockwise else 1.0
    tangent = np.roll(points, -1, axis=0) - np.roll(points, 1, axis=0)
    normal = np.stack([-tangent[:, 1], tangent[:, 0]], axis=1) / np.hypot(*tangent.T)[:, None]
    reach = 0.5 * track.width + 0.22
    for index in range(0, len(points), every):
        ax.plot(*points[index], "o", color="tab:blue", markersize=4, zorder=4)
        ax.annotate(str(index), points[index] + side * normal[index] * reach, ha="center", va="center",
                    fontsize=8, color="tab:blue", zorder=5)  # fmt: skip
    for fraction in np.arange(8) / 8 + 1 / 16:  # driving direction: arrows along the centre line
        x, y, direction = track.point_at(fraction * track.length)
        ax.annotate("", (x + 0.25 * np.cos(direction), y + 0.25 * np.sin(direction)), (x, y),
                    arrowprops={"arrowstyle": "-|>", "color": "tab:red", "lw": 1.5}, zorder=6)  # fmt: skip
    x, y, direction = track.point_at(0.0)
    ax.annotate("start", (x, y), fontsize=9, fontweight="bold", ha="right", va="bottom", zorder=6)
    radius = 1 / max(float(np.max(np.abs(track.curvature))), 1e-9)
    turning = "clockwise" if track.clockwise else "anticlockwise"
    ax.set_title(
        f"{track.name}: {track.length:.2f} m long, {track.width:.2f} m wide, tightest bend radius "
        f"{radius:.2f} m\n{len(points)} waypoints (numbered in steps of {every}), driven {turning} (red arrows)",
        fontsize=10,
    )
    ax.autoscale_view()
    ax.margins(0.06)
    return save_figure(fig, path)


def waypoint_label_step(count: int, labels: int = 24) -> int:
    """A round step (1, 2, 5, 10, 20, …) that numbers about ``labels`` of ``count`` waypoints."""
    raw = max(count / labels, 1.0)
    magnitude = 10 ** np.floor(np.log10(raw))
    return int(min((m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw), default=raw))


def plot_raceline(track: Track, line, path: str | Path, title: str) -> Path:
    """PNG of the minimum-time line coloured by its planned speed over the track and its centre line."""
    fig, ax = plt.subplots(figsize=(7.5, 5.5))
    draw_track(ax, track)
    lines = speed_collection(line.xy[:, 0], line.xy[:, 1], line.speed)
    lines.set_linewidth(3.0)
    ax.add_collection(lines)
    fig.colorbar(lines, ax=ax, label="planned speed (m/s)", shrink=0.8)
    ax.set_title(title, fontsize=10)
    ax.autoscale_view()
    return save_figure(fig, path)


def save_replay_gif(
    track: Track,
    trajectory,
    path: str | Path,
    title: str = "",
    fps: int = 15,
    rewards=None,
    progress=None,
    max_frames: int = 600,
) -> Path:
    """Animated GIF of an episode: the car, its trail coloured by speed, clock, speed, step
    reward and progress (:class:`gymlab.envs.track_render.ReplayRenderer`).

    ``trajectory``: (x, y, yaw, speed) per step; ``rewards``/``progress`` (optional) the same
    length. Every step is a frame up to ``max_frames`` (40 s at 15 Hz); a longer episode keeps
    every k-th step as a frame, shown k times as long: the replay still plays in real time.
    """
    from gymlab.envs.track_render import ReplayRenderer, save_gif

    data = np.asarray(trajectory, dtype=float)
    every = max(1, -(-len(data) // max_frames))
    renderer = ReplayRenderer(track, title=title)
    images = renderer.frames(
        data[:, 0], data[:, 1], data[:, 2], data[:, 3], rewards, progress, 1 / fps, every
    )
    return save_gif(images, path, fps / every)


def save_trace_gif(episode: Trace, track, path: str | Path, title: str = "") -> Path:
    """GIF replay of one recorded episode (a :class:`Trace` of one episode): the car, its trail
    coloured by speed, the clock, step reward and progress."""
    trajectory = np.column_stack(
        [episode["x"], episode["y"], np.radians(episode["heading"]), episode["speed"]]
    )
    return save_replay_gif(
        track, trajectory, path, title=title, rewards=episode["reward"], progress=episode["progress"]
    )


def write_replay_gif(
    agent, env: gym.Env, path: str | Path, title: str = "", seed: int = 0
) -> tuple[Path, dict]:
    """Play one lap from the start line with ``agent`` in ``env`` (a TrackRacer env, wrapped or
    not), record it and write its GIF replay. Returns (path, the episode's summary)."""
    recorder = TraceRecorder(env)
    rollout(recorder, agent, seed=seed, options={"start": "line"})
    episode = recorder.log.trace()
    return save_trace_gif(episode, env.unwrapped.track, path, title), episode.episode_summary()
