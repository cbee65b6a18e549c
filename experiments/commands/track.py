"""`gymlab track …` commands: drive a baseline, show a track, check a reward function, list tracks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import numpy as np
import typer

from gymlab.agents.driving import AGENTS
from gymlab.envs import ENV_IDS
from gymlab.envs.errors import GymlabError
from gymlab.envs.files import atomic_write
from gymlab.envs.limits import LIMITS, check_count
from gymlab.envs.rewards import DEFAULT_TIMEOUT, duration
from gymlab.envs.track_racer import ACTION_PRESETS
from gymlab.experiments.commands.common import (
    JsonOption,
    choices,
    emit_json,
    output_dir,
    seed_option,
)
from gymlab.experiments.io import write_json
from gymlab.experiments.results import provenance

app = typer.Typer(no_args_is_help=True)

ActionSet = choices("ActionSet", ACTION_PRESETS)

TrackArg = Annotated[
    str, typer.Argument(help="Built-in track name, random:SEED, or a DeepRacer .npy route file.")
]


@app.command()
def drive(
    track: Annotated[
        str | None,
        typer.Option(
            help="Built-in name, random:SEED, or a .npy route file (default reinvent, or the run's)."
        ),
    ] = None,
    agent: Annotated[
        str,
        typer.Option(help=f"{', '.join(AGENTS)}, or the folder of a trained track run (RUN_DIR)."),
    ] = "pure-pursuit",
    reward: Annotated[
        str | None,
        typer.Option(
            help="Built-in reward name or a .py file with reward_function (default progress, or the run's)."
        ),
    ] = None,
    actions: Annotated[
        str | None,
        typer.Option(
            help=f"Action space: {', '.join(ACTION_PRESETS)} or raceline:K (k-means of the limit line)."
        ),
    ] = None,
    continuous: Annotated[bool, typer.Option("--continuous", help="Continuous steering and speed.")] = False,
    reverse: Annotated[bool, typer.Option("--reverse", help="Drive the track the other way round.")] = False,
    episodes: Annotated[int, typer.Option(min=1, help="Number of evaluation trials.")] = 3,
    seed: Annotated[int, seed_option("Seed of the first trial.")] = 0,
    gif: Annotated[Path | None, typer.Option(help="Save a GIF replay of the last trial here.")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Also save trials.json here.")] = None,
    json: Annotated[bool, JsonOption] = False,
) -> None:
    """Evaluate a driving baseline or a trained run like the DeepRacer console: one row per trial
    from the start line, each lap also as % above the lap-time limit."""
    from gymlab.agents.driving import evaluate_trials
    from gymlab.envs.raceline import env_limit
    from gymlab.experiments.environments import make_env
    from gymlab.experiments.traces import TraceRecorder

    check_count("--episodes", episodes, LIMITS["episodes"])
    out_dir = None if out is None else output_dir(out, "track-drive")
    if actions is not None and actions not in ACTION_PRESETS and not actions.startswith("raceline:"):
        raise GymlabError(
            f"--actions {actions!r} is not one of {', '.join(ACTION_PRESETS)}, nor raceline:K (K actions "
            "from the lap-time limit's line)"
        )
    name = agent.strip().lower().replace("_", "-")
    if name in AGENTS:
        settings = {"track": track or "reinvent", "reward": reward or "progress",
                    "actions": actions or "deepracer", "continuous": continuous, "reverse": reverse}  # fmt: skip
        env = make_env(ENV_IDS["track"], settings)
        driver, label = AGENTS[name](), name
    elif Path(agent).is_dir():
        driver, env = _trained_driver(Path(agent), track, reward, actions, continuous, reverse)
        label = Path(agent).name
    else:
        raise GymlabError(
            f"--agent {agent!r} is not one of {', '.join(AGENTS)}, nor the folder of a trained track run"
        )
    recorder = TraceRecorder(env)
    trials = evaluate_trials(recorder, driver, episodes=episodes, seed=seed)
    env = env.unwrapped
    limit = env_limit(env)
    if gif is not None:
        from gymlab.experiments.plots.track import save_trace_gif

        last = recorder.log.trace().episodes()[-1]
        save_trace_gif(last, env.track, gif, title=f"{label} on {env.track.name}")
    config = {"track": track, "agent": agent, "reward": reward, "actions": actions,
              "continuous": continuous, "reverse": reverse, "episodes": episodes}  # fmt: skip
    files = {} if gif is None else {"gif": str(gif)}
    if out_dir is not None:
        files["trials"] = str(out_dir / "trials.json")
    document = {"track": env.track.name, "agent": label, "limit_s": limit, "trials": trials, "files": files}
    if out_dir is not None:
        write_json(out_dir / "trials.json", document | {"provenance": provenance(config, seed)})
    if json:
        emit_json(document | {"provenance": provenance(config, seed)})
        return
    typer.echo(f"{label} on {env.track.name} ({env.track.length:.2f} m), actions: {_actions_label(env)}")
    if limit is not None:
        typer.echo(f"lap-time limit (standing start, whole 1/15 s steps): {limit:.3f} s")
    typer.echo(
        f"{'trial':>5}  {'time (s)':>8}  {'> limit':>8}  {'progress':>8}  {'status':<13} {'off-track':>9}  {'steps':>5}"
    )
    for k, trial in enumerate(trials, 1):
        above = trial["above_limit_percent"]
        above = f"{above:+7.1f}%" if above is not None else f"{'-':>8}"
        typer.echo(
            f"{k:>5}  {trial['lap_time']:>8.2f}  {above}  {trial['progress']:>7.1f}%  {trial['status']:<13} "
            f"{trial['off_track_count']:>9}  {trial['steps']:>5}"
        )
    laps = [t["lap_time"] for t in trials if t["status"] == "lap_complete"]
    if laps:
        typer.echo(f"{len(laps)}/{len(trials)} laps complete, mean lap time {np.mean(laps):.2f} s")
    else:
        typer.echo(f"0/{len(trials)} laps complete")
    if gif is not None:
        typer.echo(f"replay of the last trial saved to {gif}")
    if out_dir is not None:
        typer.echo(f"trials saved to {files['trials']}")


def _trained_driver(run_dir: Path, track, reward, actions, continuous, reverse):
    """The agent of a trained track run and its env; --track, --reverse and --reward may change
    the env, the action space is the model's own."""
    from gymlab.experiments.runner import config_env, load_agent

    if actions is not None or continuous:
        raise GymlabError(
            f"{run_dir} drives with the action space it was trained with; drop --actions/--continuous"
        )
    driver, config = load_agent(run_dir)
    env = config_env(config)
    if not hasattr(env.unwrapped, "telemetry"):
        raise GymlabError(f"{run_dir} is a run on {config['env']}, not on the track; pass a track run")
    changes = {"track": track, "reward": reward, "reverse": reverse or None}
    changes = {key: value for key, value in changes.items() if value is not None}
    if changes:  # raceline:K actions stay those the model learned (the run's config holds the list)
        env.close()
        env = config_env({**config, "env_kwargs": {**config["env_kwargs"], **changes}})
    return driver, env


