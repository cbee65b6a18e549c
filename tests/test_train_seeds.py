"""gymlab train --seeds: one run per seed on the chosen executor, the spread, and bad input."""

from __future__ import annotations

import importlib.util
import json

import pytest

from tests.test_cli_errors import assert_one_line_error

RUN = ("train", "coins", "--algo", "q_learning", "--steps", "500")


def test_seeds_on_a_process_pool_give_the_numbers_of_single_runs(cli, tmp_path):
    result = cli(*RUN, "--seeds", "0,1,2", "--workers", "2", "--out", tmp_path / "seeds", "--json")
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert [run["seed"] for run in summary["runs"]] == [0, 1, 2]
    assert all(
        (tmp_path / "seeds" / run["run_dir"].split("/")[-1] / "result.json").is_file()
        for run in summary["runs"]
    )
    rates = [run["metrics"]["optimality_rate"] for run in summary["runs"]]
    spread = summary["spread"]["optimality_rate"]
    assert spread["n"] == 3 and spread["mean"] == pytest.approx(sum(rates) / 3)
    if len(set(rates)) > 1:
        assert spread["low"] < spread["mean"] < spread["high"]
    # seed 1 alone, in this process: the same numbers as the pool's seed-1 run
    one = json.loads(cli(*RUN, "--seed", "1", "--out", tmp_path / "one", "--json").stdout)

    def numbers(metrics):
        return {key: value for key, value in metrics.items() if not key.endswith("seconds")}

    assert numbers(one["metrics"]) == numbers(summary["runs"][1]["metrics"])
    # again: every run is reused
    again = json.loads(cli(*RUN, "--seeds", "0,1,2", "--out", tmp_path / "seeds", "--json").stdout)
    assert all(run["reused"] for run in again["runs"])


def test_seeds_print_a_table_and_the_spread(cli, tmp_path):
    result = cli(*RUN, "--seeds", "3,4", "--out", tmp_path / "s", "--quiet")
    assert result.exit_code == 0, result.stderr
    assert "optimal payments (%): " in result.stdout and "n=2" in result.stdout
    assert "2 runs →" in result.stdout


@pytest.mark.parametrize(
    "extra, fragment",
    [
        (("--seeds", "0,0"), "different seeds"),
        (("--seeds", "0,x"), "--seeds must be whole numbers"),
        (("--seeds", "0,1", "--seed", "3"), "keep one"),
        (("--seeds", "0,1", "--tensorboard"), "--tensorboard logs one run"),
        (("--workers", "2"), "add --seeds"),
        (("--seeds", "0,1", "--executor", "dask"), "unknown executor 'dask'"),
    ],
)
def test_bad_seeds_and_executors_are_one_line(cli, tmp_path, extra, fragment):
    assert_one_line_error(cli(*RUN, *extra, "--out", tmp_path / "o"), fragment)
    assert not (tmp_path / "o").exists()


def test_seeds_on_ray_without_ray_installed_is_one_line(cli, monkeypatch, tmp_path):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "ray" else real(name, *a)
    )
    result = cli(*RUN, "--seeds", "0,1", "--executor", "ray", "--out", tmp_path / "o")
    assert_one_line_error(result, "pip install -e '.[ray]'")


@pytest.mark.skipif(
    importlib.util.find_spec("ray") is None, reason="Ray not installed: pip install -e '.[ray]'"
)
def test_seeds_on_an_unreachable_ray_is_one_line(cli, tmp_path):
    result = cli(
        *RUN, "--seeds", "0,1", "--executor", "ray", "--address", "127.0.0.1:1", "--out", tmp_path / "o"
    )
    assert_one_line_error(result, "cannot reach a Ray cluster at 127.0.0.1:1")


@pytest.mark.slow
@pytest.mark.skipif(
    importlib.util.find_spec("ray") is None, reason="Ray not installed: pip install -e '.[ray]'"
)
def test_seeds_on_a_local_ray_give_the_pools_numbers(cli, tmp_path):
    pool = json.loads(cli(*RUN, "--seeds", "0,1", "--workers", "2", "--out", tmp_path / "p", "--json").stdout)
    ray = json.loads(
        cli(
            *RUN, "--seeds", "0,1", "--executor", "ray", "--workers", "2", "--out", tmp_path / "r", "--json"
        ).stdout
    )
    import ray as ray_module

    ray_module.shutdown()

    def numbers(run):
        return {key: value for key, value in run["metrics"].items() if not key.endswith("seconds")}

    assert [numbers(r) for r in ray["runs"]] == [numbers(r) for r in pool["runs"]]
