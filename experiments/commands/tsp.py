"""`gymlab tsp …`: solve an instance with one solver, compare all solvers, fetch TSPLIB files."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from gymlab.agents.routing import SOLVERS, check_solver, solve
from gymlab.envs.errors import GymlabError
from gymlab.envs.tsp_instances import (
    HELD_KARP_LIMIT,
    TSPLIB_URL,
    TSPInstance,
    fetch_tsplib,
    known_optimum,
    load_instance,
    random_instance,
)
from gymlab.experiments.commands.common import JsonOption, emit_json, output_dir, parse_whole
from gymlab.experiments.io import write_json, write_text
from gymlab.experiments.plots.tsp import describe_gap, plot_restart_spread, plot_tours
from gymlab.experiments.results import provenance

app = typer.Typer(no_args_is_help=True)

FileArgument = typer.Argument(help="A TSPLIB .tsp file or an edge-list .csv (corp_start,corp_end,distance).")
RandomOption = typer.Option("--random", help="Instead of a file: N random cities in the unit square.")
SeedOption = typer.Option("--seed", help="Seed for --random cities and the random solvers (a whole number).")
RestartsOption = typer.Option("--restarts", help="restarts: random starts; two-opt: double-bridge kicks.")
OpenOption = typer.Option("--open", help="Plan an open path (the book's version: no return leg).")
OptimalOption = typer.Option("--optimal", help="The known optimal length (else optimal.json beside FILE).")
ModelOption = typer.Option(
    "--model", help="--solver attention: a model.pt file or the run folder holding it."
)
DecodingOption = typer.Option(
    "--decoding", help="--solver attention: greedy (one tour) or multistart (every start × 8 symmetries)."
)


# `tsp solve` also plays a trained attention model (agents/attention_tsp.py; needs --model).
SOLVE_SOLVERS = (*SOLVERS, "attention")
MAX_RESTARTS = 1000  # random starts or kicks: each costs a greedy tour or a local search


def _whole(text: str, what: str, minimum: int, maximum: int | None = None) -> int:
    """A whole number typed on the command line, in ``minimum``..``maximum``, or a one-line error."""
    value = parse_whole(text, what, ", e.g. 20")
    if value < minimum:
        raise GymlabError(f"{what} must be at least {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise GymlabError(f"{what} must be at most {maximum:,}, got {value:,}")
    return value


def _positive(text: str, what: str) -> float:
    try:
        value = float(text.strip())
    except ValueError:
        raise GymlabError(f"{what} must be a number, e.g. 3323 (got {text!r})") from None
    if not math.isfinite(value) or value <= 0:
        raise GymlabError(f"{what} must be a positive finite number, got {text!r}")
    return value


def load(file: Path | None, cities: str | None, seed: int, optimal: str | None) -> TSPInstance:
    """The instance named on the command line: FILE, or ``--random N`` cities from ``--seed``."""
    if (file is None) == (cities is None):
        raise GymlabError("give either FILE or --random N (exactly one), e.g. gymlab tsp solve --random 20")
    if file is not None:
        instance = load_instance(file)
    else:
        instance = random_instance(_whole(cities, "--random", 0), seed)
    if optimal is not None:
        instance.optimal = _positive(optimal, "--optimal")
    return instance


def _optimum(instance: TSPInstance, closed: bool, explicit: bool) -> float | None:
    """The optimum to measure gaps against: --optimal as given, else known or cheap to compute."""
    if explicit:
        return instance.optimal
    return known_optimum(instance, closed)


def _attention_model(model: Path | None, decoding: str, closed: bool):
    """The trained attention model for ``--solver attention``, its options checked first."""
    from gymlab.agents.attention_tsp import DECODINGS, load_model

    if model is None:
        raise GymlabError(
            "--solver attention needs --model PATH: a model.pt file or the run folder holding it"
        )
    if decoding not in DECODINGS:
        raise GymlabError(f"unknown --decoding {decoding!r}; choose one of: {', '.join(DECODINGS)}")
    if not closed:
        raise GymlabError("--solver attention plans closed tours only; drop --open or pick another solver")
    return load_model(model)


@app.command("solve")
def solve_command(
    file: Annotated[Path | None, FileArgument] = None,
    cities: Annotated[str | None, RandomOption] = None,
    seed: Annotated[str, SeedOption] = "0",
    solver: Annotated[str, typer.Option("--solver", help=f"One of: {', '.join(SOLVE_SOLVERS)}.")] = "two-opt",
    restarts: Annotated[str, RestartsOption] = "20",
    open_path: Annotated[bool, OpenOption] = False,
    optimal: Annotated[str | None, OptimalOption] = None,
    model: Annotated[Path | None, ModelOption] = None,
    decoding: Annotated[str, DecodingOption] = "multistart",
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """Plan a tour with one solver: its length, the tour, the time, and the gap to the optimum."""
    seed_value = _whole(seed, "--seed", 0)
    check_solver(solver, SOLVE_SOLVERS)  # before loading: a typo fails fast
    closed = not open_path
    if model is not None and solver != "attention":
        raise GymlabError(f"--model is for --solver attention, not {solver}; drop --model or change --solver")
    network = _attention_model(model, decoding, closed) if solver == "attention" else None
    instance = load(file, cities, seed_value, optimal)
    if network is not None:
        from gymlab.agents.attention_tsp import solve_instance

        solution = solve_instance(network, instance, decoding)
    else:
        solution = solve(
            instance, solver, closed, _whole(restarts, "--restarts", 1, MAX_RESTARTS), seed_value
        )
    record = solution.record(_optimum(instance, closed, optimal is not None))
    if as_json:
        emit_json(record)
        return
    shape = "closed tour" if closed else "open path"
    typer.echo(f"{instance.name}: {instance.n} cities, {shape}, solver {solver}")
    typer.echo(
        f"  length  {record['length']:g}   ({describe_gap(record['gap'])})   in {record['seconds']:.3f} s"
    )
    if record["optimal"] is not None:
        typer.echo(f"  optimum {record['optimal']:g}")
    if solution.start_length is not None:
        typer.echo(
            f"  local search improved the greedy start {solution.start_length:g} → {solution.length:g}"
        )
    if solution.run_lengths is not None:
        runs = sorted(solution.run_lengths)
        typer.echo(
            f"  {len(runs)} random starts: best {runs[0]:g}, median {runs[len(runs) // 2]:g}, worst {runs[-1]:g}"
        )
        typer.echo(f"  every run: {', '.join(f'{length:g}' for length in solution.run_lengths)}")
    typer.echo("  tour " + " → ".join(instance.label(city) for city in record["tour"]))


@app.command("compare")
def compare_command(
    file: Annotated[Path | None, FileArgument] = None,
    cities: Annotated[str | None, RandomOption] = None,
    seed: Annotated[str, SeedOption] = "0",
    restarts: Annotated[str, RestartsOption] = "20",
    open_path: Annotated[bool, OpenOption] = False,
    optimal: Annotated[str | None, OptimalOption] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Output folder.")] = None,
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """Every solver on the same instance: a table, and a PNG with each tour drawn."""
    seed_value = _whole(seed, "--seed", 0)
    instance = load(file, cities, seed_value, optimal)
    closed, runs = not open_path, _whole(restarts, "--restarts", 1, MAX_RESTARTS)
    out_dir = output_dir(out, f"tsp-compare-{instance.name}")
    best_known = _optimum(instance, closed, optimal is not None)
    solvers = [name for name in SOLVERS if name != "exact" or instance.n <= HELD_KARP_LIMIT]
    solutions = {name: solve(instance, name, closed, runs, seed_value) for name in solvers}
    if "exact" in solutions and optimal is None:
        best_known = solutions["exact"].length
    rows = [solution.record(best_known) | {"closed": closed} for solution in solutions.values()]
    restart_lengths = solutions["restarts"].run_lengths

    figure = plot_tours(instance, rows, out_dir / "tours.png")
    spread = plot_restart_spread(restart_lengths, best_known, out_dir / "restarts.png", instance.name)
    config = {
        "instance": instance.name,
        "file": None if file is None else str(file),
        "random": None if cities is None else instance.n,
        "cities": instance.n,
        "closed": closed,
        "restarts": runs,
        "optimal": instance.optimal if optimal is not None else None,
    }
    result = {
        "instance": instance.name,
        "cities": instance.n,
        "closed": closed,
        "optimal": best_known,
        "solvers": [{key: row[key] for key in row if key != "closed"} for row in rows],
        "restart_lengths": restart_lengths,
        "skipped": [] if "exact" in solvers else [f"exact: more than {HELD_KARP_LIMIT} cities"],
        "files": {"tours": str(figure), "restarts": str(spread), "result": str(out_dir / "compare.json")},
    }
    write_json(out_dir / "compare.json", result | {"provenance": provenance(config, seed_value)})
    if as_json:
        emit_json(result)
        return
    table = Table(title=f"{instance.name}: {instance.n} cities, {'closed tour' if closed else 'open path'}")
    for column in ("solver", "length", "gap", "seconds"):
        table.add_column(column, justify="left" if column == "solver" else "right")
    for row in rows:
        table.add_row(row["solver"], f"{row['length']:g}", describe_gap(row["gap"]), f"{row['seconds']:.3f}")
    Console().print(table)
    for note in result["skipped"]:
        typer.echo(f"skipped {note}")
    typer.echo(f"wrote {figure}, {spread} and {out_dir / 'compare.json'}")


@app.command("download")
def download_command(
    name: Annotated[str, typer.Argument(help="A TSPLIB instance name, e.g. berlin52.")],
    out: Annotated[Path, typer.Option("--out", help="Folder to save NAME.tsp in.")] = Path("data/tsplib"),
    url: Annotated[str, typer.Option("--url", help="Where to fetch from; {name} is filled in.")] = TSPLIB_URL,
) -> None:
    """Download a TSPLIB instance (needs internet); the file is checked before it is saved."""
    folder = output_dir(out, "tsplib")
    text = fetch_tsplib(name, url)
    path = write_text(folder / f"{name}.tsp", text)
    typer.echo(f"wrote {path}")
