"""A DeepRacer-scale car: kinematic bicycle model with bounded acceleration and a grip limit.

Kinematic bicycle model: a car whose front wheels are steered by δ follows a circle of
curvature κ = tan(δ) / wheelbase. Two limits make racing a trade-off:

* **speed is a state**: it follows the commanded speed, at most ``accel`` m/s² faster or
  ``brake`` m/s² slower per second (a command to stop takes time);
* **lateral grip**: the tyres can push sideways with at most ``grip`` m/s², so at speed v the
  car can follow a curvature of at most grip / v². Steer harder and it *understeers*: it
  follows the capped curvature and runs wide — exactly what makes a corner cost time.

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
    grip: float = 5.0  # m/s², largest lateral acceleration before understeer
    dt: float = 1 / 15  # s, one control step


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
        self._accel = self.spec.accel * self.spec.dt
        self._brake = self.spec.brake * self.spec.dt
        self._grip = self.spec.grip
        self.place(0.0, 0.0, 0.0)

    def place(self, x: float, y: float, yaw: float, speed: float = 0.0, steering: float = 0.0) -> None:
        """Put the car at (x, y) facing ``yaw``, at ``speed`` with the wheels at ``steering``."""
        self.x, self.y, self.yaw = float(x), float(y), float(yaw)
        self.speed, self.steering = float(speed), float(steering)
        self.understeer = False

    def step(self, steering: float, target_speed: float) -> float:
        """Drive 1/15 s with the wheels at ``steering`` degrees toward ``target_speed``.

        Returns the distance travelled (m).
        """
        v0 = self.speed
        if target_speed > v0:
            v1 = min(target_speed, v0 + self._accel)
        else:
            v1 = max(target_speed, v0 - self._brake)
        v = 0.5 * (v0 + v1)  # mean speed over the step
        curvature = math.tan(math.radians(steering)) / self.spec.wheelbase
        # Grip limit: lateral acceleration v²κ may not exceed grip → κ ≤ grip / v².
        self.understeer = v * v * abs(curvature) > self._grip
        if self.understeer:
            curvature = math.copysign(self._grip / (v * v), curvature)
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