@app.command()
def raceline(
    track: TrackArg,
    out: Annotated[
        Path | None, typer.Option(help="Output directory (default runs/<time>-track-raceline/).")
    ] = None,
    reverse: Annotated[bool, typer.Option("--reverse", help="Drive the track the other way round.")] = False,
    json: Annotated[bool, JsonOption] = False,
) -> None:
    """The lap-time limit: minimum-time line and speeds (.npy, .csv, .json) and a PNG coloured by speed."""
    from gymlab.envs.car import CarSpec
    from gymlab.envs.raceline import LINE_COLUMNS, lap_limit, limits, line_table
    from gymlab.envs.tracks import get_track
    from gymlab.experiments.io import write_json, write_text
    from gymlab.experiments.plots.track import plot_raceline

    shape = get_track(track, reverse=reverse)
    car = CarSpec()
    numbers = limits(shape, car)
    line = lap_limit(shape, car, "standing")
    out = output_dir(out, "track-raceline")
    stem = _file_stem(shape.name)
    table = line_table(line)
    paths = {"npy": out / f"{stem}_raceline.npy", "csv": out / f"{stem}_raceline.csv",
             "json": out / f"{stem}_raceline.json", "png": out / f"{stem}_raceline.png"}  # fmt: skip
    atomic_write(paths["npy"], lambda tmp: np.save(tmp, table, allow_pickle=False))
    rows = "\n".join(",".join(f"{value:.6g}" for value in row) for row in table)
    write_text(paths["csv"], ",".join(LINE_COLUMNS) + "\n" + rows + "\n")
    title = (
        f"{shape.name}: the lap-time limit is {numbers['standing_lap_s']:.2f} s from a standing start\n"
        f"(flying lap {numbers['flying_lap_s']:.2f} s; hard bound, widest legal band: {numbers['hard_bound_s']:.2f} s)"
    )
    plot_raceline(shape, line, paths["png"], title)
    document = {"track": shape.name, "length_m": round(shape.length, 3), **numbers,
                "paths": {kind: str(path) for kind, path in paths.items()}}  # fmt: skip
    write_json(paths["json"], document)
    if json:
        emit_json(document)
        return
    typer.echo(title.replace("\n", " "))
    typer.echo(f"solved in {numbers['solve_s']:.2f} s; wrote {', '.join(str(p) for p in paths.values())}")


