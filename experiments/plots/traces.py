"""Figures of ``gymlab track analyze``: one PNG per question, one column per run.

Each takes the analyses of :func:`gymlab.experiments.analysis.analyze_run` with their tracks
(``[(analysis, track), …]``) and writes one PNG whose title states the finding.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from gymlab.envs.track_render import draw_track, speed_collection
from gymlab.envs.tracks import Track
from gymlab.experiments.analysis import SEGMENT_KINDS, segment_kind
from gymlab.experiments.plots.common import save_figure

Runs = list[tuple[dict[str, Any], Track]]


def _columns(runs: Runs, rows: int = 1, width: float = 5.5, height: float = 4.5):
    fig, axes = plt.subplots(rows, len(runs), figsize=(width * len(runs), height * rows), squeeze=False)
    return fig, axes


def _waypoint_segments(track: Track) -> np.ndarray:
    """(n, 2, 2): the centre line from each waypoint to the next (closing the loop)."""
    points = np.array(track.waypoints)
    return np.stack([points, np.roll(points, -1, axis=0)], axis=1)


def plot_reward_map(runs: Runs, path: str | Path) -> Path:
    """Mean reward per waypoint segment, drawn on the track (grey: no step recorded there)."""
    from matplotlib.collections import LineCollection

    fig, axes = _columns(runs)
    findings = []
    for ax, (analysis, track) in zip(axes[0], runs, strict=True):
        draw_track(ax, track)
        mean = np.array([np.nan if v is None else v for v in analysis["reward_per_waypoint"]["mean_reward"]])
        lines = LineCollection(_waypoint_segments(track), cmap="magma", linewidths=6, zorder=3)
        lines.set_array(np.ma.masked_invalid(mean))
        ax.add_collection(lines)
        fig.colorbar(lines, ax=ax, label="mean reward per step", shrink=0.8)
        _label_waypoints(ax, track, every=max(1, len(track.waypoints) // 8))
        ax.autoscale_view()
        if np.isfinite(mean).any():
            high, low = int(np.nanargmax(mean)), int(np.nanargmin(mean))
            findings.append(f"{analysis['name']}: most at waypoint {high} ({mean[high]:.3g}), least at {low}")
            ax.set_title(f"{analysis['name']}\n{analysis['rows']:,} steps, reward {analysis['reward_name']}",
                         fontsize=9)  # fmt: skip
    fig.suptitle("Where the reward pays — " + "; ".join(findings), fontsize=10)
    return save_figure(fig, path)


def _label_waypoints(ax, track: Track, every: int) -> None:
    points = np.array(track.waypoints)
    for index in range(0, len(points), every):
        ax.annotate(str(index), points[index], fontsize=7, color="tab:blue", xytext=(3, 3),
                    textcoords="offset points", zorder=6)  # fmt: skip


def plot_speed_map(
    runs: Runs, path: str | Path, lines: list[tuple[np.ndarray, str] | None] | None = None
) -> Path:
    """The best lap's path coloured by speed; ``lines[i]`` = (points (n, 2), label) overlays a
    reference line (e.g. a racing line) on run ``i``'s track."""
    fig, axes = _columns(runs)
    findings = []
    for k, (ax, (analysis, track)) in enumerate(zip(axes[0], runs, strict=True)):
        draw_track(ax, track)
        lap = analysis["best_lap"]
        if lap is not None:
            collection = speed_collection(lap["x"], lap["y"], lap["speed"])
            collection.set_linewidth(3)
            ax.add_collection(collection)
            fig.colorbar(collection, ax=ax, label="speed (m/s)", shrink=0.8)
            speeds = np.array(lap["speed"])
            ax.set_title(
                f"{analysis['name']}\n{lap['phase']} episode {lap['episode']}: {lap['status']}, "
                f"{lap['progress']:.0f} % in {lap['time']:.2f} s",
                fontsize=9,
            )
            findings.append(f"{analysis['name']}: {speeds.mean():.2f} m/s mean, {speeds.max():.2f} top")
        if lines is not None and lines[k] is not None:
            points, label = lines[k]
            loop = np.vstack([points, points[:1]])
            ax.plot(loop[:, 0], loop[:, 1], ":", color="tab:red", linewidth=1.2, label=label, zorder=4)
            ax.legend(loc="lower right", fontsize=7)
        ax.autoscale_view()
    fig.suptitle("Speed along the best lap — " + "; ".join(findings), fontsize=10)
    return save_figure(fig, path)


