"""CurvatureAhead: TrackRacer's observation plus the centre line's curvature ahead of the car."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
from stable_baselines3.common.env_checker import check_env

from gymlab.agents.features import CurvatureAhead, canonical_env_wrapper, wrap
from gymlab.envs.errors import GymlabError

NAME = "gymlab.agents.features.CurvatureAhead"


def racer(**kwargs) -> gym.Env:
    return gym.make("gymlab/TrackRacer-v2", start="line", **kwargs)


def test_it_appends_the_curvature_ahead_as_a_fraction_of_full_lock():
    env = CurvatureAhead(racer(track="oval"), distance=6.0, points=12)
    observation, _ = env.reset(seed=0)
    assert observation.shape == (29 + 12,) and env.observation_space.contains(observation)
    unwrapped = env.unwrapped
    plain = unwrapped._observation()
    assert np.array_equal(observation[:29], plain)  # the env's own observation comes first, unchanged
    track, spec = unwrapped.track, unwrapped.car.spec
    for place, value in zip(np.arange(0.5, 6.01, 0.5), observation[29:], strict=True):
        node = int((unwrapped.arc_length + place) % track.length / track.spacing)
        assert value == pytest.approx(track.curvature[node] / spec.max_curvature, abs=1e-6)


def test_it_reads_a_left_bend_ahead_from_a_straight():
    """From the start of the oval's back straight (3 m long), the first 2.5 m ahead read
    straight and 6 m ahead reads the next bend, a left (the oval runs counter-clockwise)."""
    env = CurvatureAhead(racer(track="oval"))
    track = env.unwrapped.track
    in_bend = np.abs(track.curvature) > 0.2
    changes = track.s[1:][in_bend[1:] != in_bend[:-1]]  # bend, straight, bend, straight … starts
    straight, next_bend = float(changes[1]), float(changes[2])
    assert 2.9 < next_bend - straight < 4.0, "the oval changed; pick another probe point"
    observation, _ = env.reset(seed=0, options={"start": (straight + 0.05) / track.length})
    assert np.allclose(observation[29:34], 0.0, atol=0.02)  # 0.5–2.5 m ahead: the straight
    assert observation[-1] > 0.1  # 6 m ahead: in the bend, turning left


def test_it_moves_with_the_car_and_passes_sb3s_checker():
    env = CurvatureAhead(racer(continuous=True, grip_steering=True), distance=4.0, points=8)
    check_env(env)
    first, _ = env.reset(seed=0)
    for _ in range(30):
        observation, *_ = env.step(np.array([0.0, 1.0], dtype=np.float32))
    assert observation.shape == (37,) and not np.array_equal(first[29:], observation[29:])


def test_the_yaml_names_it_with_arguments():
    spec = [{NAME: {"distance": 4.0, "points": 8}}]
    assert canonical_env_wrapper(spec) == spec
    assert wrap(racer(), spec).reset(seed=0)[0].shape == (37,)


def test_it_reads_across_the_start_line_and_the_other_way_round():
    """Near the end of a lap it reads the track's first metres; on the reversed kidney (driven
    clockwise) its bends read as right turns (negative)."""
    env = CurvatureAhead(racer(track="oval"))
    track = env.unwrapped.track
    observation, _ = env.reset(seed=0, options={"start": 0.95})  # 0.8 m before the line
    ahead = (0.95 * track.length + np.arange(0.5, 6.01, 0.5)) % track.length
    expected = track.curvature[(ahead / track.spacing).astype(int)] / env.unwrapped.car.spec.max_curvature
    assert np.allclose(observation[29:], expected, atol=1e-6) and (ahead < 6.0).sum() >= 10  # wrapped
    clockwise = CurvatureAhead(racer(track="kidney", reverse=True), distance=12.0, points=48)
    observation, _ = clockwise.reset(seed=0)
    assert observation[29:].min() < -0.1  # a right-hand bend within 12 m


def test_it_clips_bends_tighter_than_twice_full_lock():
    """A car that can barely steer (2°) sees the oval's bends at the ±2 clip, inside the space."""
    from gymlab.envs.car import CarSpec

    env = CurvatureAhead(racer(track="oval", car=CarSpec(max_steering=2.0)), distance=16.0, points=64)
    observation, _ = env.reset(seed=0)
    assert observation[29:].max() == pytest.approx(2.0) and env.observation_space.contains(observation)


def test_it_refuses_an_env_without_a_track():
    with pytest.raises(GymlabError, match="CurvatureAhead reads a track ahead of the car"):
        CurvatureAhead(gym.make("gymlab/TSP-v0"))


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({"points": 0}, "points must be a whole number from 1 to 64"),
        ({"points": 2.5}, "points must be a whole number from 1 to 64"),
        ({"points": True}, "points must be a whole number from 1 to 64"),
        ({"distance": -1.0}, "distance must be metres in (0, 50]"),
        ({"distance": "far"}, "distance must be metres in (0, 50]"),
    ],
)
def test_bad_arguments_are_one_line(kwargs, fragment):
    with pytest.raises(GymlabError) as error:
        CurvatureAhead(racer(), **kwargs)
    assert fragment in str(error.value) and "\n" not in str(error.value)
