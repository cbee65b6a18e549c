"""`gymlab demo …` commands: gradient descent, regression, describe, k-means, sampling.

Each command is thin: parse the options, call the Python API (gymlab.agents.optim, gymlab.agents.supervised,
gymlab.agents.clustering, gymlab.experiments.datasets, gymlab.experiments.stats), print, and save PNGs under --out.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer

from gymlab.agents import clustering, optim, supervised
from gymlab.envs.errors import GymlabError
from gymlab.experiments import datasets, stats
from gymlab.experiments.commands.common import (
    JsonOption,
    emit_json,
    output_dir,
    parse_float_list,
    seed_option,
)
from gymlab.experiments.io import write_json
from gymlab.experiments.results import provenance

app = typer.Typer(no_args_is_help=True)

OutOption = typer.Option(
    "--out", help="Directory for the PNGs and result.json (default runs/<time>-<name>/)."
)


def _finite(value: float) -> float | None:
    """NaN and ±inf are not JSON: report them as null."""
    return float(value) if math.isfinite(value) else None


def _save_result(out: Path, name: str, config: dict, seed: int | None, result: Any) -> Path:
    return write_json(
        out / "result.json", {"demo": name, "result": result, "provenance": provenance(config, seed)}
    )


def _files(out: Path, pngs: list[str], result: Path) -> dict[str, Any]:
    """The ``files`` entry of a demo's --json: the PNGs it saved and its result.json."""
    return {"plots": [str(out / name) for name in pngs], "result": str(result)}


# ----------------------------------------------------------------------------- gd


@app.command("gd")
def gd(
    function: Annotated[
        str, typer.Option("--function", "-f", help=f"Test function: {', '.join(optim.FUNCTIONS)}.")
    ] = "quadratic",
    lr: Annotated[
        str, typer.Option("--lr", help="Learning rates to sweep, comma-separated.")
    ] = "0.001,0.1,1.1",
    optimizer: Annotated[
        str, typer.Option("--optimizer", "-o", help="Optimizers, comma-separated: gd, momentum, adam.")
    ] = "gd",
    start: Annotated[str | None, typer.Option("--start", help="Starting point, e.g. 2,1.5.")] = None,
    max_steps: Annotated[int, typer.Option("--max-steps", help="Step budget of each run.")] = 1000,
    tol: Annotated[float, typer.Option("--tol", help="Converged when the gradient norm ≤ tol.")] = 1e-6,
    out: Annotated[Path | None, OutOption] = None,
    json_: Annotated[bool, JsonOption] = False,
) -> None:
    """Gradient descent under several learning rates: converge, crawl, oscillate or diverge."""
    out = output_dir(out, "demo-gd")
    fn = optim.get_function(function)
    lrs = parse_float_list(lr, "--lr")
    names = [name.strip() for name in optimizer.split(",")]
    for name in names:
        optim.make_optimizer(name, 1.0)  # unknown names fail before any work
    start_point = parse_float_list(start, "--start") if start is not None else None
    runs = optim.lr_sweep(fn, lrs, names, start_point, max_steps, tol)
    starts = _starts_demo(fn, runs, max_steps, tol) if len(fn.minima) > 1 else []

    from gymlab.experiments.plots import demos as plots

    plots.plot_gd_losses(fn, runs, out / "gd-losses.png")
    plots.plot_gd_trajectories(fn, runs, out / "gd-paths.png")
    if starts:
        plots.plot_gd_trajectories(
            fn,
            [run for run, _ in starts],
            out / "gd-starts.png",
            title=f"{fn.name}: the starting point decides which minimum is found",
            labels=[_start_label(fn, run, minimum) for run, minimum in starts],
        )
    document = {"function": fn.name, "runs": [run.summary() for run in runs]}
    config = {
        "function": fn.name,
        "lr": lrs,
        "optimizers": names,
        "start": start_point,
        "max_steps": max_steps,
    }
    result = _save_result(
        out, "gd", config, None, document | {"starts": [_start_record(fn, r, m) for r, m in starts]}
    )
    if json_:
        pngs = ["gd-losses.png", "gd-paths.png"] + (["gd-starts.png"] if starts else [])
        emit_json(document | {"files": _files(out, pngs, result)})
        return
    typer.echo(f"{fn.name}: {fn.description}")
    if fn.curvatures:
        a = max(fn.curvatures)
        limits = optim.lr_thresholds(a)
        typer.echo(
            f"theory (largest curvature a = {a:g}): oscillates for lr > {limits['oscillates_above']:g}, "
            f"diverges for lr > {limits['diverges_above']:g}"
        )
    typer.echo(f"{'optimizer':<10}{'lr':>10}  {'outcome':<10}{'steps':>7}  final loss")
    for run in runs:
        typer.echo(f"{run.optimizer:<10}{run.lr:>10g}  {run.outcome:<10}{run.steps:>7}  {run.final_loss:.6g}")
    for run, minimum in starts:
        record = _start_record(fn, run, minimum)
        typer.echo(
            f"start {record['start']} → minimum #{minimum} at {record['minimum']} "
            f"(f = {record['final_loss']:.4f}{', global' if minimum == 0 else ', local'})"
        )
    typer.echo(
        f"plots: {out}/gd-losses.png, {out}/gd-paths.png" + (f", {out}/gd-starts.png" if starts else "")
    )


