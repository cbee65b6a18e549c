"""Greedy routing: the book's nearest-company path from random starts, 2-opt, and the exact optimum.

The idea: the book's route planner (`routes.py`) is greedy — from the company you are at, drive
to the nearest one not yet visited, until every company is visited. Its `greedy_path` does that
from a random start, and `lowest_simulation` repeats it and keeps the shortest. Each start gives
a different route, and greedy routes are usually *not* even local minima: one local-search move
(2-opt: remove two roads and reconnect the route the other way round, uncrossing it) shortens
most of them. 2-opt stops in a local minimum — a route no single such move improves — usually a
deep one. For up to ~20 cities Held–Karp dynamic programming proves the true optimum, so every
gap is measured exactly.

Open path or closed tour? The book visits every company once and stops: an *open path* (n − 1
legs). A travelling salesperson returns home: a *closed tour* (n legs). On the book's 15
companies the best open path is 128, the best closed tour 171 — different questions, different
answers. With the book's `corp_routes.csv` (found beside the repo or in the working folder, or
given with `--data`) this lesson plans open paths, as the book does; without it, closed tours
on random cities.

Watch for: the book's step-by-step trace; the spread of greedy's lengths across starts (first
histogram) against 2-opt's from the same starts (second); the crossings 2-opt removes (tours.png).

Try next: `--data ../shared/data/tsplib/gr17.tsp`; `gymlab tsp compare --random 50 --seed 1` on an
instance too big for the exact solver; `gymlab tsp solve corp_routes.csv --solver exact` (closed).
"""

# %%
import csv
import os
import random
from pathlib import Path

from gymlab.agents.routing import lowest_simulation, nearest_neighbour, solve
from gymlab.envs.tsp_instances import HELD_KARP_LIMIT, gap, known_optimum, load_instance, random_instance
from gymlab.experiments.i18n import _
from gymlab.experiments.lessons import LESSONS_DIR, lesson_arguments, one_line_errors, punchline
from gymlab.experiments.plots.tsp import describe_gap, plot_restart_spread, plot_tours

BOOK_FILE = "corp_routes.csv"


def book_routes_file() -> Path | None:
    """The book's routes CSV if it is at hand: $GYMLAB_DATA, the working folder, or ../shared/data."""
    places = [Path(os.environ["GYMLAB_DATA"])] if os.environ.get("GYMLAB_DATA") else []
    places += [Path.cwd(), Path.cwd() / "data", LESSONS_DIR.parent.parent / "shared" / "data"]
    return next((place / BOOK_FILE for place in places if (place / BOOK_FILE).is_file()), None)


args = lesson_arguments(__doc__, data="a TSPLIB .tsp file or an edge-list CSV (corp_start,corp_end,distance)")
data = args.data or book_routes_file()
is_book_csv = data is not None and data.suffix.lower() == ".csv"
closed = not is_book_csv  # the book's question is an open path; TSPLIB files and random cities: tours
with one_line_errors():
    instance = load_instance(data) if data else random_instance(12 if args.quick else 18, seed=args.seed)
shape = _("open path") if not closed else _("closed tour")
print(_("1. {name}: {n} cities; the question: the shortest {shape}").format(
    name=instance.name, n=instance.n, shape=shape))  # fmt: skip

# %% [markdown]
# ## 2. The book's `routes.py`, rewritten: `greedy_path` and `lowest_simulation`
# A dictionary of routes from the CSV (`corp_start → {corp_end: distance}`), a random start, then
# always the nearest company not yet visited.

