"""Every lesson runs with --quick, prints its punchline (a measured number) and writes its plots."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from gymlab.experiments.lessons import PUNCHLINE_PREFIX, list_lessons

LESSONS = list_lessons()


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.path.stem for lesson in LESSONS])
def test_lesson_runs_quick_and_prints_punchline(lesson, tmp_path):
    completed = subprocess.run(
        [sys.executable, str(lesson.path), "--quick", "--seed", "0", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "MPLBACKEND": "Agg"},
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    punchlines = [line for line in completed.stdout.splitlines() if line.startswith(PUNCHLINE_PREFIX)]
    assert len(punchlines) == 1, f"{lesson.path.name} must print exactly one {PUNCHLINE_PREFIX} line"
    assert re.search(r"\d", punchlines[0]), "a punchline states a measured number"
    plots = list(tmp_path.rglob("*.png"))
    assert plots, f"{lesson.path.name} saved no plot under --out"
    assert all(plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for plot in plots), "every plot is a PNG"
    leftovers = [path.name for path in tmp_path.rglob(".*")]
    assert not leftovers, f"half-written temporary files left behind: {leftovers}"
    assert lesson.summary, f"{lesson.path.name} needs a docstring whose first line summarises it"


def test_lessons_cli_bad_lesson_is_a_clear_error(cli):
    result = cli("lessons", "run", "99")
    assert result.exit_code == 2
    assert "no lesson '99'" in result.stderr
    assert "Traceback" not in result.stderr


EXPECTED = [
    ("01", "shell_thinking"),
    ("02", "descriptive_statistics"),
    ("03", "making_change"),
    ("04", "greedy_routing"),
    ("05", "gradient_descent"),
    ("06", "three_kinds_of_ml"),
    ("07", "deepracer_reward"),
    ("08", "data_science_workflow"),
    ("09", "model_to_service"),
]


def test_lessons_list_shows_all_nine_in_order(cli):
    result = cli("lessons", "list")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert [tuple(line.split()[:2]) for line in lines] == EXPECTED
    for line, lesson in zip(lines, LESSONS, strict=True):
        assert lesson.summary in line


def test_lessons_list_json_is_one_document_with_summaries(cli):
    result = cli("lessons", "list", "--json")
    assert result.exit_code == 0, result.stderr
    lessons = json.loads(result.stdout)
    assert [(x["number"], x["name"]) for x in lessons] == EXPECTED
    assert all(x["summary"] and x["path"].endswith(f"{x['number']}_{x['name']}.py") for x in lessons)


def test_lesson_with_data_option_refuses_a_missing_file(tmp_path):
    lesson = next(x for x in LESSONS if x.number == "04")
    completed = subprocess.run(
        [sys.executable, str(lesson.path), "--data", str(tmp_path / "none.csv"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "MPLBACKEND": "Agg"},
    )
    assert completed.returncode == 2
    assert "no file at" in completed.stderr and "Traceback" not in completed.stderr


def test_lessons_run_by_number_through_the_cli(cli, tmp_path):
    result = cli("lessons", "run", "3", "--quick", "--out", tmp_path)
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "coins.png").is_file()
