"""gymlab/TSP-v0: both env checkers, the closing leg in the reward, masks, invalid actions, info."""

import math

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env as gymnasium_check_env
from stable_baselines3.common.env_checker import check_env as sb3_check_env

from gymlab import envs  # noqa: F401  (registers gymlab/TSP-v0)
from gymlab.agents.base import rollout
from gymlab.agents.routing import NearestNeighbourAgent, RandomTourAgent, TourAgent
from gymlab.envs.errors import GymlabError
from gymlab.envs.tsp import TSPEnv
from gymlab.envs.tsp_instances import random_instance


def test_default_make_is_ten_random_cities():
    env = gym.make("gymlab/TSP-v0")
    assert env.action_space.n == 10 and env.observation_space.shape == (50,)
    first, _ = env.reset(seed=1)
    again, _ = env.reset(seed=1)
    other, _ = env.reset(seed=2)
    assert np.array_equal(first, again) and not np.array_equal(first, other)
    assert env.observation_space.contains(first)


@pytest.mark.parametrize(
    "kwargs", [{}, {"n_cities": 4, "closed": False, "start_city": None}, {"n_cities": 2}]
)
def test_both_env_checkers(kwargs):
    gymnasium_check_env(gym.make("gymlab/TSP-v0", **kwargs).unwrapped, skip_render_check=True)
    sb3_check_env(TSPEnv(**kwargs))


def test_env_checkers_on_fixed_instances(shared_data):
    sb3_check_env(TSPEnv(instance=shared_data / "tsplib" / "gr17.tsp"))
    sb3_check_env(TSPEnv(instance=str(shared_data / "corp_routes.csv"), closed=False))


@pytest.mark.parametrize("closed", [True, False])
def test_rewards_sum_to_minus_the_tour_length_closing_leg_included(closed):
    env = TSPEnv(n_cities=7, closed=closed, optimal_up_to=0)
    for seed in range(3):
        _, _ = env.reset(seed=seed)
        order = list(np.random.default_rng(seed).permutation([c for c in range(7) if c != env.first_city]))
        total, steps = 0.0, 0
        for city in order:
            _, reward, terminated, truncated, info = env.step(city)
            total += reward
            steps += 1
            assert isinstance(reward, float) and not truncated
        assert terminated and steps == 6
        tour = [env.first_city, *order]
        assert info["tour"] == tour
        expected = env.instance.length(tour, closed)
        assert math.isclose(total, -expected) and math.isclose(info["length"], expected)
        if closed:  # the last step pays the leg home
            legs = env.instance.distances
            assert math.isclose(reward, -(legs[tour[-2], tour[-1]] + legs[tour[-1], tour[0]]))


def test_action_masks_track_the_visited_cities():
    env = TSPEnv(n_cities=5)
    env.reset(seed=0)
    assert env.action_masks().tolist() == [False, True, True, True, True]
    env.step(3)
    assert env.action_masks().tolist() == [False, True, True, False, True]
    assert env.action_masks().dtype == bool


def test_invalid_action_goes_to_the_nearest_city_and_pays_a_penalty():
    env = TSPEnv(n_cities=6, invalid_penalty=2.0)
    env.reset(seed=4)
    distances = env.instance.distances
    nearest = int(np.where(env.visited, np.inf, distances[0]).argmin())
    _, reward, terminated, _, info = env.step(0)  # city 0 is the start: already visited
    assert info["invalid"] and env.tour == [0, nearest] and not terminated
    assert math.isclose(reward, -distances[0, nearest] - 2.0 * distances.max())
    steps = 1
    while not terminated:  # a policy that always repeats itself still finishes in n - 1 steps
        _, _, terminated, _, info = env.step(0)
        steps += 1
    assert steps == 5 and info["invalid_actions"] == 5 and sorted(info["tour"]) == list(range(6))


def test_info_reports_optimum_and_gap_and_the_exact_agent_hits_it():
    env = gym.make("gymlab/TSP-v0", n_cities=8)
    episode = rollout(env, TourAgent("exact"), seed=5)
    assert episode.info["gap"] == 0.0 and math.isclose(-episode.total_reward, episode.info["optimal"])
    greedy = rollout(env, NearestNeighbourAgent(), seed=5)
    assert greedy.info["optimal"] == episode.info["optimal"] and greedy.info["gap"] >= 0
    assert (
        rollout(gym.make("gymlab/TSP-v0", n_cities=18, optimal_up_to=16), RandomTourAgent(), seed=0).info[
            "optimal"
        ]
        is None
    )


def test_fixed_tsplib_instance_reports_its_published_optimum(shared_data):
    env = TSPEnv(instance=shared_data / "tsplib" / "burma14.tsp")
    episode = rollout(env, TourAgent("exact"), seed=0)
    assert episode.info["length"] == 3323 == episode.info["optimal"] and -episode.total_reward == 3323
    assert rollout(env, TourAgent("two-opt"), seed=1).info["length"] >= 3323


@pytest.mark.parametrize("solver", ["nn", "restarts", "two-opt", "exact"])
def test_tour_agents_follow_their_plan_in_open_and_closed_mode(solver):
    for closed in (True, False):
        env = TSPEnv(n_cities=9, closed=closed, start_city=None)
        episode = rollout(env, TourAgent(solver, restarts=4), seed=11)
        assert episode.info["invalid_actions"] == 0 and episode.steps == 8
        assert math.isclose(-episode.total_reward, episode.info["length"])
        assert episode.info["gap"] >= 0


def test_reset_option_plays_a_given_instance():
    env = TSPEnv(n_cities=6)
    instance = random_instance(6, seed=99)
    env.reset(seed=0, options={"instance": instance})
    assert env.instance is instance
    with pytest.raises(GymlabError, match="6 cities"):
        env.reset(options={"instance": random_instance(7, seed=0)})


def test_bad_arguments_are_gymlab_errors():
    with pytest.raises(GymlabError, match="at least 2"):
        TSPEnv(n_cities=1)
    with pytest.raises(GymlabError, match="start_city 9"):
        TSPEnv(n_cities=5, start_city=9)


def test_ansi_render():
    env = TSPEnv(n_cities=5, render_mode="ansi")
    env.reset(seed=0)
    env.step(2)
    assert "0 → 2" in env.render()


@pytest.mark.slow
def test_maskable_ppo_and_plain_ppo_run():
    from sb3_contrib import MaskablePPO
    from stable_baselines3 import PPO

    env = TSPEnv(n_cities=5)
    model = MaskablePPO("MlpPolicy", TSPEnv(n_cities=5), n_steps=64, batch_size=32, seed=0, device="cpu")
    model.learn(128)
    observation, _ = env.reset(seed=1)
    action, _ = model.predict(observation, action_masks=env.action_masks())
    assert env.action_masks()[int(action)]
    plain = PPO("MlpPolicy", TSPEnv(n_cities=5), n_steps=64, batch_size=32, seed=0, device="cpu")
    plain.learn(128)  # invalid actions are redirected, so every episode ends after 4 steps
