"""The experiment runner: an experiment is a list of independent run specs handed to an executor.

A :class:`RunSpec` names one run — env, agent (an RL algorithm or a baseline), reward, seed,
training budget, env arguments, hyperparameter overrides. :func:`resolve` turns it into the
full settings it will use (YAML defaults filled in); the run's directory name ends in a hash
of those settings, so the same settings always map to the same folder.

:func:`execute_run` trains (if the agent learns), evaluates and writes the run directory:

    config.json        resolved settings, seed, package versions (provenance)
    model.zip          the trained model (learners only)
    monitor/*.csv      SB3's Monitor log of every training episode
    evaluations.npz    periodic evaluations during training (SB3's EvalCallback)
    curve.csv          the learning curve: environment steps → evaluation return
    learning_curve.png
    evaluation.json    the final evaluation, episode by episode
    result.json        the summary — written LAST: a run is complete only when it exists

Everything is written into a hidden ``.partial-…`` sibling and renamed into place at the
end, so an interrupted run leaves no folder that looks complete, and a re-run skips every
run whose ``result.json`` exists (**resume**).

Executors: :class:`InProcessExecutor` (default) and :class:`ProcessPoolExecutor`
(``--workers N``). Both offer ``map(specs, root, on_done)``; a cluster executor (Ray) would
implement the same method, so a sweep that outgrows one machine changes the executor, not
the experiment.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import importlib.util
import json
import multiprocessing
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np
from stable_baselines3.common.callbacks import BaseCallback
from stable_baselines3.common.monitor import Monitor
from stable_baselines3.common.vec_env import DummyVecEnv

from gymlab import envs
from gymlab.agents.base import Agent
from gymlab.agents.features import wrapper_class
from gymlab.agents.rl import ALGORITHMS, SB3Agent, algorithm, check_fits
from gymlab.envs.errors import GymlabError
from gymlab.experiments import catalog, evaluation
from gymlab.experiments.hyperparams import load_settings
from gymlab.experiments.io import atomic_write, write_json
from gymlab.experiments.results import provenance

RESULT_FILE = "result.json"
CONFIG_FILE = "config.json"
MODEL_FILE = "model.zip"
DEFAULT_STEPS = 10_000
DEFAULT_EVALUATIONS = 10  # periodic evaluations during training
DEFAULT_EVAL_EPISODES = {"gymlab/CoinChange-v0": 100}  # coins: every amount 1–100 once


@dataclass(frozen=True)
class RunSpec:
    """One independent run: what to train or run, where, with which seed and budget.

    ``agent`` is an RL algorithm (``ppo``, ``a2c``, ``dqn``, ``sac``, ``maskable_ppo``) or a
    baseline of the env (``greedy``, ``two_opt``, ``pure_pursuit`` …, see :func:`agent_names`).
    ``steps=None`` takes the YAML's ``n_timesteps``; ``hyperparams`` override the YAML.
    """

    env: str
    agent: str
    seed: int = 0
    steps: int | None = None
    reward: str | None = None
    env_kwargs: dict[str, Any] = field(default_factory=dict)
    hyperparams: dict[str, Any] = field(default_factory=dict)
    eval_episodes: int = 10
    evaluations: int = DEFAULT_EVALUATIONS


@dataclass
class RunResult:
    """A finished run: its folder, resolved settings and evaluation summary."""

    run_dir: Path
    config: dict[str, Any]
    metrics: dict[str, Any]
    train_seconds: float = 0.0
    cached: bool = False

    def row(self) -> dict[str, Any]:
        """A flat table row: env, agent, reward, seed, then every metric."""
        config = self.config
        return {
            "env": config["env"],
            "agent": config["agent"],
            "reward": config["reward"] or "default",
            "seed": config["seed"],
            "steps": config["steps"],
            "train_seconds": round(self.train_seconds, 2),
            **self.metrics,
            "run": self.run_dir.name,
        }


# --- environments and agents ------------------------------------------------------------------


def env_id(name: str) -> str:
    """A gymlab short name or id (``track``), or any registered gymnasium id (``CartPole-v1``)."""
    if name in gym.registry and not name.startswith("gymlab/"):
        return name
    return envs.resolve_env_id(name)


def short_name(full_id: str) -> str:
    """``gymlab/TSP-v0`` → ``tsp``; other ids lose their namespace and version."""
    for short, full in envs.ENV_IDS.items():
        if full == full_id:
            return short
    return full_id.split("/")[-1].split("-v")[0].lower()


def make_env(full_id: str, env_kwargs: dict[str, Any] | None = None, wrapper: str | None = None) -> gym.Env:
    """``gymnasium.make`` (then the YAML's ``env_wrapper``, if any), with a one-line error for
    an argument the env does not take."""
    try:
        env = gym.make(full_id, **(env_kwargs or {}))
    except TypeError as error:
        raise GymlabError(
            f"{full_id} rejected its arguments {env_kwargs} ({error}); check --env-arg / env_kwargs"
        ) from None
    return wrapper_class(wrapper)(env) if wrapper else env


def config_env(config: dict[str, Any]) -> gym.Env:
    """The env a resolved config describes (its id, arguments and wrapper)."""
    return make_env(config["env"], config["env_kwargs"], config.get("env_wrapper"))


def evaluate_config(config: dict[str, Any], agent: Agent, episodes: int) -> dict[str, Any]:
    """Evaluate ``agent`` on the env of ``config`` (see :func:`gymlab.experiments.evaluation.evaluate`)."""
    wrapper = config.get("env_wrapper")
    return evaluation.evaluate(
        config["env"],
        agent,
        config["env_kwargs"],
        episodes,
        make=lambda full_id, kw: make_env(full_id, kw, wrapper),
    )


def agent_names(full_id: str) -> list[str]:
    """Every agent name that can run on ``full_id``: its own agents, then the RL algorithms."""
    return [*catalog.recipes(full_id), *ALGORITHMS]


def is_algorithm(name: str) -> bool:
    try:
        algorithm(name)
    except GymlabError:
        return False
    return True


def recipe(full_id: str, name: str) -> catalog.Recipe:
    """The catalog's recipe for agent ``name`` on ``full_id``, or a one-line error."""
    table = catalog.recipes(full_id)
    name = catalog.canonical(name)
    if name not in table:
        raise GymlabError(
            f"unknown agent {name!r} for {full_id}; choose one of: {', '.join(agent_names(full_id))}"
        )
    return table[name]


# Which env argument carries the reward function, per env that lets you choose one.
REWARD_ARGS: dict[str, str] = {"gymlab/TrackRacer-v0": "reward"}


def default_reward(full_id: str) -> str | None:
    """The name of the reward an env uses when none is given (None: the env's reward is fixed)."""
    if full_id not in REWARD_ARGS:
        return None
    from gymlab.envs.rewards import DEFAULT_REWARD

    return DEFAULT_REWARD


def check_reward(full_id: str, reward: str | None) -> dict[str, Any] | None:
    """Describe ``reward`` for the config (a file's content hash makes an edit a new run)."""
    if reward is None:
        return None
    if full_id not in REWARD_ARGS:
        raise GymlabError(f"{full_id} has a fixed reward; drop --reward (only the track takes one)")
    from gymlab.envs.rewards import resolve_reward

    resolve_reward(reward)  # the track's own check: a built-in name, or a .py file with reward_function
    path = Path(reward)
    if reward.endswith(".py"):
        if not path.is_file():
            raise GymlabError(f"reward file {reward} not found; pass a built-in name or an existing .py file")
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        return {"name": path.stem, "file": str(path.resolve()), "sha256": digest}
    return {"name": reward}


# --- resolving and naming a spec --------------------------------------------------------------


def resolve(spec: RunSpec) -> dict[str, Any]:
    """The full settings a spec runs with: YAML defaults, overrides, budget — all explicit."""
    full_id = env_id(spec.env)
    reward = check_reward(full_id, spec.reward)
    if is_algorithm(spec.agent):
        algo = algorithm(spec.agent)
        settings = load_settings(algo.name, full_id, spec.hyperparams)
        env_kwargs = {**settings.pop("env_kwargs", {}), **spec.env_kwargs}
        steps = spec.steps if spec.steps is not None else settings.pop("n_timesteps", DEFAULT_STEPS)
        settings.pop("n_timesteps", None)
        wrapper = settings.pop("env_wrapper", None)
        if wrapper is not None:
            wrapper_class(wrapper)  # fails early on an unknown wrapper
        agent, kind = algo.name, "sb3"
    else:
        made = recipe(full_id, spec.agent)  # fails early on an unknown agent
        if spec.hyperparams:
            raise GymlabError(f"--set applies to the RL algorithms, not to {spec.agent!r}")
        settings, env_kwargs, wrapper = {}, dict(spec.env_kwargs), None
        agent, kind = catalog.canonical(spec.agent), "learner" if made.learns else "baseline"
        steps = (spec.steps if spec.steps is not None else made.default_steps) if made.learns else 0
    if reward is not None:
        env_kwargs[REWARD_ARGS[full_id]] = reward.get("file", reward["name"])
    return {
        "env": full_id,
        "agent": agent,
        "kind": kind,
        "seed": int(spec.seed),
        "steps": int(steps),
        "reward": reward["name"] if reward else None,
        "reward_source": reward,
        "env_kwargs": env_kwargs,
        "env_wrapper": wrapper,
        "hyperparams": settings,
        "eval_episodes": int(spec.eval_episodes),
        "evaluations": int(spec.evaluations),
    }


def config_hash(config: dict[str, Any]) -> str:
    """A short, stable hash of resolved settings: equal settings ⇔ equal hash."""
    text = json.dumps(config, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def run_name(config: dict[str, Any]) -> str:
    """``track-ppo-centerline-s1-3f9a…``: readable prefix, then the settings hash."""
    reward = config["reward"] or "default"
    return f"{short_name(config['env'])}-{config['agent']}-{reward}-s{config['seed']}-{config_hash(config)}"


# --- one run ----------------------------------------------------------------------------------


def load_result(run_dir: str | Path) -> RunResult:
    """The :class:`RunResult` of a complete run directory, or a one-line error."""
    run_dir = Path(run_dir)
    path = run_dir / RESULT_FILE
    if not path.is_file():
        raise GymlabError(
            f"{run_dir} is not a finished gymlab run (no {RESULT_FILE}); "
            "pass a folder written by `gymlab train` or `gymlab compare` (…/runs/<name>)"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return RunResult(run_dir, data["config"], data["metrics"], data.get("train_seconds", 0.0), True)
    except (json.JSONDecodeError, KeyError, TypeError):
        raise GymlabError(f"{path} is unreadable; delete {run_dir} and run it again") from None


def execute_run(spec: RunSpec, run_dir: str | Path, progress: bool = False, tensorboard: bool = False):
    """Train (if the agent learns), evaluate and write ``run_dir``; skip a run already complete."""
    if tensorboard and importlib.util.find_spec("tensorboard") is None:
        raise GymlabError("--tensorboard needs the tensorboard package: pip install -e '.[tensorboard]'")
    config = resolve(spec)
    run_dir = Path(run_dir)
    if (run_dir / RESULT_FILE).is_file():
        done = load_result(run_dir)
        if config_hash(done.config) == config_hash(config):
            return done
        raise GymlabError(f"{run_dir} holds a different finished run; choose another --out")
    if run_dir.exists() and any(run_dir.iterdir()) and not (run_dir / CONFIG_FILE).is_file():
        raise GymlabError(f"{run_dir} exists and is not a gymlab run; choose an empty or new --out")

    partial = run_dir.parent / f".partial-{run_dir.name}-{uuid.uuid4().hex[:8]}"
    partial.mkdir(parents=True)
    try:
        write_json(partial / CONFIG_FILE, provenance(config, config["seed"]))
        agent, train_seconds = _train(config, partial, progress, tensorboard)
        started = time.perf_counter()
        report = evaluate_config(config, agent, config["eval_episodes"])
        eval_seconds = time.perf_counter() - started
        write_json(partial / "evaluation.json", report)
        if config["kind"] != "baseline":
            from gymlab.experiments.plots.learning import plot_run

            plot_run(partial, partial / "learning_curve.png")
        result = {
            "config": config,
            "metrics": report["summary"],
            "train_seconds": train_seconds,
            "eval_seconds": eval_seconds,
        }
        write_json(partial / RESULT_FILE, result)  # last: marks the run complete
        if run_dir.exists():
            shutil.rmtree(run_dir)  # an unfinished earlier attempt (no result.json)
        os.replace(partial, run_dir)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return RunResult(run_dir, config, report["summary"], train_seconds)


def _train(config: dict[str, Any], folder: Path, progress: bool, tensorboard: bool) -> tuple[Agent, float]:
    """Build the agent; train it if it learns. Returns (agent, training wall time in s)."""
    full_id, seed, steps = config["env"], config["seed"], config["steps"]
    if config["kind"] != "sb3":
        return _train_own(config, folder)

    use_one_torch_thread()
    agent = SB3Agent(config["agent"], config["hyperparams"])
    n_envs = int(config["hyperparams"].get("n_envs", 1))
    (folder / "monitor").mkdir()
    probe = config_env(config)
    check_fits(agent.algo, probe)
    probe.close()

    def monitored(rank: int) -> Callable[[], gym.Env]:
        return lambda: Monitor(config_env(config), str(folder / "monitor" / str(rank)))

    train_env = DummyVecEnv([monitored(rank) for rank in range(n_envs)])
    eval_env = Monitor(periodic_eval_env(config))
    seconds_per_step = 1.0 / eval_env.metadata["render_fps"] if config["env"] in LAP_ENVS else None
    # Evaluate `evaluations` times over the steps SB3 really runs (EvalCallback counts calls,
    # one per n_envs steps), also when a tiny budget rounds up to one whole rollout.
    eval_every = max(agent.steps_collected(steps, n_envs) // max(config["evaluations"], 1) // n_envs, 1)
    callbacks: list[BaseCallback] = [
        agent.eval_callback(eval_env, folder, eval_every, max(config["eval_episodes"], 1))
    ]
    if progress:
        callbacks.append(ProgressBar(steps, f"{config['agent']} on {short_name(full_id)}"))
    started = time.perf_counter()
    agent.learn(
        train_env,
        steps,
        seed=seed,
        callback=callbacks,
        tensorboard_log=str(folder / "tb") if tensorboard else None,
    )
    train_seconds = time.perf_counter() - started
    agent.save(folder / MODEL_FILE)
    train_env.close()
    eval_env.close()
    from gymlab.experiments.plots.learning import write_curve

    write_curve(folder, seconds_per_step)
    return agent, train_seconds


# Envs whose episodes are laps: their periodic evaluations start from the start line, as the
# final trials do, and record each finished lap (the curves then show the lap time too).
LAP_ENVS = ("gymlab/TrackRacer-v0",)


class LapSuccess(gym.Wrapper):
    """Marks a finished lap as ``info["is_success"]`` at the episode's end: SB3's EvalCallback
    then saves the ``successes`` of each evaluation in ``evaluations.npz``."""

    def step(self, action):
        observation, reward, terminated, truncated, info = self.env.step(action)
        if terminated or truncated:
            info = {**info, "is_success": info["status"] == "lap_complete"}
        return observation, reward, terminated, truncated, info


def periodic_eval_env(config: dict[str, Any]) -> gym.Env:
    """The env of the evaluations during training: the run's env; on a lap env, from the start
    line with finished laps marked (so the learning curve can show the lap time)."""
    if config["env"] not in LAP_ENVS:
        return config_env(config)
    env = make_env(config["env"], {**config["env_kwargs"], "start": "line"}, config.get("env_wrapper"))
    return LapSuccess(env)


def _train_own(config: dict[str, Any], folder: Path) -> tuple[Agent, float]:
    """A catalog agent: a baseline is just built; a learner (Q-learning) learns on a Monitor."""
    made = recipe(config["env"], config["agent"])
    env = make_env(config["env"], config["env_kwargs"])
    agent = made.build(env, config["seed"])
    if not made.learns:
        env.close()
        return agent, 0.0
    (folder / "monitor").mkdir()
    monitored = Monitor(env, str(folder / "monitor" / "0"))
    steps, chunks = config["steps"], max(config["evaluations"], 1)
    timesteps, returns, lengths = [], [], []
    started = time.perf_counter()
    for chunk in range(chunks):  # learn, then evaluate, like SB3's EvalCallback does
        budget = steps * (chunk + 1) // chunks - steps * chunk // chunks
        agent.learn(monitored, budget, seed=config["seed"] if chunk == 0 else None)
        report = evaluate_config(config, agent, config["eval_episodes"])
        timesteps.append(steps * (chunk + 1) // chunks)
        returns.append([row["return"] for row in report["episodes"]])
        lengths.append([row["length"] for row in report["episodes"]])
    train_seconds = time.perf_counter() - started
    monitored.close()
    agent.save(folder / made.model_file)
    atomic_write(
        folder / "evaluations.npz",
        lambda tmp: np.savez(
            tmp, timesteps=timesteps, results=np.array(returns), ep_lengths=np.array(lengths)
        ),
    )
    from gymlab.experiments.plots.learning import write_curve

    write_curve(folder)
    return agent, train_seconds


def stderr_progress(clock):
    """A started rich progress bar on stderr (stdout stays free for ``--json``): text, bar, n/total, ``clock``."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress

    progress = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        clock,
        console=Console(stderr=True),
    )
    progress.start()
    return progress


class ProgressBar(BaseCallback):
    """A rich progress bar on stderr over the training steps."""

    def __init__(self, total: int, label: str):
        super().__init__()
        self.total, self.label = total, label

    def _on_training_start(self) -> None:
        from rich.progress import TimeRemainingColumn

        self.bar = stderr_progress(TimeRemainingColumn())
        self.task = self.bar.add_task(f"training {self.label}", total=self.total)

    def _on_step(self) -> bool:
        self.bar.update(self.task, completed=min(self.num_timesteps, self.total))
        return True

    def _on_training_end(self) -> None:
        self.bar.stop()


def load_agent(run_dir: str | Path) -> tuple[Agent, dict[str, Any]]:
    """The agent of a finished run (the trained model, or the baseline rebuilt) and its config."""
    config = load_result(run_dir).config
    if config["kind"] == "sb3":
        return SB3Agent.load(Path(run_dir) / MODEL_FILE, config["agent"]), config
    made = recipe(config["env"], config["agent"])
    if config["kind"] == "learner":
        return made.load(Path(run_dir) / made.model_file), config
    env = make_env(config["env"], config["env_kwargs"])
    agent = made.build(env, config["seed"])
    env.close()
    return agent, config


# --- executors --------------------------------------------------------------------------------


def _run_in_worker(spec: RunSpec, run_dir: Path) -> RunResult:
    """What a worker process runs: one spec (a top-level function, so spawn can pickle it)."""
    return execute_run(spec, run_dir)


def use_one_torch_thread() -> None:
    """Train on one core: torch's thread pool costs more than it gains on these small networks.

    Measured on 2 shared cores (PPO, CartPole, 4 envs): 3.9k steps/s with 1 thread, 1.1k with 2.
    """
    import torch

    torch.set_num_threads(1)


class InProcessExecutor:
    """Run the specs one after another in this process (the default; easiest to debug)."""

    def map(self, jobs: Iterable[tuple[RunSpec, Path]], on_done: Callable[[RunResult], None]) -> None:
        for spec, run_dir in jobs:
            on_done(execute_run(spec, run_dir))


class ProcessPoolExecutor:
    """Run the specs in ``workers`` fresh Python processes (spawn: no state shared by fork).

    Spawned workers re-import the main module, so a script that calls :func:`compare` with
    ``workers > 1`` needs an ``if __name__ == "__main__":`` guard (the CLI has one).
    """

    def __init__(self, workers: int):
        self.workers = workers

    def map(self, jobs: Iterable[tuple[RunSpec, Path]], on_done: Callable[[RunResult], None]) -> None:
        context = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(
            self.workers, mp_context=context, initializer=use_one_torch_thread
        ) as pool:
            futures = [pool.submit(_run_in_worker, spec, run_dir) for spec, run_dir in jobs]
            try:
                for future in concurrent.futures.as_completed(futures):
                    on_done(future.result())
            except BaseException:
                for future in futures:
                    future.cancel()
                raise


def executor_for(workers: int) -> InProcessExecutor | ProcessPoolExecutor:
    """In-process for one worker, a process pool for more."""
    if workers < 1:
        raise GymlabError(f"--workers must be at least 1 (got {workers})")
    most = 4 * (os.cpu_count() or 1)  # each worker is a Python process with torch loaded
    if workers > most:
        raise GymlabError(f"--workers {workers} is more than {most} (4 per CPU core here); use fewer workers")
    return InProcessExecutor() if workers == 1 else ProcessPoolExecutor(workers)


def run_all(
    specs: list[RunSpec],
    root: str | Path,
    workers: int = 1,
    on_done: Callable[[RunResult], None] | None = None,
) -> list[RunResult]:
    """Run every spec under ``root/<run name>/``; finished runs are loaded, not recomputed.

    Specs are resolved (and so checked) before anything runs: a typo fails in a second, not
    after an hour of training.
    """
    root = Path(root)
    jobs = [(spec, root / run_name(resolve(spec))) for spec in specs]
    for stale in root.glob(".partial-*"):
        shutil.rmtree(stale, ignore_errors=True)  # left by an interrupted earlier run
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
    executor_for(workers).map(todo, done)
    order = {run_dir.name: index for index, (_, run_dir) in enumerate(jobs)}
    return sorted(results, key=lambda result: order[result.run_dir.name])


# --- the Python API the CLI and the lessons call ------------------------------------------------


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
) -> RunResult:
    """Train ``algo`` on ``env`` and write a run directory (see the module docstring).

    ``eval_episodes=None``: every amount once on the coin env (100), else 10 episodes.
    """
    if eval_episodes is None:
        eval_episodes = DEFAULT_EVAL_EPISODES.get(env_id(env), 10)
    spec = RunSpec(
        env=env,
        agent=algo,
        seed=seed,
        steps=steps,
        reward=reward,
        env_kwargs=dict(env_kwargs or {}),
        hyperparams=dict(hyperparams or {}),
        eval_episodes=eval_episodes,
    )
    full_id = env_id(env)
    if not is_algorithm(algo) and catalog.canonical(algo) not in catalog.recipes(full_id):
        raise GymlabError(
            f"unknown algorithm {algo!r} for {full_id}; choose one of: {', '.join(agent_names(full_id))}"
        )
    config = resolve(spec)
    if config["kind"] == "baseline":
        raise GymlabError(
            f"{algo!r} is a fixed algorithm and does not learn; "
            f"`gymlab compare {short_name(config['env'])} --agents {algo}` measures it"
        )
    if steps is not None and steps < 1:
        raise GymlabError(f"--steps must be at least 1 (got {steps})")
    if eval_episodes < 1:
        raise GymlabError(f"--episodes must be at least 1 (got {eval_episodes})")
    if seed < 0:
        raise GymlabError(f"--seed must be a whole number ≥ 0 (got {seed})")
    from gymlab.experiments.io import default_out_dir

    run_dir = (
        Path(out)
        if out is not None
        else default_out_dir(f"train-{short_name(config['env'])}-{config['agent']}")
    )
    return execute_run(spec, run_dir, progress=progress, tensorboard=tensorboard)


def evaluate_run(run_dir: str | Path, episodes: int | None = None) -> dict[str, Any]:
    """Evaluate a finished run again: ``{"run_dir", "config", "summary", "episodes"}``."""
    agent, config = load_agent(run_dir)
    n = episodes if episodes is not None else config["eval_episodes"]
    if n < 1:
        raise GymlabError(f"--episodes must be at least 1 (got {n})")
    report = evaluate_config(config, agent, n)
    return {"run_dir": str(run_dir), "config": config, **report}
