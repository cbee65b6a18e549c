"""`gymlab envs`: the registered environments with their action and observation spaces."""

from __future__ import annotations

from typing import Annotated

import gymnasium as gym
import typer
from rich.console import Console
from rich.table import Table

from gymlab.experiments.commands.common import JsonOption, emit_json
from gymlab.experiments.profiles import profiles


def describe_envs() -> list[dict]:
    """Each registered gymlab env: short name, id, and its default action/observation spaces."""
    rows = []
    for profile in profiles():
        short, env_id = profile.short, profile.env_id
        env = gym.make(env_id)
        try:
            rows.append(
                {
                    "name": short,
                    "id": env_id,
                    "action_space": repr(env.action_space),
                    "observation_space": repr(env.observation_space),
                    "description": (type(env.unwrapped).__doc__ or "").strip().splitlines()[0],
                }
            )
        finally:
            env.close()
    return rows


def register(app: typer.Typer) -> None:
    @app.command("envs")
    def envs_command(as_json: Annotated[bool, JsonOption] = False) -> None:
        """List the registered environments with their action and observation spaces."""
        rows = describe_envs()
        if as_json:
            emit_json(rows)
            return
        table = Table(title="gymlab environments")
        for column in ("name", "id", "action space", "observation space"):
            table.add_column(column)
        for row in rows:
            table.add_row(row["name"], row["id"], row["action_space"], row["observation_space"])
        Console().print(table)
