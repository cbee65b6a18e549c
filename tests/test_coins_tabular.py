"""Tabular Q-learning: the update rule, learning the DP-optimal coin policy, seeding, save/load."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

from gymlab import envs  # noqa: F401
from gymlab.agents.base import rollout
from gymlab.agents.coins import coin_state_key, counts_per_amount, train_q_learning
from gymlab.agents.tabular import QLearningAgent, default_state_key
from gymlab.envs.errors import GymlabError


def test_one_update_follows_the_rule():
    env = gym.make("gymlab/CoinChange-v0", coins=(1, 2), amount=1)
    agent = QLearningAgent(2, coin_state_key, alpha=0.5, gamma=0.9, epsilon=0.0, seed=0)
    agent.learn(env, steps=1, seed=0)  # from 1, only the 1-coin is allowed: pays, episode ends
    # Q(1, coin 1) ← 0 + 0.5 · (−1 + 0.9 · 0 − 0) = −0.5 (terminal: no bootstrap)
    assert agent.q[1].tolist() == [-0.5, 0.0]


def test_bootstraps_from_the_next_state():
    env = gym.make("gymlab/CoinChange-v0", coins=(1,), amount=2)
    agent = QLearningAgent(1, coin_state_key, alpha=1.0, gamma=0.5, epsilon=0.0, seed=0)
    agent.q[1] = np.array([-4.0])
    agent.learn(env, steps=1, seed=0)  # 2 → 1: Q(2) ← −1 + 0.5 · Q(1) = −3
    assert agent.q[2].tolist() == [-3.0]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"coins": (1, 3, 4), "max_amount": 40},
        {"coins": (10, 50, 60, 100, 500), "max_amount": 1000},
        {"coins": (5, 7), "max_amount": 40},
    ],
)
def test_learns_the_dp_optimal_policy_for_every_amount(kwargs):
    env = gym.make("gymlab/CoinChange-v0", **kwargs)
    run = train_q_learning(env, seed=0, max_steps=100_000, check_every=2_000)
    assert run.optimal_rate == 1.0
    assert run.learned_counts == run.optimal_counts
    assert run.history[-1]["optimal_rate"] == 1.0


def test_learns_without_action_masks_too():
    env = gym.make("gymlab/CoinChange-v0", coins=(1, 3, 4), max_amount=30)
    agent = QLearningAgent(3, coin_state_key, use_action_masks=False, seed=1)
    run = train_q_learning(env, seed=1, max_steps=100_000, check_every=2_000, agent=agent)
    assert run.optimal_rate == 1.0


def test_same_seed_same_table():
    def train(seed):
        env = gym.make("gymlab/CoinChange-v0", max_amount=30)
        agent = QLearningAgent(3, coin_state_key, epsilon=0.3, alpha=0.5, seed=seed)
        agent.learn(env, steps=3_000, seed=seed)
        return agent

    a, b, c = train(7), train(7), train(8)
    assert a.q.keys() == b.q.keys()
    assert all(np.array_equal(a.q[s], b.q[s]) for s in a.q)
    assert a.episodes == b.episodes
    assert any(s not in c.q or not np.array_equal(a.q[s], c.q[s]) for s in a.q)


def test_save_and_load_round_trip(tmp_path):
    env = gym.make("gymlab/CoinChange-v0", max_amount=30)
    run = train_q_learning(env, seed=0, max_steps=50_000, check_every=2_000)
    path = run.agent.save(tmp_path / "q.json")
    loaded = QLearningAgent.load(path, state_key=coin_state_key)
    assert loaded.q.keys() == run.agent.q.keys()
    assert loaded.steps == run.agent.steps and loaded.alpha == run.agent.alpha
    assert counts_per_amount(loaded, env, run.amounts) == run.optimal_counts
    assert [p.name for p in tmp_path.iterdir()] == ["q.json"]  # no temporary file left behind


def test_load_rejects_other_files(tmp_path):
    (tmp_path / "bad.json").write_text("{not json")
    (tmp_path / "other.json").write_text('{"format": "something else"}')
    (tmp_path / "damaged.json").write_text('{"format": "gymlab-q-table-v1", "n_actions": 2}')
    (tmp_path / "binary.json").write_bytes(b"\xff\xfe\x00garbage")
    cases = [("bad", "bad JSON"), ("other", "not a Q-table"), ("damaged", "damaged"), ("binary", "not UTF-8")]
    for name, message in cases:
        with pytest.raises(GymlabError, match=message):
            QLearningAgent.load(tmp_path / f"{name}.json")


def test_general_enough_for_another_env_frozen_lake():
    env = gym.make("FrozenLake-v1", is_slippery=False)
    agent = QLearningAgent(4, default_state_key, gamma=0.9, epsilon=0.2, initial_value=1.0, seed=0)
    agent.learn(env, steps=5_000, seed=0)
    episode = rollout(env, agent, seed=0)
    assert episode.total_reward == 1.0  # reaches the goal
    assert episode.steps == 6  # by a shortest path


@pytest.mark.parametrize(
    "kwargs", [{"n_actions": 0}, {"n_actions": 2, "alpha": 0}, {"n_actions": 2, "epsilon": 2}]
)
def test_bad_hyperparameters(kwargs):
    with pytest.raises(GymlabError):
        QLearningAgent(**kwargs)
