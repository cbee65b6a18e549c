"""Nothing lost when two processes write into one folder: runs are claimed, partial folders
of live runs are left alone, one comparison per folder, Ctrl-C leaves readable results."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from gymlab.experiments.runner import RunSpec, run_all
from gymlab.experiments.store import PartialRun, clean_abandoned

GYMLAB = [sys.executable, "-m", "gymlab.experiments"]
ENV = {**os.environ, "MPLBACKEND": "Agg", "_TYPER_FORCE_DISABLE_TERMINAL": "1"}


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [*GYMLAB, *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV
    )


def test_two_trainings_into_one_folder_never_lose_a_run(tmp_path):
    out = tmp_path / "X"
    common = ("train", "coins", "--algo", "ppo", "--steps", "1500", "--episodes", "5", "--out", out, "--json")
    first, second = start(*common, "--seed", "1"), start(*common, "--seed", "2")
    finished = [(p, *p.communicate(timeout=600)) for p in (first, second)]
    won = [(p, out_, err) for p, out_, err in finished if p.returncode == 0]
    lost = [(p, out_, err) for p, out_, err in finished if p.returncode != 0]
    assert len(won) == 1 and len(lost) == 1, [(p.returncode, err[-300:]) for p, _, err in finished]
    (loser, _, message) = lost[0]
    assert loser.returncode == 2 and "Traceback" not in message and len(message.strip().splitlines()) == 1
    assert "another gymlab run" in message or "different finished run" in message
    winner_seed = json.loads(won[0][1])["config"]["seed"]
    stored = json.loads((out / "result.json").read_text(encoding="utf-8"))
    assert stored["config"]["seed"] == winner_seed  # the folder holds the run that said it succeeded
    assert not list(tmp_path.glob(".partial-*")) and not list(tmp_path.glob(".*.lock"))


def test_the_same_comparison_twice_at_once_shares_its_runs(tmp_path):
    out = tmp_path / "D"
    args = (
        "compare",
        "coins",
        "--quick",
        "--agents",
        "greedy,dp,q_learning",
        "--seeds",
        "2",
        "--out",
        out,
        "-q",
    )
    first, second = start(*args), start(*args)
    for process in (first, second):
        _, err = process.communicate(timeout=600)
        assert process.returncode == 0, err[-500:]
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["complete"] is True and len(results["runs"]) == 4  # greedy, dp, q_learning × 2 seeds
    assert len(list((out / "runs").glob("*/result.json"))) == 4
    assert not list((out / "runs").glob(".partial-*"))


def test_another_comparison_into_the_same_folder_is_refused(tmp_path, cli):
    out = tmp_path / "D"
    assert cli("compare", "coins", "--agents", "greedy", "--out", out, "-q").exit_code == 0
    before = (out / "results.csv").read_text(encoding="utf-8")
    refused = cli("compare", "tsp", "--agents", "nearest_neighbour", "--out", out, "-q")
    assert refused.exit_code == 2 and "holds another comparison" in refused.stderr
    assert (out / "results.csv").read_text(encoding="utf-8") == before
    again = cli("compare", "coins", "--agents", "greedy", "--out", out, "-q")
    assert again.exit_code == 0  # the same comparison resumes as before


def test_a_partial_folder_in_use_is_never_cleaned(tmp_path):
    live = PartialRun(tmp_path / "some-run")  # a run being built by this (live) process
    dead = tmp_path / ".partial-other-run-0000"
    dead.mkdir()
    (dead / ".owner").write_text("", encoding="utf-8")  # its owner died: the lock is free
    removed = clean_abandoned(tmp_path)
    assert removed == [dead] and live.folder.is_dir()
    run_all([RunSpec("coins", "greedy", eval_episodes=3)], tmp_path)  # run_all cleans the same way
    assert live.folder.is_dir()
    live.discard()


@pytest.mark.slow
def test_ctrl_c_on_a_compare_with_workers_stops_promptly_with_partial_json(tmp_path):
    out = tmp_path / "D"
    process = start("compare", "coins", "--quick", "--seeds", "3", "--workers", "2", "--json", "--out", out)
    deadline = time.monotonic() + 300
    while not (out / "results.json").is_file() and time.monotonic() < deadline:
        time.sleep(0.2)
    process.send_signal(signal.SIGINT)
    stopped = time.monotonic()
    stdout, stderr = process.communicate(timeout=60)
    assert time.monotonic() - stopped < 15, "the workers must be cancelled, not waited for"
    assert process.returncode == 130, stderr[-500:]
    partial = json.loads(stdout)
    assert partial["complete"] is False and len(partial["runs"]) >= 1
