"""Plots of the learning demos: gradient descent, regression, describe, k-means.

Every function draws one figure, saves it as a PNG (atomically) and returns the path.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from gymlab.agents.clustering import KMeansResult
from gymlab.agents.optim import Run, TestFunction
from gymlab.agents.supervised import LinearModel
from gymlab.experiments.i18n import plot_text
from gymlab.experiments.plots.common import save_figure
from gymlab.experiments.stats import kde_grid, normal_pdf

# ----------------------------------------------------------------------------- gradient descent


def _run_label(run: Run) -> str:
    return plot_text("{optimizer} lr={lr:g}: {outcome} ({steps} steps)").format(
        optimizer=run.optimizer, lr=run.lr, outcome=run.outcome, steps=run.steps
    )


def plot_gd_losses(function: TestFunction, runs: list[Run], path: str | Path) -> Path:
    """Loss above the minimum, f(x) − f*, against step, on a log scale — one line per run."""
    fig, ax = plt.subplots(figsize=(7, 4.5))
    floor = function.min_value
    for run in runs:
        gap = np.abs(run.losses - floor) + 1e-16
        ax.plot(np.arange(len(gap)), gap, label=_run_label(run))
    ax.set_yscale("log")
    ax.set_ylim(1e-14, None)
    ax.set_xlabel(plot_text("step"))
    ax.set_ylabel(plot_text("f(x) − f(x*)  (log scale)"))
    ax.set_title(f"{function.name}: {_gd_finding(runs)}")
    ax.legend(fontsize=8)
    return save_figure(fig, path)


def _gd_finding(runs: list[Run]) -> str:
    """A title that states the finding: which runs converged, crawled, diverged — named by their
    optimizer too when there are several (``momentum lr 0.01 converges; gd lr 0.01 crawls``)."""
    several = len({run.optimizer for run in runs}) > 1
    verbs = (
        ("converged", plot_text("converges")),
        ("max_steps", plot_text("has not converged")),
        ("diverged", plot_text("diverges")),
    )
    parts = []
    for outcome, verb in verbs:
        names = [
            f"{run.optimizer + ' ' if several else ''}lr {run.lr:g}" for run in runs if run.outcome == outcome
        ]
        if names:
            parts.append(f"{'/'.join(dict.fromkeys(names))} {verb}")
    return "; ".join(parts)


def plot_gd_trajectories(
    function: TestFunction,
    runs: list[Run],
    path: str | Path,
    title: str | None = None,
    labels: list[str] | None = None,
) -> Path:
    """The iterates of each run drawn on the function: contour plot in 2-D, the curve in 1-D."""
    labels = labels or [_run_label(run) for run in runs]
    fig, ax = plt.subplots(figsize=(6.5, 5.5) if function.dim == 2 else (7, 4.5))
    (x_lo, x_hi), *rest = function.view
    if function.dim == 2:
        (y_lo, y_hi) = rest[0]
        gx, gy = np.linspace(x_lo, x_hi, 200), np.linspace(y_lo, y_hi, 200)
        values = np.array([[function.f(np.array([x, y])) for x in gx] for y in gy])
        levels = np.quantile(values, np.linspace(0, 1, 25) ** 2)
        ax.contour(gx, gy, values, levels=np.unique(levels), cmap="viridis", linewidths=0.7)
        for run, label in zip(runs, labels, strict=True):
            shown = _inside(run.path, function.view)
            (line,) = ax.plot(
                shown[:, 0], shown[:, 1], ".-", markersize=3, linewidth=1, label=_left(label, run, shown)
            )
            _mark_exit(ax, run, shown, line.get_color())
        ax.set_ylabel("y")
        ax.set_xlim(x_lo, x_hi)
        ax.set_ylim(y_lo, y_hi)
    else:
        gx = np.linspace(x_lo, x_hi, 400)
        ax.plot(gx, [function.f(np.array([x])) for x in gx], color="black", linewidth=1)
        for run, label in zip(runs, labels, strict=True):
            kept = _inside(run.path, function.view)
            shown = kept[:, 0]
            values = [function.f(np.array([x])) for x in shown]
            (line,) = ax.plot(shown, values, ".-", markersize=4, label=_left(label, run, kept))
            _mark_exit(ax, run, np.column_stack([shown, values]), line.get_color())
        ax.set_ylabel("f(x)")
        ax.set_xlim(x_lo, x_hi)
    for m in function.minima:
        ax.plot(*(m if function.dim == 2 else (m[0], function.f(np.array(m)))), "k*", markersize=12)
    ax.set_xlabel("x")
    ax.set_title(
        title or plot_text("{name}: paths of gradient descent (★ = local minima)").format(name=function.name),
        fontsize=10,
    )
    ax.legend(fontsize=7, loc="best")
    return save_figure(fig, path)


def _left(label: str, run: Run, shown: np.ndarray) -> str:
    """The legend entry, saying when a (diverging) run leaves the picture."""
    if len(shown) < len(run.path):
        return label + plot_text(" — leaves the plot after step {step}").format(step=len(shown) - 1)
    return label


def _mark_exit(ax, run: Run, shown: np.ndarray, color: str) -> None:
    """An arrow from the last iterate inside the plot towards the next one, outside it."""
    if len(shown) < len(run.path) and len(shown) >= 1:
        ax.plot(*shown[-1][:2], marker="X", markersize=10, color=color)


def _inside(path: np.ndarray, view: tuple[tuple[float, float], ...], margin: float = 0.05) -> np.ndarray:
    """The iterates up to the first outside the view (plus a small margin): a diverging run is
    drawn while it is on the picture, not squashed onto an axis."""
    lo = np.array([v[0] for v in view])
    hi = np.array([v[1] for v in view])
    span = hi - lo
    outside = np.any((path < lo - margin * span) | (path > hi + margin * span), axis=1)
    stop = int(np.argmax(outside)) if outside.any() else len(path)
    return path[: max(stop, 1)]


# ----------------------------------------------------------------------------- regression


def plot_regression(
    x: np.ndarray, y: np.ndarray, model: LinearModel, r: float, path: str | Path, max_points: int = 5000
) -> Path:
    """Scatter of height and weight with the fitted line (a seeded subsample if there are many)."""
    fig, ax = plt.subplots(figsize=(7, 5))
    shown = np.random.default_rng(0).permutation(len(x))[:max_points]
    ax.scatter(
        x[shown],
        y[shown],
        s=4,
        alpha=0.3,
        label=plot_text("{shown:,} of {n:,} people").format(shown=len(shown), n=len(x)),
    )
    line_x = np.array([x.min(), x.max()])
    ax.plot(
        line_x, model.predict(line_x), color="crimson", linewidth=2, label=plot_text("least-squares line")
    )
    ax.set_xlabel(plot_text("height (inches)"))
    ax.set_ylabel(plot_text("weight (pounds)"))
    ax.set_title(
        plot_text(
            "Each extra inch adds {slope:.2f} lb on average (r = {r:.2f}): weight ≈ {slope:.2f}·height {intercept:+.1f}"
        ).format(slope=model.slope, r=r, intercept=model.intercept),
        fontsize=10,
    )
    ax.legend()
    return save_figure(fig, path)


def plot_joint_density(x: np.ndarray, y: np.ndarray, r: float, path: str | Path) -> Path:
    """Joint density of height and weight by a Gaussian kernel density estimate (filled contours)."""
    gx, gy, density = kde_grid(x, y)
    fig, ax = plt.subplots(figsize=(6.5, 5.5))
    filled = ax.contourf(gx, gy, density, levels=14, cmap="Blues")
    fig.colorbar(filled, ax=ax, label=plot_text("density (per inch·pound)"))
    ax.set_xlabel(plot_text("height (inches)"))
    ax.set_ylabel(plot_text("weight (pounds)"))
    ax.set_title(
        plot_text("Height and weight: one tilted hill (r = {r:.2f}) — taller people weigh more").format(r=r),
        fontsize=10,
    )
    return save_figure(fig, path)


# ----------------------------------------------------------------------------- describe


def plot_histograms(table: dict[str, np.ndarray], stats: dict[str, dict], path: str | Path) -> Path:
    """One histogram per column with the normal curve of the same mean and sd drawn over it."""
    names = list(table)
    cols = min(3, len(names))
    rows = -(-len(names) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.5 * cols, 3.5 * rows), squeeze=False)
    for ax, name in zip(axes.flat, names, strict=False):
        values = table[name][~np.isnan(table[name])]
        if len(values) == 0:
            ax.set_title(f"{name}: no values", fontsize=10)
            continue
        mean, sd = stats[name]["mean"], stats[name]["std"]
        ax.hist(values, bins="auto" if len(values) > 1 else 1, density=True, alpha=0.6)
        if np.isfinite(sd) and sd > 0:
            grid = np.linspace(values.min(), values.max(), 200)
            ax.plot(grid, normal_pdf(grid, mean, sd), color="crimson", label=f"normal({mean:.3g}, {sd:.3g})")
            ax.legend(fontsize=8)
        ax.set_xlabel(name)
        ax.set_ylabel(plot_text("density (share per unit)"))
        ax.set_title(
            plot_text("{name}: mean {mean:.4g}, sd {sd:.3g}").format(name=name, mean=mean, sd=sd), fontsize=10
        )
    for ax in list(axes.flat)[len(names) :]:
        ax.axis("off")
    fig.suptitle(plot_text("Histograms with the fitted normal curve: how close is each column to a bell?"))
    fig.tight_layout()
    return save_figure(fig, path)


# ----------------------------------------------------------------------------- k-means


def plot_kmeans(
    results: list[KMeansResult],
    silhouettes: list[float],  # aligned with results; NaN where undefined (k = 1)
    chosen: KMeansResult,
    X: np.ndarray,
    feature_names: list[str],
    path: str | Path,
    cluster_names: dict[int, str] | None = None,
) -> Path:
    """Elbow (inertia vs k), silhouette vs k, and the chosen clustering on the first two features
    of ``X`` (in original units; ✕ marks each cluster's mean)."""
    ks = [result.k for result in results]
    fig, (elbow, silhouette, scatter) = plt.subplots(1, 3, figsize=(15, 4.5))
    elbow.plot(ks, [result.inertia for result in results], "o-")
    elbow.axvline(chosen.k, color="grey", linestyle=":")
    elbow.set_xlabel(plot_text("k (clusters)"))
    elbow.set_ylabel(plot_text("inertia (Σ squared distance to centre)"))
    elbow.set_title(plot_text("Elbow: inertia stops falling fast at the right k"), fontsize=10)
    scored = [(k, s) for k, s in zip(ks, silhouettes, strict=True) if np.isfinite(s)]
    if scored:
        silhouette.plot(*zip(*scored, strict=True), "o-", color="darkorange")
        best_k = max(scored, key=lambda pair: pair[1])[0]
        silhouette.set_title(plot_text("Silhouette is highest at k = {k}").format(k=best_k), fontsize=10)
    silhouette.axvline(chosen.k, color="grey", linestyle=":")
    silhouette.set_xlabel(plot_text("k (clusters)"))
    silhouette.set_ylabel(plot_text("mean silhouette (−1…1)"))
    shown = X[:, :2] if X.shape[1] > 1 else np.column_stack([X[:, 0], np.zeros(len(X))])
    for j in range(chosen.k):
        members = shown[chosen.labels == j]
        label = (cluster_names or {}).get(j, f"cluster {j}")
        scatter.scatter(members[:, 0], members[:, 1], s=10, alpha=0.6, label=f"{label} ({len(members)})")
        centre = members.mean(axis=0)  # in the original units, whatever space k-means ran in
        scatter.scatter(*centre, marker="X", s=120, color="black")
    scatter.set_xlabel(feature_names[0])
    scatter.set_ylabel(feature_names[1] if len(feature_names) > 1 else "")
    scatter.set_title(
        plot_text("k = {k}: the clusters found, named from their centres").format(k=chosen.k), fontsize=10
    )
    scatter.legend(fontsize=8)
    return save_figure(fig, path)


# ----------------------------------------------------------------------------- sampling


def plot_sample_positions(positions: np.ndarray, population: int, draws: int, path: str | Path) -> Path:
    """Where the sampled items sat in the stream, over many samples: flat = every position equally likely.

    ``positions`` are 0-based indices of every item picked in ``draws`` samples from a stream of
    ``population`` items; the dashed line is the count a perfectly uniform sampler expects per bin.
    """
    positions = np.asarray(positions)
    bins = min(20, population)
    counts, edges = np.histogram(positions, bins=bins, range=(0, population))
    expected = len(positions) * np.diff(edges) / population
    worst = float(np.max(np.abs(counts / expected - 1)))
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.bar(edges[:-1], counts, width=np.diff(edges), align="edge", alpha=0.7, edgecolor="white")
    ax.step(
        edges,
        np.append(expected, expected[-1]),
        where="post",
        color="crimson",
        linestyle="--",
        label=plot_text("uniform: the same count everywhere"),
    )
    ax.set_xlabel(
        plot_text("position of the picked item in the stream (0 … {last})").format(last=population - 1)
    )
    ax.set_ylabel(plot_text("times picked in {draws:,} samples").format(draws=draws))
    ax.set_title(
        plot_text("Reservoir sampling favours no position: every bin within {worst:.1f} % of uniform").format(
            worst=100 * worst
        ),
        fontsize=10,
    )
    ax.legend(loc="lower right")
    return save_figure(fig, path)


def plot_prediction_errors(
    misses: dict[str, np.ndarray], tolerance: float, unit: str, path: str | Path
) -> Path:
    """Histogram of prediction errors (predicted − true) per model, with the ± tolerance band shaded."""
    fig, ax = plt.subplots(figsize=(7, 4.5))
    spread = max(float(np.max(np.abs(m))) for m in misses.values())
    bins = np.linspace(-spread, spread, 61)
    shares = {}
    for name, miss in misses.items():
        shares[name] = float(np.mean(np.abs(miss) <= tolerance))
        ax.hist(miss, bins=bins, alpha=0.5, label=f"{name}: {shares[name]:.0%} within ±{tolerance:g} {unit}")
    ax.axvspan(-tolerance, tolerance, color="grey", alpha=0.15)
    ax.set_xlabel(plot_text("prediction error (predicted − true, {unit})").format(unit=unit))
    ax.set_ylabel(plot_text("people in the test set"))
    ranked = sorted(shares, key=shares.get, reverse=True)
    others = "".join(f", {name} for {shares[name]:.0%}" for name in ranked[1:])
    ax.set_title(
        f"Within ±{tolerance:g} {unit} of the truth: {ranked[0]} for {shares[ranked[0]]:.0%} of unseen people{others}",
        fontsize=10,
    )
    ax.legend(fontsize=8)
    return save_figure(fig, path)


# ----------------------------------------------------------------------------- spread across seeds


def plot_seed_spread(
    values: dict[str, list[float]], unit: str, path: str | Path, title: str, ylabel: str
) -> Path:
    """One column per group: every seed's value as a dot, the mean as a bar and its 95 % t-interval."""
    from gymlab.experiments.spread import spread as measure_spread

    fig, ax = plt.subplots(figsize=(max(4.5, 2.2 * len(values)), 4.5))
    for x, points in enumerate(values.values()):
        ax.scatter(np.full(len(points), x), points, s=30, alpha=0.7, zorder=3)
        if points:
            spread = measure_spread(points)
            ax.hlines(spread.mean, x - 0.25, x + 0.25, color="black")
            if spread.n > 1:
                ax.vlines(x, spread.low, spread.high, color="black", linewidth=2)
    ax.set_xticks(range(len(values)), [f"{label}\n(n = {len(v)})" for label, v in values.items()], fontsize=8)
    ax.set_xlim(-0.6, len(values) - 0.4)
    ax.set_ylabel(f"{ylabel} ({unit})")
    ax.set_title(title, fontsize=10)
    return save_figure(fig, path)
