"""DeepRacer reward plumbing: AWS examples, the guard, loading files, the checker."""

from __future__ import annotations

import math

import pytest

from gymlab.envs.errors import GymlabError
from gymlab.envs.reward_check import check_reward_function
from gymlab.envs.rewards import (
    BUILTIN_REWARDS,
    GuardedReward,
    ProgressReward,
    RacePace,
    TimedProgress,
    follow_center_line,
    heading,
    prevent_zigzag,
    resolve_reward,
    stay_inside_borders,
)
from gymlab.envs.track_racer import TrackRacerEnv


def params(**overrides):
    """Hand-built DeepRacer params on a 0.76 m wide track."""
    base = {
        "all_wheels_on_track": True, "x": 1.0, "y": 0.0, "closest_objects": [0, 0], "closest_waypoints": [0, 1],
        "distance_from_center": 0.0, "heading": 0.0, "is_crashed": False, "is_left_of_center": True,
        "is_offtrack": False, "is_reversed": False, "objects_distance": [], "objects_heading": [],
        "objects_left_of_center": [], "objects_location": [], "objects_speed": [], "progress": 10.0,
        "speed": 1.0, "steering_angle": 0.0, "steps": 5, "track_length": 17.7, "track_width": 0.76,
        "waypoints": [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0)],
    }  # fmt: skip
    base.update(overrides)
    return base


@pytest.mark.parametrize(
    ("distance", "expected"),
    [(0.0, 1.0), (0.05, 1.0), (0.076, 1.0), (0.10, 0.5), (0.19, 0.5), (0.30, 0.1), (0.38, 0.1), (0.40, 1e-3)],
)
def test_follow_center_line_markers(distance, expected):
    assert follow_center_line(params(distance_from_center=distance)) == pytest.approx(expected)


def test_stay_inside_borders():
    assert stay_inside_borders(params(distance_from_center=0.3)) == 1.0
    assert stay_inside_borders(params(distance_from_center=0.32)) == 1.0
    assert stay_inside_borders(params(distance_from_center=0.34)) == 1e-3
    assert stay_inside_borders(params(all_wheels_on_track=False)) == 1e-3


def test_prevent_zigzag_penalises_steering_above_15():
    assert prevent_zigzag(params(steering_angle=15.0)) == 1.0
    assert prevent_zigzag(params(steering_angle=-20.0)) == pytest.approx(0.8)
    assert prevent_zigzag(params(steering_angle=30.0, distance_from_center=0.1)) == pytest.approx(0.4)


def test_heading_halves_when_pointing_away():
    assert heading(params(heading=5.0)) == 1.0  # track direction between waypoints 0 and 1 is 0°
    assert heading(params(heading=15.0)) == 0.5
    assert heading(params(closest_waypoints=[1, 2], heading=-175.0)) == 0.5  # track goes 90°


def test_progress_reward_is_progress_gained_and_tolerates_lookahead():
    reward = ProgressReward()
    assert reward(params(steps=1, progress=1.0)) == pytest.approx(1.0)
    assert reward(params(steps=2, progress=2.5)) == pytest.approx(1.5)
    assert reward(params(steps=3, progress=2.0)) == pytest.approx(-0.5)  # look-ahead for step 3
    assert reward(params(steps=3, progress=3.0)) == pytest.approx(0.5)  # the real step 3
    assert reward(params(steps=4, progress=3.5)) == pytest.approx(0.5)


def test_timed_progress_pays_only_for_progress_beyond_the_pace():
    reward = TimedProgress()  # on a 10 m track a car at 1.5 m/s makes 1 % of a lap per step
    assert reward(params(steps=1, progress=1.0, track_length=10.0)) == pytest.approx(0.0)
    assert reward(params(steps=2, progress=3.5, track_length=10.0)) == pytest.approx(1.5)
    assert reward(params(steps=3, progress=3.5, track_length=10.0)) == pytest.approx(-1.0)  # standing still


