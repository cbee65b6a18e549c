"""Coin change as a world: the coin system, what it can pay, and the gymnasium environment.

The facts of the world live here — which coin systems are valid and the fewest coins for every
amount (dynamic programming) — because the environment reports the optimum in ``info``. The
greedy cashier, the canonical-system check and the book's ``Algorithm`` are agents: see
:mod:`gymlab.agents.coins`.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from gymlab.envs.errors import GymlabError

UNPAYABLE = -1
"""Marks an amount that no combination of the coins adds up to, in :func:`fewest_coins_table`."""

MAX_TABLE_SIZE = 2_000_000
"""The largest amount the dynamic-programming table is built for (it needs one entry per amount)."""


def _whole_number(value: Any) -> int | None:
    """``value`` as an ``int`` when it is a whole number (``3``, ``3.0``, ``np.int64(3)``), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real) and float(value).is_integer():
        return int(value)
    return None


def validate_coins(coins: Iterable[Any]) -> tuple[int, ...]:
    """The coin system as a sorted tuple of distinct positive integers, or a one-line GymlabError.

    The caller's collection is only read, never changed.
    """
    if isinstance(coins, str | bytes) or not isinstance(coins, Iterable):
        raise GymlabError(f"coins must be a list of positive whole numbers, e.g. 1,3,4 (got {coins!r})")
    values = list(coins)
    if not values:
        raise GymlabError("the coin list is empty; give at least one coin, e.g. 1,3,4")
    checked = []
    for value in values:
        coin = _whole_number(value)
        if coin is None:
            raise GymlabError(f"coin {value!r} is not a whole number; coins are whole numbers, e.g. 1,3,4")
        if coin <= 0:
            raise GymlabError(f"coin {coin} is not positive; every coin must be at least 1")
        if coin in checked:
            raise GymlabError(f"coin {coin} appears more than once; list each coin once")
        checked.append(coin)
    return tuple(sorted(checked))


def validate_amount(amount: Any, what: str = "amount") -> int:
    """``amount`` as a non-negative ``int``, or a one-line GymlabError naming ``what``."""
    value = _whole_number(amount)
    if value is None:
        raise GymlabError(f"{what} {amount!r} is not a whole number; give a whole number such as 120")
    if value < 0:
        raise GymlabError(f"{what} {value} is negative; give a whole number of at least 0")
    return value


def fewest_coins_table(coins: Iterable[int], max_amount: int) -> tuple[np.ndarray, np.ndarray]:
    """Dynamic programming over amounts, O(n·A): the fewest coins for every amount 0..max_amount.

    ``fewest[a] = 1 + min(fewest[a − c] for each coin c ≤ a)`` with ``fewest[0] = 0``. Returns
    ``(fewest, last_coin)``: ``fewest[a]`` is :data:`UNPAYABLE` when nothing pays ``a``, and
    ``last_coin[a]`` is a coin that an optimal payment of ``a`` uses (0 when there is none), so
    ``a, a − last_coin[a], …`` walks back through one optimal payment.
    """
    coins = validate_coins(coins)
    max_amount = validate_amount(max_amount, "max_amount")
    if max_amount > MAX_TABLE_SIZE:
        raise GymlabError(
            f"amount {max_amount} is too large for the dynamic-programming table "
            f"(limit {MAX_TABLE_SIZE:,}); use a smaller amount or scale the coins down"
        )
    infinity = max_amount + 1  # more coins than any payment of at most max_amount can need
    fewest = [0] + [infinity] * max_amount
    last_coin = [0] * (max_amount + 1)
    for amount in range(1, max_amount + 1):
        for coin in reversed(coins):  # largest first: ties go to the larger coin
            if coin <= amount and fewest[amount - coin] + 1 < fewest[amount]:
                fewest[amount] = fewest[amount - coin] + 1
                last_coin[amount] = coin
    table = np.array(fewest, dtype=np.int64)
    table[table == infinity] = UNPAYABLE
    return table, np.array(last_coin, dtype=np.int64)


