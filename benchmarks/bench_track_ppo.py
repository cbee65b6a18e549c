"""PPO from scratch on TrackRacer against pure pursuit, within a wall-clock training budget.

The bar of the runner issue: on the default track with the `racing` action space, PPO trained
from scratch for at most 5 minutes on 2 CPU cores completes 10 of 10 evaluation laps with a
mean lap time faster than the pure-pursuit baseline's. Every setting comes from
``experiments/config/ppo.yml`` (key ``gymlab/TrackRacer-v0``): tune there, re-run here.

    python benchmarks/bench_track_ppo.py                 # budget 300 s, seed 0
    python benchmarks/bench_track_ppo.py --seconds 120 --seed 1
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
from stable_baselines3.common.vec_env import DummyVecEnv

from agents.driving import PurePursuit
from agents.rl import SB3Agent, TimeBudget
from experiments.hyperparams import load_settings
from experiments.runner import make_env

TRACK = "gymlab/TrackRacer-v0"


def laps(agent, env_kwargs: dict, trials: int) -> tuple[int, list[float]]:
    """(laps completed, their lap times) over ``trials`` DeepRacer trials from the start line."""
    from agents.driving import evaluate_trials

    env = make_env(TRACK, env_kwargs)
    rows = evaluate_trials(env, agent, episodes=trials, seed=0)
    env.close()
    times = [row["lap_time"] for row in rows if row["status"] == "lap_complete"]
    return len(times), times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=300.0, help="training wall-time budget")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--trials", type=int, default=10)
    args = parser.parse_args()

    torch.set_num_threads(1)
    settings = load_settings("ppo", TRACK)
    env_kwargs = settings.pop("env_kwargs", {})
    steps = settings.pop("n_timesteps")
    n_envs = int(settings.get("n_envs", 1))
    train_env = DummyVecEnv([lambda: make_env(TRACK, env_kwargs) for _ in range(n_envs)])
    agent = SB3Agent("ppo", settings)
    started = time.perf_counter()
    agent.learn(train_env, steps, seed=args.seed, callback=TimeBudget(args.seconds))
    seconds = time.perf_counter() - started
    trained = agent.model.num_timesteps

    ppo_laps, ppo_times = laps(agent, env_kwargs, args.trials)
    pp_laps, pp_times = laps(PurePursuit(), env_kwargs, args.trials)
    print(f"track settings {env_kwargs}; PPO seed {args.seed}")
    print(f"training: {trained:,} steps in {seconds:.1f} s (budget {args.seconds:.0f} s)")
    print(
        f"PPO          : {ppo_laps}/{args.trials} laps, mean lap {np.mean(ppo_times) if ppo_times else float('nan'):.3f} s"
    )
    print(f"pure pursuit : {pp_laps}/{args.trials} laps, mean lap {np.mean(pp_times):.3f} s")
    if ppo_times:
        margin = np.mean(pp_times) - np.mean(ppo_times)
        verdict = "faster" if margin > 0 else "slower"
        print(
            f"margin       : PPO is {abs(margin):.3f} s {verdict} per lap ({100 * margin / np.mean(pp_times):+.1f} %)"
        )
    passed = ppo_laps == args.trials and ppo_times and np.mean(ppo_times) < np.mean(pp_times)
    print(f"bar (10/10 laps, faster than pure pursuit, within budget): {'PASS' if passed else 'FAIL'}")


if __name__ == "__main__":
    main()
