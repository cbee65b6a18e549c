"""The Ray executor: same numbers as in-process, and one-line errors for bad input."""

from __future__ import annotations

import importlib.util
import json

import pytest

from gymlab.envs.errors import GymlabError
from gymlab.experiments import executors
from gymlab.experiments.compare import compare
from gymlab.experiments.executors import InProcessExecutor, RayExecutor, make_executor
from tests.test_cli_errors import assert_one_line_error

SUITE = {"agents": ["greedy", "q_learning"], "seeds": 2, "quick": True, "steps": 500}


def test_make_executor_names():
    assert isinstance(make_executor("local"), InProcessExecutor)
    with pytest.raises(GymlabError, match="unknown executor 'dask'"):
        make_executor("dask")
    with pytest.raises(GymlabError, match="--executor ray"):
        make_executor("local", address="auto")


def test_unknown_executor_is_one_line(cli, tmp_path):
    result = cli("compare", "coins", "--quick", "--executor", "dask", "--out", str(tmp_path / "c"))
    assert_one_line_error(result, "unknown executor", "local, ray")


def test_without_ray_installed_is_one_line(cli, monkeypatch, tmp_path):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "ray" else real(name, *a)
    )
    result = cli("compare", "coins", "--quick", "--executor", "ray", "--out", str(tmp_path / "c"))
    assert_one_line_error(result, "pip install -e '.[ray]'")


@pytest.mark.skipif(
    importlib.util.find_spec("ray") is None, reason="Ray not installed: pip install -e '.[ray]'"
)
def test_unreachable_address_is_one_line(cli, tmp_path):
    result = cli(
        "compare", "coins", "--quick", "--executor", "ray", "--address", "127.0.0.1:1", "--out", str(tmp_path)
    )
    assert_one_line_error(result, "cannot reach a Ray cluster at 127.0.0.1:1")


def test_multi_node_cluster_refuses_a_folder_not_marked_shared(monkeypatch, tmp_path):
    monkeypatch.setattr(executors.importlib.util, "find_spec", lambda name, *a: object())
    monkeypatch.delenv(executors.SHARED_OUT_ENV, raising=False)
    ray = RayExecutor(address="auto")
    monkeypatch.setattr(ray, "connect", lambda: None)
    monkeypatch.setattr(ray, "nodes", lambda: 3)
    with pytest.raises(GymlabError, match="3 nodes .* --shared-out"):
        ray.map([(None, tmp_path / "runs" / "a")], lambda result: None)
    monkeypatch.setenv(executors.SHARED_OUT_ENV, "1")
    assert RayExecutor(address="auto").shared_out


@pytest.mark.slow
@pytest.mark.skipif(
    importlib.util.find_spec("ray") is None, reason="Ray not installed: pip install -e '.[ray]'"
)
def test_ray_gives_the_same_numbers_as_in_process(tmp_path):
    import ray

    local = compare("coins", **SUITE, out=tmp_path / "local")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        first = compare("coins", **SUITE, out=tmp_path / "ray", executor=RayExecutor())
        again = compare("coins", **SUITE, out=tmp_path / "ray", executor=RayExecutor())
    finally:
        ray.shutdown()
    assert first["computed"] == 3 and again["reused"] == 3 and again["computed"] == 0

    def numbers(folder):
        rows = json.loads((folder / "results.json").read_text())["runs"]
        return [
            {k: v for k, v in row.items() if not k.endswith("seconds") and k not in ("run_dir", "path")}
            for row in rows
        ]

    assert len(local["runs"]) == 3
    assert numbers(tmp_path / "local") == numbers(tmp_path / "ray")


def test_ctrl_c_cancels_the_outstanding_tasks(monkeypatch, tmp_path):
    """A fake ``ray`` module: the first result arrives, then Ctrl-C; the other tasks are cancelled."""
    monkeypatch.setattr(executors.importlib.util, "find_spec", lambda name, *a: object())
    cancelled = []

    class FakeRay:
        def remote(self, **options):
            assert options["num_cpus"] == 1
            return lambda function: type(
                "Task", (), {"remote": staticmethod(lambda spec, run_dir: run_dir.name)}
            )

        def wait(self, pending, num_returns):
            return pending[:num_returns], pending[num_returns:]

        def get(self, ref):
            return ref

        def cancel(self, ref, force):
            cancelled.append(ref)

        def cluster_resources(self):
            return {"CPU": 4.0}

    executor = RayExecutor()
    monkeypatch.setattr(executor, "connect", lambda: FakeRay())
    monkeypatch.setattr(executor, "nodes", lambda: 1)

    def interrupted(result):
        raise KeyboardInterrupt

    jobs = [(None, tmp_path / name) for name in ("a", "b", "c")]
    with pytest.raises(KeyboardInterrupt):
        executor.map(jobs, interrupted)
    assert cancelled == ["b", "c"]


def test_ray_keeps_no_more_tasks_in_flight_than_cpus_and_takes_jobs_lazily(monkeypatch, tmp_path):
    """A fake ``ray`` with 2 CPUs: a job is taken from the iterator only when a task finished, after
    ``on_done`` saw it (tune asks Optuna for the next trial there)."""
    monkeypatch.setattr(executors.importlib.util, "find_spec", lambda name, *a: object())
    events = []

    class FakeRay:
        def remote(self, **options):
            return lambda function: type(
                "Task", (), {"remote": staticmethod(lambda spec, run_dir: run_dir.name)}
            )

        def wait(self, pending, num_returns):
            events.append(("in flight", len(pending)))
            return pending[:num_returns], pending[num_returns:]

        def get(self, ref):
            return ref

        def cluster_resources(self):
            return {"CPU": 2.0}

    executor = RayExecutor()
    monkeypatch.setattr(executor, "connect", lambda: FakeRay())
    monkeypatch.setattr(executor, "nodes", lambda: 1)

    def jobs():
        for name in "abcd":
            events.append(("taken", name))
            yield None, tmp_path / name

    executor.map(jobs(), lambda result: events.append(("done", result)))
    assert events[:5] == [("taken", "a"), ("taken", "b"), ("in flight", 2), ("done", "a"), ("taken", "c")]
    assert max(n for kind, n in events if kind == "in flight") == 2
    assert [n for kind, n in events if kind == "done"] == ["a", "b", "c", "d"]


@pytest.mark.slow
@pytest.mark.skipif(
    importlib.util.find_spec("ray") is None, reason="Ray not installed: pip install -e '.[ray]'"
)
def test_a_local_rays_tasks_run_at_normal_priority():
    """Ray's default nice 15 starves runs on a shared machine; gymlab's local Ray runs them at 0."""
    import os

    import ray

    RayExecutor(num_cpus=1).connect()
    try:
        assert ray.get(ray.remote(lambda: os.nice(0)).remote()) == 0
    finally:
        ray.shutdown()
