"""Executors: where the independent runs of an experiment execute.

Each offers ``map(jobs, on_done)``: run every ``(spec, run_dir)`` and call ``on_done`` with
each :class:`~gymlab.experiments.store.RunResult` as it finishes. :class:`InProcessExecutor`
(the default) runs them one after another here; :class:`ProcessPoolExecutor` (``--workers
N``) in fresh processes. A cluster executor implements the same method, so a sweep that
outgrows one machine changes the executor, not the experiment.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol

from gymlab.envs.errors import GymlabError
from gymlab.experiments.spec import RunSpec
from gymlab.experiments.store import RunResult
from gymlab.experiments.training import execute_run, use_one_torch_thread

__all__ = ["Executor", "InProcessExecutor", "ProcessPoolExecutor", "executor_for"]

Job = tuple[RunSpec, Path]


class Executor(Protocol):
    """Runs jobs and reports each result as it finishes."""

    def map(self, jobs: Iterable[Job], on_done: Callable[[RunResult], None]) -> None: ...


def _run_in_worker(spec: RunSpec, run_dir: Path) -> RunResult:
    """What a worker process runs: one spec (a top-level function, so spawn can pickle it)."""
    return execute_run(spec, run_dir)


class InProcessExecutor:
    """Run the specs one after another in this process (the default; easiest to debug)."""

    def map(self, jobs: Iterable[Job], on_done: Callable[[RunResult], None]) -> None:
        for spec, run_dir in jobs:
            on_done(execute_run(spec, run_dir))


class ProcessPoolExecutor:
    """Run the specs in ``workers`` fresh Python processes (spawn: no state shared by fork).

    Spawned workers re-import the main module, so a script that calls
    :func:`~gymlab.experiments.compare.compare` with ``workers > 1`` needs an
    ``if __name__ == "__main__":`` guard (the CLI has one). On Ctrl-C (or any error) the
    runs not yet started are cancelled and the workers are stopped at once.
    """

    def __init__(self, workers: int):
        self.workers = workers

    def map(self, jobs: Iterable[Job], on_done: Callable[[RunResult], None]) -> None:
        context = multiprocessing.get_context("spawn")
        pool = concurrent.futures.ProcessPoolExecutor(
            self.workers, mp_context=context, initializer=use_one_torch_thread
        )
        futures = [pool.submit(_run_in_worker, spec, run_dir) for spec, run_dir in jobs]
        try:
            for future in concurrent.futures.as_completed(futures):
                on_done(future.result())
        except BaseException:
            for process in list(getattr(pool, "_processes", {}).values()):
                process.terminate()  # a run in progress leaves only its .partial folder behind
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()


def executor_for(workers: int) -> InProcessExecutor | ProcessPoolExecutor:
    """In-process for one worker, a process pool for more."""
    if workers < 1:
        raise GymlabError(f"--workers must be at least 1 (got {workers})")
    most = 4 * (os.cpu_count() or 1)  # each worker is a Python process with torch loaded
    if workers > most:
        raise GymlabError(f"--workers {workers} is more than {most} (4 per CPU core here); use fewer workers")
    return InProcessExecutor() if workers == 1 else ProcessPoolExecutor(workers)