def plot_action_usage(runs: Runs, path: str | Path) -> Path:
    """Share of each action on straights and in bends: which actions the policy really picks."""
    most = max(len(analysis["action_usage"]["actions"]) for analysis, _ in runs)
    fig, axes = _columns(runs, width=max(7.0, 0.5 * most))
    findings = []
    colours = {"straight": "tab:gray", "left bend": "tab:blue", "right bend": "tab:orange"}
    for ax, (analysis, _track) in zip(axes[0], runs, strict=True):
        usage = analysis["action_usage"]
        labels = [f"{a['steering']:+.0f}°\n{a['speed']:g}" for a in usage["actions"]]
        x = np.arange(len(labels))
        width = 0.8 / len(SEGMENT_KINDS)
        for j, kind in enumerate(SEGMENT_KINDS):
            share = 100 * np.array(usage["share"][kind])
            ax.bar(x + (j - 1) * width, share, width, color=colours[kind],
                   label=f"{kind} ({usage['steps'][kind]:,} steps)")  # fmt: skip
        ax.set_xticks(x, labels, fontsize=7)
        ax.set_xlabel("action: steering (°) and speed (m/s)")
        ax.set_ylabel(f"share of {usage['phase']} steps in that kind of segment (%)")
        ax.legend(fontsize=7)
        ax.set_title(analysis["name"], fontsize=9)
        used = sum(1 for a in range(len(labels)) if any(usage["share"][k][a] > 0.01 for k in SEGMENT_KINDS))
        findings.append(f"{analysis['name']}: {used} of {len(labels)} actions used (> 1 %)")
    fig.suptitle("Which actions the policy picks — " + "; ".join(findings), fontsize=10)
    return save_figure(fig, path)


def plot_best_lap(runs: Runs, path: str | Path) -> Path:
    """Steering and speed against distance along the track for each run's best lap; bends shaded."""
    fig, axes = _columns(runs, rows=2, height=3.0)
    findings = []
    for k, (analysis, track) in enumerate(runs):
        lap = analysis["best_lap"]
        top, bottom = axes[0][k], axes[1][k]
        if lap is None:
            continue
        distance = np.array(lap["distance"])
        start = lap["distance"][0]
        for ax in (top, bottom):
            _shade_bends(ax, track, distance, lap)
        top.plot(distance, lap["steering"], color="tab:purple", drawstyle="steps-post")
        top.set_ylabel("steering (°, + = left)")
        top.set_title(f"{analysis['name']}: {lap['status']} in {lap['time']:.2f} s", fontsize=9)
        bottom.plot(distance, lap["speed"], label="actual")
        bottom.plot(distance, lap["command_speed"], drawstyle="steps-post", alpha=0.6, label="commanded")
        bottom.set_ylabel("speed (m/s)")
        bottom.set_xlabel(f"distance driven (m, from {start:.1f} m)")
        bottom.legend(fontsize=7)
        flips = int(np.sum(np.diff(np.sign(lap["steering"])) != 0))
        findings.append(f"{analysis['name']}: {lap['time']:.2f} s, {flips} steering sign changes")
    fig.suptitle("Best lap, step by step — " + "; ".join(findings), fontsize=10)
    return save_figure(fig, path)


def _shade_bends(ax, track: Track, distance: np.ndarray, lap: dict[str, Any]) -> None:
    """Light colour behind the steps taken in a bend (blue left, orange right)."""
    kinds = segment_kind(track, np.array(lap["arc_length"]))
    for kind, colour in ((1, "tab:blue"), (2, "tab:orange")):
        inside = kinds == kind
        if inside.any():
            ax.fill_between(distance, 0, 1, where=inside, color=colour, alpha=0.08, step="post",
                            transform=ax.get_xaxis_transform())  # fmt: skip


