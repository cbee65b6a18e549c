"""Deep RL agents: stable-baselines3 PPO, A2C, DQN, SAC and sb3-contrib MaskablePPO behind
gymlab's :class:`gymlab.agents.base.Agent` interface (act, learn, save, load).

Each algorithm fits some action spaces and not others — DQN picks one of finitely many
actions (``Discrete``), SAC outputs real numbers (``Box``), PPO and A2C handle both — and
MaskablePPO also needs the env to say which actions are allowed (``env.action_masks()``).
:func:`check_fits` says so in one line before any training starts.

Hyperparameters arrive in rl-zoo3's spelling (``learning_rate: lin_3e-4``, ``policy_kwargs:
"dict(net_arch=[64, 64])"``); :func:`model_kwargs` turns them into SB3 constructor arguments
without ``eval`` — :func:`parse_python_dict` reads only literals, ``dict(...)`` and a short
list of activation functions.
"""

from __future__ import annotations

import ast
import inspect
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces
from sb3_contrib import MaskablePPO
from sb3_contrib.common.maskable.callbacks import MaskableEvalCallback
from stable_baselines3 import A2C, DQN, PPO, SAC
from stable_baselines3.common.base_class import BaseAlgorithm
from stable_baselines3.common.callbacks import BaseCallback, EvalCallback
from stable_baselines3.common.vec_env import VecEnv
from torch import nn

from gymlab.agents.base import Agent
from gymlab.envs.errors import GymlabError


@dataclass(frozen=True)
class Algorithm:
    """One learning algorithm: its SB3 class, the action spaces it fits, whether it masks."""

    name: str
    cls: type[BaseAlgorithm]
    action_spaces: tuple[type[spaces.Space], ...]
    masked: bool = False
    summary: str = ""


ALGORITHMS: dict[str, Algorithm] = {
    "ppo": Algorithm(
        "ppo", PPO, (spaces.Discrete, spaces.Box), summary="proximal policy optimisation (on-policy)"
    ),
    "a2c": Algorithm("a2c", A2C, (spaces.Discrete, spaces.Box), summary="advantage actor-critic"),
    "dqn": Algorithm("dqn", DQN, (spaces.Discrete,), summary="deep Q-network (discrete actions only)"),
    "sac": Algorithm("sac", SAC, (spaces.Box,), summary="soft actor-critic (continuous actions only)"),
    "maskable_ppo": Algorithm(
        "maskable_ppo",
        MaskablePPO,
        (spaces.Discrete,),
        masked=True,
        summary="PPO that never picks an action the env's action_masks() forbids",
    ),
}
_ALIASES = {"maskableppo": "maskable_ppo", "ppo_mask": "maskable_ppo"}

# rl-zoo3 keys that configure the experiment, not the SB3 model.
RUNNER_KEYS = ("n_timesteps", "n_envs", "env_kwargs", "env_wrapper")
# Activation functions a ``policy_kwargs`` string may name (``activation_fn=nn.ReLU``).
_ACTIVATIONS = {f"nn.{name}": getattr(nn, name) for name in ("ReLU", "Tanh", "ELU", "LeakyReLU", "SiLU")}
# Hyperparameters that rl-zoo3 lets you write as ``lin_<start>``: a linear decay to zero.
_SCHEDULED = ("learning_rate", "clip_range", "clip_range_vf")


def algorithm(name: str) -> Algorithm:
    """The :class:`Algorithm` called ``name`` (case-insensitive; ``MaskablePPO`` works too)."""
    key = name.strip().lower().replace("-", "_")
    key = _ALIASES.get(key, key)
    if key not in ALGORITHMS:
        raise GymlabError(f"unknown algorithm {name!r}; choose one of: {', '.join(ALGORITHMS)}")
    return ALGORITHMS[key]


def check_fits(algo: Algorithm, env: gym.Env) -> None:
    """Raise a one-line :class:`GymlabError` unless ``algo`` can act in ``env``."""
    space = env.action_space
    if not isinstance(space, algo.action_spaces):
        fitting = [a.name for a in ALGORITHMS.values() if isinstance(space, a.action_spaces)]
        kinds = " or ".join(kind.__name__ for kind in algo.action_spaces)
        raise GymlabError(
            f"{algo.name} needs a {kinds} action space but {_env_name(env)} has {space}; "
            f"use one of: {', '.join(fitting)} (or pick another action space with --env-arg)"
        )
    if algo.masked and not callable(getattr(env.unwrapped, "action_masks", None)):
        raise GymlabError(
            f"{algo.name} needs an env with action_masks(), which {_env_name(env)} lacks; use ppo instead"
        )


def _env_name(env: gym.Env) -> str:
    spec = getattr(env.unwrapped, "spec", None) or getattr(env, "spec", None)
    return spec.id if spec is not None else type(env.unwrapped).__name__


