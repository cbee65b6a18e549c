"""Greedy optimisation, making change: where largest-coin-first is optimal, where it fails, and DP.

The idea: a cashier who always hands out the largest coin that fits is a *greedy* algorithm —
each step takes the best-looking choice and never looks back. The book writes it as a class,
`Algorithm(money, coin_types).calculate()` in `change.py`, tests it in `change_test.py`, and
notes that with coins 10, 60, 100 it is "not ideal": to pay 120 it takes the 100 first and then
needs two 10s — three coins where two 60s would do. Dynamic programming gets every amount right
by building the fewest coins for 1, 2, …, A from the answers below it, O(n·A). A coin system
where greedy is optimal for *every* amount is called *canonical*; by Kozen and Zaks it is enough
to check the amounts below the sum of the two largest coins.

This lesson first runs a modern equivalent of the book's `change.py` and `change_test.py`
(written for gymlab, same behaviour), including a trap in the test file: five test methods
share one name, so unittest runs only the last. Then gymlab's additions: DP, the canonical check.

Watch for: "Ran 1 test" where five were written; the amounts where the red greedy line sits
above the black optimum (coins.png); which everyday coin systems are canonical.

Try next: `gymlab coins check --coins 1,7,10`, `gymlab coins solve --coins 2,3 --amount 4`
(greedy gets stuck), and lesson 06, where Q-learning discovers the optimal change by trial.
"""

# %%
import re
import subprocess
import sys
from pathlib import Path

from gymlab.agents.coins import Algorithm, check_canonical, greedy_change, optimal_change
from gymlab.experiments.i18n import N_, _
from gymlab.experiments.lessons import lesson_arguments, punchline
from gymlab.experiments.plots.coins import plot_coins_per_amount

args = lesson_arguments(__doc__)  # everything here is exact: --seed has nothing to vary


def said(change) -> str:
    """``3 coins: 100 + 10 + 10`` in the lesson's language."""
    return _("{count} coins: {coins}").format(
        count=change.count, coins=" + ".join(map(str, change.coins_handed_out()))
    )


# %% [markdown]
# ## 1. The book's cashier, `change.py`
# A modern equivalent of the book's class: largest coin first, the smallest coin must be 10,
# and — like the book's — it removes coins from the caller's set while it works.

# %%
BOOK_CHANGE_PY = '''\
class Algorithm:
    """Change-making: hand out the largest coin first (the book's change.py, rewritten)."""

    def __init__(self, money, coin_types):
        self.money = money
        self.coin_types = coin_types
        assert min(self.coin_types) == 10, "the smallest coin must be 10"

    def calculate(self):
        counts = []
        while self.coin_types:
            coin = max(self.coin_types)
            counts.append(self.money // coin)
            self.money %= coin
            self.coin_types.remove(coin)  # the caller's set loses its coins
        return counts
'''

BOOK_CHANGE_TEST_PY = """\
import unittest

from change import Algorithm


class TestAlgorithm(unittest.TestCase):
    def test_calculate(self):  # the book's example
        self.assertEqual(Algorithm(4290, {10, 50, 100, 500}).calculate(), [8, 2, 1, 4])

    def test_calculate(self):  # one coin of each
        self.assertEqual(Algorithm(660, {10, 50, 100, 500}).calculate(), [1, 1, 1, 1])

    def test_calculate(self):  # the caller's coins are left alone
        coins = {10, 50, 100, 500}
        Algorithm(4290, coins).calculate()
        self.assertEqual(coins, {10, 50, 100, 500})

    def test_calculate(self):  # exact multiples of the largest coin
        self.assertEqual(Algorithm(1000, {10, 50, 100, 500}).calculate(), [2, 0, 0, 0])

    def test_calculate(self):  # the book's "not ideal" case
        self.assertEqual(Algorithm(120, {10, 60, 100}).calculate(), [1, 0, 2])


if __name__ == "__main__":
    unittest.main()
"""

work = args.out / "book"  # the book's two files, written here to read and run
work.mkdir(exist_ok=True)
(work / "change.py").write_text(BOOK_CHANGE_PY, encoding="utf-8")
(work / "change_test.py").write_text(BOOK_CHANGE_TEST_PY, encoding="utf-8")
book_namespace: dict = {}
exec(compile(BOOK_CHANGE_PY, "change.py", "exec"), book_namespace)  # the book's class, in-process
BookAlgorithm = book_namespace["Algorithm"]
book_counts = BookAlgorithm(4290, {10, 50, 100, 500}).calculate()
print(_("1. The book's cashier: Algorithm(4290, {{10, 50, 100, 500}}).calculate() → {counts}").format(
    counts=book_counts))  # fmt: skip
callers_coins = {10, 60, 100}
not_ideal = BookAlgorithm(120, callers_coins).calculate()
print(_("   120 with coins 10, 60, 100 → {counts} (one 100, no 60, two 10s: the book's 'not ideal' case)")
      .format(counts=not_ideal))  # fmt: skip
print(_("   the caller's coin set afterwards: {coins} — the book's class emptied it").format(
    coins=callers_coins or "set()"))  # fmt: skip

