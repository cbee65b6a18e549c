"""Every command that writes results records config, seed and package versions; same seed → same numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

# Values that honestly differ between two identical runs: dates and where the files went (and any
# key naming seconds: a clock reading).
VOLATILE = ("created", "run_dir", "report", "files", "plot", "q_table", "results")

COMMANDS = {
    "coins learn": ["coins", "learn", "--steps", "3000", "--max-amount", "20", "--quiet"],
    "tsp compare": ["tsp", "compare", "--random", "8", "--seed", "3", "--restarts", "3"],
    "demo gd": ["demo", "gd"],
    "demo regression": ["demo", "regression", "--n", "500", "--seed", "4"],
    "demo kmeans": ["demo", "kmeans", "--seed", "2"],
    "train coins": ["train", "coins", "--algo", "q_learning", "--steps", "2000", "--quiet"],
    "train tsp": [
        "train",
        "tsp",
        "--algo",
        "ppo",
        "--steps",
        "128",
        "--episodes",
        "2",
        "--set",
        "n_steps=64",
        "--set",
        "batch_size=32",
        "--quiet",
    ],  # fmt: skip
}


def without_volatile(value):
    """``value`` with clock readings, dates and output paths removed (recursively)."""
    if isinstance(value, dict):
        return {
            key: without_volatile(item)
            for key, item in value.items()
            if key not in VOLATILE and "seconds" not in key
        }
    if isinstance(value, list):
        return [without_volatile(item) for item in value]
    return value


def saved_results(cli, args: list[str], out: Path) -> dict[str, dict]:
    result = cli(*args, "--out", out)
    assert result.exit_code == 0, result.stderr
    return {str(path.relative_to(out)): json.loads(path.read_text()) for path in sorted(out.rglob("*.json"))}


def provenance_of(document: dict) -> dict:
    """The provenance block of a saved result (a run's config.json *is* one)."""
    return document.get("provenance", document)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_saved_results_carry_provenance_and_repeat_under_the_same_seed(cli, tmp_path, name):
    first = saved_results(cli, COMMANDS[name], tmp_path / "first")
    again = saved_results(cli, COMMANDS[name], tmp_path / "again")
    carrying = [document for document in first.values() if "versions" in provenance_of(document)]
    assert carrying, f"{name} saved no JSON with provenance: {list(first)}"
    for document in carrying:
        block = provenance_of(document)
        assert {"config", "seed", "versions", "created"} <= set(block)
        assert block["versions"]["numpy"] and block["versions"]["gymnasium"]
    assert without_volatile(first) == without_volatile(again)


def test_tsp_compare_records_its_input_file_and_optimum(cli, tmp_path, shared_data):
    file = shared_data / "tsplib" / "burma14.tsp"
    assert (
        cli("tsp", "compare", file, "--restarts", "2", "--optimal", "3323", "--out", tmp_path).exit_code == 0
    )
    config = json.loads((tmp_path / "compare.json").read_text())["provenance"]["config"]
    assert config["file"] == str(file) and config["random"] is None and config["optimal"] == 3323


def test_track_drive_json_records_config_seed_and_versions(cli):
    args = ("track", "drive", "--track", "oval", "--episodes", "1", "--seed", "5", "--json")
    first, again = cli(*args), cli(*args)
    document = json.loads(first.stdout)
    block = document["provenance"]
    assert block["seed"] == 5 and block["config"]["track"] == "oval" and block["versions"]["gymnasium"]
    assert document["trials"] == json.loads(again.stdout)["trials"]
