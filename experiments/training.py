"""Executing one run: build the agent, train it with periodic evaluations, evaluate, store.

One training path for every learner. Every ``steps / evaluations`` steps the learner is
evaluated by :func:`gymlab.experiments.evaluation.evaluate` on the env profile's fixed
evaluation episodes — the same amounts, instances and start line as the final table and the
baselines — and the run's final evaluation is the curve's last point. So a learning curve and
the results table are the same numbers, and no curve can beat an exact solver that the table
says it trails.

SB3 learners are evaluated from a callback (their learning-rate schedules span the whole
budget); gymlab's own learners (tabular Q-learning) learn in chunks between evaluations.
Training seconds exclude the time spent evaluating.

Early stopping (pruning): ``execute_run(…, trial=T)`` hands each periodic evaluation to
``T.should_stop(steps, summary)`` (a :class:`~gymlab.experiments.tune.TrialLink` reports it to
an Optuna study); when it answers True, training stops right there — SB3's callback returns
False, an own learner's loop breaks — and the run returns a :class:`PrunedRun`: its partial
folder is dropped, so no half-trained run is ever stored as finished.
"""

from __future__ import annotations

import importlib.util
import inspect
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import gymnasium as gym
from stable_baselines3.common.callbacks import BaseCallback
from stable_baselines3.common.monitor import Monitor
from stable_baselines3.common.vec_env import DummyVecEnv

from gymlab.agents.base import Agent
from gymlab.agents.rl import SB3Agent
from gymlab.envs.errors import GymlabError
from gymlab.experiments.environments import config_env, short_name
from gymlab.experiments.evaluation import evaluate
from gymlab.experiments.profiles import profile_for
from gymlab.experiments.spec import RunSpec, config_hash, resolve
from gymlab.experiments.store import (
    CONFIG_FILE,
    RESULT_FILE,
    CurvePoint,
    PartialRun,
    RunResult,
    claim_run,
    load_result,
)
from gymlab.experiments.traces import TraceLog, TraceRecorder

__all__ = ["PrunedRun", "Stopper", "execute_run", "load_agent", "stderr_progress", "use_one_torch_thread"]

MODEL_FILE = "model.zip"
TRACE_EVERY = 10  # trace.csv keeps every 10th training episode (and every evaluation step) …
TRACE_ROWS = 100_000  # … and thins the training sample to stay under this many rows


class Stopper(Protocol):
    """Told every periodic evaluation; True stops training (a pruned trial)."""

    def should_stop(self, steps: int, summary: dict[str, Any]) -> bool: ...


@dataclass
class PrunedRun:
    """A run stopped during training by its :class:`Stopper`: nothing of it was stored (its
    partial folder was dropped); ``steps`` trained when stopped, its curve up to there."""

    run_dir: Path
    config: dict[str, Any]
    steps: int
    points: list[CurvePoint]
    cached: bool = False


class _Stopped(Exception):
    """Raised from an own learner's ``on_evaluate`` hook to leave its training loop."""


