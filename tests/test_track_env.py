"""TrackRacer environment: checkers, DeepRacer params, episode rules, reproducibility."""

from __future__ import annotations

import math

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env as gym_check_env
from stable_baselines3.common.env_checker import check_env as sb3_check_env

from gymlab import envs  # noqa: F401  registers gymlab/TrackRacer-v2
from gymlab.envs.errors import GymlabError
from gymlab.envs.track_racer import ACTION_PRESETS, TrackRacerEnv

PARAM_TYPES = {
    "all_wheels_on_track": bool,
    "x": float,
    "y": float,
    "closest_objects": list,
    "closest_waypoints": list,
    "distance_from_center": float,
    "heading": float,
    "is_crashed": bool,
    "is_left_of_center": bool,
    "is_offtrack": bool,
    "is_reversed": bool,
    "objects_distance": list,
    "objects_heading": list,
    "objects_left_of_center": list,
    "objects_location": list,
    "objects_speed": list,
    "progress": float,
    "speed": float,
    "steering_angle": float,
    "steps": int,
    "track_length": float,
    "track_width": float,
    "waypoints": list,
}


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"continuous": True},
        {"actions": "racing"},
        {"continuous": True, "steering_rate": 10.0},
        {"continuous": True, "grip_steering": True},
    ],
)
def test_both_env_checkers_pass(kwargs):
    gym_check_env(TrackRacerEnv(**kwargs), skip_render_check=True)
    sb3_check_env(TrackRacerEnv(**kwargs), warn=True)


def test_gymnasium_make_and_render_rgb_array():
    env = gym.make("gymlab/TrackRacer-v2", track="oval", render_mode="rgb_array")
    env.reset(seed=1)
    env.step(4)
    frame = env.render()
    assert frame.ndim == 3 and frame.shape[2] == 3 and frame.dtype == np.uint8
    env.close()


def test_action_presets_follow_deepracer_order():
    assert len(ACTION_PRESETS["deepracer"]) == 10
    assert ACTION_PRESETS["deepracer"][0] == (-30.0, 0.5)
    assert ACTION_PRESETS["deepracer"][1] == (-30.0, 1.0)
    assert len(ACTION_PRESETS["racing"]) == 20
    assert {v for _, v in ACTION_PRESETS["racing"]} == {1.0, 2.0, 3.0, 4.0}
    env = TrackRacerEnv(actions=[(0, 1.5), (10, 2.0)])
    assert env.action_space.n == 2


def test_continuous_actions_scale_to_car_limits():
    env = TrackRacerEnv(continuous=True)
    assert env.command(np.array([-1.0, -1.0])) == pytest.approx((-30.0, 0.1))
    assert env.command(np.array([1.0, 1.0])) == pytest.approx((30.0, 4.0))


def test_steering_rate_turns_the_wheels_by_at_most_rate_per_step():
    env = TrackRacerEnv(continuous=True, steering_rate=10.0)
    env.reset(seed=0, options={"start": "line"})
    seen = []
    for push in (1.0, 1.0, 0.5, 1.0, 1.0, -1.0):
        env.step(np.array([push, 1.0], dtype=np.float32))
        seen.append(env.car.steering)
    assert seen == pytest.approx([10.0, 20.0, 25.0, 30.0, 30.0, 20.0])  # clipped at the 30° lock
    assert env.command(env.action_for(14.0, 2.0)) == pytest.approx((14.0, 2.0))  # wheels at 20°
    assert env.command(env.action_for(2.0, 2.0)) == pytest.approx((10.0, 2.0))  # as far as one step allows


