"""Tracks: built-in shapes, random tracks, DeepRacer route files, direction."""

from __future__ import annotations

import numpy as np
import pytest

from gymlab.envs.errors import GymlabError
from gymlab.envs.tracks import DEFAULT_TRACK, builtin_track_names, get_track, load_route, random_track

OFFICIAL_LOOPS = [
    "reinvent_base",
    "reInvent2019_track",
    "Oval_track",
    "Bowtie_track",
    "2022_reinvent_champ_ccw",
]


def test_builtins_rise_in_difficulty():
    names = builtin_track_names()
    assert names[:2] == ["oval", "kidney"] and "hairpins" in names and len(names) >= 3
    tightest = [
        1 / np.max(np.abs(get_track(n).curvature)) for n in ["oval", "kidney", "reinvent", "hairpins"]
    ]
    assert tightest == sorted(tightest, reverse=True)


def test_default_track_matches_reinvent_base(shared_data):
    ours = get_track(DEFAULT_TRACK)
    theirs = load_route(shared_data / "deepracer_tracks" / "reinvent_base.npy")
    assert ours.length == pytest.approx(17.71, rel=0.02)
    assert ours.width == pytest.approx(0.76, abs=0.01)
    # similar curvature profile: total absolute turning and tightest bend
    turning = [np.sum(np.abs(t.curvature)) * t.spacing for t in (ours, theirs)]
    assert turning[0] == pytest.approx(turning[1], rel=0.1)
    tightest = [1 / np.max(np.abs(t.curvature)) for t in (ours, theirs)]
    assert tightest[0] == pytest.approx(tightest[1], rel=0.15)


@pytest.mark.parametrize("name", OFFICIAL_LOOPS)
def test_official_loops_load(shared_data, name):
    raw = np.load(shared_data / "deepracer_tracks" / f"{name}.npy")
    track = load_route(shared_data / "deepracer_tracks" / f"{name}.npy")
    assert len(track.waypoints) == len(raw) - 1  # the repeated closing row is dropped
    polyline = np.sum(np.linalg.norm(np.diff(raw[:, :2], axis=0), axis=1))
    assert track.length == pytest.approx(polyline, rel=0.01)
    assert np.all(track.left_width > 0.2) and np.all(track.right_width > 0.2)


def test_straight_track_refused(shared_data):
    with pytest.raises(GymlabError, match="not a closed loop"):
        load_route(shared_data / "deepracer_tracks" / "Straight_track.npy")


def test_bad_route_files(tmp_path):
    np.save(tmp_path / "five.npy", np.zeros((20, 5)))
    with pytest.raises(GymlabError, match=r"\(N, 6\)"):
        load_route(tmp_path / "five.npy")
    theta = np.linspace(0, 2 * np.pi, 50)
    circle = np.stack([np.cos(theta), np.sin(theta)], 1)
    data = np.hstack([3 * circle, 2.6 * circle, 3.4 * circle])
    data[7, 2] = np.nan
    np.save(tmp_path / "nan.npy", data)
    with pytest.raises(GymlabError, match="NaN"):
        load_route(tmp_path / "nan.npy")
    (tmp_path / "text.npy").write_text("not numpy")
    with pytest.raises(GymlabError, match="cannot read text.npy: not a numpy .npy file"):
        load_route(tmp_path / "text.npy")  # numpy itself would speak of unpickling
    np.save(tmp_path / "objects.npy", np.array([{"x": 1}] * 6, dtype=object), allow_pickle=True)
    with pytest.raises(
        GymlabError, match=r"it holds Python objects, not numbers\); a route is a float array"
    ):
        load_route(tmp_path / "objects.npy")
    with pytest.raises(GymlabError, match="unknown track"):
        get_track("monaco")


def test_locate_matches_brute_force_projection():
    track = get_track("hairpins")
    rng = np.random.default_rng(0)
    i = 0
    for s in np.linspace(0, track.length * 2, 400):
        x, y, direction = track.point_at(s)
        offset = rng.uniform(-0.3, 0.3)
        x, y = x - offset * np.sin(direction), y + offset * np.cos(direction)
        i, t, d = track.locate(x, y, i)
        error = (i * track.spacing + t - s) % track.length
        assert (
            min(error, track.length - error) < 2 * track.spacing
        )  # within 10 cm: the right arm of the hairpin
        assert d == pytest.approx(offset, abs=0.02)


def test_reversed_track_runs_clockwise():
    track = get_track("kidney")
    back = get_track("kidney", reverse=True)
    assert not track.clockwise and back.clockwise
    assert back.length == pytest.approx(track.length, rel=1e-3)
    np.testing.assert_allclose(back.center[0], track.center[0], atol=1e-9)


def test_random_tracks_are_seeded_and_drivable():
    a, b, c = random_track(3), random_track(3), random_track(4)
    np.testing.assert_array_equal(a.center, b.center)
    assert not np.array_equal(a.center, c.center)
    assert 1 / np.max(np.abs(a.curvature)) > 0.5
    assert get_track("random:3").name == "random:3"
    with pytest.raises(GymlabError, match="integer seed"):
        get_track("random:x")
