"""Every env, in every mode, keeps the gymnasium + SB3 conventions.

Both checkers pass without a warning; ``step`` returns plain Python float/bool; ``reset(seed=s)``
reproduces the observation and the whole trajectory; observations stay inside the observation
space over thousands of random steps; every render mode renders; each class docstring has the
headings of gymnasium's cartpole.py.
"""

from __future__ import annotations

import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env as gym_check_env
from gymnasium.utils.passive_env_checker import env_render_passive_checker
from stable_baselines3.common.env_checker import check_env as sb3_check_env

from gymlab import envs  # noqa: F401  registers the gymlab ids
from gymlab.envs.coin_change import CoinChangeEnv
from gymlab.envs.errors import GymlabError
from gymlab.envs.track_racer import TrackRacerEnv
from gymlab.envs.track_render import NON_INTERACTIVE_BACKENDS
from gymlab.envs.tracks import get_track, track_from_centerline
from gymlab.envs.tsp import TSPEnv

DATA = "{data}"  # replaced by the shared data folder (tests using it skip without it)
MODES = {
    "coins fixed amount": ("gymlab/CoinChange-v0", {"coins": (1, 3, 4), "amount": 37}),
    "coins range": ("gymlab/CoinChange-v0", {"coins": (2, 5), "min_amount": 3, "max_amount": 40}),
    "tsp random": ("gymlab/TSP-v0", {"n_cities": 6, "start_city": None}),
    "tsp fixed instance": ("gymlab/TSP-v0", {"instance": f"{DATA}/tsplib/gr17.tsp"}),
    "tsp open path": ("gymlab/TSP-v0", {"instance": f"{DATA}/corp_routes.csv", "closed": False}),
    "track deepracer": ("gymlab/TrackRacer-v2", {"track": "oval"}),
    "track racing": ("gymlab/TrackRacer-v2", {"actions": "racing"}),
    "track custom list": ("gymlab/TrackRacer-v2", {"actions": [(-20.0, 1.0), (0.0, 2.0), (20.0, 1.0)]}),
    "track continuous": ("gymlab/TrackRacer-v2", {"continuous": True}),
    "track grip preset": ("gymlab/TrackRacer-grip-v2", {}),
    "track reversed": ("gymlab/TrackRacer-v2", {"track": "kidney", "reverse": True}),
    "track npy route": ("gymlab/TrackRacer-v2", {"track": f"{DATA}/deepracer_tracks/reInvent2019_track.npy"}),
}
RANDOM_STEPS = 2000
# Envs whose "human" mode opens a matplotlib window.
WINDOWED = {"gymlab/TrackRacer-v2", "gymlab/TrackRacer-grip-v2"}


def headless() -> bool:
    """No window can open here (tests run with MPLBACKEND=Agg, CI has no display)."""
    import matplotlib
    import matplotlib.pyplot  # noqa: F401  (resolves the backend)

    return matplotlib.get_backend().lower() in NON_INTERACTIVE_BACKENDS


def resolve(kwargs: dict, request) -> dict:
    """``kwargs`` with ``{data}`` replaced by the shared data folder (skips when it is absent)."""
    if not any(DATA in str(value) for value in kwargs.values()):
        return dict(kwargs)
    folder = request.getfixturevalue("shared_data")
    return {key: str(value).replace(DATA, str(folder)) if DATA in str(value) else value
            for key, value in kwargs.items()}  # fmt: skip


@pytest.fixture(params=list(MODES), ids=list(MODES))
def mode(request) -> tuple[str, dict]:
    env_id, kwargs = MODES[request.param]
    return env_id, resolve(kwargs, request)


def test_both_checkers_pass_without_warnings(mode):
    env_id, kwargs = mode
    no_window = env_id in WINDOWED and headless()  # "human" is a one-line error here, by design
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gym_check_env(gym.make(env_id, **kwargs).unwrapped, skip_render_check=no_window)
        sb3_check_env(gym.make(env_id, **kwargs).unwrapped, warn=True)
        if no_window:  # gymnasium's render check, for the modes that work without a display
            for render_mode in gym.make(env_id).unwrapped.metadata["render_modes"]:
                if render_mode != "human":
                    env = gym.make(env_id, render_mode=render_mode, **kwargs)
                    env.reset(seed=0)
                    env_render_passive_checker(env.unwrapped)