def _starts_demo(fn: optim.TestFunction, runs: list[optim.Run], max_steps: int, tol: float):
    """Several starting points with the first optimizer and learning rate that converged."""
    good = next((run for run in runs if run.outcome == "converged"), None)
    name, lr = (good.optimizer, good.lr) if good else ("gd", 0.05)
    return optim.compare_starts(fn, optimizer=name, lr=lr, max_steps=max_steps, tol=tol)


def _start_label(fn: optim.TestFunction, run: optim.Run, minimum: int) -> str:
    record = _start_record(fn, run, minimum)
    kind = "global" if minimum == 0 else "local"
    return f"start {record['start']} → {kind} minimum {record['minimum']}"


def _start_record(fn: optim.TestFunction, run: optim.Run, minimum: int) -> dict:
    return {
        "start": [round(float(v), 4) for v in run.path[0]],
        "minimum": [round(float(v), 4) for v in fn.minima[minimum]],
        "outcome": run.outcome,
        "final_loss": run.final_loss,
    }


# ----------------------------------------------------------------------------- regression


@app.command("regression")
def regression(
    data: Annotated[
        Path | None,
        typer.Option("--data", help="CSV with Height… and Weight… columns (e.g. height-weight-25k.csv)."),
    ] = None,
    download: Annotated[
        bool, typer.Option("--download", help="Fetch the seed's height-weight-25k.csv into --out first.")
    ] = False,
    n: Annotated[
        int, typer.Option("--n", max=10_000_000, help="Rows of synthetic data (when no --data).")
    ] = 25_000,
    seed: Annotated[int, seed_option("Seed of the synthetic data.")] = 0,
    lr: Annotated[
        float, typer.Option("--lr", help="Learning rate of gradient descent (scaled features).")
    ] = 0.1,
    max_steps: Annotated[int, typer.Option("--max-steps", help="Step budget of gradient descent.")] = 10_000,
    out: Annotated[Path | None, OutOption] = None,
    json_: Annotated[bool, JsonOption] = False,
) -> None:
    """Height → weight: least squares by the closed form and by gradient descent (they agree)."""
    if data is not None and download:
        raise GymlabError("give either --data PATH or --download, not both")
    if lr <= 0:
        raise GymlabError(f"learning rate must be a positive number (got {lr}); try e.g. --lr 0.1")
    out = output_dir(out, "demo-regression")
    if download:
        data = datasets.download_height_weight(out / "height-weight-25k.csv")
    if data is not None:
        height, weight = datasets.load_height_weight(data)
        source = str(data)
    else:
        height, weight = datasets.synthetic_height_weight(n, seed)
        source = f"synthetic (seed {seed}, matching the published statistics)"
    closed = supervised.fit_closed_form(height, weight)
    descent = supervised.fit_gradient_descent(height, weight, lr=lr, max_steps=max_steps)
    r = supervised.pearson_r(height, weight)
    document = {
        "n": len(height),
        "closed_form": {"slope": closed.slope, "intercept": closed.intercept},
        "gradient_descent": {"slope": descent.slope, "intercept": descent.intercept, "steps": descent.steps},
        "r": r,
    }
    from gymlab.experiments.plots import demos as plots

    plots.plot_regression(height, weight, closed, r, out / "regression-fit.png")
    plots.plot_joint_density(height, weight, r, out / "regression-density.png")
    config = {"data": source, "n": len(height), "lr": lr, "max_steps": max_steps}
    result = _save_result(out, "regression", config, None if data else seed, document)
    if json_:
        files = _files(out, ["regression-fit.png", "regression-density.png"], result)
        emit_json(document | {"files": files | ({"data": str(data)} if download else {})})
        return
    gap = max(
        abs(descent.slope - closed.slope) / abs(closed.slope),
        abs(descent.intercept - closed.intercept) / abs(closed.intercept),
    )
    typer.echo(f"data: {source}, n = {len(height):,}")
    typer.echo(f"closed form:      weight = {closed.slope:.6f} · height {closed.intercept:+.6f}")
    typer.echo(
        f"gradient descent: weight = {descent.slope:.6f} · height {descent.intercept:+.6f} "
        f"({descent.steps} steps, lr {lr:g} on scaled features)"
    )
    typer.echo(f"largest relative difference: {gap:.2e}; correlation r = {r:.4f}")
    typer.echo(f"plots: {out}/regression-fit.png, {out}/regression-density.png")


