"""TrackRacer figures: a track with its dimensions, a lap coloured by speed, a GIF replay."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from gymlab.envs.track_render import car_outline, draw_track, speed_collection, update_speed_collection
from gymlab.envs.tracks import Track
from gymlab.experiments.io import atomic_write
from gymlab.experiments.plots.common import save_figure


def plot_track(track: Track, path: str | Path) -> Path:
    """PNG of ``track``: road, centre line, start line; the title gives length and width."""
    fig, ax = plt.subplots(figsize=(7, 5.5))
    draw_track(ax, track)
    radius = 1 / max(float(np.max(np.abs(track.curvature))), 1e-9)
    ax.set_title(
        f"{track.name}: {track.length:.2f} m long, {track.width:.2f} m wide, tightest bend radius {radius:.2f} m"
    )
    ax.autoscale_view()
    return save_figure(fig, path)


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
    trajectory: list[tuple[float, float, float, float]],
    path: str | Path,
    title: str = "",
    fps: int = 15,
) -> Path:
    """Animated GIF of an episode: the car moving, its path so far coloured by speed.

    Blitting: the track is drawn once, each frame only redraws the path, the car and the
    clock; Pillow (matplotlib's own dependency) assembles the frames. Long episodes are
    thinned to at most ~150 frames (the GIF then plays faster than real time).
    """
    from matplotlib.patches import Polygon
    from PIL import Image

    data = np.array(trajectory)
    every = max(1, -(-len(data) // 150))
    frames = list(range(0, len(data), every))
    if frames[-1] != len(data) - 1:
        frames.append(len(data) - 1)
    fig, ax = plt.subplots(figsize=(5, 4), dpi=80)
    draw_track(ax, track)
    lines = speed_collection(data[:, 0], data[:, 1], data[:, 3])
    fig.colorbar(lines, ax=ax, label="speed (m/s)", shrink=0.8)
    ax.add_collection(lines)
    car = Polygon(car_outline(*data[0, :3]), closed=True, color="tab:red", zorder=5)
    ax.add_patch(car)
    clock = ax.text(0.02, 0.97, "", transform=ax.transAxes, va="top", fontsize=9)
    ax.set_title(title, fontsize=10)
    ax.autoscale_view()
    for artist in (lines, car, clock):
        artist.set_animated(True)
    try:
        fig.canvas.draw()
        background = fig.canvas.copy_from_bbox(fig.bbox)
        frames_rgb = []
        for k in frames:
            fig.canvas.restore_region(background)
            update_speed_collection(lines, data[: k + 1, 0], data[: k + 1, 1], data[: k + 1, 3])
            car.set_xy(car_outline(*data[k, :3]))
            clock.set_text(f"t = {k / fps:.1f} s   {data[k, 3]:.1f} m/s")
            for artist in (lines, car, clock):
                ax.draw_artist(artist)
            fig.canvas.blit(fig.bbox)
            frames_rgb.append(Image.fromarray(np.asarray(fig.canvas.buffer_rgba())[..., :3].copy()))
        palette = frames_rgb[-1].quantize(colors=64)  # the last frame has every colour of the lap
        images = [frame.quantize(palette=palette, dither=Image.Dither.NONE) for frame in frames_rgb]
        duration = int(1000 * every / fps)

        def write(tmp: Path) -> None:
            images[0].save(
                tmp, format="GIF", save_all=True, append_images=images[1:], duration=duration, loop=0
            )

        return atomic_write(path, write)
    finally:
        plt.close(fig)
