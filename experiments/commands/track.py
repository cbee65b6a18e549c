"""`gymlab track …` commands: drive a baseline, show a track, check a reward function, list tracks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import numpy as np
import typer

from gymlab.envs.errors import GymlabError
from gymlab.envs.files import atomic_write
from gymlab.experiments.commands.common import JsonOption, emit_json, output_dir
from gymlab.experiments.results import provenance

app = typer.Typer(no_args_is_help=True)

TrackArg = Annotated[
    str, typer.Argument(help="Built-in track name, random:SEED, or a DeepRacer .npy route file.")
]


@app.command()
def drive(
    track: Annotated[
        str, typer.Option(help="Built-in name, random:SEED, or a .npy route file.")
    ] = "reinvent",
    agent: Annotated[str, typer.Option(help="pure-pursuit, raceline or greedy.")] = "pure-pursuit",
    reward: Annotated[
        str, typer.Option(help="Built-in reward name or a .py file with reward_function.")
    ] = "progress",
    actions: Annotated[
        str,
        typer.Option(
            help="Action space: deepracer (0.5/1 m/s), racing (1–4 m/s) or raceline:K (k-means of the limit line)."
        ),
    ] = "deepracer",
    continuous: Annotated[bool, typer.Option("--continuous", help="Continuous steering and speed.")] = False,
    reverse: Annotated[bool, typer.Option("--reverse", help="Drive the track the other way round.")] = False,
    episodes: Annotated[int, typer.Option(min=1, help="Number of evaluation trials.")] = 3,
    seed: Annotated[int, typer.Option(min=0, help="Seed of the first trial.")] = 0,
    gif: Annotated[Path | None, typer.Option(help="Save a GIF replay of the last trial here.")] = None,
    json: Annotated[bool, JsonOption] = False,
) -> None:
    """Evaluate a driving baseline like the DeepRacer console: one row per trial from the start line."""
    from gymlab.agents.driving import AGENTS, evaluate_trials, resolve_actions
    from gymlab.envs.raceline import env_limit
    from gymlab.envs.track_racer import TrackRacerEnv

    if agent not in AGENTS:
        raise GymlabError(f"unknown agent {agent!r}; choose one of: {', '.join(AGENTS)}")
    table = resolve_actions(actions, track, reverse)
    env = TrackRacerEnv(track=track, reward=reward, actions=table, continuous=continuous, reverse=reverse)
    driver = AGENTS[agent]()
    trials = evaluate_trials(env, driver, episodes=episodes, seed=seed)
    limit = env_limit(env)
    if gif is not None:
        from gymlab.experiments.plots.track import save_replay_gif

        save_replay_gif(env.track, env.trajectory, gif, title=f"{agent} on {env.track.name}")
    if json:
        config = {"track": track, "agent": agent, "reward": reward, "actions": actions,
                  "continuous": continuous, "reverse": reverse, "episodes": episodes}  # fmt: skip
        document = {"track": env.track.name, "agent": agent, "limit_s": limit, "trials": trials}
        emit_json(document | {"provenance": provenance(config, seed)})
        return
    typer.echo(f"{agent} on {env.track.name} ({env.track.length:.2f} m), actions: {_actions_label(env)}")
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
    json: Annotated[bool, JsonOption] = False,
) -> None:
    """Save a PNG of a track with its length and width."""
    from gymlab.envs.tracks import get_track
    from gymlab.experiments.plots.track import plot_track

    out = output_dir(out, "track-show")
    shape = get_track(track, reverse=reverse)
    path = plot_track(shape, out / f"{_file_stem(shape.name)}.png")
    if json:
        emit_json({"track": shape.name, "length": shape.length, "width": shape.width, "png": str(path)})
    else:
        typer.echo(shape.summary())
        typer.echo(f"saved {path}")


def _file_stem(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name)


@app.command("check-reward")
def check_reward(
    file: Annotated[
        str, typer.Argument(help="A .py file defining reward_function(params), or a built-in name.")
    ],
    track: Annotated[str, typer.Option(help="Track whose situations are sampled.")] = "reinvent",
    json: Annotated[bool, JsonOption] = False,
) -> None:
    """Try a reward function on many situations before training; exit code 2 if anything is wrong."""
    from gymlab.envs.rewards import check_reward_function, resolve_reward

    _, name = resolve_reward(file)
    problems = check_reward_function(file, track=track)
    if json:
        emit_json({"reward": name, "clean": not problems, "problems": problems})
    elif problems:
        for problem in problems:
            typer.echo(f"problem: {problem}")
    else:
        typer.echo(f"{name}: clean — a float in [-1e5, 1e5] in every sampled situation")
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
