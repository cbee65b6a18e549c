"""The runner's machinery on a generic env (CartPole): run directories, hashing, resume, executors."""

from __future__ import annotations

import json

import pytest

from gymlab.experiments import executors
from gymlab.experiments.compare import Part, compare
from gymlab.experiments.runner import RunSpec, config_hash, execute_run, resolve, run_all, run_name

TINY = {"n_envs": 1, "n_steps": 64, "batch_size": 32}


SHORT = {"max_episode_steps": 50}  # gymnasium.make's own cap keeps evaluations short


def cartpole(seed: int = 0, steps: int = 128) -> RunSpec:
    return RunSpec(
        "CartPole-v1",
        "ppo",
        seed=seed,
        steps=steps,
        env_kwargs=SHORT,
        hyperparams=dict(TINY),
        eval_episodes=2,
    )


def test_resolved_settings_fill_in_the_yaml_and_name_the_run():
    config = resolve(cartpole())
    assert config["env"] == "CartPole-v1" and config["kind"] == "sb3" and config["steps"] == 128
    assert config["hyperparams"]["policy"] == "MlpPolicy"  # from experiments/config/ppo.yml
    assert config["hyperparams"]["n_steps"] == 64  # the override wins
    assert run_name(config).startswith("cartpole-ppo-default-s0-")
    assert config_hash(config) == config_hash(resolve(cartpole()))
    assert config_hash(config) != config_hash(resolve(cartpole(seed=1)))
    assert config_hash(config) != config_hash(resolve(cartpole(steps=256)))


def test_a_run_directory_holds_everything_and_result_json_marks_it_complete(tmp_path):
    result = execute_run(cartpole(), tmp_path / "run")
    files = {path.name for path in (tmp_path / "run").iterdir()}
    assert {"config.json", "model.zip", "monitor", "evaluations.npz", "curve.csv"} <= files
    assert {"learning_curve.png", "evaluation.json", "result.json"} <= files
    assert list((tmp_path / "run" / "monitor").glob("*.monitor.csv"))
    saved = json.loads((tmp_path / "run" / "config.json").read_text())
    assert saved["seed"] == 0 and saved["versions"]["stable-baselines3"]
    assert result.metrics["episodes"] == 2 and not result.cached
    assert not list(tmp_path.glob(".partial-*"))  # the scratch folder was renamed into place


def test_a_finished_run_is_never_recomputed(tmp_path):
    first = execute_run(cartpole(), tmp_path / "run")
    stamp = (tmp_path / "run" / "result.json").stat().st_mtime_ns
    again = execute_run(cartpole(), tmp_path / "run")
    assert again.cached and again.metrics == first.metrics
    assert (tmp_path / "run" / "result.json").stat().st_mtime_ns == stamp


def test_run_all_skips_finished_runs_and_clears_interrupted_ones(tmp_path, monkeypatch):
    specs = [cartpole(seed=0), cartpole(seed=1)]
    killed = tmp_path / ".partial-something-abc"  # left by a killed run: nobody holds its owner lock
    killed.mkdir(parents=True)
    (killed / ".owner").write_text("", encoding="utf-8")
    run_all(specs[:1], tmp_path)
    calls = []
    real = executors.execute_run
    monkeypatch.setattr(
        executors, "execute_run", lambda spec, run_dir: calls.append(spec.seed) or real(spec, run_dir)
    )
    results = run_all(specs, tmp_path)
    assert calls == [1]  # seed 0 was finished: loaded, not run
    assert [r.config["seed"] for r in results] == [0, 1] and results[0].cached
    assert not list(tmp_path.glob(".partial-*"))


def test_compare_on_a_custom_suite_writes_results_and_resumes(tmp_path):
    suite = [Part("CartPole-v1", ("ppo",), steps={"ppo": 128}, env_kwargs=SHORT, eval_episodes=2)]
    first = compare(suite, seeds=2, out=tmp_path)
    assert first["computed"] == 2 and first["reused"] == 0
    for name in (
        "results.csv",
        "results.json",
        "report.md",
        "cartpole_learning.png",
        "cartpole_mean_return.png",
    ):
        assert (tmp_path / name).is_file(), name
    stamps = {p: p.stat().st_mtime_ns for p in (tmp_path / "runs").glob("*/result.json")}
    second = compare(suite, seeds=2, out=tmp_path)
    assert second["computed"] == 0 and second["reused"] == 2
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "runs").glob("*/result.json")} == stamps
    group = second["groups"][0]
    assert group["seeds"] == 2 and "mean_return_std" in group


@pytest.mark.slow
def test_process_pool_executor_runs_specs_in_spawned_workers(tmp_path):
    results = run_all([cartpole(seed=0), cartpole(seed=1)], tmp_path, workers=2)
    assert [r.config["seed"] for r in results] == [0, 1]
    assert all((r.run_dir / "result.json").is_file() for r in results)


