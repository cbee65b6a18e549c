"""Training speed: environment steps per second of SB3 training, per env and algorithm.

The reference is PPO on CartPole-v1 measured in the same run (same machine, same load), so
the ratio column says how much slower or faster training on a gymlab env is than on the
classic control task. Each measurement trains a fresh model from the YAML defaults (without
periodic evaluations) for ``--steps`` steps, in a DummyVecEnv, on one torch thread — and once
on torch's default thread count, to show why the runner uses one.

    python benchmarks/bench_training.py            # about a minute on 2 cores
    python benchmarks/bench_training.py --steps 8192
"""

from __future__ import annotations

import argparse
import time

import gymnasium as gym
import torch
from stable_baselines3.common.vec_env import DummyVecEnv

from gymlab import envs  # noqa: F401  (registers the gymlab envs)
from gymlab.agents.rl import SB3Agent
from gymlab.experiments.hyperparams import load_settings

CASES = [
    ("CartPole-v1", "ppo"),  # the reference
    ("CartPole-v1", "dqn"),
    ("gymlab/CoinChange-v0", "maskable_ppo"),
    ("gymlab/CoinChange-v0", "ppo"),
    ("gymlab/CoinChange-v0", "dqn"),
    ("gymlab/TSP-v0", "maskable_ppo"),
    ("gymlab/TrackRacer-v2", "ppo"),
    ("gymlab/TrackRacer-v2", "sac"),
]


def steps_per_second(env_id: str, algo: str, steps: int, seed: int = 0) -> float:
    """Train ``algo`` on ``env_id`` for ``steps`` steps; environment steps per wall-clock second."""
    settings = load_settings(algo, env_id)
    env_kwargs = settings.pop("env_kwargs", {})
    n_envs = int(settings.get("n_envs", 1))
    if algo == "sac":
        settings["learning_starts"] = min(int(settings.get("learning_starts", 100)), steps // 4)
    settings.pop("n_timesteps", None)
    vec_env = DummyVecEnv([lambda: gym.make(env_id, **env_kwargs) for _ in range(n_envs)])
    agent = SB3Agent(algo, settings)
    agent.learn(vec_env, 64 * n_envs, seed=seed)  # warm-up: imports, first graph, buffers
    started = time.perf_counter()
    agent.learn(vec_env, steps, seed=seed)
    elapsed = time.perf_counter() - started
    vec_env.close()
    return steps / elapsed


def available(env_id: str) -> bool:
    try:
        gym.make(env_id).close()
    except Exception as error:  # an env not built yet: reported, not fatal
        print(f"skip {env_id}: {type(error).__name__}: {error}")
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=4096, help="training steps per measurement")
    args = parser.parse_args()

    default_threads = torch.get_num_threads()
    reference_multi = steps_per_second("CartPole-v1", "ppo", args.steps)
    torch.set_num_threads(1)
    reference = steps_per_second("CartPole-v1", "ppo", args.steps)
    print(
        f"PPO on CartPole-v1: {reference:,.0f} steps/s on 1 torch thread, "
        f"{reference_multi:,.0f} on {default_threads} (ratio {reference / reference_multi:.2f})"
    )
    print()
    print(f"{'env':24} {'algo':13} {'steps/s':>9} {'× CartPole PPO':>15}")
    for env_id, algo in CASES:
        if not available(env_id):
            continue
        rate = reference if (env_id, algo) == CASES[0] else steps_per_second(env_id, algo, args.steps)
        print(f"{env_id:24} {algo:13} {rate:9,.0f} {rate / reference:15.2f}")


if __name__ == "__main__":
    main()