# --- hyperparameters ------------------------------------------------------------------------


def model_kwargs(algo: Algorithm, settings: dict[str, Any]) -> dict[str, Any]:
    """SB3 constructor arguments from rl-zoo3-style settings (runner keys dropped).

    ``lin_3e-4`` becomes a linear schedule 3e-4 → 0 over training; a ``policy_kwargs``
    string ``"dict(net_arch=[64, 64])"`` is read by :func:`parse_python_dict`.
    """
    kwargs = {key: value for key, value in settings.items() if key not in RUNNER_KEYS}
    kwargs.setdefault("policy", "MlpPolicy")
    for key in _SCHEDULED:
        if isinstance(kwargs.get(key), str):
            kwargs[key] = linear_schedule(kwargs[key], key)
    if isinstance(kwargs.get("policy_kwargs"), str):
        kwargs["policy_kwargs"] = parse_python_dict(kwargs["policy_kwargs"], "policy_kwargs")
    if "policy_kwargs" in kwargs:
        kwargs["policy_kwargs"] = _with_activation(kwargs["policy_kwargs"])
    accepted = set(inspect.signature(algo.cls.__init__).parameters) - {"self", "env"}
    unknown = sorted(set(kwargs) - accepted)
    if unknown:
        raise GymlabError(
            f"{algo.name} has no hyperparameter {', '.join(map(repr, unknown))}; "
            f"fix the YAML or --set (see the {algo.cls.__name__} docs for its arguments)"
        )
    return kwargs


def linear_schedule(text: str, key: str):
    """``lin_3e-4`` → a function of SB3's ``progress_remaining`` (1 → 0): 3e-4 · progress."""
    prefix, _, start = text.partition("_")
    try:
        initial = float(start)
    except ValueError:
        initial = None
    if prefix != "lin" or initial is None:
        raise GymlabError(f"{key} must be a number or lin_<number> (e.g. lin_3e-4), got {text!r}")

    def schedule(progress_remaining: float) -> float:
        return progress_remaining * initial

    return schedule


def parse_python_dict(text: str, what: str = "policy_kwargs") -> dict[str, Any]:
    """Read rl-zoo3's ``"dict(net_arch=[64, 64], activation_fn=nn.ReLU)"`` without ``eval``.

    Allowed: numbers, strings, booleans, None, lists, tuples, ``{...}`` and ``dict(k=v)``,
    and the activation names ``nn.ReLU``, ``nn.Tanh``, ``nn.ELU``, ``nn.LeakyReLU``, ``nn.SiLU``.
    """
    try:
        tree = ast.parse(text.strip(), mode="eval")
        value = _literal(tree.body)
    except (SyntaxError, ValueError) as error:
        raise GymlabError(
            f"cannot read {what} {text!r} ({error}); write e.g. dict(net_arch=[64, 64])"
        ) from None
    if not isinstance(value, dict):
        raise GymlabError(f"{what} must be a dict, e.g. dict(net_arch=[64, 64]); got {text!r}")
    return value


def _literal(node: ast.AST) -> Any:
    """The value of one safe expression node (see :func:`parse_python_dict`)."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict":
        if node.args:
            raise ValueError("dict(...) takes keyword arguments only")
        return {kw.arg: _literal(kw.value) for kw in node.keywords}
    if isinstance(node, ast.Attribute) and ast.unparse(node) in _ACTIVATIONS:
        return ast.unparse(node)  # kept as a name; _with_activation swaps in the class
    if isinstance(node, ast.List | ast.Tuple):
        items = [_literal(item) for item in node.elts]
        return items if isinstance(node, ast.List) else tuple(items)
    if isinstance(node, ast.Dict):
        return {_literal(k): _literal(v) for k, v in zip(node.keys, node.values, strict=True)}
    return ast.literal_eval(node)


def _with_activation(policy_kwargs: Any) -> dict[str, Any]:
    """Swap an activation's name (``nn.ReLU`` or ``ReLU``) for the torch class."""
    if not isinstance(policy_kwargs, dict):
        raise GymlabError(
            f"policy_kwargs must be a mapping, e.g. {{net_arch: [64, 64]}}; got {policy_kwargs!r}"
        )
    result = dict(policy_kwargs)
    name = result.get("activation_fn")
    if isinstance(name, str):
        full = name if name.startswith("nn.") else f"nn.{name}"
        if full not in _ACTIVATIONS:
            raise GymlabError(f"unknown activation_fn {name!r}; choose one of: {', '.join(_ACTIVATIONS)}")
        result["activation_fn"] = _ACTIVATIONS[full]
    return result


# --- the agent --------------------------------------------------------------------------------