# ----------------------------------------------------------------------------- describe


@app.command("describe")
def describe(
    file: Annotated[Path, typer.Argument(help="A CSV file with a header line.")],
    out: Annotated[Path | None, OutOption] = None,
    json_: Annotated[bool, JsonOption] = False,
) -> None:
    """count, mean, std, min, quartiles, max of each numeric column (like pandas' describe)."""
    out = output_dir(out, "demo-describe")
    table = datasets.read_numeric_csv(file)
    summary = stats.describe(table)
    document = {
        name: {key: _finite(value) for key, value in column.items()} for name, column in summary.items()
    }
    from gymlab.experiments.plots import demos as plots

    plots.plot_histograms(table, summary, out / "describe-histograms.png")
    result = _save_result(out, "describe", {"file": str(file)}, None, document)
    if json_:
        emit_json({"columns": document, "files": _files(out, ["describe-histograms.png"], result)})
        return
    typer.echo(stats.format_describe(summary))
    typer.echo(f"plot: {out}/describe-histograms.png")


# ----------------------------------------------------------------------------- kmeans


@app.command("kmeans")
def kmeans(
    k: Annotated[int, typer.Option("--k", "-k", help="Number of clusters.")] = 4,
    data: Annotated[
        Path | None, typer.Option("--data", help="Cluster the numeric columns of this CSV instead.")
    ] = None,
    scale: Annotated[bool, typer.Option("--scale/--no-scale", help="Standardise features first.")] = True,
    players: Annotated[
        int, typer.Option("--players", max=100_000, help="Players in the built-in data set.")
    ] = 400,
    k_max: Annotated[int, typer.Option("--k-max", help="Largest k of the elbow and silhouette curves.")] = 8,
    n_init: Annotated[int, typer.Option("--n-init", help="k-means++ restarts; the best is kept.")] = 10,
    seed: Annotated[int, seed_option("Seed of the restarts and the built-in data.")] = 0,
    out: Annotated[Path | None, OutOption] = None,
    json_: Annotated[bool, JsonOption] = False,
) -> None:
    """k-means (k-means++ seeding, restarts) with the elbow and silhouette curves to choose k.

    The JSON's centers are cluster means in the data's own units; inertia and silhouette are
    measured in the space k-means ran in (standardised unless --no-scale).
    """
    out = output_dir(out, "demo-kmeans")
    if data is not None:
        feature_names, X = datasets.table_matrix(datasets.read_numeric_csv(data))
        truth, archetypes = None, []
    else:
        table, truth, archetypes = datasets.basketball_players(players, seed)
        feature_names, X = datasets.table_matrix(table)
    if not 1 <= k <= len(X):
        raise GymlabError(
            f"k must be between 1 and the number of rows ({len(X)}), got k={k} (rows with a missing value "
            "are left out)"
        )
    space = clustering.standardize(X) if scale else X
    sample = 5000 if len(X) > 5000 else None  # the silhouette is O(n²): score a seeded sample
    curve = clustering.elbow_curve(space, range(1, min(max(k_max, k), len(X)) + 1), n_init, seed)
    curve_silhouettes = clustering.silhouette_curve(space, curve, sample, seed)
    chosen, silhouette = curve[k - 1], curve_silhouettes[k - 1]  # the curve starts at k = 1
    centers = np.array([X[chosen.labels == j].mean(axis=0) for j in range(k)])
    # Named from the centres alone (what sets each apart); the hidden archetypes are only a check.
    profiles = clustering.cluster_profiles(X, chosen.labels, feature_names)
    names = {j: clustering.profile_name(profile) for j, profile in profiles.items()}
    majority = clustering.majority_classes(truth, chosen.labels, archetypes) if truth is not None else None
    document = {
        "k": k,
        "inertia": chosen.inertia,
        "labels": chosen.labels.tolist(),
        "centers": centers.tolist(),
        "silhouette": _finite(silhouette),
        "names": [names[j] for j in range(k)],
    }
    from gymlab.experiments.plots import demos as plots

    plots.plot_kmeans(curve, curve_silhouettes, chosen, X, feature_names, out / "kmeans.png", names)
    extra = {"features": feature_names, "scaled": scale, "elbow": [[r.k, r.inertia] for r in curve]}
    if truth is not None:
        extra |= {
            "purity": clustering.purity(truth, chosen.labels),
            "adjusted_rand": clustering.adjusted_rand_index(truth, chosen.labels),
            "majority": [list(majority[j]) for j in range(k)],
        }
    config = {"k": k, "data": str(data) if data else f"basketball players ({players})", "n_init": n_init}
    result = _save_result(out, "kmeans", config, seed, document | extra)
    if json_:
        emit_json(document | {"files": _files(out, ["kmeans.png"], result)})
        return
    typer.echo(f"{len(X)} rows, features: {', '.join(feature_names)} ({'standardised' if scale else 'raw'})")
    typer.echo(f"k = {k}: inertia {chosen.inertia:.4g}, silhouette {silhouette:.3f}")
    typer.echo("elbow (k: inertia): " + ", ".join(f"{r.k}: {r.inertia:.4g}" for r in curve))
    for j in range(k):
        label = f" ({names[j]})"
        means = ", ".join(
            f"{name} {value:.3g}" for name, value in zip(feature_names, centers[j], strict=True)
        )
        typer.echo(f"cluster {j} ({int(np.sum(chosen.labels == j))} rows){label}: {means}")
    if truth is not None:
        typer.echo(
            f"check against the hidden archetypes (k-means never saw them): purity {extra['purity']:.3f}, "
            f"adjusted Rand index {extra['adjusted_rand']:.3f}; "
            + ", ".join(f"{names[j]!r} is {share:.0%} {kind}" for j, (kind, share) in majority.items())
        )
    typer.echo(f"plot: {out}/kmeans.png")


