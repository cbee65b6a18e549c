"""train → evaluate → plot and compare on the gymlab envs, with tiny budgets."""

from __future__ import annotations

import csv
import json

import gymnasium as gym
import pytest

TINY = ("--set", "n_envs=1", "--set", "n_steps=64", "--set", "batch_size=32")


def train(cli, env, algo, out, *extra):
    result = cli("train", env, "--algo", algo, "--out", out, "--json", *extra)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_coins_maskable_ppo_train_evaluate_plot(cli, tmp_path):
    trained = train(
        cli, "coins", "maskable_ppo", tmp_path / "run", "--steps", "128", "--episodes", "10", *TINY
    )
    assert trained["config"]["env"] == "gymlab/CoinChange-v0"
    assert 0.0 <= trained["metrics"]["optimality_rate"] <= 1.0 and trained["metrics"]["episodes"] == 10
    evaluated = cli("evaluate", tmp_path / "run", "--episodes", "5", "--json")
    assert evaluated.exit_code == 0, evaluated.stderr
    report = json.loads(evaluated.stdout)
    assert report["summary"]["episodes"] == 5 and {"optimal", "coins_used"} <= set(report["episodes"][0])
    assert report["summary"]["paid_rate"] == 1.0  # masks forbid a coin larger than what remains
    plotted = cli("plot", tmp_path / "run", "--out", tmp_path / "plots", "--json")
    assert plotted.exit_code == 0 and (tmp_path / "plots" / "CoinChange-v0_learning.png").is_file()


def test_coins_q_learning_trains_saves_and_loads(cli, tmp_path):
    trained = train(cli, "coins", "q_learning", tmp_path / "run", "--steps", "3000", "--episodes", "20")
    assert trained["config"]["kind"] == "learner" and (tmp_path / "run" / "model.json").is_file()
    assert (tmp_path / "run" / "evaluations.npz").is_file() and (
        tmp_path / "run" / "learning_curve.png"
    ).is_file()
    evaluated = json.loads(cli("evaluate", tmp_path / "run", "--json").stdout)
    assert evaluated["summary"]["optimality_rate"] == trained["metrics"]["optimality_rate"]


def test_tsp_maskable_ppo_train_evaluate_reports_gap_to_optimal(cli, tmp_path):
    trained = train(cli, "tsp", "maskable_ppo", tmp_path / "run", "--steps", "128", "--episodes", "3", *TINY)
    gap = trained["metrics"]["mean_gap_percent"]
    assert gap >= 0.0 and trained["metrics"]["optimal_rate"] <= 1.0
    evaluated = json.loads(cli("evaluate", tmp_path / "run", "--episodes", "2", "--json").stdout)
    assert evaluated["episodes"][0]["gap_percent"] >= 0.0 and len(evaluated["episodes"][0]["tour"]) == 10
    assert cli("plot", tmp_path / "run", "--out", tmp_path / "plots").exit_code == 0


def test_compare_quick_on_a_reduced_suite_end_to_end_and_resume(cli, tmp_path):
    args = ("compare", "coins", "--quick", "--seeds", "2", "--steps", "256", "--episodes", "20")
    args += ("--agents", "greedy,dp", "--agents", "q_learning", "--out", tmp_path, "--json")
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["computed"] == 4 and summary["reused"] == 0  # 2 baselines + q_learning × 2 seeds
    with (tmp_path / "results.csv").open() as file:
        rows = list(csv.DictReader(file))
    assert sorted(row["agent"] for row in rows) == ["dp", "greedy", "q_learning", "q_learning"]
    dp = next(row for row in rows if row["agent"] == "dp")
    assert float(dp["optimality_rate"]) == 1.0  # dynamic programming is exact
    report = (tmp_path / "report.md").read_text()
    assert "**Conclusion.** Best on optimal payments: **dp** (100.0 %" in report
    assert (tmp_path / "coins_learning.png").is_file() and (tmp_path / "coins_optimality_rate.png").is_file()
    again = json.loads(cli(*args).stdout)
    assert again["computed"] == 0 and again["reused"] == 4