def execute_run(
    spec: RunSpec,
    run_dir: str | Path,
    progress: bool = False,
    tensorboard: bool = False,
    trial: Stopper | None = None,
) -> RunResult | PrunedRun:
    """Train (if the agent learns), evaluate and write ``run_dir``; reuse a run already complete.

    The folder is claimed first (see :mod:`gymlab.experiments.store`): a second process on the
    same settings waits and reuses the result; on other settings it stops with one line. With
    ``trial``, each periodic evaluation asks it whether to stop: a stopped run is a
    :class:`PrunedRun` and leaves no folder."""
    if tensorboard and importlib.util.find_spec("tensorboard") is None:
        raise GymlabError("--tensorboard needs the tensorboard package: pip install -e '.[tensorboard]'")
    config = resolve(spec)
    identity = config_hash(config)
    run_dir = Path(run_dir)
    with claim_run(run_dir, identity):
        if (run_dir / RESULT_FILE).is_file():
            done = load_result(run_dir)
            if config_hash(done.config) == identity:
                return done
            raise GymlabError(f"{run_dir} holds a different finished run; choose another --out")
        if run_dir.exists() and any(run_dir.iterdir()) and not (run_dir / CONFIG_FILE).is_file():
            raise GymlabError(f"{run_dir} exists and is not a gymlab run; choose an empty or new --out")
        partial = PartialRun(run_dir)
        try:
            partial.write_config(config)
            evaluations = PeriodicEvaluation(config, trial)
            agent, train_seconds, steps_run = train_agent(config, partial, evaluations, progress, tensorboard)
            if evaluations.stopped:
                return PrunedRun(run_dir, config, evaluations.points[-1].steps, evaluations.points)
            started = time.perf_counter()
            report = evaluate(config, agent, config["eval_episodes"], evaluations.trace)
            eval_seconds = time.perf_counter() - started
            partial.write_evaluation(report)
            if evaluations.trace is not None:
                evaluations.trace.write(partial.folder)
            if config["kind"] != "baseline":
                evaluations.record(report, steps_run, train_seconds)  # the curve's last point
                partial.write_curve(evaluations.points)
                from gymlab.experiments.plots.learning import plot_run

                plot_run(partial.folder, partial.path("learning_curve.png"))
            result = {
                "config": config,
                "metrics": report["summary"],
                "train_seconds": train_seconds,
                "eval_seconds": eval_seconds,
                "steps_run": steps_run,  # PPO runs whole rollouts: the budget rounded up
            }
            partial.commit(result)
        finally:
            partial.discard()
    return RunResult(run_dir, config, report["summary"], train_seconds, steps_run=steps_run)


class PeriodicEvaluation:
    """The learner's evaluations during training, on the profile's fixed evaluation episodes."""

    def __init__(self, config: dict[str, Any], stopper: Stopper | None = None):
        self.config = config
        profile = profile_for(config["env"])
        self.laps = profile.laps
        self.trace = TraceLog(train_every=TRACE_EVERY, limit=TRACE_ROWS) if profile.traces else None
        self.points: list[CurvePoint] = []
        self.stopper = stopper
        self.stopped = False  # the stopper said stop: training ends, the run is not stored

    def __call__(self, agent: Agent, steps: int, train_seconds: float) -> None:
        report = evaluate(self.config, agent, self.config["eval_episodes"], self.trace)
        self.record(report, steps, train_seconds)
        if self.stopper is not None and self.stopper.should_stop(int(steps), report["summary"]):
            self.stopped = True

    def training_env(self, env: gym.Env) -> gym.Env:
        """``env``, recording a sample of its training episodes into the run's trace."""
        return env if self.trace is None else TraceRecorder(env, self.trace, "train")

    def record(self, report: dict[str, Any], steps: int, train_seconds: float) -> None:
        """Add an evaluation's report as the curve point at ``steps`` (replacing one already there)."""
        rows = report["episodes"]
        point = CurvePoint(
            steps=int(steps),
            train_seconds=train_seconds,
            summary=report["summary"],
            returns=[row["return"] for row in rows],
            lengths=[row["length"] for row in rows],
            successes=[row.get("status") == "lap_complete" for row in rows] if self.laps else None,
        )
        if self.points and self.points[-1].steps == point.steps:
            self.points.pop()
        self.points.append(point)


