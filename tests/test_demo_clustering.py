"""k-means from scratch against scikit-learn; silhouette and adjusted Rand against scikit-learn."""

import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score
from sklearn.metrics import silhouette_score as sk_silhouette

from gymlab.agents import clustering
from gymlab.envs.errors import GymlabError
from gymlab.experiments import datasets


@pytest.fixture(scope="module")
def players():
    table, truth, names = datasets.basketball_players(n=300, seed=3)
    _, X = datasets.table_matrix(table)
    return clustering.standardize(X), truth, names


def _blobs(seed=0, n=300):
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-10, 10, size=(5, 3))
    return centres[rng.integers(5, size=n)] + rng.normal(size=(n, 3))


@pytest.mark.parametrize(
    ("data", "k"),
    [("players", 4), ("players", 6), ("blobs", 3), ("blobs", 5), ("uniform", 7)],
)
def test_inertia_within_one_percent_of_scikit_learn(players, data, k):
    X = {
        "players": players[0],
        "blobs": _blobs(),
        "uniform": np.random.default_rng(2).uniform(size=(400, 2)),
    }[data]
    ours = clustering.kmeans(X, k, n_init=10, seed=0)
    theirs = KMeans(n_clusters=k, n_init=10, random_state=0).fit(X)
    assert ours.inertia <= theirs.inertia_ * 1.01
    assert ours.inertia >= theirs.inertia_ * 0.99
    # the reported inertia is the true sum of squared distances to the assigned centres
    assert ours.inertia == pytest.approx(((X - ours.centers[ours.labels]) ** 2).sum(), rel=1e-9)


def test_kmeans_is_reproducible_and_restarts_never_hurt(players):
    X = players[0]
    a, b = clustering.kmeans(X, 5, seed=4), clustering.kmeans(X, 5, seed=4)
    np.testing.assert_array_equal(a.labels, b.labels)
    assert (
        clustering.kmeans(X, 5, n_init=10, seed=4).inertia
        <= clustering.kmeans(X, 5, n_init=1, seed=4).inertia
    )


def test_elbow_inertia_falls_with_k(players):
    curve = clustering.elbow_curve(players[0], range(1, 7), n_init=5)
    inertias = [result.inertia for result in curve]
    assert all(later <= earlier + 1e-9 for earlier, later in zip(inertias, inertias[1:], strict=False))
    assert inertias[0] == pytest.approx(((players[0] - players[0].mean(axis=0)) ** 2).sum())


def test_silhouette_equals_scikit_learn(players):
    X = players[0]
    labels = clustering.kmeans(X, 4).labels
    assert clustering.silhouette_score(X, labels) == pytest.approx(sk_silhouette(X, labels), abs=1e-7)
    X2 = _blobs(1, 250)
    labels2 = clustering.kmeans(X2, 3).labels
    np.testing.assert_allclose(
        clustering.silhouette_samples(X2, labels2, chunk=7), clustering.silhouette_samples(X2, labels2)
    )
    assert clustering.silhouette_score(X2, labels2) == pytest.approx(sk_silhouette(X2, labels2), abs=1e-7)


def test_clusters_discover_the_hidden_archetypes(players):
    X, truth, names = players
    labels = clustering.kmeans(X, 4).labels
    ari = clustering.adjusted_rand_index(truth, labels)
    assert ari == pytest.approx(adjusted_rand_score(truth, labels), abs=1e-12)
    assert ari > 0.9
    assert clustering.purity(truth, labels) > 0.95
    majority = clustering.majority_classes(truth, labels, names)
    assert sorted(name for name, _share in majority.values()) == sorted(names)
    assert all(share > 0.9 for _name, share in majority.values())


def test_cluster_profiles_name_clusters_from_their_centres_alone():
    X = np.array([[10.0, 1.0], [11.0, 1.2], [1.0, 5.0], [1.2, 5.5]])
    labels = np.array([0, 0, 1, 1])
    profiles = clustering.cluster_profiles(X, labels, ["points", "rebounds"])
    assert [f for f, _z in profiles[0]] == ["points", "rebounds"]
    assert profiles[0][0][1] > 0 > profiles[0][1][1]
    assert clustering.profile_name(profiles[0]) == "high points, low rebounds"
    assert clustering.profile_name(profiles[1]) == "low points, high rebounds"


def test_adjusted_rand_and_purity_on_known_cases():
    truth = np.array([0, 0, 1, 1, 2, 2])
    assert clustering.adjusted_rand_index(truth, np.array([5, 5, 3, 3, 9, 9])) == 1.0
    assert clustering.purity(truth, np.array([0, 0, 0, 1, 1, 1])) == pytest.approx(4 / 6)
    rng = np.random.default_rng(0)
    a, b = rng.integers(4, size=500), rng.integers(3, size=500)
    assert clustering.adjusted_rand_index(a, b) == pytest.approx(adjusted_rand_score(a, b), abs=1e-12)


def test_kmeans_copes_with_duplicate_points_and_rejects_k_beyond_the_rows():
    X = np.array([[0.0, 0.0]] * 5 + [[1.0, 1.0]] * 5 + [[5.0, 5.0]])
    result = clustering.kmeans(X, 3)
    assert result.inertia == pytest.approx(0.0)
    with pytest.raises(GymlabError, match="k must be between 1 and the number of rows"):
        clustering.kmeans(X, 12)
