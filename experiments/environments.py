"""Making the env a run describes: its full id, ``gymnasium.make`` and the YAML's wrapper."""

from __future__ import annotations

from typing import Any

import gymnasium as gym

from gymlab.agents.driving import resolve_actions
from gymlab.agents.features import wrapper_class
from gymlab.envs.errors import GymlabError
from gymlab.envs.tracks import DEFAULT_TRACK
from gymlab.experiments.profiles import profile_for, resolve_env_id

__all__ = ["config_env", "env_arguments", "env_id", "make_env", "short_name", "with_raceline_actions"]


def env_id(name: str) -> str:
    """A gymlab short name or id (``track``), or any registered gymnasium id (``CartPole-v1``)."""
    return resolve_env_id(name)


def short_name(full_id: str) -> str:
    """``gymlab/TSP-v0`` → ``tsp``; other ids lose their namespace and version."""
    return profile_for(full_id).short


def make_env(full_id: str, env_kwargs: dict[str, Any] | None = None, wrapper: str | None = None) -> gym.Env:
    """``gymnasium.make`` (then the YAML's ``env_wrapper``, if any), with a one-line error for
    an argument the env does not take.

    ``actions="raceline:K"`` is expanded here (:func:`with_raceline_actions`): the env cannot
    build those actions itself (an env never imports an agent), and a run's config keeps the
    short name.
    """
    env_kwargs = env_kwargs or {}
    try:
        env = gym.make(full_id, **with_raceline_actions(env_kwargs))
    except TypeError as error:
        raise GymlabError(
            f"{full_id} rejected its arguments {env_kwargs} ({error}); check --env-arg / env_kwargs"
        ) from None
    except gym.error.Error as error:  # an id gymnasium does not know (e.g. in an old run's config)
        raise GymlabError(
            f"cannot make {full_id!r}: {error}; is the package that registers it installed?"
        ) from None
    return wrapper_class(wrapper)(env) if wrapper else env


def env_arguments(full_id: str, env_kwargs: dict[str, Any] | None = None) -> dict[str, Any]:
    """The arguments an env is made with: its id's registered defaults (a preset's, e.g.
    ``gymlab/TrackRacer-grip-v2``'s continuous steering and reward), then ``env_kwargs``."""
    try:
        defaults = dict(gym.spec(full_id).kwargs)
    except gym.error.Error:  # an id gymnasium does not know: only what the run passed
        defaults = {}
    return {**defaults, **(env_kwargs or {})}


def with_raceline_actions(env_kwargs: dict[str, Any]) -> dict[str, Any]:
    """A copy of the env arguments with ``actions="raceline:K"`` replaced by its K (steering,
    speed) actions for the arguments' track, direction and car (k-means of the lap-time limit's
    line, :func:`gymlab.agents.driving.resolve_actions`); any other ``actions`` is kept as is."""
    env_kwargs = dict(env_kwargs)
    if "actions" in env_kwargs:
        env_kwargs["actions"] = resolve_actions(
            env_kwargs["actions"], env_kwargs.get("track", DEFAULT_TRACK),
            bool(env_kwargs.get("reverse", False)), env_kwargs.get("car"),
        )  # fmt: skip
    return env_kwargs


def config_env(config: dict[str, Any], **overrides: Any) -> gym.Env:
    """The env a resolved config describes (its id, arguments and wrapper), with ``overrides``
    on top of its arguments."""
    return make_env(config["env"], {**config["env_kwargs"], **overrides}, config.get("env_wrapper"))
