"""report.md for a comparison: per env a table, the plots, and a conclusion from the numbers.

Every sentence of the conclusion is computed: which config is best on the env's main
measure, how the best learned agent stands against the best fixed algorithm, and how much
the learned agents vary across seeds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gymlab.envs.raceline import env_limit, lap_limit
from gymlab.experiments.environments import make_env, short_name
from gymlab.experiments.io import write_text
from gymlab.experiments.plots.compare import config_label, plot_metric_bars
from gymlab.experiments.plots.learning import learning_panels, plot_learning_panels
from gymlab.experiments.profiles import Measure, profile_for
from gymlab.experiments.spread import IQM_MIN_N, difference, probability_of_improvement, spread, verdict
from gymlab.experiments.store import RunResult, read_evaluation

TRAINING = [Measure("train_seconds", "training", unit="s"), Measure("steps", "training steps", whole=True)]


def measures(full_id: str) -> list[Measure]:
    """The report's columns for ``full_id`` (its profile's), main measure first."""
    return list(profile_for(full_id).columns)


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
    """The mean; across two or more seeds also ± the sample std and the 95 % interval."""
    if group.get(measure.key) is None:
        return "–"
    text = measure.format(group[measure.key])
    std = group.get(f"{measure.key}_std")
    if std is not None and group.get(f"{measure.key}_n", 0) > 1:
        spread = f"{100 * std:.1f}" if measure.percent else measure.format(std)
        low, high = (measure.format(group[f"{measure.key}_{end}"]) for end in ("low", "high"))
        text += f" ± {spread} [{low}, {high}]"
    return text


def markdown_row(cells: list[Any]) -> str:
    """One Markdown table row; a ``|`` inside a cell is escaped (``\\|``) so it stays one column."""
    return "| " + " | ".join(str(cell).replace("|", "\\|") for cell in cells) + " |"


def table(groups: list[dict[str, Any]], full_id: str) -> str:
    """A markdown table, one row per config, sorted by the main measure."""
    columns = [*measures(full_id), *TRAINING]
    ordered = sorted(groups, key=lambda g: rank_key(g, full_id))
    lines = [
        markdown_row(["agent", "seeds", *(m.heading for m in columns)]),
        "|---" * (2 + len(columns)) + "|",
    ]
    for group in ordered:
        lines.append(markdown_row([config_label(group), group["seeds"], *(_cell(group, m) for m in columns)]))
    return "\n".join(lines)


def _names(groups: list[dict[str, Any]]) -> str:
    labels = [config_label(g) for g in groups]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def conclusion(
    groups: list[dict[str, Any]], full_id: str, rows: list[dict[str, Any]] | None = None
) -> list[str]:
    """Sentences computed from the numbers: who is best, learned vs fixed (mean and best seed),
    which reward helps a learner most, the best on each other measure, the spread across seeds."""
    columns = measures(full_id)
    main, second = (columns + [None])[:2]
    rated = sorted((g for g in groups if g.get(main.key) is not None), key=lambda g: rank_key(g, full_id))
    if not rated:
        return [f"No run produced {main.label}."]

    def describe(group: dict[str, Any]) -> str:
        text = main.say(group[main.key])
        if second is not None and group.get(second.key) is not None:
            text += f", {second.phrase(group[second.key])}"
        return text

    top = [g for g in rated if rank_key(g, full_id) == rank_key(rated[0], full_id)]
    tie_broken = second is not None and sum(g[main.key] == rated[0][main.key] for g in rated) > len(top)
    ranked_by = f"{main.label}, then {second.label}" if tie_broken else main.label
    sentences = [f"Best on {ranked_by}: **{_names(top)}** ({describe(rated[0])})."]
    learned = [g for g in rated if g.get("steps", 0) > 0]
    fixed = [g for g in rated if g.get("steps", 0) == 0]
    if learned and fixed:
        top_learned, top_fixed, worst_fixed = learned[0], fixed[0], fixed[-1]
        standing, evidence = compare_groups(top_learned, top_fixed, rows or [], [main, second])
        sentences.append(
            f"The best learned agent, {config_label(top_learned)} ({describe(top_learned)} after "
            f"{int(top_learned['steps']):,} training steps, mean of n = {top_learned['seeds']} seed(s)), "
            f"{standing} the best fixed algorithm, {config_label(top_fixed)} ({describe(top_fixed)}"
            f"{', n = ' + str(top_fixed['seeds']) if top_fixed['seeds'] > 1 else ''}){evidence}."
        )
        seeds = [r for r in rows or [] if _same_config(r, top_learned) and r.get(main.key) is not None]
        if standing != "beats" and len(seeds) > 1:
            best_seed = min(seeds, key=lambda r: rank_key(r, full_id))
            if rank_key(best_seed, full_id) <= rank_key(top_fixed, full_id):
                sentences.append(
                    f"Its best seed alone (seed {best_seed['seed']}: {describe(best_seed)}) "
                    f"{'matches' if rank_key(best_seed, full_id) == rank_key(top_fixed, full_id) else 'beats'} "
                    f"{config_label(top_fixed)}: the learning works, but not reliably across seeds yet."
                )
        if worst_fixed is not top_fixed and standing != "beats":
            beaten = rank_key(top_learned, full_id) < rank_key(worst_fixed, full_id)
            sentences.append(
                f"It {'does' if beaten else 'does not'} beat the weakest fixed algorithm, "
                f"{config_label(worst_fixed)} ({describe(worst_fixed)})."
            )
    for agent in dict.fromkeys(g["agent"] for g in learned):
        by_reward = [g for g in learned if g["agent"] == agent and g.get("reward") not in (None, "default")]
        if len(by_reward) > 1:
            sentences.append(
                f"Among rewards, {agent} does best with {by_reward[0]['reward']} ({describe(by_reward[0])}) "
                f"and worst with {by_reward[-1]['reward']} ({describe(by_reward[-1])})."
            )
    leaders = [g for g in rated if g[main.key] == rated[0][main.key]]  # comparable on the main measure
    for measure in columns[2:]:
        values = [g for g in leaders if g.get(measure.key) is not None and measure.better]
        if len(values) > 1:
            pick = max if measure.better == "higher" else min
            best_value = pick(g[measure.key] for g in values)
            winners = [g for g in values if g[measure.key] == best_value]
            if len(winners) < len(values):
                sentences.append(
                    f"Among those with the best {main.label}, best on {measure.label}: "
                    f"{_names(winners)} ({measure.say(best_value)})."
                )
    spread = [
        (g[f"{m.key}_std"] / max(abs(g[m.key]), 1e-12), g, m)
        for g in learned
        for m in (main, second)
        if m is not None and g["seeds"] > 1 and g.get(f"{m.key}_std") and g.get(m.key) is not None
    ]
    if spread:
        relative, group, measure = max(spread, key=lambda item: item[0])
        sentences.append(
            f"Across seeds, the largest spread is {config_label(group)}'s {measure.label}: "
            f"{measure.format(group[measure.key])} ± {measure.say(group[f'{measure.key}_std'])} "
            f"({100 * relative:.2g} % of its mean)."
        )
    elif any(g["seeds"] > 1 for g in learned):
        sentences.append(f"Every seed of each learned agent gives the same {main.label}.")
    return sentences


VERDICT_WORDS = {"beats": "beats", "loses": "trails", "ties": "ties with"}


def compare_groups(
    a: dict[str, Any], b: dict[str, Any], rows: list[dict[str, Any]], order: list[Measure | None]
) -> tuple[str, str]:
    """Whether config ``a`` beats, trails or ties with ``b``, as the 95 % interval of the
    difference of their per-seed values says (Welch–Student t; one seed counts as exact), on the
    first measure of ``order`` where they differ; and the evidence as a phrase."""
    for measure in order:
        if measure is None or measure.better is None:
            continue
        values_a = [r[measure.key] for r in rows if _same_config(r, a) and r.get(measure.key) is not None]
        values_b = [r[measure.key] for r in rows if _same_config(r, b) and r.get(measure.key) is not None]
        if not values_a or not values_b:
            continue
        found = verdict(values_a, values_b, higher_is_better=measure.better == "higher")
        if found == "ties" and spread(values_a).mean == spread(values_b).mean:
            continue  # level on this measure: the next one decides
        gap = difference(values_a, values_b)
        evidence = ""
        if gap.df is not None:
            scale = 100.0 if measure.percent else measure.scale
            unit = " points" if measure.percent else (f" {measure.unit}" if measure.unit else "")
            evidence = (
                f" (on {measure.label}: difference {gap.estimate * scale:+.3g}{unit}, 95 % interval "
                f"[{gap.low * scale:+.3g}, {gap.high * scale:+.3g}]"
            )
            if len(values_a) >= IQM_MIN_N:
                chance = probability_of_improvement(values_a, values_b, measure.better == "higher")
                evidence += f"; P(a seed of it does better) = {chance:.2f}"
            evidence += ")"
        return VERDICT_WORDS[found], evidence
    return "ties with", ""


def _same_config(row: dict[str, Any], group: dict[str, Any]) -> bool:
    return (row["env"], row["agent"], row["reward"]) == (group["env"], group["agent"], group["reward"])


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
        env_rows = [row for row in summary["runs"] if row["env"] == full_id]
        lines += [f"## {full_id}", "", table(env_groups, full_id), ""]
        note = env_note(full_id, env_rows)
        if note:
            lines += [note, ""]
        for plot in env_plots(out, full_id, env_groups, [r for r in results if r.config["env"] == full_id]):
            lines += [f"![{plot.stem}]({plot.name})", ""]
        lines += ["**Conclusion.** " + " ".join(conclusion(env_groups, full_id, env_rows)), ""]
    lines += [
        "## Provenance",
        "",
        "Versions: " + ", ".join(f"{name} {version}" for name, version in versions.items() if version) + ".",
        "Each run's folder under `runs/` holds its resolved config, seed, model, Monitor log and evaluations.",
        "",
    ]
    return write_text(out / "report.md", "\n".join(lines))


def env_note(full_id: str, rows: list[dict[str, Any]]) -> str | None:
    """The env's own sentence under its table (its :class:`Measures`' ``note``), if it has one."""
    measured = profile_for(full_id).measures
    return measured.note(rows) if measured is not None and measured.note is not None else None


def _budget(settings: dict[str, Any]) -> str:
    if settings.get("steps"):
        return f"{settings['steps']:,} training steps per learner"
    return "quick budgets" if settings["quick"] else "full budgets"


def env_plots(out: Path, full_id: str, groups: list[dict], results: list[RunResult]) -> list[Path]:
    """The env's plots: learning curves (with baselines) and its main measure per agent."""
    short = short_name(full_id)
    plots = []
    if any(r.config["kind"] != "baseline" for r in results):
        panels, fixed_laps = learning_panels([r.run_dir for r in results])
        plots.append(plot_learning_panels(panels, out / f"{short}_learning.png", full_id, fixed_laps))
    main = measures(full_id)[0]
    bars = plot_metric_bars(
        groups,
        main.key,
        f"{main.label} (%)" if main.percent else main.heading,
        main.better or "higher",
        out / f"{short}_{main.key}.png",
        full_id,
        scale=100.0 if main.percent else 1.0,
    )
    if bars is not None:
        plots.append(bars)
    if profile_for(full_id).laps:
        plots.append(trajectories(out, full_id, results))
    return plots


def trajectories(out: Path, full_id: str, results: list[RunResult]) -> Path:
    """The track with each config's first trial (the lowest seed of each learned config)."""
    from gymlab.experiments.plots.compare import plot_trajectories

    chosen: dict[str, RunResult] = {}
    for result in sorted(results, key=lambda r: r.config["seed"]):
        chosen.setdefault(
            config_label({"agent": result.config["agent"], "reward": result.config["reward"]}), result
        )
    items = []
    for label, result in chosen.items():
        rows = read_evaluation(result.run_dir)["episodes"]
        items.append(
            (
                label if result.config["kind"] == "baseline" else f"{label} (seed {result.config['seed']})",
                rows[0],
            )
        )
    env = make_env(full_id, next(iter(chosen.values())).config["env_kwargs"])
    track = env.unwrapped.track
    limit_s = env_limit(env)  # None without CasADi: then no limit line
    line = lap_limit(track, env.unwrapped.car.spec).xy if limit_s is not None else None
    env.close()
    return plot_trajectories(
        track, items, out / f"{short_name(full_id)}_trajectories.png", full_id, line, limit_s
    )
