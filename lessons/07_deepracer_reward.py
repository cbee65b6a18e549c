"""DeepRacer, the reward function is the teacher: one learner, three reward functions, three drivers.

The idea: in reinforcement learning nobody shows the car how to drive; a reward function scores
every step and the learner (PPO, from stable-baselines3) maximises the total. What it learns is
exactly what the reward pays for — not what its author meant. Trained with the same budget on
the same track:

- `progress` pays the share of the lap gained each step: finishing sooner pays sooner, so the
  car learns to hurry;
- `follow_center_line` (the AWS guide's first example) pays for being near the centre line at
  *every step*: a slow lap has more steps, so it pays more — the car learns to dawdle;
- `prevent_zigzag` is the same with a penalty for steering harder than 15°.

Pure pursuit, a classic path tracker with a planned speed profile, is the yardstick.

Watch for: the lap times (how fast each reward's driver goes); the zig-zag measure, the mean
change of the steering command per step; the driven lines coloured by speed.

Try next: write your own `reward_function(params)` in a file, check it with `gymlab track
check-reward my_reward.py`, and train on it; or double the budget and watch the lap times fall.
"""

import time

import gymnasium as gym
import numpy as np
import torch
from stable_baselines3 import PPO
from stable_baselines3.common.env_util import make_vec_env

import envs  # noqa: F401  (registers gymlab/TrackRacer-v0)
from agents.base import Agent, rollout
from agents.driving import PurePursuit, evaluate_trials
from experiments.lessons import lesson_arguments, punchline
from experiments.plots.track import plot_lap

REWARDS = ("progress", "follow_center_line", "prevent_zigzag")
ENV_KWARGS = {"track": "reinvent", "actions": "racing"}  # steering −30…30° × 1–4 m/s
PPO_SETTINGS = {  # small and quick: a lap is learned in a few ten thousand steps on a CPU
    "n_steps": 256,
    "batch_size": 256,
    "n_epochs": 5,
    "learning_rate": 1e-3,
    "gamma": 0.99,
    "policy_kwargs": {"net_arch": [64, 64]},
}


class PolicyDriver(Agent):
    """Drives with a trained SB3 policy: the most likely action, no exploration."""

    def __init__(self, model: PPO) -> None:
        self.model = model

    def act(self, observation, env) -> int:
        return int(self.model.predict(observation, deterministic=True)[0])


def drive(env: gym.Env, agent: Agent, seed: int) -> dict:
    """Evaluation trials from the start line, plus the driven line and its zig-zag."""
    trials = evaluate_trials(env, agent, episodes=2, seed=seed)
    episode = rollout(env, agent, seed=seed, options={"start": "line"})
    steering = np.array([env.unwrapped.actions[a][0] for a in episode.actions], dtype=float)
    laps = [t["lap_time"] for t in trials if t["status"] == "lap_complete"]
    return {
        "completed": len(laps) / len(trials),
        "progress": float(np.mean([t["progress"] for t in trials])),
        "lap_time": float(np.mean(laps)) if laps else None,
        "status": trials[0]["status"],
        "zigzag": float(np.mean(np.abs(np.diff(steering)))) if len(steering) > 1 else 0.0,
        "trajectory": list(env.unwrapped.trajectory),
    }


def describe(result: dict) -> str:
    lap = f"lap {result['lap_time']:.2f} s" if result["lap_time"] is not None else result["status"]
    return f"{result['completed']:.0%} laps completed, {lap}, zig-zag {result['zigzag']:.1f}°/step"


def main() -> None:
    args = lesson_arguments(__doc__)
    steps = 3_000 if args.quick else 60_000
    torch.set_num_threads(1)  # small networks: one thread is fastest and leaves the other core free
    env = gym.make("gymlab/TrackRacer-v0", reward="progress", **ENV_KWARGS)
    track = env.unwrapped.track
    print(
        f"Track {track.name}: {track.length:.1f} m, {track.width:.2f} m wide; PPO budget {steps:,} steps each"
    )

    results = {}
    for reward in REWARDS:
        began = time.perf_counter()
        venv = make_vec_env(
            "gymlab/TrackRacer-v0", n_envs=4, seed=args.seed, env_kwargs={**ENV_KWARGS, "reward": reward}
        )
        model = PPO("MlpPolicy", venv, seed=args.seed, device="cpu", **PPO_SETTINGS)
        model.learn(total_timesteps=steps)
        venv.close()
        seconds = time.perf_counter() - began
        results[reward] = drive(env, PolicyDriver(model), args.seed)
        print(f"   PPO on {reward:<19} ({seconds:4.1f} s): {describe(results[reward])}")

    results["pure pursuit"] = drive(env, PurePursuit(), args.seed)
    print(f"   {'pure pursuit':<35}: {describe(results['pure pursuit'])}")
    env.close()

    for name, result in results.items():
        label = name if name == "pure pursuit" else f"PPO trained on {name}"
        plot_lap(
            track,
            result["trajectory"],
            args.out / f"line-{name.replace(' ', '-')}.png",
            title=f"{label}\n{describe(result)}",
        )
    print(f"   plots: {args.out}/line-*.png (the driven line, coloured by speed)")

    def lap(name: str) -> str:
        time_ = results[name]["lap_time"]
        return f"{time_:.2f} s" if time_ is not None else f"no lap ({results[name]['progress']:.0f} %)"

    punchline(
        f"after {steps:,} PPO steps each, the car trained on progress laps in {lap('progress')}, on "
        f"follow_center_line in {lap('follow_center_line')}, on prevent_zigzag in {lap('prevent_zigzag')} "
        f"(zig-zag {results['progress']['zigzag']:.1f} / {results['follow_center_line']['zigzag']:.1f} / "
        f"{results['prevent_zigzag']['zigzag']:.1f}°/step); pure pursuit {lap('pure pursuit')}, "
        f"{results['pure pursuit']['zigzag']:.1f}°/step"
    )


if __name__ == "__main__":
    main()
