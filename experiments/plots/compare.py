"""The comparison chart: one bar per agent (mean across seeds, its 95 % interval as an error bar)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt

from gymlab.experiments.plots.common import save_figure


def config_label(group: dict[str, Any]) -> str:
    """``ppo`` or ``ppo · progress`` (the reward, when the env takes one)."""
    reward = group.get("reward")
    return group["agent"] if reward in (None, "default") else f"{group['agent']} · {reward}"


def plot_metric_bars(
    groups: list[dict[str, Any]],
    metric: str,
    label: str,
    better: str,
    path: str | Path,
    env_label: str,
    scale: float = 1.0,
) -> Path | None:
    """Bars of ``metric`` per config, best first; the title names the best and the worst."""
    rows = [g for g in groups if metric in g]
    if not rows:
        return None
    rows.sort(key=lambda g: g[metric], reverse=(better == "higher"))
    names = [config_label(g) for g in rows]
    values = [g[metric] * scale for g in rows]
    # the 95 % interval of the mean across seeds (none with one seed: nothing was measured)
    below = [
        (g[metric] - g[f"{metric}_low"]) * scale if g.get(f"{metric}_low") is not None else 0 for g in rows
    ]
    above = [
        (g[f"{metric}_high"] - g[metric]) * scale if g.get(f"{metric}_high") is not None else 0 for g in rows
    ]
    learned = [g.get("steps", 0) > 0 for g in rows]
    fig, ax = plt.subplots(figsize=(max(6, 1.1 * len(rows)), 4.2))
    colors = ["C1" if is_learned else "C0" for is_learned in learned]
    ax.bar(range(len(rows)), values, yerr=[below, above], color=colors, capsize=4)
    ax.set_xticks(range(len(rows)), names, rotation=25, ha="right")
    ax.set_ylabel(label)
    ax.grid(axis="y", alpha=0.3)
    best, worst = rows[0], rows[-1]
    ax.set_title(
        f"{env_label}: {config_label(best)} is best on {label} ({best[metric] * scale:.3g}), "
        f"{config_label(worst)} worst ({worst[metric] * scale:.3g})\n"
        "blue: fixed algorithms · orange: trained (error bar: 95 % interval across seeds, n ≥ 2)",
        fontsize=9,
    )
    return save_figure(fig, path)


def plot_trajectories(
    track,
    items: list[tuple[str, dict[str, Any]]],
    path: str | Path,
    env_label: str,
    limit_line: Any = None,
    limit_s: float | None = None,
) -> Path:
    """One small map per config: its first evaluation trial drawn on the track, coloured by speed.

    ``items`` are (label, episode row) pairs; a row holds ``trajectory`` [(x, y, speed)],
    ``status``, ``progress`` and ``lap_time``. The title names the fastest finished lap.
    ``limit_line`` (an (n, 2) array, the lap-time limit's line) is dotted on every map, and the
    title gives each lap against ``limit_s``.
    """
    import numpy as np

    from gymlab.envs.track_render import draw_track, speed_collection

    columns = min(4, len(items))
    rows = -(-len(items) // columns)
    fig, axes = plt.subplots(
        rows, columns, figsize=(3.6 * columns + 1, 3.0 * rows + 0.6), squeeze=False, layout="constrained"
    )
    for ax, (label, row) in zip(axes.flat, items, strict=False):
        draw_track(ax, track)
        path_xy = np.array(row["trajectory"], dtype=float)
        lines = speed_collection(path_xy[:, 0], path_xy[:, 1], path_xy[:, 2])
        ax.add_collection(lines)
        if limit_line is not None:
            ax.plot(limit_line[:, 0], limit_line[:, 1], ":", color="black", linewidth=0.8)
        ax.autoscale_view()
        above = f" (+{100 * (row['lap_time'] / limit_s - 1):.1f} % over the limit)" if limit_s else ""
        outcome = (
            f"lap {row['lap_time']:.2f} s{above}"
            if row["status"] == "lap_complete"
            else f"{row['status'].replace('_', ' ')} at {row['progress']:.0f} %"
        )
        ax.set_title(f"{label}\n{outcome}", fontsize=9)
        ax.set_xlabel("x (m)", fontsize=8)
        ax.set_ylabel("y (m)", fontsize=8)
    for ax in list(axes.flat)[len(items) :]:
        ax.axis("off")
    fig.colorbar(lines, ax=axes, label="speed (m/s)", shrink=0.6)
    laps = [(row["lap_time"], label) for label, row in items if row["status"] == "lap_complete"]
    if laps:
        best_time, best = min(laps)
        finding = f"fastest lap: {best} ({best_time:.2f} s); {len(laps)} of {len(items)} finish the lap"
        if limit_s:
            finding += f"; the lap-time limit (dotted line) is {limit_s:.2f} s"
    else:
        finding = f"none of the {len(items)} finishes the lap"
    fig.suptitle(f"{env_label} on {track.name}, first trial from the start line: {finding}", fontsize=10)
    return save_figure(fig, path)
