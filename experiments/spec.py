"""A run's spec: what to run, resolved into explicit settings, named by their hash.

A :class:`RunSpec` names one run — env, agent (an RL algorithm or one of the env's own
agents), reward, seed, training budget, env arguments, hyperparameter overrides.
:func:`resolve` turns it into the full settings it will use (YAML defaults filled in, the
reward resolved once into name, file and content hash); the run's folder name ends in a hash
of those settings, so the same settings always map to the same folder and an edited reward
file is a new run.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gymlab.agents.features import wrapper_class
from gymlab.agents.rl import ALGORITHMS, algorithm
from gymlab.envs.arguments import coerce_env_kwargs
from gymlab.envs.errors import GymlabError
from gymlab.experiments.environments import env_arguments, env_id, short_name, with_raceline_actions
from gymlab.experiments.hyperparams import load_settings
from gymlab.experiments.profiles import EnvProfile, canonical, profile_for
from gymlab.experiments.store import load_result

__all__ = [
    "DEFAULT_EVALUATIONS",
    "DEFAULT_STEPS",
    "RunSpec",
    "agent_names",
    "config_hash",
    "is_algorithm",
    "resolve",
    "reward_source",
    "run_name",
]

DEFAULT_STEPS = 10_000
DEFAULT_EVALUATIONS = 10  # periodic evaluations during training


@dataclass(frozen=True)
class RunSpec:
    """One independent run: what to train or run, where, with which seed and budget.

    ``agent`` is an RL algorithm (``ppo``, ``a2c``, ``dqn``, ``sac``, ``maskable_ppo``) or one
    of the env's own agents (``greedy``, ``two_opt``, ``pure_pursuit`` …, see
    :func:`agent_names`). ``steps=None`` takes the YAML's ``n_timesteps``; ``hyperparams``
    override the YAML.
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
    parent: str | None = None  # a finished SB3 run to continue training from (``--from``)


def agent_names(full_id: str) -> list[str]:
    """Every agent name that can run on ``full_id``: its own agents, then the RL algorithms."""
    return [*profile_for(full_id).agents, *ALGORITHMS]


def is_algorithm(name: str) -> bool:
    """Whether ``name`` is an RL algorithm (``ppo``, ``MaskablePPO`` …) rather than an env's agent."""
    try:
        algorithm(name)
    except GymlabError:
        return False
    return True


def reward_source(profile: EnvProfile, reward: str | None) -> dict[str, Any] | None:
    """The reward, resolved once: ``{"name"}`` for a built-in, ``{"name", "file", "sha256"}``
    for a ``.py`` file (its content hash makes an edit a new run). Checked here, at the edge."""
    if reward is None:
        return None
    if profile.reward_arg is None:
        raise GymlabError(f"{profile.env_id} has a fixed reward; drop --reward (only the track takes one)")
    from gymlab.envs.rewards import resolve_reward

    reward = str(reward)
    resolve_reward(reward)  # a built-in name, or a .py file that defines reward_function
    path = Path(reward)
    if reward.endswith(".py") or path.is_file():
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        return {"name": path.stem, "file": str(path.resolve()), "sha256": digest}
    return {"name": reward}


def _reward_value(profile: EnvProfile, spec: RunSpec, env_kwargs: dict[str, Any]) -> str | None:
    """The reward however it arrives: ``--reward``, ``--env-arg reward=…``, the YAML's
    ``env_kwargs`` or a preset id's default (``gymlab/TrackRacer-grip-v2``: ``race_pace``), in
    that order of precedence; two different explicit values are an error."""
    if profile.reward_arg is None:
        return spec.reward
    if profile.reward_arg not in env_kwargs:
        preset = env_arguments(profile.env_id).get(profile.reward_arg)  # None for a plain id
        return spec.reward if spec.reward is not None else preset
    given = env_kwargs.pop(profile.reward_arg)
    explicit = spec.env_kwargs.get(profile.reward_arg)
    if spec.reward is not None and explicit is not None and str(explicit) != str(spec.reward):
        raise GymlabError(
            f"two rewards given: --reward {spec.reward} and --env-arg {profile.reward_arg}={explicit}; keep one"
        )
    return spec.reward if spec.reward is not None else str(given)


