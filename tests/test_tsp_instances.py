"""TSP instances: TSPLIB distance conventions, explicit formats, the book's CSV, random cities."""

import itertools
import math

import numpy as np
import pytest

from gymlab.envs.errors import GymlabError
from gymlab.envs.tsp_instances import (
    att,
    ceil_2d,
    display_coordinates,
    euc_2d,
    explicit_matrix,
    fetch_tsplib,
    geo,
    held_karp,
    load_edge_csv,
    load_instance,
    open_path_matrix,
    parse_tsplib,
    random_instance,
    tour_length,
)

FULL = np.array([[0, 3, 5, 9], [3, 0, 4, 7], [5, 4, 0, 2], [9, 7, 2, 0]], dtype=float)


def tsplib_text(weight_type="EUC_2D", body="", dimension=3, extra=""):
    return f"NAME: t\nTYPE: TSP\nDIMENSION: {dimension}\nEDGE_WEIGHT_TYPE: {weight_type}\n{extra}{body}EOF\n"


@pytest.mark.parametrize(
    ("layout", "numbers"),
    [
        ("FULL_MATRIX", FULL.ravel()),
        ("UPPER_ROW", [3, 5, 9, 4, 7, 2]),
        ("LOWER_ROW", [3, 5, 4, 9, 7, 2]),
        ("UPPER_DIAG_ROW", [0, 3, 5, 9, 0, 4, 7, 0, 2, 0]),
        ("LOWER_DIAG_ROW", [0, 3, 0, 5, 4, 0, 9, 7, 2, 0]),
        ("UPPER_COL", [3, 5, 4, 9, 7, 2]),
        ("LOWER_DIAG_COL", [0, 3, 5, 9, 0, 4, 7, 0, 2, 0]),
    ],
)
def test_every_explicit_format_rebuilds_the_same_matrix(layout, numbers):
    body = f"EDGE_WEIGHT_SECTION\n{' '.join(str(int(x)) for x in numbers)}\n"
    text = tsplib_text("EXPLICIT", body, dimension=4, extra=f"EDGE_WEIGHT_FORMAT: {layout}\n")
    assert np.array_equal(parse_tsplib(text).distances, FULL)
    assert np.array_equal(explicit_matrix(list(numbers), 4, layout), FULL)


def test_euc_2d_rounds_half_up_like_tsplib():
    points = np.array([[0.0, 0.0], [2.5, 0.0], [0.0, 3.5]])
    # numpy's round-half-to-even would give 2 and 4 for the first two
    assert euc_2d(points)[0, 1] == 3 and euc_2d(points)[0, 2] == 4
    assert ceil_2d(np.array([[0.0, 0.0], [1.0, 1.0]]))[0, 1] == 2


def test_att_is_pseudo_euclidean():
    points = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 30.0]])
    r = 10 / math.sqrt(10)  # 3.162… → nint 3 < r → 4
    assert r > 3 and att(points)[0, 1] == 4
    assert att(points)[0, 2] == 10  # r = √90 = 9.487 → nint 9 < r → 10


def test_geo_truncates_degrees_and_uses_tsplib_constants(shared_data):
    burma = load_instance(shared_data / "tsplib" / "burma14.tsp")
    assert burma.edge_weight_type == "GEO"
    assert burma.distances[0, 1] == 153 and burma.distances[0, 2] == 510  # TSPLIB's own values

    # a hand computation of d(1, 2) with TSPLIB's formula
    def rad(x):
        deg = int(x)
        return 3.141592 * (deg + 5.0 * (x - deg) / 3.0) / 180.0

    (la1, lo1), (la2, lo2) = (16.47, 96.10), (16.47, 94.44)
    q1, q2, q3 = math.cos(rad(lo1) - rad(lo2)), math.cos(rad(la1) - rad(la2)), math.cos(rad(la1) + rad(la2))
    assert int(6378.388 * math.acos(0.5 * ((1 + q1) * q2 - (1 - q1) * q3)) + 1.0) == 153
    assert np.all(np.diag(geo(np.array([[10.0, 20.0], [11.0, 21.0]]))) == 0)


