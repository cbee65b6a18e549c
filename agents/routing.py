"""Routing: four ways to plan a tour, from the book's greedy to the exact optimum, and two references.

* ``nearest_neighbour`` — greedy: always drive to the closest city not yet visited.
* ``lowest_simulation`` — the book's simulation: greedy from N random starts, keep the best,
  and report every run's length so the spread of local minima is visible.
* ``local_search`` — 2-opt + Or-opt moves from the greedy tour until no move helps; each round
  scores every possible move at once with numpy; optional "kicks" (iterated local search).
* ``exact`` — Held–Karp dynamic programming (up to 20 cities).
* ``lkh`` and ``ortools`` — the strongest outside references, optional (``pip install -e
  '.[references]'``): LKH-3 through ``elkai`` (Lin–Kernighan–Helsgaun k-opt moves, Helsgaun
  2017) and OR-Tools' routing solver with guided local search under a time limit.

Every solver plans a closed tour (back to the start) or, with ``closed=False``, an open path (the
book's version: visit every company, no return leg). Open paths reuse the closed-tour machinery
through a free "depot" city (:func:`gymlab.envs.tsp_instances.open_path_matrix`).

Asymmetric distances (row = from, column = to) are supported everywhere: the move scores include
the cost change of driving a reversed stretch the other way.

The classes at the bottom are :class:`gymlab.agents.base.Agent` baselines for ``gymlab/TSP-v0``.
"""

from __future__ import annotations

import functools
import importlib
import time
from dataclasses import dataclass

import numpy as np

from gymlab.agents.base import Agent
from gymlab.envs.errors import GymlabError
from gymlab.envs.tsp_instances import (
    TSPInstance,
    gap,
    held_karp,
    nearest_unvisited,
    open_path_matrix,
    tour_length,
)

SOLVERS = ("nn", "restarts", "two-opt", "exact")  # gymlab's own
REFERENCE_SOLVERS = ("lkh", "ortools")  # optional outside references, the strongest first
ALL_SOLVERS = SOLVERS + REFERENCE_SOLVERS
# Strongest first: Held–Karp proves the optimum; LKH-3 finds it on TSPLIB instances of hundreds
# of cities; OR-Tools' GLS lands within a few per cent in seconds; then gymlab's heuristics.
STRENGTH = ("exact", "lkh", "ortools", "two-opt", "restarts", "nn")
SOLVER_LABELS = {
    "nn": "nearest neighbour",
    "restarts": "greedy restarts",
    "two-opt": "2-opt + Or-opt",
    "exact": "Held–Karp",
    "lkh": "LKH-3 via elkai",
    "ortools": "OR-Tools GLS",
}
REFERENCE_PACKAGES = {"lkh": "elkai", "ortools": "ortools"}
LKH_RUNS = 10  # LKH-3 runs (elkai's default); each starts a fresh Lin–Kernighan–Helsgaun search
ORTOOLS_SECONDS = 2.0  # guided local search never stops on its own: it searches this long


def reference_installed(solver: str) -> bool:
    """Whether the package behind a reference solver (``lkh``: elkai, ``ortools``) imports."""
    try:
        importlib.import_module(REFERENCE_PACKAGES[solver])
    except ImportError:
        return False
    return True


def available_solvers() -> tuple[str, ...]:
    """gymlab's solvers plus the references whose packages are installed."""
    return SOLVERS + tuple(name for name in REFERENCE_SOLVERS if reference_installed(name))


def strongest(solvers) -> str:
    """The strongest of the named solvers by :data:`STRENGTH` (the exact solver when it ran)."""
    return min(solvers, key=STRENGTH.index)


def check_solver(solver: str, choices: tuple[str, ...] = ALL_SOLVERS) -> str:
    """``solver`` if it is one of ``choices`` and usable, else a one-line GymlabError: the list
    of solvers, or the install command for a reference whose package is missing."""
    if solver not in choices:
        raise GymlabError(f"unknown solver {solver!r}; choose one of: {', '.join(choices)}")
    if solver in REFERENCE_SOLVERS and not reference_installed(solver):
        package = REFERENCE_PACKAGES[solver]
        raise GymlabError(
            f"solver {solver!r} ({SOLVER_LABELS[solver]}) needs the {package} package: "
            "pip install -e '.[references]'"
        )
    return solver


