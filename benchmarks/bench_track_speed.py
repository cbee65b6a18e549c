"""TrackRacer speed: environment steps per second through ``gymnasium.make``, against CartPole-v1.

Both environments are stepped the same way in the same run (``gymnasium.make`` wrappers,
pre-drawn random actions, ``reset`` whenever an episode ends); every TrackRacer timing is
paired with a CartPole timing taken just before it and the ratio is the median over the
pairs, so it stays fair on a shared machine whose load changes during the run; times are CPU
seconds of this process (``time.process_time``), so other jobs on a busy machine count less.
TrackRacer's step includes the car physics, locating the car on the track, DeepRacer's
``params`` dict, the reward call (the default ``progress`` reward) and the observation. Random
actions end episodes often, so resets are part of the measurement. Every reward runs under
the reward guard (containment, stdout redirect, 1 s per-call limit); the last configuration
loads the reward from a ``.py`` file, as a learner's would be.

Target: at least 0.3× CartPole's rate in every configuration. Exit code 1 if missed.

Run: ``.venv/bin/python benchmarks/bench_track_speed.py [--steps 200000] [--repeats 3]``.
"""

from __future__ import annotations

import argparse
import inspect
import sys
import tempfile
import time
from pathlib import Path

import gymnasium as gym
import numpy as np

from gymlab import envs  # noqa: F401  registers gymlab/TrackRacer-v2
from gymlab.envs.rewards import follow_center_line

REPO = Path(__file__).resolve().parents[1]

TARGET_RATIO = 0.3


def prepared(env_id: str, steps: int, **kwargs) -> tuple[gym.Env, list]:
    """The env made through ``gymnasium.make`` and its pre-drawn random actions."""
    env = gym.make(env_id, **kwargs)
    env.action_space.seed(0)
    return env, [env.action_space.sample() for _ in range(min(steps, 10_000))]


def steps_per_second(env: gym.Env, actions: list, steps: int, seed: int) -> float:
    """One timing of ``steps`` random-action steps (resets included), in CPU seconds."""
    env.reset(seed=seed)
    began = time.process_time()  # CPU time: other jobs on a shared machine do not count
    for k in range(steps):
        _, _, terminated, truncated, _ = env.step(actions[k % len(actions)])
        if terminated or truncated:
            env.reset()
    return steps / (time.process_time() - began)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    configurations = {
        "TrackRacer-v2 (default: deepracer actions)": {},
        "TrackRacer-v2 actions=racing": {"actions": "racing"},
        "TrackRacer-v2 continuous=True": {"continuous": True},
        "TrackRacer-v2 continuous, grip_steering": {"continuous": True, "grip_steering": True},
        "TrackRacer-v2 reward=follow_center_line": {"reward": "follow_center_line"},
    }
    reward_file = Path(tempfile.mkdtemp()) / "my_reward.py"
    source = inspect.getsource(follow_center_line).replace("def follow_center_line", "def reward_function")
    reward_file.write_text(source)
    configurations["TrackRacer-v2 reward=my_reward.py (a file)"] = {"reward": str(reward_file)}
    # Each timing of a configuration is paired with a CartPole timing just before it, and the
    # ratio is the median over the pairs: a shared machine's load changes within a run.
    cartpole, cartpole_actions = prepared("CartPole-v1", args.steps)
    rows, ratios, reference = [], [], 0.0
    for label, kwargs in configurations.items():
        env, actions = prepared("gymlab/TrackRacer-v2", args.steps, **kwargs)
        pairs = []
        for repeat in range(args.repeats):
            base = steps_per_second(cartpole, cartpole_actions, args.steps, repeat)
            pairs.append((steps_per_second(env, actions, args.steps, repeat), base))
            reference = max(reference, base)
        env.close()
        ratios.append(float(np.median([rate / base for rate, base in pairs])))
        rows.append((label, max(rate for rate, _ in pairs), ratios[-1]))
    print(f"{'environment':<46} {'steps/s':>10} {'µs/step':>8} {'× CartPole':>10}")
    print(f"{'CartPole-v1 (reference, best)':<46} {reference:>10,.0f} {1e6 / reference:>8.1f} {1.0:>10.2f}")
    for label, rate, ratio in rows:
        print(f"{label:<46} {rate:>10,.0f} {1e6 / rate:>8.1f} {ratio:>10.2f}")
    worst = float(np.min(ratios))
    verdict = "PASS" if worst >= TARGET_RATIO else "FAIL"
    print(f"worst ratio {worst:.2f} (target ≥ {TARGET_RATIO}): {verdict}")
    return 0 if worst >= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
