"""gymlab.agents.rl: algorithms behind the Agent interface, fit checks, safe hyperparameter parsing, model files."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
from torch import nn

from gymlab.agents.base import rollout
from gymlab.agents.rl import SB3Agent, algorithm, check_fits, linear_schedule, model_kwargs, parse_python_dict
from gymlab.envs.errors import GymlabError
from gymlab.experiments.hyperparams import load_settings, read_config_file

TINY = {"n_steps": 64, "batch_size": 32}


def test_algorithm_names_and_aliases():
    assert algorithm("PPO").name == "ppo"
    assert algorithm("MaskablePPO").name == "maskable_ppo"
    assert algorithm("ppo_mask").name == "maskable_ppo"
    with pytest.raises(GymlabError, match="unknown algorithm 'ppo2'.*choose one of: ppo, a2c, dqn, sac"):
        algorithm("ppo2")


def test_dqn_does_not_fit_a_continuous_action_space():
    env = gym.make("Pendulum-v1")
    with pytest.raises(GymlabError, match="dqn needs a Discrete action space.*use one of: ppo, a2c, sac"):
        check_fits(algorithm("dqn"), env)
    check_fits(algorithm("sac"), env)  # fits: no error


def test_sac_does_not_fit_a_discrete_action_space():
    """The algorithms it suggests fit: maskable_ppo only where the env has action masks."""
    with pytest.raises(GymlabError, match="sac needs a Box action space") as error:
        check_fits(algorithm("sac"), gym.make("CartPole-v1"))
    assert "use one of: ppo, a2c, dqn (" in str(error.value)
    with pytest.raises(GymlabError, match=r"use one of: ppo, a2c, dqn, maskable_ppo \("):
        check_fits(algorithm("sac"), gym.make("gymlab/CoinChange-v0"))


def test_maskable_ppo_needs_action_masks():
    with pytest.raises(GymlabError, match="needs an env with action_masks"):
        check_fits(algorithm("maskable_ppo"), gym.make("CartPole-v1"))


def test_policy_kwargs_string_is_parsed_without_eval():
    parsed = parse_python_dict(
        "dict(net_arch=dict(pi=[64, 64], vf=[32]), activation_fn=nn.ReLU, ortho_init=False)"
    )
    assert parsed == {
        "net_arch": {"pi": [64, 64], "vf": [32]},
        "activation_fn": "nn.ReLU",
        "ortho_init": False,
    }
    kwargs = model_kwargs(algorithm("ppo"), {"policy_kwargs": "dict(net_arch=[8], activation_fn=nn.Tanh)"})
    assert kwargs["policy_kwargs"] == {"net_arch": [8], "activation_fn": nn.Tanh}
    for hostile in ("__import__('os').system('true')", "dict(x=open('f'))", "[1, 2]"):
        with pytest.raises(GymlabError, match="policy_kwargs"):
            parse_python_dict(hostile)


def test_linear_schedule_decays_to_zero():
    schedule = linear_schedule("lin_3e-4", "learning_rate")
    assert schedule(1.0) == pytest.approx(3e-4) and schedule(0.5) == pytest.approx(1.5e-4)
    with pytest.raises(GymlabError, match="lin_<number>"):
        linear_schedule("exp_3e-4", "learning_rate")


def test_unknown_hyperparameter_is_named():
    with pytest.raises(GymlabError, match="ppo has no hyperparameter 'lerning_rate'"):
        SB3Agent("ppo", {"lerning_rate": 1e-3})


def test_yaml_settings_default_env_entry_and_overrides(tmp_path):
    (tmp_path / "ppo.yml").write_text(
        "default:\n  n_timesteps: !!float 1e4\n  learning_rate: 0.001\n"
        "CartPole-v1:\n  n_timesteps: 500\n  env_kwargs: {a: 1}\n",
        encoding="utf-8",
    )
    assert load_settings("ppo", "Pendulum-v1", config_dir=tmp_path) == {
        "n_timesteps": 10000,
        "learning_rate": 0.001,
    }
    cartpole = load_settings("ppo", "CartPole-v1", {"n_timesteps": 64, "env_kwargs": {"b": 2}}, tmp_path)
    assert cartpole == {"n_timesteps": 64, "env_kwargs": {"a": 1, "b": 2}}
    (tmp_path / "bad.yml").write_text("default: [1, 2\n", encoding="utf-8")
    with pytest.raises(GymlabError, match="not valid YAML"):
        read_config_file(tmp_path / "bad.yml")


def test_shipped_yaml_files_parse_into_model_arguments():
    from gymlab.experiments.hyperparams import CONFIG_DIR

    for path in sorted(CONFIG_DIR.glob("*.yml")):
        algo = algorithm(path.stem)
        for env_id, settings in read_config_file(path).items():
            kwargs = model_kwargs(algo, settings)
            assert "policy" in kwargs, (path.name, env_id)


def test_learn_act_save_load_roundtrip(tmp_path):
    env = gym.make("CartPole-v1")
    agent = SB3Agent("ppo", TINY).learn(env, 128, seed=0)
    action = agent.act(env.reset(seed=1)[0], env.unwrapped)
    assert isinstance(action, int) and action in (0, 1)
    path = agent.save(tmp_path / "model")
    assert path.name == "model.zip" and path.is_file()
    loaded = SB3Agent.load(path, "ppo")
    assert rollout(env, loaded, seed=3).total_reward == rollout(env, agent, seed=3).total_reward


def test_continuous_actions_come_back_as_arrays():
    env = gym.make("Pendulum-v1")
    agent = SB3Agent("sac", {"learning_starts": 10, "buffer_size": 100}).learn(env, 20, seed=0)
    action = agent.act(env.reset(seed=0)[0], env.unwrapped)
    assert isinstance(action, np.ndarray) and action.shape == (1,)


def test_corrupted_or_missing_model_file_is_a_one_line_error(tmp_path):
    broken = tmp_path / "model.zip"
    broken.write_bytes(b"not a zip file at all")
    with pytest.raises(GymlabError, match="corrupted or not a PPO model"):
        SB3Agent.load(broken, "ppo")
    with pytest.raises(GymlabError, match="no model file"):
        SB3Agent.load(tmp_path / "missing.zip", "ppo")


def test_tiny_budget_still_evaluates_at_most_the_configured_number_of_times(tmp_path):
    """A budget below one PPO rollout rounds up to it; evaluations must not multiply."""
    import numpy as np

    from gymlab.agents.rl import SB3Agent
    from gymlab.experiments.runner import train

    assert SB3Agent("ppo", {"n_steps": 32}).steps_collected(64, n_envs=4) == 128
    assert SB3Agent("ppo", {"n_steps": 32}).steps_collected(129, n_envs=4) == 256
    assert SB3Agent("dqn", {}).steps_collected(64, n_envs=4) == 64
    run = train("coins", "ppo", steps=64, hyperparams={"n_steps": 32}, out=tmp_path / "run", eval_episodes=2)
    timesteps = np.load(run.run_dir / "evaluations.npz")["timesteps"]
    assert 1 <= len(timesteps) <= 10
