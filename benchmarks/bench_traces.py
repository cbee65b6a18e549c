"""Traces and replays: recording cost, file size per 100k training steps, analyze time, GIF encoding.

1. **Recording cost.** Random-action TrackRacer steps per second with a :class:`TraceRecorder`
   that records every step, beside the bare env in the same run (ratio).
2. **File size.** Bytes per row of ``trace.csv``; a training sample of every Nth episode keeps
   ≈ 1/N of the steps (episodes are sampled whatever their length), so a 100k-step training
   writes ≈ 100k/N rows. Measured on PPO-like traffic: random and pure-pursuit episodes.
3. **Analyze time.** ``analyze_run`` + every PNG on a 200k-row trace (pure pursuit from spread
   starts, every third episode random), against reading the same file with pandas.
4. **GIF encoding.** A pure-pursuit lap rendered by :func:`save_trace_gif`, against the lap's
   own duration (target: encoding time ≤ lap time, i.e. a 10 s lap encodes in ≤ 10 s) and
   against redrawing a matplotlib figure per frame (how the env rendered before).

Run: ``.venv/bin/python benchmarks/bench_traces.py [--rows 200000]``. Exit code 1 if the GIF
target is missed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import gymnasium as gym
import numpy as np

from gymlab.agents.base import Agent, rollout
from gymlab.agents.driving import PurePursuit
from gymlab.experiments.io import write_json
from gymlab.experiments.plots.track import save_trace_gif
from gymlab.experiments.results import provenance
from gymlab.experiments.traces import TraceLog, TraceRecorder, read_trace

TRACK = "gymlab/TrackRacer-v2"
KWARGS = {"track": "reinvent", "actions": "racing", "reward": "progress"}


class RandomDriver(Agent):
    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)

    def act(self, observation, env):
        return int(self.rng.integers(env.action_space.n))


def recording_cost(steps: int) -> tuple[float, float]:
    """(steps/s bare, steps/s recording every step), best of 3."""
    rates = []
    for record in (False, True):
        best = 0.0
        for repeat in range(3):
            env = gym.make(TRACK, **KWARGS)
            if record:
                env = TraceRecorder(env, TraceLog(train_every=1, limit=None), phase="train")
            env.action_space.seed(repeat)
            actions = [env.action_space.sample() for _ in range(1000)]
            env.reset(seed=repeat)
            began = time.perf_counter()
            for k in range(steps):
                _, _, terminated, truncated, _ = env.step(actions[k % 1000])
                if terminated or truncated:
                    env.reset()
            best = max(best, steps / (time.perf_counter() - began))
        rates.append(best)
    return rates[0], rates[1]


def long_run(folder: Path, rows: int) -> Path:
    """A run folder whose trace holds ``rows`` training steps (+ 5 evaluation laps)."""
    log = TraceLog(train_every=1, limit=None)
    env = TraceRecorder(gym.make(TRACK, **KWARGS), log, phase="train")
    k = 0
    while log.train_steps < rows:
        rollout(env, RandomDriver(k) if k % 3 == 0 else PurePursuit(), seed=k)
        k += 1
    evaluation = TraceRecorder(gym.make(TRACK, **KWARGS), log, phase="eval")
    for j in range(5):
        rollout(evaluation, PurePursuit(), seed=j, options={"start": "line"})
    config = {"env": TRACK, "agent": "pure_pursuit", "kind": "baseline", "seed": 0, "steps": rows,
              "reward": "progress", "env_kwargs": KWARGS}  # fmt: skip
    write_json(folder / "config.json", provenance(config, 0))
    log.write(folder)
    return folder


def redraw_with_matplotlib(track, lap) -> float:
    """Seconds to draw the lap's frames the way the env's renderer did before (a matplotlib
    figure redrawn per frame, no encoding): the reference for the GIF renderer."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from gymlab.envs.track_render import draw_track, speed_collection, update_speed_collection

    began = time.perf_counter()
    figure = Figure(figsize=(6, 5))
    FigureCanvasAgg(figure)
    ax = figure.add_subplot()
    draw_track(ax, track)
    path = speed_collection([], [], [])
    ax.add_collection(path)
    for k in range(1, len(lap) + 1):
        update_speed_collection(path, lap["x"][:k], lap["y"][:k], lap["speed"][:k])
        ax.set_title(f"t = {lap['time'][k - 1]:.2f} s")
        figure.canvas.draw()
        np.asarray(figure.canvas.buffer_rgba())
    return time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000, help="training steps in the long trace")
    parser.add_argument("--steps", type=int, default=50_000, help="steps for the recording cost")
    args = parser.parse_args()

    bare, recorded = recording_cost(args.steps)
    print(f"recording every step: {recorded:,.0f} steps/s vs {bare:,.0f} bare ({recorded / bare:.2f}×)")

    with tempfile.TemporaryDirectory() as tmp:
        run = long_run(Path(tmp) / "run", args.rows)
        trace_file = run / "trace.csv"
        size = trace_file.stat().st_size
        rows = len(read_trace(run))
        per_row = size / rows
        print(f"trace: {rows:,} rows, {size / 1e6:.1f} MB, {per_row:.0f} bytes/row")
        for every in (1, 10, 100):
            print(
                f"  per 100k training steps, every {every:>3}th episode: ≈ {1e5 / every * per_row / 1e6:.2f} MB"
            )

        from gymlab.experiments.analysis import analyze_run, run_track
        from gymlab.experiments.plots.traces import plot_analysis

        began = time.perf_counter()
        analysis = analyze_run(run)
        numbers = time.perf_counter() - began
        track = run_track(run)[0]
        plot_analysis([(analysis, track)], Path(tmp) / "out")
        total = time.perf_counter() - began
        try:
            import pandas as pd

            began = time.perf_counter()
            frame = pd.read_csv(trace_file)
            frame.groupby("closest_waypoint_behind")["reward"].mean()
            reference = f", pandas read_csv + one groupby {time.perf_counter() - began:.2f} s"
        except ImportError:
            reference = ""
        print(f"analyze on {rows:,} rows: numbers {numbers:.2f} s, with the 5 PNGs {total:.2f} s{reference}")

        env = gym.make(TRACK, **KWARGS)
        recorder = TraceRecorder(env)
        rollout(recorder, PurePursuit(), seed=0, options={"start": "line"})
        lap = recorder.log.trace()
        began = time.perf_counter()
        save_trace_gif(lap, env.unwrapped.track, Path(tmp) / "lap.gif", title="pure pursuit")
        encode = time.perf_counter() - began
        seconds = float(lap["time"][-1])
        matplotlib_frames = redraw_with_matplotlib(env.unwrapped.track, lap)
        print(
            f"GIF of a {seconds:.2f} s lap ({len(lap)} frames): {encode:.2f} s to render and encode "
            f"= {encode / seconds:.2f} s per lap second (target ≤ 1); redrawing a matplotlib figure per "
            f"frame took {matplotlib_frames:.2f} s ({matplotlib_frames / encode:.1f}× longer)"
        )
        return 0 if encode <= seconds else 1


if __name__ == "__main__":
    sys.exit(main())