def test_grip_steering_turns_at_the_grip_limit_and_never_scrubs():
    env = TrackRacerEnv(continuous=True, grip_steering=True)
    spec = env.car.spec
    env.reset(seed=0, options={"start": "line"})
    steer, _ = env.command(np.array([1.0, -1.0]))
    assert steer == pytest.approx(spec.max_steering)  # at rest the lock, not the grip, is the limit
    for _ in range(40):  # flat out to 4 m/s
        env.step(np.array([0.0, 1.0], dtype=np.float32))
    v = env.car.speed
    assert v == pytest.approx(spec.max_speed)
    steer, _ = env.command(np.array([1.0, 1.0]))
    curvature = math.tan(math.radians(steer)) / spec.wheelbase
    assert v * v * curvature == pytest.approx(spec.grip)  # full left: exactly the grip, at ~3°, not 30°
    assert 2.5 < steer < 3.5
    assert env.command(np.array([-0.5, 1.0]))[0] == pytest.approx(
        -math.degrees(math.atan(math.tan(math.radians(steer)) / 2))
    )
    env.car.step(*env.command(np.array([1.0, 1.0])))
    # a full turn at the grip keeps its speed
    assert not env.car.understeer and env.car.speed == pytest.approx(v)
    assert env.command(env.action_for(1.5, 4.0)) == pytest.approx((1.5, 4.0))
    assert env.command(env.action_for(20.0, 4.0))[0] == pytest.approx(steer)  # at most the grip limit


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"grip_steering": True}, "pass continuous=True"),
        ({"continuous": True, "grip_steering": True, "steering_rate": 10.0}, "pass one of them"),
        ({"continuous": True, "grip_steering": "yes"}, "grip_steering must be true or false"),
        ({"steering_rate": 10.0}, "pass continuous=True"),
        ({"continuous": True, "steering_rate": -1.0}, "steering_rate must be degrees per step"),
        ({"continuous": True, "steering_rate": 90.0}, "steering_rate must be degrees per step"),
        ({"continuous": True, "steering_rate": "fast"}, "steering_rate must be degrees per step"),
    ],
)
def test_bad_steering_option_is_one_clear_error(kwargs, message):
    with pytest.raises(GymlabError, match=message):
        TrackRacerEnv(**kwargs)


def test_every_param_present_with_deepracer_type_and_range():
    seen = []

    def recorder(params):
        seen.append(params)
        return 1.0

    env = TrackRacerEnv(reward=recorder, actions="racing")
    rng = np.random.default_rng(0)
    env.reset(seed=0)
    steps_in_episode = 0
    for _ in range(600):
        _, reward, terminated, truncated, info = env.step(int(rng.integers(20)))
        steps_in_episode += 1
        assert type(reward) is float and type(terminated) is bool and type(truncated) is bool
        assert seen[-1]["steps"] == steps_in_episode
        if terminated or truncated:
            env.reset()
            steps_in_episode = 0
    assert len(seen) == 600
    assert any(p["is_offtrack"] for p in seen) and any(p["all_wheels_on_track"] for p in seen)
    for params in seen:
        assert set(params) == set(PARAM_TYPES)
        for key, kind in PARAM_TYPES.items():
            assert type(params[key]) is kind, (key, type(params[key]))
        assert -180 <= params["heading"] <= 180
        assert 0 <= params["progress"] <= 100
        assert -30 <= params["steering_angle"] <= 30
        assert 0 <= params["speed"] <= 4
        assert params["distance_from_center"] >= 0
        assert params["track_width"] == pytest.approx(0.76, abs=0.01)
        assert params["track_length"] == pytest.approx(17.7, abs=0.3)
        behind, ahead = params["closest_waypoints"]
        assert 0 <= behind < len(params["waypoints"]) and ahead == (behind + 1) % len(params["waypoints"])
        assert all(isinstance(w, tuple) and len(w) == 2 for w in params["waypoints"][:3])
        assert params["objects_location"] == [] and params["objects_speed"] == []
        assert params["is_offtrack"] is False or params["all_wheels_on_track"] is False
    assert seen[0]["waypoints"] is not seen[1]["waypoints"]


def test_closest_waypoints_bracket_the_car():
    env = TrackRacerEnv(track="oval")
    env.reset(seed=3)
    params = env.params_for(*env.track.point_at(5.0)[:2], heading=0, speed=1, steering=0, progress=0, steps=1)
    behind, ahead = params["closest_waypoints"]
    wp = np.array(params["waypoints"])
    car = np.array([params["x"], params["y"]])
    nearest = int(np.argmin(np.linalg.norm(wp - car, axis=1)))
    assert nearest in (behind, ahead)


