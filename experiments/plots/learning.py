"""Learning curves: evaluation return against environment steps, mean ± band across seeds.

A run's curve (``curve.csv``, read through :mod:`gymlab.experiments.store`) holds its
periodic evaluations on the env's fixed evaluation episodes, the last point being the run's
final evaluation. Runs that differ only in their seed form one group; the group's line is
the mean over seeds and the band ± one standard deviation.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from gymlab.envs.errors import GymlabError
from gymlab.experiments.io import default_out_dir
from gymlab.experiments.plots.common import save_figure
from gymlab.experiments.profiles import profile_for
from gymlab.experiments.store import has_curve, load_curve, load_result, read_config, run_dirs_in


def group_label(config: dict[str, Any]) -> str:
    """What identifies a config apart from its seed: ``ppo · reward=progress``."""
    parts = [config["agent"]]
    if config.get("reward"):
        parts.append(f"reward={config['reward']}")
    return " · ".join(parts)


def mean_band(
    curves: list[tuple[np.ndarray, np.ndarray]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Mean, sample std (ddof = 1; NaN with fewer than two seeds) and number of seeds with a
    value, across seeds on a common step grid (each curve interpolated onto it).

    A missing value (NaN: that seed finished no lap there) is left out of the mean at that
    step; a step where every seed misses stays NaN (a gap in the line)."""
    curves = [(s, m) for s, m in curves if np.isfinite(m).any()]
    if not curves:
        return np.zeros(0), np.zeros(0), np.zeros(0), np.zeros(0, dtype=int)
    last = min(s[-1] for s, _ in curves)
    grid = np.unique(np.concatenate([s[s <= last] for s, _ in curves]))
    stacked = np.array([np.interp(grid, s, m) for s, m in curves])
    present = np.isfinite(stacked)
    count = present.sum(axis=0)
    filled = np.where(present, stacked, 0.0)
    mean = filled.sum(axis=0) / np.maximum(count, 1)
    squares = (np.where(present, filled - mean, 0.0) ** 2).sum(axis=0)
    std = np.sqrt(squares / np.maximum(count - 1, 1))  # the sample std (ddof = 1) across seeds
    std[count < 2] = np.nan  # one seed: no spread measured, no band
    mean[count == 0] = np.nan
    return grid, mean, std, count


Panels = dict[str, tuple[dict[str, list[Path]], dict[str, float]]]  # title → (learners, fixed agents)
RETURN, LAP = "mean_return", "lap_seconds"  # the curve.csv columns drawn in the two rows


def plot_learning_curves(
    groups: dict[str, list[Path]],
    path: str | Path,
    env_label: str,
    baselines: dict[str, float] | None = None,
) -> Path:
    """One line per group (mean over seeds) with a ± std band; baselines as dashed lines.

    The title states the finding: which config ends highest, by how much, after how many steps.
    """
    return plot_learning_panels({"": (groups, baselines or {})}, path, env_label)


def has_laps(panels: Panels) -> bool:
    """Whether any run of the panels recorded a finished lap in its evaluations."""
    return any(
        np.isfinite(load_curve(run_dir, LAP, lineage=True)[1]).any()
        for groups, _ in panels.values()
        for run_dirs in groups.values()
        for run_dir in run_dirs
    )


def plot_learning_panels(
    panels: Panels, path: str | Path, env_label: str, fixed_laps: dict[str, float] | None = None
) -> Path:
    """One column per reward function: returns under different rewards are not comparable, so
    each column shows the learners trained on one reward and the fixed agents scored by it.

    On a lap env a second row shows the evaluation lap time (s) of the same runs, with the
    fixed agents' lap times (``fixed_laps``) as dashed lines: a reward such as ``progress``
    pays 100 for every finished lap, so only the lap time shows the policy getting faster.
    """
    rows = 2 if has_laps(panels) else 1
    wide = len(panels) > 1
    fig, axes = plt.subplots(
        rows, len(panels), figsize=(6 * len(panels) if wide else 8, 4.8 * rows), squeeze=False
    )
    for column, (title, (groups, baselines)) in enumerate(panels.items()):
        finals = _draw_curves(axes[0, column], groups, baselines, RETURN, "evaluation episode return")
        axes[0, column].set_title(curve_finding(title or env_label, finals, baselines), fontsize=9)
        if rows == 2:
            laps = fixed_laps or {}
            finals = _draw_curves(
                axes[1, column], groups, laps, LAP, "evaluation lap time (s), finished laps only"
            )
            axes[1, column].set_title(lap_finding(title or env_label, finals, laps), fontsize=9)
    if wide or rows == 2:
        what = "evaluation return (top) and lap time from the start line (bottom)" if rows == 2 else "return"
        per = ", one column per reward function" if wide else ""
        fig.suptitle(f"{env_label}: learning curves{per}: {what}, mean ± std across seeds")
    fig.tight_layout()
    return save_figure(fig, path)


def _draw_curves(
    ax, groups: dict[str, list[Path]], baselines: dict[str, float], column: str, ylabel: str
) -> dict[str, tuple]:
    """Draw mean ± std of ``column`` per group and the baselines on ``ax``; returns each
    group's final point (mean, std, steps, seeds with a value there, seeds)."""
    finals: dict[str, tuple[float, float, int, int, int]] = {}
    for label, run_dirs in sorted(groups.items()):
        curves = [load_curve(run_dir, column, lineage=True)[:2] for run_dir in run_dirs]
        grid, mean, std, count = mean_band(curves)
        if not len(grid):
            continue
        seeds = f"{len(run_dirs)} seed{'s' if len(run_dirs) > 1 else ''}"
        line = ax.plot(grid, mean, marker="." if column == LAP else None, label=f"{label} ({seeds})")[0]
        ax.fill_between(grid, mean - std, mean + std, color=line.get_color(), alpha=0.2)
        finals[label] = (float(mean[-1]), float(std[-1]), int(grid[-1]), int(count[-1]), len(run_dirs))
    for index, (label, value) in enumerate(sorted(baselines.items())):
        ax.axhline(value, linestyle="--", color=f"C{(index + len(finals)) % 10}", label=f"{label} (fixed)")
    ax.set_xlabel("environment steps")
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    if finals or baselines:
        ax.legend(fontsize=8, loc="best")
    return finals


