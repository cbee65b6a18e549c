"""The CLI's frame: help, and the error convention (one line on stderr, exit code 2)."""

from gymlab.envs import GymlabError
from gymlab.experiments.profiles import resolve_env_id


def test_help_lists_groups(cli):
    result = cli("--help")
    assert result.exit_code == 0
    for group in ("envs", "coins", "tsp", "track", "demo", "lessons"):
        assert group in result.stdout


def test_resolve_env_id_short_and_full():
    assert resolve_env_id("coins") == "gymlab/CoinChange-v0"
    assert resolve_env_id("gymlab/TSP-v0") == "gymlab/TSP-v0"


def test_every_name_gymlab_envs_lists_resolves_to_its_id(cli):
    """`gymlab envs` lists presets by short names (track-grip, tsp-20): `train` takes them too."""
    import json

    rows = json.loads(cli("envs", "--json").stdout)
    assert {row["name"] for row in rows} >= {"track-grip", "track-racing", "tsp-20"}
    for row in rows:
        assert resolve_env_id(row["name"]) == row["id"]


def test_unknown_env_is_a_gymlab_error():
    try:
        resolve_env_id("cartpole")
    except GymlabError as error:
        assert "unknown environment 'cartpole'" in str(error)
    else:
        raise AssertionError("expected GymlabError")


def test_envs_lists_every_registered_env_with_spaces(cli):
    import json

    result = cli("envs", "--json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert [row["id"] for row in rows] == [
        "gymlab/CoinChange-v0",
        "gymlab/TSP-v0",
        "gymlab/TSP-20-v0",  # each env's presets follow it
        "gymlab/TrackRacer-v2",
        "gymlab/TrackRacer-racing-v2",
        "gymlab/TrackRacer-grip-v2",
    ]
    for row in rows:
        assert row["action_space"].startswith("Discrete(") or row["name"] == "track-grip"
        assert row["observation_space"].startswith("Box(")
        assert row["description"]
    grip = rows[-1]
    assert grip["action_space"].startswith("Box(") and "grip_steering=True" in grip["description"]
    table = cli("envs")
    assert table.exit_code == 0 and "gymlab/TrackRacer-v2" in table.stdout


def test_gymlab_error_from_any_command_is_one_line_exit_2(cli):
    result = cli("coins", "solve", "--coins", "0,1", "--amount", "3")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_atomic_write_gives_the_usual_permissions(tmp_path):
    import os

    from gymlab.envs.files import atomic_write

    path = atomic_write(tmp_path / "x.txt", lambda tmp: tmp.write_text("hi"))
    mask = os.umask(0o022)
    os.umask(mask)
    assert path.read_text() == "hi"
    assert path.stat().st_mode & 0o777 == 0o666 & ~mask
    assert [p.name for p in tmp_path.iterdir()] == ["x.txt"]  # no temporary file left behind


def test_envs_prefix_imports_and_registers_the_module():
    import gymnasium as gym

    env = gym.make("envs:gymlab/CoinChange-v0")
    observation, _ = env.reset(seed=0)
    assert env.observation_space.contains(observation)
    env.close()


def test_a_pair_without_equals_is_one_line_with_an_example_of_its_own_kind(cli):
    result = cli("train", "track", "--algo", "ppo", "--env-arg", "foo")
    assert result.exit_code == 2 and "--env-arg takes key=value, e.g. track=oval" in result.stderr
    result = cli("train", "track", "--algo", "ppo", "--set", "foo")
    assert result.exit_code == 2 and "--set takes key=value, e.g. learning_rate=3e-4" in result.stderr
