"""Bad input found by QA, each through the CLI: one `error:` line on stderr, exit code 2, no traceback."""

from __future__ import annotations

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
