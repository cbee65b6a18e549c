"""Fault cases of issue 15: user reward code contained, sizes bounded, settings checked at the edge.

One test per class of bad input; each asserts one `error:` line (exit code 2 from the CLI) or
the GymlabError the Python API raises instead.
"""

from __future__ import annotations

import json
import threading
import time

import numpy as np
import pytest

from gymlab.envs.errors import GymlabError
from gymlab.envs.reward_check import check_reward_function
from gymlab.envs.rewards import GuardedReward, RewardError, load_reward_file
from gymlab.envs.track_racer import TrackRacerEnv


def one_line_error(result, fragment):
    assert result.exit_code == 2, result.output
    assert fragment in result.stderr, result.stderr
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


def reward_file(tmp_path, body: str, name: str = "my_reward.py"):
    path = tmp_path / name
    path.write_text(body)
    return path


def first_step(reward, **kwargs):
    env = TrackRacerEnv(reward=str(reward), **kwargs)
    env.reset(seed=0)
    return env.step(0)


# -- reward functions contained ------------------------------------------------------------

EXIT_IN_FUNCTION = "import sys\n\ndef reward_function(params):\n    sys.exit(0)\n"


def test_sys_exit_in_the_reward_is_one_line_in_drive_check_and_train(cli, tmp_path):
    path = reward_file(tmp_path, EXIT_IN_FUNCTION)
    one_line_error(cli("track", "drive", "--reward", path), "called sys.exit(0)")
    checked = cli("track", "check-reward", path)
    assert checked.exit_code == 2 and "called sys.exit(0)" in checked.stdout
    out = tmp_path / "run"
    trained = cli("train", "track", "--algo", "ppo", "--reward", path, "--steps", "64", "--out", out, "-q")
    one_line_error(trained, "my_reward.py:reward_function called sys.exit(0)")


def test_sys_exit_at_import_is_one_line(cli, tmp_path):
    path = reward_file(tmp_path, "import sys\nsys.exit(3)\n")
    one_line_error(cli("track", "check-reward", path), "cannot load my_reward.py: called sys.exit(3)")


def test_keyboard_interrupt_raised_by_the_code_is_an_error(tmp_path):
    path = reward_file(tmp_path, "def reward_function(params):\n    raise KeyboardInterrupt\n")
    with pytest.raises(RewardError, match="raised KeyboardInterrupt"):
        first_step(path)


def test_a_real_ctrl_c_still_interrupts():
    import _thread

    def interrupted(params):
        _thread.interrupt_main()  # what Ctrl-C does: the interrupt arrives between bytecodes
        total = 0
        for k in range(10_000_000):
            total += k
        return 1.0

    with pytest.raises(KeyboardInterrupt):
        GuardedReward(interrupted)({"steps": 1})


def test_any_base_exception_is_an_error():
    class Escape(BaseException):
        pass

    def escaping(params):
        raise Escape("out")

    with pytest.raises(RewardError, match="raised Escape: out"):
        GuardedReward(escaping)({"steps": 1})


