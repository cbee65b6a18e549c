"""The README's rl-zoo3 commands, run verbatim at a tiny budget (with the [zoo] extra).

rl-zoo3 passes the YAML's env_kwargs to its training env only; with the plain TrackRacer id its
evaluation env had 10 actions while the model picked among 20 (IndexError at the first
evaluation). The preset id gymlab/TrackRacer-racing-v2 carries the action set in its defaults.
"""

from __future__ import annotations

import importlib.util
import re
import shlex
import subprocess
import sys
from pathlib import Path

import gymnasium as gym
import numpy as np
import pytest

from gymlab.envs import ENV_IDS, PRESETS, preset_id, preset_ids

REPO = Path(__file__).resolve().parents[1]
needs_zoo = pytest.mark.skipif(
    importlib.util.find_spec("rl_zoo3") is None, reason="rl-zoo3 not installed: pip install -e '.[zoo]'"
)


def readme_zoo_commands() -> list[list[str]]:
    """The `python -m rl_zoo3.train …` commands of the README, as argument lists."""
    text = (REPO / "README.md").read_text(encoding="utf-8").replace("\\\n", " ")
    return [
        shlex.split(line.strip())
        for line in text.splitlines()
        if line.strip().startswith("python -m rl_zoo3")
    ]


def shrink(args: list[str], **values: str) -> list[str]:
    """The command with some option values replaced (``n="2048"`` sets ``-n 2048``)."""
    args = list(args)
    for name, value in values.items():
        flag = "-n" if name == "n" else "-f" if name == "f" else "--" + name.replace("_", "-")
        args[args.index(flag) + 1] = value
    return args


def run_zoo(args: list[str]) -> subprocess.CompletedProcess:
    assert args[:3] == ["python", "-m", "rl_zoo3.train"]
    command = [sys.executable, *args[1:]]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


def test_presets_follow_their_base_id_and_carry_their_settings():
    assert preset_id("gymlab/TrackRacer-v2", "racing") == "gymlab/TrackRacer-racing-v2"
    assert preset_id("gymlab/TrackRacer-v2", "racing") == "gymlab/TrackRacer-racing-v2"
    for short, presets in PRESETS.items():
        for preset in presets:
            assert preset_id(ENV_IDS[short], preset) in preset_ids()
    racing = gym.make(preset_id(ENV_IDS["track"], "racing"))
    assert racing.action_space.n == 20 and gym.make(ENV_IDS["track"]).action_space.n == 10
    assert gym.make(preset_id(ENV_IDS["track"], "racing"), actions="deepracer").action_space.n == 10


def test_readme_commands_name_registered_envs_and_config_entries():
    from gymlab.experiments.hyperparams import read_config_file

    commands = readme_zoo_commands()
    assert len(commands) >= 2
    for args in commands:
        env_id = args[args.index("--env") + 1]
        assert env_id in gym.registry, env_id
        config = read_config_file(REPO / args[args.index("--conf-file") + 1])
        assert env_id in config, f"{env_id} has no entry in {args[args.index('--conf-file') + 1]}"
        assert "--eval-freq" in args or "-optimize" in args


@needs_zoo
def test_readme_track_command_trains_and_evaluates(tmp_path):
    """Verbatim but for -n, --eval-freq and -f: 2,048 steps with an evaluation every 1,024."""
    args = next(a for a in readme_zoo_commands() if "TrackRacer" in " ".join(a) and "-optimize" not in a)
    run_zoo(shrink(args, n="2048", eval_freq="1024", eval_episodes="1", f=str(tmp_path)))
    (log,) = list((tmp_path / "ppo").glob("gymlab-TrackRacer-racing-v2_*"))  # rl-zoo3's folder naming
    evaluations = np.load(log / "evaluations.npz")
    assert len(evaluations["timesteps"]) >= 1 and evaluations["results"].shape[1] == 1


@needs_zoo
@pytest.mark.slow
def test_readme_tsp_command_trains_and_evaluates(tmp_path):
    args = next(a for a in readme_zoo_commands() if "TSP" in " ".join(a))
    run_zoo(shrink(args, n="2048", eval_freq="1024", eval_episodes="2", f=str(tmp_path)))
    (log,) = list((tmp_path / "ppo").glob("gymlab-TSP-v0_*"))
    assert len(np.load(log / "evaluations.npz")["timesteps"]) >= 1


@needs_zoo
@pytest.mark.slow
def test_readme_optimize_command_runs_its_trials(tmp_path):
    """Two trials; one env and one evaluation episode per trial keep each to seconds, not minutes."""
    args = next(a for a in readme_zoo_commands() if "-optimize" in a)
    small = shrink(args, n="1024", n_trials="2", n_evaluations="1", f=str(tmp_path))
    result = run_zoo([*small, "--eval-episodes", "1", "-params", "n_envs:1"])
    finished = re.findall(r"Number of finished trials:\s+(\d+)", result.stdout)
    assert finished and int(finished[-1]) == 2, result.stdout[-2000:]
    (report,) = list((tmp_path / "ppo").glob("report_gymlab-TrackRacer-racing-v2_*.csv"))
    assert report.read_text().count("COMPLETE") == 2
