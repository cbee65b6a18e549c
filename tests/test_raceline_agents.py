"""The raceline tracker, reward and actions, and `gymlab track raceline`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("casadi", reason="the lap-time limit needs CasADi: pip install -e '.[raceline]'")

from gymlab.agents.driving import RacelineTracker, evaluate_trials, raceline_actions, resolve_actions  # noqa: E402
from gymlab.envs.errors import GymlabError  # noqa: E402
from gymlab.envs.raceline import above_limit_percent, lap_limit  # noqa: E402
from gymlab.envs.rewards import RacelineReward  # noqa: E402
from gymlab.envs.track_racer import TrackRacerEnv  # noqa: E402


@pytest.mark.parametrize(
    ("kwargs", "low", "high"),
    [
        ({"continuous": True}, -2.0, 2.0),
        ({"continuous": True, "grip_steering": True}, -2.0, 2.0),  # the plan never asks past the grip
        ({"actions": "racing"}, 0.0, 16.0),
        ({"actions": "raceline:12"}, 0.0, 5.0),
    ],
)
def test_tracker_laps_reinvent_cleanly_near_the_limit(kwargs, low, high):
    """Continuous: the planned step-by-step lap, −1.2 % (the env checks the band only at the
    steps' ends, so whole steps can beat the smooth point-mass limit a little). Racing: 14.6 %,
    its 15° steps slide and scrub speed above 1.8 m/s. raceline:12: 3.7 % (with each node's own
    speed as the command, no K laps: nothing brakes before the first bend)."""
    if "actions" in kwargs:
        kwargs = {**kwargs, "actions": resolve_actions(kwargs["actions"], "reinvent")}
    env = TrackRacerEnv(**kwargs)
    trial = evaluate_trials(env, RacelineTracker(), episodes=1)[0]
    assert trial["status"] == "lap_complete" and trial["off_track_count"] == 0
    limit = lap_limit(env.track, env.car.spec).steps_lap_time()
    assert low <= above_limit_percent(trial["lap_time"], limit) <= high


def test_tracker_rehearses_its_speed_weights_and_forgets_the_choice_elsewhere():
    """On v2 `racing` laps of oval, a heavier weight on speed errors is faster (5.40 s vs 6.00 s);
    the weight the rehearsal picked does not leak into a drive from elsewhere on the track."""
    env = TrackRacerEnv(track="oval", actions="racing")
    light = evaluate_trials(env, RacelineTracker(speed_weights=(0.15,)), episodes=1)[0]
    tracker = RacelineTracker(speed_weights=(0.15, 0.7))
    both = evaluate_trials(env, tracker, episodes=1)[0]
    assert light["status"] == both["status"] == "lap_complete"
    assert both["lap_time"] < light["lap_time"] and tracker.speed_weight == 0.7
    env.reset(seed=0, options={"start": 0.5})
    tracker.reset(env)
    assert tracker.speed_weight == 0.15


def test_step_lap_replays_in_the_env_within_the_band_and_limits():
    """The discrete-time optimum: every step inside the friction circle, the steering lock and the band."""
    from gymlab.agents.lap_plan import GRIP_SHARE, step_lap
    from gymlab.envs.car import CarSpec

    car = CarSpec()
    plan = step_lap("oval", car)
    limit = lap_limit("oval", car).steps_lap_time()
    assert abs(plan.lap_time / limit - 1) < 0.02
    assert plan.progress[-1] >= TrackRacerEnv(track="oval").track.length > plan.progress[-2]
    mean = plan.states[:-1, 3] + 0.5 * plan.accel * car.dt
    assert np.all(plan.accel**2 + (mean**2 * plan.curvature) ** 2 <= GRIP_SHARE * car.grip**2 + 1e-6)
    assert np.all(np.abs(plan.curvature) <= car.max_curvature + 1e-9)
    env = TrackRacerEnv(track="oval", continuous=True)
    env.reset(options={"start": "line"})
    for k, (steering, speed) in enumerate(plan.commands(car)):
        info = env.step(env.action_for(steering, speed))[4]
        assert np.hypot(env.car.x - plan.states[k + 1, 0], env.car.y - plan.states[k + 1, 1]) < 1e-3
    assert info["status"] == "lap_complete" and info["off_track_count"] == 0


def test_planned_path_gives_each_steps_command_back_on_its_nodes():
    from gymlab.agents.lap_plan import PlannedPath, step_lap
    from gymlab.envs.car import CarSpec

    car = CarSpec()
    plan = step_lap("oval", car)
    path = PlannedPath.from_step_lap(plan, car)
    for k in (0, 10, 40):
        kappa, speed = path.command(path.start[k], plan.states[k, 3], car.dt)
        assert kappa == pytest.approx(plan.curvature[k], abs=1e-6)
        assert speed == pytest.approx(plan.states[k + 1, 3], abs=1e-6)


def test_tracker_drives_a_flying_lap_from_anywhere():
    """Away from the start line the tracker follows the flying limit line: it keeps the car on track."""
    env = TrackRacerEnv(track="oval", continuous=True, start="spread", max_steps=150)
    agent = RacelineTracker()
    observation, _ = env.reset(seed=3)
    agent.reset(env)
    for _ in range(150):
        observation, _, terminated, truncated, info = env.step(agent.act(observation, env))
        if terminated or truncated:
            break
    assert info["off_track_count"] == 0 and info["progress"] > 50


def test_raceline_reward_prefers_the_line_at_the_planned_speed():
    env = TrackRacerEnv(track="oval", reward="raceline")
    reward = env.reward_function.function
    assert isinstance(reward, RacelineReward)
    line = lap_limit(env.track, env.car.spec, "flying")
    k = len(line.s) // 3
    x, y = line.xy[k]
    heading = float(np.degrees(np.arctan2(*(line.xy[k + 1] - line.xy[k])[::-1])))
    plan = float(line.speed[k])
    on_line = reward(env.params_for(x, y, heading, plan, 0.0, 30.0, 10))
    slow = reward(env.params_for(x, y, heading, 0.3 * plan, 0.0, 30.0, 10))
    cx, cy, _ = env.track.point_at(line.s[k])
    off_line = reward(env.params_for(cx, cy, heading, plan, 0.0, 30.0, 10))
    assert on_line > 0.95 and slow < on_line and off_line < on_line
    far = env.params_for(x + 5, y + 5, heading, plan, 0.0, 30.0, 10)
    assert far["is_offtrack"] and reward(far) == 1e-3


def test_raceline_reward_needs_its_line():
    with pytest.raises(RuntimeError, match="bind"):
        RacelineReward()({"is_offtrack": False})


def test_raceline_actions_are_k_clusters_within_the_car_range():
    actions = raceline_actions("reinvent", 8)
    assert len(actions) == 8 and actions == raceline_actions("reinvent", 8)
    assert all(abs(steer) <= 30 and 0 < speed <= 4 for steer, speed in actions)
    assert max(speed for _, speed in actions) > 3.5  # the straights
    gentle = [speed for steer, speed in actions if abs(steer) < 3.0]  # wheels nearly straight
    assert min(gentle) <= max(gentle) - 1.0  # one of them brakes hard: before a bend, not in it
    env = TrackRacerEnv(actions=resolve_actions("raceline:8", "reinvent"))
    assert env.action_space.n == 8


def test_raceline_actions_bad_input():
    with pytest.raises(GymlabError, match="raceline:K"):
        resolve_actions("raceline:many", "reinvent")
    with pytest.raises(GymlabError, match="1 ≤ K"):
        resolve_actions("raceline:0", "reinvent")
    with pytest.raises(GymlabError, match="k-means"):
        TrackRacerEnv(actions="raceline:8")
    assert resolve_actions("racing", "reinvent") == "racing"


def test_train_with_raceline_actions_keeps_its_actions_on_another_track(cli, tmp_path):
    from gymlab.experiments.analysis import action_table
    from gymlab.experiments.commands.track import _trained_driver
    from gymlab.experiments.environments import make_env
    from gymlab.experiments.runner import load_agent

    result = cli("train", "track", "--algo", "ppo", "--env-arg", "actions=raceline:6", "--steps", "256",
                 "--episodes", "1", "--set", "n_steps=32", "--set", "batch_size=32", "--out", tmp_path / "run",
                 "--json")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    config = json.loads(result.stdout)["config"]
    made = make_env("gymlab/TrackRacer-v2", {"actions": "raceline:6"}).unwrapped
    assert made.action_space.n == 6 and made.actions == raceline_actions("reinvent", 6)
    # the run keeps the actions it learned with (and where they came from), not a recipe to redo
    assert config["actions_from"] == "raceline:6"
    assert [tuple(pair) for pair in config["env_kwargs"]["actions"]] == made.actions
    assert action_table({"actions": "raceline:6"}) == made.actions  # track analyze labels them
    driver, _ = load_agent(tmp_path / "run")
    assert driver.model.action_space.n == 6
    driven = cli(
        "track", "drive", "--agent", tmp_path / "run", "--track", "oval", "--episodes", "1", "--json"
    )
    assert driven.exit_code == 0, driven.stderr
    assert len(json.loads(driven.stdout)["trials"]) == 1
    oval = make_env("gymlab/TrackRacer-v2", {"actions": "raceline:6", "track": "oval"}).unwrapped
    assert oval.actions != made.actions  # oval's own clusters differ, so a run must keep its track's
    _, env = _trained_driver(tmp_path / "run", "oval", None, None, False, False)
    assert env.unwrapped.track.name == "oval" and env.unwrapped.actions == made.actions
    moved = cli("train", "track", "--algo", "ppo", "--from", tmp_path / "run", "--env-arg", "actions=raceline:6",
                "--env-arg", "track=oval", "--steps", "64", "--out", tmp_path / "moved")  # fmt: skip
    assert moved.exit_code == 2 and "its model's action" in moved.stderr  # not silently other actions
    assert not (tmp_path / "moved").exists()


@pytest.mark.parametrize(("value", "message"), [("raceline:many", "raceline:K"), ("raceline:0", "1 ≤ K")])
def test_train_with_bad_raceline_actions_is_one_line(cli, tmp_path, value, message):
    result = cli("train", "track", "--algo", "ppo", "--env-arg", f"actions={value}", "--steps", "64",
                 "--out", tmp_path / "run")  # fmt: skip
    assert result.exit_code == 2 and message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "run").exists()


def test_track_raceline_writes_line_files_and_json(cli, tmp_path):
    result = cli("track", "raceline", "oval", "--out", tmp_path, "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    for key in ("standing_lap_s", "flying_lap_s", "hard_bound_s", "solve_s"):
        assert data[key] > 0
    assert data["hard_bound_s"] < data["standing_lap_s"] and data["flying_lap_s"] < data["standing_lap_s"]
    table = np.load(data["paths"]["npy"])
    assert table.shape[1] == 7 and table[-1, 6] == pytest.approx(data["standing_lap_s"], abs=1e-3)
    assert (tmp_path / "oval_raceline.csv").read_text().startswith("s_m,x_m,y_m")
    assert json.loads((tmp_path / "oval_raceline.json").read_text())["track"] == "oval"
    assert (tmp_path / "oval_raceline.png").read_bytes()[:4] == b"\x89PNG"


def test_track_raceline_bad_track_is_one_line(cli):
    result = cli("track", "raceline", "nowhere")
    assert result.exit_code == 2 and "unknown track" in result.stderr


def test_drive_raceline_reports_percent_above_the_limit(cli):
    result = cli("track", "drive", "--track", "oval", "--agent", "raceline", "--continuous", "--episodes", "1",
                 "--json")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    trial = json.loads(result.stdout)["trials"][0]
    assert trial["status"] == "lap_complete" and 0 <= trial["above_limit_percent"] < 8


def test_action_lap_search_finds_a_lap_the_env_replays_and_beats_the_tracker_on_it():
    """Beam search over a 5-action set on oval: the env drives its actions to the finish on exactly
    its last step, never off track; here it is faster than the tracker with the same actions (9.53 s)."""
    from gymlab.agents.lap_plan import action_lap

    actions = [(steering, 1.5) for steering in (-30.0, -15.0, 0.0, 15.0, 30.0)]
    found = action_lap("oval", actions=actions, beam=100)
    env = TrackRacerEnv(track="oval", actions=actions)
    env.reset(options={"start": "line"})
    infos = [env.step(action)[4] for action in found.actions]
    statuses = [info["status"] for info in infos]
    assert statuses[:-1] == ["in_progress"] * (len(statuses) - 1) and statuses[-1] == "lap_complete"
    assert infos[-1]["lap_time"] == pytest.approx(found.lap_time) and infos[-1]["off_track_count"] == 0
    tracker = evaluate_trials(TrackRacerEnv(track="oval", actions=actions), RacelineTracker(), episodes=1)[0]
    assert found.lap_time < tracker["lap_time"]


def test_action_lap_rejects_an_empty_beam_and_says_when_nothing_laps():
    from gymlab.agents.lap_plan import action_lap

    with pytest.raises(GymlabError, match="beam must be a whole number ≥ 1"):
        action_lap("oval", beam=0)
    with pytest.raises(GymlabError, match="cell takes three sizes > 0"):
        action_lap("oval", cell=(0.03, 0.0, 0.05))
    with pytest.raises(GymlabError, match="no lap found on oval with a beam of 2: widen the beam"):
        action_lap("oval", beam=2)
    with pytest.raises(GymlabError, match="these actions cannot lap it"):
        action_lap("oval", actions=[(0.0, 0.0)], beam=50)  # a car told to stand still


def test_drive_ends_the_episode_as_step_does():
    stepped, driven = TrackRacerEnv(track="oval", max_steps=3), TrackRacerEnv(track="oval", max_steps=3)
    stepped.reset(options={"start": "line"})
    driven.reset(options={"start": "line"})
    step_statuses = [stepped.step(5)[4]["status"] for _ in range(3)]
    assert step_statuses == [driven.drive(5) for _ in range(3)] == ["in_progress", "in_progress", "time_up"]
    assert (stepped.car.x, stepped.car.y) == (driven.car.x, driven.car.y)


def test_clone_and_restore_state_replay_exactly():
    env = TrackRacerEnv(track="oval", actions="racing")
    env.reset(options={"start": "line"})
    for _ in range(10):
        env.step(11)
    saved = env.clone_state()
    first = [env.drive(15) for _ in range(5)], (env.car.x, env.car.y, env.progress), len(env.trajectory)
    env.restore_state(saved)
    again = [env.drive(15) for _ in range(5)], (env.car.x, env.car.y, env.progress), len(env.trajectory)
    assert first == again and len(env.trajectory) == 1 + 15  # the start, then every step


@pytest.mark.parametrize("reward", ["progress", "race_pace"])
def test_a_restored_state_pays_as_before(reward):
    """The reward's memory is part of the state: after a restore, the same steps pay the same
    rewards (``progress`` remembers the last step's progress; without it the first step paid 0)."""
    env = TrackRacerEnv(track="oval", actions="racing", reward=reward)
    env.reset(options={"start": "line"})
    for _ in range(10):
        env.step(11)
    saved = env.clone_state()
    first = [env.step(15)[1] for _ in range(5)]
    env.restore_state(saved)
    again = [env.step(15)[1] for _ in range(5)]
    assert first == again


def test_a_reward_object_without_attributes_clones_too():
    """A reward with no ``__dict__`` (a builtin, a class with ``__slots__``) has no memory to copy."""

    class Slotted:
        __slots__ = ()

        def __call__(self, params):
            return 1.0

    env = TrackRacerEnv(track="oval", actions="racing", reward=Slotted())
    env.reset(options={"start": "line"})
    saved = env.clone_state()
    env.step(15)
    env.restore_state(saved)
    assert env.step(15)[1] == 1.0


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--beams", "x"], "error: --beams takes comma-separated whole numbers"),
        (["--beams", "0,3"], "error: --beams must be at least 1"),
        (["--actions", "nope"], "error: unknown action preset 'nope'"),
        (["--tracks", "nowhere"], "error: unknown track 'nowhere'"),
        (["--cell", "0.03,0.1"], "error: --cell takes three sizes > 0"),
        (["--cell", "0.03,0,0.05"], "error: --cell takes three sizes > 0"),
        (["--cell", "a,b,c"], "error: --cell takes three sizes > 0"),
    ],
)
def test_bench_action_search_rejects_bad_input_in_one_line(arguments, message):
    bench = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_action_search.py"
    completed = subprocess.run(
        [sys.executable, str(bench), *arguments], capture_output=True, text=True, timeout=120
    )
    assert completed.returncode == 2 and completed.stdout == "" and "Traceback" not in completed.stderr
    assert len(completed.stderr.strip().splitlines()) == 1 and completed.stderr.startswith(message)