def test_print_in_a_reward_goes_to_stderr_not_into_json(cli, tmp_path):
    path = reward_file(
        tmp_path,
        "print('loading')\n\ndef reward_function(params):\n    print('step', params['steps'])\n    return 1.0\n",
    )
    result = cli("track", "check-reward", path, "--json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)  # exactly one JSON document on stdout
    assert document["clean"] and "step 1" in result.stderr and "loading" in result.stderr


def test_a_hanging_reward_is_stopped_by_the_time_limit(tmp_path):
    path = reward_file(tmp_path, "def reward_function(params):\n    while True:\n        pass\n")
    began = time.perf_counter()
    with pytest.raises(RewardError, match=r"took longer than 0.2 s") as caught:
        first_step(path, reward_timeout=0.2)
    assert time.perf_counter() - began < 5
    assert "reward_timeout" in str(caught.value) and "\n" not in str(caught.value)


def test_a_reward_blocked_in_sleep_is_stopped(tmp_path):
    path = reward_file(
        tmp_path, "import time\n\ndef reward_function(params):\n    time.sleep(60)\n    return 1.0\n"
    )
    began = time.perf_counter()
    with pytest.raises(RewardError, match="took longer than 0.2 s"):
        first_step(path, reward_timeout=0.2)
    assert time.perf_counter() - began < 5


def test_a_reward_that_swallows_exceptions_is_still_stopped(tmp_path):
    body = "def reward_function(params):\n    while True:\n        try:\n            while True:\n                pass\n"
    body += "        except Exception:\n            pass\n"
    with pytest.raises(RewardError, match="took longer than"):
        first_step(reward_file(tmp_path, body), reward_timeout=0.2)


def test_the_time_limit_works_outside_the_main_thread():
    caught = []

    def hang(params):
        while True:
            pass

    def run():
        try:
            GuardedReward(hang, timeout=0.2)({"steps": 1})
        except RewardError as error:
            caught.append(error)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(10)
    assert not worker.is_alive() and caught and caught[0].kind == "timeout"


def test_a_hanging_import_is_stopped(tmp_path):
    path = reward_file(tmp_path, "while True:\n    pass\n")
    with pytest.raises(GymlabError, match="cannot load my_reward.py: took longer than 0.3 s"):
        load_reward_file(path, timeout=0.3)


def test_fast_rewards_are_never_stopped_and_nothing_leaks():
    """Thousands of calls under a tight limit: no stray timeout lands after a call returns."""
    guard = GuardedReward(lambda params: 1.0, timeout=0.05)
    began = time.perf_counter()
    while time.perf_counter() - began < 0.5:
        assert guard({"steps": 1}) == 1.0


def test_check_reward_times_calls_and_reports_slow_rewards(tmp_path):
    report = check_reward_function("follow_center_line")
    assert report.problems == [] and report.checked == report.situations
    assert 0 < report.mean_seconds <= report.worst_seconds < 1
    assert report.seconds_for(1000) == pytest.approx(1000 * report.mean_seconds)
    slow = reward_file(
        tmp_path, "import time\n\ndef reward_function(params):\n    time.sleep(0.05)\n    return 1.0\n"
    )
    report = check_reward_function(str(slow), budget=0.3)
    assert report.checked < report.situations and report.mean_seconds >= 0.04
    assert any("is slow" in problem for problem in report.problems)


def test_check_reward_cli_timeout_and_estimate(cli, tmp_path):
    path = reward_file(tmp_path, "def reward_function(params):\n    while True:\n        pass\n")
    result = cli("track", "check-reward", path, "--timeout", "0.2")
    assert result.exit_code == 2 and "took longer than 0.2 s" in result.stdout
    clean = cli("track", "check-reward", "heading", "--steps", "1000", "--json")
    timing = json.loads(clean.stdout)["timing"]
    assert timing["training_steps"] == 1000 and timing["worst_seconds"] >= timing["mean_seconds"] > 0
    text = cli("track", "check-reward", "heading").stdout
    assert "call time: mean" in text and "training run spends" in text


@pytest.mark.parametrize("timeout", [-1, "abc", True, float("inf")])
def test_bad_reward_timeouts(timeout):
    with pytest.raises(GymlabError, match="reward_timeout must be a positive number"):
        TrackRacerEnv(reward_timeout=timeout)


# -- bounded sizes ---------------------------------------------------------------------------


def test_a_route_in_the_wrong_units_is_refused_before_allocation(cli, tmp_path, shared_data):
    route = np.load(shared_data / "deepracer_tracks" / "reinvent_base.npy")
    np.save(tmp_path / "huge.npy", route * 1e6)
    one_line_error(cli("track", "show", tmp_path / "huge.npy", "--out", tmp_path), "up to 300 m long")
    np.save(tmp_path / "tiny.npy", route * 1e-3)
    one_line_error(cli("track", "show", tmp_path / "tiny.npy", "--out", tmp_path), "at least 1 m")


def test_degenerate_and_oversized_route_files(cli, tmp_path):
    np.save(tmp_path / "zeros.npy", np.zeros((100, 6)))
    one_line_error(cli("track", "show", tmp_path / "zeros.npy", "--out", tmp_path), "distinct centre point")
    (tmp_path / "empty.npy").write_bytes(b"")
    one_line_error(cli("track", "show", tmp_path / "empty.npy", "--out", tmp_path), "cannot read empty.npy")
    np.save(tmp_path / "long.npy", np.zeros((10_001, 6)))
    one_line_error(cli("track", "show", tmp_path / "long.npy", "--out", tmp_path), "up to 10,000 rows")


def test_counts_are_bounded(cli):
    from gymlab.envs.limits import LIMITS, check_count

    assert check_count("--seeds", 3.0, LIMITS["seeds"]) == 3
    for bad, fragment in [
        (0, "at least 1"),
        (10**9, "at most 1,000"),
        (1.5, "whole number"),
        (True, "whole"),
    ]:
        with pytest.raises(GymlabError, match=fragment):
            check_count("--seeds", bad, LIMITS["seeds"])
    one_line_error(cli("track", "drive", "--episodes", "1000000000"), "--episodes must be at most 100,000")
    one_line_error(cli("coins", "learn", "--steps", "1000000000000"), "--steps must be at most")


# -- hyperparameters and env arguments checked at the edge --------------------------------------

BAD_SETTINGS = [
    ("gamma=2", "gamma must be a discount in (0, 1]"),
    ("gamma=abc", "gamma must be"),
    ("clip_range=lin_-1", "clip_range must be a positive number or lin_"),
    ("learning_rate=lin_abc", "learning_rate must be"),
    ("batch_size=-5", "batch_size must be a whole number"),
    ("n_envs=0", "n_envs must be a whole number from 1 to 64"),
    ("n_steps=1.5", "n_steps must be a whole number"),
    ("policy=FooPolicy", "unknown policy 'FooPolicy'"),
    ("ent_coef=abc", "ent_coef must be a number"),
    ("n_epochs=0", "n_epochs must be a whole number"),
    ("policy_kwargs=dict(net_arch=[-1])", "net_arch must list positive layer sizes"),
    ("n_timesteps=abc", "n_timesteps must be a number of steps"),
    ("env_kwargs=abc", "env_kwargs must be a mapping"),
    ("seed=3", "seed cannot be set"),
    ("normalize_advantage=maybe", "normalize_advantage must be true or false"),
]


@pytest.mark.parametrize(("pair", "fragment"), BAD_SETTINGS)
def test_bad_hyperparameters_are_one_line_before_training(pair, fragment):
    from gymlab.experiments.commands.common import parse_key_values
    from gymlab.experiments.hyperparams import load_settings

    with pytest.raises(
        GymlabError, match=fragment.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")
    ):
        load_settings("ppo", "gymlab/CoinChange-v0", parse_key_values([pair], "--set"))


def test_rollout_sizes_and_cli_exit_2(cli, tmp_path):
    from gymlab.agents.rl import validate_hyperparams

    with pytest.raises(GymlabError, match="n_steps × n_envs must be > 1"):
        validate_hyperparams("ppo", {"n_steps": 1, "n_envs": 1})
    assert validate_hyperparams("a2c", {"n_steps": 1, "n_envs": 1})["n_steps"] == 1  # A2C does not normalise
    assert validate_hyperparams("ppo", {"n_steps": 256.0})["n_steps"] == 256
    assert validate_hyperparams("sac", {"ent_coef": "auto_0.1"})["ent_coef"] == "auto_0.1"
    result = cli("train", "coins", "--algo", "ppo", "--set", "gamma=2", "--out", tmp_path / "run", "-q")
    one_line_error(result, "gamma must be")
    assert not (tmp_path / "run").exists()


def test_gsde_on_discrete_actions_is_one_line(cli, tmp_path):
    """gSDE explores continuous actions only: SB3's ValueError would be a traceback."""
    result = cli("train", "track", "--algo", "ppo", "--set", "use_sde=true", "--steps", "64",
                 "--out", tmp_path / "run", "-q")  # fmt: skip
    one_line_error(result, "use_sde (gSDE) explores continuous actions only")
    assert "--env-arg continuous=true" in result.stderr and not (tmp_path / "run").exists()


def test_every_shipped_yaml_entry_passes_the_schema():
    from gymlab.agents.rl import validate_hyperparams
    from gymlab.experiments.hyperparams import CONFIG_DIR, read_config_file

    for path in sorted(CONFIG_DIR.glob("*.yml")):
        for env_id, settings in read_config_file(path).items():
            assert validate_hyperparams(path.stem, settings), (path.name, env_id)


def test_env_arguments_are_typed_from_the_constructor():
    from gymlab.envs.arguments import coerce_env_kwargs

    track = "gymlab/TrackRacer-v2"
    assert coerce_env_kwargs(track, {"continuous": "true", "max_steps": 100.0}) == {
        "continuous": True,
        "max_steps": 100,
    }
    assert coerce_env_kwargs(track, {"actions": [[0, 1]], "track": "oval"})["track"] == "oval"
    assert coerce_env_kwargs("CartPole-v1", {"render_mode": "rgb_array"}) == {"render_mode": "rgb_array"}
    for kwargs, fragment in [
        ({"continuous": "maybe"}, "continuous must be true or false, got 'maybe'"),
        ({"max_steps": 1.5}, "max_steps must be a whole number"),
        ({"colour": "red"}, "has no argument 'colour'"),
        ({"car": "fast"}, "car must be CarSpec or null"),
    ]:
        with pytest.raises(GymlabError, match=fragment):
            coerce_env_kwargs(track, kwargs)
    with pytest.raises(GymlabError, match="n_cities must be a whole number"):
        coerce_env_kwargs("gymlab/TSP-v0", {"n_cities": "ten"})
    with pytest.raises(GymlabError, match="continuous must be true or false, got 'maybe'"):
        TrackRacerEnv(continuous="maybe")  # the env itself refuses it too


def test_empty_agent_lists_are_refused():
    from gymlab.experiments.commands.common import parse_names

    assert parse_names(None, "--agents", "greedy,ppo") is None
    assert parse_names(["a,,b", " c "], "--agents", "greedy,ppo") == ["a", "b", "c"]
    for values in ([""], [",,"], [" , "]):
        with pytest.raises(GymlabError, match="--agents names nothing"):
            parse_names(values, "--agents", "greedy,ppo")


# -- the other tracebacks and unclear messages ---------------------------------------------------


def test_kmeans_and_describe_refuse_infinite_values(cli, tmp_path):
    (tmp_path / "inf.csv").write_text("a,b\n1,inf\n3,2\n5,1\n7,3\n")
    one_line_error(cli("demo", "kmeans", "--data", tmp_path / "inf.csv", "-k", "2", "--out", tmp_path),
                   "line 2, column b: inf is not a finite number")  # fmt: skip
    (tmp_path / "huge.csv").write_text("a,b\n1,1e308\n3,2\n5,1\n")
    one_line_error(cli("demo", "describe", tmp_path / "huge.csv", "--out", tmp_path), "1e308 is not a finite")


def test_regression_on_one_height_and_negative_steps(cli, tmp_path):
    (tmp_path / "one.csv").write_text("Height,Weight\n60,100\n60,120\n60,130\n")
    one_line_error(
        cli("demo", "regression", "--data", tmp_path / "one.csv", "--out", tmp_path), "same x (60)"
    )
    one_line_error(
        cli("demo", "regression", "--max-steps=-1", "--out", tmp_path), "max steps must be at least 1"
    )


def test_a_q_table_with_nan_is_refused_on_load(tmp_path):
    from gymlab.agents.tabular import QLearningAgent

    agent = QLearningAgent(3, seed=0)
    agent.q[(1,)] = np.array([0.0, 1.0, 2.0])
    path = agent.save(tmp_path / "q.json")
    assert QLearningAgent.load(path).q[(1,)].tolist() == [0.0, 1.0, 2.0]
    data = json.loads(path.read_text())
    data["q"][0][1] = float("nan")
    path.write_text(json.dumps(data))
    with pytest.raises(GymlabError, match="damaged Q-table file: state"):
        QLearningAgent.load(path)


def test_a_duplicate_trip_in_a_tsp_csv_is_refused(cli, tmp_path):
    rows = ["corp_start,corp_end,distance", "A,B,1", "B,A,1", "A,C,2", "C,A,2", "B,C,3", "C,B,3", "A,B,5"]
    (tmp_path / "dup.csv").write_text("\n".join(rows) + "\n")
    one_line_error(cli("tsp", "solve", tmp_path / "dup.csv"), "line 8 repeats the trip A→B of line 2")


def test_errors_name_the_users_path_not_the_hidden_temporary(tmp_path):
    from gymlab.envs.files import atomic_write

    (tmp_path / "adir.tsp").mkdir()
    with pytest.raises(OSError) as caught:
        atomic_write(tmp_path / "adir.tsp", lambda tmp: tmp.write_text("x"))
    assert caught.value.filename == str(tmp_path / "adir.tsp") and ".adir" not in str(caught.value)
    assert "is a folder" in str(caught.value)


def test_a_model_file_of_another_algorithm_is_one_line(tmp_path):
    import gymnasium as gym

    from gymlab.agents.rl import SB3Agent

    agent = SB3Agent("ppo", {"n_steps": 32, "batch_size": 32, "n_epochs": 1})
    agent.learn(gym.make("gymlab/CoinChange-v0"), 32, seed=0)
    path = agent.save(tmp_path / "model.zip")
    for algo in ("dqn", "sac"):
        with pytest.raises(GymlabError, match=f"is corrupted or not a {algo.upper()} model"):
            SB3Agent.load(path, algo)
