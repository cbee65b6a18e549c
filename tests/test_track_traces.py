"""Per-step traces, `gymlab track analyze`, replays and the waypoint map (issue 14)."""

from __future__ import annotations

import json
from pathlib import Path

import gymnasium as gym
import numpy as np
import pytest

from gymlab.agents.base import Agent, rollout
from gymlab.agents.driving import PurePursuit
from gymlab.envs.errors import GymlabError
from gymlab.experiments.analysis import best_lap, run_track
from gymlab.experiments.io import write_json
from gymlab.experiments.results import provenance
from gymlab.experiments.traces import COLUMNS, TRACE_FILE, TraceLog, TraceRecorder, read_trace

TRACK = "gymlab/TrackRacer-v2"


class RandomDriver(Agent):
    """Seeded random actions: episodes that end off track."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)

    def act(self, observation, env):
        return int(self.rng.integers(env.action_space.n))


def make_run(
    folder: Path, track: str = "oval", train_episodes: int = 6, every: int = 2, reverse: bool = False
) -> Path:
    """A folder laid out like a run (config.json as execute_run writes it, trace.csv): training
    episodes from spread starts (pure pursuit, every third one random), then two evaluation laps."""
    kwargs = {"track": track, "actions": "racing", "reward": "progress", "reverse": reverse}
    log = TraceLog(train_every=every)
    train = TraceRecorder(gym.make(TRACK, **kwargs), log, phase="train")
    for k in range(train_episodes):
        rollout(train, RandomDriver(k) if k % 3 == 0 else PurePursuit(), seed=k)
    evaluation = TraceRecorder(gym.make(TRACK, **kwargs), log, phase="eval")
    for k in range(2):
        rollout(evaluation, PurePursuit(), seed=k, options={"start": "line"})
    config = {"env": TRACK, "agent": "pure_pursuit", "kind": "baseline", "seed": 0, "steps": 0,
              "reward": "progress", "env_kwargs": kwargs}  # fmt: skip
    write_json(folder / "config.json", provenance(config, 0))
    write_json(folder / "result.json", {"config": config, "metrics": {}, "train_seconds": 0.0})
    log.write(folder)
    return folder


# -- traces ------------------------------------------------------------------------------------


def test_trace_reads_in_one_pandas_line_and_matches_the_episode(tmp_path):
    pd = pytest.importorskip("pandas", reason="pandas (a dev dependency) reads the trace")
    env = TraceRecorder(gym.make(TRACK, track="oval", actions="racing"))
    episode = rollout(env, PurePursuit(), seed=0, options={"start": "line"})
    path = env.log.write(tmp_path)
    assert path == tmp_path / TRACE_FILE and not list(tmp_path.glob(".*"))  # atomic: no temp file left

    trace = pd.read_csv(tmp_path / "trace.csv")
    assert tuple(trace.columns) == COLUMNS and len(trace) == episode.steps
    assert trace["step"].tolist() == list(range(1, episode.steps + 1))
    assert trace["reward"].sum() == pytest.approx(episode.total_reward, abs=1e-3)
    assert trace["action"].tolist() == episode.actions
    assert trace["status"].iloc[-1] == "lap_complete" and (trace["status"].iloc[:-1] == "in_progress").all()
    assert trace["progress"].is_monotonic_increasing and trace["progress"].iloc[-1] == 100
    assert trace["time"].iloc[-1] == pytest.approx(episode.info["lap_time"], abs=1e-3)  # info rounds to ms
    assert trace["all_wheels_on_track"].dtype == bool and trace["all_wheels_on_track"].all()
    n = len(env.unwrapped.track.waypoints)
    assert ((trace["closest_waypoint_behind"] + 1) % n == trace["closest_waypoint_ahead"]).all()
    # the commanded (steering, speed) is the action's entry in the table
    table = env.unwrapped.actions
    assert [table[a] for a in trace["action"]] == list(
        zip(trace["steering"], trace["command_speed"], strict=True)
    )
    # numpy reader agrees with pandas
    ours = read_trace(tmp_path)
    assert np.allclose(ours["speed"], trace["speed"]) and list(ours["status"]) == list(trace["status"])


def test_training_sample_every_nth_and_bounded(tmp_path):
    log = TraceLog(train_every=2, limit=400)
    env = TraceRecorder(gym.make(TRACK, track="oval", actions="racing"), log, phase="train")
    lengths = [rollout(env, PurePursuit(), seed=k).steps for k in range(12)]
    assert log.train_steps == sum(lengths)  # every step is counted, sampled or not
    kept = sorted({e.number for e in log.episodes})
    assert log.every["train"] > 2 and all(n % log.every["train"] == 0 for n in kept)
    assert log.rows <= 400 and kept[0] == 0
    trace = read_trace(log.write(tmp_path))
    assert set(trace["episode"]) == set(kept) and set(trace["phase"]) == {"train"}


def test_training_with_ppo_records_train_and_eval_phases(tmp_path):
    from stable_baselines3 import PPO
    from stable_baselines3.common.vec_env import DummyVecEnv

    log = TraceLog(train_every=1)
    make = lambda: TraceRecorder(gym.make(TRACK, track="oval", actions="racing"), log, phase="train")  # noqa: E731
    model = PPO("MlpPolicy", DummyVecEnv([make, make]), n_steps=128, batch_size=64, n_epochs=1, seed=0)
    model.learn(256)
    evaluation = TraceRecorder(gym.make(TRACK, track="oval", actions="racing", start="line"), log)
    observation, _ = evaluation.reset(seed=0)
    done = False
    while not done:
        action, _ = model.predict(observation, deterministic=True)
        observation, _, terminated, truncated, _ = evaluation.step(action)
        done = terminated or truncated
    trace = read_trace(log.write(tmp_path))
    train = trace["phase"] == "train"
    assert log.train_steps == 256 and train.sum() == 256
    assert (trace["train_steps"][~train] == 256).all() and trace["status"][-1] != "in_progress"


def test_recorder_refuses_other_envs_and_bad_settings():
    with pytest.raises(GymlabError, match="telemetry"):
        TraceRecorder(gym.make("CartPole-v1"))
    with pytest.raises(GymlabError, match="at least 1"):
        TraceLog(train_every=0)
    with pytest.raises(GymlabError, match="phase"):
        TraceRecorder(gym.make(TRACK), phase="test")


def test_read_trace_rejects_missing_and_foreign_files(tmp_path):
    with pytest.raises(GymlabError, match="not found"):
        read_trace(tmp_path)
    (tmp_path / TRACE_FILE).write_text("a,b\n1,2\n")
    with pytest.raises(GymlabError, match="not a gymlab trace"):
        read_trace(tmp_path)


# -- analyze -----------------------------------------------------------------------------------


def test_analyze_numbers_match_a_pandas_groupby(tmp_path):
    pd = pytest.importorskip("pandas", reason="pandas (a dev dependency) is the reference")
    from gymlab.experiments.analysis import analyze_run

    run = make_run(tmp_path / "run")
    analysis = analyze_run(run)
    trace = pd.read_csv(run / TRACE_FILE)
    reference = trace.groupby("closest_waypoint_behind")["reward"].mean()
    ours = analysis["reward_per_waypoint"]["mean_reward"]
    assert all(ours[k] == pytest.approx(v, abs=1e-4) for k, v in reference.items())
    assert sum(v is None for v in ours) == len(ours) - len(reference)
    evaluation = trace[trace["phase"] == "eval"]
    speed = evaluation.groupby("closest_waypoint_behind")["speed"].mean()
    assert analysis["speed_per_waypoint"]["mean_speed"][int(speed.index[3])] == pytest.approx(
        speed.iloc[3], abs=1e-4
    )
    usage = analysis["action_usage"]
    assert usage["phase"] == "eval" and sum(usage["steps"].values()) == len(evaluation)
    assert len(usage["actions"]) == 20 and usage["actions"][0] == {
        "index": 0,
        "steering": -30.0,
        "speed": 1.0,
    }
    never = set(range(20)) - set(evaluation["action"])  # the racing table: unused actions show 0 %
    position = {action["index"]: k for k, action in enumerate(usage["actions"])}
    assert never and all(usage["share"][kind][position[a]] == 0 for a in never for kind in usage["share"])
    for kind, shares in usage["share"].items():
        assert sum(shares) == pytest.approx(1.0) or usage["steps"][kind] == 0
    lap = analysis["best_lap"]
    assert lap["phase"] == "eval" and lap["status"] == "lap_complete"
    assert lap["time"] == pytest.approx(evaluation.groupby("episode")["time"].max().min())
    assert lap["distance"][-1] == pytest.approx(15.64, abs=0.2)  # the oval's length
    statuses = [entry["status"] for entry in analysis["laps"]]
    assert statuses.count("lap_complete") >= 3 and "off_track" in statuses  # random episode 0


def test_sectors_show_where_a_lap_loses_time_against_the_limit(cli, tmp_path):
    pytest.importorskip("casadi", reason="the lap-time limit needs CasADi: pip install -e '.[raceline]'")
    from gymlab.agents.driving import RacelineTracker
    from gymlab.envs.raceline import lap_limit
    from gymlab.experiments.analysis import analyze_run, sectors_against_limit

    run = make_run(tmp_path / "run", track="reinvent", train_episodes=1)  # pure pursuit's racing laps
    analysis = analyze_run(run)
    track, lap, sectors = run_track(run)[0], analysis["best_lap"], analysis["sectors"]
    rows = sectors["rows"]
    assert len(rows) == 10 and rows[4]["to_percent"] == 50.0
    # the crossing of the line, in continuous time: within the last step before the env's lap time
    assert lap["time"] - 1 / 15 < sectors["lap_s"] < lap["time"]
    assert sectors["limit_s"] == pytest.approx(lap_limit("reinvent").lap_time, abs=1e-3)
    assert sum(row["lap_s"] for row in rows) == pytest.approx(sectors["lap_s"], abs=1e-3)
    assert (
        sum(row["lost_s"] for row in rows) == pytest.approx(sectors["lost_s"], abs=1e-3)
        and sectors["lost_s"] > 1
    )
    # independently: the steps around the moment the lap first reached half the track
    trace = read_trace(run)
    steps = [
        k for k in range(len(trace)) if trace["phase"][k] == "eval" and trace["episode"][k] == lap["episode"]
    ]
    progress = [float(trace["progress"][k]) for k in steps]
    half = next(i for i, value in enumerate(progress) if value >= 50.0)
    reached = sum(row["lap_s"] for row in rows[:5])
    assert half / 15 <= reached <= (half + 1) / 15  # between the step before and the step that got there
    # a car that waits on the line for 5 steps spends them in the first sector
    wait = {"arc_length": [lap["arc_length"][0]] * 5, "distance": [lap["distance"][0]] * 5}
    waited = {**lap, **{key: wait[key] + lap[key] for key in wait}, "steps": lap["steps"] + 5,
              "time": lap["time"] + 5 / 15}  # fmt: skip
    later = sectors_against_limit(waited, track)
    assert later["rows"][0]["lap_s"] == pytest.approx(rows[0]["lap_s"] + 5 / 15, abs=1e-3)
    assert [row["lap_s"] for row in later["rows"][1:]] == [row["lap_s"] for row in rows[1:]]
    # no sectors for a lap that began elsewhere, did not finish, or misses steps in the trace
    assert sectors_against_limit({**lap, "arc_length": [a + 1.0 for a in lap["arc_length"]]}, track) is None
    assert sectors_against_limit({**lap, "status": "off_track"}, track) is None
    assert sectors_against_limit({**lap, "steps": lap["steps"] + 3}, track) is None
    # the other way round the track is another lap, with its own limit
    backwards = analyze_run(
        make_run(tmp_path / "backwards", track="reinvent", train_episodes=1, reverse=True)
    )
    reversed_limit = lap_limit("reinvent", reverse=True).lap_time
    assert backwards["sectors"]["limit_s"] == pytest.approx(reversed_limit, abs=1e-3) != sectors["limit_s"]
    # the raceline tracker drives at the limit: it loses (almost) nothing in any sector
    log = TraceLog()
    evaluation = TraceRecorder(gym.make(TRACK, track="reinvent", continuous=True), log, phase="eval")
    rollout(evaluation, RacelineTracker(), seed=0, options={"start": "line"})
    tracker = sectors_against_limit(best_lap(log_trace(log, tmp_path / "tracker"), track), track)
    assert (
        abs(tracker["lost_s"]) < 0.01 * tracker["limit_s"]
        and max(abs(row["lost_s"]) for row in tracker["rows"]) < 0.03
    )
    text = cli("track", "analyze", run, "--out", tmp_path / "out")
    assert text.exit_code == 0 and "the limit at 5.42 s" in text.stdout


def log_trace(log: TraceLog, folder: Path):
    """Write ``log`` to ``folder`` and read it back."""
    log.write(folder)
    return read_trace(folder)


def test_analyze_cli_side_by_side_json(cli, tmp_path):
    first, second = make_run(tmp_path / "a"), make_run(tmp_path / "b", track="reinvent")
    result = cli("track", "analyze", first, second, "--out", tmp_path / "out", "--json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert [run["track"] for run in document["runs"]] == ["oval", "reinvent"]
    assert set(document["png"]) == {
        "reward_map",
        "speed_map",
        "action_usage",
        "best_lap",
        "lap_history",
        "sectors",
    }
    for path in document["png"].values():
        assert Path(path).read_bytes()[:4] == b"\x89PNG"
    assert json.loads(Path(document["json"]).read_text())["runs"][1]["best_lap"]["time"] == pytest.approx(
        7.6
    )  # pure pursuit's racing lap on v2
    text = cli("track", "analyze", first, "--out", tmp_path / "out2", "--no-line")
    assert text.exit_code == 0 and "best: eval episode 0, lap_complete" in text.stdout


def test_analyze_bad_inputs_exit_2_with_one_line(cli, tmp_path):
    def one_line_error(result, fragment):
        assert result.exit_code == 2, result.output
        assert fragment in result.stderr and result.stderr.count("\n") == 1

    one_line_error(cli("track", "analyze", tmp_path / "nowhere", "--out", tmp_path / "o"), "is not a folder")
    (tmp_path / "empty").mkdir()
    one_line_error(cli("track", "analyze", tmp_path / "empty", "--out", tmp_path / "o"), "no config.json")
    run = make_run(tmp_path / "run", train_episodes=0)
    (run / TRACE_FILE).unlink()
    one_line_error(cli("track", "analyze", run, "--out", tmp_path / "o"), "trace.csv not found")
    other = make_run(tmp_path / "other", track="reinvent", train_episodes=0)
    for name in ("config.json", "result.json"):
        if (other / name).is_file():
            data = json.loads((other / name).read_text())
            data["config"]["env_kwargs"]["track"] = "oval"  # the trace's waypoints do not exist there
            (other / name).write_text(json.dumps(data))
    one_line_error(cli("track", "analyze", other, "--out", tmp_path / "o"), "recorded on another track")


# -- replays -----------------------------------------------------------------------------------


def gif_frames(path: Path):
    from PIL import Image

    image = Image.open(path)
    durations = []
    for k in range(image.n_frames):
        image.seek(k)
        durations.append(image.info["duration"])
    return image, durations


def test_replay_gif_plays_the_lap_in_real_time_with_the_road_below_the_header(tmp_path):
    from PIL import Image

    from gymlab.envs.track_render import ReplayRenderer
    from gymlab.experiments.plots.track import write_replay_gif

    env = gym.make(TRACK, track="oval", actions="racing")
    path, summary = write_replay_gif(PurePursuit(), env, tmp_path / "lap.gif", title="pure pursuit")
    assert summary["status"] == "lap_complete" and not list(tmp_path.glob(".*"))
    image, durations = gif_frames(path)
    assert image.n_frames == summary["steps"]  # one frame per step
    assert sum(durations) == pytest.approx(1000 * summary["time"], abs=10)  # a 15 Hz clock, not 14.3
    renderer = ReplayRenderer(env.unwrapped.track)
    assert image.size == renderer.size and image.size[0] == 480
    road = np.all(np.asarray(renderer.background) == 209, axis=2)  # matplotlib's "0.82" grey
    assert road.any() and not road[: renderer.HEADER].any()  # the header band is free of road
    image.seek(image.n_frames - 1)
    last = np.asarray(image.convert("RGB"))
    assert (np.abs(last.astype(int) - [214, 39, 40]).sum(axis=2) < 30).sum() > 50  # the red car is drawn
    assert Image.open(path).format == "GIF"


def test_long_episode_thins_frames_but_keeps_the_clock(tmp_path):
    from gymlab.envs.tracks import get_track
    from gymlab.experiments.plots.track import save_replay_gif

    track = get_track("oval")
    s = np.linspace(0, 3 * track.length, 700)
    points = np.array([track.point_at(v) for v in s])
    trajectory = np.column_stack([points[:, :2], points[:, 2], np.full(len(s), 1.0)])
    image, durations = gif_frames(save_replay_gif(track, trajectory, tmp_path / "long.gif", max_frames=300))
    assert image.n_frames <= 300 and sum(durations) == pytest.approx(700 / 15 * 1000, rel=0.02)  # real time


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory):
    """A tiny PPO run on the oval, written by the project's runner (one rollout of 64 steps)."""
    from gymlab.experiments.runner import train

    out = tmp_path_factory.mktemp("runs") / "ppo"
    hyperparams = {"n_envs": 1, "n_steps": 64, "batch_size": 32, "n_epochs": 1}
    train("track", "ppo", steps=64, env_kwargs={"track": "oval"}, hyperparams=hyperparams, out=out,
          eval_episodes=1)  # fmt: skip
    return out


