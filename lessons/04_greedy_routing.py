"""Greedy routing and local minima: nearest neighbour from random starts, 2-opt, and the exact optimum.

The idea: the book's route planner is greedy — from where you are, drive to the nearest city
not yet visited. It is fast and usually decent, but each starting city leads to a different
tour: greedy gets stuck in a *local minimum*, a tour no single greedy choice can improve. The
book's remedy is to simulate many random starts and keep the best. A better remedy is *local
search*: 2-opt removes two roads and reconnects the tour the other way round (uncrossing it)
while that shortens it — a local minimum too, but a much deeper one. For up to ~20 cities
Held–Karp dynamic programming finds the true optimum, so we can measure every gap exactly.

Watch for: the spread of greedy's lengths across starts (first histogram); how much tighter
2-opt's results are from the same starts (second); the crossings in the greedy tour that 2-opt
removes (tours.png).

Try next: `--data ../shared/data/corp_routes.csv` (the book's 15 companies) or a TSPLIB file;
`gymlab tsp compare --random 50 --seed 1` on an instance too big for the exact solver.
"""

from gymlab.agents.routing import lowest_simulation, nearest_neighbour, solve
from gymlab.envs.tsp_instances import HELD_KARP_LIMIT, gap, known_optimum, load_instance, random_instance
from gymlab.experiments.lessons import lesson_arguments, one_line_errors, punchline
from gymlab.experiments.plots.tsp import describe_gap, plot_restart_spread, plot_tours


def main() -> None:
    args = lesson_arguments(
        __doc__, data="a TSPLIB .tsp file or an edge-list CSV (corp_start,corp_end,distance)"
    )
    if args.data is not None:
        with one_line_errors():
            instance = load_instance(args.data)
    else:
        instance = random_instance(12 if args.quick else 18, seed=args.seed)
    restarts = 20 if args.quick else 50
    print(f"1. {instance.name}: {instance.n} cities")

    print(f"2. Greedy (nearest neighbour) from {restarts} random starting cities")
    greedy = lowest_simulation(instance, runs=restarts, seed=args.seed)
    lengths = greedy.run_lengths
    spread = 100 * (max(lengths) / min(lengths) - 1)
    print(f"   lengths {min(lengths):.4g} … {max(lengths):.4g}: the worst start is {spread:.1f} % longer")

    print("3. 2-opt + Or-opt local search from the greedy tour of every city")
    polished = [solve(instance, "two-opt", start=city, kicks=0).length for city in range(instance.n)]
    print(f"   lengths {min(polished):.4g} … {max(polished):.4g}")

    optimum = known_optimum(instance, up_to=HELD_KARP_LIMIT)
    exact = solve(instance, "exact") if instance.n <= HELD_KARP_LIMIT else None
    if exact is not None:
        print(f"4. Held–Karp: the optimum is {exact.length:.4g} ({exact.seconds:.2f} s)")
    else:
        known = f"the published optimum is {optimum:g}" if optimum else "the optimum is unknown"
        print(f"4. {instance.n} cities is too many for Held–Karp (≤ {HELD_KARP_LIMIT}): {known}")

    first = nearest_neighbour(instance, start=0)
    rows = [
        _row(first, optimum, "greedy from city 0"),
        _row(greedy, optimum, f"best of {restarts} greedy starts"),
        _row(solve(instance, "two-opt", seed=args.seed), optimum, "2-opt (20 kicks)"),
    ]
    if exact is not None:
        rows.append(_row(exact, optimum, "exact"))
    for row in rows:
        print(f"   {row['solver']:<26} {row['length']:>10.4g}  {describe_gap(row['gap'])}")
    plot_tours(instance, rows, args.out / "tours.png")
    plot_restart_spread(lengths, optimum, args.out / "greedy-starts.png", name=f"{instance.name} greedy")
    plot_restart_spread(polished, optimum, args.out / "two-opt-starts.png", name=f"{instance.name} 2-opt")
    print(f"   plots: {args.out}/tours.png, greedy-starts.png, two-opt-starts.png")

    reference = f"the optimum {optimum:.4g}" if optimum else "the best tour found"
    best = optimum or min(min(polished), rows[2]["length"])
    hits = sum(length <= best * (1 + 1e-9) for length in polished)
    punchline(
        f"greedy from {restarts} random starts ranged {min(lengths):.4g}–{max(lengths):.4g} "
        f"(spread {spread:.0f} %), its best {describe_gap(gap(min(lengths), best))} over {reference}; "
        f"2-opt from each of the {instance.n} starts reached it {hits} times, "
        f"worst {describe_gap(gap(max(polished), best))}"
    )


def _row(solution, optimum: float | None, label: str) -> dict:
    """One line of the comparison: the solve's record under a label the reader understands."""
    return solution.record(optimum) | {"solver": label, "closed": solution.closed}


if __name__ == "__main__":
    main()
