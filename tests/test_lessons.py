"""Every lesson runs with --quick, prints its punchline (a measured number) and writes its plots."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from experiments.lessons import PUNCHLINE_PREFIX, list_lessons

LESSONS = list_lessons()


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.path.stem for lesson in LESSONS])
def test_lesson_runs_quick_and_prints_punchline(lesson, tmp_path):
    completed = subprocess.run(
        [sys.executable, str(lesson.path), "--quick", "--seed", "0", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "MPLBACKEND": "Agg", "PYTHONPATH": str(lesson.path.parents[1])},
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    punchlines = [line for line in completed.stdout.splitlines() if line.startswith(PUNCHLINE_PREFIX)]
    assert punchlines, f"{lesson.path.name} printed no {PUNCHLINE_PREFIX} line"
    assert any(re.search(r"\d", line) for line in punchlines), "a punchline states a measured number"
    assert list(tmp_path.rglob("*.png")), f"{lesson.path.name} saved no plot under --out"
    assert lesson.summary, f"{lesson.path.name} needs a docstring whose first line summarises it"


def test_lessons_cli_bad_lesson_is_a_clear_error(cli):
    result = cli("lessons", "run", "99")
    assert result.exit_code == 2
    assert "no lesson '99'" in result.stderr
    assert "Traceback" not in result.stderr
