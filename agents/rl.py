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
import math
import numbers
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
from gymlab.envs.limits import LIMITS


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


def check_fits(algo: Algorithm, env: gym.Env, settings: dict[str, Any] | None = None) -> None:
    """Raise a one-line :class:`GymlabError` unless ``algo`` (with ``settings``) can act in ``env``."""
    space = env.action_space
    if (settings or {}).get("use_sde") and not isinstance(space, gym.spaces.Box):
        raise GymlabError(
            f"use_sde (gSDE) explores continuous actions only, but {_env_name(env)} has {space}; "
            "drop use_sde or give the env continuous actions (e.g. --env-arg continuous=true)"
        )
    masks = callable(getattr(env.unwrapped, "action_masks", None))
    if not isinstance(space, algo.action_spaces):
        fitting = [
            a.name
            for a in ALGORITHMS.values()
            if isinstance(space, a.action_spaces) and (masks or not a.masked)
        ]
        kinds = " or ".join(kind.__name__ for kind in algo.action_spaces)
        raise GymlabError(
            f"{algo.name} needs a {kinds} action space but {_env_name(env)} has {space}; "
            f"use one of: {', '.join(fitting)} (or pick another action space with --env-arg)"
        )
    if algo.masked and not masks:
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
    settings = validate_hyperparams(algo, settings)
    kwargs = {key: value for key, value in settings.items() if key not in RUNNER_KEYS}
    kwargs.setdefault("policy", "MlpPolicy")
    for key in _SCHEDULED:
        if isinstance(kwargs.get(key), str):
            kwargs[key] = linear_schedule(kwargs[key], key)
    if isinstance(kwargs.get("policy_kwargs"), str):
        kwargs["policy_kwargs"] = parse_python_dict(kwargs["policy_kwargs"], "policy_kwargs")
    if "policy_kwargs" in kwargs:
        kwargs["policy_kwargs"] = _with_activation(kwargs["policy_kwargs"])
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


# --- the hyperparameter schema: types and ranges, checked before anything trains ---------------


@dataclass(frozen=True)
class Rule:
    """What one hyperparameter accepts: a number in an interval (``integer``: a whole number),
    optionally ``lin_<x>`` (a schedule), ``None``, or a bool (``boolean``); ``text`` says it."""

    text: str
    low: float = -math.inf
    high: float = math.inf
    low_open: bool = False
    integer: bool = False
    schedule: bool = False
    none: bool = False
    boolean: bool = False

    def check(self, key: str, value: Any) -> Any:
        """``value`` checked and normalised (``256.0`` → ``256``), or a one-line error."""
        if value is None and self.none:
            return None
        if self.boolean:
            if isinstance(value, bool):
                return value
            raise GymlabError(f"{key} must be true or false, got {value!r}")
        number = value
        if self.schedule and isinstance(value, str) and value.startswith("lin_"):
            number = _float_or_none(value[4:])  # lin_<start>: the start must be in range
        if isinstance(number, bool) or not isinstance(number, numbers.Real) or not math.isfinite(number):
            raise GymlabError(f"{key} must be {self.text}, got {value!r}")
        inside = (self.low < number if self.low_open else self.low <= number) and number <= self.high
        if not inside or (self.integer and number != int(number)):
            raise GymlabError(f"{key} must be {self.text}, got {value!r}")
        if number is not value:
            return value
        return int(value) if self.integer else value


