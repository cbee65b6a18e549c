"""`gymlab tsp …`: solve an instance with one solver, compare all solvers, fetch TSPLIB files."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from gymlab.agents.routing import (
    ALL_SOLVERS,
    REFERENCE_SOLVERS,
    SOLVER_LABELS,
    SOLVERS,
    Solution,
    check_solver,
    reference_installed,
    solve,
    strongest,
)
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
from gymlab.experiments.commands.common import (
    JsonOption,
    choice_value,
    choices,
    emit_json,
    output_dir,
    parse_whole,
    seed_option,
)
from gymlab.experiments.io import write_json, write_text
from gymlab.experiments.plots.tsp import describe_gap, plot_restart_spread, plot_tours
from gymlab.experiments.results import provenance

app = typer.Typer(no_args_is_help=True)

FileArgument = typer.Argument(help="A TSPLIB .tsp file or an edge-list .csv (corp_start,corp_end,distance).")
RandomOption = typer.Option("--random", help="Instead of a file: N random cities in the unit square.")
SeedOption = seed_option("Seed for --random cities and the random solvers.")
Solver = choices("Solver", ALL_SOLVERS)
SolverOption = typer.Option(
    "--solver",
    help="gymlab's nn, restarts, two-opt, exact (tsp solve also: attention, with --model); "
    "references lkh (LKH-3), ortools ([references] extra).",
)
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
SOLVE_SOLVERS = (*ALL_SOLVERS, "attention")
SolveSolver = choices("SolveSolver", SOLVE_SOLVERS)
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
    seed: Annotated[int, SeedOption] = 0,
    solver: Annotated[SolveSolver, SolverOption] = "two-opt",
    restarts: Annotated[str, RestartsOption] = "20",
    open_path: Annotated[bool, OpenOption] = False,
    optimal: Annotated[str | None, OptimalOption] = None,
    model: Annotated[Path | None, ModelOption] = None,
    decoding: Annotated[str, DecodingOption] = "multistart",
    out: Annotated[Path | None, typer.Option("--out", help="Also save solve.json and tour.png here.")] = None,
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """Plan a tour with one solver: its length, the tour, the time, and the gap to the optimum."""
    solver = check_solver(choice_value(solver), SOLVE_SOLVERS)  # a missing reference fails fast
    out_dir = None if out is None else output_dir(out, "tsp-solve")
    closed = not open_path
    if model is not None and solver != "attention":
        raise GymlabError(f"--model is for --solver attention, not {solver}; drop --model or change --solver")
    network = _attention_model(model, decoding, closed) if solver == "attention" else None
    runs = _whole(restarts, "--restarts", 1, MAX_RESTARTS)
    instance = load(file, cities, seed, optimal)
    if network is not None:
        from gymlab.agents.attention_tsp import solve_instance

        solution = solve_instance(network, instance, decoding)
    else:
        solution = solve(instance, solver, closed, runs, seed)
    record = solution.record(_optimum(instance, closed, optimal is not None))
    if out_dir is not None:
        record["files"] = _save_solve(out_dir, instance, solution, record, file, cities, runs, seed)
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
    if out_dir is not None:
        typer.echo(f"wrote {record['files']['tour']} and {record['files']['result']}")


def _save_solve(out_dir, instance, solution: Solution, record, file, cities, runs, seed) -> dict[str, str]:
    """``tsp solve --out``: the tour drawn (tour.png) and the record with provenance (solve.json)."""
    row = {key: record[key] for key in ("solver", "tour", "length", "gap")} | {"closed": solution.closed}
    figure = plot_tours(instance, [row], out_dir / "tour.png")
    files = {"tour": str(figure), "result": str(out_dir / "solve.json")}
    config = {"instance": instance.name, "file": None if file is None else str(file),
              "random": None if cities is None else instance.n, "solver": solution.solver,
              "closed": solution.closed, "restarts": runs}  # fmt: skip
    write_json(out_dir / "solve.json", record | {"files": files, "provenance": provenance(config, seed)})
    return files


@app.command("compare")
def compare_command(
    file: Annotated[Path | None, FileArgument] = None,
    cities: Annotated[str | None, RandomOption] = None,
    seed: Annotated[int, SeedOption] = 0,
    restarts: Annotated[str, RestartsOption] = "20",
    open_path: Annotated[bool, OpenOption] = False,
    optimal: Annotated[str | None, OptimalOption] = None,
    references: Annotated[
        bool,
        typer.Option(
            "--references/--no-references",
            help="Also run the installed references, LKH-3 (lkh) and OR-Tools (ortools, 2 s).",
        ),
    ] = True,
    out: Annotated[Path | None, typer.Option("--out", help="Output folder.")] = None,
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """Every solver on the same instance, the references labelled: a table, and a PNG of each tour."""
    instance = load(file, cities, seed, optimal)
    closed, runs = not open_path, _whole(restarts, "--restarts", 1, MAX_RESTARTS)
    out_dir = output_dir(out, f"tsp-compare-{instance.name}")
    best_known = _optimum(instance, closed, optimal is not None)
    solvers = [name for name in SOLVERS if name != "exact" or instance.n <= HELD_KARP_LIMIT]
    missing = [name for name in REFERENCE_SOLVERS if not reference_installed(name)]
    if references:
        solvers += [name for name in REFERENCE_SOLVERS if name not in missing]
    solutions = {name: solve(instance, name, closed, runs, seed) for name in solvers}
    if "exact" in solutions and optimal is None:
        best_known = solutions["exact"].length
    rows = [
        solution.record(best_known) | {"closed": closed, "reference": solution.solver in REFERENCE_SOLVERS}
        for solution in solutions.values()
    ]
    restart_lengths = solutions["restarts"].run_lengths
    conclusion = tsp_conclusion(solutions, best_known, missing if references else [])

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
        "strongest": strongest(solutions),
        "conclusion": conclusion,
        "restart_lengths": restart_lengths,
        "skipped": ([] if "exact" in solvers else [f"exact: more than {HELD_KARP_LIMIT} cities"])
        + [f"{name}: not installed (pip install -e '.[references]')" for name in missing if references],
        "files": {"tours": str(figure), "restarts": str(spread), "result": str(out_dir / "compare.json")},
    }
    write_json(out_dir / "compare.json", result | {"provenance": provenance(config, seed)})
    if as_json:
        emit_json(result)
        return
    table = Table(title=f"{instance.name}: {instance.n} cities, {'closed tour' if closed else 'open path'}")
    for column in ("solver", "method", "length", "gap", "seconds"):
        table.add_column(column, justify="left" if column in ("solver", "method") else "right")
    for row in rows:
        method = SOLVER_LABELS[row["solver"]] + (" (reference)" if row["reference"] else "")
        table.add_row(
            row["solver"], method, f"{row['length']:g}", describe_gap(row["gap"]), f"{row['seconds']:.3f}"
        )
    Console().print(table)
    for note in result["skipped"]:
        typer.echo(f"skipped {note}")
    typer.echo(conclusion)
    typer.echo(f"wrote {figure}, {spread} and {out_dir / 'compare.json'}")


def tsp_conclusion(solutions: dict[str, Solution], optimum: float | None, missing: list[str]) -> str:
    """One sentence naming the strongest solver present and how far gymlab's best heuristic is
    from it (or from the optimum, when known); it says which references were not installed."""
    top = strongest(solutions)
    best = solutions[top]
    kind = "reference, " if top in REFERENCE_SOLVERS else ""
    where = "" if optimum is None else f", {100 * (best.length / optimum - 1):+.1f} % from the optimum"
    text = f"Strongest solver present: {top} ({kind}{SOLVER_LABELS[top]}), length {best.length:g}{where}."
    heuristics = [name for name in ("two-opt", "restarts", "nn") if name in solutions]
    if heuristics and top not in heuristics:
        ours = min(heuristics, key=lambda name: solutions[name].length)
        behind = 100 * (solutions[ours].length / best.length - 1)
        text += f" gymlab's best heuristic, {ours}, is {behind:+.1f} % against it."
    if missing:
        text += f" Not installed: {', '.join(missing)} (pip install -e '.[references]')."
    return text


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
