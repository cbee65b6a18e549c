"""report.md for a comparison: per env a table, the plots, and a conclusion from the numbers.

Every sentence of the conclusion is computed: which config is best on the env's main
measure, how the best learned agent stands against the best fixed algorithm, and how much
the learned agents vary across seeds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from experiments import runner
from experiments.io import write_text
from experiments.plots.compare import config_label, plot_metric_bars
from experiments.plots.learning import group_label, plot_learning_curves
from experiments.runner import RunResult


@dataclass(frozen=True)
class Measure:
    """A column of the report: a metric key, its label, which way is better, its format."""

    key: str
    label: str
    better: str | None = None  # "higher", "lower", or None (just shown)
    percent: bool = False
    whole: bool = False

    def format(self, value: float | None) -> str:
        if value is None:
            return "–"
        if self.whole:
            return f"{value:,.0f}"
        return f"{100 * value:.1f} %" if self.percent else f"{value:.3g}"


# The measures of each env, main measure first.
MEASURES: dict[str, list[Measure]] = {
    "gymlab/CoinChange-v0": [
        Measure("optimality_rate", "optimal payments", "higher", percent=True),
        Measure("mean_coins", "coins per payment", "lower"),
        Measure("mean_excess_coins", "coins above optimal", "lower"),
        Measure("paid_rate", "amounts paid", "higher", percent=True),
    ],
    "gymlab/TSP-v0": [
        Measure("mean_gap_percent", "gap to optimal (%)", "lower"),
        Measure("optimal_rate", "optimal tours", "higher", percent=True),
        Measure("decision_seconds", "seconds per instance", "lower"),
    ],
    "gymlab/TrackRacer-v0": [
        Measure("mean_progress", "lap completed (%)", "higher"),
        Measure("mean_lap_time", "lap time (s)", "lower"),
        Measure("completion_rate", "trials finished", "higher", percent=True),
        Measure("off_track", "off-track per trial", "lower"),
        Measure("zigzag_deg", "mean |Δsteering| (°/step)", "lower"),
    ],
}
DEFAULT_MEASURES = [Measure("mean_return", "mean return", "higher"), Measure("mean_length", "episode length")]
TRAINING = [Measure("train_seconds", "training (s)"), Measure("steps", "training steps", whole=True)]


def measures(full_id: str) -> list[Measure]:
    return MEASURES.get(full_id, DEFAULT_MEASURES)


def rank_key(group: dict[str, Any], full_id: str) -> tuple[float, float]:
    """Sort key, best first: the main measure, then the second one to break ties (a missing
    value — no lap, no tour — ranks last)."""
    keys = []
    for measure in measures(full_id)[:2]:
        value = group.get(measure.key)
        if value is None or measure.better is None:
            keys.append(float("inf"))
        else:
            keys.append(-value if measure.better == "higher" else value)
    return tuple(keys)


def _cell(group: dict[str, Any], measure: Measure) -> str:
    if group.get(measure.key) is None:
        return "–"
    text = measure.format(group[measure.key])
    spread = group.get(f"{measure.key}_std")
    if group["seeds"] > 1 and spread is not None:
        text += f" ± {measure.format(spread) if not measure.percent else f'{100 * spread:.1f}'}"
    return text


def table(groups: list[dict[str, Any]], full_id: str) -> str:
    """A markdown table, one row per config, sorted by the main measure."""
    columns = [*measures(full_id), *TRAINING]
    ordered = sorted(groups, key=lambda g: rank_key(g, full_id))
    lines = [
        "| agent | seeds | " + " | ".join(m.label for m in columns) + " |",
        "|---|---|" + "---|" * len(columns),
    ]
    for group in ordered:
        cells = [_cell(group, m) for m in columns]
        lines.append(f"| {config_label(group)} | {group['seeds']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def conclusion(groups: list[dict[str, Any]], full_id: str) -> list[str]:
    """Sentences computed from the numbers: the best config, learned vs fixed, seed spread."""
    main, second = (measures(full_id) + [None])[:2]
    rated = sorted((g for g in groups if g.get(main.key) is not None), key=lambda g: rank_key(g, full_id))
    if not rated:
        return [f"No run produced {main.label}."]

    def describe(group: dict[str, Any]) -> str:
        text = main.format(group[main.key])
        if second is not None and group.get(second.key) is not None:
            name, _, unit = second.label.partition(" (")
            text += f", {name} {second.format(group[second.key])} {unit.rstrip(')')}".rstrip()
        return text

    best = rated[0]
    sentences = [f"Best on {main.label}: **{config_label(best)}** ({describe(best)})."]
    learned = [g for g in rated if g.get("steps", 0) > 0]
    fixed = [g for g in rated if g.get("steps", 0) == 0]
    if learned and fixed:
        top_learned, top_fixed, worst_fixed = learned[0], fixed[0], fixed[-1]
        if rank_key(top_learned, full_id) == rank_key(top_fixed, full_id):
            verdict = "matches"
        else:
            verdict = "beats" if rank_key(top_learned, full_id) < rank_key(top_fixed, full_id) else "trails"
        sentences.append(
            f"The best learned agent, {config_label(top_learned)} ({describe(top_learned)} after "
            f"{int(top_learned['steps']):,} training steps, mean of {top_learned['seeds']} seed(s)), "
            f"{verdict} the best fixed algorithm, {config_label(top_fixed)} ({describe(top_fixed)})."
        )
        if worst_fixed is not top_fixed and verdict == "trails":
            beaten = rank_key(top_learned, full_id) < rank_key(worst_fixed, full_id)
            sentences.append(
                f"It {'does' if beaten else 'does not'} beat the weakest fixed algorithm, "
                f"{config_label(worst_fixed)} ({describe(worst_fixed)})."
            )
    spread = [(g, g.get(f"{main.key}_std") or 0.0) for g in learned if g["seeds"] > 1]
    if spread:
        group, std = max(spread, key=lambda item: item[1])
        sentences.append(
            f"Across seeds, {config_label(group)} varies most: ± {main.format(std)} on {main.label}."
        )
    return sentences


def write_report(out: str | Path, results: list[RunResult], summary: dict[str, Any]) -> Path:
    """Write the plots and ``report.md`` under ``out``; returns the report's path."""
    out = Path(out)
    groups = summary["groups"]
    envs = list(dict.fromkeys(group["env"] for group in groups))
    settings = summary["provenance"]["config"]
    versions = summary["provenance"]["versions"]
    lines = [
        f"# gymlab compare: {settings['suite']} suite",
        "",
        f"{len(results)} runs ({_budget(settings)}, "
        f"{settings['seeds']} seed(s) per learned agent). Evaluation episodes are the same for every "
        "agent (same amounts, same instances, same start).",
        "",
    ]
    for full_id in envs:
        env_groups = [g for g in groups if g["env"] == full_id]
        lines += [f"## {full_id}", "", table(env_groups, full_id), ""]
        for plot in env_plots(out, full_id, env_groups, [r for r in results if r.config["env"] == full_id]):
            lines += [f"![{plot.stem}]({plot.name})", ""]
        lines += ["**Conclusion.** " + " ".join(conclusion(env_groups, full_id)), ""]
    lines += [
        "## Provenance",
        "",
        "Versions: " + ", ".join(f"{name} {version}" for name, version in versions.items() if version) + ".",
        "Each run's folder under `runs/` holds its resolved config, seed, model, Monitor log and evaluations.",
        "",
    ]
    return write_text(out / "report.md", "\n".join(lines))


