"""The run folder: the only code that reads or writes a run's files.

A run directory holds::

    config.json        resolved settings, seed, package versions (provenance)
    model.zip          the trained model (SB3 learners; model.json for tabular Q-learning)
    monitor/*.csv      SB3's Monitor log of every training episode (SB3 learners)
    evaluations.npz    the periodic evaluations, in SB3's EvalCallback format
    curve.csv          the learning curve: steps → the evaluation's numbers at that point
    learning_curve.png
    evaluation.json    the final evaluation, episode by episode
    result.json        the summary — written LAST: a run is complete only when it exists

Nothing is lost, even with two processes on one folder:

- A run is built in a hidden ``.partial-<name>-<id>`` sibling and renamed into place; an
  interrupted run leaves no folder that looks complete.
- Before any work, a process **claims** the run with an exclusive ``flock`` on the sibling
  ``.<name>.lock``. A second process asking for the same settings waits and then reuses the
  finished result; one asking for different settings in the same folder stops with one line.
  The kernel releases the lock when its owner dies, so a crash never leaves a stale claim.
- Each partial folder holds an ``.owner`` file locked by the process building it: a cleanup
  removes only partial folders whose owner is gone, never one in use.
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import json
import os
import shutil
import socket
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from gymlab.envs.errors import GymlabError
from gymlab.envs.files import public_error
from gymlab.experiments.io import atomic_write, write_json
from gymlab.experiments.results import provenance

__all__ = [
    "CONFIG_FILE",
    "CURVE_FILE",
    "EVALUATION_FILE",
    "RESULT_FILE",
    "CurvePoint",
    "RunResult",
    "claim_comparison",
    "claim_run",
    "clean_abandoned",
    "folder_lock",
    "load_curve",
    "load_result",
    "read_config",
    "read_evaluation",
    "run_dirs_in",
]

RESULT_FILE = "result.json"
CONFIG_FILE = "config.json"
EVALUATION_FILE = "evaluation.json"
CURVE_FILE = "curve.csv"
EVALUATIONS_NPZ = "evaluations.npz"
MONITOR_DIR = "monitor"
PARTIAL_PREFIX = ".partial-"
OWNER_FILE = ".owner"
ORPHAN_SECONDS = 60  # a partial folder without an owner file this old is abandoned


@dataclass
class RunResult:
    """A finished run: its folder, resolved settings and evaluation summary."""

    run_dir: Path
    config: dict[str, Any]
    metrics: dict[str, Any]
    train_seconds: float = 0.0
    cached: bool = False
    steps_run: int | None = None  # environment steps trained (a continued run counts its parent's)

    def row(self) -> dict[str, Any]:
        """A flat table row: env, agent, reward, seed, then every metric."""
        config = self.config
        return {
            "env": config["env"],
            "agent": config["agent"],
            "reward": config["reward"] or "default",
            "seed": config["seed"],
            "steps": config["steps"] if self.steps_run is None else self.steps_run,
            "train_seconds": round(self.train_seconds, 2),
            **self.metrics,
            "run": self.run_dir.name,
        }


@dataclass
class CurvePoint:
    """One evaluation during (or at the end of) training: the evaluation's own numbers."""

    steps: int
    train_seconds: float
    summary: dict[str, Any]
    returns: list[float]
    lengths: list[int]
    successes: list[bool] | None = None  # finished laps, on a lap env
    extra: dict[str, Any] = field(default_factory=dict)


# --- reading ------------------------------------------------------------------------------------