def resolve(spec: RunSpec) -> dict[str, Any]:
    """The full settings a spec runs with: YAML defaults, overrides, budget — all explicit."""
    full_id = env_id(spec.env)
    profile = profile_for(full_id)
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
        made = profile.recipe(spec.agent)  # fails early on an unknown agent
        unknown = sorted(set(spec.hyperparams) - set(made.params))
        if unknown and not made.params:
            raise GymlabError(f"--set applies to the RL algorithms, not to {spec.agent!r}")
        if unknown:
            raise GymlabError(
                f"unknown setting {unknown[0]!r} of {spec.agent!r}; choose from: {', '.join(made.params)}"
            )
        settings, env_kwargs, wrapper = dict(spec.hyperparams), dict(spec.env_kwargs), None
        agent, kind = canonical(spec.agent), "learner" if made.learns else "baseline"
        steps = (spec.steps if spec.steps is not None else made.default_steps) if made.learns else 0
    env_kwargs = coerce_env_kwargs(full_id, env_kwargs)  # typed from the constructor: one line if wrong
    resolved = with_raceline_actions(env_kwargs)  # the run keeps the K actions it learns with, not a recipe
    actions_from = env_kwargs["actions"] if resolved.get("actions") != env_kwargs.get("actions") else None
    env_kwargs = resolved
    reward = reward_source(profile, _reward_value(profile, spec, env_kwargs))
    if reward is not None:
        env_kwargs[profile.reward_arg] = reward.get("file", reward["name"])
    parent = None
    if spec.parent is not None:
        if spec.hyperparams:
            raise GymlabError("--set does not apply with --from: the model goes on with its own settings")
        parent = _parent(spec.parent, full_id, agent, kind)
        settings = parent.pop("hyperparams")  # the model goes on with its own settings
    return {
        "env": full_id,
        "agent": agent,
        "kind": kind,
        "seed": int(spec.seed),
        "steps": int(steps),
        "reward": reward["name"] if reward else None,
        "reward_source": reward,
        "env_kwargs": env_kwargs,
        **({"actions_from": actions_from} if actions_from is not None else {}),
        "env_wrapper": wrapper,
        "hyperparams": settings,
        "eval_episodes": int(spec.eval_episodes),
        "evaluations": int(spec.evaluations),
        **({"parent": parent} if parent is not None else {}),
    }


def _parent(run_dir: str, full_id: str, agent: str, kind: str) -> dict[str, Any]:
    """The parent of a continued run: its folder, settings hash, steps and hyperparameters."""
    found = load_result(run_dir).config
    if kind != "sb3" or found.get("kind") != "sb3":
        raise GymlabError(
            f"--from continues a trained RL run (ppo, sac …); {run_dir} is a {found.get('agent')} run"
        )
    if (found["env"], found["agent"]) != (full_id, agent):
        raise GymlabError(
            f"--from {run_dir} trained {found['agent']} on {found['env']}; continue it with "
            f"`gymlab train {short_name(found['env'])} --algo {found['agent']} --from {run_dir}`"
        )
    return {
        "run": str(Path(run_dir).resolve()),
        "hash": config_hash(found),
        "steps": found["steps"] + found.get("parent", {}).get("steps", 0),
        "hyperparams": found["hyperparams"],
    }


def config_hash(config: dict[str, Any]) -> str:
    """A short, stable hash of resolved settings: equal settings ⇔ equal hash."""
    text = json.dumps(config, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def run_name(config: dict[str, Any]) -> str:
    """``track-ppo-centerline-s1-3f9a…``: readable prefix, then the settings hash."""
    reward = config["reward"] or "default"
    return f"{short_name(config['env'])}-{config['agent']}-{reward}-s{config['seed']}-{config_hash(config)}"