def _budget(settings: dict[str, Any]) -> str:
    if settings.get("steps"):
        return f"{settings['steps']:,} training steps per learner"
    return "quick budgets" if settings["quick"] else "full budgets"


def env_plots(out: Path, full_id: str, groups: list[dict], results: list[RunResult]) -> list[Path]:
    """The env's plots: learning curves (with baselines) and its main measure per agent."""
    short = runner.short_name(full_id)
    plots = []
    learned = [r for r in results if r.config["kind"] != "baseline"]
    if learned:
        curves: dict[str, list[Path]] = {}
        for result in learned:
            curves.setdefault(group_label(result.config), []).append(result.run_dir)
        baselines = {
            config_label(g): g["mean_return"] for g in groups if g.get("steps", 0) == 0 and "mean_return" in g
        }
        plots.append(plot_learning_curves(curves, out / f"{short}_learning.png", full_id, baselines))
    main = measures(full_id)[0]
    bars = plot_metric_bars(
        groups,
        main.key,
        f"{main.label} (%)" if main.percent else main.label,
        main.better or "higher",
        out / f"{short}_{main.key}.png",
        full_id,
        scale=100.0 if main.percent else 1.0,
    )
    if bars is not None:
        plots.append(bars)
    if full_id in TRAJECTORY_ENVS:
        plots.append(trajectories(out, full_id, results))
    return plots


TRAJECTORY_ENVS = ("gymlab/TrackRacer-v0",)


def trajectories(out: Path, full_id: str, results: list[RunResult]) -> Path:
    """The track with each config's first trial (the lowest seed of each learned config)."""
    import json

    from experiments.plots.compare import plot_trajectories

    chosen: dict[str, RunResult] = {}
    for result in sorted(results, key=lambda r: r.config["seed"]):
        chosen.setdefault(
            config_label({"agent": result.config["agent"], "reward": result.config["reward"]}), result
        )
    items = []
    for label, result in chosen.items():
        rows = json.loads((result.run_dir / "evaluation.json").read_text(encoding="utf-8"))["episodes"]
        items.append(
            (
                label if result.config["kind"] == "baseline" else f"{label} (seed {result.config['seed']})",
                rows[0],
            )
        )
    env = runner.make_env(full_id, next(iter(chosen.values())).config["env_kwargs"])
    track = env.unwrapped.track
    env.close()
    return plot_trajectories(track, items, out / f"{runner.short_name(full_id)}_trajectories.png", full_id)
