"""PPO against the lap-time limit on TrackRacer: train under a wall-clock cap, timing laps as it learns.

Issue 11's bar: PPO from scratch, within 5 minutes of training on 2 CPU cores, completes 10 of
10 evaluation laps (start line, deterministic policy) with a mean lap at most 8 % above the
lap-time limit (:func:`gymlab.envs.raceline.lap_limit`, standing start, whole 1/15 s steps).
The references, on the same track, action space and :func:`evaluate_trials`: the raceline
tracker (the classical champion) and pure pursuit. The hyperparameters are the env id's
entry of ``experiments/config/ppo.yml``: ``gymlab/TrackRacer-v2`` (the shipped ``racing``
actions) or the preset ``gymlab/TrackRacer-grip-v2`` (continuous grip steering, ``race_pace``:
the variant that meets the bar).

:func:`race` trains one seed and returns every number the benchmark prints; :class:`LapTimer`
is the SB3 callback that evaluates every ``eval_every`` steps (so we learn the time to the
first 10/10) and stops training when the cap is reached.
"""

from __future__ import annotations

import time
from typing import Any

import gymnasium as gym
import numpy as np
from stable_baselines3.common.callbacks import BaseCallback
from stable_baselines3.common.monitor import Monitor
from stable_baselines3.common.vec_env import DummyVecEnv

from gymlab.agents.driving import PurePursuit, RacelineTracker, evaluate_trials
from gymlab.agents.rl import SB3Agent
from gymlab.envs import ENV_IDS, preset_id
from gymlab.envs.raceline import above_limit_percent, lap_limit
from gymlab.experiments.environments import make_env
from gymlab.experiments.hyperparams import load_settings
from gymlab.experiments.training import use_one_torch_thread

TRACK_ID = ENV_IDS["track"]  # gymlab/TrackRacer-v2
GRIP_ID = preset_id(TRACK_ID, "grip")  # gymlab/TrackRacer-grip-v2: the preset tuned for the bar
TIME_CAP = 300.0  # s of training wall time: the 5 minutes
LIMIT_BAR = 8.0  # % above the lap-time limit (issue 11)
EVAL_EVERY = 25_000  # environment steps between lap evaluations
EPISODES = 10  # evaluation laps


def ppo_settings(env_id: str = TRACK_ID) -> dict[str, Any]:
    """The tuned TrackRacer settings: the ``env_id`` entry of ``ppo.yml``."""
    return load_settings("ppo", env_id)


def lap_summary(trials: list[dict[str, Any]], limit: float | None = None) -> dict[str, Any]:
    """Laps completed out of the trials, their mean lap time (s; None without a lap) and,
    given the ``limit`` (s, whole steps), how far above it that mean is (%)."""
    times = [row["lap_time"] for row in trials if row["status"] == "lap_complete"]
    mean = round(float(np.mean(times)), 3) if times else None
    summary = {"laps": len(times), "episodes": len(trials), "mean_lap_time": mean}
    if limit is not None:
        summary["above_limit_percent"] = above_limit_percent(mean, limit) if mean is not None else None
    return summary


class LapTimer(BaseCallback):
    """Every ``every`` steps: drive ``episodes`` evaluation laps; stop training at ``time_cap`` s.

    The cap is checked at every step, so training ends at the first step past it (after
    the PPO update in flight, well under a second at these sizes). Training time excludes
    the evaluations (they measure, they do not train). ``history``
    holds one row per evaluation: steps, training seconds, laps, mean lap time.
    """

    def __init__(
        self, driver: SB3Agent, eval_env: gym.Env, every: int, episodes: int, time_cap: float,
        limit: float | None = None,
    ) -> None:  # fmt: skip
        super().__init__()
        self.driver, self.eval_env, self.limit = driver, eval_env, limit
        self.every, self.episodes, self.time_cap = every, episodes, time_cap
        self.history: list[dict[str, Any]] = []
        self.capped = False
        self._next = every
        self._eval_seconds = 0.0
        self._started = time.perf_counter()

    def _on_training_start(self) -> None:
        self._started = time.perf_counter()

    @property
    def train_seconds(self) -> float:
        return time.perf_counter() - self._started - self._eval_seconds

    def evaluate(self) -> dict[str, Any]:
        """Drive the evaluation laps now; the row is added to ``history``."""
        began = time.perf_counter()
        trials = evaluate_trials(self.eval_env, self.driver, self.episodes)
        self._eval_seconds += time.perf_counter() - began
        row = {"steps": self.num_timesteps, "seconds": round(self.train_seconds, 2),
               **lap_summary(trials, self.limit)}  # fmt: skip
        self.history.append(row)
        return row

    def _on_step(self) -> bool:
        if self.num_timesteps >= self._next:
            self._next += self.every
            self.evaluate()
        if self.train_seconds >= self.time_cap:
            self.capped = True
            return False
        return True

    def first(self, condition) -> dict[str, Any] | None:
        """The first evaluation row for which ``condition(row)`` holds (None if none did)."""
        return next((row for row in self.history if condition(row)), None)


