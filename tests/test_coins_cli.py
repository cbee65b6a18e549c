"""`gymlab coins solve | check | learn`: text, --json shape, outputs, and every bad input."""

from __future__ import annotations

import json

import pytest


def _json(result):
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # exactly one JSON document, nothing else


def test_solve_text_shows_greedy_beside_optimal(cli):
    result = cli("coins", "solve", "--coins", "1,3,4", "--amount", "6")
    assert result.exit_code == 0
    assert "greedy : 3 coins: 4 + 1 + 1" in result.stdout
    assert "optimal: 2 coins: 3 + 3" in result.stdout
    assert "1 more coin" in result.stdout


def test_solve_json_shape(cli):
    data = _json(cli("coins", "solve", "--coins", "1,3,4", "--amount", "6", "--json"))
    assert set(data) == {"amount", "coins", "greedy", "optimal"}
    assert data["amount"] == 6 and data["coins"] == [1, 3, 4]
    assert data["greedy"]["count"] == 3 and data["greedy"]["counts"] == {"4": 1, "3": 0, "1": 2}
    assert data["optimal"]["count"] == 2 and data["optimal"]["counts"] == {"4": 0, "3": 2, "1": 0}


def test_solve_json_count_is_null_when_a_method_cannot_pay(cli):
    data = _json(cli("coins", "solve", "--coins", "2,3", "--amount", "4", "--json"))
    assert data["greedy"]["count"] is None and data["greedy"]["remainder"] == 1
    assert data["optimal"]["count"] == 2
    data = _json(cli("coins", "solve", "--coins", "4,6", "--amount", "7", "--json"))
    assert data["greedy"]["count"] is None and data["optimal"]["count"] is None


def test_solve_text_when_greedy_gets_stuck(cli):
    result = cli("coins", "solve", "--coins", "2,3", "--amount", "4")
    assert "cannot pay: 3 handed out, then 1 remains" in result.stdout
    assert "greedy gets stuck" in result.stdout


def test_check_text_and_json(cli):
    result = cli("coins", "check", "--coins", "1,7,10")
    assert result.exit_code == 0
    assert "not canonical" in result.stdout and "is 14" in result.stdout
    data = _json(cli("coins", "check", "--coins", "1,7,10", "--json"))
    assert {"coins", "canonical", "counterexample"} <= set(data)
    assert data["canonical"] is False and data["coins"] == [1, 7, 10]
    assert data["counterexample"]["amount"] == 14
    assert data["counterexample"]["greedy"]["count"] == 5
    assert data["counterexample"]["optimal"]["count"] == 2


def test_check_canonical_json(cli):
    data = _json(cli("coins", "check", "--coins", "500,100,50,10", "--json"))
    assert data["canonical"] is True and data["counterexample"] is None
    assert data["coins"] == [10, 50, 100, 500]
    assert "are canonical" in cli("coins", "check", "--coins", "1,5,10,25").stdout


def test_learn_json_writes_plot_results_and_table(cli, tmp_path):
    out = tmp_path / "run"
    data = _json(
        cli("coins", "learn", "--coins", "1,3,4", "--max-amount", "30", "--seed", "0", "--out", out, "--json")
    )
    assert data["optimal_rate"] == 1.0
    assert 0 <= data["greedy_optimal_rate"] < 1
    assert data["amounts"] == 30 and data["seed"] == 0
    assert data["plot"] == str(out / "coins_per_amount.png")
    assert (out / "coins_per_amount.png").read_bytes()[:4] == b"\x89PNG"
    results = json.loads((out / "results.json").read_text())
    assert results["provenance"]["seed"] == 0
    assert results["provenance"]["config"]["coins"] == [1, 3, 4]
    assert results["per_amount"]["learned"] == results["per_amount"]["optimal"]
    assert (out / "q_table.json").is_file()
    assert sorted(p.name for p in out.iterdir()) == ["coins_per_amount.png", "q_table.json", "results.json"]


def test_learn_text_reports_the_rate(cli, tmp_path):
    result = cli("coins", "learn", "--coins", "10,50,60,100,500", "--max-amount", "300", "--out", tmp_path)
    assert result.exit_code == 0
    assert "100.0% DP-optimal (30/30)" in result.stdout
    assert f"plot: {tmp_path / 'coins_per_amount.png'}" in result.stdout


def test_learn_reports_honestly_when_the_budget_is_too_small(cli, tmp_path):
    data = _json(cli("coins", "learn", "--max-amount", "100", "--steps", "50", "--out", tmp_path, "--json"))
    assert data["steps"] == 50 and data["optimal_rate"] < 1.0


BAD_COINS = [
    ("", "comma-separated list"),
    ("1,,3", "comma-separated list"),
    ("0,1", "coin 0 is not positive"),
    ("-1,3", "coin -1 is not positive"),
    ("1,2.5", "whole numbers"),
    ("1,x", "whole numbers"),
    ("1,3,3", "coin 3 appears more than once"),
]


def _assert_one_line_error(result, message):
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert message in lines[0]
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("coins", "message"), BAD_COINS)
@pytest.mark.parametrize("command", ["solve", "check", "learn"])
def test_bad_coins_exit_2_with_one_line(cli, tmp_path, command, coins, message):
    extra = {"solve": ["--amount", "6"], "check": [], "learn": ["--out", tmp_path / "x"]}[command]
    result = cli("coins", command, f"--coins={coins}", *extra)
    _assert_one_line_error(result, message)
    assert not (tmp_path / "x").exists()  # nothing written


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--amount", "-4", "--amount -4 is negative"),
        ("--amount", "2.5", "--amount must be a whole number"),
        ("--amount", "six", "--amount must be a whole number"),
    ],
)
def test_bad_amounts_exit_2_with_one_line(cli, option, value, message):
    _assert_one_line_error(cli("coins", "solve", "--coins", "1,3,4", f"{option}={value}"), message)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--max-amount=-10"], "--max-amount -10 is negative"),
        (["--max-amount=2.5"], "--max-amount must be a whole number"),
        (["--max-amount=0"], "--max-amount must be at least 1"),
        (["--min-amount=50", "--max-amount=10"], "below min_amount"),
        (["--coins=4,6", "--min-amount=1", "--max-amount=3"], "no amount in 1–3"),
        (["--seed=abc"], "Invalid value for '--seed'"),
        (["--steps=0"], "--steps must be at least 1"),
    ],
)
def test_bad_learn_options_exit_2_with_one_line(cli, tmp_path, args, message):
    result = cli("coins", "learn", *args, "--out", tmp_path / "x")
    _assert_one_line_error(result, message)
    assert not (tmp_path / "x").exists()


def test_coin_env_summary_line_for_gymlab_envs():
    import gymnasium as gym

    from gymlab import envs  # noqa: F401

    env = gym.make("gymlab/CoinChange-v0")
    summary = type(env.unwrapped).__doc__.strip().splitlines()[0]  # what `gymlab envs` shows
    assert summary == "Pay an amount with as few coins as possible, handing out one coin per step."
