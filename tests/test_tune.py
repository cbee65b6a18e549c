"""gymlab tune: an Optuna search over a learner's settings, its files, and its bad input."""

from __future__ import annotations

import csv
import importlib.util
import json

import pytest
import yaml

from tests.test_cli_errors import assert_one_line_error

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("optuna") is None, reason="Optuna not installed: pip install -e '.[tune]'"
)


def test_tune_q_learning_writes_best_yaml_trials_and_history(cli, tmp_path):
    out = tmp_path / "tune"
    storage = f"sqlite:///{tmp_path / 'study.db'}"
    args = ("tune", "coins", "--algo", "q_learning", "--trials", "5", "--steps", "300", "--storage", storage)
    result = cli(*args, "--out", str(out), "--json")
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["measure"] == "optimality_rate" and summary["trials"] == 5
    rows = list(csv.DictReader((out / "trials.csv").open()))
    assert len(rows) == 5 and {"alpha", "gamma", "epsilon"} <= set(rows[0])
    best = yaml.safe_load((out / "best.yml").read_text())["gymlab/CoinChange-v0"]
    assert best["n_timesteps"] == 300 and best["alpha"] == summary["best_params"]["alpha"]
    finished = [float(r["value"]) for r in rows if r["state"] == "COMPLETE"]
    assert summary["best_value"] == max(finished)
    assert (out / "history.png").stat().st_size > 1000
    # the best run's settings reach the Q-learner: its folder's config holds them
    config = json.loads(
        (tmp_path / "tune" / "runs" / summary["best_run"].split("/")[-1] / "config.json").read_text()
    )
    assert config["config"]["eval_episodes"] == 100
    assert config["config"]["hyperparams"]["epsilon"] == best["epsilon"]
    # the same storage: a second machine (here, call) joins the study and adds its trials
    again = cli(*args[:5], "2", *args[6:], "--out", str(tmp_path / "tune2"), "--json")
    assert json.loads(again.stdout)["trials"] == 7


def test_unknown_search_parameter_is_one_line(cli, tmp_path):
    space = tmp_path / "space.yml"
    space.write_text("alpha: {low: 0.1, high: 1.0}\nlr: {low: 0.1, high: 1.0}\n")
    result = cli(
        "tune",
        "coins",
        "--algo",
        "q_learning",
        "--trials",
        "2",
        "--space",
        str(space),
        "--out",
        str(tmp_path / "t"),
    )
    assert_one_line_error(result, "unknown search parameter 'lr'", "alpha, gamma")


@pytest.mark.parametrize("algo", ["ppo", "a2c", "dqn", "maskable_ppo"])
def test_unknown_sb3_search_parameter_is_one_line(cli, tmp_path, algo):
    space = tmp_path / "space.yml"
    space.write_text("learning_rate: {low: 1.0e-4, high: 1.0e-3}\nclip: {choices: [0.1, 0.2]}\n")
    result = cli(
        "tune",
        "coins",
        "--algo",
        algo,
        "--trials",
        "2",
        "--space",
        str(space),
        "--out",
        str(tmp_path / "t"),
    )
    assert_one_line_error(result, "unknown search parameter 'clip'", "learning_rate")


def test_without_optuna_is_one_line(cli, monkeypatch, tmp_path):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "optuna" else real(name, *a)
    )
    result = cli("tune", "coins", "--algo", "q_learning", "--trials", "2", "--out", str(tmp_path / "t"))
    assert_one_line_error(result, "pip install -e '.[tune]'")


def test_a_negative_timeout_is_one_line_and_writes_nothing(cli, tmp_path):
    out = tmp_path / "t"
    result = cli(
        "tune", "coins", "--algo", "q_learning", "--trials", "2", "--timeout", "-5", "--out", str(out)
    )
    assert_one_line_error(result, "--timeout")
    assert not out.exists()


def test_q_learning_takes_its_settings_and_refuses_others():
    from gymlab.envs.errors import GymlabError
    from gymlab.experiments.spec import RunSpec, resolve

    assert resolve(RunSpec(env="coins", agent="q_learning", hyperparams={"alpha": 0.5}))["hyperparams"] == {
        "alpha": 0.5
    }
    with pytest.raises(GymlabError, match="unknown setting 'lr' of 'q_learning'"):
        resolve(RunSpec(env="coins", agent="q_learning", hyperparams={"lr": 0.5}))


def test_an_lr_schedule_needs_a_known_choice_and_the_learning_rate(cli, tmp_path):
    space = tmp_path / "space.yml"
    space.write_text("learning_rate: {low: 1.0e-4, high: 1.0e-3}\nlr_schedule: {choices: [cosine]}\n")
    result = cli("tune", "coins", "--algo", "ppo", "--trials", "1", "--space", space, "--out", tmp_path / "t")
    assert_one_line_error(result, "'lr_schedule'", "constant, linear")
    space.write_text("lr_schedule: {choices: [linear]}\n")
    result = cli("tune", "coins", "--algo", "ppo", "--trials", "1", "--space", space, "--out", tmp_path / "u")
    assert_one_line_error(result, "lr_schedule", "search learning_rate too")


