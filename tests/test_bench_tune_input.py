"""benchmarks/bench_tune.py: bad options end in one `error: …` line, exit code 2, before any work."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_tune.py"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--seeds", "1,two"], "error: --seeds must be whole numbers"),
        (["--seeds", ""], "error: --seeds must be a comma-separated list of integers"),
        (["--executor", "nope"], "error: unknown executor 'nope'"),
    ],
)
def test_bench_tune_rejects_bad_input_in_one_line(tmp_path, arguments, message):
    out = tmp_path / "bench"
    completed = subprocess.run(
        [sys.executable, str(BENCH), "--out", str(out), *arguments],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 2 and "Traceback" not in completed.stderr
    assert len(completed.stderr.strip().splitlines()) == 1 and completed.stderr.startswith(message)
    assert not out.exists()  # nothing written
