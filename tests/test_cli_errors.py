"""Bad input found by QA, each through the CLI: one `error:` line on stderr, exit code 2, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest


def assert_one_line_error(result, *fragments: str) -> None:
    """The project's error convention, and the words the message must contain."""
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    assert result.stderr.startswith("error: "), result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


# --- usage errors (click's own): one line too, not a boxed usage screen ---------------------------


@pytest.mark.parametrize(
    "args, fragment",
    [
        (("no-such-command",), "no-such-command"),
        (("--no-such-option",), "--no-such-option"),
        (("coins", "solve", "--amount", "3"), "--coins"),
        (("train", "coins", "--algo", "q_learning", "--steps", "abc"), "--steps"),
        (("coins", "solve", "--coins", "1", "--amount", "3", "--bogus"), "--bogus"),
    ],
)
def test_usage_errors_are_one_line(cli, args, fragment):
    assert_one_line_error(cli(*args), fragment, "--help")


def test_a_group_without_a_command_still_shows_its_help(cli):
    result = cli("coins")
    assert "solve" in result.stdout + result.stderr


# --- --out pointing at a file ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("coins", "learn", "--max-amount", "10", "--steps", "500"),
        ("tsp", "compare", "--random", "6"),
        ("track", "show", "oval"),
        ("demo", "gd"),
        ("demo", "kmeans", "--players", "40", "--k-max", "3"),
        ("train", "coins", "--algo", "q_learning", "--steps", "500"),
        ("compare", "coins", "--agents", "greedy", "--quick"),
    ],
)
def test_out_that_is_a_file_is_refused_and_left_alone(cli, tmp_path, args):
    existing = tmp_path / "existing.txt"
    existing.write_text("keep me")
    for out in (existing, existing / "sub"):
        result = cli(*args, "--out", out)
        assert_one_line_error(result, "--out", str(existing))
    assert existing.read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["existing.txt"]


def test_plot_out_that_is_a_file_is_refused(cli, tmp_path):
    run = tmp_path / "run"
    assert cli("train", "coins", "--algo", "q_learning", "--steps", "500", "--out", run, "-q").exit_code == 0
    existing = tmp_path / "existing.txt"
    existing.write_text("keep me")
    assert_one_line_error(cli("plot", run, "--out", existing), "--out")
    assert existing.read_text() == "keep me"


def test_any_os_error_is_one_line(cli, tmp_path):
    """An OSError the commands did not foresee (here NotADirectoryError) still follows the convention."""
    existing = tmp_path / "existing.txt"
    existing.write_text("keep me")
    result = cli("track", "drive", "--track", "oval", "--episodes", "1", "--gif", existing / "lap.gif")
    assert_one_line_error(result, str(existing))
    assert existing.read_text() == "keep me"


# --- negative seeds, zero counts, huge sizes -------------------------------------------------------


@pytest.mark.parametrize(
    "args, fragment",
    [
        (("train", "coins", "--algo", "q_learning", "--steps", "500", "--seed", "-1"), "--seed"),
        (("train", "coins", "--algo", "q_learning", "--steps", "500", "--episodes", "0"), "--episodes"),
        (("train", "coins", "--algo", "q_learning", "--steps", "500", "--episodes", "-3"), "--episodes"),
        (("track", "drive", "--track", "oval", "--episodes", "1", "--seed", "-1"), "--seed"),
        (("track", "show", "random:-1"), "random:-1"),
        (("demo", "regression", "--seed", "-1"), "--seed"),
        (("demo", "kmeans", "--players", "40", "--seed", "-1"), "--seed"),
        (("demo", "regression", "--n", str(10**12)), "--n"),
        (("demo", "kmeans", "--players", str(10**11)), "--players"),
        (("lessons", "run", "3", "--seed", "-1"), "--seed"),
        (("tsp", "solve", "--random", "100000", "--solver", "exact"), "100,000 cities"),
        (("tsp", "solve", "--random", "10", "--restarts", str(10**11)), "--restarts"),
        (("compare", "coins", "--quick", "--workers", "100000"), "--workers"),
    ],
)
def test_bad_numbers_are_one_line_errors(cli, tmp_path, args, fragment):
    out = tmp_path / "out"
    takes_out = args[0] in ("train", "demo", "compare") or args[:2] == ("track", "show")
    result = cli(*args, *(("--out", out) if takes_out else ()))
    assert_one_line_error(result, fragment)
    assert not out.exists()


