"""The experiment runner's Python API: train one run, evaluate a run, run many specs.

An experiment is a list of independent run specs handed to an executor. The pipeline has one
room per job, and this module only calls them:

    spec       :mod:`gymlab.experiments.spec`        settings resolved, named by their hash
    execute    :mod:`gymlab.experiments.training`    one training loop with periodic evaluation
    store      :mod:`gymlab.experiments.store`       the only code that touches a run folder
    executors  :mod:`gymlab.experiments.executors`   in-process, process pool (and a cluster next)

What gymlab knows about each env comes from its profile (:mod:`gymlab.experiments.profiles`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from gymlab.envs.errors import GymlabError
from gymlab.envs.limits import LIMITS, check_count
from gymlab.experiments.environments import config_env, env_id, make_env, short_name
from gymlab.experiments.evaluation import evaluate
from gymlab.experiments.executors import Executor, executor_for
from gymlab.experiments.profiles import EVAL_SEED, canonical, profile_for
from gymlab.experiments.spec import RunSpec, agent_names, config_hash, is_algorithm, resolve, run_name
from gymlab.experiments.store import RESULT_FILE, RunResult, clean_abandoned, load_result
from gymlab.experiments.training import execute_run, load_agent

__all__ = [
    "RunResult",
    "RunSpec",
    "config_env",
    "config_hash",
    "env_id",
    "evaluate_run",
    "execute_run",
    "load_agent",
    "make_env",
    "resolve",
    "run_all",
    "run_name",
    "short_name",
    "train",
    "train_seeds",
    "train_spec",
]


def run_all(
    specs: list[RunSpec],
    root: str | Path,
    workers: int = 1,
    on_done: Callable[[RunResult], None] | None = None,
    executor: Executor | None = None,
) -> list[RunResult]:
    """Run every spec under ``root/<run name>/``; finished runs are loaded, not recomputed.

    Specs are resolved (and so checked) before anything runs: a typo fails in a second, not
    after an hour of training. Partial folders left by a dead process are cleaned; those of a
    live one (another compare into the same folder) are left alone. ``executor`` (default: by
    ``workers``) runs what is not finished yet.
    """
    root = Path(root)
    executor = executor if executor is not None else executor_for(workers)
    jobs = [(spec, root / run_name(resolve(spec))) for spec in specs]
    clean_abandoned(root)
    results: list[RunResult] = []
    todo = []
    for spec, run_dir in jobs:
        if (run_dir / RESULT_FILE).is_file():
            results.append(load_result(run_dir))
        else:
            todo.append((spec, run_dir))

    def done(result: RunResult) -> None:
        results.append(result)
        if on_done is not None:
            on_done(result)

    for result in list(results):
        if on_done is not None:
            on_done(result)
    executor.map(todo, done)
    order = {run_dir.name: index for index, (_, run_dir) in enumerate(jobs)}
    return sorted(results, key=lambda result: order[result.run_dir.name])


def train(
    env: str,
    algo: str,
    steps: int | None = None,
    seed: int = 0,
    reward: str | None = None,
    env_kwargs: dict[str, Any] | None = None,
    hyperparams: dict[str, Any] | None = None,
    out: str | Path | None = None,
    eval_episodes: int | None = None,
    progress: bool = False,
    tensorboard: bool = False,
    parent: str | Path | None = None,
) -> RunResult:
    """Train ``algo`` on ``env`` and write a run directory (see :mod:`gymlab.experiments.store`);
    with ``parent`` (a finished SB3 run), go on training its model (``--from``, a clone).

    ``eval_episodes=None``: the profile's number (every amount once on the coin env, 100;
    else 10 episodes).
    """
    spec = train_spec(env, algo, steps, seed, reward, env_kwargs, hyperparams, eval_episodes, parent)
    config = resolve(spec)
    from gymlab.experiments.io import default_out_dir

    short = profile_for(config["env"]).short
    run_dir = Path(out) if out is not None else default_out_dir(f"train-{short}-{config['agent']}")
    return execute_run(spec, run_dir, progress=progress, tensorboard=tensorboard)


def train_seeds(
    env: str,
    algo: str,
    seeds: list[int],
    executor: Executor | None = None,
    out: str | Path | None = None,
    on_done: Callable[[RunResult], None] | None = None,
    **settings: Any,
) -> list[RunResult]:
    """Train ``algo`` on ``env`` once per seed, the runs on ``executor`` (as compare's are), each
    in ``out/<run name>/``; finished runs are reused. ``settings``: :func:`train`'s steps,
    reward, env_kwargs, hyperparams, eval_episodes, parent."""
    if not seeds or len(set(seeds)) != len(seeds):
        raise GymlabError(f"--seeds needs different seeds, e.g. 0,1,2 (got {seeds})")
    specs = [train_spec(env, algo, seed=seed, **settings) for seed in seeds]
    if out is None:
        from gymlab.experiments.io import default_out_dir

        config = resolve(specs[0])
        out = default_out_dir(f"train-{profile_for(config['env']).short}-{config['agent']}-seeds")
    return run_all(specs, out, executor=executor, on_done=on_done)


def train_spec(
    env: str,
    algo: str,
    steps: int | None = None,
    seed: int = 0,
    reward: str | None = None,
    env_kwargs: dict[str, Any] | None = None,
    hyperparams: dict[str, Any] | None = None,
    eval_episodes: int | None = None,
    parent: str | Path | None = None,
) -> RunSpec:
    """The checked spec of one training run (a learner, a budget and seed within the limits)."""
    full_id = env_id(env)
    profile = profile_for(full_id)
    if eval_episodes is None:
        eval_episodes = profile.eval_episodes
    if not is_algorithm(algo) and canonical(algo) not in profile.agents:
        raise GymlabError(
            f"unknown algorithm {algo!r} for {full_id}; choose one of: {', '.join(agent_names(full_id))}"
        )
    spec = RunSpec(
        env=env,
        agent=algo,
        seed=seed,
        steps=steps,
        reward=reward,
        env_kwargs=dict(env_kwargs or {}),
        hyperparams=dict(hyperparams or {}),
        eval_episodes=eval_episodes,
        parent=None if parent is None else str(parent),
    )
    config = resolve(spec)
    if config["kind"] == "baseline":
        raise GymlabError(
            f"{algo!r} is a fixed algorithm and does not learn; "
            f"`gymlab compare {profile.short} --agents {algo}` measures it"
        )
    if steps is not None:
        check_count("--steps", steps, LIMITS["steps"])
    check_count("--episodes", eval_episodes, LIMITS["episodes"])
    if seed < 0:
        raise GymlabError(f"--seed must be a whole number ≥ 0 (got {seed})")
    return spec


def evaluate_run(
    run_dir: str | Path, episodes: int | None = None, gif: str | Path | None = None
) -> dict[str, Any]:
    """Evaluate a finished run again: ``{"run_dir", "config", "summary", "episodes", "files"}``;
    with ``gif``, also write a replay of one lap from the start line there (lap envs)."""
    agent, config = load_agent(run_dir)
    n = episodes if episodes is not None else config["eval_episodes"]
    check_count("--episodes", n, LIMITS["episodes"])
    if gif is not None and not profile_for(config["env"]).traces:
        raise GymlabError(f"--gif replays track runs; {run_dir} is a run on {config['env']}")
    report = evaluate(config, agent, n)
    files = {}
    if gif is not None:
        from gymlab.experiments.plots.track import write_replay_gif

        path, _ = write_replay_gif(agent, config_env(config), gif, title=Path(run_dir).name, seed=EVAL_SEED)
        files["gif"] = str(path)
    return {"run_dir": str(run_dir), "config": config, **report, "files": files}