@dataclass
class Solution:
    """A planned tour: city indices in visiting order (0-based) and its length."""

    solver: str
    tour: list[int]
    length: float
    closed: bool = True
    seconds: float = 0.0
    run_lengths: list[float] | None = None  # lowest_simulation: the length of every run
    start_length: float | None = None  # local_search: the length of the tour it started from

    def record(self, optimal: float | None = None) -> dict:
        """The JSON shape of one solve: solver, length, tour (0-based, visiting order), seconds,
        optimal and gap (a fraction; None when the optimum is unknown)."""
        if self.solver == "exact" and optimal is None:
            optimal = self.length  # the exact solver's length is the optimum
        return {
            "solver": self.solver,
            "length": self.length,
            "tour": self.tour,
            "seconds": round(self.seconds, 6),
            "optimal": optimal,
            "gap": gap(self.length, optimal),
        }


def as_matrix(problem: TSPInstance | np.ndarray) -> np.ndarray:
    """The distance matrix of an instance (or the matrix itself)."""
    return problem.distances if isinstance(problem, TSPInstance) else np.asarray(problem, dtype=float)


# --------------------------------------------------------------------------- greedy


def nearest_neighbour(
    problem, start: int | None = None, closed: bool = True, seed: int | None = None
) -> Solution:
    """Greedy tour: from ``start`` (random when None), always go to the nearest unvisited city."""
    distances = as_matrix(problem)
    n = len(distances)
    if start is None:
        start = int(np.random.default_rng(seed).integers(n))
    if not 0 <= start < n:
        raise GymlabError(f"start city {start} is not one of the {n} cities (0..{n - 1})")
    visited = np.zeros(n, dtype=bool)
    tour = [start]
    visited[start] = True
    for _ in range(n - 1):
        city = nearest_unvisited(distances, tour[-1], visited)
        tour.append(city)
        visited[city] = True
    return Solution("nn", tour, tour_length(distances, tour, closed), closed)


def lowest_simulation(problem, runs: int = 20, closed: bool = True, seed: int | None = None) -> Solution:
    """The book's simulation: greedy from ``runs`` random starts; the best tour, and every run's length."""
    if runs < 1:
        raise GymlabError(f"--restarts must be at least 1, got {runs}")
    distances = as_matrix(problem)
    rng = np.random.default_rng(seed)
    starts = rng.integers(len(distances), size=runs)
    tours = [nearest_neighbour(distances, int(start), closed) for start in starts]
    best = min(tours, key=lambda solution: solution.length)
    lengths = [solution.length for solution in tours]
    return Solution("restarts", best.tour, best.length, closed, run_lengths=lengths)


# --------------------------------------------------------------------------- local search


def local_search(
    problem,
    tour: list[int] | None = None,
    closed: bool = True,
    start: int | None = None,
    kicks: int = 0,
    seed: int | None = None,
) -> Solution:
    """2-opt + Or-opt local search from ``tour`` (default: nearest neighbour from ``start`` or 0).

    Each round scores every 2-opt move (reverse a stretch) and every Or-opt move (move a stretch of
    1–3 cities elsewhere, either way round) with numpy, applies the best one, and stops when none
    shortens the tour. ``kicks`` > 0 turns it into iterated local search: shake the local optimum
    with a random double-bridge move, descend again, keep the result if it is shorter.
    With ``closed=False`` it plans an open path (from ``start`` when given, else from anywhere).
    """
    distances = as_matrix(problem)
    n = len(distances)
    if tour is None:
        tour = nearest_neighbour(distances, 0 if start is None else start, closed).tour
    tour = _check_tour(tour, n)
    start_length = tour_length(distances, tour, closed)
    if closed:
        cycle_costs, cycle = distances, np.array(tour)
    else:  # the path plus the free depot (index n) closing it
        cycle_costs, cycle = open_path_matrix(distances, start), np.array([*tour, n])
    rng = np.random.default_rng(seed)
    best = descend(cycle_costs, cycle)
    best_length = tour_length(cycle_costs, best)
    for _ in range(kicks if len(cycle) >= 8 else 0):
        candidate = descend(cycle_costs, double_bridge(best, rng))
        length = tour_length(cycle_costs, candidate)
        if length < best_length - _tolerance(cycle_costs):
            best, best_length = candidate, length
    if not closed:  # cut the cycle at the depot
        at = int(np.flatnonzero(best == n)[0])
        best = np.concatenate([best[at + 1 :], best[:at]])
    result = [int(city) for city in best]
    length = tour_length(distances, result, closed)
    return Solution("two-opt", result, length, closed, start_length=start_length)