def _read_json(path: Path, run_dir: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise GymlabError(f"{path} is unreadable; delete {run_dir} and run it again") from None


def load_result(run_dir: str | Path) -> RunResult:
    """The :class:`RunResult` of a complete run directory, or a one-line error."""
    run_dir = Path(run_dir)
    path = run_dir / RESULT_FILE
    if not path.is_file():
        raise GymlabError(
            f"{run_dir} is not a finished gymlab run (no {RESULT_FILE}); "
            "pass a folder written by `gymlab train` or `gymlab compare` (…/runs/<name>)"
        )
    data = _read_json(path, run_dir)
    try:
        config, metrics = data["config"], data["metrics"]
        if not isinstance(config, dict) or not isinstance(metrics, dict) or "env" not in config:
            raise TypeError
        steps_run = data.get("steps_run")
        steps_run = _steps_run_before_it_was_recorded(config) if steps_run is None else int(steps_run)
        return RunResult(run_dir, config, metrics, float(data.get("train_seconds", 0.0)), True, steps_run)
    except (KeyError, TypeError, ValueError):
        raise GymlabError(f"{path} is unreadable; delete {run_dir} and run it again") from None


def _steps_run_before_it_was_recorded(config: dict[str, Any]) -> int | None:
    """A run from before ``steps_run`` was recorded: an SB3 run trained its budget rounded up
    as SB3 rounds it (so its table row matches newer runs'); None where that is unknown
    (a run continued ``--from`` a parent: the budget stands)."""
    hyperparams, steps = config.get("hyperparams"), config.get("steps")
    if (
        config.get("kind") != "sb3"
        or config.get("parent")
        or not isinstance(hyperparams, dict)
        or steps is None
    ):
        return None
    from gymlab.agents.rl import SB3Agent

    n_envs = int(hyperparams.get("n_envs", 1))
    return SB3Agent(config["agent"], hyperparams).steps_collected(steps, n_envs)


def read_config(run_dir: str | Path) -> dict[str, Any]:
    """The resolved settings of a run (from result.json, else config.json of a started run)."""
    run_dir = Path(run_dir)
    if (run_dir / RESULT_FILE).is_file():
        return load_result(run_dir).config
    data = _read_json(run_dir / CONFIG_FILE, run_dir)
    if not isinstance(data, dict) or not isinstance(data.get("config"), dict):
        raise GymlabError(f"{run_dir / CONFIG_FILE} is unreadable; delete {run_dir} and run it again")
    return data["config"]


def read_evaluation(run_dir: str | Path) -> dict[str, Any]:
    """The final evaluation of a finished run: ``{"summary", "episodes"[, "trials"]}``."""
    run_dir = Path(run_dir)
    return _read_json(run_dir / EVALUATION_FILE, run_dir)


def load_curve(
    run_dir: str | Path, column: str = "mean_return", lineage: bool = False
) -> tuple[np.ndarray, np.ndarray, str]:
    """(steps, values of ``column``, source) of a run's learning curve (empty for baselines);
    a missing value (no lap finished, a column the curve lacks) is NaN. With ``lineage``, a
    run continued ``--from`` a parent starts with the parent's curve (its steps go on counting)."""
    path = Path(run_dir) / CURVE_FILE
    if not path.is_file():
        return np.zeros(0), np.zeros(0), ""
    parent = read_config(run_dir).get("parent") if lineage else None
    if parent and Path(parent["run"]).is_dir():
        before_steps, before, _ = load_curve(parent["run"], column, lineage=True)
        steps, values, source = load_curve(run_dir, column)
        return np.concatenate([before_steps, steps]), np.concatenate([before, values]), source
    with path.open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    steps = np.array([float(r["steps"]) for r in rows])
    values = np.array([float(r.get(column) or "nan") for r in rows])
    return steps, values, rows[0]["source"] if rows else ""


def has_curve(run_dir: str | Path) -> bool:
    return (Path(run_dir) / CURVE_FILE).is_file()


def run_dirs_in(paths: list[str | Path]) -> list[Path]:
    """The finished runs among ``paths``: run directories, or compare folders (their ``runs/``)."""
    found: list[Path] = []
    for path in map(Path, paths):
        if (path / RESULT_FILE).is_file():
            found.append(path)
        elif (path / "runs").is_dir():
            finished = sorted(p for p in (path / "runs").iterdir() if (p / RESULT_FILE).is_file())
            if not finished:
                raise GymlabError(
                    f"{path} has no finished runs yet; run `gymlab compare` to completion first"
                )
            found += finished
        else:
            raise GymlabError(
                f"{path} is not a finished gymlab run (no result.json) nor a compare folder (no runs/); "
                "pass folders written by `gymlab train` or `gymlab compare`"
            )
    return found


# --- writing: one run being built -----------------------------------------------------------------


class PartialRun:
    """A run being built in its hidden ``.partial-…`` folder, renamed into place by :meth:`commit`."""

    def __init__(self, run_dir: Path):
        self.run_dir = run_dir
        self.folder = run_dir.parent / f"{PARTIAL_PREFIX}{run_dir.name}-{uuid.uuid4().hex[:8]}"
        try:
            self.folder.mkdir(parents=True)
        except OSError as error:  # name the user's folder, not the hidden one
            raise public_error(error, self.folder, run_dir) from None
        self._owner = _hold_lock(self.folder / OWNER_FILE, blocking=False)
        assert self._owner is not None  # a brand-new file: nobody else holds it

    # paths the training code writes through (SB3 writes its own files there)
    @property
    def monitor_dir(self) -> Path:
        folder = self.folder / MONITOR_DIR
        folder.mkdir(exist_ok=True)
        return folder

    def path(self, name: str) -> Path:
        return self.folder / name

    def write_config(self, config: dict[str, Any]) -> None:
        write_json(self.folder / CONFIG_FILE, provenance(config, config["seed"]))

    def write_curve(self, points: list[CurvePoint]) -> Path:
        """``evaluations.npz`` (SB3's format) and ``curve.csv``: one row per evaluation with its
        steps, training seconds, mean and std of the episode returns, and every number of the
        evaluation's summary (the same numbers as ``evaluation.json`` at the last point); on a
        lap env also ``lap_rate`` and ``lap_seconds``."""
        return write_curve(self.folder, points)

    def write_evaluation(self, report: dict[str, Any]) -> None:
        write_json(self.folder / EVALUATION_FILE, report)

    def commit(self, result: dict[str, Any]) -> None:
        """Write result.json (last: it marks the run complete) and move the run into place."""
        write_json(self.folder / RESULT_FILE, result)
        if self.run_dir.exists():  # an unfinished earlier attempt (the claim proves nobody owns it)
            if (self.run_dir / RESULT_FILE).is_file():
                raise GymlabError(f"{self.run_dir} was finished by another process meanwhile")
            shutil.rmtree(self.run_dir)
        (self.folder / OWNER_FILE).unlink()
        try:
            os.replace(self.folder, self.run_dir)
        except OSError as error:
            raise public_error(error, self.folder, self.run_dir) from None

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        self._owner.close()


def write_curve(folder: Path, points: list[CurvePoint]) -> Path:
    """See :meth:`PartialRun.write_curve`."""
    laps = any(point.successes is not None for point in points)
    arrays = {
        "timesteps": np.array([p.steps for p in points]),
        "results": np.array([p.returns for p in points], dtype=float),
        "ep_lengths": np.array([p.lengths for p in points]),
    }
    if laps:
        arrays["successes"] = np.array([p.successes for p in points], dtype=bool)
    atomic_write(folder / EVALUATIONS_NPZ, lambda tmp: np.savez(tmp, **arrays))
    base = ["steps", "train_seconds", "mean_return", "std_return", "source", "lap_rate", "lap_seconds"]
    measured: list[str] = []
    for point in points:
        measured += [
            key
            for key, value in {**point.summary, **point.extra}.items()
            if key not in base and key not in measured and key != "episodes" and _is_number(value)
        ]
    rows = []
    for point in points:
        numbers = {**point.summary, **point.extra}
        returns = np.asarray(point.returns, dtype=float)
        row = [point.steps, round(point.train_seconds, 3), float(returns.mean()), float(returns.std())]
        row.append("evaluation")
        if laps:
            row += [numbers.get("completion_rate", ""), _blank(numbers.get("mean_lap_time"))]
        else:
            row += ["", ""]
        row += [_blank(numbers.get(key)) for key in measured]
        rows.append(row)

    def write(tmp: Path) -> None:
        with tmp.open("w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file)
            writer.writerow(base + measured)
            writer.writerows(rows)

    return atomic_write(folder / CURVE_FILE, write)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) or value is None


def _blank(value: Any) -> Any:
    """A missing number (no lap, no tour) is an empty cell."""
    return "" if value is None or (isinstance(value, float) and value != value) else value


# --- claiming: one owner per run folder -----------------------------------------------------------


def _hold_lock(path: Path, blocking: bool, note: str = ""):
    """An open file holding an exclusive ``flock`` on ``path`` (None if busy and not blocking).

    Lock files are removed on release (:func:`_release`), so a waiter may end up holding a lock
    on a file that was just unlinked; it then checks the inode and tries again."""
    while True:
        handle = path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            handle.close()
            return None
        try:
            current = os.stat(path).st_ino
        except FileNotFoundError:
            current = None
        if current == os.fstat(handle.fileno()).st_ino:
            break
        handle.close()  # released and removed meanwhile: lock the new file
    if note:
        handle.seek(0)
        handle.truncate()
        handle.write(note)
        handle.flush()
    return handle


def _release(handle) -> None:
    """Remove the lock file, then let go of the lock (nobody else can hold it meanwhile)."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(handle.name)
    handle.close()


def _lock_path(run_dir: Path) -> Path:
    return run_dir.parent / f".{run_dir.name}.lock"


@contextlib.contextmanager
def claim_run(run_dir: Path, identity: str) -> Iterator[None]:
    """Hold the run folder for this process while the body builds it.

    ``identity`` names the settings (their hash). If another process holds the folder for the
    same settings, wait for it (the caller then finds its result); for other settings, stop
    with one line — two different runs never share a folder."""
    run_dir.parent.mkdir(parents=True, exist_ok=True)
    path = _lock_path(run_dir)
    note = f"{identity} pid {os.getpid()} on {socket.gethostname()}\n"
    handle = _hold_lock(path, blocking=False, note=note)
    while handle is None:
        try:
            owner = path.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            owner = ""  # released meanwhile
        if owner and not owner.startswith(identity):
            raise GymlabError(
                f"{run_dir} is being written by another gymlab run ({owner.split(' ', 1)[-1]}) with "
                "other settings; choose another --out"
            )
        if owner:  # the same run: wait for it, then reuse its result
            handle = _hold_lock(path, blocking=True, note=note)
        else:  # its owner is between taking the lock and writing its name
            time.sleep(0.05)
            handle = _hold_lock(path, blocking=False, note=note)
    try:
        yield
    finally:
        _release(handle)


@contextlib.contextmanager
def folder_lock(folder: Path, name: str) -> Iterator[None]:
    """An exclusive lock named ``name`` on ``folder`` for a short read-modify-write."""
    folder.mkdir(parents=True, exist_ok=True)
    handle = _hold_lock(folder / f".{name}.lock", blocking=True)
    try:
        yield
    finally:
        _release(handle)


COMPARISON_FILE = "comparison.json"


def claim_comparison(out: Path, identity: str, description: str) -> None:
    """A compare folder holds one comparison. The first to write into ``out`` records its
    ``identity`` (the hash of its runs); the same comparison may run again or beside it (its
    runs are shared, see :func:`claim_run`), another one stops with one line, so its
    results.csv and report.md never overwrite this one's."""
    with folder_lock(out, "comparison"):
        path = out / COMPARISON_FILE
        if path.is_file():
            held = _read_json(path, out)
            if held.get("identity") != identity:
                raise GymlabError(
                    f"{out} holds another comparison ({held.get('description', 'unknown')}); "
                    f"choose another --out (or delete {path.name} there to replace it)"
                )
            return
        write_json(path, {"identity": identity, "description": description})


def clean_abandoned(root: Path) -> list[Path]:
    """Remove the ``.partial-…`` folders under ``root`` whose builder is gone (its ``.owner``
    lock is free); a folder still being built by a live process is left alone."""
    removed = []
    for partial in sorted(Path(root).glob(f"{PARTIAL_PREFIX}*")):
        owner = partial / OWNER_FILE
        if not owner.is_file():  # just created (its owner file comes next) or left by an old gymlab
            if time.time() - partial.stat().st_mtime < ORPHAN_SECONDS:
                continue
            handle = None
        else:
            handle = _hold_lock(owner, blocking=False)
            if handle is None:
                continue  # its builder is alive
        shutil.rmtree(partial, ignore_errors=True)
        if handle is not None:
            handle.close()
        removed.append(partial)
    return removed
