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

import json

from gymlab.agents.driving import PurePursuit
from gymlab.experiments.evaluation import evaluate
from gymlab.experiments.lessons import lesson_arguments, punchline
from gymlab.experiments.plots.compare import plot_trajectories
from gymlab.experiments.runner import config_env, train

TRACK = "gymlab/TrackRacer-v1"
REWARDS = ("progress", "follow_center_line", "prevent_zigzag")
# The runner's tuned PPO defaults (experiments/config/ppo.yml): reinvent track, racing actions.
EVAL_LAPS = 2  # evaluation trials from the start line (deterministic: every lap is the same)


def describe(summary: dict) -> str:
    lap = f"lap {summary['mean_lap_time']:.2f} s" if summary["mean_lap_time"] is not None else "no lap"
    return (
        f"{summary['completion_rate']:.0%} laps completed, {lap}, zig-zag {summary['zigzag_deg']:.1f}°/step"
    )


def main() -> None:
    args = lesson_arguments(__doc__)
    steps = 3_000 if args.quick else 60_000
    print(f"PPO budget {steps:,} steps per reward function (settings: experiments/config/ppo.yml)")

    summaries, lines, env_kwargs = {}, {}, {}
    for reward in REWARDS:
        run = train(
            "track", "ppo", steps=steps, seed=args.seed, reward=reward, out=args.out / f"ppo-{reward}",
            eval_episodes=EVAL_LAPS,
        )  # fmt: skip
        report = json.loads((run.run_dir / "evaluation.json").read_text())
        summaries[reward], lines[reward] = run.metrics, report["episodes"][0]
        env_kwargs = {key: value for key, value in run.config["env_kwargs"].items() if key != "reward"}
        print(f"   PPO on {reward:<19} ({run.train_seconds:4.1f} s): {describe(run.metrics)}")

    baseline = evaluate(TRACK, PurePursuit(), env_kwargs, episodes=EVAL_LAPS)
    summaries["pure pursuit"], lines["pure pursuit"] = baseline["summary"], baseline["episodes"][0]
    print(f"   {'pure pursuit':<35}: {describe(summaries['pure pursuit'])}")

    env = config_env({"env": TRACK, "env_kwargs": env_kwargs})
    track = env.unwrapped.track
    env.close()
    print(f"Track {track.name}: {track.length:.1f} m, {track.width:.2f} m wide, settings {env_kwargs}")
    items = [(name if name == "pure pursuit" else f"PPO on {name}", row) for name, row in lines.items()]
    plot_trajectories(track, items, args.out / "lines.png", "PPO under three rewards vs pure pursuit")
    print(f"   plot: {args.out}/lines.png (the driven lines, coloured by speed)")

    def lap(name: str) -> str:
        summary = summaries[name]
        if summary["mean_lap_time"] is not None:
            return f"{summary['mean_lap_time']:.2f} s"
        return f"no lap ({summary['mean_progress']:.0f} %)"

    def zigzag(name: str) -> str:
        return f"{summaries[name]['zigzag_deg']:.1f}"

    punchline(
        f"after {steps:,} PPO steps each, the car trained on progress laps in {lap('progress')}, on "
        f"follow_center_line in {lap('follow_center_line')}, on prevent_zigzag in {lap('prevent_zigzag')} "
        f"(zig-zag {zigzag('progress')} / {zigzag('follow_center_line')} / {zigzag('prevent_zigzag')}°/step); "
        f"pure pursuit {lap('pure pursuit')}, {zigzag('pure pursuit')}°/step"
    )


if __name__ == "__main__":
    main()