def test_gr17_explicit_lower_diag_row(shared_data):
    gr17 = load_instance(shared_data / "tsplib" / "gr17.tsp")
    assert gr17.n == 17 and gr17.symmetric and gr17.coordinates is None
    assert gr17.distances[1, 0] == 633 and gr17.distances[2, 1] == 390 and gr17.distances[16, 15] == 336
    assert display_coordinates(gr17).shape == (17, 2)


def test_shared_instances_load_with_their_optima(shared_data):
    for path in sorted((shared_data / "tsplib").glob("*.tsp")):
        instance = load_instance(path)
        assert instance.optimal is not None and instance.optimal > 0, path.name
        assert instance.symmetric and np.all(np.diag(instance.distances) == 0)
        assert np.all(instance.distances == np.round(instance.distances)), "TSPLIB distances are integers"
    berlin = load_instance(shared_data / "tsplib" / "berlin52.tsp", optimal=1.0)
    assert berlin.optimal == 1.0  # --optimal wins over optimal.json


def test_book_csv_keeps_the_two_asymmetric_rows(shared_data):
    routes = load_edge_csv(shared_data / "corp_routes.csv")
    assert routes.n == 15 and not routes.symmetric
    a, g, o = (routes.labels.index(name) for name in ("AAPL", "GOOG", "ORCL"))
    assert routes.distances[a, g] == 14 and routes.distances[g, a] == 11
    assert routes.distances[a, o] == 26 and routes.distances[o, a] == 22
    different = np.argwhere(routes.distances != routes.distances.T)
    assert len(different) == 4  # two pairs, both directions
    csco, ebay = routes.labels.index("CSCO"), routes.labels.index("EBAY")
    assert routes.distances[csco, ebay] == 0  # a pair 0 apart is kept as 0


def test_csv_one_direction_is_mirrored_and_a_missing_pair_is_an_error(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("corp_start,corp_end,distance\nA,B,1\nB,C,2\nA,C,4\n")
    assert np.array_equal(load_edge_csv(path).distances, [[0, 1, 4], [1, 0, 2], [4, 2, 0]])
    path.write_text("corp_start,corp_end,distance\nA,B,1\nB,C,2\n")
    with pytest.raises(GymlabError, match="no distance between A and C"):
        load_edge_csv(path)


def test_random_instance_is_reproducible():
    a, b, c = random_instance(8, seed=1), random_instance(8, seed=1), random_instance(8, seed=2)
    assert np.array_equal(a.coordinates, b.coordinates) and not np.array_equal(a.coordinates, c.coordinates)
    assert a.distances.shape == (8, 8) and a.symmetric


def brute_force(distances, closed=True):
    """Reference: try every order (city 0 first for a closed tour)."""
    n = len(distances)
    orders = (
        ((0, *rest) for rest in itertools.permutations(range(1, n)))
        if closed
        else itertools.permutations(range(n))
    )
    return min(tour_length(distances, order, closed) for order in orders)


@pytest.mark.parametrize("n", [2, 3, 4, 5, 6, 7, 8])
def test_held_karp_equals_brute_force(n):
    rng = np.random.default_rng(n)
    symmetric = random_instance(n, seed=n).distances
    asymmetric = rng.integers(1, 50, size=(n, n)).astype(float)
    for distances in (symmetric, asymmetric):
        for closed in (True, False):
            tour, length = held_karp(distances, closed)
            assert sorted(tour) == list(range(n))
            assert math.isclose(length, tour_length(distances, tour, closed))
            assert math.isclose(length, brute_force(distances, closed))


def test_held_karp_open_path_from_a_fixed_start():
    distances = random_instance(7, seed=3).distances
    tour, length = held_karp(distances, closed=False, start=4)
    assert tour[0] == 4
    best = min(
        tour_length(distances, (4, *rest), False) for rest in itertools.permutations([0, 1, 2, 3, 5, 6])
    )
    assert math.isclose(length, best)
    assert open_path_matrix(distances).shape == (8, 8)


def test_held_karp_refuses_more_than_its_limit():
    with pytest.raises(GymlabError, match="at most 20 cities"):
        held_karp(np.ones((21, 21)))


def test_download_error_is_one_clear_line():
    with pytest.raises(GymlabError, match="cannot download berlin52"):
        fetch_tsplib("berlin52", url="http://127.0.0.1:9/{name}.tsp", timeout=2)
    with pytest.raises(GymlabError, match="letters and digits"):
        fetch_tsplib("../etc/passwd")
