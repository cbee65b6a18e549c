"""Drawing a track, the car and its trajectory with matplotlib (env rendering, PNGs, GIFs)."""

from __future__ import annotations

import math

import numpy as np

from gymlab.envs.errors import GymlabError

CAR_LENGTH, CAR_WIDTH = 0.3, 0.2  # m, the outline drawn for the car
SPEED_RANGE = (0.0, 4.0)  # m/s, colour scale of trajectories


def draw_track(ax, track) -> None:
    """Road surface between the borders, dashed centre line and the start line, in metres."""
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    rings = [track.left_border, track.right_border[::-1]]  # opposite windings: a ring
    vertices = np.concatenate([np.vstack([ring, ring[:1]]) for ring in rings])
    codes = []
    for ring in rings:
        codes += [MplPath.MOVETO] + [MplPath.LINETO] * (len(ring) - 1) + [MplPath.CLOSEPOLY]
    ax.add_patch(PathPatch(MplPath(vertices, codes), facecolor="0.82", edgecolor="0.3", linewidth=1.0))
    center = np.vstack([track.center, track.center[:1]])
    ax.plot(center[:, 0], center[:, 1], "--", color="white", linewidth=0.8)
    x, y, direction = track.point_at(0.0)
    half = np.array([track.left_width[0], track.right_width[0]])
    normal = np.array([-math.sin(direction), math.cos(direction)])
    ends = np.array([[x, y] + normal * half[0], [x, y] - normal * half[1]])
    ax.plot(ends[:, 0], ends[:, 1], color="black", linewidth=2.5)
    ax.set_aspect("equal")
    ax.set_xlabel("x (m)")
    ax.set_ylabel("y (m)")


def speed_collection(xs, ys, speeds, cmap: str = "viridis"):
    """A LineCollection of the path (xs, ys) coloured by speed (m/s)."""
    from matplotlib.collections import LineCollection
    from matplotlib.colors import Normalize

    collection = LineCollection([], cmap=cmap, norm=Normalize(*SPEED_RANGE), linewidths=2.0)
    update_speed_collection(collection, xs, ys, speeds)
    return collection


def update_speed_collection(collection, xs, ys, speeds) -> None:
    points = np.column_stack([xs, ys])
    if len(points) >= 2:
        collection.set_segments(np.stack([points[:-1], points[1:]], axis=1))
        collection.set_array(np.asarray(speeds[1:], dtype=float))
    else:
        collection.set_segments([])
        collection.set_array(np.array([]))


def car_outline(x: float, y: float, yaw: float) -> np.ndarray:
    """Corners of the car's rectangle (4, 2) at (x, y) facing ``yaw``."""
    c, s = math.cos(yaw), math.sin(yaw)
    local = np.array([[1, 1], [1, -1], [-1, -1], [-1, 1]]) * [CAR_LENGTH / 2, CAR_WIDTH / 2]
    return local @ np.array([[c, s], [-s, c]]) + [x, y]


NON_INTERACTIVE_BACKENDS = ("agg", "cairo", "pdf", "pgf", "ps", "svg", "template")


def require_display() -> None:
    """A one-line GymlabError when matplotlib cannot open a window (no display, or a file-only
    backend such as Agg), instead of ``render_mode="human"`` silently drawing nowhere."""
    import matplotlib

    backend = matplotlib.get_backend().lower()
    if backend.startswith("module://matplotlib_inline") or backend in NON_INTERACTIVE_BACKENDS:
        raise GymlabError(
            f'render_mode="human" needs a display, but matplotlib\'s backend is {backend!r} (no window '
            'can open); use render_mode="rgb_array" (frames as arrays) or run where a display is '
            "available (set DISPLAY, or MPLBACKEND=TkAgg)"
        )


class TrackRenderer:
    """Draws the env's state: track, trajectory coloured by speed, the car, a status title."""

    def __init__(self, track, interactive: bool = False) -> None:
        import matplotlib

        if interactive:
            import matplotlib.pyplot as plt  # picks the backend: Agg when there is no display

            require_display()
            plt.ion()
            self.figure = plt.figure(figsize=(6, 5))
        else:
            from matplotlib.backends.backend_agg import FigureCanvasAgg
            from matplotlib.figure import Figure

            self.figure = Figure(figsize=(6, 5))
            FigureCanvasAgg(self.figure)
        self.interactive = interactive
        ax = self.figure.add_subplot()
        draw_track(ax, track)
        self.path = speed_collection([], [], [])
        ax.add_collection(self.path)
        self.figure.colorbar(self.path, ax=ax, label="speed (m/s)", shrink=0.8)
        self.car = matplotlib.patches.Polygon(car_outline(0, 0, 0), closed=True, color="tab:red", zorder=5)
        ax.add_patch(self.car)
        self.ax = ax

    def draw(self, trajectory, car, info) -> np.ndarray | None:
        data = np.array(trajectory) if trajectory else np.zeros((0, 4))
        update_speed_collection(self.path, data[:, 0], data[:, 1], data[:, 3])
        self.car.set_xy(car_outline(car.x, car.y, car.yaw))
        self.ax.set_title(
            f"{info['status']}: {info['progress']:.1f} % in {info['lap_time']:.2f} s, now {car.speed:.2f} m/s",
            fontsize=10,
        )
        self.figure.canvas.draw()
        if self.interactive:
            import matplotlib.pyplot as plt

            plt.pause(0.001)
            return None
        return np.asarray(self.figure.canvas.buffer_rgba())[..., :3].copy()

    def close(self) -> None:
        if self.interactive:
            import matplotlib.pyplot as plt

            plt.close(self.figure)