def plot_lap_history(runs: Runs, path: str | Path) -> Path:
    """Per recorded episode against training steps: progress (%) and, for finished laps, lap time."""
    fig, axes = _columns(runs, rows=2, height=3.0)
    findings = []
    for k, (analysis, _track) in enumerate(runs):
        top, bottom = axes[0][k], axes[1][k]
        for phase, marker in (("train", "."), ("eval", "x")):
            laps = [lap for lap in analysis["laps"] if lap["phase"] == phase]
            if not laps:
                continue
            steps = [lap["train_steps"] for lap in laps]
            top.plot(steps, [lap["progress"] for lap in laps], marker, label=f"{phase} episodes")
            done = [lap for lap in laps if lap["status"] == "lap_complete"]
            bottom.plot([lap["train_steps"] for lap in done], [lap["time"] for lap in done], marker,
                        label=f"{phase}: {len(done)}/{len(laps)} laps finished")  # fmt: skip
        top.set_ylabel("progress (% of a lap)")
        top.set_title(analysis["name"], fontsize=9)
        top.legend(fontsize=7)
        bottom.set_ylabel("lap time (s)")
        bottom.set_xlabel("training steps")
        bottom.legend(fontsize=7)
        finished = [lap for lap in analysis["laps"] if lap["status"] == "lap_complete"]
        if finished:
            first, best = finished[0], min(finished, key=lambda lap: lap["time"])
            findings.append(f"{analysis['name']}: first lap {first['time']:.2f} s, best {best['time']:.2f} s")
        else:
            findings.append(f"{analysis['name']}: no finished lap")
    fig.suptitle("Laps during training — " + "; ".join(findings), fontsize=10)
    return save_figure(fig, path)


def plot_sectors(runs: Runs, path: str | Path) -> Path:
    """Time each run's best lap loses to the lap-time limit in each tenth of the lap (bars, s)."""
    fig, ax = plt.subplots(figsize=(max(8.5, 3.0 * len(runs)), 4.5))
    compared = [
        (analysis, analysis["sectors"], track.name) for analysis, track in runs if analysis["sectors"]
    ]
    width = 0.8 / max(len(compared), 1)
    findings = []
    for k, (analysis, sectors, track_name) in enumerate(compared):
        rows = sectors["rows"]
        centres = np.arange(len(rows)) + (k - (len(compared) - 1) / 2) * width
        lost = [row["lost_s"] for row in rows]
        ax.bar(centres, lost, width, label=f"{analysis['name']} ({track_name}): {sectors['lap_s']:.2f} s, "
               f"limit {sectors['limit_s']:.2f} s")  # fmt: skip
        worst = rows[int(np.argmax(lost))]
        findings.append(
            f"{analysis['name']} {sectors['lost_s']:+.2f} s, most at "
            f"{worst['from_percent']:.0f}–{worst['to_percent']:.0f} %"
        )
    if compared:
        rows = compared[0][1]["rows"]
        ax.set_xticks(
            np.arange(len(rows)), [f"{row['from_percent']:.0f}–{row['to_percent']:.0f}" for row in rows]
        )
        highest = max(max(row["lost_s"] for row in sectors["rows"]) for _, sectors, _ in compared)
        ax.set_ylim(top=max(highest, 0.05) * 1.5)  # room for the legend above the bars
        ax.legend(fontsize=8, title="best lap, crossing the line (continuous time)", title_fontsize=8)
    else:
        findings.append("no complete lap from the start line (or no CasADi) to compare")
    ax.axhline(0.0, color="black", linewidth=0.8)
    ax.set_xlabel("sector (% of the lap from the start line)")
    ax.set_ylabel("time lost to the limit (s; below 0: gained)")
    fig.suptitle("Where the best lap loses time to the limit\n" + "; ".join(findings), fontsize=10)
    return save_figure(fig, path)


FIGURES = {
    "reward_map": plot_reward_map,
    "speed_map": plot_speed_map,
    "action_usage": plot_action_usage,
    "best_lap": plot_best_lap,
    "lap_history": plot_lap_history,
    "sectors": plot_sectors,
}


def plot_analysis(
    runs: Runs, out: str | Path, lines: list[tuple[np.ndarray, str] | None] | None = None
) -> dict[str, str]:
    """Every figure of ``gymlab track analyze`` under ``out``: ``{figure name: PNG path}``.

    ``lines``: an optional reference line per run for the speed map (see :func:`plot_speed_map`).
    """
    out = Path(out)
    paths = {}
    for name, plot in FIGURES.items():
        extra = {"lines": lines} if name == "speed_map" else {}
        paths[name] = str(plot(runs, out / f"{name}.png", **extra))
    return paths