def test_sample_seed_must_not_be_negative(cli, tmp_path):
    text = tmp_path / "lines.txt"
    text.write_text("a\nb\nc\n")
    assert_one_line_error(cli("demo", "sample", text, "--seed", "-1"), "--seed")


def test_tsplib_file_too_large_for_a_dense_matrix(cli, tmp_path):
    big = tmp_path / "huge.tsp"
    big.write_text(
        "NAME: huge\nTYPE: TSP\nDIMENSION: 100000\nEDGE_WEIGHT_TYPE: EUC_2D\nNODE_COORD_SECTION\n1 0 0\nEOF\n"
    )
    assert_one_line_error(cli("tsp", "solve", big), "100,000 cities")


def test_corrupted_q_table_is_one_line(cli, tmp_path):
    run = tmp_path / "run"
    assert cli("train", "coins", "--algo", "q_learning", "--steps", "500", "--out", run, "-q").exit_code == 0
    (run / "model.json").write_bytes(bytes(range(256)) * 4)
    assert_one_line_error(cli("evaluate", run), "model.json")


def test_out_inside_a_file_is_refused_by_a_lesson_script(tmp_path):
    """A lesson run as a script refuses a bad --out the argparse way: usage, one error line, exit 2."""
    import subprocess
    import sys

    existing = tmp_path / "existing.txt"
    existing.write_text("keep me")
    repo = Path(__file__).resolve().parents[1]
    completed = subprocess.run(
        [sys.executable, str(repo / "lessons" / "03_making_change.py"), "--quick", "--out", str(existing)],
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr and "--out" in completed.stderr
    assert existing.read_text() == "keep me"


def test_coins_learn_leaves_stderr_empty_when_it_is_not_a_terminal(cli, tmp_path):
    """The progress bar is for terminals: piped or captured, stderr holds only real errors."""
    result = cli("coins", "learn", "--max-amount", "10", "--steps", "500", "--out", tmp_path / "out")
    assert result.exit_code == 0
    assert result.stderr == ""


def test_binary_garbage_csv_and_optimal_json_are_one_line(cli, tmp_path, shared_data):
    garbage = bytes(range(128, 256)) * 8
    csv_file = tmp_path / "routes.csv"
    csv_file.write_bytes(garbage)
    assert_one_line_error(cli("tsp", "solve", csv_file), "routes.csv", "UTF-8")
    folder = tmp_path / "tsplib"
    folder.mkdir()
    (folder / "burma14.tsp").write_bytes((shared_data / "tsplib" / "burma14.tsp").read_bytes())
    (folder / "optimal.json").write_bytes(garbage)
    assert_one_line_error(cli("tsp", "solve", folder / "burma14.tsp"), "optimal.json", "UTF-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--tol", "-1"), "tolerance must be a positive number"),
        (("--tol", "nan"), "tolerance must be a positive number"),
        (("--start", "nan,1"), "start must be finite numbers"),
    ],
)
def test_demo_gd_refuses_a_bad_tolerance_or_start(cli, tmp_path, args, message):
    result = cli("demo", "gd", *args, "--out", tmp_path / "gd")
    assert result.exit_code == 2
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert not (tmp_path / "gd").exists()


def test_a_compare_that_fails_is_one_error_line_not_a_bar_and_a_line(cli, tmp_path):
    """The runs bar is for terminals: captured, a failing run leaves only its error on stderr."""
    nan = tmp_path / "nan_reward.py"
    nan.write_text("def reward_function(params):\n    return float('nan')\n", encoding="utf-8")
    result = cli("compare", "track", "--rewards", nan, "--agents", "ppo", "--steps", "500", "--seeds", "1",
                 "--out", tmp_path / "cmp")  # fmt: skip
    assert_one_line_error(result, "nan_reward.py", "NaN")
