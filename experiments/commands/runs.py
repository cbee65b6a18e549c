"""`gymlab train`, `evaluate`, `compare` and `plot`: the experiment runner's commands.

Thin: parse the options, call :mod:`gymlab.experiments.runner` / :mod:`gymlab.experiments.compare`, print.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from gymlab.envs.errors import GymlabError
from gymlab.envs.limits import LIMITS, check_count
from gymlab.experiments.commands.common import (
    MAX_SEED,
    JsonOption,
    algo_choices,
    choice_value,
    emit_json,
    output_dir,
    parse_int_list,
    parse_key_values,
    parse_names,
    seed_option,
)

QuietOption = typer.Option("--quiet", "-q", help="No progress bar.")


ExecutorOption = typer.Option("--executor", help="Where runs execute: local (--workers processes) or ray.")
AddressOption = typer.Option(
    "--address", help="Ray cluster address (auto, or HOST:PORT); default: a local Ray."
)
SharedOutOption = typer.Option(
    "--shared-out", help="--out is on storage every Ray node mounts at the same path (needed on >1 node)."
)


def _print_metrics(title: str, metrics: dict[str, Any]) -> None:
    table = Table(title=title)
    table.add_column("measure")
    table.add_column("value", justify="right")
    for key, value in metrics.items():
        text = f"{value:.4g}" if isinstance(value, float) else str(value)
        table.add_row(key, text)
    Console().print(table)


def train_command(
    env: Annotated[str, typer.Argument(help="coins, tsp, track, or a full id (gymlab/TSP-v0).")],
    algo: Annotated[
        algo_choices(),
        typer.Option("--algo", help="An RL algorithm, or a learner of the env (q_learning: coins)."),
    ],
    reward: Annotated[
        str | None, typer.Option("--reward", help="Track reward: a built-in name or a FILE.py.")
    ] = None,
    steps: Annotated[
        int | None, typer.Option("--steps", help="Training steps (default: the YAML's n_timesteps).")
    ] = None,
    seed: Annotated[int, seed_option("Seed of the run (a whole number, 0 to 2³²−1).")] = 0,
    seeds: Annotated[
        str | None,
        typer.Option(
            "--seeds", help="Several seeds, e.g. 0,1,2: one run each in --out/<run>/, on --executor."
        ),
    ] = None,
    env_arg: Annotated[
        list[str] | None, typer.Option("--env-arg", help="Env argument key=value (repeatable).")
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Hyperparameter key=value over the YAML (repeatable)."),
    ] = None,
    episodes: Annotated[
        int | None,
        typer.Option("--episodes", min=1, help="Evaluation episodes (default 10; coins: all 100 amounts)."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Run directory (default runs/<stamp>-train-…).")
    ] = None,
    parent: Annotated[
        Path | None,
        typer.Option("--from", help="Continue training this finished run's model (a clone; its action set)."),
    ] = None,
    tensorboard: Annotated[
        bool, typer.Option("--tensorboard", help="Also log for TensorBoard (tb/).")
    ] = False,
    workers: Annotated[int, typer.Option("--workers", help="With --seeds: runs in parallel.")] = 1,
    executor_name: Annotated[str, ExecutorOption] = "local",
    address: Annotated[str | None, AddressOption] = None,
    shared_out: Annotated[bool, SharedOutOption] = False,
    quiet: Annotated[bool, QuietOption] = False,
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """Train an RL agent and write a run directory: config, model, Monitor log, evaluations, curve.
    With --seeds, one run per seed (on --executor), and the spread of the results across seeds."""
    from gymlab.experiments.executors import make_executor
    from gymlab.experiments.runner import train

    if seeds is not None:
        seed_list = parse_int_list(seeds, "--seeds")
        if any(not 0 <= s <= MAX_SEED for s in seed_list):
            raise GymlabError(f"--seeds must be whole numbers from 0 to {MAX_SEED} (got {seeds!r})")
        if len(set(seed_list)) != len(seed_list):
            raise GymlabError(f"--seeds needs different seeds, e.g. 0,1,2 (got {seeds!r})")
        if seed != 0:
            raise GymlabError("--seed and --seeds both name seeds; keep one (--seeds 0,1,2)")
        if tensorboard:
            raise GymlabError("--tensorboard logs one run; drop it, or train one seed with --seed")
        executor = make_executor(executor_name, workers, address, shared_out)  # checked before any run
        settings = {
            "steps": steps,
            "reward": reward,
            "env_kwargs": parse_key_values(env_arg, "--env-arg"),
            "hyperparams": parse_key_values(set_, "--set"),
            "eval_episodes": episodes,
            "parent": parent,
        }
        _train_seeds(
            env, choice_value(algo), seed_list, settings, executor, output_dir(out, "train"), quiet, as_json
        )
        return
    if workers != 1 or executor_name.strip().lower() != "local" or address is not None or shared_out:
        raise GymlabError("--workers/--executor/--address run several seeds; add --seeds, e.g. --seeds 0,1,2")
    if out is not None:
        output_dir(out, "train")
    result = train(
        env,
        choice_value(algo),
        steps=steps,
        seed=seed,
        reward=reward,
        env_kwargs=parse_key_values(env_arg, "--env-arg"),
        hyperparams=parse_key_values(set_, "--set"),
        out=out,
        eval_episodes=episodes,
        progress=not (quiet or as_json),
        tensorboard=tensorboard,
        parent=parent,
    )
    payload = {
        "run_dir": str(result.run_dir),
        "config": result.config,
        "metrics": result.metrics,
        "train_seconds": result.train_seconds,
        "steps_run": result.steps_run,
        "reused": result.cached,
    }
    if as_json:
        emit_json(payload)
        return
    _print_metrics(f"{result.config['agent']} on {result.config['env']}", result.metrics)
    typer.echo(f"{_steps_trained(result)} in {result.train_seconds:.1f} s → {result.run_dir}")


def _steps_trained(result) -> str:
    """The steps really run, e.g. "trained 4,096 steps (a budget of 2,000 rounded up: …)"."""
    budget, run = result.config["steps"], result.steps_run
    if run is None or run == budget:
        return f"trained {budget:,} steps"
    if result.config.get("parent"):
        return f"trained on to {run:,} steps (its parent's included)"
    return f"trained {run:,} steps (a budget of {budget:,} rounded up: every env steps at once, PPO in whole rollouts)"


def _train_seeds(
    env: str,
    algo: str,
    seed_list: list[int],
    settings: dict[str, Any],
    executor,
    out: Path,
    quiet: bool,
    as_json: bool,
) -> None:
    """``train --seeds``: the runs on the chosen executor, a table per seed and the spread."""
    from gymlab.experiments.profiles import profile_for
    from gymlab.experiments.runner import env_id, train_seeds, train_spec
    from gymlab.experiments.spread import format_spread, spread

    train_spec(env, algo, seed=seed_list[0], **settings)  # a bad setting fails before the progress bar
    bar = _RunsBar(len(seed_list)) if not (quiet or as_json) else None
    finished = []

    def done(result) -> None:
        finished.append(result)
        if bar:
            bar.advance(result, len(finished), len(seed_list))

    try:
        results = train_seeds(env, algo, seed_list, executor, out, on_done=done, **settings)
    finally:
        if bar:
            bar.stop()
    columns = [c for c in profile_for(env_id(env)).columns if c.better is not None][:2]
    spreads = {c.key: spread([r.metrics.get(c.key) for r in results]) for c in columns}
    if as_json:
        emit_json(
            {
                "out": str(out),
                "runs": [
                    {"seed": r.config["seed"], "run_dir": str(r.run_dir), "metrics": r.metrics,
                     "train_seconds": r.train_seconds, "steps_run": r.steps_run, "reused": r.cached}
                    for r in results
                ],
                "spread": {key: value.to_dict() for key, value in spreads.items()},
            }
        )  # fmt: skip
        return
    table = Table(title=f"{results[0].config['agent']} on {results[0].config['env']}, {len(results)} seeds")
    table.add_column("seed", justify="right")
    for column in columns:
        table.add_column(column.heading, justify="right")
    table.add_column("training (s)", justify="right")
    for r in results:
        cells = [column.format(r.metrics.get(column.key)) for column in columns]
        table.add_row(str(r.config["seed"]), *cells, f"{r.train_seconds:.1f}")
    Console().print(table)
    for column in columns:  # a share in %, as in the table
        values = [r.metrics.get(column.key) for r in results]
        shown = [v * 100 if column.percent and isinstance(v, int | float) else v for v in values]
        unit = "%" if column.percent else column.unit
        typer.echo(
            f"{column.label}{f' ({unit})' if unit else ''}: {format_spread(shown)} "
            "(mean ± sample std [95 % t-interval] n)"
        )
    typer.echo(f"{len(results)} runs → {out}")


def evaluate_command(
    run_dir: Annotated[Path, typer.Argument(help="A run directory written by `gymlab train`/`compare`.")],
    episodes: Annotated[int | None, typer.Option("--episodes", help="Evaluation episodes.")] = None,
    gif: Annotated[
        Path | None, typer.Option("--gif", help="Track runs: write a GIF replay of one lap here.")
    ] = None,
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """Evaluate a trained run on the measures of its env (optimality, gap to optimal, laps)."""
    from gymlab.experiments.runner import evaluate_run

    if gif is not None:
        output_dir(gif.parent, "gif", "--gif")
    report = evaluate_run(run_dir, episodes, gif)
    if as_json:
        emit_json(report)
        return
    config = report["config"]
    _print_metrics(f"{config['agent']} on {config['env']} ({run_dir})", report["summary"])
    if "trials" in report:  # the track: DeepRacer's evaluation rows
        table = Table(title="evaluation trials from the start line")
        for column in ("trial", "time (s)", "progress (%)", "status", "off-track", "steps"):
            table.add_column(column, justify="right")
        for k, trial in enumerate(report["trials"], 1):
            row = (
                trial["lap_time"],
                trial["progress"],
                trial["status"],
                trial["off_track_count"],
                trial["steps"],
            )
            table.add_row(str(k), *map(str, row))
        Console().print(table)


def compare_command(
    suite: Annotated[str, typer.Argument(help="default (all envs), coins, tsp or track.")] = "default",
    agents: Annotated[
        list[str] | None, typer.Option("--agents", help="Only these agents (comma-separated).")
    ] = None,
    rewards: Annotated[
        list[str] | None, typer.Option("--rewards", help="Rewards the track learners train on.")
    ] = None,
    seeds: Annotated[
        int | None,
        typer.Option("--seeds", help="Seeds per learned or randomised agent (default 5; --quick: 3)."),
    ] = None,
    quick: Annotated[
        bool, typer.Option("--quick", help="Small budgets: about 4 minutes on one core.")
    ] = False,
    steps: Annotated[
        int | None, typer.Option("--steps", help="Training steps of every learner (overrides the suite).")
    ] = None,
    episodes: Annotated[int | None, typer.Option("--episodes", help="Evaluation episodes per run.")] = None,
    workers: Annotated[int, typer.Option("--workers", help="Runs in parallel (processes).")] = 1,
    out: Annotated[
        Path | None, typer.Option("--out", help="Output folder (default runs/<stamp>-compare).")
    ] = None,
    executor_name: Annotated[str, ExecutorOption] = "local",
    address: Annotated[str | None, AddressOption] = None,
    shared_out: Annotated[bool, SharedOutOption] = False,
    quiet: Annotated[bool, QuietOption] = False,
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """Baselines vs exact solvers vs learned agents, across seeds: results, plots, report.md."""
    from gymlab.experiments.compare import build_specs, compare, partial_results
    from gymlab.experiments.executors import make_executor

    executor = make_executor(executor_name, workers, address, shared_out)  # checked before anything starts
    out = output_dir(out, "compare")

    if steps is not None:
        check_count("--steps", steps, LIMITS["steps"])
    if episodes is not None:
        check_count("--episodes", episodes, LIMITS["episodes"])
    names = parse_names(agents, "--agents", "greedy,ppo")
    reward_names = parse_names(rewards, "--rewards", "progress,heading")
    total = len(build_specs(suite, names, reward_names, seeds, quick, steps, episodes))
    show = not (quiet or as_json)
    bar = _RunsBar(total) if show else None
    try:
        summary = compare(
            suite,
            names,
            reward_names,
            seeds,
            quick,
            steps,
            episodes,
            workers,
            out,
            on_done=bar.advance if bar else None,
            executor=executor,
        )
    except KeyboardInterrupt:
        partial = partial_results(out)
        if as_json:
            emit_json(partial)
        else:
            typer.echo(
                f"interrupted: {len(partial['runs'])} runs finished; their results are in {out} "
                "(run the same command again to resume)",
                err=True,
            )
        raise typer.Exit(130) from None
    finally:
        if bar:
            bar.stop()
    if as_json:
        emit_json(summary)
        return
    typer.echo(
        f"{summary['computed']} runs computed, {summary['reused']} reused, "
        f"{summary['seconds']:.0f} s → {summary['report']}"
    )


def tune_command(
    env: Annotated[str, typer.Argument(help="Environment: coins, tsp, track, or a gymnasium id.")],
    algo: Annotated[str, typer.Option("--algo", help="Algorithm to tune (ppo, q_learning …).")],
    trials: Annotated[int, typer.Option("--trials", help="Optuna trials (runs).")] = 20,
    steps: Annotated[
        int | None, typer.Option("--steps", help="Training steps per trial (default: the YAML's).")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the sampler and of every trial's run.")] = 0,
    space: Annotated[
        Path | None,
        typer.Option("--space", help="Search space YAML (default experiments/config/search/<algo>.yml)."),
    ] = None,
    storage: Annotated[
        str | None,
        typer.Option("--storage", help="Optuna RDB storage (sqlite:///study.db): machines join one study."),
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", help="Trials in parallel (local processes or Ray CPUs).")
    ] = 1,
    executor_name: Annotated[str, ExecutorOption] = "local",
    address: Annotated[str | None, AddressOption] = None,
    shared_out: Annotated[bool, SharedOutOption] = False,
    timeout: Annotated[
        float | None,
        typer.Option(
            "--timeout", min=0, help="Start no new trial after this many seconds (running ones finish)."
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Output folder (default runs/<stamp>-tune).")
    ] = None,
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """Hyperparameter search (Optuna TPE + median pruner) on the env's headline measure."""
    from gymlab.experiments.executors import make_executor
    from gymlab.experiments.tune import load_space, tune

    check_count("--trials", trials, LIMITS["seeds"])  # as many trials as seeds: 1,000
    if steps is not None:
        check_count("--steps", steps, LIMITS["steps"])
    load_space(algo, env, space)  # an unknown parameter fails before anything runs
    executor = make_executor(executor_name, workers, address, shared_out)
    out = output_dir(out, "tune")
    summary = tune(env, algo, trials, executor, storage, out, seed, steps, space, timeout=timeout)
    if as_json:
        emit_json(summary)
        return
    typer.echo(
        f"best {summary['measure']} {summary['best_value']:.4g} of {summary['trials']} trials "
        f"({summary['pruned']} pruned): {summary['best_params']} → {summary['files']['best']}"
    )


