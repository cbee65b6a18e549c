"""A DeepRacer-scale car: kinematic bicycle model with bounded acceleration and a friction circle.

Kinematic bicycle model: a car whose front wheels are steered by δ follows a circle of
curvature κ = tan(δ) / wheelbase. Three limits make racing a trade-off:

* **speed is a state**: it follows the commanded speed, at most ``accel`` m/s² faster or
  ``brake`` m/s² slower per second (a command to stop takes time);
* **friction circle**: the tyres give at most ``grip`` m/s² in any direction, shared between
  cornering and speed change: √(a_lon² + a_lat²) ≤ grip with a_lat = v²κ. Hard cornering
  leaves less grip to brake or accelerate;
* **understeer scrubs speed**: asking for more curvature than the grip allows (v²|κ| > grip)
  saturates the tyres. A saturated tyre pushes with the whole grip, at right angles to its
  wheel; steering α degrees past the angle the grip can hold (the *slip* beyond the grip)
  tilts that push backwards by α, so the car corners with grip·cos α and is slowed by
  grip·sin α — scrub in proportion to the excess for small α, and never more than the grip
  in all (the circle holds while sliding too). The car runs wide, cannot change speed on
  purpose, and more lock turns it *less*: banging the wheel to full lock costs time.

Each :meth:`Car.step` advances 1/15 s (DeepRacer's control rate) along an exact arc.
Scalar ``math`` keeps it fast: a step is a few dozen float operations.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

TWO_PI = 2 * math.pi


@dataclass(frozen=True)
class CarSpec:
    """Physical constants of the car (SI units; DeepRacer's 1/18-scale car)."""

    wheelbase: float = 0.165  # m, front to rear axle
    track: float = 0.18  # m, between the left and right wheels (tyre edges)
    max_steering: float = 30.0  # degrees
    min_speed: float = 0.1  # m/s, slowest command of the continuous action space
    max_speed: float = 4.0  # m/s
    accel: float = 3.0  # m/s², largest speed gain per second
    brake: float = 4.0  # m/s², largest speed loss per second
    grip: float = 5.0  # m/s², radius of the friction circle (lateral and longitudinal combined)
    dt: float = 1 / 15  # s, one control step

    @property
    def max_curvature(self) -> float:
        """Tightest curvature the steering allows (1/m): tan(max steering) / wheelbase."""
        return self.curvature_for(self.max_steering)

    def curvature_for(self, steering: float) -> float:
        """Bicycle model: the curvature (1/m) of wheels at ``steering`` degrees, tan(δ) / wheelbase."""
        return math.tan(math.radians(steering)) / self.wheelbase

    def steering_for(self, curvature: float) -> float:
        """Bicycle model, inverted: the steering (degrees) for ``curvature`` (1/m), atan(κ · wheelbase)."""
        return math.degrees(math.atan(curvature * self.wheelbase))


class Car:
    """State of the car (x, y in m; yaw in rad; speed in m/s; steering in degrees, + = left)."""

    __slots__ = (
        "spec",
        "x",
        "y",
        "yaw",
        "speed",
        "steering",
        "understeer",
        "_dt",
        "_accel",
        "_brake",
        "_grip",
    )

    def __init__(self, spec: CarSpec | None = None) -> None:
        self.spec = spec or CarSpec()
        self._dt = self.spec.dt
        self._accel = self.spec.accel
        self._brake = self.spec.brake
        self._grip = self.spec.grip
        self.place(0.0, 0.0, 0.0)

    def place(self, x: float, y: float, yaw: float, speed: float = 0.0, steering: float = 0.0) -> None:
        """Put the car at (x, y) facing ``yaw``, at ``speed`` with the wheels at ``steering``."""
        self.x, self.y, self.yaw = float(x), float(y), float(yaw)
        self.speed, self.steering = float(speed), float(steering)
        self.understeer = False

    def _asked_accel(self, target_speed: float) -> float:
        """Speed change (m/s²) a command to ``target_speed`` asks, within the accel/brake caps."""
        v0, dt = self.speed, self._dt
        if target_speed > v0:
            return min(self._accel, (target_speed - v0) / dt)
        return -min(self._brake, (v0 - target_speed) / dt)

    def grip_curvature(self, target_speed: float) -> float:
        """Sharpest curvature (1/m) the tyres hold this step under a command to ``target_speed``.

        grip / v², v the step's mean speed under the asked speed change (as :meth:`step`
        judges the lateral demand), within the steering lock; a hair inside the grip, so a
        round trip through steering degrees never tips it into understeer.
        """
        v = self.speed + 0.5 * self._asked_accel(target_speed) * self._dt
        if v * v * self.spec.max_curvature <= self._grip:
            return self.spec.max_curvature
        return (1.0 - 1e-9) * self._grip / (v * v)

    def step(self, steering: float, target_speed: float) -> float:
        """Drive 1/15 s with the wheels at ``steering`` degrees toward ``target_speed``.

        The lateral demand v²|κ| is taken at the step's mean speed under the commanded speed
        change. Within the grip, the speed change is capped by the accel/brake limits and by
        the grip the corner leaves, √(grip² − a_lat²). Beyond it (understeer) the tyres slide:
        with slip α = |steering| − the steering the grip holds, the car slows by grip·sin α.
        Whether it slides, and α, are judged at that commanded mean speed (so ``understeer``
        means "the wheels asked more than the grip at the commanded speed", and the command
        still moves the scrub: at 2 m/s on 15°, 0.15 m/s² commanding 1 m/s against 0.38
        commanding 4; at 4 m/s, 1.03 against 1.04).
        Either way the car then corners with at most what the speed change leaves of the
        grip, √(grip² − a²) (grip·cos α when sliding), at the step's actual mean speed, and
        runs wide if the wheels ask for more. Returns the distance travelled (m).
        """
        v0, dt, grip = self.speed, self._dt, self._grip
        a = self._asked_accel(target_speed)
        curvature = self.spec.curvature_for(steering)
        v = v0 + 0.5 * a * dt
        lateral = v * v * abs(curvature)
        self.understeer = lateral > grip
        if self.understeer:  # saturated tyres: the whole grip, tilted back by the slip
            slip = math.radians(abs(steering)) - math.atan(self.spec.wheelbase * grip / (v * v))
            a = -grip * math.sin(slip)
        elif a != 0.0:  # friction circle: what the corner leaves for the speed change
            spare = math.sqrt(grip * grip - lateral * lateral)
            a = min(max(a, -spare), spare)
        v1 = max(v0 + a * dt, 0.0)
        v = 0.5 * (v0 + v1)  # mean speed over the step
        cornering = math.sqrt(max(grip * grip - a * a, 0.0))  # what the speed change leaves of the grip
        if v * v * abs(curvature) > cornering:  # run wide on the largest curvature that grip gives
            curvature = math.copysign(cornering / (v * v), curvature)
        distance = v * self._dt
        turn = curvature * distance
        yaw = self.yaw
        if abs(turn) < 1e-9:  # straight line
            self.x += distance * math.cos(yaw)
            self.y += distance * math.sin(yaw)
        else:  # exact arc of radius 1/curvature
            self.x += (math.sin(yaw + turn) - math.sin(yaw)) / curvature
            self.y += (math.cos(yaw) - math.cos(yaw + turn)) / curvature
        yaw += turn
        if yaw > math.pi:
            yaw -= TWO_PI
        elif yaw <= -math.pi:
            yaw += TWO_PI
        self.yaw = yaw
        self.speed = v1
        self.steering = steering
        return distance

    def state(self) -> tuple[float, float, float, float, float, bool]:
        """Everything needed to restore the car later (see :meth:`restore`)."""
        return self.x, self.y, self.yaw, self.speed, self.steering, self.understeer

    def restore(self, state: tuple[float, float, float, float, float, bool]) -> None:
        """Go back to a state returned by :meth:`state` (e.g. after a look-ahead)."""
        self.x, self.y, self.yaw, self.speed, self.steering, self.understeer = state
