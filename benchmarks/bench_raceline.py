"""The lap-time limit and the classical champion: limits per track, and the raceline tracker's laps.

For every built-in track and every DeepRacer loop in the shared data: the minimum-time lap
from a standing start (and in whole 1/15 s steps), the flying lap, the hard lower bound
(widest legal band) and the solver's CPU time (all three solves; wall time on a shared machine is longer); then the ``raceline``
tracker's evaluation lap from the start line with continuous and ``racing`` actions, as
seconds and % above the limit in whole steps. Pure pursuit (the former "best fixed
algorithm") is shown beside it as the reference it replaces.

Bars (issue 11): solve ≤ 10 s per track; tracker ≤ 2 % above the limit, lap complete, never
off track. Exit code 1 if any bar is missed.

Run: ``.venv/bin/python benchmarks/bench_raceline.py [--tracks reinvent,oval]``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gymlab.agents.driving import PurePursuit, RacelineTracker, evaluate_trials
from gymlab.envs.raceline import above_limit_percent, limits
from gymlab.envs.track_racer import TrackRacerEnv
from gymlab.envs.tracks import builtin_track_names

REPO = Path(__file__).resolve().parents[1]
ROUTES = REPO.parent / "shared" / "data" / "deepracer_tracks"
SOLVE_BAR, TRACKER_BAR = 10.0, 2.0


def default_tracks() -> list[str]:
    """Built-in tracks, then every loop route in the shared data (Straight_track is not a loop)."""
    routes = sorted(str(path) for path in ROUTES.glob("*.npy") if path.stem != "Straight_track")
    return builtin_track_names() + routes


def lap(track: str, agent, **kwargs) -> dict:
    trial = evaluate_trials(TrackRacerEnv(track=track, **kwargs), agent, episodes=1)[0]
    return trial


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", default=None, help="comma-separated tracks (default: all)")
    args = parser.parse_args()
    tracks = args.tracks.split(",") if args.tracks else default_tracks()

    header = (f"{'track':<24} {'standing':>8} {'steps':>6} {'flying':>7} {'hard':>6} {'cpu s':>6}  "
              f"{'tracker cont.':>15} {'tracker racing':>15} {'pursuit racing':>15}")  # fmt: skip
    print("lap times in s; % above the standing limit in whole 1/15 s steps")
    print(header)
    failures = 0
    for track in tracks:
        numbers = limits(track)
        solve = numbers["solve_cpu_s"]  # CPU seconds: wall time depends on how busy the machine is
        limit = numbers["standing_lap_steps_s"]
        cells = []
        for agent, kwargs in ((RacelineTracker(), {"continuous": True}), (RacelineTracker(), {"actions": "racing"}),
                              (PurePursuit(), {"actions": "racing"})):  # fmt: skip
            trial = lap(track, agent, **kwargs)
            clean = trial["status"] == "lap_complete" and trial["off_track_count"] == 0
            above = above_limit_percent(trial["lap_time"], limit)
            cells.append(f"{trial['lap_time']:6.2f} {above:+6.1f}%" if clean else f"{trial['status']:>15}")
            if isinstance(agent, RacelineTracker):
                failures += not (clean and above <= TRACKER_BAR)
        failures += solve > SOLVE_BAR
        name = Path(track).stem if track.endswith(".npy") else track
        print(f"{name:<24} {numbers['standing_lap_s']:8.3f} {limit:6.3f} {numbers['flying_lap_s']:7.3f} "
              f"{numbers['hard_bound_s']:6.3f} {solve:6.2f}  {cells[0]:>15} {cells[1]:>15} {cells[2]:>15}")  # fmt: skip
    print(f"bars: solve ≤ {SOLVE_BAR:g} s, tracker ≤ {TRACKER_BAR:g} % above the limit with clean laps: "
          f"{'PASS' if failures == 0 else f'FAIL ({failures} misses)'}")  # fmt: skip
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
