"""typer's conventions across the commands: choices listed in --help, one --seed, --out and the
paths of every written file in --json, a one-line error for human rendering without a display."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import pytest
import typer

from gymlab.envs.errors import GymlabError
from gymlab.experiments.commands.common import (
    MAX_SEED,
    VersionOption,
    choice_value,
    choices,
    version_text,
)


def assert_one_line_error(result, *fragments: str) -> None:
    """The project's error convention: exit 2, one `error:` line on stderr naming the fragments."""
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


# --- choices ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command, option, values",
    [
        (("tsp", "solve"), "--solver", ["nn", "restarts", "two-opt", "exact", "lkh", "ortools"]),
        (("track", "drive"), "--agent", ["pure-pursuit", "greedy"]),
        (("track", "drive"), "--actions", ["deepracer", "racing"]),
    ],
)
def test_choices_are_listed_in_help_and_refused_in_one_line(cli, command, option, values):
    text = cli(*command, "--help").stdout
    listed = text[text.index(option) :]
    for value in values:
        assert value in listed, (option, value)
    result = cli(*command, option, "bogus")
    assert_one_line_error(result, option, "'bogus' is not one of", values[0])


def test_choices_builder_keeps_strings():
    Colour = choices("Colour", ["red", "two-tone"])
    assert [member.value for member in Colour] == ["red", "two-tone"]
    assert Colour("two-tone") == "two-tone"  # a str Enum: compares equal to its value
    assert choice_value(Colour("red")) == "red" and choice_value("plain") == "plain"
    assert choice_value(None) is None


# --- one --seed ------------------------------------------------------------------------------------

SEEDED = [
    ("coins", "learn", "--max-amount", "10", "--steps", "300"),
    ("tsp", "solve", "--random", "6"),
    ("tsp", "compare", "--random", "6", "--no-references"),
    ("track", "drive", "--track", "oval", "--episodes", "1"),
    ("demo", "regression", "--n", "100"),
    ("demo", "kmeans", "--players", "40", "--k-max", "3"),
]


@pytest.mark.parametrize("args", SEEDED, ids=lambda args: " ".join(args[:2]))
@pytest.mark.parametrize("seed", ["abc", "-1", "1.5", str(MAX_SEED + 1)])
def test_every_seed_is_one_type_with_one_error_style(cli, tmp_path, args, seed):
    result = cli(*args, "--seed", seed, "--out", tmp_path / "out")
    assert_one_line_error(result, "Invalid value for '--seed'")
    assert not (tmp_path / "out").exists()


def test_the_largest_seed_is_accepted(cli, tmp_path):
    result = cli("tsp", "solve", "--random", "6", "--seed", str(MAX_SEED), "--json")
    assert result.exit_code == 0, result.stderr


# --- --out and the paths in --json -----------------------------------------------------------------


def _paths_in(document) -> set[Path]:
    """Every string in a JSON document that names an existing file."""
    found: set[Path] = set()
    if isinstance(document, dict):
        for value in document.values():
            found |= _paths_in(value)
    elif isinstance(document, list):
        for value in document:
            found |= _paths_in(value)
    elif isinstance(document, str) and len(document) < 4096 and Path(document).is_file():
        found.add(Path(document).resolve())
    return found


def _csv(tmp_path: Path) -> Path:
    path = tmp_path / "data.csv"
    path.write_text("a,b\n1,2\n3,5\n4,4\n")
    return path


WRITERS = {
    "coins learn": lambda t: ("coins", "learn", "--max-amount", "10", "--steps", "2000"),
    "tsp solve": lambda t: ("tsp", "solve", "--random", "7"),
    "tsp compare": lambda t: ("tsp", "compare", "--random", "7", "--no-references"),
    "track drive": lambda t: (
        "track",
        "drive",
        "--track",
        "oval",
        "--episodes",
        "1",
        "--gif",
        t / "out" / "l.gif",
    ),
    "track show": lambda t: ("track", "show", "oval"),
    "demo gd": lambda t: ("demo", "gd"),
    "demo gd starts": lambda t: ("demo", "gd", "-f", "four_wells", "--lr", "0.05"),
    "demo regression": lambda t: ("demo", "regression", "--n", "200"),
    "demo describe": lambda t: ("demo", "describe", _csv(t)),
    "demo kmeans": lambda t: ("demo", "kmeans", "--players", "40", "--k-max", "3"),
}


@pytest.mark.parametrize("name", WRITERS)
def test_every_json_names_every_file_it_wrote(cli, tmp_path, name):
    out = tmp_path / "out"
    result = cli(*WRITERS[name](tmp_path), "--out", out, "--json")
    assert result.exit_code == 0, result.stderr
    written = {path.resolve() for path in out.rglob("*") if path.is_file()}
    assert written, "the command wrote nothing under --out"
    assert written <= _paths_in(json.loads(result.stdout)), written - _paths_in(json.loads(result.stdout))


def test_track_drive_out_saves_the_trials(cli, tmp_path):
    out = tmp_path / "drive"
    data = json.loads(
        cli("track", "drive", "--track", "oval", "--episodes", "1", "--out", out, "--json").stdout
    )
    saved = json.loads((out / "trials.json").read_text())
    assert data["files"] == {"trials": str(out / "trials.json")}
    assert saved["trials"] == data["trials"] and saved["provenance"]["seed"] == 0
    text = cli("track", "drive", "--track", "oval", "--episodes", "1", "--out", tmp_path / "t")
    assert "trials.json" in text.stdout


# --- version ---------------------------------------------------------------------------------------


def test_version_callback_prints_the_installed_version():
    from importlib import metadata

    from typer.testing import CliRunner

    assert version_text() == f"gymlab {metadata.version('gymlab')}"
    app = typer.Typer()

    @app.command()
    def main(version: Annotated[bool | None, VersionOption] = None) -> None:
        typer.echo("ran")

    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.strip() == version_text()
    assert CliRunner().invoke(app, []).stdout.strip() == "ran"


# --- human rendering without a display -------------------------------------------------------------


def test_human_rendering_without_a_display_is_one_line():
    import matplotlib

    from gymlab.envs.track_racer import TrackRacerEnv

    assert matplotlib.get_backend().lower() == "agg"  # tests run headless (conftest sets MPLBACKEND)
    env = TrackRacerEnv(track="oval", render_mode="human")
    with pytest.raises(GymlabError, match='render_mode="human" needs a display') as error:
        env.reset(seed=0)
    assert "\n" not in str(error.value) and "rgb_array" in str(error.value)
    frame_env = TrackRacerEnv(track="oval", render_mode="rgb_array")
    frame_env.reset(seed=0)
    assert frame_env.render().ndim == 3  # file rendering still works headless


def test_algo_choices_are_the_algorithms_plus_the_profiles_learners():
    from gymlab.agents.rl import ALGORITHMS
    from gymlab.experiments.commands.common import SB3_NAMES, algo_choices
    from gymlab.experiments.hyperparams import CONFIG_DIR

    assert set(SB3_NAMES) == set(ALGORITHMS)
    assert [member.value for member in algo_choices()][: len(SB3_NAMES)] == list(SB3_NAMES)
    assert "q_learning" in [member.value for member in algo_choices()]
    assert {path.stem for path in CONFIG_DIR.glob("*.yml")} == set(ALGORITHMS)  # one YAML per algorithm
