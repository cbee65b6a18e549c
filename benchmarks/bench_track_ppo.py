"""PPO from scratch against the lap-time limit on TrackRacer: the 5-minute racing bar of issue 11.

For each seed: train PPO from scratch with the tuned defaults of ``--env``
(``experiments/config/ppo.yml``): ``gymlab/TrackRacer-v2``, the shipped entry (default
``reinvent`` track, ``racing`` actions, ``progress`` reward), or ``gymlab/TrackRacer-grip-v2``
(continuous grip steering, ``race_pace``, gSDE: the setup that meets the bar), capped at 5
minutes of training wall time, evaluating 10 laps from the start line (deterministic policy)
every 25k steps. Then time the trained policy, the raceline tracker (the classical champion)
and pure pursuit over the same 10 evaluation trials (same env settings, start line and action
space), each as seconds and % above the lap-time limit.

Printed per seed: training wall time, steps, steps/s of training, time to the first 10/10
laps, laps out of 10, both mean lap times, the margin (s and %, reference = pure pursuit
measured in this run) and PASS/FAIL. Training speed is also shown as a ratio to SB3 PPO
on CartPole-v1 with the same PPO settings (without gSDE, which needs continuous actions), measured
in the same run (the machine may be busy).

Bar (issue 11): on every seed 10/10 laps within 300 s of training, and the mean lap over the
seeds ≤ 8 % above the limit; printed with the seeds' mean ± sample std [95 % t-interval] n.
Each seed's own verdict (its lap ≤ 8 %) is printed too. Exit code 1 if the bar is missed.

Run: ``.venv/bin/python benchmarks/bench_track_ppo.py [--env gymlab/TrackRacer-grip-v2]
[--seeds 0,1,2] [--workers 2] [--time-cap 300] [--set gamma=0.99 …] [--env-arg continuous=true …]``
(``--workers 2``: two seeds train at once, one per core; ``--set``/``--env-arg``: the variants
of the README's "PPO against the limit" table).
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from gymlab.envs.errors import GymlabError
from gymlab.envs.raceline import above_limit_percent
from gymlab.experiments.commands.common import parse_int_list, parse_key_values
from gymlab.experiments.environments import env_arguments
from gymlab.experiments.lessons import one_line_errors
from gymlab.experiments.spread import format_spread, spread
from gymlab.experiments.track_ppo import (
    EPISODES,
    EVAL_EVERY,
    GRIP_ID,
    LIMIT_BAR,
    TIME_CAP,
    TRACK_ID,
    ppo_settings,
    race,
)

REPO = Path(__file__).resolve().parents[1]


def cartpole_steps_per_second(settings: dict, steps: int) -> float:
    """SB3 PPO on CartPole-v1 with the same PPO settings and n_envs: training steps/s.

    gSDE (``use_sde``) explores continuous actions only; CartPole's are discrete, so it runs without.
    """
    from stable_baselines3.common.env_util import make_vec_env

    from gymlab.agents.rl import SB3Agent
    from gymlab.experiments.training import use_one_torch_thread

    use_one_torch_thread()
    settings = {key: value for key, value in settings.items() if key not in ("use_sde", "sde_sample_freq")}
    env = make_vec_env("CartPole-v1", n_envs=int(settings["n_envs"]), seed=0)
    agent = SB3Agent("ppo", settings)
    began = time.perf_counter()
    agent.learn(env, steps, seed=0)
    return agent.model.num_timesteps / (time.perf_counter() - began)


def describe(row: dict | None) -> str:
    if row is None:
        return "never"
    return (f"{row['seconds']:.1f} s ({row['steps']:,} steps, lap {row['mean_lap_time']:.3f} s, "
            f"{row['above_limit_percent']:+.1f} % above the limit)")  # fmt: skip


def lap(summary: dict) -> str:
    if summary["mean_lap_time"] is None:
        return f"no lap ({summary['laps']}/{summary['episodes']})"
    return (f"{summary['mean_lap_time']:.3f} s  {summary['above_limit_percent']:+.1f} % above the limit  "
            f"({summary['laps']}/{summary['episodes']} laps)")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env", default=TRACK_ID,
                        help=f"{TRACK_ID} (the shipped entry, default) or {GRIP_ID}: the env and its ppo.yml entry")  # fmt: skip
    parser.add_argument("--seeds", default="0", help="comma-separated seeds, e.g. 0,1,2")
    parser.add_argument("--steps", type=int, default=None, help="training budget (default: the YAML's)")
    parser.add_argument("--workers", type=int, default=1, help="seeds trained at once (one core each)")
    parser.add_argument("--time-cap", type=float, default=TIME_CAP, help="training wall-time cap (s)")
    parser.add_argument("--eval-every", type=int, default=EVAL_EVERY)
    parser.add_argument("--reference-steps", type=int, default=20_480, help="CartPole PPO steps (0: skip)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="PPO setting over the YAML's (repeatable), e.g. gamma=0.99")  # fmt: skip
    parser.add_argument("--env-arg", action="append", default=[], metavar="KEY=VALUE",
                        help="env argument over the YAML's (repeatable), e.g. continuous=true")  # fmt: skip
    args = parser.parse_args()
    if args.workers < 1:
        raise GymlabError(f"--workers must be at least 1 (seeds trained at once), got {args.workers}")
    if args.env not in (TRACK_ID, GRIP_ID):
        raise GymlabError(f"--env must be {TRACK_ID} or {GRIP_ID} (got {args.env!r})")
    seeds = parse_int_list(args.seeds, "--seeds")

    settings = {**ppo_settings(args.env), **parse_key_values(args.set, "--set")}
    env_kwargs = {**settings.get("env_kwargs", {}), **parse_key_values(args.env_arg, "--env-arg")}
    if env_arguments(args.env, env_kwargs).get("continuous"):  # given here or by the preset id
        env_kwargs.pop("actions", None)  # continuous steering has no action table
    settings["env_kwargs"] = env_kwargs
    shown = {key: value for key, value in settings.items() if key != "policy"}
    changed = " with --set/--env-arg" if args.set or args.env_arg else ""
    print(f"{args.env}; PPO settings (experiments/config/ppo.yml{changed}): {shown}")
    options = {
        "steps": args.steps,
        "time_cap": args.time_cap,
        "eval_every": args.eval_every,
        "settings": settings,
        "env_id": args.env,
    }
    if args.workers == 1:
        results = [race(seed, **options) for seed in seeds]
    else:  # fresh interpreters (spawn): no torch state shared with this process
        workers = min(args.workers, len(seeds))
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            results = list(pool.map(run_seed, seeds, [options] * len(seeds)))
    speeds = []
    for seed, result in zip(seeds, results, strict=True):
        ppo, pp, champion = result["ppo"], result["pure_pursuit"], result["raceline"]
        print(f"\n== seed {seed}")
        for row in result["history"]:
            above = f"{row['above_limit_percent']:+.1f} %" if row["mean_lap_time"] is not None else "-"
            print(f"   {row['steps']:>9,} steps {row['seconds']:>7.1f} s  laps {row['laps']:>2}/{row['episodes']}  "
                  f"lap {row['mean_lap_time'] or '-'} s  {above} above the limit")  # fmt: skip
        capped = " (stopped by the time cap)" if result["capped"] else ""
        print(f"training wall time      {result['train_seconds']:.1f} s{capped}")
        print(f"steps                   {result['steps']:,}")
        print(f"steps/s of training     {result['steps_per_second']:,.0f}")
        print(f"time to {EPISODES}/{EPISODES} laps      {describe(result['first_full'])}")
        print(f"time to ≤ {LIMIT_BAR:g} % above   {describe(result['first_near_limit'])}")
        print(f"lap-time limit          {result['limit']:.3f} s (standing start, whole 1/15 s steps)")
        print(f"PPO                     {lap(ppo)}")
        print(f"raceline tracker        {lap(champion)}  (the classical champion: the reference)")
        print(f"pure pursuit            {lap(pp)}")
        verdict = "PASS" if result["passed"] else "FAIL"
        print(
            f"{verdict}: {EPISODES}/{EPISODES} laps ≤ {LIMIT_BAR:g} % above the limit within {args.time_cap:.0f} s of training"
        )
        speeds.append(result["steps_per_second"])

    bar_met = across_seeds(results, args.time_cap)

    if args.reference_steps:
        reference = cartpole_steps_per_second(settings, args.reference_steps)
        mean_speed = sum(speeds) / len(speeds)
        gsde = " (without gSDE)" if settings.get("use_sde") else ""
        print(f"\nreference: SB3 PPO on CartPole-v1, same settings{gsde}: {reference:,.0f} steps/s; "
              f"TrackRacer training {mean_speed:,.0f} steps/s = {mean_speed / reference:.2f}× CartPole's")  # fmt: skip
    return 0 if bar_met else 1


def run_seed(seed: int, options: dict) -> dict:
    """One seed's :func:`race` (a process-pool task)."""
    return race(seed, **options)


