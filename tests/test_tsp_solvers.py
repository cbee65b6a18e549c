"""Routing solvers: exact optima of TSPLIB instances, the book's numbers, valid tours everywhere."""

import math

import numpy as np
import pytest

from gymlab.agents.routing import (
    SOLVERS,
    apply_or_opt,
    best_or_opt,
    best_two_opt,
    exact,
    local_search,
    lowest_simulation,
    nearest_neighbour,
    solve,
)
from gymlab.envs.errors import GymlabError
from gymlab.envs.tsp_instances import from_matrix, load_instance, random_instance, tour_length


def test_exact_burma14_and_gr17(shared_data):
    for name, optimum in (("burma14", 3323), ("gr17", 2085)):
        instance = load_instance(shared_data / "tsplib" / f"{name}.tsp")
        solution = exact(instance)
        assert solution.length == optimum == instance.optimal
        assert instance.length(solution.tour) == optimum


def test_the_books_routes_open_128_closed_171(shared_data):
    routes = load_instance(shared_data / "corp_routes.csv")
    assert exact(routes, closed=False).length == 128
    assert exact(routes, closed=True).length == 171
    # the book's own method, best of random greedy starts, reaches both too
    assert lowest_simulation(routes, runs=50, closed=False, seed=0).length == 128
    assert lowest_simulation(routes, runs=50, closed=True, seed=0).length == 171


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("closed", [True, False])
def test_every_solver_returns_a_permutation_of_the_reported_length(solver, closed):
    rng = np.random.default_rng(7)
    for instance in (random_instance(11, seed=4), from_matrix(rng.integers(1, 99, size=(9, 9)), "asym")):
        solution = solve(instance, solver, closed=closed, restarts=5, seed=1)
        assert sorted(solution.tour) == list(range(instance.n))
        assert math.isclose(solution.length, instance.length(solution.tour, closed))
        assert solution.closed == closed and solution.seconds >= 0


def test_exact_is_never_beaten():
    for seed in range(4):
        instance = random_instance(9, seed=seed)
        best = exact(instance).length
        for solver in ("nn", "restarts", "two-opt"):
            assert solve(instance, solver, seed=seed).length >= best - 1e-9


@pytest.mark.parametrize("closed", [True, False])
def test_local_search_never_worsens_its_start(closed):
    for seed in range(6):
        distances = random_instance(25, seed=seed).distances
        start = nearest_neighbour(distances, start=seed % 25, closed=closed)
        improved = local_search(distances, tour=start.tour, closed=closed, kicks=3, seed=seed)
        assert improved.start_length == start.length
        assert improved.length <= start.length + 1e-9
        random_tour = list(np.random.default_rng(seed).permutation(25))
        assert local_search(distances, tour=random_tour, closed=closed).length <= tour_length(
            distances, random_tour, closed
        )


def test_move_scores_match_the_real_change_asymmetric_too():
    rng = np.random.default_rng(0)
    distances = rng.integers(1, 40, size=(12, 12)).astype(float)
    tour = rng.permutation(12)
    before = tour_length(distances, tour)
    change, i, j = best_two_opt(distances, tour)
    moved = tour.copy()
    moved[i + 1 : j + 1] = moved[i + 1 : j + 1][::-1]
    assert math.isclose(tour_length(distances, moved) - before, change)
    change, move = best_or_opt(distances, tour)
    assert math.isclose(tour_length(distances, apply_or_opt(tour, *move)) - before, change)


def test_open_path_local_search_keeps_a_fixed_start():
    distances = random_instance(15, seed=2).distances
    solution = local_search(distances, closed=False, start=6, kicks=5, seed=0)
    assert solution.tour[0] == 6
    assert solution.length >= exact(distances, closed=False, start=6).length - 1e-9


def test_nearest_neighbour_from_a_given_or_random_start():
    distances = random_instance(10, seed=0).distances
    assert nearest_neighbour(distances, start=3).tour[0] == 3
    assert nearest_neighbour(distances, seed=5).tour == nearest_neighbour(distances, seed=5).tour
    with pytest.raises(GymlabError, match="start city 10"):
        nearest_neighbour(distances, start=10)


def test_lowest_simulation_reports_every_run():
    distances = random_instance(30, seed=1).distances
    solution = lowest_simulation(distances, runs=12, seed=3)
    assert len(solution.run_lengths) == 12 and solution.length == min(solution.run_lengths)
    assert lowest_simulation(distances, runs=12, seed=3).run_lengths == solution.run_lengths


def test_unknown_solver_and_too_big_exact():
    with pytest.raises(GymlabError, match="unknown solver"):
        solve(random_instance(5, seed=0), "genetic")
    with pytest.raises(GymlabError, match="at most 20 cities"):
        solve(random_instance(21, seed=0), "exact")
