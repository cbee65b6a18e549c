"""Driving baselines: pure pursuit completes every track cleanly; greedy is the foil."""

from __future__ import annotations

import pytest

from gymlab.agents.driving import OneStepGreedy, PurePursuit, evaluate_trials
from gymlab.envs.track_racer import TrackRacerEnv

TRIAL_KEYS = {"progress", "lap_time", "status", "off_track_count", "steps", "above_limit_percent"}


def assert_clean_laps(trials):
    for trial in trials:
        assert set(trial) == TRIAL_KEYS
        assert (
            trial["status"] == "lap_complete" and trial["progress"] == 100.0 and trial["off_track_count"] == 0
        )


@pytest.mark.parametrize("actions", ["deepracer", "racing"])
def test_pure_pursuit_laps_default_track(actions):
    env = TrackRacerEnv(actions=actions)
    trials = evaluate_trials(env, PurePursuit(), episodes=2, seed=0)
    assert_clean_laps(trials)
    assert trials[0] == trials[1]  # evaluation starts on the line: deterministic


def test_pure_pursuit_uses_full_speed_range():
    env = TrackRacerEnv(actions="racing")
    agent = PurePursuit()
    evaluate_trials(env, agent, episodes=1)
    speeds = {round(v, 3) for _, _, _, v in env.trajectory}
    assert max(speeds) == pytest.approx(4.0)  # the top speed is used on straights
    assert min(v for v in speeds if v > 0) < 2.5  # and it slows down for corners


def test_pure_pursuit_continuous_beats_discrete_racing():
    discrete = evaluate_trials(TrackRacerEnv(actions="racing"), PurePursuit(), episodes=1)[0]
    continuous = evaluate_trials(TrackRacerEnv(continuous=True), PurePursuit(), episodes=1)[0]
    assert_clean_laps([discrete, continuous])
    assert continuous["lap_time"] < discrete["lap_time"]


@pytest.mark.slow
@pytest.mark.parametrize("track", ["oval", "kidney", "hairpins", "random:1"])
@pytest.mark.parametrize("kwargs", [{"actions": "deepracer"}, {"actions": "racing"}, {"continuous": True}])
def test_pure_pursuit_laps_every_builtin(track, kwargs):
    assert_clean_laps(evaluate_trials(TrackRacerEnv(track=track, **kwargs), PurePursuit(), episodes=1))


@pytest.mark.slow
@pytest.mark.parametrize(
    "name", ["reinvent_base", "reInvent2019_track", "Oval_track", "Bowtie_track", "2022_reinvent_champ_ccw"]
)
@pytest.mark.parametrize("kwargs", [{"actions": "deepracer"}, {"actions": "racing"}, {"continuous": True}])
def test_pure_pursuit_laps_official_loops(shared_data, name, kwargs):
    track = shared_data / "deepracer_tracks" / f"{name}.npy"
    assert_clean_laps(evaluate_trials(TrackRacerEnv(track=track, **kwargs), PurePursuit(), episodes=1))


def test_pure_pursuit_laps_reinvent_base_and_reversed(shared_data):
    track = shared_data / "deepracer_tracks" / "reinvent_base.npy"
    assert_clean_laps(
        evaluate_trials(TrackRacerEnv(track=track, actions="racing"), PurePursuit(), episodes=1)
    )
    env = TrackRacerEnv(track="reinvent", reverse=True, actions="racing")
    assert_clean_laps(evaluate_trials(env, PurePursuit(), episodes=1))


def test_action_for_picks_nearest_steering_and_safe_speed():
    env = TrackRacerEnv(actions="racing")
    assert env.actions[env.action_for(20.0, 2.7)] == (15.0, 2.0)
    assert env.actions[env.action_for(-29.0, 0.3)] == (-30.0, 1.0)  # slowest when none is slow enough
    cont = TrackRacerEnv(continuous=True)
    assert cont.command(cont.action_for(12.0, 2.5)) == pytest.approx((12.0, 2.5), abs=1e-5)


def test_greedy_takes_best_immediate_reward_and_leaves_state_unchanged():
    env = TrackRacerEnv(reward="progress", actions="racing")
    env.reset(options={"start": "line"})
    before = env._snapshot()
    action = OneStepGreedy().act(None, env)
    assert env._snapshot() == before and len(env.trajectory) == 1
    rewards = [env.peek(a)[0] for a in range(env.action_space.n)]
    assert rewards[action] == max(rewards)
    trials = evaluate_trials(TrackRacerEnv(reward="follow_center_line"), OneStepGreedy(), episodes=1)
    assert set(trials[0]) == TRIAL_KEYS


def test_a_line_using_the_width_is_faster_than_the_centre_line():
    """The grip limit rewards a racing line: that is what a learner can discover."""
    from gymlab.agents.driving import ideal_lap_time, smoothed_line
    from gymlab.envs.car import CarSpec
    from gymlab.envs.tracks import get_track

    track, spec = get_track("reinvent"), CarSpec()
    centre, line = ideal_lap_time(track.center, spec), ideal_lap_time(smoothed_line(track), spec)
    assert line < 0.97 * centre
    # pure pursuit on the centre line laps, but slower than the lap-time limit
    pytest.importorskip("casadi", reason="the lap-time limit needs CasADi: pip install -e '.[raceline]'")
    from gymlab.envs.raceline import lap_limit

    lap = evaluate_trials(TrackRacerEnv(continuous=True), PurePursuit(), episodes=1)[0]["lap_time"]
    assert lap_limit("reinvent").steps_lap_time() < lap


@pytest.mark.parametrize(
    "kwargs", [{"continuous": True, "grip_steering": True}, {"continuous": True, "steering_rate": 10.0}]
)
def test_pure_pursuit_tunes_for_what_the_steering_action_means(kwargs):
    # tuned on absolute steering, it ran off `reinvent` with grip steering (no scrub slows it)
    assert_clean_laps(evaluate_trials(TrackRacerEnv(**kwargs), PurePursuit(), episodes=1))
