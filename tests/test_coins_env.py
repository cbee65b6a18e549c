"""gymlab/CoinChange-v0: the checkers, the rules, masks, info, seeding, baselines, SB3 runs."""

from __future__ import annotations

import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env as gym_check_env
from stable_baselines3.common.env_checker import check_env as sb3_check_env

from gymlab import envs  # noqa: F401
from gymlab.agents.base import rollout
from gymlab.agents.coins import GreedyCoinAgent, OptimalCoinAgent, counts_per_amount, optimal_change
from gymlab.envs.coin_change import CoinChangeEnv
from gymlab.envs.errors import GymlabError

CONFIGS = [
    {},
    {"coins": (10, 50, 60, 100, 500), "max_amount": 1000},
    {"coins": (2, 3), "amount": 4},
    {"coins": (5, 7), "min_amount": 1, "max_amount": 30},
    {"coins": (1, 3, 4), "render_mode": "ansi"},
]


@pytest.mark.parametrize("kwargs", CONFIGS)
def test_passes_both_env_checkers(kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no checker warnings either
        gym_check_env(gym.make("gymlab/CoinChange-v0", **kwargs).unwrapped, skip_render_check=False)
    sb3_check_env(CoinChangeEnv(**kwargs), warn=True)


def test_defaults_are_a_non_canonical_range():
    env = gym.make("gymlab/CoinChange-v0")
    assert env.unwrapped.coins == (1, 3, 4)
    assert env.unwrapped.start_amounts.tolist() == list(range(1, 101))
    assert env.action_space == gym.spaces.Discrete(3)
    assert env.observation_space.shape == (7,)


def test_observation_is_normalised_and_encodes_the_remaining_amount():
    env = CoinChangeEnv(coins=(1, 3, 4), max_amount=100)
    observation, _ = env.reset(options={"amount": 6})
    assert observation.dtype == np.float32
    assert observation[0] == pytest.approx(0.06)
    assert observation[1:4].tolist() == [1.0, 1.0, 1.0]  # every coin fits 6
    assert observation[4:].tolist() == pytest.approx([0.0, 0.0, 0.5])  # 6 mod 1, 6 mod 3, 6 mod 4 / 4
    observation, *_ = env.step(2)  # hand out a 4
    assert observation[0] == pytest.approx(0.02)
    assert observation[1:4].tolist() == [1.0, 0.0, 0.0]


def test_action_masks_allow_exactly_the_coins_that_fit():
    env = CoinChangeEnv(coins=(1, 3, 4))
    env.reset(options={"amount": 3})
    mask = env.action_masks()
    assert mask.dtype == bool and mask.tolist() == [True, True, False]
    env.step(1)  # pays 3
    assert env.action_masks().tolist() == [False, False, False]


def test_reward_is_minus_one_per_coin_and_info_reports_the_optimum():
    env = CoinChangeEnv(coins=(1, 3, 4))
    _, info = env.reset(options={"amount": 6})
    assert info["amount"] == 6 and "optimal_count" not in info
    total, done = 0.0, False
    for action in (2, 0, 0):  # 4 + 1 + 1: greedy's answer
        _, reward, terminated, truncated, info = env.step(action)
        total += reward
        done = terminated or truncated
    assert done and terminated and not truncated
    assert total == -3.0
    assert info["coins_used"] == [4, 1, 1] and info["n_coins"] == 3
    assert info["paid"] is True and info["optimal_count"] == 2 and info["optimal"] is False


def test_invalid_action_hands_out_nothing_and_costs_the_penalty():
    env = CoinChangeEnv(coins=(1, 3, 4), invalid_action_reward=-2.5)
    env.reset(options={"amount": 2})
    _, reward, terminated, truncated, info = env.step(2)  # a 4 for 2: not allowed
    assert reward == -2.5 and not terminated and not truncated
    assert info["remaining"] == 2 and info["coins_used"] == [] and info["invalid_actions"] == 1


def test_an_agent_that_keeps_choosing_invalid_coins_is_truncated():
    env = CoinChangeEnv(coins=(1, 3, 4), max_amount=10, max_steps=7)
    env.reset(options={"amount": 2})
    for step in range(1, 8):
        _, _, terminated, truncated, info = env.step(2)
        assert not terminated
        assert truncated == (step == 7)
    assert info["paid"] is False and info["optimal"] is False and info["optimal_count"] == 2


def test_getting_stuck_ends_the_episode_worse_than_any_payment():
    env = CoinChangeEnv(coins=(2, 3), amount=4)
    env.reset()
    _, reward, terminated, _, info = env.step(1)  # 3 from 4 leaves 1: no coin can pay it
    assert terminated and info["paid"] is False and info["remaining"] == 1
    assert reward < -info["optimal_count"]  # worse than paying optimally (2 + 2 → −2)


def test_only_payable_amounts_are_drawn_and_seeding_repeats_them():
    env = CoinChangeEnv(coins=(5, 7), min_amount=1, max_amount=30)
    payable = {5, 7, 10, 12, 14, 15, 17, 19, 20, 21, 22, 24, 25, 26, 27, 28, 29, 30}
    assert set(env.start_amounts.tolist()) == payable

    def amounts(seed):
        first = env.reset(seed=seed)[1]["amount"]
        return [first] + [env.reset()[1]["amount"] for _ in range(40)]

    drawn = amounts(3)
    assert set(drawn) <= payable and len(set(drawn)) > 5
    assert amounts(3) == drawn
    assert amounts(4) != drawn


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"coins": []}, "empty"),
        ({"coins": (0, 1)}, "not positive"),
        ({"coins": (1, 1)}, "more than once"),
        ({"amount": -3}, "negative"),
        ({"amount": 1.5}, "whole number"),
        ({"min_amount": 50, "max_amount": 10}, "below min_amount"),
        ({"coins": (4, 6), "amount": 7}, "no amount in 7–7"),
        ({"render_mode": "human"}, "render_mode"),
    ],
)
def test_bad_arguments_are_gymlab_errors(kwargs, message):
    with pytest.raises(GymlabError, match=message):
        CoinChangeEnv(**kwargs)


