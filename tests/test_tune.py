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


def test_unknown_ppo_search_parameter_is_one_line(cli, tmp_path):
    space = tmp_path / "space.yml"
    space.write_text("learning_rate: {low: 1.0e-4, high: 1.0e-3}\nclip: {choices: [0.1, 0.2]}\n")
    result = cli(
        "tune",
        "coins",
        "--algo",
        "maskable_ppo",
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


def test_q_learning_takes_its_settings_and_refuses_others():
    from gymlab.envs.errors import GymlabError
    from gymlab.experiments.spec import RunSpec, resolve

    assert resolve(RunSpec(env="coins", agent="q_learning", hyperparams={"alpha": 0.5}))["hyperparams"] == {
        "alpha": 0.5
    }
    with pytest.raises(GymlabError, match="unknown setting 'lr' of 'q_learning'"):
        resolve(RunSpec(env="coins", agent="q_learning", hyperparams={"lr": 0.5}))
