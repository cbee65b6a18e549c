"""Small parsing and printing helpers shared by the command modules."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

import typer

from gymlab.envs.errors import GymlabError
from gymlab.experiments.io import default_out_dir, to_json

JsonOption = typer.Option("--json", help="Print exactly one JSON document on stdout, nothing else.")

MAX_SEED = 2**32 - 1  # numpy's legacy seeding (which SB3 calls) refuses anything larger


def seed_option(help: str = "Seed for every random thing (a whole number, 0 to 2³²−1).") -> Any:
    """The one ``--seed`` of every command: an int from 0 to :data:`MAX_SEED`, so a bad seed gets
    click's one-line "Invalid value for '--seed'" error everywhere."""
    return typer.Option("--seed", min=0, max=MAX_SEED, help=help)


def choices(name: str, values: Iterable[str]) -> type[enum.Enum]:
    """A string Enum of ``values`` for an option's type: typer lists them in ``--help``, completes
    them in the shell and refuses anything else in one line. ``member.value`` is the string."""
    return enum.Enum(name, [(value, value) for value in values], type=str)


# The names of gymlab.agents.rl.ALGORITHMS, spelled out so that building the CLI does not import
# torch (tests/test_cli_conventions.py checks they agree).
SB3_NAMES = ("ppo", "a2c", "dqn", "sac", "maskable_ppo")


def algo_choices() -> type[enum.Enum]:
    """The choices of ``--algo`` (for ``gymlab train``), listed in its ``--help``: the RL
    algorithms, then every learner an env profile declares (``q_learning`` …)."""
    from gymlab.experiments.profiles import profiles

    learners = [name for profile in profiles() for name, recipe in profile.agents.items() if recipe.learns]
    return choices("Algo", dict.fromkeys([*SB3_NAMES, *learners]))


def choice_value(choice: Any) -> Any:
    """The string behind an Enum choice (a plain string or None passes through: the Python API)."""
    return choice.value if isinstance(choice, enum.Enum) else choice


def version_text() -> str:
    """``gymlab 0.1.0`` (the installed distribution's version)."""
    try:
        return f"gymlab {metadata.version('gymlab')}"
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "gymlab (not installed: pip install -e .)"


def version_callback(value: bool) -> None:
    """For the root's ``--version`` option: print the version and stop."""
    if value:
        typer.echo(version_text())
        raise typer.Exit()


VersionOption = typer.Option(
    "--version", callback=version_callback, is_eager=True, help="Show gymlab's version and exit."
)


def emit_json(data: Any) -> None:
    """Print ``data`` as the one JSON document of a ``--json`` command."""
    typer.echo(to_json(data))


def output_dir(out: Path | None, name: str, option: str = "--out") -> Path:
    """The folder a command writes to: ``out``, else ``runs/<timestamp>-<name>/``.

    Checked before any work starts: a path that is (or lies inside) an existing file is a
    one-line error, not a traceback after the computation.
    """
    folder = Path(out) if out is not None else default_out_dir(name)
    for path in (folder, *folder.parents):
        if path.exists():
            if not path.is_dir():
                raise GymlabError(f"{option} {folder}: {path} is a file, not a folder; choose a folder path")
            break
    return folder


def parse_int_list(text: str, what: str) -> list[int]:
    """``"1,3,4"`` → ``[1, 3, 4]``, or a one-line error naming ``what``."""
    items = [item.strip() for item in text.split(",")]
    if not text.strip() or any(item == "" for item in items):
        raise GymlabError(f"{what} must be a comma-separated list of integers, e.g. 1,3,4 (got {text!r})")
    try:
        return [int(item) for item in items]
    except ValueError:
        raise GymlabError(f"{what} must be whole numbers, e.g. 1,3,4 (got {text!r})") from None


def parse_names(values: list[str] | None, what: str, example: str) -> list[str] | None:
    """``--agents a,b --agents c`` → ``["a", "b", "c"]``; ``None`` when the option is absent.

    An option given but naming nothing (``--agents ''``, ``--agents ,,``) is a one-line error,
    never "all of them". ``example`` completes the message, e.g. ``"greedy,ppo"``.
    """
    if values is None:
        return None
    names = [name.strip() for value in values for name in value.split(",") if name.strip()]
    if not names:
        raise GymlabError(
            f"{what} names nothing (got {','.join(values)!r}); give names such as {what} {example}, "
            f"or leave {what} out for all"
        )
    return names


def parse_whole(text: str, what: str, example: str) -> int:
    """A whole number typed on the command line, or a one-line error naming the option.

    ``example`` completes the message, e.g. ``" such as 120"``.
    """
    try:
        return int(text.strip())
    except ValueError:
        raise GymlabError(f"{what} must be a whole number{example} (got {text!r})") from None


def parse_float_list(text: str, what: str) -> list[float]:
    """``"0.1,1e-3"`` → ``[0.1, 0.001]``, or a one-line error naming ``what``."""
    items = [item.strip() for item in text.split(",")]
    if not text.strip() or any(item == "" for item in items):
        raise GymlabError(f"{what} must be a comma-separated list of numbers, e.g. 0.01,0.1 (got {text!r})")
    try:
        return [float(item) for item in items]
    except ValueError:
        raise GymlabError(f"{what} must be numbers, e.g. 0.01,0.1 (got {text!r})") from None


def parse_key_values(pairs: list[str] | None, what: str) -> dict[str, Any]:
    """``["lr=3e-4", "net=[64,64]"]`` → ``{"lr": 0.0003, "net": [64, 64]}`` (values read as YAML)."""
    import yaml

    result: dict[str, Any] = {}
    for pair in pairs or []:
        key, sep, raw = pair.partition("=")
        if not sep or not key.strip():
            example = "track=oval" if what == "--env-arg" else "learning_rate=3e-4"
            raise GymlabError(f"{what} takes key=value, e.g. {example} (got {pair!r})")
        try:
            value = yaml.safe_load(raw) if raw.strip() else ""
        except yaml.YAMLError:
            value = raw
        if isinstance(value, str):
            value = _maybe_number(value)
        result[key.strip()] = value
    return result


def _maybe_number(text: str) -> Any:
    """YAML reads ``3e-4`` as a string; read it as the number a user meant."""
    try:
        return float(text) if any(c in text for c in ".eE") else int(text)
    except ValueError:
        return text
