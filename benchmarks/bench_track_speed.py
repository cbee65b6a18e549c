"""TrackRacer speed: environment steps per second through ``gymnasium.make``, against CartPole-v1.

Both environments are stepped the same way in the same run (``gymnasium.make`` wrappers,
pre-drawn random actions, ``reset`` whenever an episode ends), so the ratio is fair on a
noisy shared machine; times are CPU seconds of this process (``time.process_time``), so other
jobs on a busy machine do not distort the ratio. TrackRacer's step includes the car physics, locating the car on the
track, DeepRacer's ``params`` dict, the reward call (the default ``progress`` reward) and the
observation. Random actions end episodes often, so resets are part of the measurement.

Target: at least 0.3× CartPole's rate in every configuration. Exit code 1 if missed.

Run: ``.venv/bin/python benchmarks/bench_track_speed.py [--steps 200000] [--repeats 3]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import gymnasium as gym
import numpy as np

from gymlab import envs  # noqa: F401  registers gymlab/TrackRacer-v1

REPO = Path(__file__).resolve().parents[1]

TARGET_RATIO = 0.3


def steps_per_second(env_id: str, steps: int, repeats: int, **kwargs) -> float:
    """Best of ``repeats`` timings of ``steps`` random-action steps (resets included)."""
    env = gym.make(env_id, **kwargs)
    env.action_space.seed(0)
    actions = [env.action_space.sample() for _ in range(min(steps, 10_000))]
    best = 0.0
    for repeat in range(repeats):
        env.reset(seed=repeat)
        began = time.process_time()  # CPU time: other jobs on a shared machine do not count
        for k in range(steps):
            _, _, terminated, truncated, _ = env.step(actions[k % len(actions)])
            if terminated or truncated:
                env.reset()
        best = max(best, steps / (time.process_time() - began))
    env.close()
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    cartpole = steps_per_second("CartPole-v1", args.steps, args.repeats)
    print(f"{'environment':<46} {'steps/s':>10} {'µs/step':>8} {'× CartPole':>10}")
    print(f"{'CartPole-v1 (reference)':<46} {cartpole:>10,.0f} {1e6 / cartpole:>8.1f} {1.0:>10.2f}")
    configurations = {
        "TrackRacer-v1 (default: deepracer actions)": {},
        "TrackRacer-v1 actions=racing": {"actions": "racing"},
        "TrackRacer-v1 continuous=True": {"continuous": True},
        "TrackRacer-v1 reward=follow_center_line": {"reward": "follow_center_line"},
    }
    ratios = []
    for label, kwargs in configurations.items():
        rate = steps_per_second("gymlab/TrackRacer-v1", args.steps, args.repeats, **kwargs)
        ratios.append(rate / cartpole)
        print(f"{label:<46} {rate:>10,.0f} {1e6 / rate:>8.1f} {rate / cartpole:>10.2f}")
    worst = float(np.min(ratios))
    verdict = "PASS" if worst >= TARGET_RATIO else "FAIL"
    print(f"worst ratio {worst:.2f} (target ≥ {TARGET_RATIO}): {verdict}")
    return 0 if worst >= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