def _actions_label(env) -> str:
    if env.continuous:
        return "continuous"
    return f"{len(env.actions)} discrete, speeds {sorted({v for _, v in env.actions})} m/s"


@app.command()
def show(
    track: TrackArg,
    out: Annotated[
        Path | None, typer.Option(help="Output directory (default runs/<time>-track-show/).")
    ] = None,
    reverse: Annotated[bool, typer.Option("--reverse", help="Show the track driven the other way.")] = False,
    every: Annotated[
        int | None, typer.Option(min=1, help="Number every Nth waypoint (default: about 24 labels).")
    ] = None,
    json: Annotated[bool, JsonOption] = False,
) -> None:
    """A waypoint map for reward authors: numbered waypoints, start line and driving direction.

    --json lists waypoints [[x, y], …], the track width and curvature at each (for reward_function's
    params["waypoints"] and params["closest_waypoints"]).
    """
    from gymlab.envs.tracks import get_track
    from gymlab.experiments.analysis import waypoint_table
    from gymlab.experiments.plots.track import plot_track, waypoint_label_step

    out = output_dir(out, "track-show")
    shape = get_track(track, reverse=reverse)
    every = every or waypoint_label_step(len(shape.waypoints))
    path = plot_track(shape, out / f"{_file_stem(shape.name)}.png", every=every)
    if json:
        emit_json({"track": shape.name, "length": shape.length, "width": shape.width, "reverse": reverse,
                   "clockwise": shape.clockwise, "every": every, **waypoint_table(shape), "png": str(path)})  # fmt: skip
    else:
        typer.echo(shape.summary())
        typer.echo(f"{len(shape.waypoints)} waypoints, numbered in steps of {every}; saved {path}")


def _file_stem(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name)


@app.command()
def analyze(
    runs: Annotated[
        list[Path],
        typer.Argument(help="Run folders of trained track runs (each with config.json and trace.csv)."),
    ],
    out: Annotated[
        Path | None, typer.Option(help="Output directory (default runs/<time>-track-analyze/).")
    ] = None,
    line: Annotated[
        bool, typer.Option("--line/--no-line", help="Overlay a smoothed racing line on the speed map.")
    ] = True,
    json: Annotated[bool, JsonOption] = False,
) -> None:
    """Read the per-step traces of track runs: reward and speed on the track, action usage, best lap.

    Several runs are drawn side by side. Writes PNGs and analysis.json (the numbers behind them).
    """
    from gymlab.agents.driving import smoothed_line
    from gymlab.experiments.analysis import analyze_run, run_track
    from gymlab.experiments.io import write_json
    from gymlab.experiments.plots.traces import plot_analysis

    out = output_dir(out, "track-analyze")
    for run in runs:
        if not run.is_dir():
            raise GymlabError(f"{run} is not a folder; pass run folders written by `gymlab train track`")
    analyses = [analyze_run(run) for run in runs]
    tracks = [run_track(run)[0] for run in runs]
    lines = [(smoothed_line(track), "smoothed line") for track in tracks] if line else None
    pngs = plot_analysis(list(zip(analyses, tracks, strict=True)), out, lines)
    document = {"runs": analyses, "png": pngs}
    document["json"] = str(write_json(out / "analysis.json", document))
    if json:
        emit_json(document)
        return
    for analysis in analyses:
        lap = analysis["best_lap"]
        best = f"best: {lap['phase']} episode {lap['episode']}, {lap['status']} in {lap['time']:.2f} s"
        typer.echo(
            f"{analysis['name']}: {analysis['rows']:,} steps in {analysis['episodes']} episodes; {best}"
        )
        sectors = analysis["sectors"]
        if sectors:
            typer.echo(f"  against the limit's standing lap (continuous time): crossed the line at "
                       f"{sectors['lap_s']:.2f} s, the limit at {sectors['limit_s']:.2f} s ({sectors['lost_s']:+.2f} s); "
                       "by sector (% of the lap) lap / limit / lost, s:")  # fmt: skip
            for row in sectors["rows"]:
                typer.echo(f"    {row['from_percent']:5.0f}–{row['to_percent']:<4.0f} {row['lap_s']:6.3f} "
                           f"{row['limit_s']:6.3f} {row['lost_s']:+7.3f}")  # fmt: skip
    for name, path in pngs.items():
        typer.echo(f"{name:<13} {path}")
    typer.echo(f"numbers       {document['json']}")