def test_bad_start_amounts_are_gymlab_errors():
    env = CoinChangeEnv(coins=(2, 5), max_amount=20)
    with pytest.raises(GymlabError, match="cannot be paid"):
        env.reset(options={"amount": 3})
    with pytest.raises(GymlabError, match="outside 1–20"):
        env.reset(options={"amount": 21})


def test_render_ansi_describes_the_state():
    env = CoinChangeEnv(coins=(1, 3, 4), render_mode="ansi")
    env.reset(options={"amount": 6})
    env.step(1)
    assert env.render() == "amount 6: handed out 3; 3 remains"


# -- baselines through the shared rollout ---------------------------------------------------------


def test_greedy_agent_pays_like_greedy_change():
    env = gym.make("gymlab/CoinChange-v0")
    episode = rollout(env, GreedyCoinAgent(), options={"amount": 6})
    assert episode.actions == [2, 0, 0] and episode.total_reward == -3.0
    assert episode.info["optimal"] is False


def test_greedy_agent_gets_stuck_where_greedy_change_does():
    env = gym.make("gymlab/CoinChange-v0", coins=(2, 3), amount=4)
    episode = rollout(env, GreedyCoinAgent(), seed=0)
    assert episode.terminated and episode.info["paid"] is False


@pytest.mark.parametrize(
    "kwargs", [{}, {"coins": (10, 50, 60, 100, 500), "max_amount": 1000}, {"coins": (5, 7)}]
)
def test_optimal_agent_is_optimal_for_every_amount(kwargs):
    env = gym.make("gymlab/CoinChange-v0", **kwargs)
    amounts = env.unwrapped.start_amounts.tolist()
    counts = counts_per_amount(OptimalCoinAgent(), env, amounts)
    assert counts == [optimal_change(env.unwrapped.coins, a).count for a in amounts]


# -- plain and masked SB3 agents run without crashing --------------------------------------------


@pytest.mark.parametrize("algorithm", ["PPO", "DQN", "MaskablePPO"])
def test_sb3_agents_train_and_finish_episodes(algorithm):
    import sb3_contrib
    import stable_baselines3

    module = sb3_contrib if algorithm == "MaskablePPO" else stable_baselines3
    env = gym.make("gymlab/CoinChange-v0")
    kwargs = {"n_steps": 64, "batch_size": 32} if "PPO" in algorithm else {"learning_starts": 32}
    model = getattr(module, algorithm)("MlpPolicy", env, seed=0, device="cpu", **kwargs)
    model.learn(total_timesteps=128)
    observation, _ = env.reset(seed=1)
    for _ in range(env.unwrapped.max_steps):
        masks = {"action_masks": env.unwrapped.action_masks()} if algorithm == "MaskablePPO" else {}
        action, _ = model.predict(observation, deterministic=True, **masks)
        observation, _, terminated, truncated, info = env.step(int(action))
        if terminated or truncated:
            break
    assert terminated or truncated
    assert "optimal_count" in info
