"""Drawing a track, the car and its trajectory with matplotlib (env rendering, PNGs, GIFs)."""

from __future__ import annotations

import math
from pathlib import Path

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
    """Draws the env's state: track, trajectory coloured by speed, the car, a status line.

    ``rgb_array``: the fast :class:`ReplayRenderer` (PIL; the trail grows by the new
    segments only). ``human``: a live matplotlib window.
    """

    def __init__(self, track, interactive: bool = False) -> None:
        self.interactive = interactive
        if not interactive:
            self.replay = ReplayRenderer(track, title=track.name)
            return
        import matplotlib
        import matplotlib.pyplot as plt  # picks the backend: Agg when there is no display

        require_display()
        plt.ion()
        self.figure = plt.figure(figsize=(6, 5))
        ax = self.figure.add_subplot()
        draw_track(ax, track)
        self.path = speed_collection([], [], [])
        ax.add_collection(self.path)
        self.figure.colorbar(self.path, ax=ax, label="speed (m/s)", shrink=0.8)
        self.car = matplotlib.patches.Polygon(car_outline(0, 0, 0), closed=True, color="tab:red", zorder=5)
        ax.add_patch(self.car)
        self.ax = ax

    def draw(self, trajectory, car, info) -> np.ndarray | None:
        status = (
            f"{info['status']}: {info['progress']:.1f} % in {info['lap_time']:.2f} s, now {car.speed:.2f} m/s"
        )
        if not self.interactive:
            return self.replay.live(trajectory, status)
        import matplotlib.pyplot as plt

        data = np.array(trajectory) if trajectory else np.zeros((0, 4))
        update_speed_collection(self.path, data[:, 0], data[:, 1], data[:, 3])
        self.car.set_xy(car_outline(car.x, car.y, car.yaw))
        self.ax.set_title(status, fontsize=10)
        self.figure.canvas.draw()
        plt.pause(0.001)
        return None

    def close(self) -> None:
        if self.interactive:
            import matplotlib.pyplot as plt

            plt.close(self.figure)