def test_compare_tsp_reduced_suite(cli, tmp_path):
    args = ("compare", "tsp", "--seeds", "1", "--steps", "64", "--episodes", "3", "--quiet")
    result = cli(*args, "--agents", "nearest_neighbour,exact", "--out", tmp_path)
    assert result.exit_code == 0, result.stderr
    groups = json.loads((tmp_path / "results.json").read_text())["groups"]
    by_agent = {group["agent"]: group for group in groups}
    assert by_agent["exact"]["mean_gap_percent"] == pytest.approx(0.0, abs=1e-9)
    assert by_agent["nearest_neighbour"]["mean_gap_percent"] > 0.0
    assert "gap to reference" in (tmp_path / "report.md").read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("compare", "coins", "--agents", "oracle"), "unknown agent 'oracle'"),
        (("train", "coins", "--algo", "greedy"), "'greedy' is not one of"),  # a fixed agent does not learn
        (("train", "coins", "--algo", "sac"), "sac needs a Box action space"),
        (("train", "coins", "--algo", "ppo", "--reward", "progress"), "has a fixed reward"),
        (("train", "tsp", "--algo", "ppo", "--env-arg", "n_cities=1"), "n_cities must be at least 2"),
        (("train", "track", "--algo", "ppo", "--env-arg", "steering_rate=10"), "pass continuous=True"),
        (("train", "track", "--algo", "ppo", "--env-arg", "grip_steering=true"), "pass continuous=True"),
        (
            (
                "train",
                "track",
                "--algo",
                "ppo",
                "--env-arg",
                "continuous=true",
                "--env-arg",
                "steering_rate=-5",
            ),
            "steering_rate must be degrees per step",
        ),
    ],
)
def test_bad_input_on_gymlab_envs(cli, args, message):
    result = cli(*args)
    assert result.exit_code == 2 and message in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_corrupted_q_table_is_exit_code_2(cli, tmp_path):
    train(cli, "coins", "q_learning", tmp_path / "run", "--steps", "200", "--episodes", "2")
    (tmp_path / "run" / "model.json").write_text("{not json", encoding="utf-8")
    result = cli("evaluate", tmp_path / "run")
    assert result.exit_code == 2 and "not a Q-table file" in result.stderr


def test_track_ppo_train_evaluate_gives_deepracer_trials(cli, tmp_path):
    trained = train(cli, "track", "ppo", tmp_path / "run", "--steps", "128", "--episodes", "1", *TINY)
    config = trained["config"]
    assert config["env_kwargs"]["actions"] == "racing"  # the YAML's env_kwargs select the racing space
    assert config["reward"] == "progress"  # the YAML's env_kwargs reward, resolved like --reward
    assert 0.0 <= trained["metrics"]["mean_progress"] <= 100.0
    evaluated = cli("evaluate", tmp_path / "run", "--episodes", "2", "--json")
    assert evaluated.exit_code == 0, evaluated.stderr
    trials = json.loads(evaluated.stdout)["trials"]
    drive = json.loads(cli("track", "drive", "--agent", "greedy", "--episodes", "1", "--json").stdout)[
        "trials"
    ]
    assert len(trials) == 2 and set(trials[0]) == set(drive[0])  # the rows `gymlab track drive` prints
    assert cli("plot", tmp_path / "run", "--out", tmp_path / "plots").exit_code == 0
    with (tmp_path / "run" / "curve.csv").open(encoding="utf-8") as file:
        curve = list(csv.DictReader(file))
    assert all(0.0 <= float(row["lap_rate"]) <= 1.0 for row in curve)  # laps are recorded


def test_track_reward_from_a_file_is_part_of_the_run_identity(cli, tmp_path):
    reward = tmp_path / "my_reward.py"
    reward.write_text("def reward_function(params):\n    return float(params['speed'])\n", encoding="utf-8")
    args = ("--steps", "64", "--episodes", "1", "--reward", reward, *TINY)
    trained = train(cli, "track", "ppo", tmp_path / "run", *args)
    assert (
        trained["config"]["reward"] == "my_reward" and len(trained["config"]["reward_source"]["sha256"]) == 12
    )
    again = train(cli, "track", "ppo", tmp_path / "run", *args)
    assert again["reused"] is True  # same settings, same file: nothing recomputed
    reward.write_text("def reward_function(params):\n    return 1.0\n", encoding="utf-8")
    changed = cli("train", "track", "--algo", "ppo", "--out", tmp_path / "run", *args)
    assert changed.exit_code == 2 and "holds a different finished run" in changed.stderr


def test_track_sac_with_continuous_actions(cli, tmp_path):
    sets = ("--set", "learning_starts=16", "--set", "batch_size=16")
    trained = train(cli, "track", "sac", tmp_path / "run", "--steps", "48", "--episodes", "1", *sets)
    assert trained["config"]["env_kwargs"]["continuous"] is True


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("train", "track", "--algo", "ppo", "--reward", "fastest"), "unknown reward 'fastest'"),
        (("train", "track", "--algo", "ppo", "--reward", "nowhere.py"), "not found"),
        (
            ("train", "track", "--algo", "dqn", "--env-arg", "continuous=true"),
            "dqn needs a Discrete action space",
        ),
        (("train", "track", "--algo", "maskable_ppo"), "needs an env with action_masks"),
        (("compare", "track", "--rewards", "fastest"), "unknown reward 'fastest'"),
    ],
)
def test_bad_track_input(cli, args, message):
    result = cli(*args)
    assert result.exit_code == 2 and message in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_tsp_learner_sees_distances_from_the_current_city():
    import gymnasium as gym
    import numpy as np

    from gymlab.agents.features import CityDistances
    from gymlab.experiments.runner import RunSpec, config_env, resolve

    config = resolve(RunSpec("tsp", "maskable_ppo"))
    assert config["env_wrapper"] == "gymlab.agents.features.CityDistances"  # from maskable_ppo.yml
    env = config_env(config)
    observation, _ = env.reset(seed=0)
    assert isinstance(env, CityDistances) and observation.shape == (60,)
    tsp = env.unwrapped
    expected = tsp.instance.distances[tsp.current_city] / tsp.instance.distances.max()
    assert np.allclose(observation[50:], expected) and env.observation_space.contains(observation)
    assert gym.make("gymlab/TSP-v0").observation_space.shape == (50,)  # the env itself is unchanged


