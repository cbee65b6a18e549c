"""The CLI's frame: help, and the error convention (one line on stderr, exit code 2)."""

from envs import GymlabError, resolve_env_id


def test_help_lists_groups(cli):
    result = cli("--help")
    assert result.exit_code == 0
    for group in ("envs", "coins", "tsp", "track", "demo", "lessons"):
        assert group in result.stdout


def test_resolve_env_id_short_and_full():
    assert resolve_env_id("coins") == "gymlab/CoinChange-v0"
    assert resolve_env_id("gymlab/TSP-v0") == "gymlab/TSP-v0"


def test_unknown_env_is_a_gymlab_error():
    try:
        resolve_env_id("cartpole")
    except GymlabError as error:
        assert "unknown environment 'cartpole'" in str(error)
    else:
        raise AssertionError("expected GymlabError")
