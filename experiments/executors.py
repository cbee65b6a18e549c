"""Executors: where the independent runs of an experiment execute.

Each offers ``map(jobs, on_done)``: run every ``(spec, run_dir)`` — or ``(spec, run_dir,
trial)``, a run that its trial may stop early (see :func:`~gymlab.experiments.training.execute_run`)
— and call ``on_done`` with each :class:`~gymlab.experiments.store.RunResult` (or
:class:`~gymlab.experiments.training.PrunedRun`) as it finishes. :class:`InProcessExecutor`
(the default) runs them one after another here; :class:`ProcessPoolExecutor` (``--workers
N``) in fresh processes; :class:`RayExecutor` as tasks on a Ray cluster. A sweep that outgrows
one machine changes the executor, not the experiment.

``jobs`` is read lazily: a job is taken only when a worker is free, after ``on_done`` has seen
the results so far — so a generator can choose the next job from them (``gymlab tune`` asks
Optuna for the next trial there).
"""

from __future__ import annotations

import concurrent.futures
import importlib.util
import multiprocessing
import os
import socket
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol

from gymlab.envs.errors import GymlabError
from gymlab.experiments.spec import RunSpec
from gymlab.experiments.store import RunResult
from gymlab.experiments.training import PrunedRun, Stopper, execute_run, use_one_torch_thread

__all__ = [
    "EXECUTORS",
    "SHARED_OUT_ENV",
    "Executor",
    "InProcessExecutor",
    "ProcessPoolExecutor",
    "RayExecutor",
    "executor_for",
    "make_executor",
]

EXECUTORS = ("local", "ray")
SHARED_OUT_ENV = "GYMLAB_SHARED_OUT"  # set to 1: the output folder is on storage every node sees

Job = tuple[RunSpec, Path] | tuple[RunSpec, Path, Stopper | None]
Done = Callable[[RunResult | PrunedRun], None]


class Executor(Protocol):
    """Runs jobs and reports each result as it finishes."""

    def map(self, jobs: Iterable[Job], on_done: Done) -> None: ...


def _run_in_worker(spec: RunSpec, run_dir: Path, trial: Stopper | None = None) -> RunResult | PrunedRun:
    """What a worker process runs: one spec (a top-level function, so spawn can pickle it)."""
    return execute_run(spec, run_dir) if trial is None else execute_run(spec, run_dir, trial=trial)


class InProcessExecutor:
    """Run the specs one after another in this process (the default; easiest to debug)."""

    def map(self, jobs: Iterable[Job], on_done: Done) -> None:
        for job in jobs:
            on_done(_run_in_worker(*job))


class ProcessPoolExecutor:
    """Run the specs in ``workers`` fresh Python processes (spawn: no state shared by fork).

    Spawned workers re-import the main module, so a script that calls
    :func:`~gymlab.experiments.compare.compare` with ``workers > 1`` needs an
    ``if __name__ == "__main__":`` guard (the CLI has one). On Ctrl-C (or any error) the
    runs not yet started are cancelled and the workers are stopped at once.
    """

    def __init__(self, workers: int):
        self.workers = workers

    def map(self, jobs: Iterable[Job], on_done: Done) -> None:
        context = multiprocessing.get_context("spawn")
        pool = concurrent.futures.ProcessPoolExecutor(
            self.workers, mp_context=context, initializer=use_one_torch_thread
        )
        todo = iter(jobs)
        running: set[concurrent.futures.Future] = set()

        def submit_next() -> None:
            job = next(todo, None)
            if job is not None:
                running.add(pool.submit(_run_in_worker, *job))

        try:
            for _ in range(self.workers):
                submit_next()
            while running:
                finished, _ = concurrent.futures.wait(running, return_when=concurrent.futures.FIRST_COMPLETED)
                for future in finished:
                    running.discard(future)
                    on_done(future.result())
                    submit_next()
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


def _run_in_ray_task(spec: RunSpec, run_dir: Path, trial: Stopper | None = None) -> RunResult | PrunedRun:
    """What a Ray task runs: one spec on one core."""
    use_one_torch_thread()
    return _run_in_worker(spec, run_dir, trial)