def test_same_seed_same_trajectory():
    def run(seed):
        env = TrackRacerEnv(actions="racing")
        env.action_space.seed(seed)
        obs, _ = env.reset(seed=seed)
        out = [obs]
        for _ in range(80):
            obs, reward, terminated, truncated, _ = env.step(env.action_space.sample())
            out.append(np.append(obs, reward))
            if terminated or truncated:
                obs, _ = env.reset()
                out.append(obs)
        return np.concatenate(out)

    np.testing.assert_array_equal(run(5), run(5))
    assert not np.array_equal(run(5), run(6))


def test_spread_starts_vary_and_line_starts_at_zero():
    env = TrackRacerEnv()
    starts = set()
    for seed in range(5):
        env.reset(seed=seed)
        starts.add(round(env.arc_length, 3))
    assert len(starts) == 5
    env.reset(seed=0, options={"start": "line"})
    assert env.arc_length == pytest.approx(0.0, abs=1e-9) or env.arc_length == pytest.approx(env.track.length)
    env.reset(options={"start": 0.5})
    assert env.arc_length == pytest.approx(env.track.length / 2, abs=0.01)
    with pytest.raises(GymlabError, match="start"):
        env.reset(options={"start": "middle"})


def test_reversing_car_gains_no_progress_and_ends_reversed():
    env = TrackRacerEnv(actions=[(0.0, 1.0)])
    env.reset(options={"start": "line"})
    car = env.car
    car.place(car.x, car.y, car.yaw + math.pi)  # turn round on the start line
    progress = []
    for _ in range(40):
        _, reward, terminated, truncated, info = env.step(0)
        progress.append(info["progress"])
        if terminated or truncated:
            break
    assert info["status"] == "reversed" and terminated
    assert len(progress) == 15
    assert max(progress) == 0.0  # crossing the start line backwards is not 99 %


def test_backwards_then_forwards_only_counts_net_progress():
    env = TrackRacerEnv(actions=[(0.0, 1.0)], track="oval")
    env.reset(options={"start": "line"})
    car = env.car
    car.place(car.x, car.y, car.yaw + math.pi)
    for _ in range(10):
        env.step(0)
    car.place(car.x, car.y, car.yaw + math.pi)  # turn again and drive forwards
    for _ in range(10):
        _, _, _, _, info = env.step(0)
    assert info["progress"] < 100 * 0.2 / env.track.length + 1e-9  # back at (about) the start


def test_immobilized_car_ends_after_15_still_steps():
    env = TrackRacerEnv(actions=[(0.0, 0.0)])
    env.reset(seed=0)
    statuses = []
    for _ in range(30):
        _, _, terminated, _, info = env.step(0)
        statuses.append(info["status"])
        if terminated:
            break
    assert statuses == ["in_progress"] * 14 + ["immobilized"]


def test_off_track_ends_episode_and_counts():
    env = TrackRacerEnv(actions=[(30.0, 1.0)])
    env.reset(options={"start": "line"})
    for _ in range(200):
        _, _, terminated, _, info = env.step(0)
        if terminated:
            break
    assert info["status"] == "off_track" and info["off_track_count"] == 1


def test_time_up_truncates():
    env = TrackRacerEnv(max_steps=5)
    env.reset(seed=0)
    for _ in range(5):
        _, _, terminated, truncated, info = env.step(5)
    assert truncated and not terminated and info["status"] == "time_up"
    assert info["lap_time"] == pytest.approx(5 / 15)


def test_grip_limit_makes_fast_cars_run_wide_and_scrub_speed():
    """Same full-lock command at 1 and 4 m/s: the fast car turns less (understeer) and slows."""
    from gymlab.envs.car import Car

    slow, fast = Car(), Car()
    slow.place(0, 0, 0, speed=1.0)
    fast.place(0, 0, 0, speed=4.0)
    slow.step(30.0, 1.0)
    fast.step(30.0, 4.0)
    assert fast.understeer and not slow.understeer
    assert slow.yaw > fast.yaw
    spec = fast.spec
    slip = math.radians(30.0) - math.atan(spec.wheelbase * spec.grip / 16)  # past the ~3° the grip holds
    scrubbed = 4.0 - spec.grip * math.sin(slip) / 15  # the push tilts back by the slip
    assert fast.speed == pytest.approx(scrubbed)
    mean = 0.5 * (4.0 + fast.speed)
    cornering = fast.yaw / (mean / 15) * mean**2  # v²κ of the arc it drove
    assert cornering == pytest.approx(spec.grip * math.cos(slip), rel=1e-6)
    assert slow.speed == 1.0  # within the grip nothing is lost


