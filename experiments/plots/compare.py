"""The comparison chart: one bar per agent (mean across seeds, ± std as an error bar)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt

from experiments.plots.common import save_figure


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
    errors = [g.get(f"{metric}_std", 0.0) * scale for g in rows]
    learned = [g.get("steps", 0) > 0 for g in rows]
    fig, ax = plt.subplots(figsize=(max(6, 1.1 * len(rows)), 4.2))
    colors = ["C1" if is_learned else "C0" for is_learned in learned]
    ax.bar(range(len(rows)), values, yerr=errors, color=colors, capsize=4)
    ax.set_xticks(range(len(rows)), names, rotation=25, ha="right")
    ax.set_ylabel(label)
    ax.grid(axis="y", alpha=0.3)
    best, worst = rows[0], rows[-1]
    ax.set_title(
        f"{env_label}: {config_label(best)} is best on {label} ({best[metric] * scale:.3g}), "
        f"{config_label(worst)} worst ({worst[metric] * scale:.3g})\n"
        "blue: fixed algorithms · orange: trained (error bar: ± std across seeds)",
        fontsize=9,
    )
    return save_figure(fig, path)
