"""Per-step traces of TrackRacer episodes: one CSV per run, ``trace.csv``, read in one line.

DeepRacer's users read logs more than they train: reward per waypoint, action usage, speed
along the lap. A :class:`TraceRecorder` (a gymnasium wrapper) writes one row per step of the
episodes it samples into a shared :class:`TraceLog`; training envs and the evaluation env
can share one log, so one file holds both, told apart by ``phase``::

    log = TraceLog(train_every=10, limit=100_000)
    train_env = TraceRecorder(make_env(...), log, phase="train")   # every 10th episode
    eval_env = TraceRecorder(make_env(...), log, phase="eval")     # every episode
    ...
    log.write(run_dir)                                             # run_dir/trace.csv, atomically

    import pandas as pd; trace = pd.read_csv("runs/…/trace.csv")

Columns of ``trace.csv`` (one row per step; steps count from 1, as DeepRacer's ``steps``):

=========================  =====================================================================
``phase``                  ``train`` or ``eval``
``episode``                episode number within its phase (0, 1, …; training: every Nth is kept)
``step``                   step within the episode (1 = the first action)
``time``                   s since the episode began (step / 15 Hz)
``x``, ``y``               the car's position after the step (m)
``heading``                yaw against the world x-axis (degrees, −180..180)
``speed``                  actual speed (m/s)
``steering``               commanded steering (degrees, + = left)
``command_speed``          commanded speed (m/s; DeepRacer's ``speed`` param)
``action``                 action index (−1 for continuous actions)
``reward``                 the step's reward
``progress``               % of a lap since the episode's start point (0–100)
``arc_length``             where the car projects on the centre line (m from the start line)
``closest_waypoint_behind``, ``closest_waypoint_ahead``   DeepRacer's ``closest_waypoints``
``distance_from_center``   m
``is_left_of_center``, ``all_wheels_on_track``            True / False
``status``                 ``in_progress``, ``lap_complete``, ``off_track``, ``reversed``,
                           ``immobilized``, ``time_up``
``train_steps``            training steps taken (by all training recorders) when the row was written
=========================  =====================================================================

Size is bounded: when the training rows pass ``limit``, every other sampled training episode
is dropped and the sampling interval doubles, so the sample still spans the whole training.
Evaluation episodes are always kept. Rows are kept as formatted CSV lines (≈ 150 bytes each).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np

from gymlab.envs.errors import GymlabError
from gymlab.experiments.io import write_text

__all__ = [
    "COLUMNS", "TRACE_FILE", "Trace", "TraceLog", "TraceRecorder", "read_trace",
]  # fmt: skip

TRACE_FILE = "trace.csv"
COLUMNS = (
    "phase", "episode", "step", "time", "x", "y", "heading", "speed", "steering", "command_speed",
    "action", "reward", "progress", "arc_length", "closest_waypoint_behind", "closest_waypoint_ahead",
    "distance_from_center", "is_left_of_center", "all_wheels_on_track", "status", "train_steps",
)  # fmt: skip
PHASES = ("train", "eval")
_ROW = "{},{},{},{:.3f},{:.4f},{:.4f},{:.2f},{:.3f},{:.2f},{:.3f},{},{:.6g},{:.3f},{:.4f},{},{},{:.4f},{},{},{},{}"


@dataclass
class _Episode:
    phase: str
    number: int
    lines: list[str]


class TraceLog:
    """The sampled episodes of one run, shared by its recorders; :meth:`write` saves them.

    ``train_every``: keep training episodes 0, N, 2N, … (N doubles when the training rows
    pass ``limit``); evaluation episodes are always kept.
    """

    def __init__(self, train_every: int = 10, limit: int | None = 100_000) -> None:
        if int(train_every) < 1:
            raise GymlabError(f"trace interval must be at least 1 episode (got {train_every})")
        if limit is not None and int(limit) < 1:
            raise GymlabError(f"trace limit must be at least 1 row (got {limit})")
        self.every = {"train": int(train_every), "eval": 1}
        self.limit = None if limit is None else int(limit)
        self.train_steps = 0
        self.episodes: list[_Episode] = []
        self._started = {phase: 0 for phase in PHASES}
        self._train_rows = 0

    def begin(self, phase: str) -> _Episode | None:
        """Number the next episode of ``phase``; the block to fill if it is sampled, else None."""
        number = self._started[phase]
        self._started[phase] += 1
        if number % self.every[phase]:
            return None
        episode = _Episode(phase, number, [])
        self.episodes.append(episode)
        return episode

    def added(self, episode: _Episode) -> None:
        """Book one new row of ``episode`` (thin the training sample when it is too large)."""
        if episode.phase != "train":
            return
        self._train_rows += 1
        if self.limit is not None and self._train_rows > self.limit:
            self._thin()

    def _thin(self) -> None:
        """Keep every other sampled training episode; sample half as often from now on."""
        self.every["train"] *= 2
        every = self.every["train"]
        self.episodes = [e for e in self.episodes if e.phase != "train" or e.number % every == 0]
        self._train_rows = sum(len(e.lines) for e in self.episodes if e.phase == "train")

    @property
    def rows(self) -> int:
        return sum(len(e.lines) for e in self.episodes)

    def text(self) -> str:
        """The CSV document: header, then every kept row in the order episodes began."""
        lines = [",".join(COLUMNS)]
        for episode in self.episodes:
            lines.extend(episode.lines)
        return "\n".join(lines) + "\n"

    def trace(self) -> Trace:
        """The kept rows as a :class:`Trace` (what :func:`read_trace` reads back from the file)."""
        return _parse(self.text().splitlines(), "trace in memory")

    def write(self, folder: str | Path) -> Path:
        """Write ``folder/trace.csv`` atomically (a reader never sees half a file)."""
        return write_text(Path(folder) / TRACE_FILE, self.text())


class TraceRecorder(gym.Wrapper):
    """Records each step of the sampled episodes of a TrackRacer env into a :class:`TraceLog`.

    Works anywhere in a wrapper chain (it reads the car from ``env.unwrapped.telemetry()``).
    Without a ``log`` it makes its own that keeps every episode: ``recorder.log.write(dir)``.
    """

    def __init__(self, env: gym.Env, log: TraceLog | None = None, phase: str = "eval") -> None:
        super().__init__(env)
        if phase not in PHASES:
            raise GymlabError(f"trace phase must be one of {PHASES}, got {phase!r}")
        if not hasattr(env.unwrapped, "telemetry"):
            raise GymlabError(
                f"{env.unwrapped.__class__.__name__} has no telemetry(); traces are for TrackRacer"
            )
        self.log = log if log is not None else TraceLog(train_every=1, limit=None)
        self.phase = phase
        self._episode: _Episode | None = None
        self._step = 0
        self._discrete = isinstance(env.action_space, gym.spaces.Discrete)
        self._dt = 1.0 / env.unwrapped.metadata["render_fps"]

    def reset(self, **kwargs):
        observation, info = self.env.reset(**kwargs)
        self._episode = None  # numbered at its first step: a reset never stepped (a vector
        self._step = 0  # env's autoreset after the last evaluation) is no episode
        return observation, info

    def step(self, action):
        observation, reward, terminated, truncated, info = self.env.step(action)
        self._step += 1
        log = self.log
        if self.phase == "train":
            log.train_steps += 1
        if self._step == 1:
            self._episode = log.begin(self.phase)
        episode = self._episode
        if episode is not None:
            state = self.env.unwrapped.telemetry()
            index = int(action) if self._discrete else -1
            episode.lines.append(
                _ROW.format(
                    self.phase,
                    episode.number,
                    self._step,
                    self._step * self._dt,
                    *state[:6],
                    index,
                    float(reward),
                    *state[6:],
                    log.train_steps,
                )  # fmt: skip
            )
            log.added(episode)
        return observation, reward, terminated, truncated, info


class Trace:
    """A ``trace.csv`` read into numpy columns (``trace["speed"]``), without pandas."""

    def __init__(self, columns: dict[str, np.ndarray], path: Path | None = None) -> None:
        self.columns = columns
        self.path = path

    def __getitem__(self, name: str) -> np.ndarray:
        return self.columns[name]

    def __len__(self) -> int:
        return len(self.columns["step"])

    def select(self, mask: np.ndarray) -> Trace:
        """The rows where ``mask`` is True."""
        return Trace({name: values[mask] for name, values in self.columns.items()}, self.path)

    def episodes(self) -> list[Trace]:
        """One Trace per episode (phase + episode number), in file order."""
        phase, number = self["phase"], self["episode"]
        starts = np.flatnonzero(np.r_[True, (phase[1:] != phase[:-1]) | (number[1:] != number[:-1])])
        bounds = np.r_[starts, len(self)]
        return [self.select(slice(a, b)) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]

    def episode_summary(self) -> dict[str, Any]:
        """The last row of an episode: phase, number, steps, status, progress, lap time, return."""
        last = len(self) - 1
        return {
            "phase": str(self["phase"][last]),
            "episode": int(self["episode"][last]),
            "steps": int(self["step"][last]),
            "status": str(self["status"][last]),
            "progress": float(self["progress"][last]),
            "time": float(self["time"][last]),
            "return": float(self["reward"].sum()),
            "train_steps": int(self["train_steps"][last]),
        }


_KINDS = {"phase": str, "status": str, "is_left_of_center": bool, "all_wheels_on_track": bool}
_INTEGERS = ("episode", "step", "action", "closest_waypoint_behind", "closest_waypoint_ahead", "train_steps")


def read_trace(path: str | Path) -> Trace:
    """Read a ``trace.csv`` (or the one in a run folder) into numpy columns; a one-line error if
    it is missing or not a trace."""
    path = Path(path)
    if path.is_dir():
        path = path / TRACE_FILE
    if not path.is_file():
        raise GymlabError(
            f"{path} not found; traces are written by `gymlab train track` into the run folder "
            f"(or by gymlab.experiments.traces.TraceLog.write)"
        )
    with path.open(encoding="utf-8") as handle:
        return _parse(handle.read().splitlines(), path)


def _parse(lines: list[str], path: Path | str) -> Trace:
    """Columns of a trace from its CSV lines (the first is the header).

    numpy's C reader (``np.loadtxt``) parses the numbers and the words in two passes: ≈ 3×
    faster than the csv module on a 200k-row trace.
    """
    header = lines[0].split(",") if lines else []
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise GymlabError(f"{path} is not a gymlab trace (missing columns: {', '.join(missing)})")
    if len(lines) < 2:
        raise GymlabError(f"{path} has no rows; record at least one episode")
    words = [header.index(name) for name in COLUMNS if name in _KINDS]
    numbers = [header.index(name) for name in COLUMNS if name not in _KINDS]
    try:
        text = np.loadtxt(lines[1:], delimiter=",", usecols=words, dtype=str, ndmin=2, comments=None)
        values = np.loadtxt(lines[1:], delimiter=",", usecols=numbers, dtype=float, ndmin=2, comments=None)
    except ValueError as error:
        raise GymlabError(f"{path} is damaged: {error}") from None
    columns: dict[str, np.ndarray] = {}
    for k, index in enumerate(words):
        name = header[index]
        columns[name] = text[:, k] if _KINDS[name] is str else text[:, k] == "True"
    for k, index in enumerate(numbers):
        name = header[index]
        columns[name] = values[:, k].astype(np.int64) if name in _INTEGERS else values[:, k]
    return Trace({name: columns[name] for name in COLUMNS}, Path(path) if isinstance(path, Path) else None)


# -- replays --------------------------------------------------------------------------------------