# %%
if is_book_csv:

    def create_routes(path: Path) -> dict[str, dict[str, float]]:
        """The CSV's rows as {start: {end: distance}}."""
        routes: dict[str, dict[str, float]] = {}
        with open(path, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                routes.setdefault(row["corp_start"], {})[row["corp_end"]] = float(row["distance"])
        return routes

    def greedy_path(routes: dict, start: str, trace: bool = False) -> tuple[list[str], float]:
        """From ``start``, always drive to the nearest company not yet visited (an open path)."""
        path, total = [start], 0.0
        while len(path) < len(routes):
            here = path[-1]
            choices = {end: d for end, d in routes[here].items() if end not in path}
            nearest = min(choices, key=choices.get)
            total += choices[nearest]
            if trace:
                print(_("   {here} → {nearest} ({distance:g}; {left} unvisited to choose from), total {total:g}")
                      .format(here=here, nearest=nearest, distance=choices[nearest], left=len(choices), total=total))  # fmt: skip
            path.append(nearest)
        return path, total

    def book_lowest_simulation(routes: dict, num: int, seed: int) -> tuple[list[str], float]:
        """Run greedy_path from ``num`` random starts and keep the shortest path."""
        rng = random.Random(seed)
        runs = [greedy_path(routes, rng.choice(sorted(routes))) for _run in range(num)]
        return min(runs, key=lambda run: run[1])

    routes = create_routes(data)
    first = sorted(routes)[0]
    print(_("2. The book's greedy_path from {start}, step by step:").format(start=first))
    book_path, book_length = greedy_path(routes, first, trace=True)
    print(_("   path: {path} — length {length:g}").format(path=" → ".join(book_path), length=book_length))
    book_runs = 20 if args.quick else 100
    best_path, best_length = book_lowest_simulation(routes, book_runs, args.seed)
    print(_("   lowest_simulation({runs}): shortest path {length:g}, from {start}").format(
        runs=book_runs, length=best_length, start=best_path[0]))  # fmt: skip
else:
    print(_("2. (no book CSV: the book's routes.py listing runs on corp_routes.csv — pass --data)"))

# %% [markdown]
# ## 3. gymlab: greedy from random starts, 2-opt from every start, and the proven optimum

# %%
restarts = 20 if args.quick else 50
print(_("3. Greedy (nearest neighbour) from {restarts} random starting cities").format(restarts=restarts))
greedy = lowest_simulation(instance, runs=restarts, closed=closed, seed=args.seed)
lengths = greedy.run_lengths
spread = 100 * (max(lengths) / min(lengths) - 1)
print(_("   lengths {low:.4g} … {high:.4g}: the worst start is {spread:.1f} % longer").format(
    low=min(lengths), high=max(lengths), spread=spread))  # fmt: skip

greedy_from = [nearest_neighbour(instance, start=city, closed=closed).length for city in range(instance.n)]
polished = [
    solve(instance, "two-opt", closed=closed, start=city, kicks=0).length for city in range(instance.n)
]
improved = sum(p < g - 1e-9 for p, g in zip(polished, greedy_from, strict=True))
print(
    _("4. 2-opt + Or-opt local search from the greedy route of each of the {n} cities").format(n=instance.n)
)
print(_("   it shortens {improved} of the {n} greedy routes (those were not local minima); "
        "lengths {low:.4g} … {high:.4g}").format(
    improved=improved, n=instance.n, low=min(polished), high=max(polished)))  # fmt: skip

# %%
optimum = known_optimum(instance, closed=closed, up_to=HELD_KARP_LIMIT)
exact = solve(instance, "exact", closed=closed) if instance.n <= HELD_KARP_LIMIT else None
if exact is not None:
    print(_("5. Held–Karp: the optimum is {length:.4g} ({seconds:.2f} s)").format(
        length=exact.length, seconds=exact.seconds))  # fmt: skip
    other = solve(instance, "exact", closed=not closed)
    print(_("   the best {other_shape} is {other:.4g}: the open path drops the leg home, and the best "
            "open path is not the best tour cut open").format(
        other_shape=_("closed tour") if closed is False else _("open path"), other=other.length))  # fmt: skip
else:
    other = None
    known = (_("the published optimum is {optimum:g}").format(optimum=optimum) if optimum
             else _("the optimum is unknown"))  # fmt: skip
    print(_("5. {n} cities is too many for Held–Karp (≤ {limit}): {known}").format(
        n=instance.n, limit=HELD_KARP_LIMIT, known=known))  # fmt: skip


def row(solution, label: str) -> dict:
    """One line of the comparison: the solve's record under a label the reader understands."""
    return solution.record(optimum) | {"solver": label, "closed": solution.closed}


rows = [
    row(nearest_neighbour(instance, start=0, closed=closed), _("greedy from city 0")),
    row(greedy, _("best of {restarts} greedy starts").format(restarts=restarts)),
    row(solve(instance, "two-opt", closed=closed, seed=args.seed), _("2-opt (20 kicks)")),
]
if exact is not None:
    rows.append(row(exact, _("exact")))
for entry in rows:
    print(f"   {entry['solver']:<26} {entry['length']:>10.4g}  {describe_gap(entry['gap'])}")

# %%
plot_tours(instance, rows, args.out / "tours.png")
plot_restart_spread(lengths, optimum, args.out / "greedy-starts.png", name=instance.name)
plot_restart_spread(
    polished,
    optimum,
    args.out / "two-opt-starts.png",
    name=instance.name,
    runs=f"2-opt from each of the {instance.n} cities",
)
print(_("   plots: {out}/tours.png, greedy-starts.png, two-opt-starts.png").format(out=args.out))

# %%
best = optimum or min(min(polished), rows[2]["length"])
reference = (_("the optimum {optimum:.4g}").format(optimum=optimum) if optimum
             else _("the best route found"))  # fmt: skip
hits = sum(length <= best * (1 + 1e-9) for length in polished)
punchline(
    _("{shape} on {name}: greedy from {restarts} random starts ranged {low:.4g}–{high:.4g} "
      "(spread {spread:.0f} %), its best {best_gap} over {reference}; 2-opt shortened {improved} of the "
      "{n} greedy routes and reached {best:.4g} from {hits} of the {n} starts, worst {worst_gap}"),
    args.out,
    shape=shape,
    name=instance.name,
    restarts=restarts,
    low=min(lengths),
    high=max(lengths),
    spread=spread,
    best_gap=describe_gap(gap(min(lengths), best)),
    reference=reference,
    improved=improved,
    n=instance.n,
    best=best,
    hits=hits,
    worst_gap=describe_gap(gap(max(polished), best)),
    closed=closed,
    optimum=optimum,
    other_optimum=other.length if other is not None else None,
)  # fmt: skip