def trajectory(env, seed: int, actions) -> list:
    """Observations and rewards of one episode from ``reset(seed=seed)`` under fixed actions."""
    observation, _ = env.reset(seed=seed)
    record = [observation]
    for action in actions:
        observation, reward, terminated, truncated, _ = env.step(action)
        record += [observation, reward]
        if terminated or truncated:
            break
    return record


def test_same_seed_same_observations_and_trajectory(mode):
    env_id, kwargs = mode
    env = gym.make(env_id, **kwargs).unwrapped
    env.action_space.seed(3)
    actions = [env.action_space.sample() for _ in range(300)]
    first, again = trajectory(env, 7, actions), trajectory(env, 7, actions)
    assert len(first) == len(again)
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))


def test_random_steps_stay_in_the_observation_space_with_plain_types(mode):
    env_id, kwargs = mode
    env = gym.make(env_id, **kwargs).unwrapped
    env.action_space.seed(0)
    observation, _ = env.reset(seed=0)
    for _ in range(RANDOM_STEPS):
        assert env.observation_space.contains(observation), observation
        observation, reward, terminated, truncated, _ = env.step(env.action_space.sample())
        assert type(reward) is float and type(terminated) is bool and type(truncated) is bool
        if terminated or truncated:
            observation, _ = env.reset()
    assert env.observation_space.contains(observation)


EXPECTED_FRAME = {"ansi": str, "rgb_array": np.ndarray, "human": type(None)}


@pytest.mark.parametrize("env_id", ["gymlab/CoinChange-v0", "gymlab/TSP-v0", "gymlab/TrackRacer-v2"])
def test_every_render_mode_renders(env_id):
    render_modes = gym.make(env_id).unwrapped.metadata["render_modes"]
    assert render_modes
    for render_mode in render_modes:
        env = gym.make(env_id, render_mode=render_mode)
        if render_mode == "human" and env_id in WINDOWED and headless():
            with pytest.raises(GymlabError, match="needs a display"):  # not a silent no-op
                env.reset(seed=0)
            continue
        env.reset(seed=0)
        env.step(env.action_space.sample())
        frame = env.render()
        assert isinstance(frame, EXPECTED_FRAME[render_mode]), (render_mode, frame)
        if render_mode == "rgb_array":
            assert frame.ndim == 3 and frame.shape[2] == 3 and frame.dtype == np.uint8
        env.close()


def test_a_wide_track_stays_inside_the_observation_space():
    """Half the track width is capped in the observation, so a 3 m wide custom track still fits."""
    wide = track_from_centerline("wide", 3 * get_track("oval").center, width=3.0)
    env = TrackRacerEnv(track=wide)
    observation, _ = env.reset(seed=0)
    assert env.observation_space.contains(observation)


CARTPOLE_HEADINGS = (
    "Description",
    "Action Space",
    "Observation Space",
    "Rewards",
    "Starting State",
    "Episode End",
    "Arguments",
)


@pytest.mark.parametrize("env_class", [CoinChangeEnv, TSPEnv, TrackRacerEnv])
def test_class_docstring_has_the_cartpole_headings(env_class):
    doc = env_class.__doc__
    summary = doc.strip().splitlines()[0]
    assert summary.endswith(".") and len(summary) < 110
    headings = [line.strip()[3:] for line in doc.splitlines() if line.strip().startswith("## ")]
    for heading in CARTPOLE_HEADINGS:
        assert heading in headings, f"{env_class.__name__} docstring lacks '## {heading}'"
    order = [headings.index(heading) for heading in CARTPOLE_HEADINGS]
    assert order == sorted(order), f"{env_class.__name__} headings out of cartpole's order: {headings}"
