"""TSP pictures: each solver's tour drawn side by side, and the spread of the book's random restarts."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from gymlab.envs.tsp_instances import TSPInstance, display_coordinates
from gymlab.experiments.plots.common import save_figure


def describe_gap(gap: float | None) -> str:
    """``0.052`` → ``"+5.2 %"``; None → ``"optimum unknown"``."""
    return "optimum unknown" if gap is None else f"+{100 * gap:.1f} %"


def plot_tours(instance: TSPInstance, rows: list[dict], path: str | Path) -> Path:
    """One panel per solver with its tour drawn; the title names the best solver and its gap.

    ``rows`` are ``{"solver", "tour", "length", "gap", "closed"}`` dicts (as ``gymlab tsp compare``
    produces them).
    """
    points = display_coordinates(instance)
    fig, axes = plt.subplots(1, len(rows), figsize=(4.2 * len(rows), 4.4), squeeze=False)
    for ax, row in zip(axes[0], rows, strict=True):
        order = list(row["tour"]) + ([row["tour"][0]] if row["closed"] else [])
        ax.plot(points[order, 0], points[order, 1], "-", color="tab:blue", linewidth=1.2)
        ax.scatter(points[:, 0], points[:, 1], s=14, color="black", zorder=3)
        ax.scatter(*points[row["tour"][0]], s=70, marker="*", color="tab:red", zorder=4, label="start")
        ax.set_title(f"{row['solver']}: {row['length']:g} ({describe_gap(row['gap'])})", fontsize=10)
        ax.set_aspect("equal", adjustable="datalim")
        ax.set_xlabel("x (instance units)" if instance.coordinates is not None else "MDS axis 1")
        if ax is axes[0][0]:
            ax.set_ylabel("y (instance units)" if instance.coordinates is not None else "MDS axis 2")
        if instance.n <= 20 and instance.labels:
            for city, (x, y) in enumerate(points):
                ax.annotate(
                    instance.label(city), (x, y), fontsize=7, xytext=(3, 3), textcoords="offset points"
                )
    axes[0][0].legend(loc="best", fontsize=8)
    shortest = min(row["length"] for row in rows)
    best = " and ".join(row["solver"] for row in rows if row["length"] == shortest)
    worst = max(rows, key=lambda row: row["length"])
    shape = "tour" if rows[0]["closed"] else "open path"
    fig.suptitle(
        f"{instance.name} ({instance.n} cities): {best} find{'s' if ' and ' not in best else ''} the shortest "
        f"{shape}, {worst['solver']} is {100 * (worst['length'] / shortest - 1):.1f} % longer"
    )
    return save_figure(fig, path)


def plot_restart_spread(
    run_lengths: list[float],
    optimal: float | None,
    path: str | Path,
    name: str = "",
    runs: str | None = None,
    unit: str = "instance units",
) -> Path:
    """Histogram of every run's length (the book's random restarts by default; ``runs`` names
    other runs, e.g. "2-opt from each of the 12 cities"): where each run got stuck."""
    lengths = np.asarray(run_lengths, dtype=float)
    runs = runs or f"greedy's {len(lengths)} random starts"
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    # Lengths equal up to round-off (every run found the same tour) get one visible bar, not
    # a zero-width bin.
    same = lengths.max() - lengths.min() <= 1e-9 * max(abs(lengths.max()), 1.0)
    if same:
        ax.bar([lengths.min()], [len(lengths)], width=0.02 * max(abs(lengths.min()), 1.0), color="tab:blue")
    else:
        bins = min(30, max(5, len(np.unique(lengths))))
        ax.hist(lengths, bins=bins, color="tab:blue", edgecolor="white")
    ax.axvline(lengths.min(), color="tab:green", linestyle="--", label=f"best run {lengths.min():g}")
    if optimal is not None:
        ax.axvline(optimal, color="tab:red", label=f"optimum {optimal:g}")
    ax.set_xlabel(f"length ({unit})")
    ax.set_ylabel("runs")
    ax.legend()
    spread = 100 * (lengths.max() / lengths.min() - 1)
    finding = "all end at the same length" if same else f"differ by up to {spread:.1f} %"
    ax.set_title(f"{name}: {runs} {finding}", fontsize=10)
    return save_figure(fig, path)


def plot_route_learning(
    curves: dict[str, tuple[np.ndarray, np.ndarray]],
    finals: dict[str, float],
    path: str | Path,
    title: str,
    labels: tuple[str, str, str] = (
        "training time (s, evaluations excluded)",
        "gap to the reference (%, log scale)",
        "final gap on the same tours (%, log scale)",
    ),
) -> Path:
    """Two panels: each learner's gap against its training time (s), the fixed agents' gaps as
    dashed levels (left); every agent's final gap as a bar, in the order given (right).

    ``curves`` maps a learner's label to (training seconds, gap %) per evaluation; ``finals``
    maps every agent's label to its final gap (%). Gaps are drawn on a log scale (a floor of
    0.01 % keeps a tour at the reference visible)."""
    floor = 0.01
    fig, (left, right) = plt.subplots(1, 2, figsize=(12.0, 4.6), gridspec_kw={"width_ratios": [3, 2]})
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    color = {label: colors[i % len(colors)] for i, label in enumerate(finals)}
    for label, (seconds, gaps) in curves.items():
        left.plot(seconds, np.maximum(gaps, floor), "o-", color=color.get(label), label=label)
    for label, value in finals.items():
        if label not in curves:
            left.axhline(max(value, floor), linestyle="--", linewidth=1, color=color[label], label=label)
    left.set_yscale("log")
    left.set_xlabel(labels[0])
    left.set_ylabel(labels[1])
    left.grid(alpha=0.3, which="both")
    left.legend(fontsize=8)
    names = list(finals)
    values = [max(finals[name], floor) for name in names]
    bars = right.barh(names, values, color=[color[name] for name in names])
    right.bar_label(bars, labels=[f"{finals[name]:.2f} %" for name in names], fontsize=8, padding=2)
    right.set_xscale("log")
    right.set_xlabel(labels[2])
    right.invert_yaxis()
    right.set_xlim(floor / 2, max(values) * 8)
    fig.suptitle(title, fontsize=11)
    return save_figure(fig, path)
