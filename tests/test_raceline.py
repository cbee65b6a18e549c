"""The lap-time limit (envs/raceline.py): agreement checks of the minimum-time program."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("casadi", reason="the lap-time limit needs CasADi: pip install -e '.[raceline]'")

from gymlab.envs.car import CarSpec  # noqa: E402
from gymlab.envs.errors import GymlabError  # noqa: E402
from gymlab.envs.raceline import (  # noqa: E402
    HARD_BAND,
    lap_limit,
    limits,
    path_geometry,
    prepare_nodes,
    solve_nlp,
    solve_scipy,
)
from gymlab.envs.tracks import Track, get_track  # noqa: E402


def test_menger_curvature_of_a_circle_is_one_over_radius_even_on_uneven_spacing():
    angles = np.sort(np.random.default_rng(0).uniform(0, 2 * np.pi, 60))
    circle = 2.0 * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    _, kappa = path_geometry(circle)
    assert kappa == pytest.approx(np.full(60, 0.5), rel=1e-9)


def test_the_line_respects_the_car_and_the_band():
    car = CarSpec()
    line = lap_limit("reinvent", car, "standing")
    assert line.speed[0] == 0.0 and line.offset[0] == 0.0  # from rest on the start line
    assert line.speed.max() <= car.max_speed + 1e-6
    assert np.abs(line.curvature[:-1]).max() <= car.max_curvature + 1e-3
    lateral = line.speed**2 * np.abs(line.curvature)
    assert lateral.max() <= car.grip * 1.01
    track = get_track("reinvent")
    assert line.offset.max() <= track.left_width.max() + 0.07 + 1e-6
    assert 4.0 < line.lap_time < 7.0  # pure pursuit on the centre line needs ~7.8 s


def test_standing_slower_than_flying_and_hard_bound_below_the_limit():
    numbers = limits("oval")
    assert numbers["flying_lap_s"] < numbers["standing_lap_s"]
    assert numbers["hard_bound_s"] < numbers["standing_lap_s"]
    assert numbers["standing_lap_s"] <= numbers["standing_lap_steps_s"] < numbers["standing_lap_s"] + 1 / 15


def test_flying_lap_is_the_same_from_another_start_line():
    track = get_track("kidney")
    shift = len(track.center) // 3
    rolled = Track(
        "kidney shifted", np.roll(track.center, -shift, axis=0), track.left_border, track.right_border
    )
    a = lap_limit(track, lap="flying").lap_time
    b = lap_limit(rolled, lap="flying").lap_time
    assert b == pytest.approx(a, rel=5e-3)


def test_halving_the_node_spacing_changes_the_lap_time_by_less_than_half_a_percent():
    coarse = lap_limit("oval", spacing=0.2).lap_time
    fine = lap_limit("oval", spacing=0.1).lap_time
    assert fine == pytest.approx(coarse, rel=5e-3)


@pytest.mark.parametrize("lap", ["standing", "flying"])
def test_a_scipy_only_solve_of_the_same_program_agrees(lap):
    nodes = prepare_nodes(get_track("oval"), spacing=0.5)
    ipopt = solve_nlp(nodes, CarSpec(), lap)
    slsqp = solve_scipy(nodes, CarSpec(), lap)
    assert slsqp["success"]
    assert slsqp["lap_time"] == pytest.approx(ipopt["lap_time"], rel=1e-3)


def test_random_track_and_deepracer_route(shared_data):
    assert 3.0 < lap_limit("random:3").lap_time < 10.0
    route = shared_data / "deepracer_tracks" / "reInvent2019_track.npy"
    assert 4.0 < lap_limit(str(route)).lap_time < 9.0


def test_more_grip_is_faster_and_results_are_cached():
    slow = lap_limit("oval", CarSpec(grip=4.0))
    fast = lap_limit("oval", CarSpec(grip=6.0))
    assert fast.lap_time < slow.lap_time
    assert lap_limit("oval", CarSpec(grip=4.0)) is slow
    assert lap_limit("oval", band=HARD_BAND).lap_time < lap_limit("oval").lap_time


def test_bad_input_is_one_line():
    with pytest.raises(GymlabError, match="standing"):
        lap_limit("oval", lap="qualifying")
    with pytest.raises(GymlabError, match="spacing"):
        lap_limit("oval", spacing=-1.0)


def test_without_casadi_the_limit_is_a_one_line_error_and_trials_go_without_it(monkeypatch):
    from gymlab.envs.raceline import env_limit
    from gymlab.envs.track_racer import TrackRacerEnv

    monkeypatch.setitem(__import__("sys").modules, "casadi", None)  # import casadi now fails
    with pytest.raises(GymlabError, match=r"pip install -e '\.\[raceline\]'"):
        lap_limit("kidney", CarSpec(grip=4.5))  # not in the cache
    assert env_limit(TrackRacerEnv(track="kidney")) is None