# ----------------------------------------------------------------------------- sample


@app.command("sample")
def sample(
    file: Annotated[Path, typer.Argument(help="A text file of any size.")],
    lines: Annotated[int, typer.Option("-n", "--lines", help="How many lines to sample (K).")] = 10,
    seed: Annotated[int, seed_option("Seed: the same seed gives the same lines.")] = 0,
    wc: Annotated[bool, typer.Option("--wc", help="Also print lines, words, bytes like `wc`.")] = False,
    json_: Annotated[bool, JsonOption] = False,
) -> None:
    """K random lines in one streaming pass, memory bounded by K (like `shuf -n K`)."""
    if lines < 1:
        raise GymlabError(f"-n must be at least 1 (got {lines}); e.g. -n 10")
    if json_ or wc:
        chosen, counts = stats.sample_and_count(file, lines, seed)
    else:
        chosen, counts = stats.sample_lines(file, lines, seed), None
    if json_:
        emit_json(
            {
                "file": str(file),
                "k": lines,
                "seed": seed,
                "lines": [line.decode("utf-8", errors="replace") for line in chosen],
                "counts": {"lines": counts.lines, "words": counts.words, "bytes": counts.bytes},
            }
        )
        return
    for line in chosen:
        typer.echo(line)
    if counts is not None:
        typer.echo(f"{counts.lines} {counts.words} {counts.bytes} {file}")
