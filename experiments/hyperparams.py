"""Default hyperparameters per (environment, algorithm), read from rl-zoo3-style YAML files.

``experiments/config/<algo>.yml`` maps an env id (or ``default``) to settings:

.. code-block:: yaml

    gymlab/TSP-v0:
      n_timesteps: !!float 5e4
      n_envs: 4
      learning_rate: lin_3e-4
      policy_kwargs: {net_arch: [64, 64]}
      env_kwargs: {n_cities: 10}

The files are read with ``yaml.safe_load`` (no code runs); ``--set key=value`` overrides a
setting, and ``env_kwargs`` overrides merge key by key. ``env_wrapper`` takes rl-zoo3's forms
(a name, a list of names, a list of one-key mappings with arguments), see
:func:`gymlab.agents.features.wrapper_chain`. rl-zoo3 reads the same files
(``python -m rl_zoo3.train … -conf experiments/config/ppo.yml``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from gymlab.agents.features import canonical_env_wrapper
from gymlab.agents.rl import algorithm, validate_hyperparams
from gymlab.envs.errors import GymlabError

CONFIG_DIR = Path(__file__).resolve().parent / "config"


def read_config_file(path: str | Path) -> dict[str, Any]:
    """One YAML hyperparameter file as a mapping {env id or ``default``: settings}."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise GymlabError(f"{path} is not valid YAML{where}; fix the file") from None
    if data is None:
        return {}
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise GymlabError(f"{path} must map env ids (or 'default') to settings, like rl-zoo3's files")
    return data


def load_settings(
    algo: str,
    env_id: str,
    overrides: dict[str, Any] | None = None,
    config_dir: str | Path = CONFIG_DIR,
) -> dict[str, Any]:
    """The settings for ``algo`` on ``env_id``: the env's entry (else ``default``), then ``overrides``.

    Every value is checked against the hyperparameter schema
    (:func:`gymlab.agents.rl.validate_hyperparams`), so a bad ``--set`` is one line before any
    training starts.
    """
    name = algorithm(algo).name
    path = Path(config_dir) / f"{name}.yml"
    table = read_config_file(path) if path.is_file() else {}
    settings = dict(table.get(env_id, table.get("default", {})))
    for key, value in (overrides or {}).items():
        if key == "env_kwargs" and isinstance(value, dict):
            settings["env_kwargs"] = {**settings.get("env_kwargs", {}), **value}
        else:
            settings[key] = value
    if "env_wrapper" in settings:  # every rl-zoo3 form, checked; one line on anything else
        settings["env_wrapper"] = canonical_env_wrapper(settings["env_wrapper"])
    settings = validate_hyperparams(name, settings)
    if "n_timesteps" in settings:
        settings["n_timesteps"] = int(settings["n_timesteps"])
    return settings