def _float_or_none(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


_POSITIVE = Rule("a positive number", 0, low_open=True)
_SCHEDULE = Rule(
    "a positive number or lin_<positive number> (e.g. lin_3e-4)", 0, low_open=True, schedule=True
)
_FRACTION = Rule("a number in [0, 1]", 0, 1)
_COUNT = Rule("a whole number ≥ 1", 1, integer=True)
_BOOL = Rule("true or false", boolean=True)
HYPERPARAMETERS: dict[str, Rule] = {
    "n_timesteps": Rule(f"a number of steps from 1 to {LIMITS['steps']:,}", 1, LIMITS["steps"]),
    "n_envs": Rule("a whole number from 1 to 64", 1, 64, integer=True),
    "learning_rate": _SCHEDULE,
    "clip_range": _SCHEDULE,
    "clip_range_vf": Rule(
        "a positive number, lin_<positive number> or null", 0, low_open=True, schedule=True, none=True
    ),
    "gamma": Rule("a discount in (0, 1], e.g. 0.99", 0, 1, low_open=True),
    "gae_lambda": _FRACTION,
    "n_steps": _COUNT,
    "batch_size": _COUNT,
    "n_epochs": _COUNT,
    "ent_coef": Rule("a number ≥ 0", 0),
    "vf_coef": Rule("a number ≥ 0", 0),
    "max_grad_norm": _POSITIVE,
    "target_kl": Rule("a positive number or null", 0, low_open=True, none=True),
    "normalize_advantage": _BOOL,
    "use_sde": _BOOL,
    "use_sde_at_warmup": _BOOL,
    "use_rms_prop": _BOOL,
    "optimize_memory_usage": _BOOL,
    "sde_sample_freq": Rule("a whole number ≥ -1", -1, integer=True),
    "rms_prop_eps": _POSITIVE,
    "buffer_size": Rule("a whole number from 1 to 10,000,000", 1, 10_000_000, integer=True),
    "learning_starts": Rule("a whole number ≥ 0", 0, integer=True),
    "tau": Rule("a number in (0, 1]", 0, 1, low_open=True),
    "gradient_steps": Rule("a whole number ≥ 1, or -1 (as many as env steps)", -1, integer=True),
    "target_update_interval": _COUNT,
    "exploration_fraction": _FRACTION,
    "exploration_initial_eps": _FRACTION,
    "exploration_final_eps": _FRACTION,
    "stats_window_size": _COUNT,
}
# Set by gymlab itself, or class-valued (not expressible in YAML / --set).
_NOT_SETTABLE = {
    "env": "gymlab makes the env",
    "seed": "use --seed",
    "tensorboard_log": "use --tensorboard",
    "_init_setup_model": "internal to SB3",
    "verbose": "gymlab shows its own progress",
    "rollout_buffer_class": "it takes a class",
    "replay_buffer_class": "it takes a class",
    "action_noise": "it takes an object",
}


def validate_hyperparams(algo: str | Algorithm, settings: dict[str, Any]) -> dict[str, Any]:
    """Every setting of ``algo`` checked against one schema; the settings back, normalised.

    Checked (one-line :class:`GymlabError` each): the ranges of :data:`HYPERPARAMETERS`
    (SB3's own constraints: 0 < gamma ≤ 1, batch_size ≥ 1, positive learning-rate
    schedules …), ``n_steps × n_envs > 1`` where PPO normalises advantages (and PPO's
    batch_size > 1), known ``policy`` names, ``policy_kwargs`` (``net_arch`` of positive
    ints, a known ``activation_fn``), ``ent_coef`` (SAC also ``auto``/``auto_<x>``),
    ``train_freq``, ``env_kwargs`` a mapping, ``env_wrapper`` a name, and keys the
    algorithm does not have.
    """
    algo = algo if isinstance(algo, Algorithm) else algorithm(algo)
    if not isinstance(settings, dict):
        raise GymlabError(f"{algo.name} settings must be a mapping of name → value, got {settings!r}")
    accepted = set(inspect.signature(algo.cls.__init__).parameters) - {"self"}
    result: dict[str, Any] = {}
    for key, value in settings.items():
        if key in _NOT_SETTABLE:
            raise GymlabError(f"{key} cannot be set in the YAML or --set ({_NOT_SETTABLE[key]})")
        if key not in accepted and key not in RUNNER_KEYS:
            raise GymlabError(
                f"{algo.name} has no hyperparameter {key!r}; fix the YAML or --set "
                f"(see the {algo.cls.__name__} docs for its arguments)"
            )
        result[key] = _check_setting(algo, key, value)
    _check_rollout(algo, result)
    return result


def _check_setting(algo: Algorithm, key: str, value: Any) -> Any:
    if key == "ent_coef" and algo.name == "sac" and isinstance(value, str):
        if value == "auto" or (value.startswith("auto_") and (_float_or_none(value[5:]) or 0) > 0):
            return value
        raise GymlabError(f"ent_coef must be a number ≥ 0, auto or auto_<positive number>, got {value!r}")
    if key in HYPERPARAMETERS:
        return HYPERPARAMETERS[key].check(key, value)
    if key == "policy":
        if value not in algo.cls.policy_aliases:
            raise GymlabError(
                f"unknown policy {value!r}; choose one of: {', '.join(algo.cls.policy_aliases)}"
            )
        return value
    if key == "policy_kwargs":
        parsed = parse_python_dict(value, "policy_kwargs") if isinstance(value, str) else value
        _check_net_arch(_with_activation(parsed).get("net_arch"))
        return value
    if key == "env_kwargs":
        if not isinstance(value, dict):
            raise GymlabError(
                f"env_kwargs must be a mapping of env arguments, e.g. {{n_cities: 10}}; got {value!r}"
            )
        return value
    if key == "env_wrapper":  # any of rl-zoo3's forms (gymlab.agents.features.canonical_env_wrapper)
        from gymlab.agents.features import canonical_env_wrapper

        return canonical_env_wrapper(value)
    if key == "train_freq":
        return _check_train_freq(value)
    return value


def _check_net_arch(net_arch: Any) -> None:
    """SB3's net_arch: a list of layer sizes, or a dict of them (pi/vf, or qf)."""
    layers = net_arch.values() if isinstance(net_arch, dict) else [net_arch]
    for sizes in layers:
        if sizes is None:
            continue
        if not isinstance(sizes, list | tuple) or not all(
            isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= 65_536 for n in sizes
        ):
            raise GymlabError(
                f"net_arch must list positive layer sizes, e.g. [64, 64] or dict(pi=[64], vf=[64]); got {net_arch!r}"
            )


def _check_train_freq(value: Any) -> Any:
    if isinstance(value, list | tuple) and len(value) == 2 and value[1] in ("step", "episode"):
        return [_COUNT.check("train_freq", value[0]), value[1]]
    if isinstance(value, list | tuple):
        raise GymlabError(f"train_freq must be a whole number ≥ 1 or [n, step|episode], got {value!r}")
    return _COUNT.check("train_freq", value)


def _check_rollout(algo: Algorithm, settings: dict[str, Any]) -> None:
    """On-policy rollouts: PPO normalises advantages over n_steps × n_envs samples (needs > 1)."""
    parameters = inspect.signature(algo.cls.__init__).parameters
    if "n_epochs" not in parameters and "rms_prop_eps" not in parameters:
        return  # off-policy: n_steps is the n-step return, any count ≥ 1 works
    default = parameters["normalize_advantage"].default
    if not settings.get("normalize_advantage", default):
        return
    n_steps = settings.get("n_steps", parameters["n_steps"].default)
    n_envs = settings.get("n_envs", 1)
    if n_steps * n_envs <= 1:
        raise GymlabError(
            f"n_steps × n_envs must be > 1 to normalise advantages (got {n_steps} × {n_envs}); raise n_steps"
        )
    if "batch_size" in parameters and settings.get("batch_size", parameters["batch_size"].default) <= 1:
        raise GymlabError(
            f"{algo.name} needs batch_size > 1 to normalise advantages; got {settings['batch_size']}"
        )


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
            check_fits(self.algo, env if not isinstance(env, VecEnv) else _first_env(env), self.settings)
            kwargs = model_kwargs(self.algo, self.settings)
            self.model = self.algo.cls(env=env, seed=seed, tensorboard_log=tensorboard_log, **kwargs)
        else:
            self.model.set_env(env)
            if seed is not None:
                self.model.set_random_seed(seed)
        self.model.learn(total_timesteps=int(steps), callback=callback, reset_num_timesteps=False)
        return self

    def steps_collected(self, steps: int, n_envs: int) -> int:
        """The environment steps SB3 really runs for a budget of ``steps``: on-policy algorithms
        (PPO, A2C) collect whole rollouts of ``n_steps × n_envs``, so a budget rounds up to them."""
        default = inspect.signature(self.algo.cls.__init__).parameters.get("n_steps")
        n_steps = self.settings.get("n_steps", default.default if default is not None else None)
        if self.model is not None:  # a loaded model rolls out with its own n_steps
            n_steps = getattr(self.model, "n_steps", None)
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
        except (
            zipfile.BadZipFile,
            EOFError,
            KeyError,
            ValueError,
            RuntimeError,
            TypeError,
            AttributeError,
        ) as error:
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
