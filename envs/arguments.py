"""Env arguments typed from the env constructor's signature: the edge check for ``--env-arg``.

Values typed on the command line arrive as YAML scalars (``true``, ``10``, ``maybe``). Before
an env is made, :func:`coerce_env_kwargs` checks each against the constructor's annotation:
``continuous=true`` → ``True``, ``max_steps=100.0`` → ``100``, ``continuous=maybe`` or an
argument the env does not have is one line naming the argument and what it takes.
"""

from __future__ import annotations

import inspect
import types
import typing
from pathlib import Path
from typing import Any

import gymnasium as gym
from gymnasium.envs.registration import load_env_creator

from gymlab.envs.errors import GymlabError

_TRUE, _FALSE = {"true", "yes", "on", "1"}, {"false", "no", "off", "0"}
_SIMPLE = (bool, int, float, str, Path, type(None))
_WORDS = {bool: "true or false", int: "a whole number", float: "a number", str: "text", Path: "a path",
          type(None): "null"}  # fmt: skip


def coerce_env_kwargs(env_id: str, kwargs: dict[str, Any] | None) -> dict[str, Any]:
    """``kwargs`` for ``gymnasium.make(env_id, **kwargs)``, typed from the constructor's annotations.

    Unknown arguments are refused (unless the constructor takes ``**kwargs``); a value that
    fits none of the annotated simple types (bool, int, float, str, Path, None) is refused;
    strings and whole floats are converted where the annotation asks for bool, int or float.
    Arguments annotated with other types (a list, a Track, a callable) pass unchanged: the
    env checks them itself.
    """
    if kwargs is None:
        return {}
    if not isinstance(kwargs, dict):
        raise GymlabError(f"env arguments must be a mapping of name → value, got {kwargs!r}")
    try:
        entry_point = gym.spec(env_id).entry_point
        creator = entry_point if callable(entry_point) else load_env_creator(entry_point)
    except Exception as error:  # an unknown id, or an entry point that does not import
        raise GymlabError(f"cannot find environment {env_id!r} ({error})") from None
    function = creator.__init__ if inspect.isclass(creator) else creator
    parameters = dict(inspect.signature(function).parameters)
    parameters.pop("self", None)
    open_ended = any(p.kind is p.VAR_KEYWORD for p in parameters.values())
    make_options = set(inspect.signature(gym.make).parameters) - {"id", "kwargs"}
    try:
        hints = typing.get_type_hints(function)
    except Exception:  # annotations that do not evaluate: check names only
        hints = {}
    result = {}
    for key, value in kwargs.items():
        if key not in parameters and key not in make_options and not open_ended:
            names = ", ".join(name for name, p in parameters.items() if p.kind is not p.VAR_POSITIONAL)
            raise GymlabError(f"{env_id} has no argument {key!r}; its arguments: {names}")
        result[key] = _coerce(env_id, key, value, hints.get(key))
    return result


def _coerce(env_id: str, key: str, value: Any, annotation: Any) -> Any:
    """``value`` converted to the first simple type of ``annotation`` it fits, or a one-line error."""
    if annotation is None or annotation is Any:
        return value
    options = typing.get_args(annotation) if _is_union(annotation) else (annotation,)
    simple = [kind for kind in options if kind in _SIMPLE]
    if not simple:
        return value
    if type(value) in simple or (isinstance(value, str) and Path in simple):
        return value
    if isinstance(value, bool | int | float | str):
        for kind in simple:
            converted = _convert(value, kind)
            if converted is not _NO:
                return converted
    elif len(simple) < len(options):  # a list or a mapping for a richer annotation: the env checks it
        return value
    words = [_WORDS[kind] if kind in _WORDS else getattr(kind, "__name__", str(kind)) for kind in options]
    expected = " or ".join(dict.fromkeys(words))
    raise GymlabError(f"{env_id} argument {key} must be {expected}, got {value!r}")


_NO = object()


def _convert(value: Any, kind: type) -> Any:
    """``value`` as ``kind`` when the conversion loses nothing, else ``_NO``."""
    if kind is bool and isinstance(value, str):
        word = value.strip().lower()
        return True if word in _TRUE else False if word in _FALSE else _NO
    if kind is int and not isinstance(value, bool):
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            try:
                return int(value.strip())
            except ValueError:
                return _NO
    if kind is float and not isinstance(value, bool):
        if isinstance(value, int):
            return float(value)
        if isinstance(value, str):
            try:
                return float(value.strip())
            except ValueError:
                return _NO
    return _NO


def _is_union(annotation: Any) -> bool:
    return typing.get_origin(annotation) in (typing.Union, types.UnionType)
