"""Learning curves on the track: the evaluation lap time, not just the return.

The ``progress`` reward pays 100 for every finished lap, so its return curve is flat once the
car laps; the lap time (evaluation episode length × the env's step time) shows it getting faster.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from gymlab.agents.base import Agent
from gymlab.envs.car import CarSpec
from gymlab.envs.track_racer import TrackRacerEnv
from gymlab.experiments.evaluation import evaluate
from gymlab.experiments.plots.learning import lap_finding, learning_panels, mean_band, plot_runs
from gymlab.experiments.runner import RunSpec, resolve
from gymlab.experiments.store import CurvePoint, load_curve, write_curve
from gymlab.experiments.training import PeriodicEvaluation

TRACK = "gymlab/TrackRacer-v2"


def test_the_track_renders_at_its_control_rate():
    """The runner reads the step time from ``metadata["render_fps"]``: it must be the car's rate."""
    assert TrackRacerEnv.metadata["render_fps"] == round(1 / CarSpec().dt)


class HardLeft(Agent):
    """Full lock left at every step: off the track soon."""

    def act(self, observation, env):
        return 0


def test_periodic_evaluations_start_on_the_line_and_mark_a_finished_lap():
    config = resolve(RunSpec(TRACK, "ppo", reward="progress", eval_episodes=1))
    evaluations = PeriodicEvaluation(config)
    evaluations(HardLeft(), steps=100, train_seconds=1.0)
    (point,) = evaluations.points
    assert point.steps == 100 and point.successes == [False]  # off the track soon: no lap
    assert point.summary["completion_rate"] == 0.0 and point.summary["episodes"] == 1
    report = evaluate(config, HardLeft(), 1)  # what each periodic evaluation plays
    env = TrackRacerEnv(**config["env_kwargs"])
    start_line = env.track.point_at(0.0)
    env.close()
    assert np.allclose(report["episodes"][0]["trajectory"][0][:2], start_line[:2], atol=1e-3)


def fake_run(folder: Path, seed: int, successes: list[list[bool]], lengths: list[list[int]]) -> Path:
    folder.mkdir(parents=True)
    points = []
    for steps, finished, length in zip((1000, 2000), successes, lengths, strict=True):
        laps = [n * 0.1 for n, done in zip(length, finished, strict=True) if done]
        summary = {
            "mean_return": 100.0,
            "completion_rate": sum(finished) / len(finished),
            "mean_lap_time": sum(laps) / len(laps) if laps else None,
        }
        points.append(CurvePoint(steps, 1.0, summary, [100.0, 100.0], length, finished))
    write_curve(folder, points)
    config = {"env": TRACK, "agent": "ppo", "reward": "progress", "seed": seed, "kind": "sb3"}
    (folder / "result.json").write_text(json.dumps({"config": config, "metrics": {}}), encoding="utf-8")
    return folder


def test_curve_holds_the_mean_time_of_finished_laps_only(tmp_path):
    run = fake_run(tmp_path / "run", 0, [[False, False], [True, False]], [[30, 40], [90, 20]])
    with (run / "curve.csv").open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert [row["lap_rate"] for row in rows] == ["0.0", "0.5"]
    assert rows[0]["lap_seconds"] == "" and float(rows[1]["lap_seconds"]) == 9.0  # 90 steps × 0.1 s
    steps, laps, _ = load_curve(run, "lap_seconds")
    assert list(steps) == [1000, 2000] and np.isnan(laps[0]) and laps[1] == 9.0


def test_mean_band_leaves_out_a_seed_without_a_lap():
    steps = np.array([1.0, 2.0, 3.0])
    grid, mean, std, count = mean_band(
        [(steps, np.array([np.nan, 8.0, 6.0])), (steps, np.array([np.nan, np.nan, 7.0]))]
    )
    assert np.isnan(mean[0]) and mean[1] == 8.0 and np.isnan(std[1])  # one seed lapped: no spread
    assert mean[2] == 6.5 and np.isclose(std[2], np.sqrt(0.5)) and list(count) == [0, 1, 2]  # ddof = 1


def test_lap_finding_states_the_lap_time_and_the_margin():
    title = lap_finding("reward progress", {"ppo": (6.33, 0.0, 200_000, 3, 3)}, {"pure_pursuit": 7.8})
    assert "ppo laps in 6.33 ± 0.00 s after 200,000 steps" in title
    assert "1.47 s faster than pure_pursuit (7.80 s)" in title
    one_of_three = lap_finding("r", {"ppo": (12.07, 0.0, 6000, 1, 3)}, {})
    assert one_of_three == "r: ppo laps in 12.07 s (1 of 3 seeds lap) after 6,000 steps"
    assert "no learner finishes a lap" in lap_finding("r", {"ppo": (np.nan, np.nan, 10, 0, 1)}, {})


def test_plot_adds_a_lap_time_row_with_the_fixed_agents_lap(tmp_path):
    runs = [
        fake_run(tmp_path / f"ppo{seed}", seed, [[True, True], [True, True]], [[80, 80], [70, 72]])
        for seed in (0, 1)
    ]
    baseline = tmp_path / "pure_pursuit"
    baseline.mkdir()
    config = {"env": TRACK, "agent": "pure_pursuit", "reward": None, "seed": 0, "kind": "baseline"}
    metrics = {"mean_return": 100.0, "mean_lap_time": 7.8}
    (baseline / "result.json").write_text(
        json.dumps({"config": config, "metrics": metrics}), encoding="utf-8"
    )
    panels, laps = learning_panels([*runs, baseline])
    assert panels == {"reward progress": ({"ppo": runs}, {"pure_pursuit": 100.0})}
    assert laps == {"pure_pursuit": 7.8}
    (path,) = plot_runs([*runs, baseline], tmp_path / "plots")
    height, width, _ = plt.imread(path).shape
    assert height > 0.75 * width  # two rows (one alone is 8 × 4.8 in): return above, lap time below
