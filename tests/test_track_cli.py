"""`gymlab track …` commands, including every class of bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest


def test_drive_json(cli):
    result = cli("track", "drive", "--track", "oval", "--episodes", "2", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["track"] == "oval" and data["agent"] == "pure-pursuit" and len(data["trials"]) == 2
    assert set(data["trials"][0]) == {"progress", "lap_time", "status", "off_track_count", "steps",
                                      "above_limit_percent"}  # fmt: skip


def test_drive_table_and_gif(cli, tmp_path):
    gif = tmp_path / "lap.gif"
    result = cli("track", "drive", "--actions", "racing", "--episodes", "1", "--gif", gif)
    assert result.exit_code == 0, result.stderr
    assert "lap_complete" in result.stdout and "mean lap time" in result.stdout
    assert gif.read_bytes()[:3] == b"GIF"


def test_show_and_list(cli, tmp_path):
    result = cli("track", "show", "kidney", "--out", tmp_path)
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "kidney.png").exists() and "m long" in result.stdout
    listed = cli("track", "list", "--json")
    assert [row["track"] for row in json.loads(listed.stdout)][:2] == ["oval", "kidney"]


def test_check_reward_clean_and_dirty(cli, tmp_path):
    good = tmp_path / "good.py"
    good.write_text(
        "def reward_function(params):\n    return 1.0 if params['all_wheels_on_track'] else 1e-3\n"
    )
    assert cli("track", "check-reward", good).exit_code == 0
    bad = tmp_path / "bad.py"
    bad.write_text(
        "def reward_function(params):\n    return params['speed'] / params['distance_from_center']\n"
    )
    result = cli("track", "check-reward", bad)
    assert result.exit_code == 2 and "ZeroDivisionError" in result.stdout and "Traceback" not in result.output


def one_line_error(result, fragment):
    assert result.exit_code == 2
    assert fragment in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output


def test_bad_inputs_exit_2_with_one_line(cli, tmp_path, shared_data):
    one_line_error(cli("track", "drive", "--track", "monaco"), "unknown track")
    np.save(tmp_path / "five.npy", np.zeros((20, 5)))
    one_line_error(cli("track", "drive", "--track", tmp_path / "five.npy"), "(N, 6)")
    one_line_error(
        cli("track", "show", shared_data / "deepracer_tracks" / "Straight_track.npy"), "not a closed loop"
    )
    one_line_error(cli("track", "drive", "--reward", "fastest"), "unknown reward")
    (tmp_path / "nofn.py").write_text("def reward(params):\n    return 1.0\n")
    one_line_error(cli("track", "drive", "--reward", tmp_path / "nofn.py"), "defines no reward_function")
    one_line_error(cli("track", "check-reward", tmp_path / "nofn.py"), "defines no reward_function")
    one_line_error(cli("track", "drive", "--agent", "schumacher"), "'schumacher' is not one of")
    one_line_error(cli("track", "drive", "--track", tmp_path / "missing.npy"), "not found")


@pytest.mark.parametrize(
    "body", ["raise ValueError('boom')", "return float('nan')", "return 'fast'", "return 1e9"]
)
def test_bad_reward_during_drive_exits_2(cli, tmp_path, body):
    file = tmp_path / "r.py"
    file.write_text(f"def reward_function(params):\n    {body}\n")
    one_line_error(cli("track", "drive", "--reward", file, "--episodes", "1"), "r.py:reward_function")