def test_race_pace_pays_beyond_2_5_m_s_and_charges_leaving_the_track():
    reward = RacePace()  # on a 10 m track a car at 2.5 m/s makes 5/3 % of a lap per step
    pace = 100 * 2.5 / 15 / 10.0
    assert reward(params(steps=1, progress=pace, track_length=10.0)) == pytest.approx(0.0)
    assert reward(params(steps=2, progress=2 * pace + 1, track_length=10.0)) == pytest.approx(1.0)
    off = params(steps=3, progress=2 * pace + 1, track_length=10.0, is_offtrack=True)
    assert reward(off) == pytest.approx(-pace - 10.0)  # no progress, and the crash's 10 % of a lap
    assert TimedProgress()(
        params(steps=1, progress=0.0, track_length=10.0, is_offtrack=True)
    ) == pytest.approx(-1.0)


def test_timed_progress_lap_sums_to_100_minus_the_pace_per_step():
    from gymlab.agents.base import rollout
    from gymlab.agents.driving import PurePursuit

    env = TrackRacerEnv(track="oval", actions="racing", reward="timed_progress")
    episode = rollout(env, PurePursuit(), options={"start": "line"})
    assert episode.info["status"] == "lap_complete"
    pace = 100 * 1.5 / 15 / env.track.length
    assert episode.total_reward == pytest.approx(100.0 - pace * episode.steps, abs=1e-6)


def test_progress_reward_sums_to_a_lap():
    from gymlab.agents.base import rollout
    from gymlab.agents.driving import PurePursuit

    env = TrackRacerEnv(track="oval", actions="racing")
    episode = rollout(env, PurePursuit(), options={"start": "line"})
    assert episode.info["status"] == "lap_complete"
    assert episode.total_reward == pytest.approx(100.0)


def bad_raise(params):
    raise KeyError("speeed")


def bad_nan(params):
    return math.nan


def bad_string(params):
    return "1.0"


def bad_huge(params):
    return 1e9


@pytest.mark.parametrize(
    ("function", "fragment"),
    [(bad_raise, "raised KeyError"), (bad_nan, "NaN"), (bad_string, "not a number"), (bad_huge, "outside")],
)
def test_guard_names_the_function_and_shows_params(function, fragment):
    env = TrackRacerEnv(reward=function)
    env.reset(seed=0)
    with pytest.raises(GymlabError) as caught:
        env.step(0)
    message = str(caught.value)
    assert function.__name__ in message and fragment in message
    assert "distance_from_center=" in message and "waypoints=[" in message
    assert "\n" not in message


def test_guard_accepts_ints_and_numpy_floats():
    import numpy as np

    assert GuardedReward(lambda p: 1)(params()) == 1.0
    assert type(GuardedReward(lambda p: np.float32(0.5))(params())) is float


def test_reward_from_file_runs_unchanged(tmp_path):
    file = tmp_path / "my_reward.py"
    file.write_text(
        "import math\n\n"
        "def reward_function(params):\n"
        "    if params['is_offtrack']:\n        return 1e-3\n"
        "    return float(params['speed'] ** 2 + math.cos(math.radians(params['steering_angle'])))\n"
    )
    env = TrackRacerEnv(reward=str(file))
    env.reset(seed=0)
    _, reward, *_ = env.step(9)  # (30°, 1 m/s)
    assert reward == pytest.approx(1.0 + math.cos(math.radians(30)))


def test_bad_reward_specs(tmp_path):
    with pytest.raises(GymlabError, match="unknown reward"):
        resolve_reward("fastest")
    (tmp_path / "empty.py").write_text("x = 1\n")
    with pytest.raises(GymlabError, match="defines no reward_function"):
        resolve_reward(str(tmp_path / "empty.py"))
    (tmp_path / "broken.py").write_text("def reward_function(params)\n    return 1\n")
    with pytest.raises(GymlabError, match="SyntaxError") as error:
        resolve_reward(str(tmp_path / "broken.py"))
    assert str(error.value).count("line 1") == 1  # Python's message names the line; not twice


@pytest.mark.parametrize("name", list(BUILTIN_REWARDS))
def test_builtins_are_clean(name):
    assert check_reward_function(name).problems == []


def test_checker_reports_every_kind_of_problem():
    def fragile(params):
        if params["is_offtrack"]:
            return float("nan")
        if params["speed"] == 0:
            return 1 / params["speed"]
        return 1.0

    problems = check_reward_function(fragile).problems
    assert len(problems) == 2
    assert any("NaN" in p for p in problems) and any("ZeroDivisionError" in p for p in problems)
    assert all("fragile" in p and "situations" in p for p in problems)
