"""Attention-model TSP benchmark: train from scratch on 20 cities, beat the greedy heuristics.

For each seed, trains :mod:`gymlab.agents.attention_tsp` (REINFORCE + POMO's shared baseline)
from scratch on fresh uniform 20-city instances for ``--minutes`` of CPU time on one core
(``--clock cpu``: the machine is shared, so the budget counts the time an idle core would take;
``--clock wall`` counts elapsed time), evaluating on the first 200 test instances as it goes.
Then, on ``--test`` fixed random 20-city instances (seed 2024):

* the reference: 2-opt + Or-opt with ``--kicks`` double-bridge kicks (:func:`local_search`),
  itself checked against the exact optimum (Held–Karp) on the first ``--exact`` instances;
* nearest neighbour from city 0 and the book's best of 20 random restarts (agents/routing);
* the model's greedy decoding (one tour from city 0) and multi-start × 8 symmetries;
* greedy inference throughput (instances/s, batched, one thread);
* zero-shot: 100 random 50-city instances (same reference) and the TSPLIB instances ≤ 100
  cities in ``--data``/tsplib (normalised to the unit square; gaps to the proven optimum).

Bars: greedy beats nearest neighbour and restarts on every seed; multi-start × 8 mean gap
≤ 2 %; greedy ≥ 1,000 instances/s. Writes ``results.json`` and ``curve.png`` (gap vs training
time) and each seed's ``model.pt`` under ``--out``.

Run: ``.venv/bin/python benchmarks/bench_tsp_attention.py [--minutes 10] [--seeds 3] [--workers 1]``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
TEST_SEED, CURVE_INSTANCES = 2024, 200


def references(instances: np.ndarray, kicks: int, first_seed: int = 0) -> np.ndarray:
    """Tour lengths by 2-opt + Or-opt with ``kicks`` double-bridge kicks (the strong reference);
    instance i's kicks use seed ``first_seed + i``."""
    from gymlab.agents.routing import local_search
    from gymlab.envs.tsp_instances import euclidean_matrix

    return np.array(
        [
            local_search(euclidean_matrix(p), kicks=kicks, seed=first_seed + i).length
            for i, p in enumerate(instances)
        ]
    )


def greedy_baselines(instances: np.ndarray) -> dict[str, np.ndarray]:
    """Nearest neighbour from city 0 and the book's best of 20 random restarts."""
    from gymlab.agents.routing import lowest_simulation, nearest_neighbour
    from gymlab.envs.tsp_instances import euclidean_matrix

    matrices = [euclidean_matrix(p) for p in instances]
    return {
        "nearest neighbour": np.array([nearest_neighbour(d, 0).length for d in matrices]),
        "restarts (best of 20)": np.array(
            [lowest_simulation(d, 20, seed=i).length for i, d in enumerate(matrices)]
        ),
    }


def train_seed(seed: int, minutes: float, clock: str, curve_set: np.ndarray, curve_ref: np.ndarray, out: str):
    """One seed: train, evaluate on the curve set as it goes, save the model. (Runs in a worker.)"""
    import torch

    from gymlab.agents.attention_tsp import AttentionSettings, save_model, solve, train_attention

    torch.set_num_threads(1)
    curve = []

    def evaluate(seen, seconds, model):
        _, greedy = solve(model, curve_set, "greedy")
        _, multi = solve(model, curve_set, "multistart")
        row = {
            "instances": seen,
            "seconds": seconds,
            "greedy_gap": float((greedy / curve_ref - 1).mean()),
            "multistart_gap": float((multi / curve_ref - 1).mean()),
        }
        curve.append(row)
        print(
            f"  seed {seed}: {seconds:6.0f} s, {seen:>7,} instances: greedy {row['greedy_gap']:.2%}, "
            f"multi-start x8 {row['multistart_gap']:.2%}",
            flush=True,
        )

    wall, cpu = time.perf_counter(), time.process_time()
    settings = AttentionSettings()
    model = train_attention(
        settings, seed=seed, seconds=minutes * 60, evaluations=10, on_evaluate=evaluate, clock=clock
    )
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    path = save_model(model, Path(out) / f"seed{seed}" / "model.pt")
    last = curve[-1] if curve else {"instances": 0, "seconds": 0.0}
    return {"seed": seed, "model": str(path), "curve": curve, "instances": last["instances"],
            "train_seconds": last["seconds"], "wall_seconds": wall, "cpu_seconds": cpu}  # fmt: skip


