"""rl-zoo3's env_wrapper forms in gymlab's YAML reader: a name, a list of names, a list of one-key
mappings with arguments — accepted; anything else refused in one line."""

from __future__ import annotations

import gymnasium as gym
import pytest

from gymlab.agents.features import (
    WRAPPERS,
    CityDistances,
    canonical_env_wrapper,
    wrap,
    wrapper_chain,
    wrapper_class,
)
from gymlab.envs.errors import GymlabError
from gymlab.experiments.hyperparams import load_settings

NAME = "gymlab.agents.features.CityDistances"


class Scaled(gym.ObservationWrapper):
    """A wrapper with a keyword argument, to check that arguments reach the wrapper."""

    def __init__(self, env: gym.Env, factor: float = 1.0):
        super().__init__(env)
        self.factor = factor
        self.observation_space = gym.spaces.Box(
            env.observation_space.low * factor, env.observation_space.high * factor
        )

    def observation(self, observation):
        return observation * self.factor


@pytest.fixture
def scaled(monkeypatch):
    monkeypatch.setitem(WRAPPERS, "tests.Scaled", Scaled)
    return "tests.Scaled"


@pytest.mark.parametrize(
    "spec",
    [NAME, [NAME], [{NAME: {}}], {NAME: {}}],
    ids=["string", "list of strings", "list of one-key mappings", "one-key mapping"],
)
def test_every_zoo_form_of_one_wrapper_reads_the_same(spec):
    assert wrapper_chain(spec) == [(NAME, {})]
    assert canonical_env_wrapper(spec) == NAME  # the short form: config hashes stay as they were
    env = wrapper_class(spec)(gym.make("gymlab/TSP-v0"))
    assert isinstance(env, CityDistances) and env.reset(seed=0)[0].shape == (60,)


def test_arguments_reach_the_wrapper_in_zoo_order(scaled):
    spec = [NAME, {scaled: {"factor": 2.0}}]
    assert canonical_env_wrapper(spec) == [NAME, {scaled: {"factor": 2.0}}]
    env = wrap(gym.make("gymlab/TSP-v0"), spec)
    assert isinstance(env, Scaled) and isinstance(env.env, CityDistances)  # the first is innermost
    plain = CityDistances(gym.make("gymlab/TSP-v0"))
    assert (env.reset(seed=3)[0] == 2.0 * plain.reset(seed=3)[0]).all()
    assert wrapper_chain(None) == [] and canonical_env_wrapper(None) is None


@pytest.mark.parametrize(
    "spec, fragment",
    [
        ("os.system", "unknown env_wrapper 'os.system'"),
        ([NAME, "os.system"], "unknown env_wrapper 'os.system'"),
        ([{NAME: {}, "other.Wrapper": {}}], "is not understood"),
        ([3], "is not understood"),
        ({NAME: None}, "arguments must be a mapping"),
        ({NAME: [1, 2]}, "arguments must be a mapping"),
        ({NAME: {"bogus": 1}}, "does not take"),
        ([{3: {}}], "unknown env_wrapper 3"),
    ],
)
def test_bad_forms_are_one_line_errors(spec, fragment):
    with pytest.raises(GymlabError, match=fragment) as error:
        wrapper_chain(spec)
    assert "\n" not in str(error.value)


def test_yaml_reader_accepts_the_list_form(tmp_path):
    (tmp_path / "maskable_ppo.yml").write_text(
        f"gymlab/TSP-v0:\n  policy: MlpPolicy\n  env_wrapper:\n    - {NAME}: {{}}\n"
    )
    settings = load_settings("maskable_ppo", "gymlab/TSP-v0", config_dir=tmp_path)
    assert settings["env_wrapper"] == NAME
    with_args = load_settings("maskable_ppo", "gymlab/TSP-v0", {"env_wrapper": [NAME, NAME]}, tmp_path)
    assert with_args["env_wrapper"] == [NAME, NAME]
    (tmp_path / "ppo.yml").write_text("gymlab/TSP-v0:\n  policy: MlpPolicy\n  env_wrapper: [[x]]\n")
    with pytest.raises(GymlabError, match="is not understood"):
        load_settings("ppo", "gymlab/TSP-v0", config_dir=tmp_path)


def test_train_takes_the_zoo_list_form(cli, tmp_path):
    """The issue's crash: `[{gymlab.agents.features.CityDistances: {}}]` gave a raw traceback."""
    result = cli(
        "train", "tsp", "--algo", "maskable_ppo", "--steps", "256", "--episodes", "2", "--set",
        f"env_wrapper=[{{{NAME}: {{}}}}]", "--set", "n_steps=64", "--set", "batch_size=32",
        "--out", tmp_path / "run", "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    bad = cli("train", "tsp", "--algo", "ppo", "--set", f"env_wrapper=[{{{NAME}: 3}}]")
    assert bad.exit_code == 2 and bad.stderr.count("\n") == 1 and "must be a mapping" in bad.stderr
