"""`gymlab compare`: baselines, exact solvers and learned agents side by side, across seeds.

A suite is a list of :class:`Part` — one env, its agents, the rewards the learners train on,
their budgets. :func:`build_specs` expands it into independent :class:`RunSpec` s (every
learner × reward × seed; every baseline once), :func:`gymlab.experiments.runner.run_all` runs them
(finished runs are reused), and the results land in ``OUT/``:

    results.csv, results.json   one row per run (and, in the JSON, the mean ± std per config)
    <env>_learning.png          learning curves, mean ± band across seeds
    <env>_<metric>.png          the main measure per agent
    report.md                   tables, plots and a conclusion computed from the numbers
    runs/<name>/                the run directories (see :mod:`gymlab.experiments.runner`)

``results.csv`` and ``results.json`` are rewritten after every finished run, so an
interrupted compare leaves readable results of everything it finished.
"""

from __future__ import annotations

import csv
import json
import time
from collections import defaultdict
from dataclasses import asdict
from pathlib import Path
from typing import Any

from gymlab.envs.errors import GymlabError
from gymlab.envs.limits import LIMITS, check_count
from gymlab.experiments import runner
from gymlab.experiments.io import atomic_write, default_out_dir, write_json
from gymlab.experiments.profiles import Part, canonical, profile_for, profiles
from gymlab.experiments.report import write_report
from gymlab.experiments.results import provenance
from gymlab.experiments.runner import RunResult, RunSpec
from gymlab.experiments.spec import config_hash
from gymlab.experiments.spread import spread
from gymlab.experiments.store import claim_comparison, folder_lock


def suites() -> dict[str, list[Part]]:
    """The built-in suites: one per env profile that declares one, and ``default`` (all of them)."""
    table = {profile.short: list(profile.parts) for profile in profiles() if profile.parts}
    table["default"] = [part for parts in table.values() for part in parts]
    return table


def build_specs(
    suite: str | list[Part] = "default",
    agents: list[str] | None = None,
    rewards: list[str] | None = None,
    seeds: int | None = None,
    quick: bool = False,
    steps: int | None = None,
    episodes: int | None = None,
) -> list[RunSpec]:
    """Every run of a suite: each learner × reward × seed, each randomised baseline × seed, each
    deterministic baseline once (seed 0). ``seeds=None``: 5, or 3 with ``quick``."""
    parts = _suite(suite)
    agents = [canonical(name) for name in agents] if agents else None
    seeds = check_count("--seeds", default_seeds(quick) if seeds is None else seeds, LIMITS["seeds"])
    if rewards and not any(profile_for(part.env).reward_arg for part in parts):
        raise GymlabError("--rewards applies to the track (its learners train on them); this suite has none")
    known = {name for part in parts for name in part.agents}
    for name in agents or []:
        if name not in known:
            raise GymlabError(
                f"unknown agent {name!r} for this suite; choose from: {', '.join(sorted(known))}"
            )
    specs = []
    for part in parts:
        budgets = part.quick_steps if quick else part.steps
        part_rewards = _rewards(part, rewards)
        n_episodes = episodes or (part.quick_eval_episodes if quick else part.eval_episodes)
        own = profile_for(part.env).agents
        for name in part.agents:
            if agents and name not in agents:
                continue
            learner = name in budgets
            seeded = learner or (name in own and own[name].seeded)
            for reward in part_rewards if learner or name in part.per_reward else [None]:
                for seed in range(seeds) if seeded else [0]:
                    specs.append(
                        RunSpec(
                            env=part.env,
                            agent=name,
                            seed=seed,
                            steps=(steps or budgets[name]) if learner else None,
                            reward=reward,
                            env_kwargs=dict(part.env_kwargs),
                            eval_episodes=n_episodes,
                        )
                    )
    if not specs:
        raise GymlabError(
            "the chosen --agents leave nothing to run; drop --agents or name agents of this suite"
        )
    for spec in specs:
        runner.resolve(spec)  # every typo fails now, before any training
    return specs


def default_seeds(quick: bool) -> int:
    """Seeds per learned (or randomised) agent: 5 for a full comparison, 3 for ``--quick``."""
    return 3 if quick else 5


def _suite(suite: str | list[Part]) -> list[Part]:
    if not isinstance(suite, str):
        return list(suite)
    table = suites()
    key = runner.short_name(suite) if "/" in suite else suite
    if key not in table:
        raise GymlabError(f"unknown suite {suite!r}; choose one of: {', '.join(table)}")
    return table[key]