@app.command("check-reward")
def check_reward(
    file: Annotated[
        str, typer.Argument(help="A .py file defining reward_function(params), or a built-in name.")
    ],
    track: Annotated[str, typer.Option(help="Track whose situations are sampled.")] = "reinvent",
    timeout: Annotated[
        float, typer.Option(help="Seconds one call may take (as in training: env argument reward_timeout).")
    ] = DEFAULT_TIMEOUT,
    steps: Annotated[
        int | None,
        typer.Option(help="Training steps to estimate the reward's share for (default: ppo.yml's budget)."),
    ] = None,
    json: Annotated[bool, JsonOption] = False,
) -> None:
    """Try a reward function on many situations before training, timed; exit code 2 if anything is wrong."""
    from gymlab.envs.reward_check import check_reward_function
    from gymlab.envs.rewards import check_timeout
    from gymlab.experiments.hyperparams import load_settings

    check_timeout(timeout, "--timeout")
    if steps is None:
        steps = int(load_settings("ppo", ENV_IDS["track"]).get("n_timesteps", 0))
    check_count("--steps", steps, LIMITS["steps"])
    report = check_reward_function(file, track=track, timeout=timeout or None)
    name, problems = report.name, report.problems
    spent = report.seconds_for(steps)
    if json:
        timing = {"calls": report.checked, "situations": report.situations, "mean_seconds": report.mean_seconds,
                  "worst_seconds": report.worst_seconds, "training_steps": steps, "training_seconds": spent}  # fmt: skip
        emit_json({"reward": name, "clean": not problems, "problems": problems, "timing": timing})
    else:
        for problem in problems:
            typer.echo(f"problem: {problem}")
        if not problems:
            typer.echo(f"{name}: clean — a float in [-1e5, 1e5] in every sampled situation")
        typer.echo(
            f"call time: mean {duration(report.mean_seconds)}, worst {duration(report.worst_seconds)} over "
            f"{report.checked:,} calls; a {steps:,}-step training run spends ≈ {duration(spent)} in the reward"
        )
    if problems:
        typer.echo(
            f"error: {name} has {len(problems)} kind(s) of problem; fix them before training", err=True
        )
        raise typer.Exit(2)


@app.command("list")
def list_tracks(json: Annotated[bool, JsonOption] = False) -> None:
    """The built-in tracks, easiest first (plus random:SEED)."""
    from gymlab.envs.tracks import builtin_track_names, get_track

    rows = []
    for name in builtin_track_names():
        shape = get_track(name)
        radius = 1 / float(np.max(np.abs(shape.curvature)))
        rows.append({"track": name, "length": round(shape.length, 2), "width": round(shape.width, 2),
                     "tightest_radius": round(radius, 2)})  # fmt: skip
    if json:
        emit_json(rows)
        return
    typer.echo(f"{'track':<10} {'length (m)':>10} {'width (m)':>9} {'tightest bend (m)':>17}")
    for row in rows:
        typer.echo(
            f"{row['track']:<10} {row['length']:>10.2f} {row['width']:>9.2f} {row['tightest_radius']:>17.2f}"
        )
    typer.echo("plus random:SEED (seeded random loops) and DeepRacer .npy route files")