# %% [markdown]
# ## 2. The book's tests, `change_test.py`: five tests, one name
# A class body is a dictionary: each `def test_calculate` replaces the one before.


# %%
def run_unittest(folder: Path) -> tuple[int, int]:
    """Run `python -m unittest change_test` in ``folder``: (tests run, failures + errors)."""
    done = subprocess.run(
        [sys.executable, "-m", "unittest", "change_test"], cwd=folder, capture_output=True, text=True
    )
    ran = int(re.search(r"Ran (\d+) test", done.stderr).group(1))
    failed = re.search(r"FAILED \((?:failures=(\d+))?(?:, )?(?:errors=(\d+))?", done.stderr)
    bad = sum(int(x or 0) for x in failed.groups()) if failed else 0
    return ran, bad


written = BOOK_CHANGE_TEST_PY.count("def test_")
book_ran, book_failed = run_unittest(work)
print(_("2. change_test.py defines {written} tests; `python -m unittest change_test` says: Ran {ran}, "
        "{failed} failed").format(written=written, ran=book_ran, failed=book_failed))  # fmt: skip
counter = iter(range(1, written + 1))
renamed = re.sub(r"def test_calculate", lambda _m: f"def test_calculate_{next(counter)}", BOOK_CHANGE_TEST_PY)
(work / "change_test.py").write_text(renamed, encoding="utf-8")
fixed_ran, fixed_failed = run_unittest(work)
print(_("   with distinct names (test_calculate_1 … _{written}): Ran {ran}, {failed} failed — the "
        "hidden test catches the emptied coin set").format(
    written=written, ran=fixed_ran, failed=fixed_failed))  # fmt: skip
print(_("   (ruff's rule F811 and pyflakes flag a redefined method before anything runs)"))
print(_("   the book's files: {folder}/change.py, change_test.py").format(folder=work))

# %% [markdown]
# ## 3. What gymlab adds: the optimum (dynamic programming)

# %%
gymlab_counts = Algorithm(4290, coin_types={10, 50, 100, 500}).calculate()
print(_("3. gymlab's Algorithm gives the same {counts} and leaves the caller's coins alone").format(
    counts=gymlab_counts))  # fmt: skip
coins, amount = (10, 60, 100), 120
greedy, optimal = greedy_change(coins, amount), optimal_change(coins, amount)
print(_("   pay {amount} with coins {coins}").format(amount=amount, coins=", ".join(map(str, coins))))
print(_("   greedy : {answer}").format(answer=said(greedy)))
print(_("   optimal: {answer}  (dynamic programming)").format(answer=said(optimal)))

# %% [markdown]
# ## 4. Which coin systems are canonical?

# %%
SYSTEMS = {
    N_("the book's coins (won)"): (10, 50, 100, 500),
    N_("US cents"): (1, 5, 10, 25),
    N_("euro cents"): (1, 2, 5, 10, 20, 50, 100, 200),
    N_("the 60-coin system"): (10, 60, 100),
    "1, 3, 4": (1, 3, 4),
    "1, 7, 10": (1, 7, 10),
}
print(_("4. Which coin systems are canonical (greedy optimal for every amount)?"))
for name, system in SYSTEMS.items():
    check = check_canonical(system)
    if check.canonical:
        verdict = _("canonical (checked every amount below {bound})").format(bound=check.bound)
    else:
        verdict = _("NOT canonical: smallest failure {amount} (greedy {greedy}; optimal {optimal})").format(
            amount=check.counterexample, greedy=said(check.greedy), optimal=said(check.optimal)
        )
    print(f"   {_(name) if name[0].isalpha() else name:<24} {', '.join(map(str, system)):<30} {verdict}")

# %%
top = 500 if args.quick else 1000
amounts = list(range(10, top + 1, 10))
greedy_counts = [greedy_change(coins, a).count for a in amounts]
optimal_counts = [optimal_change(coins, a).count for a in amounts]
worse = [a for a, g, o in zip(amounts, greedy_counts, optimal_counts, strict=True) if g != o]
print(_("5. Every multiple of 10 up to {top}: greedy uses more coins than needed for {worse} of {total} "
        "amounts (first: {first})").format(top=top, worse=len(worse), total=len(amounts), first=worse[:6]))  # fmt: skip
plot_coins_per_amount(coins, amounts, optimal_counts, greedy_counts, None, args.out / "coins.png")
print(_("   plot: {path}").format(path=args.out / "coins.png"))

# %%
punchline(
    _("the book's change_test.py writes {written} tests but unittest ran {ran} (distinct names: {fixed} run, "
      "{failed} fails); greedy paid {amount} with {greedy} coins ({greedy_coins}), the optimum is {optimal}: "
      "{optimal_coins}; with coins 10, 60, 100 greedy overpays on {worse} of the {total} amounts up to {top}"),
    args.out,
    written=written,
    ran=book_ran,
    fixed=fixed_ran,
    failed=fixed_failed,
    amount=amount,
    greedy=greedy.count,
    greedy_coins=" + ".join(map(str, greedy.coins_handed_out())),
    optimal=optimal.count,
    optimal_coins=" + ".join(map(str, optimal.coins_handed_out())),
    worse=len(worse),
    total=len(amounts),
    top=top,
)  # fmt: skip