def curve_finding(label: str, finals: dict[str, tuple], baselines: dict[str, float]) -> str:
    """A title that states what the curves show, computed from their final values."""
    if not finals:
        return f"{label}: no learning curves recorded"
    best = max(finals, key=lambda name: finals[name][0])
    mean, std, steps, _, seeds = finals[best]
    spread = f" ± {std:.2g}" if seeds > 1 else ""
    if len(finals) == 1:
        text = f"{label}: {best} reaches return {mean:.3g}{spread}\nafter {steps:,} steps"
    else:
        worst = min(finals, key=lambda name: finals[name][0])
        text = (
            f"{label}: {best} ends highest ({mean:.3g}{spread} after {steps:,} steps),\n"
            f"{worst} lowest ({finals[worst][0]:.3g})"
        )
    if baselines:
        top = max(baselines, key=baselines.get)
        gap = mean - baselines[top]
        verdict = (
            "level with" if abs(gap) <= 1e-9 * max(1.0, abs(mean)) else ("above" if gap > 0 else "below")
        )
        text += f", {verdict} the best fixed agent, {top} ({baselines[top]:.3g})"
    return text


def lap_finding(label: str, finals: dict[str, tuple], fixed_laps: dict[str, float]) -> str:
    """A title for the lap-time panel: the fastest learner's lap at the last evaluation, and
    how it compares with the fastest fixed agent's lap."""
    finished = {name: final for name, final in finals.items() if np.isfinite(final[0])}
    if not finished:
        return f"{label}: no learner finishes a lap at the last evaluation"
    best = min(finished, key=lambda name: finished[name][0])
    mean, std, steps, lapping, seeds = finished[best]
    spread = f" ± {std:.2f}" if lapping > 1 else ""
    which = f" ({lapping} of {seeds} seeds lap)" if lapping < seeds else ""
    text = f"{label}: {best} laps in {mean:.2f}{spread} s{which} after {steps:,} steps"
    if fixed_laps:
        top = min(fixed_laps, key=fixed_laps.get)
        gap = fixed_laps[top] - mean
        verdict = (
            "level with" if abs(gap) < 0.005 else f"{abs(gap):.2f} s {'faster' if gap > 0 else 'slower'} than"
        )
        text += f",\n{verdict} {top} ({fixed_laps[top]:.2f} s)"
    return text


def learning_panels(run_dirs: list[str | Path]) -> tuple[Panels, dict[str, float]]:
    """The panels of one env's runs: a column per reward with its learners (mean over seeds)
    and the fixed agents' return under that reward; and the fixed agents' lap times (s)."""
    learners: dict[str, dict[str, list[Path]]] = defaultdict(lambda: defaultdict(list))
    fixed: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    laps: dict[str, list[float]] = defaultdict(list)
    for run_dir in map(Path, run_dirs):
        result = load_result(run_dir)
        config, metrics = result.config, result.metrics
        reward = config["reward"] or profile_for(config["env"]).default_reward
        title = f"reward {reward}" if reward else ""
        if has_curve(run_dir):
            learners[title][config["agent"]].append(run_dir)
            continue
        if metrics.get("mean_return") is not None:
            fixed[title][config["agent"]].append(metrics["mean_return"])
        if metrics.get("mean_lap_time") is not None:
            laps[config["agent"]].append(metrics["mean_lap_time"])  # the same whatever the reward
        if metrics.get("lap_limit_s") is not None:  # the physical limit, drawn beside the agents
            laps["lap-time limit"].append(metrics["lap_limit_s"])

    def means(values: dict[str, list[float]]) -> dict[str, float]:
        return {name: float(np.mean(found)) for name, found in values.items()}

    panels = {title: (dict(groups), means(fixed.get(title, {}))) for title, groups in learners.items()}
    return panels, means(laps)


def plot_run(run_dir: str | Path, path: str | Path) -> Path:
    """The learning curve of one run."""
    run_dir = Path(run_dir)
    config = read_config(run_dir)
    return plot_learning_curves({group_label(config): [run_dir]}, path, config["env"])


def plot_runs(paths: list[str | Path], out: str | Path | None = None) -> list[Path]:
    """One learning-curve PNG per env over the given runs, as ``gymlab compare`` draws them:
    a column per reward, mean ± band across seeds, fixed agents among the runs as dashed lines
    (and on the track, the lap-time row)."""
    runs = run_dirs_in(paths)
    by_env: dict[str, list[Path]] = defaultdict(list)
    for run_dir in runs:
        by_env[load_result(run_dir).config["env"]].append(run_dir)
    if not any(has_curve(run) for run in runs):
        raise GymlabError(
            "none of these runs has a learning curve (baselines do not learn); pass trained runs"
        )
    out = Path(out) if out is not None else default_out_dir("plot")
    plots = []
    for env, env_runs in sorted(by_env.items()):
        panels, fixed_laps = learning_panels(env_runs)
        if panels:
            path = out / f"{env.split('/')[-1]}_learning.png"
            plots.append(plot_learning_panels(panels, path, env, fixed_laps))
    return plots