def test_cli_train_evaluate_plot_on_cartpole(cli, tmp_path):
    result = cli(
        "train",
        "CartPole-v1",
        "--algo",
        "a2c",
        "--steps",
        "64",
        "--episodes",
        "2",
        "--out",
        tmp_path / "a2c",
        "--json",
        "--env-arg",
        "max_episode_steps=50",
        "--set",
        "n_envs=1",
        "--set",
        "n_steps=8",
    )
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["config"]["agent"] == "a2c" and payload["metrics"]["episodes"] == 2
    evaluated = cli("evaluate", tmp_path / "a2c", "--episodes", "1", "--json")
    assert evaluated.exit_code == 0 and json.loads(evaluated.stdout)["summary"]["episodes"] == 1
    plotted = cli("plot", tmp_path / "a2c", "--out", tmp_path / "plots", "--json")
    assert plotted.exit_code == 0
    assert [p.endswith("CartPole-v1_learning.png") for p in json.loads(plotted.stdout)["plots"]] == [True]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("train", "cartpole2", "--algo", "ppo"), "unknown environment 'cartpole2'"),
        (("train", "CartPole-v1", "--algo", "ppo2"), "'ppo2' is not one of 'ppo', 'a2c'"),
        (("train", "Pendulum-v1", "--algo", "dqn", "--steps", "10"), "dqn needs a Discrete action space"),
        (
            ("train", "CartPole-v1", "--algo", "ppo", "--set", "lerning_rate=1"),
            "no hyperparameter 'lerning_rate'",
        ),
        (("train", "CartPole-v1", "--algo", "ppo", "--reward", "progress"), "has a fixed reward"),
        (("train", "CartPole-v1", "--algo", "ppo", "--env-arg", "colour=red"), "has no argument 'colour'"),
        (("evaluate", "tests"), "is not a finished gymlab run"),
        (("plot", "tests"), "is not a finished gymlab run"),
        (("compare", "everything"), "unknown suite 'everything'"),
        (("compare", "coins", "--workers", "0"), "--workers must be at least 1"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(cli, args, message):
    result = cli(*args)
    assert result.exit_code == 2
    assert message in result.stderr and result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_corrupted_model_in_a_run_directory_is_exit_code_2(cli, tmp_path):
    execute_run(cartpole(steps=64), tmp_path / "run")
    (tmp_path / "run" / "model.zip").write_bytes(b"\x00garbage")
    result = cli("evaluate", tmp_path / "run")
    assert result.exit_code == 2 and "is corrupted" in result.stderr and "Traceback" not in result.stderr


def test_an_interrupted_compare_leaves_finished_runs_and_readable_results(tmp_path, monkeypatch):
    suite = [Part("CartPole-v1", ("ppo",), steps={"ppo": 64}, env_kwargs=SHORT, eval_episodes=1)]
    real = executors.execute_run

    def interrupted(spec, run_dir):
        if spec.seed == 1:
            raise KeyboardInterrupt  # Ctrl-C during the second run
        return real(spec, run_dir)

    monkeypatch.setattr(executors, "execute_run", interrupted)
    with pytest.raises(KeyboardInterrupt):
        compare(suite, seeds=2, out=tmp_path)
    partial = json.loads((tmp_path / "results.json").read_text())
    assert partial["complete"] is False and [row["seed"] for row in partial["runs"]] == [0]
    assert len(list((tmp_path / "runs").glob("*/result.json"))) == 1
    monkeypatch.setattr(executors, "execute_run", real)
    resumed = compare(suite, seeds=2, out=tmp_path)
    assert resumed["computed"] == 1 and resumed["reused"] == 1 and resumed["complete"] is True


def test_tensorboard_without_the_package_is_a_clear_error(cli, tmp_path, monkeypatch):
    import importlib.util

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "tensorboard" else real_find_spec(name, *a),
    )
    result = cli(
        "train", "coins", "--algo", "ppo", "--steps", "64", "--tensorboard", "--out", tmp_path / "run"
    )
    assert result.exit_code == 2
    assert "--tensorboard needs the tensorboard package" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "run").exists()


def test_a_run_records_the_steps_it_really_trained(cli, tmp_path):
    """PPO runs whole rollouts: a budget of 100 with rollouts of 64 trains 128 steps, and the
    run, its table row and `train` say 128, not 100."""
    from gymlab.experiments.store import load_result

    result = execute_run(cartpole(steps=100), tmp_path / "run")
    assert result.steps_run == 128 and result.row()["steps"] == 128
    assert load_result(tmp_path / "run").steps_run == 128 and result.config["steps"] == 100
    written = json.loads((tmp_path / "run" / "result.json").read_text())
    del written["steps_run"]  # as a run written before steps_run was recorded
    (tmp_path / "run" / "result.json").write_text(json.dumps(written))
    assert load_result(tmp_path / "run").steps_run == 128  # SB3's rounding, so rows of old and new runs agree
    trained = cli("train", "CartPole-v1", "--algo", "ppo", "--steps", "100", "--set", "n_envs=1",
                  "--set", "n_steps=64", "--set", "batch_size=32", "--out", tmp_path / "cli", "-q")  # fmt: skip
    assert trained.exit_code == 0, trained.stderr
    assert (
        "trained 128 steps (a budget of 100 rounded up: every env steps at once, PPO in whole rollouts)"
        in trained.stdout
    )


def test_a_loaded_model_acts_on_one_torch_thread(tmp_path):
    """As in training: on these small networks a second thread made decisions 10–40× slower."""
    import torch

    from gymlab.experiments.training import load_agent

    execute_run(cartpole(), tmp_path / "run")
    threads = torch.get_num_threads()
    try:
        torch.set_num_threads(2)
        load_agent(tmp_path / "run")
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(threads)
