"""Reservoir sampling of a ≥ 500 MB file: time and peak memory beside `shuf -n` itself.

A generated text file (≈ 8.4 million lines) lives in a temporary directory and is deleted
afterwards. Each contender runs in its own child process, started by a small Python wrapper
that reports the child's wall time and its peak resident memory
(``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss``, covering that child only). The bare
interpreter is measured too, so the memory our sampler itself adds can be read off.
Run: .venv/bin/python benchmarks/bench_sampling.py [--mb 500] [-n 1000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]

WRAPPER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "max_rss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""

OURS = "import sys; from gymlab.experiments.stats import sample_lines; sample_lines(sys.argv[1], int(sys.argv[2]), 0)"
OURS_COUNT = "import sys; from gymlab.experiments.stats import sample_and_count; sample_and_count(sys.argv[1], int(sys.argv[2]), 0)"
BARE = "import numpy, gymlab.experiments.stats"


def make_file(path: Path, megabytes: int, seed: int = 0) -> int:
    """Write ≥ ``megabytes`` MB of lines like ``0000012345 player 73 scored 18 points``; return lines."""
    rng = np.random.default_rng(seed)
    target, written, lines = megabytes * 1_000_000, 0, 0
    with path.open("wb") as f:
        while written < target:
            a, b = rng.integers(0, 100, 100_000), rng.integers(0, 60, 100_000)
            chunk = "".join(
                f"{lines + i:010d} player {x} scored {y} points in game {i % 82}\n"
                for i, (x, y) in enumerate(zip(a.tolist(), b.tolist(), strict=True))
            ).encode()
            f.write(chunk)
            written += len(chunk)
            lines += 100_000
    return lines


def measure(command: list[str]) -> dict:
    """Wall time and peak RSS of ``command`` in a fresh child process."""
    result = subprocess.run(
        [sys.executable, "-c", WRAPPER, *command], capture_output=True, text=True, check=True, cwd=REPO
    )
    return json.loads(result.stdout)


def traced_peak(path: Path, k: int) -> int:
    """Peak bytes that Python allocates while our sampler runs (tracemalloc, in this process)."""
    from gymlab.experiments.stats import sample_lines

    tracemalloc.start()
    sample_lines(path, k, 0)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=500, help="file size in MB (at least 500 for the report)")
    parser.add_argument("-n", type=int, default=1000, help="lines to sample (K)")
    parser.add_argument("--repeats", type=int, default=2, help="runs of each contender; the fastest counts")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="gymlab-bench-") as tmp:
        path = Path(tmp) / "big.txt"
        start = time.perf_counter()
        lines = make_file(path, args.mb)
        size = path.stat().st_size
        print(
            f"file: {size / 1e6:.0f} MB, {lines:,} lines (generated in {time.perf_counter() - start:.1f} s)"
        )
        contenders = {
            f"shuf -n {args.n}": ["shuf", "-n", str(args.n), str(path)],
            f"ours: sample_lines (K={args.n})": [sys.executable, "-c", OURS, str(path), str(args.n)],
            "ours: sample_and_count (+ wc)": [sys.executable, "-c", OURS_COUNT, str(path), str(args.n)],
            "wc -l -w -c": ["wc", "-l", "-w", "-c", str(path)],
            "bare python + imports": [sys.executable, "-c", BARE],
        }
        results = {}
        for name, command in contenders.items():
            runs = [measure(command) for _ in range(args.repeats)]
            results[name] = {
                "seconds": min(r["seconds"] for r in runs),
                "max_rss_mb": max(r["max_rss_kb"] for r in runs) / 1024,
            }
        peak = traced_peak(path, args.n)

    shuf = results[f"shuf -n {args.n}"]
    bare = results["bare python + imports"]
    print(f"{'contender':<36}{'time s':>9}{'MB/s':>8}{'peak RSS MB':>13}{'time ratio':>12}")
    for name, r in results.items():
        rate = f"{size / 1e6 / r['seconds']:>8.0f}" if "bare" not in name else f"{'':>8}"
        print(
            f"{name:<36}{r['seconds']:>9.2f}{rate}{r['max_rss_mb']:>13.1f}{r['seconds'] / shuf['seconds']:>12.2f}"
        )
    ours = results[f"ours: sample_lines (K={args.n})"]
    print(
        f"our sampler adds {ours['max_rss_mb'] - bare['max_rss_mb']:.1f} MB RSS over the bare interpreter "
        f"(tracemalloc peak of Python allocations: {peak / 1e6:.2f} MB) for a {size / 1e6:.0f} MB file; "
        f"time ratio vs shuf: {ours['seconds'] / shuf['seconds']:.2f} "
        f"({(ours['seconds'] - bare['seconds']) / shuf['seconds']:.2f} without the interpreter's start-up)"
    )
    print("the temporary file has been deleted")


if __name__ == "__main__":
    main()
