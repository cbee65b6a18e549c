"""Executors side by side: the same 8-run suite in-process, on a process pool (2) and on a local
Ray (2 CPUs). Checks the three give equal results and prints each one's wall time; Ray's
overhead per run is measured against the process pool (the same-run reference), its start-up
(``ray.init``) shown apart.

Run from the repository root: ``python benchmarks/bench_executors.py [--steps 20000]``
(8 Q-learning runs on coins, one per seed).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from gymlab.experiments.compare import compare
from gymlab.experiments.executors import InProcessExecutor, ProcessPoolExecutor, RayExecutor

RUNS = 8


def numbers(folder: Path) -> list[dict]:
    """Every number of results.json's runs except the timings."""
    rows = json.loads((folder / "results.json").read_text())["runs"]
    return [{k: v for k, v in row.items() if not k.endswith("seconds")} for row in rows]


def timed(executor, out: Path, steps: int) -> float:
    started = time.perf_counter()
    compare("coins", agents=["q_learning"], seeds=RUNS, steps=steps, out=out, executor=executor)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20_000, help="training steps per run")
    args = parser.parse_args()
    import ray

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        walls = {"in-process": timed(InProcessExecutor(), root / "inproc", args.steps)}
        walls["process pool (2)"] = timed(ProcessPoolExecutor(2), root / "pool", args.steps)
        started = time.perf_counter()
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
        ray_start = time.perf_counter() - started
        try:
            walls["ray local (2 CPUs)"] = timed(RayExecutor(), root / "ray", args.steps)
        finally:
            ray.shutdown()
        equal = numbers(root / "inproc") == numbers(root / "pool") == numbers(root / "ray")
    per_run = walls["in-process"] / RUNS
    print(f"{RUNS} runs of q_learning on coins, {args.steps} steps each; results equal: {equal}")
    for name, wall in walls.items():
        print(f"  {name:<20} {wall:7.1f} s wall   {wall / RUNS:6.2f} s per run")
    print(f"  ray.init start-up     {ray_start:7.1f} s (once per driver, not per run)")
    pool, ray_wall = walls["process pool (2)"], walls["ray local (2 CPUs)"]
    extra = (ray_wall - pool) / RUNS
    print(
        f"Ray vs pool: {extra:+.2f} s per run ({(ray_wall - pool) / pool:+.0%} of the pool's wall time); "
        f"per-run cost in-process {per_run:.2f} s"
    )
    if not equal:
        raise SystemExit("results differ between executors")


if __name__ == "__main__":
    main()