def race(
    seed: int = 0,
    steps: int | None = None,
    time_cap: float = TIME_CAP,
    eval_every: int = EVAL_EVERY,
    episodes: int = EPISODES,
    settings: dict[str, Any] | None = None,
    env_id: str = TRACK_ID,
) -> dict[str, Any]:
    """Train PPO from scratch with the tuned settings, then time it against the limit and the references.

    ``env_id`` is a TrackRacer id, plain or a preset (the settings' ``env_kwargs`` go on top of
    the id's registered defaults); ``settings`` default to its entry of ``ppo.yml``, ``steps``
    to the settings' ``n_timesteps``, and the settings' ``env_wrapper`` wraps the training and
    evaluation envs. Returns the training wall time, steps, steps/s, the evaluation history,
    the first evaluations with all laps complete, faster than pure pursuit and within
    :data:`LIMIT_BAR` of the limit, the limit (s, whole steps), the final laps of PPO, the
    raceline tracker and pure pursuit (each with % above the limit), PPO's margin on pure
    pursuit and whether issue 11's bar is met.
    """
    use_one_torch_thread()  # small networks: a second thread costs more than it gains
    settings = dict(settings or ppo_settings(env_id))
    env_kwargs = dict(settings.get("env_kwargs", {}))
    steps = int(float(settings["n_timesteps"])) if steps is None else int(steps)

    wrapper = settings.get("env_wrapper")
    eval_env = make_env(env_id, env_kwargs, wrapper)
    unwrapped = eval_env.unwrapped
    limit = lap_limit(unwrapped.track, unwrapped.car.spec).steps_lap_time(unwrapped.car.spec.dt)
    baseline = lap_summary(evaluate_trials(eval_env, PurePursuit(), episodes), limit)
    champion = lap_summary(evaluate_trials(eval_env, RacelineTracker(), episodes), limit)

    train_env = DummyVecEnv(
        [lambda: Monitor(make_env(env_id, env_kwargs, wrapper))] * int(settings.get("n_envs", 1))
    )
    driver = SB3Agent("ppo", settings)
    timer = LapTimer(driver, eval_env, eval_every, episodes, time_cap, limit)
    driver.learn(train_env, steps, seed=seed, callback=timer)
    model = driver.model
    train_seconds = timer.train_seconds
    evaluated_now = timer.history and timer.history[-1]["steps"] == model.num_timesteps
    final = timer.history[-1] if evaluated_now else timer.evaluate()  # the trained model's laps
    train_env.close()
    eval_env.close()

    def full(row):
        return row["laps"] == episodes

    def beats(row):  # every lap, faster than pure pursuit (or pure pursuit had no lap)
        return full(row) and (
            baseline["mean_lap_time"] is None or row["mean_lap_time"] < baseline["mean_lap_time"]
        )

    def near_limit(row):
        return full(row) and row["above_limit_percent"] <= LIMIT_BAR

    # A capped run stopped at its first step past the cap; only the update in flight ran on.
    within_cap = timer.capped or train_seconds <= time_cap
    ppo_time, pp_time = final["mean_lap_time"], baseline["mean_lap_time"]
    margin = round(pp_time - ppo_time, 3) if None not in (ppo_time, pp_time) else None
    return {
        "seed": seed,
        "steps": int(model.num_timesteps),
        "train_seconds": round(train_seconds, 2),
        "steps_per_second": round(model.num_timesteps / max(train_seconds, 1e-9), 1),
        "capped": timer.capped,
        "history": timer.history,
        "first_full": timer.first(full),
        "first_faster": timer.first(beats),
        "first_near_limit": timer.first(near_limit),
        "limit": round(limit, 4),
        "ppo": final,
        "raceline": champion,
        "pure_pursuit": baseline,
        "margin_seconds": margin,
        "margin_percent": round(100 * margin / pp_time, 2) if margin is not None else None,
        "within_cap": bool(within_cap),
        "passed": bool(near_limit(final) and within_cap),
    }
