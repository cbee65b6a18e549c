"""Learning curves: evaluation return against environment steps, mean ± band across seeds.

A run's curve (``curve.csv``) comes from its periodic evaluations (``evaluations.npz``:
deterministic episodes on a separate env) or, failing that, from the Monitor log of its
training episodes, averaged in bins of steps. Runs that differ only in their seed form one
group; the group's line is the mean over seeds and the band ± one standard deviation.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from experiments.io import atomic_write
from experiments.plots.common import save_figure

CURVE_FILE = "curve.csv"


def monitor_episodes(run_dir: Path) -> tuple[np.ndarray, np.ndarray]:
    """(end step, return) of every training episode in the run's Monitor CSVs, in time order."""
    rows = []
    for path in sorted((run_dir / "monitor").glob("*.monitor.csv")):
        with path.open(encoding="utf-8") as file:
            next(file)  # the JSON header line
            rows += [(float(r["t"]), float(r["r"]), int(r["l"])) for r in csv.DictReader(file)]
    rows.sort()
    if not rows:
        return np.zeros(0), np.zeros(0)
    lengths = np.array([length for _, _, length in rows])
    return np.cumsum(lengths), np.array([ret for _, ret, _ in rows])


def write_curve(run_dir: Path, bins: int = 20) -> Path:
    """``curve.csv`` (steps, mean_return, std_return, source) for one run."""
    npz = run_dir / "evaluations.npz"
    if npz.is_file():
        data = np.load(npz)
        steps, results = data["timesteps"], data["results"]
        rows = [
            (int(s), float(r.mean()), float(r.std()), "evaluation")
            for s, r in zip(steps, results, strict=True)
        ]
    else:
        ends, returns = monitor_episodes(run_dir)
        rows = []
        if len(ends):
            edges = np.linspace(0, ends[-1], bins + 1)
            for lo, hi in zip(edges[:-1], edges[1:], strict=True):
                chosen = returns[(ends > lo) & (ends <= hi)]
                if len(chosen):
                    rows.append((int(hi), float(chosen.mean()), float(chosen.std()), "training"))

    def write(tmp: Path) -> None:
        with tmp.open("w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file)
            writer.writerow(["steps", "mean_return", "std_return", "source"])
            writer.writerows(rows)

    return atomic_write(run_dir / CURVE_FILE, write)


def load_curve(run_dir: str | Path) -> tuple[np.ndarray, np.ndarray, str]:
    """(steps, mean return, source) of a run's learning curve (empty for baselines)."""
    path = Path(run_dir) / CURVE_FILE
    if not path.is_file():
        return np.zeros(0), np.zeros(0), ""
    with path.open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    steps = np.array([float(r["steps"]) for r in rows])
    means = np.array([float(r["mean_return"]) for r in rows])
    return steps, means, rows[0]["source"] if rows else ""


def group_label(config: dict[str, Any]) -> str:
    """What identifies a config apart from its seed: ``ppo · reward=progress``."""
    parts = [config["agent"]]
    if config.get("reward"):
        parts.append(f"reward={config['reward']}")
    return " · ".join(parts)


def group_runs(run_dirs: list[str | Path]) -> dict[tuple[str, str], list[Path]]:
    """Runs grouped by (env, label): equal settings except the seed."""
    groups: dict[tuple[str, str], list[Path]] = defaultdict(list)
    for run_dir in run_dirs:
        config = json.loads((Path(run_dir) / "result.json").read_text(encoding="utf-8"))["config"]
        groups[(config["env"], group_label(config))].append(Path(run_dir))
    return dict(groups)


def mean_band(curves: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean and std across seeds on a common step grid (each curve interpolated onto it)."""
    curves = [(s, m) for s, m in curves if len(s)]
    if not curves:
        return np.zeros(0), np.zeros(0), np.zeros(0)
    last = min(s[-1] for s, _ in curves)
    grid = np.unique(np.concatenate([s[s <= last] for s, _ in curves]))
    stacked = np.array([np.interp(grid, s, m) for s, m in curves])
    return grid, stacked.mean(axis=0), stacked.std(axis=0)


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


def plot_learning_panels(
    panels: dict[str, tuple[dict[str, list[Path]], dict[str, float]]], path: str | Path, env_label: str
) -> Path:
    """One panel per reward function: returns under different rewards are not comparable, so
    each panel shows the learners trained on one reward and the fixed agents scored by it."""
    wide = len(panels) > 1
    fig, axes = plt.subplots(1, len(panels), figsize=(6 * len(panels) if wide else 8, 4.8), squeeze=False)
    for ax, (title, (groups, baselines)) in zip(axes[0], panels.items(), strict=True):
        finals = _draw_curves(ax, groups, baselines)
        ax.set_title(curve_finding(title or env_label, finals, baselines), fontsize=9)
    if wide:
        fig.suptitle(f"{env_label}: learning curves, one panel per reward function (mean ± std across seeds)")
    fig.tight_layout()
    return save_figure(fig, path)


def _draw_curves(ax, groups: dict[str, list[Path]], baselines: dict[str, float]) -> dict[str, tuple]:
    """Draw mean ± std per group and the baselines on ``ax``; returns each group's final point."""
    finals: dict[str, tuple[float, float, int, int]] = {}
    for label, run_dirs in sorted(groups.items()):
        curves = [load_curve(run_dir)[:2] for run_dir in run_dirs]
        grid, mean, std = mean_band(curves)
        if not len(grid):
            continue
        source = " [training episodes]" if load_curve(run_dirs[0])[2] == "training" else ""
        seeds = f"{len(run_dirs)} seed{'s' if len(run_dirs) > 1 else ''}"
        line = ax.plot(grid, mean, label=f"{label}{source} ({seeds})")[0]
        ax.fill_between(grid, mean - std, mean + std, color=line.get_color(), alpha=0.2)
        finals[label] = (float(mean[-1]), float(std[-1]), int(grid[-1]), len(run_dirs))
    for index, (label, value) in enumerate(sorted(baselines.items())):
        ax.axhline(value, linestyle="--", color=f"C{(index + len(finals)) % 10}", label=f"{label} (fixed)")
    ax.set_xlabel("environment steps")
    ax.set_ylabel("evaluation episode return")
    ax.grid(alpha=0.3)
    if finals or baselines:
        ax.legend(fontsize=8, loc="best")
    return finals


def curve_finding(label: str, finals: dict[str, tuple], baselines: dict[str, float]) -> str:
    """A title that states what the curves show, computed from their final values."""
    if not finals:
        return f"{label}: no learning curves recorded"
    best = max(finals, key=lambda name: finals[name][0])
    mean, std, steps, seeds = finals[best]
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


def plot_run(run_dir: str | Path, path: str | Path) -> Path:
    """The learning curve of one run."""
    run_dir = Path(run_dir)
    config = json.loads((run_dir / "config.json").read_text(encoding="utf-8"))["config"]
    return plot_learning_curves({group_label(config): [run_dir]}, path, config["env"])


def run_dirs_in(paths: list[str | Path]) -> list[Path]:
    """The finished runs among ``paths``: run directories, or compare folders (their ``runs/``)."""
    from envs.errors import GymlabError

    found: list[Path] = []
    for path in map(Path, paths):
        if (path / "result.json").is_file():
            found.append(path)
        elif (path / "runs").is_dir():
            finished = sorted(p for p in (path / "runs").iterdir() if (p / "result.json").is_file())
            if not finished:
                raise GymlabError(
                    f"{path} has no finished runs yet; run `gymlab compare` to completion first"
                )
            found += finished
        else:
            raise GymlabError(
                f"{path} is not a finished gymlab run (no result.json) nor a compare folder (no runs/); "
                "pass folders written by `gymlab train` or `gymlab compare`"
            )
    return found


def plot_runs(paths: list[str | Path], out: str | Path | None = None) -> list[Path]:
    """One learning-curve PNG per env over the given runs, grouped by config (mean ± band)."""
    from experiments.io import default_out_dir

    runs = [run for run in run_dirs_in(paths) if (run / CURVE_FILE).is_file()]
    if not runs:
        from envs.errors import GymlabError

        raise GymlabError(
            "none of these runs has a learning curve (baselines do not learn); pass trained runs"
        )
    out = Path(out) if out is not None else default_out_dir("plot")
    by_env: dict[str, dict[str, list[Path]]] = defaultdict(dict)
    for (env, label), members in group_runs(runs).items():
        by_env[env][label] = members
    return [
        plot_learning_curves(groups, out / f"{env.split('/')[-1]}_learning.png", env)
        for env, groups in sorted(by_env.items())
    ]