def test_lr_schedule_linear_becomes_rl_zoos_lin_learning_rate():
    import optuna

    from gymlab.experiments.tune import suggest

    space = {
        "learning_rate": {"low": 1e-4, "high": 1e-3, "log": True},
        "lr_schedule": {"choices": ["constant", "linear"]},
    }
    linear = suggest(optuna.trial.FixedTrial({"learning_rate": 5e-4, "lr_schedule": "linear"}), space)
    constant = suggest(optuna.trial.FixedTrial({"learning_rate": 5e-4, "lr_schedule": "constant"}), space)
    assert linear == {"learning_rate": "lin_0.0005"} and constant == {"learning_rate": 5e-4}


def test_a_net_arch_outside_rl_zoos_sizes_is_one_line(cli, tmp_path):
    space = tmp_path / "space.yml"
    space.write_text("net_arch: {choices: [small, huge]}\n")
    result = cli("tune", "coins", "--algo", "ppo", "--trials", "1", "--space", space, "--out", tmp_path / "t")
    assert_one_line_error(result, "'net_arch'", "tiny, small, medium, big")


@pytest.mark.parametrize(
    "algo, env",
    [("ppo", "track"), ("a2c", "coins"), ("dqn", "coins"), ("sac", "track"), ("maskable_ppo", "tsp")],
)
def test_each_shipped_search_space_loads_and_samples_valid_settings(algo, env):
    """Every shipped space: rl-zoo3 names the algorithm takes, and 10 random samples that the
    hyperparameter checks and SB3's constructor arguments accept."""
    import optuna

    from gymlab.agents.rl import algorithm, model_kwargs
    from gymlab.experiments.spec import RunSpec, resolve
    from gymlab.experiments.tune import load_space, search_params, suggest

    space = load_space(algo, env)
    assert len(space) >= 5 and set(space) <= set(search_params(algo, env))
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    seen = set()
    for _ in range(10):
        settings = suggest(study.ask(), space)
        config = resolve(RunSpec(env=env, agent=algo, hyperparams=settings))
        kwargs = model_kwargs(algorithm(algo), config["hyperparams"])
        rate = settings["learning_rate"]
        if isinstance(rate, str):  # lr_schedule linear: lin_<x>, a decay from x (progress 1) to 0
            assert rate.startswith("lin_") and kwargs["learning_rate"](1.0) == pytest.approx(float(rate[4:]))
            assert kwargs["learning_rate"](0.0) == 0.0
        else:
            assert kwargs["learning_rate"] == rate
        seen.add(rate)
    assert len(seen) == 10  # it samples, not a fixed point


def test_the_track_objective_is_the_lap_time_with_every_lap_finished():
    from gymlab.experiments.profiles import profile_for
    from gymlab.experiments.tune import UNFINISHED_S, objective

    track = profile_for("gymlab/TrackRacer-v2")
    assert objective(track, {"mean_lap_time": 6.4, "completion_rate": 1.0, "mean_progress": 100.0}) == 6.4
    # a fast lap among unfinished ones does not count as a lap time: it ranks after every finished set
    partly = objective(track, {"mean_lap_time": 5.0, "completion_rate": 0.5, "mean_progress": 60.0})
    assert partly == UNFINISHED_S + 40.0
    nothing = objective(track, {"mean_lap_time": float("nan"), "completion_rate": 0.0, "mean_progress": 20.0})
    assert nothing > partly > 100.0
    coins = profile_for("gymlab/CoinChange-v0")
    assert objective(coins, {"optimality_rate": 0.76}) == 0.76


GOOD = {"alpha": 0.5, "gamma": 0.95, "epsilon": 0.1}
BAD = {"alpha": 0.05, "gamma": 0.8, "epsilon": 0.5}  # a tiny step size and much exploring: learns slowly
STEPS = 3000  # 10 evaluations, every 300 steps; the pruner may act from 750 (a quarter) on


def _pruned_run(tmp_path, executor, first):
    """Trials ``first`` (finished before the bad one is asked for), then BAD."""
    from gymlab.experiments.tune import tune

    out = tmp_path / "tune"
    summary = tune(
        "coins", "q_learning", len(first) + 1, executor, out=out, steps=STEPS, enqueue=[*first, BAD]
    )
    rows = list(csv.DictReader((out / "trials.csv").open()))
    bad = rows[-1]
    assert {k: float(bad[k]) for k in BAD} == BAD
    assert bad["state"] == "PRUNED" and bad["run"] == ""
    assert 750 <= int(bad["steps"]) < STEPS  # stopped during training, before its budget
    assert rows[0]["state"] == "COMPLETE" and int(rows[0]["steps"]) == STEPS
    # no folder of the pruned run: only finished trials left runs (and no .partial folder)
    folders = sorted(path.name for path in (out / "runs").iterdir())
    assert len(folders) == sum(row["state"] == "COMPLETE" for row in rows)
    assert summary["pruned"] >= 1 and summary["best_params"] != BAD
    return rows


