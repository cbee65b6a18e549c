"""`gymlab envs`: the registered environments and their presets, with action and observation spaces."""

from __future__ import annotations

from typing import Annotated

import gymnasium as gym
import typer
from rich.console import Console
from rich.table import Table

from gymlab.envs import presets_of
from gymlab.experiments.commands.common import JsonOption, emit_json
from gymlab.experiments.profiles import profiles


def describe_envs() -> list[dict]:
    """Each registered gymlab env, then its preset ids (``gymlab.envs.presets_of``): short name, id,
    default action/observation spaces and a one-line description (a preset's: the arguments it sets)."""
    rows = []
    for profile in profiles():
        rows.append(_describe(profile.short, profile.env_id))
        for preset_short, preset_env_id, kwargs in presets_of(profile.short):
            settings = ", ".join(f"{key}={value!r}" for key, value in kwargs.items())
            rows.append(_describe(preset_short, preset_env_id, f"{profile.env_id} with {settings}"))
    return rows


def _describe(name: str, env_id: str, description: str | None = None) -> dict:
    env = gym.make(env_id)
    try:
        return {
            "name": name,
            "id": env_id,
            "action_space": repr(env.action_space),
            "observation_space": repr(env.observation_space),
            "description": description or (type(env.unwrapped).__doc__ or "").strip().splitlines()[0],
        }
    finally:
        env.close()


def _short(space: str) -> str:
    """``Box(-2.0, 2.0, (29,), float32)`` → ``Box(29,)``; ``Discrete(20)`` stays."""
    if space.startswith("Box(") and "(" in space[4:]:
        return "Box" + space[space.index("(", 4) : space.index(")", 4) + 1]
    return space


def register(app: typer.Typer) -> None:
    @app.command("envs")
    def envs_command(as_json: Annotated[bool, JsonOption] = False) -> None:
        """List the registered environments with their action and observation spaces."""
        rows = describe_envs()
        if as_json:
            emit_json(rows)
            return
        table = Table(title="gymlab environments")
        for column in ("name", "id", "actions", "observations"):
            table.add_column(column, no_wrap=True)  # ids whole; the spaces in short (--json: in full)
        for row in rows:
            table.add_row(
                row["name"], row["id"], _short(row["action_space"]), _short(row["observation_space"])
            )
        Console().print(table)
