"""Coin change: the greedy cashier, the optimal one (dynamic programming), and when they agree.

- :func:`greedy_change` — largest coin first; says so when it cannot pay exactly.
- :func:`optimal_change` — fewest coins by dynamic programming; says so when nothing pays.
- :func:`check_canonical` — is greedy optimal for every amount? (Kozen–Zaks bound.)
- :class:`Algorithm` — the book's API, ``Algorithm(money, coin_types).calculate()``.
- :class:`GreedyCoinAgent`, :class:`OptimalCoinAgent` — the same two cashiers as agents for
  ``gymlab/CoinChange-v0``; :func:`train_q_learning` teaches a tabular Q-learner the same job.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import gymnasium as gym
import numpy as np

from gymlab.agents.base import Agent, rollout
from gymlab.agents.tabular import QLearningAgent
from gymlab.envs.coin_change import (
    MAX_TABLE_SIZE,
    UNPAYABLE,
    CoinChangeEnv,
    fewest_coins_table,
    validate_amount,
    validate_coins,
)
from gymlab.envs.errors import GymlabError

__all__ = [
    "Algorithm",
    "CanonicalCheck",
    "Change",
    "GreedyCoinAgent",
    "LearningRun",
    "OptimalCoinAgent",
    "check_canonical",
    "coin_state_key",
    "counts_per_amount",
    "fewest_coins_table",
    "greedy_change",
    "optimal_change",
    "train_q_learning",
    "validate_amount",
    "validate_coins",
]


@dataclass(frozen=True)
class Change:
    """How one method pays ``amount``: how many of each coin, and what it could not pay.

    ``counts`` maps every coin (largest first) to how many are handed out; ``remainder`` is what
    is left unpaid — 0 when the method paid the amount exactly.
    """

    method: str
    amount: int
    counts: dict[int, int]
    remainder: int = 0

    @property
    def paid(self) -> bool:
        return self.remainder == 0

    @property
    def count(self) -> int | None:
        """The number of coins, or None when the method cannot pay the amount."""
        return sum(self.counts.values()) if self.paid else None

    def coins_handed_out(self) -> list[int]:
        """The coins one by one, largest first: 6 with 3, 3 → ``[3, 3]``."""
        return [coin for coin, n in self.counts.items() for _ in range(n)]

    def to_dict(self) -> dict[str, Any]:
        """``{"count", "counts", "remainder"}``; ``count`` is None when the method cannot pay."""
        return {
            "count": self.count,
            "counts": {str(coin): n for coin, n in self.counts.items()},
            "remainder": self.remainder,
        }

    def describe(self) -> str:
        """One line for people: ``2 coins: 3 + 3`` or ``cannot pay: 4 handed out, 1 remains``."""
        handed = " + ".join(map(str, self.coins_handed_out())) or "nothing"
        if self.paid:
            return f"{self.count} coin{'s' if self.count != 1 else ''}: {handed if self.amount else '-'}"
        if self.method == "optimal":
            return "cannot pay: no combination of the coins adds up to it"
        return f"cannot pay: {handed} handed out, then {self.remainder} remains that no coin fits"


def greedy_change(coins: Iterable[int], amount: int) -> Change:
    """Greedy change, O(n): hand out as many of the largest coin as fit, then the next one down."""
    coins = validate_coins(coins)
    remaining = validate_amount(amount)
    counts = {}
    for coin in reversed(coins):  # largest first
        counts[coin], remaining = divmod(remaining, coin)
    return Change("greedy", amount=int(amount), counts=counts, remainder=remaining)


def optimal_change(coins: Iterable[int], amount: int) -> Change:
    """Optimal change by dynamic programming, O(n·amount): fewest coins, and which ones."""
    coins = validate_coins(coins)
    amount = validate_amount(amount)
    fewest, last_coin = fewest_coins_table(coins, amount)
    counts = {coin: 0 for coin in reversed(coins)}
    if fewest[amount] == UNPAYABLE:
        return Change("optimal", amount=amount, counts=counts, remainder=amount)
    remaining = amount
    while remaining > 0:  # walk back through the table: one optimal coin at a time
        coin = int(last_coin[remaining])
        counts[coin] += 1
        remaining -= coin
    return Change("optimal", amount=amount, counts=counts)


@dataclass(frozen=True)
class CanonicalCheck:
    """Is greedy optimal for every amount? If not, the smallest amount where it is not."""

    coins: tuple[int, ...]
    canonical: bool
    bound: int
    counterexample: int | None = None
    greedy: Change | None = None
    optimal: Change | None = None

    def to_dict(self) -> dict[str, Any]:
        """``{"coins", "canonical", "counterexample"}``; the counterexample carries both answers."""
        counterexample = None
        if self.counterexample is not None:
            counterexample = {
                "amount": self.counterexample,
                "greedy": self.greedy.to_dict(),
                "optimal": self.optimal.to_dict(),
            }
        return {
            "coins": list(self.coins),
            "canonical": self.canonical,
            "counterexample": counterexample,
            "checked_below": self.bound,
        }


def check_canonical(coins: Iterable[int]) -> CanonicalCheck:
    """Canonical-system check with the Kozen–Zaks bound, O(n·(c_m + c_{m−1})).

    Kozen & Zaks (1994): if greedy fails for some amount, the smallest such amount is below the
    sum of the two largest coins, c_m + c_{m−1}. So compare greedy with the DP optimum for every
    amount under that bound. "Fails" means: the amount can be paid, but greedy uses more coins
    or gets stuck (coins 2, 3 and amount 4). The bound's proof needs no 1-coin: if x ≥ c_m + c_{m−1}
    is payable, an optimal payment uses some coin c; x − c ≥ c_m is paid optimally by greedy
    (x is the smallest failure), whose first coin is c_m — so x has an optimal payment starting
    with c_m, and greedy, which starts with c_m too, is optimal for x.
    """
    coins = validate_coins(coins)
    if len(coins) == 1:
        return CanonicalCheck(coins, canonical=True, bound=coins[0])
    bound = coins[-1] + coins[-2]
    if bound - 1 > MAX_TABLE_SIZE:
        raise GymlabError(
            f"the two largest coins add up to {bound}, beyond the {MAX_TABLE_SIZE:,} amounts this "
            "check tabulates; use smaller coins (or divide them all by a common factor)"
        )
    fewest, _ = fewest_coins_table(coins, bound - 1)
    # Greedy's count for every amount below the bound at once: as many of each coin as fit.
    remaining = np.arange(bound)
    greedy_count = np.zeros(bound, dtype=np.int64)
    for coin in reversed(coins):
        greedy_count += remaining // coin
        remaining %= coin
    payable = fewest != UNPAYABLE
    greedy_fails = payable & ((remaining != 0) | (greedy_count != fewest))
    if greedy_fails.any():
        amount = int(np.argmax(greedy_fails))  # the first (smallest) failing amount
        return CanonicalCheck(
            coins,
            canonical=False,
            bound=bound,
            counterexample=amount,
            greedy=greedy_change(coins, amount),
            optimal=optimal_change(coins, amount),
        )
    return CanonicalCheck(coins, canonical=True, bound=bound)


class Algorithm:
    """The book's greedy cashier: ``Algorithm(money, coin_types).calculate()``.

    ``calculate()`` returns how many of each coin greedy hands out, in descending face value:
    ``Algorithm(4290, coin_types={10, 50, 100, 500}).calculate() == [8, 2, 1, 4]``. Unlike the
    book's version it keeps its own sorted copy of the coins (the caller's set stays as it was)
    and accepts any valid coin system; when greedy cannot pay exactly it raises GymlabError.
    """

    def __init__(self, money: int, coin_types: Iterable[int]):
        self.money = validate_amount(money, "money")
        self.coin_types = validate_coins(coin_types)

    def calculate(self) -> list[int]:
        change = greedy_change(self.coin_types, self.money)
        if not change.paid:
            raise GymlabError(
                f"greedy cannot pay {self.money} exactly with coins {sorted(self.coin_types)} "
                f"({change.remainder} remains); use optimal_change for the exact answer"
            )
        return list(change.counts.values())


# -- agents for gymlab/CoinChange-v0 ----------------------------------------------------------


def _coin_env(env: gym.Env) -> CoinChangeEnv:
    unwrapped = env.unwrapped
    if not isinstance(unwrapped, CoinChangeEnv):
        raise GymlabError(f"this agent plays gymlab/CoinChange-v0, not {type(unwrapped).__name__}")
    return unwrapped


class GreedyCoinAgent(Agent):
    """Greedy baseline: the largest coin that still fits (it may get stuck, e.g. 3 from 4 with 2, 3)."""

    name = "greedy"

    def act(self, observation: Any, env: gym.Env) -> int:
        env = _coin_env(env)
        fitting = [i for i, coin in enumerate(env.coins) if coin <= env.remaining]
        return fitting[-1] if fitting else 0


class OptimalCoinAgent(Agent):
    """Dynamic-programming baseline: a coin on an optimal payment of what remains."""

    name = "optimal"

    def __init__(self) -> None:
        self._table_for: tuple[tuple[int, ...], int] | None = None
        self._last_coin = None

    def reset(self, env: gym.Env) -> None:
        env = _coin_env(env)
        if self._table_for != (env.coins, env.max_amount):
            _, self._last_coin = fewest_coins_table(env.coins, env.max_amount)
            self._table_for = (env.coins, env.max_amount)

    def act(self, observation: Any, env: gym.Env) -> int:
        env = _coin_env(env)
        if self._table_for != (env.coins, env.max_amount):
            self.reset(env)
        return env.coins.index(int(self._last_coin[env.remaining]))


def coin_state_key(observation: Any, env: gym.Env) -> int:
    """The tabular state of the coin env: the amount that remains (observation[0] · max_amount)."""
    return _coin_env(env).remaining


def counts_per_amount(agent: Agent, env: gym.Env, amounts: Sequence[int]) -> list[int | None]:
    """Coins ``agent`` hands out for each amount (None when it does not pay it), one episode each."""
    counts: list[int | None] = []
    for amount in amounts:
        episode = rollout(env, agent, options={"amount": int(amount)})
        counts.append(episode.info["n_coins"] if episode.info["paid"] else None)
    return counts


@dataclass
class LearningRun:
    """What :func:`train_q_learning` did: the agent, the budget it used, and how it scores."""

    agent: QLearningAgent
    amounts: list[int]
    optimal_counts: list[int]
    learned_counts: list[int | None]
    steps: int
    episodes: int
    seconds: float
    history: list[dict[str, float]] = field(default_factory=list)

    @property
    def optimal_rate(self) -> float:
        """Share of amounts (0–1) the learned greedy policy pays with the DP-optimal count."""
        return optimal_share(self.learned_counts, self.optimal_counts)


def optimal_share(counts: Sequence[int | None], optimal_counts: Sequence[int]) -> float:
    """Share of amounts (0–1) paid with the DP-optimal number of coins (``None`` = not paid)."""
    hits = sum(count == best for count, best in zip(counts, optimal_counts, strict=True))
    return hits / len(optimal_counts)


def train_q_learning(
    env: gym.Env,
    seed: int = 0,
    max_steps: int = 500_000,
    check_every: int = 2_000,
    agent: QLearningAgent | None = None,
    on_check: Callable[[dict[str, float]], None] | None = None,
) -> LearningRun:
    """Tabular Q-learning on the coin env until its greedy policy is DP-optimal for every amount.

    Trains in chunks of steps; after each chunk it pays every starting amount with the greedy
    policy (ε = 0) and stops at 100 % or after ``max_steps``. A chunk is ``check_every`` steps,
    or as many steps as one check takes at least (the sum of the optimal counts) when that is
    more, so checking never costs much more than learning. ``seconds`` counts both.
    ``on_check(entry)`` (e.g. a progress bar) sees each ``{"steps", "episodes", "optimal_rate"}``.
    """
    coin_env = _coin_env(env)
    if agent is None:
        agent = QLearningAgent(coin_env.action_space.n, state_key=coin_state_key, seed=seed)
    amounts = [int(a) for a in coin_env.start_amounts]
    optimal_counts = [int(coin_env.fewest[a]) for a in amounts]
    run = LearningRun(agent, amounts, optimal_counts, [None] * len(amounts), 0, 0, 0.0)
    chunk_size = max(check_every, sum(optimal_counts))
    start = time.perf_counter()
    first = True
    while run.steps < max_steps:
        chunk = min(chunk_size, max_steps - run.steps)
        agent.learn(env, chunk, seed=seed if first else None)
        first = False
        run.steps += chunk
        run.learned_counts = counts_per_amount(agent, env, amounts)
        run.episodes = agent.episodes
        run.seconds = time.perf_counter() - start
        run.history.append({"steps": run.steps, "episodes": run.episodes, "optimal_rate": run.optimal_rate})
        if on_check is not None:
            on_check(run.history[-1])
        if run.optimal_rate == 1.0:
            break
    return run
