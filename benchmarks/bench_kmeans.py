"""k-means from scratch vs scikit-learn's KMeans: time ratio and inertia ratio on the same data.

Both use greedy k-means++ seeding and 10 restarts, over 5 seeds. Ratios > 1 mean ours is slower
(time) or found a worse clustering (inertia; the mean of the per-seed ratios). Both run on one
thread (numpy's BLAS and scikit-learn's OpenMP): on a shared 2-core machine scikit-learn's
spinning OpenMP threads otherwise slow it down by 10–50×, which would flatter us. Run: .venv/bin/python benchmarks/bench_kmeans.py
"""

from __future__ import annotations

import time

import numpy as np
from sklearn.cluster import KMeans
from threadpoolctl import threadpool_limits

from gymlab.agents.clustering import kmeans, standardize
from gymlab.experiments.datasets import basketball_players, table_matrix


def timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def datasets() -> dict[str, np.ndarray]:
    players, _, _ = basketball_players(n=5000, seed=0)
    rng = np.random.default_rng(0)
    centres = rng.uniform(-10, 10, size=(8, 4))
    blobs = centres[rng.integers(8, size=20_000)] + rng.normal(size=(20_000, 4))
    return {
        "players (5,000 × 4, scaled)": standardize(table_matrix(players)[1]),
        "blobs (20,000 × 4)": blobs,
        "uniform (10,000 × 2)": rng.uniform(size=(10_000, 2)),
    }


def main(seeds: range = range(5)) -> None:
    """For each data set and k: total time over the seeds, and the mean ratio of inertias."""
    print(f"k-means++ with 10 restarts, seeds {seeds.start}..{seeds.stop - 1} (times summed over the seeds)")
    print(f"{'data':<30}{'k':>3}{'ours s':>9}{'sklearn s':>11}{'time ratio':>12}{'inertia ratio':>15}")
    for name, X in datasets().items():
        for k in (4, 8):
            ours_s = theirs_s = 0.0
            ratios = []
            for seed in seeds:
                t, ours = timed(lambda X=X, k=k, seed=seed: kmeans(X, k, n_init=10, seed=seed))
                ours_s += t
                t, theirs = timed(
                    lambda X=X, k=k, seed=seed: KMeans(n_clusters=k, n_init=10, random_state=seed).fit(X)
                )
                theirs_s += t
                ratios.append(ours.inertia / theirs.inertia_)
            print(
                f"{name:<30}{k:>3}{ours_s:>9.3f}{theirs_s:>11.3f}{ours_s / theirs_s:>12.2f}"
                f"{np.mean(ratios):>15.5f}"
            )


if __name__ == "__main__":
    with threadpool_limits(limits=1):
        main()
