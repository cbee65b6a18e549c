"""Greedy optimisation, making change: where largest-coin-first is optimal, where it fails, and DP.

The idea: a cashier who always hands out the largest coin that fits is a *greedy* algorithm —
each step takes the best-looking choice and never looks back. With the book's coins
10, 50, 100, 500 that is always optimal (the book's `Algorithm(4290, …)` pays 8·500 + 2·100 +
1·50 + 4·10). Add a 60-coin and drop the 50 and greed fails: to pay 120 it takes the 100 first
and then needs two 10s — three coins where two 60s would do. Dynamic programming gets every
amount right by building the fewest coins for 1, 2, …, A from the answers below it, O(n·A).
A coin system where greedy is optimal for *every* amount is called *canonical*; by Kozen and
Zaks it is enough to check the amounts below the sum of the two largest coins.

Watch for: the amounts where the red greedy line sits above the black optimum (coins.png);
which everyday coin systems are canonical.

Try next: `gymlab coins check --coins 1,7,10`, `gymlab coins solve --coins 2,3 --amount 4`
(greedy gets stuck), and lesson 06, where Q-learning discovers the optimal change by trial.
"""

from gymlab.agents.coins import Algorithm, check_canonical, greedy_change, optimal_change
from gymlab.experiments.lessons import lesson_arguments, punchline
from gymlab.experiments.plots.coins import plot_coins_per_amount

SYSTEMS = {
    "the book's coins": (10, 50, 100, 500),
    "US cents": (1, 5, 10, 25),
    "euro cents": (1, 2, 5, 10, 20, 50, 100, 200),
    "the 60-coin system": (10, 60, 100),
    "1, 3, 4": (1, 3, 4),
    "1, 7, 10": (1, 7, 10),
}


def main() -> None:
    args = lesson_arguments(__doc__)  # everything here is exact: --seed has nothing to vary
    book = Algorithm(4290, coin_types={10, 50, 100, 500}).calculate()
    print(f"1. The book's cashier: 4290 with 500, 100, 50, 10 → {book} of each (largest first)")

    coins, amount = (10, 60, 100), 120
    greedy, optimal = greedy_change(coins, amount), optimal_change(coins, amount)
    print(f"2. Pay {amount} with coins {coins}")
    print(f"   greedy : {greedy.describe()}")
    print(f"   optimal: {optimal.describe()}  (dynamic programming)")

    print("3. Which coin systems are canonical (greedy optimal for every amount)?")
    for name, system in SYSTEMS.items():
        check = check_canonical(system)
        verdict = (
            "canonical" if check.canonical else f"NOT canonical: smallest failure {check.counterexample}"
        )
        extra = (
            f" (greedy {check.greedy.describe()}; optimal {check.optimal.describe()})"
            if not check.canonical
            else f" (checked every amount below {check.bound})"
        )
        print(f"   {name:<20} {', '.join(map(str, system)):<30} {verdict}{extra}")

    top = 500 if args.quick else 1000
    amounts = list(range(10, top + 1, 10))
    greedy_counts = [greedy_change(coins, a).count for a in amounts]
    optimal_counts = [optimal_change(coins, a).count for a in amounts]
    worse = [a for a, g, o in zip(amounts, greedy_counts, optimal_counts, strict=True) if g != o]
    print(
        f"4. Every multiple of 10 up to {top}: greedy uses more coins than needed for {len(worse)} "
        f"of {len(amounts)} amounts (first: {worse[:6]})"
    )
    plot_coins_per_amount(coins, amounts, optimal_counts, greedy_counts, None, args.out / "coins.png")
    print(f"   plot: {args.out}/coins.png")

    punchline(
        f"greedy paid {amount} with {greedy.count} coins ({' + '.join(map(str, greedy.coins_handed_out()))}); "
        f"the optimum is {optimal.count}: {' + '.join(map(str, optimal.coins_handed_out()))}; with coins "
        f"{', '.join(map(str, coins))} greedy overpays on {len(worse)} of the {len(amounts)} amounts up to {top}"
    )


if __name__ == "__main__":
    main()