def descend(distances: np.ndarray, tour: np.ndarray) -> np.ndarray:
    """Apply the best improving 2-opt move, else the best Or-opt move, until neither helps (a local optimum)."""
    tour = np.array(tour)
    tolerance = _tolerance(distances)
    while len(tour) >= 4:
        change, i, j = best_two_opt(distances, tour)
        if change < -tolerance:  # 2-opt first: it is the cheaper scan
            tour[i + 1 : j + 1] = tour[i + 1 : j + 1][::-1]
            continue
        change, move = best_or_opt(distances, tour)
        if change >= -tolerance:
            break
        tour = apply_or_opt(tour, *move)
    return tour


def best_two_opt(distances: np.ndarray, tour: np.ndarray) -> tuple[float, int, int]:
    """The best 2-opt move: reverse positions i+1..j; returns (change in length, i, j).

    Edges (a→b) and (c→d) with a = tour[i], b = tour[i+1], c = tour[j], d = tour[j+1] become
    (a→c) and (b→d), and the stretch b..c is driven backwards. All (i, j) are scored at once.
    """
    m = len(tour)
    legs, forward, backward = _legs(distances, tour)
    # driving tour[0] → tour[p] backwards instead of forwards costs extra[p] more
    extra = np.concatenate([[0.0], np.cumsum(backward[:-1] - forward[:-1])])
    reversal = extra[None, :] - np.roll(extra, -1)[:, None]  # stretch tour[i+1..j] reversed
    change = legs + np.roll(legs, (-1, -1), axis=(0, 1)) - forward[:, None] - forward[None, :] + reversal
    change[~_two_opt_moves(m)] = np.inf
    flat = int(change.argmin())
    return float(change.flat[flat]), flat // m, flat % m


