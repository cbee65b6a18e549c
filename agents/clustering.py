"""k-means clustering from scratch (numpy only), and the scores used to choose k and judge it.

- Lloyd's algorithm: assign every point to its nearest centre, move every centre to the mean
  of its points, repeat until nothing moves. Each round lowers the *inertia* (the sum of squared
  distances to the assigned centres), so it stops — but maybe in a poor local optimum.
- k-means++ (Arthur & Vassilvitskii 2007) picks spread-out starting centres: each next centre is
  a point drawn with probability ∝ D², its squared distance to the nearest centre chosen so far
  (greedy variant: draw a few candidates and keep the best).
- Restarts: run ``n_init`` times from different seeds and keep the lowest inertia.
- Choosing k: the *elbow* of inertia against k, and the *silhouette* (−1…1, higher is better).
- Naming: :func:`cluster_profiles` says what sets each cluster's centre apart ("high points,
  low rebounds") — the data alone, no labels; a person turns that into a name.
- Checking against hidden labels, when there are any: *purity*, the *adjusted Rand index* (0 =
  chance, 1 = perfect) and each cluster's majority class (:func:`majority_classes`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gymlab.agents.supervised import Scaler
from gymlab.envs.errors import GymlabError


@dataclass
class KMeansResult:
    """The best of the restarts: centres, each point's cluster, inertia, Lloyd rounds used."""

    k: int
    centers: np.ndarray  # (k, features)
    labels: np.ndarray  # (n,) cluster index of each point
    inertia: float  # Σ squared distance of each point to its centre
    iterations: int