def summary(values) -> dict:
    """Across seeds: mean, sample std (ddof=1), the 95 % t-interval of the mean, and n."""
    from scipy import stats

    values = np.asarray(values, dtype=float)
    n = len(values)
    mean = float(values.mean())
    std = float(values.std(ddof=1)) if n > 1 else float("nan")
    half = float(stats.t.ppf(0.975, n - 1) * std / np.sqrt(n)) if n > 1 else float("nan")
    return {"mean": mean, "std": std, "ci95": [mean - half, mean + half], "n": n}


def show(stat: dict) -> str:
    if stat["n"] == 1:
        return f"{stat['mean']:.2%} (n = 1)"
    low, high = stat["ci95"]
    return f"{stat['mean']:.2%} ± {stat['std']:.2%} (95 % CI {low:.2%}–{high:.2%}, n = {stat['n']})"


def brief(stat: dict) -> str:
    return f"{stat['mean']:.1%}" + (f" ± {stat['std']:.1%}" if stat["n"] > 1 else "")


def throughput(model, instances: np.ndarray, repeats: int = 3) -> dict[str, float]:
    """Instances per second, best of ``repeats``, by wall and by CPU time (one thread): the model's
    greedy decoding, batched, and nearest neighbour (distance matrix included) as the same-run
    reference."""
    import torch

    from gymlab.agents.attention_tsp import solve
    from gymlab.agents.routing import nearest_neighbour
    from gymlab.envs.tsp_instances import euclidean_matrix

    def rates(work) -> tuple[float, float]:
        wall = cpu = np.inf
        for _ in range(repeats):
            began_wall, began_cpu = time.perf_counter(), time.process_time()
            work()
            wall = min(wall, time.perf_counter() - began_wall)
            cpu = min(cpu, time.process_time() - began_cpu)
        return len(instances) / wall, len(instances) / cpu

    torch.set_num_threads(1)
    model_wall, model_cpu = rates(lambda: solve(model, instances, "greedy", chunk=len(instances)))
    nn_wall, nn_cpu = rates(lambda: [nearest_neighbour(euclidean_matrix(p), 0) for p in instances])
    return {"wall": model_wall, "cpu": model_cpu, "nn_wall": nn_wall, "nn_cpu": nn_cpu}


def tsplib_gaps(models: dict[int, object], data: Path) -> list[dict]:
    """Every TSPLIB instance ≤ 100 cities: each model's greedy and multi-start gaps to the optimum."""
    from gymlab.agents.attention_tsp import solve_instance
    from gymlab.agents.routing import solve
    from gymlab.envs.tsp_instances import load_instance

    rows = []
    for path in sorted((data / "tsplib").glob("*.tsp")):
        instance = load_instance(path)
        if instance.n > 100 or instance.optimal is None:
            continue
        row = {"instance": instance.name, "n": instance.n, "optimal": instance.optimal,
               "coordinates": instance.coordinates is not None}  # fmt: skip
        for solver in ("nn", "restarts", "two-opt"):
            row[solver] = solve(instance, solver, restarts=20, seed=0).length / instance.optimal - 1
        for decoding in ("greedy", "multistart"):
            gaps = [
                solve_instance(m, instance, decoding).length / instance.optimal - 1 for m in models.values()
            ]
            row[f"attention {decoding}"] = summary(gaps)
        rows.append(row)
    return rows