def across_seeds(results: list[dict], time_cap: float) -> bool:
    """Print the seeds' laps as mean ± sample std [95 % interval] n and the bar's verdict on them.

    The verdict is issue 11's bar read as "every seed 10/10 within the cap, the seeds' mean lap
    ≤ 8 % above the limit"; the stricter readings (every seed ≤ 8 % on its own, the whole 95 %
    interval under the bar) are printed beside it.
    """
    limit = results[0]["limit"]
    bar_seconds = limit * (1 + LIMIT_BAR / 100)
    laps = [result["ppo"]["mean_lap_time"] for result in results]
    alone = sum(result["passed"] for result in results)
    every_seed = all(
        result["ppo"]["laps"] == result["ppo"]["episodes"] and result["within_cap"] for result in results
    )
    print(f"\nPPO across {len(results)} seeds: lap (s) {format_spread(laps)}", end="")
    if not every_seed:
        print(
            f"\nFAIL: not every seed lapped 10/10 within {time_cap:.0f} s ({alone}/{len(results)} seeds PASS on their own)"
        )
        return False
    summary = spread(laps)
    above = above_limit_percent(summary.mean, limit)
    met = summary.mean <= bar_seconds
    print(f", {above:+.1f} % above the {limit:.3f} s limit (the bar: {bar_seconds:.3f} s)")
    print(
        f"{'PASS' if met else 'FAIL'}: every seed 10/10 laps within {time_cap:.0f} s; mean lap ≤ {LIMIT_BAR:g} % above the limit"
    )
    wholly = summary.high is not None and summary.high <= bar_seconds
    print(f"   stricter readings: {alone}/{len(results)} seeds ≤ {LIMIT_BAR:g} % on their own; "
          f"the 95 % interval is {'wholly' if wholly else 'not wholly'} under the bar")  # fmt: skip
    return met


if __name__ == "__main__":
    with one_line_errors():  # bad --set/--env-arg/--workers: one "error: …" line, exit code 2
        sys.exit(main())