class ReplayRenderer:
    """GIF frames of one episode, fast: matplotlib draws the track once, PIL draws each frame.

    Layout: a header band (title; clock, speed, step reward, progress; a speed colour key)
    above a map that fills the image edge to edge, scaled to the track's own aspect — no
    axes, no margins, no text over the road. Each frame adds the newest trail segment
    (coloured by speed) to a kept canvas, then copies it and draws the car and the header:
    about a millisecond per frame instead of a matplotlib redraw.
    """

    HEADER = 46  # px
    MARGIN = 0.15  # m of ground around the track's borders

    def __init__(self, track, width: int = 480, title: str = "") -> None:
        from matplotlib import colormaps, font_manager
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from PIL import Image, ImageFont

        border = np.vstack([track.left_border, track.right_border])
        (x0, y0), (x1, y1) = border.min(axis=0) - self.MARGIN, border.max(axis=0) + self.MARGIN
        self.scale = width / (x1 - x0)  # px per metre
        self.origin = (x0, y1)
        height = int(round((y1 - y0) * self.scale))
        dpi = 100
        figure = Figure(figsize=(width / dpi, height / dpi), dpi=dpi)
        FigureCanvasAgg(figure)
        ax = figure.add_axes((0, 0, 1, 1))
        draw_track(ax, track)
        ax.set_aspect("auto")
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_axis_off()
        figure.canvas.draw()
        road = Image.fromarray(np.asarray(figure.canvas.buffer_rgba())[..., :3].copy())
        self.size = (width, height + self.HEADER)
        self.background = Image.new("RGB", self.size, "white")
        self.background.paste(road, (0, self.HEADER))
        font = font_manager.findfont("DejaVu Sans")
        self.font = ImageFont.truetype(font, 13)
        self.small = ImageFont.truetype(font, 11)
        self.title = title  # shortened to end before the colour key
        while len(self.title) > 1 and self.font.getlength(self.title) > width - 150:
            self.title = self.title[:-2] + "…"
        self.colours = (np.array(colormaps["viridis"](np.linspace(0, 1, 64)))[:, :3] * 255).astype(int)
        self._key(width)

    def _key(self, width: int) -> None:
        """The speed colour key in the header's right corner (0 … 4 m/s)."""
        from PIL import ImageDraw

        draw = ImageDraw.Draw(self.background)
        left, top, length = width - 130, 8, 100
        for k in range(length):
            colour = tuple(self.colours[int(k / length * (len(self.colours) - 1))])
            draw.line([(left + k, top), (left + k, top + 8)], fill=colour)
        low, high = SPEED_RANGE
        draw.text((left, top + 11), f"{low:g}", font=self.small, fill="black")
        draw.text((left + length, top + 11), f"{high:g} m/s", font=self.small, fill="black", anchor="ma")

    def pixels(self, x, y) -> np.ndarray:
        """Image coordinates (px) of world points (m)."""
        x0, y1 = self.origin
        return np.column_stack(
            [(np.asarray(x) - x0) * self.scale, (y1 - np.asarray(y)) * self.scale + self.HEADER]
        )

    def _colour(self, speed: float) -> tuple[int, int, int]:
        low, high = SPEED_RANGE
        k = int(round((min(max(speed, low), high) - low) / (high - low) * (len(self.colours) - 1)))
        return tuple(int(c) for c in self.colours[k])

    def frames(
        self, x, y, yaw, speed, reward=None, progress=None, dt: float = 1 / 15, every: int = 1
    ) -> list:
        """RGB PIL images of every ``every``-th step (and the last): trail so far, the car, the
        clock, speed, step reward and progress."""
        from PIL import ImageDraw

        points = self.pixels(x, y)
        trail = self.background.copy()
        trail_draw = ImageDraw.Draw(trail)
        images = []
        for k in range(len(points)):
            if k:
                self._segment(trail_draw, points[k - 1], points[k], speed[k])
            if k % every and k != len(points) - 1:
                continue
            status = f"t = {k * dt:5.2f} s   {speed[k]:4.2f} m/s"
            if reward is not None:
                status += f"   reward {reward[k]:+.3g}"
            if progress is not None:
                status += f"   {progress[k]:5.1f} %"
            images.append(self._finish(trail, x[k], y[k], yaw[k], status))
        return images

    def live(self, trajectory: list, status: str) -> np.ndarray:
        """An RGB array of a growing trajectory ((x, y, yaw, speed) per step; ``env.render()``):
        only the segments added since the last call are drawn; a new list starts a new trail."""
        from PIL import ImageDraw

        if trajectory is not getattr(self, "_source", None) or len(trajectory) < self._drawn:
            self._source, self._drawn, self._trail = trajectory, 0, self.background.copy()
        if not trajectory:
            return np.asarray(self._trail).copy()
        data = np.asarray(trajectory[max(self._drawn - 1, 0) :], dtype=float)
        points = self.pixels(data[:, 0], data[:, 1])
        draw = ImageDraw.Draw(self._trail)
        for k in range(1, len(points)):
            self._segment(draw, points[k - 1], points[k], data[k, 3])
        self._drawn = len(trajectory)
        x, y, yaw, _ = trajectory[-1]
        return np.asarray(self._finish(self._trail, x, y, yaw, status))

    def _segment(self, draw, start, end, speed: float) -> None:
        draw.line([tuple(start), tuple(end)], fill=self._colour(speed), width=3)

    def _finish(self, trail, x: float, y: float, yaw: float, status: str):
        """A copy of the trail with the car and the header's two lines."""
        from PIL import ImageDraw

        frame = trail.copy()
        draw = ImageDraw.Draw(frame)
        outline = self.pixels(*car_outline(x, y, yaw).T)
        draw.polygon([tuple(p) for p in outline], fill=(214, 39, 40), outline=(90, 0, 0))
        draw.text((8, 5), self.title, font=self.font, fill="black")
        draw.text((8, 25), status, font=self.font, fill="black")
        return frame


def save_gif(images: list, path, fps: float = 15) -> Path:
    """Write PIL images as a looping GIF (one shared 64-colour palette), atomically.

    GIF delays are whole hundredths of a second; each frame's delay is rounded so the clock
    stays right over the whole replay (15 fps → 70, 60, 70 … ms).
    """
    from PIL import Image

    from gymlab.envs.files import atomic_write

    palette = images[-1].quantize(colors=63)  # the last frame holds every colour of the trail
    frames = [image.quantize(palette=palette, dither=Image.Dither.NONE) for image in images]
    # Pixels that did not change since the previous frame become transparent (index 63): the
    # viewer keeps what it showed, and the GIF stays small without Pillow's slow optimiser.
    clear = 63
    indices = [np.asarray(frame) for frame in frames]
    for k in range(len(frames) - 1, 0, -1):
        same = indices[k] == indices[k - 1]
        if same.any():
            delta = np.where(same, clear, indices[k]).astype(np.uint8)
            frames[k] = Image.frombytes("P", frames[k].size, delta.tobytes())
            frames[k].putpalette(frames[0].getpalette())
    ends = np.round(np.arange(1, len(frames) + 1) * 100 / fps) * 10  # ms, on the GIF's 10 ms grid
    durations = np.diff(np.r_[0, ends]).astype(int).tolist()

    def write(tmp: Path) -> None:
        frames[0].save(tmp, format="GIF", save_all=True, append_images=frames[1:], duration=durations,
                       loop=0, optimize=False, transparency=clear, disposal=1)  # fmt: skip

    return atomic_write(path, write)
