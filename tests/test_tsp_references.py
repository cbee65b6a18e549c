"""The strongest TSP references (LKH-3 via elkai, OR-Tools' guided local search), optional."""

from __future__ import annotations

import importlib.util
import math
import sys

import numpy as np
import pytest

from gymlab.agents.routing import (
    ALL_SOLVERS,
    REFERENCE_SOLVERS,
    available_solvers,
    check_solver,
    exact,
    lkh,
    ortools_gls,
    solve,
    strongest,
    whole_costs,
)
from gymlab.envs.errors import GymlabError
from gymlab.envs.tsp_instances import from_matrix, load_instance, random_instance

needs_elkai = pytest.mark.skipif(
    importlib.util.find_spec("elkai") is None,
    reason="elkai (LKH-3) not installed: pip install -e '.[references]'",
)
needs_ortools = pytest.mark.skipif(
    importlib.util.find_spec("ortools") is None,
    reason="OR-Tools not installed: pip install -e '.[references]'",
)


def test_whole_costs_keep_whole_matrices_and_scale_the_rest():
    whole = np.array([[0.0, 3.0], [4.0, 0.0]])
    assert whole_costs(whole).tolist() == [[0, 3], [4, 0]]
    scaled = whole_costs(np.array([[0.0, 0.25], [0.5, 0.0]]))
    assert scaled.dtype == np.int64 and scaled.tolist() == [[0, 50_000], [100_000, 0]]


@pytest.mark.parametrize("solver, package", [("lkh", "elkai"), ("ortools", "ortools")])
def test_a_missing_reference_is_one_line_with_the_install_command(monkeypatch, solver, package):
    monkeypatch.setitem(sys.modules, package, None)  # makes `import package` fail
    with pytest.raises(GymlabError, match=r"pip install -e '\.\[references\]'") as error:
        check_solver(solver)
    assert "\n" not in str(error.value) and package in str(error.value)
    assert solver not in available_solvers()
    with pytest.raises(GymlabError, match="references"):
        solve(random_instance(6, seed=0), solver)


def test_unknown_solver_lists_the_references_too():
    with pytest.raises(GymlabError, match="lkh, ortools"):
        check_solver("concorde")


def test_strongest_prefers_the_proof_then_lkh():
    assert strongest(["nn", "two-opt", "ortools", "lkh"]) == "lkh"
    assert strongest(["lkh", "exact", "nn"]) == "exact"
    assert strongest(["restarts", "two-opt"]) == "two-opt"
    assert set(REFERENCE_SOLVERS) < set(ALL_SOLVERS)


@needs_elkai
@pytest.mark.parametrize("closed", [True, False])
def test_lkh_matches_held_karp_on_small_instances(closed):
    rng = np.random.default_rng(3)
    instances = [random_instance(12, seed=s) for s in range(3)]
    instances.append(from_matrix(rng.integers(1, 99, size=(10, 10)), "asym"))  # ATSP
    for instance in instances:
        for start in (None, 4):
            best = exact(instance, closed, start=start).length
            solution = lkh(instance, closed, start=start)
            assert sorted(solution.tour) == list(range(instance.n))
            assert math.isclose(solution.length, instance.length(solution.tour, closed))
            assert solution.length == pytest.approx(best, rel=1e-4)
            if start is not None or closed:
                assert solution.tour[0] == (0 if start is None else start)


@needs_elkai
def test_lkh_finds_the_berlin52_optimum(shared_data):
    instance = load_instance(shared_data / "tsplib" / "berlin52.tsp")
    solution = solve(instance, "lkh")
    assert solution.length == instance.optimal == 7542
    assert solution.solver == "lkh" and solution.seconds > 0


@needs_elkai
def test_lkh_handles_tiny_instances():
    for n in (2, 3, 4):
        instance = random_instance(n, seed=1)
        for closed in (True, False):
            solution = lkh(instance, closed)
            assert sorted(solution.tour) == list(range(n))
            assert solution.length == pytest.approx(exact(instance, closed).length)


@needs_ortools
@pytest.mark.parametrize("closed", [True, False])
def test_ortools_plans_valid_tours_never_below_the_optimum(closed):
    instance = random_instance(11, seed=2)
    solution = ortools_gls(instance, closed, start=3, seconds=0.3)
    assert sorted(solution.tour) == list(range(11)) and solution.tour[0] == 3
    assert math.isclose(solution.length, instance.length(solution.tour, closed))
    assert solution.length >= exact(instance, closed, start=3).length - 1e-9
    assert solution.length <= 1.05 * exact(instance, closed, start=3).length


@needs_elkai
@needs_ortools
@pytest.mark.parametrize("solver", ["lkh", "ortools"])
def test_tour_agents_drive_the_reference_tours_in_the_env(solver):
    import gymnasium as gym

    from gymlab.agents.base import rollout
    from gymlab.agents.routing import TourAgent

    env = gym.make("gymlab/TSP-v0", n_cities=9).unwrapped
    episode = rollout(env, TourAgent(solver, time_limit=0.1), seed=4)
    assert episode.info["optimal"] is not None
    assert -episode.total_reward == pytest.approx(episode.info["optimal"], rel=1e-6)  # 9 cities: both optimal
