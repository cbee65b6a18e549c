"""TSP benchmark: each solver's gap and time on the shared TSPLIB instances, and Held–Karp's speed.

Prints, for every instance in ``../shared/data/tsplib``: nearest neighbour, the book's random
restarts, local search (2-opt + Or-opt with kicks) over several seeds, the exact solver where it
fits, python-tsp's local search, and the strongest references when installed (``pip install -e
'.[references]'``): LKH-3 via elkai and OR-Tools' guided local search (2 s). Then checks the
targets:

* local search within 5 % of the optimum on every instance up to 100 cities (worst seed);
* a280 solved by local search in under 2 s;
* Held–Karp at 16 cities at least 5× faster than python-tsp's ``solve_tsp_dynamic_programming``
  on the same instance, in the same run.

Run: ``.venv/bin/python benchmarks/bench_tsp.py [--data DIR] [--seeds 5]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from gymlab.agents.routing import REFERENCE_SOLVERS, SOLVER_LABELS, reference_installed, solve
from gymlab.envs.tsp_instances import HELD_KARP_LIMIT, held_karp, load_instance, random_instance

REPO = Path(__file__).resolve().parents[1]


def timed(function, *args, **kwargs):
    began = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - began


def python_tsp_local_search(distances: np.ndarray) -> float:
    from python_tsp.heuristics import solve_tsp_local_search

    _, length = solve_tsp_local_search(distances, perturbation_scheme="two_opt")
    return float(length)


def quality(data: Path, seeds: int) -> tuple[bool, bool]:
    print(f"{'instance':<10} {'n':>4} {'optimum':>8}  {'solver':<28} {'length':>8} {'gap':>7} {'seconds':>8}")
    within_five, a280_fast = True, True
    for path in sorted((data / "tsplib").glob("*.tsp")):
        instance = load_instance(path)
        optimum = instance.optimal
        rows = []
        for solver in ("nn", "restarts"):
            solution = solve(instance, solver, restarts=20, seed=0)
            rows.append((solver, solution.length, solution.seconds))
        searches = [solve(instance, "two-opt", restarts=20, seed=seed) for seed in range(seeds)]
        worst = max(searches, key=lambda solution: solution.length)
        slowest = max(solution.seconds for solution in searches)
        rows.append(("two-opt (seed 0)", searches[0].length, searches[0].seconds))
        rows.append((f"two-opt (worst of {seeds})", worst.length, slowest))
        if instance.n <= HELD_KARP_LIMIT:
            solution = solve(instance, "exact")
            rows.append(("exact", solution.length, solution.seconds))
        if instance.n <= 100:
            length, seconds = timed(python_tsp_local_search, instance.distances)
            rows.append(("python-tsp local search", length, seconds))
        for reference in REFERENCE_SOLVERS:
            label = f"{SOLVER_LABELS[reference]} (ref.)"
            if reference_installed(reference):
                solution = solve(instance, reference)
                rows.append((label, solution.length, solution.seconds))
            else:
                rows.append((label, None, 0.0))
        for solver, length, seconds in rows:
            if length is None:
                print(
                    f"{instance.name:<10} {instance.n:>4} {optimum:>8g}  {solver:<28} {'not installed':>26}"
                )
                continue
            gap = length / optimum - 1
            print(
                f"{instance.name:<10} {instance.n:>4} {optimum:>8g}  {solver:<28} {length:>8g} {gap:>6.1%} {seconds:>8.3f}"
            )
        worst_gap = worst.length / optimum - 1
        if instance.n <= 100 and worst_gap > 0.05:
            within_five = False
            print(f"  MISS: local search is {worst_gap:.1%} above the optimum on {instance.name}")
        if instance.name == "a280":
            a280_fast = slowest < 2.0
            print(f"  a280: local search took at most {slowest:.2f} s over {seeds} seeds (target < 2 s)")
    return within_five, a280_fast


def held_karp_speed(cities: int = 16) -> float:
    from python_tsp.exact import solve_tsp_dynamic_programming

    distances = np.rint(random_instance(cities, seed=0).distances * 1000)
    (tour, ours), our_seconds = timed(held_karp, distances)
    (_, theirs), their_seconds = timed(solve_tsp_dynamic_programming, distances)
    assert ours == theirs, f"Held–Karp disagrees with python-tsp: {ours} vs {theirs}"
    ratio = their_seconds / our_seconds
    print(
        f"Held–Karp, {cities} cities: gymlab {our_seconds:.3f} s, python-tsp {their_seconds:.3f} s "
        f"(same optimum {ours:g}) → {ratio:.0f}× faster (target ≥ 5×)"
    )
    return ratio


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--seeds", type=int, default=5, help="seeds for local search (worst one counts)")
    args = parser.parse_args()
    if not (args.data / "tsplib").is_dir():
        print(f"no TSPLIB instances at {args.data / 'tsplib'}; pass --data DIR")
        return 2
    within_five, a280_fast = quality(args.data, args.seeds)
    ratio = held_karp_speed()
    checks = {
        "local search within 5 % on every instance ≤ 100 cities": within_five,
        "a280 by local search in < 2 s": a280_fast,
        "Held–Karp ≥ 5× python-tsp at 16 cities": ratio >= 5,
    }
    for check, passed in checks.items():
        print(f"{'PASS' if passed else 'FAIL'}  {check}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