def train_agent(
    config: dict[str, Any],
    partial: PartialRun,
    evaluations: PeriodicEvaluation,
    progress: bool,
    tensorboard: bool,
) -> tuple[Agent, float, int]:
    """Build the agent and train it if it learns: (agent, training seconds, steps trained)."""
    if config["kind"] == "sb3":
        return _train_sb3(config, partial, evaluations, progress, tensorboard)
    made = profile_for(config["env"]).recipe(config["agent"])
    env = config_env(config)
    agent = made.build(env, config["seed"], **config.get("hyperparams", {}))
    if not made.learns:
        env.close()
        return agent, 0.0, 0
    monitored = Monitor(evaluations.training_env(env), str(partial.monitor_dir / "0"))
    steps, chunks = config["steps"], max(config["evaluations"], 1)
    clock = 0.0
    if "on_evaluate" in inspect.signature(agent.learn).parameters:  # it calls the evaluations itself
        started = time.perf_counter()
        evaluated = [0.0]

        def on_evaluate(seen: int, seconds: float) -> None:
            if seen < steps:  # the final evaluation comes after training
                began = time.perf_counter()
                evaluations(agent, seen, seconds)
                evaluated[0] += time.perf_counter() - began
                if evaluations.stopped:
                    raise _Stopped

        try:
            agent.learn(monitored, steps, seed=config["seed"], evaluations=chunks, on_evaluate=on_evaluate)
        except _Stopped:
            pass
        clock = time.perf_counter() - started - evaluated[0]
        chunks = 0
    for chunk in range(chunks):  # learn, then evaluate (the last evaluation is the final one)
        budget = steps * (chunk + 1) // chunks - steps * chunk // chunks
        started = time.perf_counter()
        agent.learn(monitored, budget, seed=config["seed"] if chunk == 0 else None)
        clock += time.perf_counter() - started
        if chunk < chunks - 1:
            evaluations(agent, steps * (chunk + 1) // chunks, clock)
            if evaluations.stopped:
                break
    monitored.close()
    if evaluations.stopped:
        return agent, clock, evaluations.points[-1].steps
    agent.save(partial.path(made.model_file))
    return agent, clock, steps


class EvaluateEvery(BaseCallback):
    """Calls ``evaluations`` at ``start + k × (end − start) / count`` steps for k = 1 … count − 1
    (the final evaluation, after training, is the last of ``count`` points); keeps a training
    clock that leaves the evaluations out."""

    def __init__(self, agent: SB3Agent, evaluations: PeriodicEvaluation, start: int, end: int, count: int):
        super().__init__()
        self.agent, self.evaluations = agent, evaluations
        count = max(int(count), 1)
        self.due = sorted({start + max((end - start) * k // count, 1) for k in range(1, count)})
        self.evaluating = 0.0

    def _on_training_start(self) -> None:
        self.started = time.perf_counter()

    def train_seconds(self) -> float:
        return time.perf_counter() - self.started - self.evaluating

    def _on_step(self) -> bool:
        if self.due and self.num_timesteps >= self.due[0]:
            started = time.perf_counter()
            self.evaluations(self.agent, self.num_timesteps, self.train_seconds())
            self.evaluating += time.perf_counter() - started
            self.due = [step for step in self.due if step > self.num_timesteps]
        return not self.evaluations.stopped  # False ends SB3's learn() at once


def _train_sb3(
    config: dict[str, Any],
    partial: PartialRun,
    evaluations: PeriodicEvaluation,
    progress: bool,
    tensorboard: bool,
) -> tuple[Agent, float, int]:
    use_one_torch_thread()
    n_envs = int(config["hyperparams"].get("n_envs", 1))
    monitor = partial.monitor_dir

    def monitored(rank: int) -> Callable[[], gym.Env]:
        return lambda: Monitor(evaluations.training_env(config_env(config)), str(monitor / str(rank)))

    train_env = DummyVecEnv([monitored(rank) for rank in range(n_envs)])
    if config.get("parent"):  # continue the parent's model: its steps go on counting
        agent = continued_agent(config, train_env)
    else:
        agent = SB3Agent(config["agent"], config["hyperparams"])  # learn() checks it fits the env
    start = agent.model.num_timesteps if agent.model is not None else 0
    steps_run = start + agent.steps_collected(config["steps"], n_envs)
    evaluate_every = EvaluateEvery(agent, evaluations, start, steps_run, config["evaluations"])
    callbacks: list[BaseCallback] = [evaluate_every]
    if progress:
        callbacks.append(ProgressBar(start, steps_run, f"{config['agent']} on {short_name(config['env'])}"))
    agent.learn(
        train_env,
        config["steps"],
        seed=config["seed"],
        callback=callbacks,
        tensorboard_log=str(partial.path("tb")) if tensorboard else None,
    )
    train_seconds = evaluate_every.train_seconds()
    if not evaluations.stopped:
        agent.save(partial.path(MODEL_FILE))
    train_env.close()
    return agent, train_seconds, int(agent.model.num_timesteps)


def continued_agent(config: dict[str, Any], train_env: DummyVecEnv) -> SB3Agent:
    """The parent run's trained model, set to train on ``train_env`` (``--from``): its action
    space must be the env's, the reward may differ."""
    parent = Path(config["parent"]["run"])
    agent = SB3Agent.load(parent / MODEL_FILE, config["agent"])
    space = train_env.action_space
    if agent.model.action_space != space:
        raise GymlabError(
            f"--from {parent}: its model acts in {agent.model.action_space}, this env in {space}; "
            "keep the parent's action set (drop --env-arg actions/continuous)"
        )
    if not isinstance(space, gym.spaces.Discrete):
        return agent
    parent_env = config_env(load_result(parent).config)
    learned, here = (getattr(env.unwrapped, "actions", None) for env in (parent_env, train_env.envs[0]))
    parent_env.close()
    if learned != here:  # as many actions, but other ones: an index would change its meaning
        k = next(k for k, (a, b) in enumerate(zip(learned, here, strict=True)) if a != b)
        raise GymlabError(
            f"--from {parent}: its model's action {k} is {learned[k]}, this env's is {here[k]} (raceline:K "
            "actions are clusters of one track's line); keep the parent's actions, track and direction"
        )
    return agent


def load_agent(run_dir: str | Path) -> tuple[Agent, dict[str, Any]]:
    """The agent of a finished run (the trained model, or the baseline rebuilt) and its config."""
    config = load_result(run_dir).config
    if config["kind"] in ("sb3", "learner"):
        use_one_torch_thread()  # as in training: two threads made evaluate's decisions 10–40× slower
    if config["kind"] == "sb3":
        return SB3Agent.load(Path(run_dir) / MODEL_FILE, config["agent"]), config
    made = profile_for(config["env"]).recipe(config["agent"])
    if config["kind"] == "learner":
        return made.load(Path(run_dir) / made.model_file), config
    env = config_env(config)
    agent = made.build(env, config["seed"])
    env.close()
    return agent, config


def use_one_torch_thread() -> None:
    """Train on one core: torch's thread pool costs more than it gains on these small networks.

    Measured on 2 shared cores (PPO, CartPole, 4 envs): 3.9k steps/s with 1 thread, 1.1k with 2.
    """
    import torch

    torch.set_num_threads(1)


def stderr_progress(clock):
    """A started rich progress bar on stderr (stdout stays free for ``--json``): text, bar, n/total,
    ``clock``. Only where a person watches: piped or captured, stderr holds only real errors (a bar's
    last frame printed before an error line made the error two lines)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress

    console = Console(stderr=True)
    progress = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        clock,
        console=console,
        disable=not console.is_terminal,
    )
    progress.start()
    return progress


class ProgressBar(BaseCallback):
    """A rich progress bar on stderr over the training steps, from ``start`` (a parent's steps) to ``end``."""

    def __init__(self, start: int, end: int, label: str):
        super().__init__()
        self.start, self.total, self.label = start, end - start, label

    def _on_training_start(self) -> None:
        from rich.progress import TimeRemainingColumn

        self.bar = stderr_progress(TimeRemainingColumn())
        self.task = self.bar.add_task(f"training {self.label}", total=self.total)

    def _on_step(self) -> bool:
        self.bar.update(self.task, completed=min(self.num_timesteps - self.start, self.total))
        return True

    def _on_training_end(self) -> None:
        self.bar.stop()