class RayExecutor:
    """Run each spec as a Ray task with 1 CPU; the tasks write the run folders themselves.

    The run folders' path is the same on every node, so on a cluster of more than one node the
    output folder must be on storage all nodes mount at that path (NFS, a shared disk): say so
    with ``shared_out=True`` (``--shared-out``, or the environment variable
    ``GYMLAB_SHARED_OUT=1``); otherwise :meth:`map` refuses. ``address=None`` starts a local
    Ray with ``num_cpus`` CPUs (default: all); ``"auto"`` joins the cluster started on this
    machine by ``ray start``. On Ctrl-C (or any error) the outstanding tasks are cancelled.
    """

    def __init__(self, address: str | None = None, num_cpus: int | None = None, shared_out: bool = False):
        if importlib.util.find_spec("ray") is None:
            raise GymlabError("--executor ray needs Ray: pip install -e '.[ray]'")
        self.address = address
        self.num_cpus = num_cpus
        self.shared_out = shared_out or os.environ.get(SHARED_OUT_ENV, "") == "1"

    def connect(self):
        """The ``ray`` module, initialised (connected to ``address``, or a local Ray) once."""
        import ray

        if not ray.is_initialized():
            if self.address and self.address != "auto":
                self.check_reachable()
            options = {"address": self.address} if self.address else self.local_options()
            try:
                ray.init(**options, include_dashboard=False, log_to_driver=False)
            except Exception as error:  # Ray raises ConnectionError, RuntimeError… for a bad address
                first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
                raise GymlabError(
                    f"cannot reach a Ray cluster at {self.address or 'a new local Ray'} ({first}); "
                    "start one with `ray start --head` or fix --address"
                ) from None
        return ray

    def local_options(self) -> dict:
        """``ray.init`` options of a local Ray: ``num_cpus``, and workers at normal priority.

        Ray starts its workers at nice 15 by default (``RAY_worker_niceness``), which keeps its own
        daemons responsive but, on a machine shared with other work, gives each run a sliver of a
        core: measured on 2 loaded cores, a run took 5.1× as long in a Ray task as in a pool
        worker. The process pool's workers run at normal priority, so Ray's do too. (On a cluster
        started with ``ray start``, set ``RAY_worker_niceness=0`` there.)"""
        return {"num_cpus": self.num_cpus, "_system_config": {"worker_niceness": 0}}

    def check_reachable(self, timeout: float = 5.0) -> None:
        """One TCP connection to ``HOST:PORT`` first: Ray itself retries a dead address for minutes."""
        host, _, port = self.address.removeprefix("ray://").rpartition(":")
        try:
            socket.create_connection((host, int(port)), timeout=timeout).close()
        except (OSError, ValueError):
            raise GymlabError(
                f"cannot reach a Ray cluster at {self.address}; start one with `ray start --head` "
                "and pass its HOST:PORT (or auto on one of its nodes) as --address"
            ) from None

    def nodes(self) -> int:
        """How many live nodes the cluster has."""
        return sum(bool(node.get("Alive")) for node in self.connect().nodes())

    def slots(self) -> int:
        """Tasks kept in flight: the cluster's CPUs (Ray queues no more than it can start)."""
        return max(1, int(self.connect().cluster_resources().get("CPU", 1)))

    def map(self, jobs: Iterable[Job], on_done: Done) -> None:
        todo = iter(jobs)
        first = next(todo, None)
        if first is None:
            return
        ray = self.connect()
        nodes = self.nodes()
        if nodes > 1 and not self.shared_out:
            raise GymlabError(
                f"the Ray cluster has {nodes} nodes and {first[1].parent} is not marked shared; put --out on "
                f"storage every node mounts at that path and pass --shared-out (or set {SHARED_OUT_ENV}=1)"
            )
        task = ray.remote(num_cpus=1, max_retries=0)(_run_in_ray_task)
        pending = [task.remote(*first)]
        slots = self.slots()

        def submit_while_free() -> None:
            while len(pending) < slots:
                job = next(todo, None)
                if job is None:
                    return
                pending.append(task.remote(*job))

        try:
            submit_while_free()
            while pending:
                ready, rest = ray.wait(pending, num_returns=1)
                pending[:] = rest
                on_done(ray.get(ready[0]))
                submit_while_free()
        except BaseException:
            for ref in pending:
                ray.cancel(ref, force=True)  # a run in progress leaves only its .partial folder
            raise


def make_executor(
    name: str = "local",
    workers: int = 1,
    address: str | None = None,
    shared_out: bool = False,
) -> InProcessExecutor | ProcessPoolExecutor | RayExecutor:
    """The executor named ``name``: ``local`` (``workers`` processes) or ``ray`` (at ``address``;
    ``workers`` > 1 caps a local Ray's CPUs)."""
    kind = name.strip().lower()
    if kind == "local":
        if address is not None:
            raise GymlabError("--address is the Ray cluster's address; use it with --executor ray")
        return executor_for(workers)
    if kind == "ray":
        executor_for(workers)  # the same bounds on --workers
        ray_executor = RayExecutor(address, workers if workers > 1 and address is None else None, shared_out)
        if address and address != "auto":
            ray_executor.check_reachable()  # before any output folder is made
        return ray_executor
    raise GymlabError(f"unknown executor {name!r}; choose one of: {', '.join(EXECUTORS)}")
