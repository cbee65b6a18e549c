"""Making the env a run describes: its full id, ``gymnasium.make`` and the YAML's wrapper."""

from __future__ import annotations

from typing import Any

import gymnasium as gym

from gymlab.agents.features import wrapper_class
from gymlab.envs.errors import GymlabError
from gymlab.experiments.profiles import profile_for, resolve_env_id

__all__ = ["config_env", "env_id", "make_env", "short_name"]


def env_id(name: str) -> str:
    """A gymlab short name or id (``track``), or any registered gymnasium id (``CartPole-v1``)."""
    return resolve_env_id(name)


def short_name(full_id: str) -> str:
    """``gymlab/TSP-v0`` → ``tsp``; other ids lose their namespace and version."""
    return profile_for(full_id).short


def make_env(full_id: str, env_kwargs: dict[str, Any] | None = None, wrapper: str | None = None) -> gym.Env:
    """``gymnasium.make`` (then the YAML's ``env_wrapper``, if any), with a one-line error for
    an argument the env does not take."""
    try:
        env = gym.make(full_id, **(env_kwargs or {}))
    except TypeError as error:
        raise GymlabError(
            f"{full_id} rejected its arguments {env_kwargs} ({error}); check --env-arg / env_kwargs"
        ) from None
    except gym.error.Error as error:  # an id gymnasium does not know (e.g. in an old run's config)
        raise GymlabError(
            f"cannot make {full_id!r}: {error}; is the package that registers it installed?"
        ) from None
    return wrapper_class(wrapper)(env) if wrapper else env


def config_env(config: dict[str, Any], **overrides: Any) -> gym.Env:
    """The env a resolved config describes (its id, arguments and wrapper), with ``overrides``
    on top of its arguments."""
    return make_env(config["env"], {**config["env_kwargs"], **overrides}, config.get("env_wrapper"))