def test_the_pruner_stops_a_clearly_worse_trial_during_training(tmp_path):
    import optuna

    rows = _pruned_run(tmp_path, None, [GOOD, {**GOOD, "alpha": 0.4}])
    assert [row["state"] for row in rows] == ["COMPLETE", "COMPLETE", "PRUNED"]
    assert rows[2]["steps"] == "900"  # the first evaluation past the warm-up, deterministically
    storage = optuna.storages.JournalStorage(
        optuna.storages.journal.JournalFileBackend(str(tmp_path / "tune" / "study.journal"))
    )
    trials = optuna.load_study(study_name="gymlab-coins-q_learning", storage=storage).trials
    assert sorted(trials[2].intermediate_values) == [300, 600, 900]  # reported from inside training
    assert len(trials[0].intermediate_values) == 9


def test_the_pruner_stops_a_trial_in_a_worker_process(tmp_path):
    """A process pool: the worker reports through the study's journal file and stops itself."""
    from gymlab.experiments.executors import ProcessPoolExecutor

    first = [GOOD, {**GOOD, "alpha": 0.4}, {**GOOD, "alpha": 0.6}]  # BAD starts after two finished
    rows = _pruned_run(tmp_path, ProcessPoolExecutor(2), first)
    assert rows[-1]["steps"] == "900"


@pytest.mark.slow
@pytest.mark.skipif(
    importlib.util.find_spec("ray") is None, reason="Ray not installed: pip install -e '.[ray]'"
)
def test_the_pruner_stops_a_trial_in_a_ray_task(tmp_path):
    import ray

    from gymlab.experiments.executors import RayExecutor

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        rows = _pruned_run(tmp_path, RayExecutor(), [GOOD, {**GOOD, "alpha": 0.4}, {**GOOD, "alpha": 0.6}])
    finally:
        ray.shutdown()
    assert rows[-1]["steps"] == "900"


def test_a_tune_run_again_reuses_finished_trials_and_reports_their_curves(tmp_path):
    """The same settings in a new study: the finished run is reused, its stored curve reported."""
    import optuna

    from gymlab.experiments.tune import tune

    out = tmp_path / "tune"
    tune("coins", "q_learning", 1, out=out, steps=STEPS, enqueue=[GOOD])
    (out / "study.journal").unlink()  # a fresh study over the same run folders
    summary = tune("coins", "q_learning", 1, out=out, steps=STEPS, enqueue=[GOOD])
    assert summary["complete"] == 1
    storage = optuna.storages.JournalStorage(
        optuna.storages.journal.JournalFileBackend(str(out / "study.journal"))
    )
    trial = optuna.load_study(study_name="gymlab-coins-q_learning", storage=storage).trials[0]
    assert sorted(trial.intermediate_values)[:2] == [300, 600] and len(trial.intermediate_values) == 9


def test_reports_land_on_the_nominal_evaluation_grid():
    """PPO trials with other rollout sizes evaluate a few steps apart; the pruner compares them
    at the same nominal step."""
    from gymlab.experiments.tune import grid_step

    assert grid_step(40_040, 40_000) == grid_step(40_144, 40_000) == 40_000
    assert grid_step(361_472, 40_000) == 360_000 and grid_step(300, 300) == 300


def test_a_failed_run_leaves_its_trial_failed_not_running(monkeypatch, tmp_path):
    import optuna

    from gymlab.envs.errors import GymlabError
    from gymlab.experiments import executors
    from gymlab.experiments.tune import tune

    real = executors._run_in_worker
    calls = []

    def second_fails(*job):
        calls.append(job)
        if len(calls) == 2:
            raise GymlabError("the run failed")
        return real(*job)

    monkeypatch.setattr(executors, "_run_in_worker", second_fails)
    with pytest.raises(GymlabError, match="the run failed"):
        tune("coins", "q_learning", 3, out=tmp_path / "t", steps=300, enqueue=[GOOD, BAD, GOOD])
    storage = optuna.storages.JournalStorage(
        optuna.storages.journal.JournalFileBackend(str(tmp_path / "t" / "study.journal"))
    )
    trials = optuna.load_study(study_name="gymlab-coins-q_learning", storage=storage).trials
    assert [t.state.name for t in trials] == ["COMPLETE", "FAIL"]


def test_timeout_asks_for_no_new_trial_after_it(tmp_path):
    from gymlab.experiments.tune import tune

    out = tmp_path / "tune"
    assert tune("coins", "q_learning", 1, out=out, steps=300)["trials"] == 1
    again = tune("coins", "q_learning", 5, out=out, steps=300, timeout=0)  # the same study, nothing new
    assert again["trials"] == 1 and len(list(csv.DictReader((out / "trials.csv").open()))) == 1