def test_unknown_env_wrapper_is_refused(cli):
    result = cli("train", "tsp", "--algo", "ppo", "--set", "env_wrapper=os.system")
    assert result.exit_code == 2 and "unknown env_wrapper 'os.system'" in result.stderr


def test_an_edited_reward_file_given_as_env_arg_trains_anew(cli, tmp_path):
    reward = tmp_path / "speedy.py"
    reward.write_text("def reward_function(params):\n    return float(params['speed'])\n", encoding="utf-8")
    args = ("--steps", "64", "--episodes", "1", "--env-arg", f"reward={reward}", *TINY)
    first = train(cli, "track", "ppo", tmp_path / "run", *args)
    assert first["config"]["reward"] == "speedy" and first["config"]["reward_source"]["file"] == str(reward)
    assert train(cli, "track", "ppo", tmp_path / "run", *args)["reused"] is True
    reward.write_text("def reward_function(params):\n    return 2.0\n", encoding="utf-8")
    changed = cli("train", "track", "--algo", "ppo", "--out", tmp_path / "run", *args)
    assert changed.exit_code == 2 and "different finished run" in changed.stderr  # not the stale run
    again = train(cli, "track", "ppo", tmp_path / "run2", *args)
    assert again["reused"] is False
    assert again["config"]["reward_source"]["sha256"] != first["config"]["reward_source"]["sha256"]


def test_reward_given_twice_differently_is_refused(cli, tmp_path):
    result = cli(
        "train", "track", "--algo", "ppo", "--reward", "progress", "--env-arg", "reward=follow_center_line"
    )
    assert result.exit_code == 2 and "two rewards given" in result.stderr


STATEFUL_REWARD = """calls = 0


def reward_function(params):
    global calls  # state between calls, as DeepRacer's community keeps it
    calls = 1 if params["steps"] == 1 else calls + 1
    if calls != params["steps"]:
        raise ValueError("another car's calls reached my global")
    return 1.0
"""


def test_each_env_gets_its_own_copy_of_a_reward_file(cli, tmp_path):
    """A global in a reward file belongs to one car, as in DeepRacer's one-car simulation: two
    vectorized envs in one process each count their own calls (shared, the second env's second
    step would see 3 calls)."""
    reward = tmp_path / "stateful.py"
    reward.write_text(STATEFUL_REWARD, encoding="utf-8")
    args = (
        "--steps",
        "64",
        "--episodes",
        "1",
        "--reward",
        reward,
        "--set",
        "n_envs=2",
        "--set",
        "n_steps=32",
    )
    train(cli, "track", "ppo", tmp_path / "run", *args, "--set", "batch_size=32")


def test_a_stateful_reward_shared_by_two_envs_is_caught_by_this_check(tmp_path):
    """The check above can fail: one function object given to two envs trips it on the second step."""
    from gymlab.envs.errors import GymlabError
    from gymlab.envs.rewards import load_reward_file

    reward = tmp_path / "stateful.py"
    reward.write_text(STATEFUL_REWARD, encoding="utf-8")
    shared, _ = load_reward_file(reward)
    cars = [gym.make("gymlab/TrackRacer-v2", reward=shared) for _ in range(2)]
    for car in cars:
        car.reset(seed=0)
    for car in cars:
        car.step(car.action_space.sample())
    cars[0].step(cars[0].action_space.sample())
    with pytest.raises(GymlabError, match="another car's calls"):
        cars[1].step(cars[1].action_space.sample())


def test_a_preset_ids_reward_is_recorded_and_overridable():
    """gymlab/TrackRacer-grip-v2 carries race_pace: a run records it (its name, report panels and
    store rows say race_pace, not the plain env's progress); --reward still wins."""
    from gymlab.experiments.spec import RunSpec, resolve, run_name

    preset = resolve(RunSpec(env="gymlab/TrackRacer-grip-v2", agent="ppo"))
    assert preset["reward"] == "race_pace" and preset["env_kwargs"]["reward"] == "race_pace"
    assert "-race_pace-" in run_name(preset)
    chosen = resolve(RunSpec(env="gymlab/TrackRacer-grip-v2", agent="ppo", reward="progress"))
    assert chosen["reward"] == "progress"
    assert resolve(RunSpec(env="gymlab/TSP-v0", agent="ppo"))["reward"] is None  # a fixed reward