def test_drive_a_trained_run_with_a_replay(cli, tmp_path, trained_run):
    gif = tmp_path / "run.gif"
    result = cli("track", "drive", "--agent", trained_run, "--episodes", "1", "--gif", gif, "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["track"] == "oval" and data["agent"] == "ppo" and len(data["trials"]) == 1
    image, _ = gif_frames(gif)
    assert image.n_frames == data["trials"][0]["steps"]
    other = cli("track", "drive", "--agent", trained_run, "--episodes", "1", "--track", "reinvent", "--json")
    assert json.loads(other.stdout)["track"] == "reinvent"


def test_drive_bad_agents_exit_2(cli, tmp_path, trained_run):
    def one_line_error(result, fragment):
        assert result.exit_code == 2, result.output
        assert fragment in result.stderr and result.stderr.count("\n") == 1

    one_line_error(cli("track", "drive", "--agent", tmp_path / "nowhere"), "is not one of")
    one_line_error(cli("track", "drive", "--agent", trained_run, "--actions", "racing"), "action space")
    one_line_error(cli("track", "drive", "--agent", tmp_path), "not a finished gymlab run")


# -- the waypoint map --------------------------------------------------------------------------


def test_show_lists_waypoints_widths_curvature_and_reverses(cli, tmp_path):
    from gymlab.envs.tracks import get_track

    forward = json.loads(cli("track", "show", "reinvent", "--out", tmp_path, "--json").stdout)
    track = get_track("reinvent")
    assert forward["waypoints"] == np.round(track.waypoints, 4).tolist() and forward["every"] == 5
    assert len(forward["widths"]) == len(forward["curvature"]) == len(track.waypoints)
    assert np.allclose(forward["widths"], 0.76, atol=0.01)
    curvature = np.array(forward["curvature"])
    assert (
        curvature.max() == pytest.approx(1 / 0.61, rel=0.1) and np.abs(curvature[:5]).max() < 0.05
    )  # bend; start straight
    assert Path(forward["png"]).read_bytes()[:4] == b"\x89PNG" and not forward["clockwise"]
    back = json.loads(
        cli("track", "show", "reinvent", "--reverse", "--every", "10", "--out", tmp_path, "--json").stdout
    )
    assert back["clockwise"] and back["every"] == 10 and back["waypoints"][0] == forward["waypoints"][0]
    assert back["waypoints"][1] == forward["waypoints"][-1]  # same start line, the other way round
    assert np.allclose(sorted(back["curvature"]), sorted(-curvature), atol=0.05)
    text = cli("track", "show", "oval", "--out", tmp_path)
    assert "waypoints, numbered in steps of" in text.stdout and (tmp_path / "oval.png").exists()
    assert cli("track", "show", "oval", "--every", "0", "--out", tmp_path).exit_code == 2


def test_a_reset_never_stepped_is_no_episode(tmp_path):
    log = TraceLog()
    env = TraceRecorder(gym.make(TRACK, track="oval", actions="racing"), log)
    rollout(env, PurePursuit(), seed=0, options={"start": "line"})
    env.reset(seed=1)  # what a vector env's autoreset does after the last evaluation episode
    rollout(env, PurePursuit(), seed=2, options={"start": "line"})
    assert sorted(set(read_trace(log.write(tmp_path))["episode"])) == [0, 1]


def test_continuous_actions_are_binned_for_the_usage_plot(tmp_path):
    from gymlab.envs.tracks import get_track
    from gymlab.experiments.analysis import action_usage

    env = TraceRecorder(gym.make(TRACK, track="oval", continuous=True))
    rollout(env, PurePursuit(), seed=0, options={"start": "line"})
    trace = read_trace(env.log.write(tmp_path))
    assert (trace["action"] == -1).all()
    usage = action_usage(trace, get_track("oval"))
    steering = [a["steering"] for a in usage["actions"]]
    speeds = [a["speed"] for a in usage["actions"]]
    assert all(s % 5 == 0 for s in steering) and all(v * 2 == int(v * 2) for v in speeds)
    assert len(set(zip(steering, speeds, strict=True))) == len(steering) > 1
    assert sum(usage["share"]["straight"]) == pytest.approx(1.0)


def test_env_rgb_array_render_grows_the_trail_and_starts_afresh_on_reset():
    env = gym.make(TRACK, track="oval", actions="racing", render_mode="rgb_array")
    env.reset(seed=0, options={"start": "line"})
    first = env.render()
    assert first.shape[1:] == (480, 3) and first.dtype == np.uint8
    for _ in range(20):
        env.step(11)  # straight ahead at 4 m/s
    driven = env.render()
    assert (np.abs(driven.astype(int) - first).sum(axis=2) > 0).sum() > 300  # the trail and the moved car
    env.reset(seed=0, options={"start": "line"})
    assert np.array_equal(env.render(), first)


def test_a_trained_track_run_writes_its_trace_and_replays_as_gif(cli, tmp_path):
    import pandas as pd

    tiny = ("--set", "n_envs=1", "--set", "n_steps=64", "--set", "batch_size=32")
    trained = cli("train", "track", "--algo", "ppo", "--steps", "128", "--episodes", "1",
                  "--out", tmp_path / "run", "--json", *tiny)  # fmt: skip
    assert trained.exit_code == 0, trained.stderr
    trace = pd.read_csv(tmp_path / "run" / "trace.csv")
    assert {"train", "eval"} <= set(trace["phase"]) and trace["step"].min() >= 0
    evaluated = cli("evaluate", tmp_path / "run", "--gif", tmp_path / "lap.gif", "--json")
    assert evaluated.exit_code == 0, evaluated.stderr
    assert json.loads(evaluated.stdout)["files"]["gif"] == str(tmp_path / "lap.gif")
    assert (tmp_path / "lap.gif").read_bytes()[:6] in (b"GIF89a", b"GIF87a")
    analyzed = cli("track", "analyze", tmp_path / "run", "--out", tmp_path / "analysis", "--json")
    assert analyzed.exit_code == 0, analyzed.stderr


def test_gif_of_a_run_that_is_not_on_the_track_is_one_line(cli, tmp_path):
    assert cli("train", "coins", "--algo", "q_learning", "--steps", "200", "--episodes", "2",
               "--out", tmp_path / "run").exit_code == 0  # fmt: skip
    result = cli("evaluate", tmp_path / "run", "--gif", tmp_path / "x.gif")
    assert result.exit_code == 2 and "--gif replays track runs" in result.stderr


def test_train_from_a_finished_run_continues_its_model_and_its_curve(cli, tmp_path):
    from gymlab.experiments.store import load_curve

    tiny = ("--set", "n_envs=1", "--set", "n_steps=64", "--set", "batch_size=32")
    parent = cli("train", "track", "--algo", "ppo", "--steps", "128", "--episodes", "1",
                 "--out", tmp_path / "parent", "--json", *tiny)  # fmt: skip
    assert parent.exit_code == 0, parent.stderr
    reward = tmp_path / "faster.py"
    reward.write_text("def reward_function(params):\n    return float(params['speed'])\n", encoding="utf-8")
    child = cli("train", "track", "--algo", "ppo", "--from", tmp_path / "parent", "--reward", reward,
                "--steps", "128", "--episodes", "1", "--out", tmp_path / "child", "--json")  # fmt: skip
    assert child.exit_code == 0, child.stderr
    config = json.loads(child.stdout)["config"]
    assert config["parent"]["run"] == str((tmp_path / "parent").resolve()) and config["reward"] == "faster"
    steps, _, _ = load_curve(tmp_path / "child")
    assert steps.min() > 128  # the model's steps go on counting from the parent's
    lineage, _, _ = load_curve(tmp_path / "child", lineage=True)
    assert len(lineage) > len(steps) and np.all(np.diff(lineage) > 0)  # parent's curve, then the child's
    plotted = cli("plot", tmp_path / "child", "--out", tmp_path / "plots")
    assert plotted.exit_code == 0, plotted.stderr
    other = cli("train", "track", "--algo", "ppo", "--from", tmp_path / "parent", "--env-arg", "actions=deepracer",
                "--steps", "64", "--out", tmp_path / "bad")  # fmt: skip
    assert other.exit_code == 2 and "keep the parent's action set" in other.stderr
    wrong = cli("train", "track", "--algo", "sac", "--from", tmp_path / "parent", "--out", tmp_path / "bad2")
    assert wrong.exit_code == 2 and "--from" in wrong.stderr


@pytest.mark.parametrize(
    ("preset", "reward", "actions"),
    [("gymlab/TrackRacer-grip-v2", "race_pace", 1), ("gymlab/TrackRacer-racing-v2", "progress", 20)],
)
def test_analyze_reads_a_preset_runs_defaults(tmp_path, preset, reward, actions):
    """A preset id's run records no env arguments of its own; its analysis names the preset's
    reward and action table (continuous: one binned row per (steering, speed) used)."""
    from gymlab.experiments.analysis import analyze_run
    from gymlab.experiments.runner import train

    hyperparams = {"n_envs": 1, "n_steps": 64, "batch_size": 32, "n_epochs": 1}
    train(preset, "ppo", steps=64, env_kwargs={"track": "oval"}, hyperparams=hyperparams, out=tmp_path,
          eval_episodes=1)  # fmt: skip
    analysis = analyze_run(tmp_path)
    assert analysis["reward_name"] in (reward, f"{reward} (default)")  # racing-v2's YAML names it
    usage = analysis["action_usage"]["actions"]
    if actions == 1:
        assert all(action["index"] == -1 for action in usage)  # continuous actions, binned
    else:
        assert len(usage) == actions and usage[-1]["speed"] == 4.0  # racing's 20, not deepracer's 10