def plot_command(
    run_dirs: Annotated[
        list[Path], typer.Argument(help="Run directories, or compare folders (their runs/).")
    ],
    out: Annotated[
        Path | None, typer.Option("--out", help="Folder for the PNGs (default runs/<stamp>-plot).")
    ] = None,
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """Learning curves of several runs, grouped by config: mean ± band across seeds."""
    from gymlab.experiments.plots.learning import plot_runs

    if out is not None:
        output_dir(out, "plot")
    paths = plot_runs(run_dirs, out)
    if as_json:
        emit_json({"plots": [str(path) for path in paths]})
        return
    for path in paths:
        typer.echo(str(path))


def register(app: typer.Typer) -> None:
    """Add the runner's top-level commands to the root app."""
    app.command("train")(train_command)
    app.command("evaluate")(evaluate_command)
    app.command("compare")(compare_command)
    app.command("plot")(plot_command)
    app.command("tune")(tune_command)


class _RunsBar:
    """A rich progress bar over the runs of a comparison (on stderr)."""

    def __init__(self, total: int):
        from rich.progress import TimeElapsedColumn

        from gymlab.experiments.training import stderr_progress

        self.progress = stderr_progress(TimeElapsedColumn())
        self.task = self.progress.add_task("runs", total=total)

    def advance(self, result, done: int, total: int) -> None:
        self.progress.update(self.task, completed=done, description=f"runs (last: {result.run_dir.name})")

    def stop(self) -> None:
        self.progress.stop()
