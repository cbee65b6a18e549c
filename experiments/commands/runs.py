"""`gymlab train`, `evaluate`, `compare` and `plot`: the experiment runner's commands."""

import typer


def register(app: typer.Typer) -> None:
    """Add the runner's top-level commands to the root app."""