def plot_curve(runs: list[dict], baselines: dict[str, float], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7.5, 4.5))
    for run in runs:
        seconds = [row["seconds"] / 60 for row in run["curve"]]
        axes.plot(seconds, [100 * row["greedy_gap"] for row in run["curve"]], "o-", color="tab:blue", alpha=0.7,
                  label="attention, greedy" if run is runs[0] else None)  # fmt: skip
        axes.plot(seconds, [100 * row["multistart_gap"] for row in run["curve"]], "s-", color="tab:green",
                  alpha=0.7, label="attention, multi-start × 8" if run is runs[0] else None)  # fmt: skip
    for (name, gap), color in zip(baselines.items(), ("tab:red", "tab:orange"), strict=False):
        axes.axhline(100 * gap, color=color, linestyle="--", label=name)
    axes.axhline(2.0, color="grey", linestyle=":", label="bar: 2 %")
    axes.set_yscale("log")
    axes.set_xlabel("training time (min, one CPU core)")
    axes.set_ylabel("mean gap to 2-opt+Or-opt reference (%)")
    final = float(np.mean([run["curve"][-1]["greedy_gap"] for run in runs if run["curve"]]))
    best_greedy = min(baselines.values())
    verdict = "beats" if final < best_greedy else "does not beat"
    axes.set_title(
        f"TSP20: after {seconds[-1]:.0f} min the attention model's greedy tour ({final:.1%}) {verdict} the best "
        f"greedy heuristic ({best_greedy:.1%})",
        fontsize=9,
    )
    axes.legend(fontsize=8)
    axes.grid(alpha=0.3, which="both")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="training budget per seed")
    parser.add_argument("--clock", choices=("cpu", "wall"), default="cpu", help="what the budget counts")
    parser.add_argument("--seeds", type=int, default=3, help="seeds 0..N-1")
    parser.add_argument("--workers", type=int, default=1, help="seeds trained at once (processes)")
    parser.add_argument("--test", type=int, default=1000, help="fixed random 20-city test instances")
    parser.add_argument("--kicks", type=int, default=50, help="double-bridge kicks of the reference")
    parser.add_argument("--exact", type=int, default=10, help="test instances also solved by Held–Karp")
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=REPO / "runs" / "bench-tsp-attention")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    import torch

    from gymlab.agents.attention_tsp import load_model, solve
    from gymlab.envs.tsp_instances import euclidean_matrix, held_karp

    torch.set_num_threads(1)
    rng = np.random.default_rng(TEST_SEED)
    test = rng.random((args.test, 20, 2))
    began = time.perf_counter()
    curve_reference = references(test[:CURVE_INSTANCES], args.kicks)
    jobs = [(seed, args.minutes, args.clock, test[:CURVE_INSTANCES], curve_reference, str(args.out))
            for seed in range(args.seeds)]  # fmt: skip
    print(
        f"training {args.seeds} seed(s) for {args.minutes:g} min ({args.clock} clock), {args.workers} at a time"
    )
    pool = None
    if args.workers > 1:  # the seeds train in workers while this process computes the references
        pool = ProcessPoolExecutor(args.workers, mp_context=multiprocessing.get_context("spawn"))
        futures = [pool.submit(train_seed, *job) for job in jobs]
    rest = references(test[CURVE_INSTANCES:], args.kicks, first_seed=CURVE_INSTANCES)
    reference = np.concatenate([curve_reference, rest])
    print(f"reference: 2-opt + Or-opt with {args.kicks} kicks on {args.test} instances, mean length "
          f"{reference.mean():.4f} ({time.perf_counter() - began:.0f} s)")  # fmt: skip
    exact = np.array([held_karp(euclidean_matrix(p))[1] for p in test[: args.exact]])
    reference_gap = (reference[: args.exact] / exact - 1) if args.exact else np.array([])
    if args.exact:
        print(f"  vs Held–Karp on the first {args.exact}: mean {reference_gap.mean():.3%}, "
              f"worst {reference_gap.max():.3%}")  # fmt: skip
    baselines = {
        name: float((lengths / reference - 1).mean()) for name, lengths in greedy_baselines(test).items()
    }
    for name, value in baselines.items():
        print(f"{name}: mean gap {value:.2%}")
    zero_shot = rng.random((100, 50, 2))
    reference50 = references(zero_shot, args.kicks)
    if pool is not None:
        runs = [future.result() for future in futures]
        pool.shutdown()
    else:
        runs = [train_seed(*job) for job in jobs]

    models = {run["seed"]: load_model(run["model"]) for run in runs}
    per_seed = []
    for run in runs:
        model = models[run["seed"]]
        _, greedy = solve(model, test, "greedy")
        _, multi = solve(model, test, "multistart")
        per_seed.append({
            "seed": run["seed"], "greedy_gap": float((greedy / reference - 1).mean()),
            "multistart_gap": float((multi / reference - 1).mean()),
            "instances": run["instances"], "train_seconds": run["train_seconds"],
            "wall_seconds": run["wall_seconds"], "cpu_seconds": run["cpu_seconds"],
        })  # fmt: skip
        row = per_seed[-1]
        print(f"seed {row['seed']}: greedy {row['greedy_gap']:.2%}, multi-start x8 {row['multistart_gap']:.2%} "
              f"({row['instances']:,} instances in {row['train_seconds']:.0f} s of training ({args.clock} clock); "
              f"with evaluations {row['cpu_seconds']:.0f} s CPU, {row['wall_seconds']:.0f} s wall)")  # fmt: skip
    greedy_stat = summary([row["greedy_gap"] for row in per_seed])
    multi_stat = summary([row["multistart_gap"] for row in per_seed])
    speed = throughput(models[0], test)

    fifty = {
        decoding: summary(
            [float((solve(m, zero_shot, decoding)[1] / reference50 - 1).mean()) for m in models.values()]
        )
        for decoding in ("greedy", "multistart")
    }
    fifty |= {
        name: float((lengths / reference50 - 1).mean())
        for name, lengths in greedy_baselines(zero_shot).items()
    }
    tsplib = tsplib_gaps(models, args.data) if (args.data / "tsplib").is_dir() else []

    print(f"\n20 cities, {args.test} instances, gap to 2-opt+Or-opt ({args.kicks} kicks):")
    for name, value in baselines.items():
        print(f"  {name:<28} {value:.2%}")
    print(f"  {'attention greedy':<28} {show(greedy_stat)}")
    print(f"  {'attention multi-start x8':<28} {show(multi_stat)}")
    print(
        f"greedy inference, batched, one thread: {speed['cpu']:,.0f} instances per CPU second "
        f"({speed['wall']:,.0f}/s by the wall clock); nearest neighbour {speed['nn_cpu']:,.0f} per CPU second "
        f"→ the model is {speed['cpu'] / speed['nn_cpu']:.2f}× nearest neighbour's rate"
    )
    print("\nzero-shot, 100 random 50-city instances (gap to 2-opt+Or-opt):")
    for name, value in fifty.items():
        print(f"  {name:<28} {show(value) if isinstance(value, dict) else f'{value:.2%}'}")
    print(
        "\nzero-shot, TSPLIB ≤ 100 cities (gap to the proven optimum; cities normalised to the unit square):"
    )
    for row in tsplib:
        drawn = "" if row["coordinates"] else " (no coordinates: MDS drawing of its distances)"
        print(f"  {row['instance']:<9} n={row['n']:<3} nn {row['nn']:.1%}, restarts {row['restarts']:.1%}, "
              f"two-opt {row['two-opt']:.1%}, attention greedy {brief(row['attention greedy'])}, "
              f"multi-start x8 {brief(row['attention multistart'])}{drawn}")  # fmt: skip
    curve_baselines = {name: float((lengths[:CURVE_INSTANCES] / reference[:CURVE_INSTANCES] - 1).mean())
                       for name, lengths in greedy_baselines(test[:CURVE_INSTANCES]).items()}  # fmt: skip
    plot_curve(runs, curve_baselines, args.out / "curve.png")
    checks = {
        "greedy beats nearest neighbour on every seed": all(
            row["greedy_gap"] < baselines["nearest neighbour"] for row in per_seed
        ),
        "greedy beats restarts (best of 20) on every seed": all(
            row["greedy_gap"] < baselines["restarts (best of 20)"] for row in per_seed
        ),
        "multi-start x8 mean gap ≤ 2 %": multi_stat["mean"] <= 0.02,
        f"greedy inference ≥ 1,000 instances/s ({args.clock} clock)": speed[args.clock] >= 1000,
        f"trained within {args.minutes:g} min ({args.clock} clock; one last step may run over)": all(
            row["train_seconds"] <= args.minutes * 60 + 5 for row in per_seed
        ),
    }
    results = {
        "settings": vars(args) | {"data": str(args.data), "out": str(args.out)},
        "reference": {"kind": f"2-opt + Or-opt, {args.kicks} kicks", "mean_length": float(reference.mean()),
                      "gap_to_held_karp": reference_gap.tolist()},  # fmt: skip
        "baselines": baselines, "seeds": per_seed, "greedy": greedy_stat, "multistart": multi_stat,
        "throughput": speed, "fifty_cities": fifty, "tsplib": tsplib, "curves": runs, "checks": checks,
    }  # fmt: skip
    (args.out / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(f"\nwrote {args.out / 'results.json'} and {args.out / 'curve.png'}")
    for check, passed in checks.items():
        print(f"{'PASS' if passed else 'FAIL'}  {check}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
