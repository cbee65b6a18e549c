"""How long does tabular Q-learning take to pay every amount DP-optimally? Measured, with references.

For each coin system it trains from scratch with several seeds until the greedy policy pays every
amount in the range with the fewest coins (checked after each chunk of steps), and prints the
wall time, steps and episodes. Two references are measured in the same run:

- the dynamic-programming table for the same range (what Q-learning has to rediscover), and
- a random policy stepping the same env (what the environment alone costs per step).

Run from the repository root: ``python benchmarks/bench_qlearning_coins.py [--seeds 5]``.
"""

from __future__ import annotations

import argparse
import statistics
import time

import gymnasium as gym

from gymlab import envs  # noqa: F401
from gymlab.agents.coins import train_q_learning
from gymlab.envs.coin_change import fewest_coins_table

SYSTEMS = [
    {"coins": (1, 3, 4), "max_amount": 100},
    {"coins": (10, 50, 60, 100, 500), "max_amount": 1000},
]
BUDGET_SECONDS = 30.0
CHECK_EVERY = 2_000


def time_dp_table(coins, max_amount, repeats=20) -> float:
    """Best-of-``repeats`` seconds to build the DP table for 0..max_amount."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fewest_coins_table(coins, max_amount)
        best = min(best, time.perf_counter() - start)
    return best


def random_policy_steps_per_second(env, steps=50_000, seed=0) -> float:
    """Steps per second of a uniformly random policy in ``env`` (resetting at episode ends)."""
    env.reset(seed=seed)
    env.action_space.seed(seed)
    start = time.perf_counter()
    for _ in range(steps):
        _, _, terminated, truncated, _ = env.step(env.action_space.sample())
        if terminated or truncated:
            env.reset()
    return steps / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="how many seeds per system")
    args = parser.parse_args()

    print(f"Tabular Q-learning to 100 % DP-optimal; greedy policy checked every {CHECK_EVERY:,} steps")
    print("(times include those checks, so they are upper bounds at 2,000-step resolution; one process)\n")
    for system in SYSTEMS:
        coins, max_amount = system["coins"], system["max_amount"]
        env = gym.make("gymlab/CoinChange-v0", coins=coins, max_amount=max_amount)
        n_amounts = len(env.unwrapped.start_amounts)
        runs = []
        for seed in range(args.seeds):
            run = train_q_learning(env, seed=seed, max_steps=2_000_000, check_every=CHECK_EVERY)
            runs.append(run)
        seconds = [run.seconds for run in runs]
        all_optimal = all(run.optimal_rate == 1.0 for run in runs)
        dp_seconds = time_dp_table(coins, max_amount)
        random_rate = random_policy_steps_per_second(env)
        learn_rate = statistics.median(run.steps / run.seconds for run in runs)

        print(f"coins {coins}, {n_amounts} payable amounts up to {max_amount}:")
        print(f"  reached 100 % DP-optimal in every seed: {'yes' if all_optimal else 'NO'}")
        print(
            f"  time to 100 %: median {statistics.median(seconds):.2f} s, max {max(seconds):.2f} s "
            f"(budget {BUDGET_SECONDS:.0f} s: {'within' if max(seconds) <= BUDGET_SECONDS else 'OVER'})"
        )
        print(
            f"  steps: median {statistics.median(r.steps for r in runs):,.0f}, "
            f"episodes: median {statistics.median(r.episodes for r in runs):,.0f}"
        )
        print(
            f"  reference, DP table for 0..{max_amount}: {dp_seconds * 1e3:.2f} ms "
            f"→ Q-learning takes {statistics.median(seconds) / dp_seconds:,.0f}× as long"
        )
        print(
            f"  reference, random policy in the same env: {random_rate:,.0f} steps/s; "
            f"Q-learning {learn_rate:,.0f} training steps per second of wall time = {learn_rate / random_rate:.2f}× that rate\n"
        )
        env.close()


if __name__ == "__main__":
    main()