class CoinChangeEnv(gym.Env):
    """Pay an amount with as few coins as possible, handing out one coin per step.

    ## Description
    A cashier owes a customer an amount of money and pays it one coin at a time. Greedy (always
    the largest coin that fits) is optimal for some coin systems, such as 1, 5, 10, 25, but not
    for others: with coins 1, 3, 4 it pays 6 as 4 + 1 + 1 where 3 + 3 would do. The agent has to
    learn the fewest-coins payment for every amount — the answer dynamic programming gives.

    ## Action Space
    ``Discrete(n)`` for ``n`` coins: action ``i`` hands out the ``i``-th smallest coin
    (``env.coins[i]``; for the default 1, 3, 4: action 0 = 1, 1 = 3, 2 = 4).

    **Invalid actions.** A coin larger than what remains is not allowed. ``action_masks()``
    returns a bool array (True = allowed) for masked agents such as sb3-contrib's MaskablePPO.
    Unmasked agents (plain PPO or DQN) may still choose it: nothing is handed out, the reward
    is ``invalid_action_reward`` (−2 by default) and the episode goes on, so such an agent
    learns to avoid it and never crashes; ``max_steps`` ends any episode that goes on too long.

    ## Observation Space
    ``Box(0, 1, (1 + 2n,), float32)``, all normalised so that one policy serves every amount:

    | index        | observation                                      | range  |
    |--------------|--------------------------------------------------|--------|
    | 0            | remaining amount / ``max_amount``                | [0, 1] |
    | 1 … n        | 1.0 if coin ``i`` fits (coin ≤ remaining) else 0 | {0, 1} |
    | n+1 … 2n     | (remaining mod coin ``i``) / coin ``i``           | [0, 1) |

    The remaining amount is all that matters for the rest of the episode (a Markov state); the
    last block says what each coin would leave over, which a neural network cannot easily
    compute from the first entry alone. Tabular agents key on ``env.remaining``.

    ## Rewards
    −1 for each coin handed out, so the return is minus the number of coins. An invalid action
    gives ``invalid_action_reward`` instead. Handing out a coin after which the rest can no
    longer be paid (possible only without a 1-coin, e.g. 3 from 4 with coins 2, 3) ends the
    episode with an extra −(the most coins any amount in the range needs): getting stuck is
    always worse than paying, so the best return is exactly −(the DP-optimal count).

    ## Starting State
    The amount is ``amount`` when given, else drawn uniformly (with ``self.np_random``) from the
    amounts in ``min_amount..max_amount`` that the coins can pay. ``reset(options={"amount": a})``
    starts from a chosen payable amount ``1 ≤ a ≤ max_amount``.

    ## Episode End
    Terminated when the amount is paid, or when what remains can no longer be paid (stuck).
    Truncated after ``max_steps`` steps (default ``2 · (max_amount // smallest coin) + 10``).

    ## Info
    ``amount`` (the amount of this episode), ``remaining``, ``coins_used`` (the coins handed out,
    in order), ``n_coins``, ``invalid_actions``; when the episode ends also ``paid`` (bool),
    ``optimal_count`` (fewest coins for ``amount``, by dynamic programming) and ``optimal``
    (paid with exactly that many coins).

    ## Arguments
    ``gymnasium.make("gymlab/CoinChange-v0", coins=(1, 3, 4), amount=None, min_amount=1,
    max_amount=100, max_steps=None, invalid_action_reward=-2.0, render_mode=None)``; the
    defaults are a non-canonical system (greedy pays 6 as 4 + 1 + 1) over amounts 1–100.
    ``coins``: the coin system (any order, distinct positive whole numbers); ``amount``: pay this
    amount in every episode (then ``min_amount``/``max_amount`` are ignored); ``min_amount``,
    ``max_amount``: the range drawn from (only payable amounts are drawn); ``max_steps``: the
    truncation limit; ``invalid_action_reward``: the reward for an invalid action;
    ``render_mode="ansi"`` makes ``render()`` return a line of text.
    """

    metadata = {"render_modes": ["ansi"], "render_fps": 4}

    def __init__(
        self,
        coins: Iterable[int] = (1, 3, 4),
        amount: int | None = None,
        min_amount: int = 1,
        max_amount: int = 100,
        max_steps: int | None = None,
        invalid_action_reward: float = -2.0,
        render_mode: str | None = None,
    ):
        self.coins = validate_coins(coins)
        if amount is not None:
            min_amount = max_amount = validate_amount(amount)
        self.min_amount = max(1, validate_amount(min_amount, "min_amount"))
        self.max_amount = validate_amount(max_amount, "max_amount")
        if self.max_amount < self.min_amount:
            raise GymlabError(
                f"max_amount {self.max_amount} is below min_amount {self.min_amount}; "
                "give a range with min_amount ≤ max_amount, both at least 1"
            )
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise GymlabError(f"render_mode {render_mode!r} is not supported; use 'ansi' or None")
        self.render_mode = render_mode
        self.invalid_action_reward = float(invalid_action_reward)

        self.fewest, _ = fewest_coins_table(self.coins, self.max_amount)
        amounts = np.arange(self.min_amount, self.max_amount + 1)
        self.start_amounts = amounts[self.fewest[amounts] != UNPAYABLE]
        if len(self.start_amounts) == 0:
            raise GymlabError(
                f"no amount in {self.min_amount}–{self.max_amount} can be paid with coins "
                f"{','.join(map(str, self.coins))}; choose another range or add a smaller coin"
            )
        self.stuck_reward = -float(self.fewest[self.start_amounts].max())
        default_steps = 2 * (self.max_amount // self.coins[0]) + 10
        self.max_steps = default_steps if max_steps is None else validate_amount(max_steps, "max_steps")
        if self.max_steps < 1:
            raise GymlabError("max_steps must be at least 1")

        n = len(self.coins)
        self.action_space = spaces.Discrete(n)
        self.observation_space = spaces.Box(0.0, 1.0, shape=(1 + 2 * n,), dtype=np.float32)
        self._coin_array = np.array(self.coins, dtype=np.int64)

        self.amount = int(self.start_amounts[0])
        self.remaining = self.amount
        self.coins_used: list[int] = []
        self.invalid_actions = 0
        self.steps = 0

    # -- the rules -------------------------------------------------------------------------

    def action_masks(self) -> np.ndarray:
        """Which coins may be handed out now (True = allowed): those no larger than what remains."""
        return self._coin_array <= self.remaining

    def _observation(self) -> np.ndarray:
        fits = self.action_masks()  # coin ≤ remaining
        leftover = (self.remaining % self._coin_array) / self._coin_array
        head = np.array([self.remaining / self.max_amount])
        return np.concatenate([head, fits, leftover]).astype(np.float32)

    def _info(self, done: bool) -> dict[str, Any]:
        info: dict[str, Any] = {
            "amount": self.amount,
            "remaining": self.remaining,
            "coins_used": list(self.coins_used),
            "n_coins": len(self.coins_used),
            "invalid_actions": self.invalid_actions,
        }
        if done:
            optimal_count = int(self.fewest[self.amount])
            info["paid"] = self.remaining == 0
            info["optimal_count"] = optimal_count
            info["optimal"] = info["paid"] and len(self.coins_used) == optimal_count
        return info

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        if options and options.get("amount") is not None:
            self.amount = self._check_start_amount(options["amount"])
        else:
            self.amount = int(self.np_random.choice(self.start_amounts))
        self.remaining = self.amount
        self.coins_used = []
        self.invalid_actions = 0
        self.steps = 0
        return self._observation(), self._info(done=False)

    def _check_start_amount(self, value: Any) -> int:
        amount = validate_amount(value)
        if not 1 <= amount <= self.max_amount:
            raise GymlabError(f"amount {amount} is outside 1–{self.max_amount}; raise max_amount to use it")
        if self.fewest[amount] == UNPAYABLE:
            raise GymlabError(f"amount {amount} cannot be paid with coins {','.join(map(str, self.coins))}")
        return amount

    def step(self, action):
        if not self.action_space.contains(action):
            raise GymlabError(f"action {action!r} is not one of 0..{len(self.coins) - 1}")
        coin = self.coins[int(action)]
        self.steps += 1
        terminated = False
        if coin > self.remaining:  # invalid: nothing is handed out
            self.invalid_actions += 1
            reward = self.invalid_action_reward
        else:
            self.remaining -= coin
            self.coins_used.append(coin)
            reward = -1.0
            if self.remaining == 0:
                terminated = True
            elif self.fewest[self.remaining] == UNPAYABLE:  # stuck: the rest cannot be paid
                terminated = True
                reward += self.stuck_reward
        truncated = not terminated and self.steps >= self.max_steps
        info = self._info(done=terminated or truncated)
        return self._observation(), float(reward), bool(terminated), bool(truncated), info

    def render(self) -> str | None:
        if self.render_mode != "ansi":
            return None
        handed = " + ".join(map(str, self.coins_used)) or "nothing yet"
        return f"amount {self.amount}: handed out {handed}; {self.remaining} remains"