class SB3Agent(Agent):
    """A stable-baselines3 model as a gymlab agent: ``learn`` trains, ``act`` is greedy.

    ``act`` uses the deterministic policy (the mean action or the most likely one); a
    maskable agent asks the env for ``action_masks()`` at every step, so it never picks a
    forbidden action.
    """

    learns = True

    def __init__(self, algo: str | Algorithm, settings: dict[str, Any] | None = None, model=None):
        self.algo = algo if isinstance(algo, Algorithm) else algorithm(algo)
        self.settings = dict(settings or {})
        self.name = self.algo.name
        self.model: BaseAlgorithm | None = model
        if model is None:
            model_kwargs(self.algo, self.settings)  # fail early on a bad hyperparameter

    def learn(
        self,
        env: gym.Env | VecEnv,
        steps: int,
        seed: int | None = None,
        callback: BaseCallback | list[BaseCallback] | None = None,
        tensorboard_log: str | None = None,
    ) -> SB3Agent:
        """Train for ``steps`` environment steps (a new model on the first call)."""
        if self.model is None:
            check_fits(self.algo, env if not isinstance(env, VecEnv) else _first_env(env))
            kwargs = model_kwargs(self.algo, self.settings)
            self.model = self.algo.cls(env=env, seed=seed, tensorboard_log=tensorboard_log, **kwargs)
        else:
            self.model.set_env(env)
        self.model.learn(total_timesteps=int(steps), callback=callback, reset_num_timesteps=False)
        return self

    def steps_collected(self, steps: int, n_envs: int) -> int:
        """The environment steps SB3 really runs for a budget of ``steps``: on-policy algorithms
        (PPO, A2C) collect whole rollouts of ``n_steps × n_envs``, so a budget rounds up to them."""
        default = inspect.signature(self.algo.cls.__init__).parameters.get("n_steps")
        n_steps = self.settings.get("n_steps", default.default if default is not None else None)
        if n_steps is None:
            return int(steps)
        rollout = int(n_steps) * int(n_envs)
        return -(-int(steps) // rollout) * rollout

    def act(self, observation: Any, env: gym.Env) -> Any:
        if self.model is None:
            raise GymlabError(f"{self.name} has no model yet; train it first (gymlab train) or load one")
        if self.algo.masked:
            action, _ = self.model.predict(observation, deterministic=True, action_masks=env.action_masks())
        else:
            action, _ = self.model.predict(observation, deterministic=True)
        if isinstance(self.model.action_space, spaces.Discrete):
            return int(np.asarray(action).item())
        return np.asarray(action)

    def eval_callback(self, eval_env: gym.Env, log_path: str | Path, eval_freq: int, episodes: int):
        """SB3's EvalCallback (MaskableEvalCallback for a masked algorithm): evaluations.npz."""
        cls = MaskableEvalCallback if self.algo.masked else EvalCallback
        return cls(
            eval_env,
            n_eval_episodes=episodes,
            eval_freq=max(int(eval_freq), 1),
            log_path=str(log_path),
            deterministic=True,
            verbose=0,
            warn=False,
        )

    def save(self, path: str | Path) -> Path:
        """Write the model to ``path`` (a ``.zip``, SB3's format)."""
        if self.model is None:
            raise GymlabError(f"{self.name} has no model to save; train it first")
        path = Path(path)
        self.model.save(path)
        return path if path.suffix == ".zip" else path.with_name(path.name + ".zip")

    @classmethod
    def load(cls, path: str | Path, algo: str | Algorithm, env: gym.Env | None = None) -> SB3Agent:
        """The agent saved at ``path``; a missing or corrupted file is a one-line error.

        SB3 model files contain pickled objects: load only files you trust.
        """
        algo = algo if isinstance(algo, Algorithm) else algorithm(algo)
        path = Path(path)
        if not path.is_file():
            raise GymlabError(f"no model file at {path}; train one with `gymlab train`")
        try:
            model = algo.cls.load(path, env=env, device="cpu")
        except (zipfile.BadZipFile, EOFError, KeyError, ValueError, RuntimeError, TypeError) as error:
            reason = " ".join(str(error).split())[:120] or type(error).__name__
            raise GymlabError(
                f"model file {path} is corrupted or not a {algo.cls.__name__} model ({reason}); "
                "train it again with `gymlab train`"
            ) from None
        return cls(algo, model=model)


def _first_env(vec_env: VecEnv) -> gym.Env:
    """The first sub-env of a DummyVecEnv (for the fit check), or a stand-in with its spaces."""
    envs = getattr(vec_env, "envs", None)
    if envs:
        return envs[0]
    probe = gym.Env()
    probe.action_space, probe.observation_space = vec_env.action_space, vec_env.observation_space
    return probe