def best_or_opt(distances: np.ndarray, tour: np.ndarray, longest: int = 3) -> tuple[float, tuple]:
    """The best Or-opt move: take out 1..``longest`` consecutive cities, put them back elsewhere.

    Rows are the stretch's first position f (stretch tour[f..l], l = f+size-1), columns the city
    tour[k] after which it goes back in, between tour[k] and tour[k+1], forwards or reversed.
    Returns (change in length, (f, size, k, reversed)).
    """
    m = len(tour)
    legs, forward, backward = _legs(distances, tour)
    best: tuple[float, tuple] = (np.inf, (0, 1, 0, False))
    for size in range(1, min(longest, m - 3) + 1):
        before_first = np.roll(forward, 1)  # tour[f-1] → tour[f]
        last_after = np.roll(forward, -(size - 1))  # tour[l] → tour[l+1]
        before_after = legs[np.arange(m) - 1, (np.arange(m) + size) % m]  # tour[f-1] → tour[l+1]
        taken_out = (before_first + last_after - before_after)[:, None]
        inside = sum((np.roll(forward, -step) for step in range(size - 1)), np.zeros(m))
        inside_reversed = sum((np.roll(backward, -step) for step in range(size - 1)), np.zeros(m))
        k_to_first, last_to_next = legs.T, np.roll(legs, (-(size - 1), -1), axis=(0, 1))
        k_to_last, first_to_next = np.roll(legs.T, -(size - 1), axis=0), np.roll(legs, -1, axis=1)
        put_in = k_to_first + last_to_next - forward[None, :]
        put_in_reversed = k_to_last + first_to_next - forward[None, :] + (inside_reversed - inside)[:, None]
        valid = _or_opt_moves(m, size)
        for reverse, inserted in ((False, put_in), (True, put_in_reversed)):
            change = np.where(valid, inserted - taken_out, np.inf)
            flat = int(change.argmin())
            if change.flat[flat] < best[0]:
                best = (float(change.flat[flat]), (flat // m, size, flat % m, reverse))
    return best


def _legs(distances: np.ndarray, tour: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distances both move scans read, in tour order: ``legs[i, j]`` from tour[i] to tour[j],
    ``forward[i]`` the leg tour[i] → tour[i+1] and ``backward[i]`` the leg tour[i+1] → tour[i]."""
    legs = distances[np.ix_(tour, tour)]
    forward = np.diagonal(np.roll(legs, -1, axis=1)).copy()
    backward = np.diagonal(np.roll(legs, -1, axis=0)).copy()
    return legs, forward, backward


@functools.lru_cache(maxsize=64)
def _two_opt_moves(m: int) -> np.ndarray:
    """Which (i, j) are real 2-opt moves on m positions: j ≥ i+2, and not the whole tour."""
    i, j = np.arange(m)[:, None], np.arange(m)[None, :]
    return (j >= i + 2) & ~((i == 0) & (j == m - 1))


@functools.lru_cache(maxsize=64)
def _or_opt_moves(m: int, size: int) -> np.ndarray:
    """Which (f, k) are real Or-opt moves: k outside the stretch, and not where it already is."""
    f, k = np.arange(m)[:, None], np.arange(m)[None, :]
    return ((k - f) % m >= size) & (k != (f - 1) % m)


def apply_or_opt(tour: np.ndarray, first: int, size: int, k: int, reverse: bool) -> np.ndarray:
    """Move the stretch tour[first : first+size] (cyclically) to just after tour[k]."""
    m = len(tour)
    rotated = np.roll(tour, -first)  # the stretch now comes first
    stretch, rest = rotated[:size], rotated[size:]
    if reverse:
        stretch = stretch[::-1]
    cut = (k - first - size) % m + 1  # position right after tour[k] inside `rest`
    return np.concatenate([rest[:cut], stretch, rest[cut:]])


def double_bridge(tour: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The classic kick: cut the tour into A B C D and reconnect it as A C B D."""
    cuts = np.sort(rng.choice(np.arange(1, len(tour)), size=3, replace=False))
    a, b, c, d = np.split(tour, cuts)
    return np.concatenate([a, c, b, d])


def _tolerance(distances: np.ndarray) -> float:
    """Ignore "improvements" smaller than float round-off (they would make the search cycle)."""
    return 1e-9 * max(1.0, float(distances.max()))


def _check_tour(tour, n: int) -> list[int]:
    tour = [int(city) for city in tour]
    if sorted(tour) != list(range(n)):
        raise GymlabError(f"a tour must visit each of the {n} cities exactly once, got {tour}")
    return tour


# --------------------------------------------------------------------------- exact


def exact(problem, closed: bool = True, start: int | None = None) -> Solution:
    """The optimal tour (or open path) by Held–Karp dynamic programming, up to 20 cities.

    The dynamic programme itself lives with the instances (:func:`gymlab.envs.tsp_instances.held_karp`)
    because the environment reports the optimum too. A closed tour starts at ``start``
    (default 0); an open path starts at ``start`` when given, else wherever the best path starts.
    """
    distances = as_matrix(problem)
    tour, _ = held_karp(distances, closed, start)
    return Solution("exact", tour, tour_length(distances, tour, closed), closed)


# --------------------------------------------------------------------------- outside references


def whole_costs(distances: np.ndarray, resolution: float = 100_000.0) -> np.ndarray:
    """Whole-number costs for solvers that need them (LKH-3, OR-Tools): the matrix itself when it
    is whole already (TSPLIB), else scaled so the longest leg is ``resolution`` and rounded."""
    if np.array_equal(distances, np.rint(distances)) and distances.max() <= resolution:
        return distances.astype(np.int64)
    return np.rint(distances * (resolution / max(float(distances.max()), 1e-300))).astype(np.int64)


def _reference(problem, closed: bool, start: int | None, solver: str, plan_cycle) -> Solution:
    """Run a cycle planner on whole-number costs; open paths and fixed starts as everywhere here.

    ``plan_cycle(costs)`` returns a closed tour (all indices) for an integer matrix. An open path is
    a cycle through the free depot (:func:`open_path_matrix`), cut there. The depot's
    "prohibitive" legs are capped at n × the longest leg + 1 (still never worth taking) so
    the costs stay small. Cycles of fewer than 5 cities are solved by Held–Karp instead.
    """
    distances = as_matrix(problem)
    n = len(distances)
    cycle_costs = distances if closed else open_path_matrix(distances, start)
    if len(cycle_costs) < 5:
        return Solution(solver, exact(distances, closed, start).tour, 0.0, closed)
    costs = whole_costs(cycle_costs)
    legs = whole_costs(distances) if closed else costs[:n, :n]
    costs = np.minimum(costs, n * int(legs.max()) + 1)
    cycle = [int(city) for city in plan_cycle(costs)]
    _check_tour(cycle, len(cycle_costs))
    if closed:
        at = cycle.index(0 if start is None else start)
        tour = cycle[at:] + cycle[:at]
    else:
        at = cycle.index(n)
        tour = cycle[at + 1 :] + cycle[:at]
    return Solution(solver, tour, 0.0, closed)


def lkh(problem, closed: bool = True, start: int | None = None, runs: int = LKH_RUNS) -> Solution:
    """LKH-3 (Helsgaun's Lin–Kernighan heuristic) through ``elkai``: the strongest heuristic
    reference. Deterministic (LKH's own fixed seed); asymmetric matrices go in as ATSP."""
    check_solver("lkh")
    import elkai

    def plan(costs: np.ndarray) -> list[int]:
        return elkai.DistanceMatrix(costs.tolist()).solve_tsp(runs=runs)[:-1]  # drop the return leg

    solution = _reference(problem, closed, start, "lkh", plan)
    solution.length = tour_length(as_matrix(problem), solution.tour, closed)
    return solution


def ortools_gls(
    problem, closed: bool = True, start: int | None = None, seconds: float = ORTOOLS_SECONDS
) -> Solution:
    """OR-Tools' routing solver: cheapest-arc start, then guided local search for ``seconds``
    (a time limit, so a loaded machine may find a different tour)."""
    check_solver("ortools")
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    def plan(costs: np.ndarray) -> list[int]:
        manager = pywrapcp.RoutingIndexManager(len(costs), 1, 0)
        routing = pywrapcp.RoutingModel(manager)
        arc = routing.RegisterTransitMatrix(costs.tolist())  # costs live in C++: no Python callback
        routing.SetArcCostEvaluatorOfAllVehicles(arc)
        parameters = pywrapcp.DefaultRoutingSearchParameters()
        parameters.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
        parameters.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
        parameters.time_limit.FromMilliseconds(max(1, round(seconds * 1000)))
        assignment = routing.SolveWithParameters(parameters)
        if assignment is None:
            raise GymlabError(f"OR-Tools found no tour within {seconds:g} s; allow it more time")
        index, tour = routing.Start(0), []
        while not routing.IsEnd(index):
            tour.append(manager.IndexToNode(index))
            index = assignment.Value(routing.NextVar(index))
        return tour

    solution = _reference(problem, closed, start, "ortools", plan)
    solution.length = tour_length(as_matrix(problem), solution.tour, closed)
    return solution


# --------------------------------------------------------------------------- one entry point


def solve(
    problem,
    solver: str = "two-opt",
    closed: bool = True,
    restarts: int = 20,
    seed: int | None = 0,
    start: int | None = None,
    kicks: int | None = None,
    time_limit: float = ORTOOLS_SECONDS,
) -> Solution:
    """Plan a tour with the named solver (``nn``, ``restarts``, ``two-opt``, ``exact``, and the
    references ``lkh`` and ``ortools`` when installed), timed.

    ``start`` fixes the first city (``nn`` then starts there; ``restarts`` ignores it); ``kicks``
    is local search's number of double-bridge kicks (default: ``restarts``); ``time_limit`` is
    how long OR-Tools searches (s).
    """
    check_solver(solver)
    distances = as_matrix(problem)
    began = time.perf_counter()
    if solver == "nn":
        solution = nearest_neighbour(distances, 0 if start is None else start, closed, seed)
    elif solver == "restarts":
        solution = lowest_simulation(distances, restarts, closed, seed)
    elif solver == "two-opt":
        solution = local_search(
            distances, closed=closed, start=start, kicks=restarts if kicks is None else kicks, seed=seed
        )
    elif solver == "exact":
        solution = exact(distances, closed, start)
    elif solver == "lkh":
        solution = lkh(distances, closed, start)
    else:  # "ortools"
        solution = ortools_gls(distances, closed, start, time_limit)
    solution.seconds = time.perf_counter() - began
    return solution


# --------------------------------------------------------------------------- agents for gymlab/TSP-v0


class PlannedTourAgent(Agent):
    """Plans the whole tour when the episode starts (:meth:`plan`), then follows it step by step."""

    learns = False

    def __init__(self) -> None:
        self._plan: list[int] = []

    def plan(self, env) -> list[int]:
        """The cities to visit after ``env.first_city``, in order."""
        raise NotImplementedError

    def reset(self, env) -> None:
        self._plan = list(self.plan(env))

    def act(self, observation, env) -> int:
        while self._plan and env.visited[self._plan[0]]:
            self._plan.pop(0)  # already there (e.g. the env was stepped by someone else)
        if not self._plan:
            raise GymlabError(f"{self.name} has no city left to visit; call reset(env) at each episode start")
        return self._plan.pop(0)


class TourAgent(PlannedTourAgent):
    """Plans the whole tour with a classic solver when the episode starts, then follows it.

    ``TourAgent("exact")`` collects minus the optimal length as its return; compare a learner
    against ``TourAgent("nn")`` (the greedy) and ``TourAgent("two-opt")``; the references
    ``TourAgent("lkh")`` and ``TourAgent("ortools")`` (``time_limit`` s per instance) when installed.
    """

    learns = False

    def __init__(
        self, solver: str = "two-opt", restarts: int = 20, seed: int | None = 0, time_limit: float = 0.2
    ) -> None:
        super().__init__()
        self.solver = check_solver(solver)
        self.restarts, self.seed, self.time_limit = restarts, seed, time_limit
        self.name = f"tour-{solver}"

    def plan(self, env) -> list[int]:
        first, closed = env.first_city, env.closed
        solver = "nn" if self.solver == "restarts" and not closed else self.solver  # start is fixed
        solution = solve(
            env.instance, solver, closed, self.restarts, self.seed, start=first, time_limit=self.time_limit
        )
        tour = solution.tour
        at = tour.index(first)  # a closed tour can begin anywhere: rotate it to the env's start
        return tour[at + 1 :] + tour[:at]


class NearestNeighbourAgent(Agent):
    """Online greedy: at each step drive to the nearest unvisited city (no planning ahead)."""

    name = "nearest-neighbour"
    learns = False

    def act(self, observation, env) -> int:
        return nearest_unvisited(env.instance.distances, env.current_city, env.visited)


class RandomTourAgent(Agent):
    """A random unvisited city at each step: the floor every method must beat."""

    name = "random"
    learns = False

    def __init__(self, seed: int | None = 0) -> None:
        self.rng = np.random.default_rng(seed)

    def act(self, observation, env) -> int:
        return int(self.rng.choice(np.flatnonzero(~env.visited)))