@pytest.mark.parametrize("speed", [0.5, 1.5, 2.5, 3.2, 4.0])
def test_friction_circle_holds_for_every_command_sliding_or_not(speed):
    """√(a_lon² + a_lat²) ≤ grip whatever the wheel and the speed command (v1 broke it while sliding)."""
    from gymlab.envs.car import Car

    for steering in np.linspace(-30.0, 30.0, 25):
        for command in (0.1, speed, 4.0):
            car = Car()
            car.place(0, 0, 0, speed=speed)
            distance = car.step(float(steering), command)
            mean = distance * 15
            a_lon = (car.speed - speed) * 15
            a_lat = mean * abs(car.yaw) * 15  # v · (turn rate)
            assert math.hypot(a_lon, a_lat) <= car.spec.grip * (1 + 1e-9), (steering, command)


def test_understeer_costs_more_the_harder_the_wheel_is_turned():
    from gymlab.envs.car import Car

    speeds, turns = [], []
    for steering in (10.0, 20.0, 30.0):
        car = Car()
        car.place(0, 0, 0, speed=3.0)
        car.step(steering, 3.0)
        speeds.append(car.speed)
        turns.append(car.yaw)
    assert speeds[0] > speeds[1] > speeds[2]
    assert turns[0] > turns[1] > turns[2]  # past the grip, more lock turns the car less


def test_friction_circle_shares_grip_between_cornering_and_braking():
    """Braking in a corner near the grip limit is weaker than braking on a straight."""
    from gymlab.envs.car import Car

    straight, corner = Car(), Car()
    straight.place(0, 0, 0, speed=2.0)
    corner.place(0, 0, 0, speed=2.0)
    kappa = 4.5 / 1.8**2  # lateral 4.5 m/s² at the step's mean speed 1.8 m/s (of 5)
    steering = math.degrees(math.atan(kappa * corner.spec.wheelbase))
    straight.step(0.0, 0.0)
    corner.step(steering, 0.0)
    assert straight.speed == pytest.approx(2.0 - 4.0 / 15)
    assert not corner.understeer
    assert 2.0 - corner.speed < 0.6 * (2.0 - straight.speed)


def test_speed_follows_command_within_limits():
    from gymlab.envs.car import Car

    car = Car()
    car.step(0.0, 4.0)
    assert car.speed == pytest.approx(3.0 / 15)
    car.place(0, 0, 0, speed=4.0)
    car.step(0.0, 0.5)
    assert car.speed == pytest.approx(4.0 - 4.0 / 15)


def test_bad_constructor_arguments():
    with pytest.raises(GymlabError, match="action preset"):
        TrackRacerEnv(actions="fast")
    with pytest.raises(GymlabError, match="outside the car's range"):
        TrackRacerEnv(actions=[(45, 1.0)])
    with pytest.raises(GymlabError, match="start"):
        TrackRacerEnv(start="anywhere")


def test_observation_layout_in_car_frame():
    env = TrackRacerEnv(track="oval")
    obs, _ = env.reset(options={"start": "line"})  # on a straight, pointing along it
    step = env._stride * env.track.spacing / 3.0
    assert obs[0] == pytest.approx(step, abs=1e-4) and obs[1] == pytest.approx(0.0, abs=1e-4)
    assert obs[2] == pytest.approx(2 * step, abs=1e-4)
    assert obs[24] == 0.0 and obs[25] == 0.0 and obs[26] == pytest.approx(0.0, abs=1e-6)
    assert obs[28] == pytest.approx(1.0)  # half of the oval's 1 m width / 0.5 m
    car = env.car
    car.place(car.x, car.y, car.yaw + math.pi / 2)  # turn left: the road ahead is now on the right
    env._place_on_track()
    obs = env._observation()
    assert obs[0] == pytest.approx(0.0, abs=1e-4) and obs[1] == pytest.approx(-step, abs=1e-4)
    assert obs[27] == pytest.approx(0.5, abs=1e-6)