def _rewards(part: Part, rewards: list[str] | None) -> list[str | None]:
    """The rewards a part's learners train on: ``--rewards`` where the env takes one."""
    if profile_for(part.env).reward_arg is None:
        return [None]
    return list(rewards) if rewards else list(part.rewards) or [None]


def compare(
    suite: str | list[Part] = "default",
    agents: list[str] | None = None,
    rewards: list[str] | None = None,
    seeds: int | None = None,
    quick: bool = False,
    steps: int | None = None,
    episodes: int | None = None,
    workers: int = 1,
    out: str | Path | None = None,
    on_done=None,
    executor=None,
) -> dict[str, Any]:
    """Run a suite and write results, plots and report.md under ``out``; returns the summary.

    Re-running with the same settings reuses every finished run (nothing is recomputed).
    ``executor`` (see :mod:`gymlab.experiments.executors`) replaces the one ``workers`` picks.
    """
    specs = build_specs(suite, agents, rewards, seeds, quick, steps, episodes)
    out = Path(out) if out is not None else default_out_dir("compare")
    settings = {
        "suite": suite if isinstance(suite, str) else "custom",
        "agents": agents,
        "rewards": rewards,
        "seeds": default_seeds(quick) if seeds is None else seeds,
        "quick": quick,
        "steps": steps,
        "episodes": episodes,
        "runs": [asdict(spec) for spec in specs],
    }
    described = f"suite {settings['suite']}, {len(specs)} runs" + (", quick" if quick else "")
    claim_comparison(out, config_hash(settings["runs"]), described)
    started = time.perf_counter()
    finished: list[RunResult] = []

    def done(result: RunResult) -> None:
        finished.append(result)
        write_results(out, finished, settings, complete=False)
        if on_done is not None:
            on_done(result, len(finished), len(specs))

    results = runner.run_all(specs, out / "runs", workers=workers, on_done=done, executor=executor)
    summary = write_results(out, results, settings, complete=True)
    summary["report"] = str(write_report(out, results, summary))
    summary["seconds"] = time.perf_counter() - started
    summary["computed"] = sum(not result.cached for result in results)
    summary["reused"] = sum(result.cached for result in results)
    return summary


def partial_results(out: Path) -> dict[str, Any]:
    """What an interrupted comparison finished: its results.json (``complete: false``)."""
    path = Path(out) / "results.json"
    if path.is_file():
        summary = json.loads(path.read_text(encoding="utf-8"))
    else:
        summary = {"out": str(out), "runs": [], "groups": []}
    return {**summary, "complete": False}


def aggregate(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per (env, agent, reward), across seeds, for every numeric column: the mean, the sample
    std (ddof = 1), a 95 % Student-t interval (``_low``, ``_high``) and n (``_n``, the seeds with
    a value); with one seed no spread at all (None); from 5 seeds also the interquartile mean."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        groups[(row["env"], row["agent"], row["reward"])].append(row)
    table = []
    for (env, agent, reward), members in groups.items():
        entry: dict[str, Any] = {"env": env, "agent": agent, "reward": reward, "seeds": len(members)}
        for key, value in members[0].items():
            if key in ("seed", "episodes") or isinstance(value, bool) or not isinstance(value, int | float):
                continue
            measured = spread([m.get(key) for m in members if isinstance(m.get(key), int | float)])
            if measured.n:
                entry[key] = measured.mean
                entry[f"{key}_std"], entry[f"{key}_n"] = measured.std, measured.n
                entry[f"{key}_low"], entry[f"{key}_high"] = measured.low, measured.high
                if measured.iqm is not None:
                    entry[f"{key}_iqm"] = measured.iqm
        table.append(entry)
    return table


def write_results(out: Path, results: list[RunResult], settings: dict, complete: bool) -> dict[str, Any]:
    """results.csv (one row per run) and results.json (rows, per-config means, provenance)."""
    rows = [result.row() for result in results]
    columns: list[str] = []
    for row in rows:
        columns += [key for key in row if key not in columns]

    def write_csv(tmp: Path) -> None:
        with tmp.open("w", newline="", encoding="utf-8") as file:
            writer = csv.DictWriter(file, fieldnames=columns, restval="")
            writer.writeheader()
            writer.writerows(rows)

    summary = {
        "out": str(out),
        "complete": complete,
        "runs": rows,
        "groups": aggregate(rows),
        "provenance": provenance(settings, None),
    }
    with folder_lock(out, "results"):  # two processes on one comparison write in turn
        atomic_write(out / "results.csv", write_csv)
        write_json(out / "results.json", summary)
    return summary