def squared_distances(X: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """(n, k) matrix of squared Euclidean distances: ‖x‖² − 2 x·c + ‖c‖²."""
    d = (X * X).sum(axis=1)[:, None] - 2 * X @ centers.T + (centers * centers).sum(axis=1)[None, :]
    return np.maximum(d, 0.0)  # round-off can make a tiny distance slightly negative


def kmeans_plus_plus(
    X: np.ndarray, k: int, rng: np.random.Generator, trials: int | None = None
) -> np.ndarray:
    """Greedy k-means++ seeding: the first centre uniformly; for each next one, draw ``trials``
    candidates with probability ∝ D² and keep the one that lowers the total D² most.

    ``trials = 1`` is the original k-means++; the default 2 + ⌊ln k⌋ is what Arthur and
    Vassilvitskii suggest (and scikit-learn uses): slightly dearer, better starting centres.
    """
    trials = trials or 2 + int(np.log(k))
    centers = [X[rng.integers(len(X))]]
    nearest = squared_distances(X, np.array(centers))[:, 0]  # D² of every point
    for _ in range(1, k):
        total = nearest.sum()
        probabilities = nearest / total if total > 0 else np.full(len(X), 1 / len(X))
        candidates = rng.choice(len(X), size=trials, p=probabilities)
        # D² of every point if each candidate were added: (trials, n)
        with_candidate = np.minimum(nearest[None, :], squared_distances(X[candidates], X))
        best = int(with_candidate.sum(axis=1).argmin())
        centers.append(X[candidates[best]])
        nearest = with_candidate[best]
    return np.array(centers)


def lloyd(
    X: np.ndarray, centers: np.ndarray, max_iter: int = 300, tol: float = 1e-8
) -> tuple[np.ndarray, np.ndarray, float, int]:
    """Lloyd's iterations from ``centers``: (centers, labels, inertia, rounds)."""
    centers, rounds = centers.copy(), 0
    while rounds < max_iter:
        rounds += 1
        distances = squared_distances(X, centers)
        labels = distances.argmin(axis=1)
        new_centers = centers.copy()
        for j in range(len(centers)):
            members = X[labels == j]
            if len(members):
                new_centers[j] = members.mean(axis=0)
            else:  # an empty cluster takes the point that is worst served
                new_centers[j] = X[distances[np.arange(len(X)), labels].argmax()]
        shift = float(((new_centers - centers) ** 2).sum())
        centers = new_centers
        if shift <= tol:
            break
    distances = squared_distances(X, centers)
    labels = distances.argmin(axis=1)
    return centers, labels, float(distances[np.arange(len(X)), labels].sum()), rounds


def kmeans(X: np.ndarray, k: int, n_init: int = 10, seed: int = 0, max_iter: int = 300) -> KMeansResult:
    """k-means with k-means++ seeding, restarted ``n_init`` times; the lowest inertia wins."""
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or len(X) == 0:
        raise GymlabError("k-means needs a non-empty table of numbers (rows × features)")
    if not 1 <= k <= len(X):
        raise GymlabError(f"k must be between 1 and the number of rows ({len(X)}), got k={k}")
    if n_init < 1:
        raise GymlabError(f"restarts must be at least 1 (got {n_init})")
    rng = np.random.default_rng(seed)
    best = None
    for _ in range(n_init):
        centers, labels, inertia, rounds = lloyd(X, kmeans_plus_plus(X, k, rng), max_iter)
        if best is None or inertia < best.inertia:
            best = KMeansResult(k=k, centers=centers, labels=labels, inertia=inertia, iterations=rounds)
    return best


def standardize(X: np.ndarray) -> np.ndarray:
    """Feature scaling before clustering: every feature to mean 0, sd 1, so none dominates."""
    return Scaler.fit(X).transform(X)


def elbow_curve(X: np.ndarray, ks: range | list[int], n_init: int = 10, seed: int = 0) -> list[KMeansResult]:
    """k-means for every k in ``ks``: plot inertia against k and look for the bend (the elbow)."""
    return [kmeans(X, k, n_init=n_init, seed=seed) for k in ks]


def silhouette_samples(X: np.ndarray, labels: np.ndarray, chunk: int = 1024) -> np.ndarray:
    """Each point's silhouette s = (b − a) / max(a, b): a = mean distance to its own cluster,
    b = mean distance to the nearest other cluster. Points alone in their cluster score 0."""
    X = np.asarray(X, dtype=float)
    clusters, labels = np.unique(labels, return_inverse=True)
    if len(clusters) < 2:
        raise GymlabError("the silhouette needs at least 2 clusters: use k ≥ 2")
    onehot = np.eye(len(clusters))[labels]  # (n, clusters)
    sizes = onehot.sum(axis=0)
    scores = np.zeros(len(X))
    for start in range(0, len(X), chunk):  # chunks keep the distance matrix small
        rows = slice(start, start + chunk)
        distances = np.sqrt(squared_distances(X[rows], X))
        sums = distances @ onehot  # (chunk, clusters): total distance to each cluster
        own = labels[rows]
        own_size = sizes[own]
        a = sums[np.arange(len(own)), own] / np.maximum(own_size - 1, 1)
        others = sums / sizes
        others[np.arange(len(own)), own] = np.inf
        b = others.min(axis=1)
        s = (b - a) / np.maximum(a, b)
        scores[rows] = np.where(own_size > 1, s, 0.0)
    return scores


def silhouette_score(
    X: np.ndarray, labels: np.ndarray, sample_size: int | None = None, seed: int = 0
) -> float:
    """Mean silhouette over all points (or over a seeded random sample of ``sample_size`` points)."""
    X, labels = np.asarray(X, dtype=float), np.asarray(labels)
    if sample_size is not None and sample_size < len(X):
        rows = np.random.default_rng(seed).choice(len(X), size=sample_size, replace=False)
        X, labels = X[rows], labels[rows]
    return float(silhouette_samples(X, labels).mean())


def silhouette_curve(
    X: np.ndarray, results: list[KMeansResult], sample_size: int | None = None, seed: int = 0
) -> list[float]:
    """The silhouette of each k-means result (NaN for k = 1, where it is undefined): pick the highest."""
    return [silhouette_score(X, r.labels, sample_size, seed) if r.k >= 2 else np.nan for r in results]


def contingency(truth: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    """Table of counts: rows = true classes, columns = clusters."""
    _, t = np.unique(truth, return_inverse=True)
    _, p = np.unique(predicted, return_inverse=True)
    table = np.zeros((t.max() + 1, p.max() + 1), dtype=np.int64)
    np.add.at(table, (t, p), 1)
    return table


def purity(truth: np.ndarray, predicted: np.ndarray) -> float:
    """Share of points whose cluster's majority class is their own class (1 = every cluster pure)."""
    return float(contingency(truth, predicted).max(axis=0).sum() / len(truth))


def adjusted_rand_index(truth: np.ndarray, predicted: np.ndarray) -> float:
    """Hubert–Arabie adjusted Rand index: agreement of two labelings on pairs, corrected for chance.

    ARI = (Σᵢⱼ C(nᵢⱼ,2) − E) / (½(Σᵢ C(aᵢ,2) + Σⱼ C(bⱼ,2)) − E), E = Σᵢ C(aᵢ,2)·Σⱼ C(bⱼ,2) / C(n,2).
    """
    table = contingency(truth, predicted)

    def pairs(counts):
        return float((counts * (counts - 1) / 2).sum())

    both, rows, cols = pairs(table), pairs(table.sum(axis=1)), pairs(table.sum(axis=0))
    expected = rows * cols / pairs(np.array([table.sum()]))
    maximum = (rows + cols) / 2
    if maximum == expected:  # both labelings trivial (one cluster, or all singletons)
        return 1.0
    return (both - expected) / (maximum - expected)


def cluster_profiles(
    X: np.ndarray, labels: np.ndarray, feature_names: list[str], top: int = 2, threshold: float = 0.5
) -> dict[int, list[tuple[str, float]]]:
    """What sets each cluster apart, from its centre alone (no hidden labels): the ``top`` features
    whose cluster mean lies furthest from the overall mean, in standard deviations (z ≥ ``threshold``
    in size), largest first — e.g. ``[("points", 1.6), ("rebounds", -0.7)]``. A person names
    the cluster from this ("high points, low rebounds"); that is the step k-means leaves to us."""
    mean, sd = X.mean(axis=0), X.std(axis=0)
    sd = np.where(sd > 0, sd, 1.0)
    profiles = {}
    for j in np.unique(labels):
        z = (X[labels == j].mean(axis=0) - mean) / sd
        order = np.argsort(-np.abs(z))
        chosen = [(feature_names[i], float(z[i])) for i in order[:top] if abs(z[i]) >= threshold]
        profiles[int(j)] = chosen or [(feature_names[order[0]], float(z[order[0]]))]
    return profiles


def profile_name(
    profile: list[tuple[str, float]], high: str = "high {feature}", low: str = "low {feature}"
) -> str:
    """``[("points", 1.6), ("rebounds", -0.7)]`` → ``"high points, low rebounds"`` (templates translatable)."""
    return ", ".join((high if z > 0 else low).format(feature=feature) for feature, z in profile)


def majority_classes(
    truth: np.ndarray, predicted: np.ndarray, names: list[str]
) -> dict[int, tuple[str, float]]:
    """A check against hidden labels (not a way to name clusters): each cluster's most common true
    class and the share of the cluster it makes up."""
    classes = np.unique(truth)
    clusters = np.unique(predicted)
    table = contingency(truth, predicted)
    return {
        int(c): (names[int(classes[table[:, j].argmax()])], float(table[:, j].max() / table[:, j].sum()))
        for j, c in enumerate(clusters)
    }
