"""Gradient descent from scratch: plain, with momentum, and Adam, on small test functions.

The lesson is the learning rate. On the quadratic f(x) = a·x²/2 one step of gradient descent is
x ← x − lr·a·x = (1 − lr·a)·x, so the thresholds are known exactly:

- lr > 2/a  — |1 − lr·a| > 1: every step overshoots further, the run **diverges**;
- 1/a < lr < 2/a — 1 − lr·a is negative: the iterate flips sign each step, it **oscillates** in;
- 0 < lr < 1/a — it slides in monotonically; a tiny lr **crawls** and runs out of steps.

On a function with several local minima the starting point decides which minimum is found.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from gymlab.envs.errors import GymlabError

# ----------------------------------------------------------------------------- test functions


@dataclass(frozen=True)
class TestFunction:
    """A differentiable function of 1 or 2 variables with its gradient and known local minima."""

    name: str
    description: str
    f: Callable[[np.ndarray], float]
    grad: Callable[[np.ndarray], np.ndarray]
    start: tuple[float, ...]  # the default starting point
    minima: tuple[tuple[float, ...], ...]  # every local minimum, global first
    view: tuple[tuple[float, float], ...]  # plotting range per coordinate
    curvatures: tuple[float, ...] | None = None  # Hessian eigenvalues, for quadratics only
    starts: tuple[tuple[float, ...], ...] = ()  # starting points that reach different minima

    __test__ = False  # not a pytest test class, despite the name

    @property
    def dim(self) -> int:
        return len(self.start)

    @property
    def min_value(self) -> float:
        """The lowest value among the known local minima (the global minimum)."""
        return min(self.f(np.array(m)) for m in self.minima)

    def nearest_minimum(self, x: np.ndarray) -> int:
        """Index (into ``minima``) of the local minimum closest to ``x``."""
        distances = [np.linalg.norm(np.asarray(x) - np.array(m)) for m in self.minima]
        return int(np.argmin(distances))


def quadratic(curvatures: Sequence[float], name: str = "quadratic", start=None) -> TestFunction:
    """f(x) = ½ Σ aᵢ xᵢ²: convex, minimum 0 at the origin; GD diverges for lr > 2 / max aᵢ."""
    a = np.array(curvatures, dtype=float)
    if np.any(a <= 0):
        raise GymlabError(f"quadratic curvatures must be positive (got {list(curvatures)})")
    default_start = ([2.0, 1.5] + [1.0] * len(a))[: len(a)]
    start = tuple(float(s) for s in (default_start if start is None else start))
    condition = a.max() / a.min()
    return TestFunction(
        name=name,
        description=f"½ Σ aᵢxᵢ² with curvatures {a.tolist()} (condition number {condition:g})",
        f=lambda x: float(0.5 * np.sum(a * x * x)),
        grad=lambda x: a * x,
        start=start,
        minima=(tuple(0.0 for _ in a),),
        view=tuple((-1.5 * abs(s) - 0.5, 1.5 * abs(s) + 0.5) for s in start),
        curvatures=tuple(a.tolist()),
    )


def rosenbrock() -> TestFunction:
    """f(x, y) = (1 − x)² + 100 (y − x²)²: a curved banana valley, minimum 0 at (1, 1)."""

    def f(p):
        x, y = p
        return float((1 - x) ** 2 + 100 * (y - x * x) ** 2)

    def grad(p):
        x, y = p
        return np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])

    return TestFunction(
        name="rosenbrock",
        description="(1 − x)² + 100 (y − x²)²: a narrow curved valley, minimum at (1, 1)",
        f=f,
        grad=grad,
        start=(-1.2, 1.0),
        minima=((1.0, 1.0),),
        view=((-2.0, 2.0), (-1.0, 3.0)),
    )


def _double_well_minima(tilt: float) -> tuple[float, ...]:
    """Local minima of (x² − 1)² + tilt·x: roots of 4x³ − 4x + tilt with positive curvature."""
    roots = np.roots([4.0, 0.0, -4.0, tilt])
    real = sorted(float(r.real) for r in roots if abs(r.imag) < 1e-12)
    return tuple(r for r in real if 12 * r * r - 4 > 0)


def double_well(tilt: float = 0.3) -> TestFunction:
    """f(x) = (x² − 1)² + tilt·x: two valleys; the left one is deeper (the global minimum)."""
    minima = _double_well_minima(tilt)
    return TestFunction(
        name="double_well",
        description=f"(x² − 1)² + {tilt}x: a deep left valley and a shallow right one",
        f=lambda p: float((p[0] ** 2 - 1) ** 2 + tilt * p[0]),
        grad=lambda p: np.array([4 * p[0] * (p[0] ** 2 - 1) + tilt]),
        start=(1.8,),
        minima=tuple((m,) for m in minima),
        view=((-2.0, 2.0),),
        starts=((-1.8,), (-0.3,), (0.3,), (1.8,)),
    )


def four_wells(tilt: tuple[float, float] = (0.3, 0.2)) -> TestFunction:
    """f(x, y) = (x² − 1)² + (y² − 1)² + tₓx + t_y y: four valleys near (±1, ±1), all different depths."""
    tx, ty = tilt
    xs, ys = _double_well_minima(tx), _double_well_minima(ty)
    minima = [(x, y) for x in xs for y in ys]

    def f(p):
        x, y = p
        return float((x * x - 1) ** 2 + (y * y - 1) ** 2 + tx * x + ty * y)

    def grad(p):
        x, y = p
        return np.array([4 * x * (x * x - 1) + tx, 4 * y * (y * y - 1) + ty])

    minima.sort(key=lambda m: f(np.array(m)))
    return TestFunction(
        name="four_wells",
        description=f"(x² − 1)² + (y² − 1)² + {tx}x + {ty}y: four local minima near (±1, ±1)",
        f=f,
        grad=grad,
        start=(1.6, 1.7),
        minima=tuple(minima),
        view=((-2.0, 2.0), (-2.0, 2.0)),
        starts=((-1.6, -1.7), (-1.6, 1.7), (1.6, -1.7), (1.6, 1.7), (0.2, -0.15)),
    )


def _builtin_functions() -> dict[str, TestFunction]:
    return {
        "quadratic": quadratic([2.0, 1.0], name="quadratic"),
        "parabola": quadratic([2.0], name="parabola", start=[2.0]),
        "ill_conditioned": quadratic([1.0, 50.0], name="ill_conditioned", start=[2.0, 1.0]),
        "rosenbrock": rosenbrock(),
        "double_well": double_well(),
        "four_wells": four_wells(),
    }


FUNCTIONS: dict[str, TestFunction] = _builtin_functions()
"""The built-in test functions by name: ``quadratic`` (2-D, curvatures 2 and 1 — the default),
``parabola`` (1-D, a = 2), ``ill_conditioned`` (2-D, curvatures 1 and 50), ``rosenbrock``,
``double_well`` (1-D, two minima) and ``four_wells`` (2-D, four minima)."""


def get_function(name: str) -> TestFunction:
    """A built-in test function by name, or a one-line error listing the names."""
    if name not in FUNCTIONS:
        raise GymlabError(f"unknown function {name!r}: choose one of {', '.join(FUNCTIONS)}")
    return FUNCTIONS[name]


def lr_thresholds(curvature: float) -> dict[str, float]:
    """For f(x) = a·x²/2: GD oscillates for lr > 1/a and diverges for lr > 2/a."""
    return {"oscillates_above": 1.0 / curvature, "diverges_above": 2.0 / curvature}


def expected_regime(lr: float, curvature: float) -> str:
    """The regime theory predicts on a·x²/2: ``diverge``, ``oscillate forever`` (lr = 2/a exactly),
    ``oscillate`` or ``monotone``."""
    factor = 1.0 - lr * curvature  # x ← factor · x each step
    if abs(factor) >= 1.0:
        return "diverge" if abs(factor) > 1.0 else "oscillate forever"
    return "oscillate" if factor < 0 else "monotone"


# ----------------------------------------------------------------------------- optimizers


class GradientDescent:
    """Plain gradient descent: x ← x − lr·∇f(x)."""

    name = "gd"

    def __init__(self, lr: float):
        self.lr = check_learning_rate(lr)

    def reset(self, dim: int) -> None:
        """Forget any state (plain GD has none)."""

    def step(self, x: np.ndarray, grad: np.ndarray) -> np.ndarray:
        return x - self.lr * grad


class Momentum(GradientDescent):
    """Heavy-ball momentum: v ← β·v + ∇f(x); x ← x − lr·v. Speeds up along consistent directions."""

    name = "momentum"

    def __init__(self, lr: float, beta: float = 0.9):
        super().__init__(lr)
        self.beta = beta
        self.velocity = np.zeros(0)

    def reset(self, dim: int) -> None:
        self.velocity = np.zeros(dim)

    def step(self, x: np.ndarray, grad: np.ndarray) -> np.ndarray:
        self.velocity = self.beta * self.velocity + grad
        return x - self.lr * self.velocity


class Adam(GradientDescent):
    """Adam (Kingma & Ba 2015): momentum on the gradient, scaled per coordinate by its recent size."""

    name = "adam"

    def __init__(self, lr: float, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
        super().__init__(lr)
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.m = self.v = np.zeros(0)
        self.t = 0

    def reset(self, dim: int) -> None:
        self.m, self.v, self.t = np.zeros(dim), np.zeros(dim), 0

    def step(self, x: np.ndarray, grad: np.ndarray) -> np.ndarray:
        self.t += 1
        self.m = self.beta1 * self.m + (1 - self.beta1) * grad  # first moment (mean)
        self.v = self.beta2 * self.v + (1 - self.beta2) * grad * grad  # second moment (size)
        m_hat = self.m / (1 - self.beta1**self.t)  # bias correction: both start at 0
        v_hat = self.v / (1 - self.beta2**self.t)
        return x - self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


OPTIMIZERS = {"gd": GradientDescent, "momentum": Momentum, "adam": Adam}


def make_optimizer(name: str, lr: float) -> GradientDescent:
    """``gd``, ``momentum`` or ``adam`` with learning rate ``lr``."""
    if name not in OPTIMIZERS:
        raise GymlabError(f"unknown optimizer {name!r}: choose one of {', '.join(OPTIMIZERS)}")
    return OPTIMIZERS[name](lr)


def check_learning_rate(lr: float) -> float:
    """``lr`` as a float, or a one-line GymlabError unless it is a positive finite number."""
    if not np.isfinite(lr) or lr <= 0:
        raise GymlabError(f"learning rate must be a positive number (got {lr}); try e.g. --lr 0.1")
    return float(lr)


# ----------------------------------------------------------------------------- running


@dataclass
class Run:
    """One optimisation run: its outcome, how many steps it took, and the whole path."""

    function: str
    optimizer: str
    lr: float
    outcome: str  # "converged" | "diverged" | "max_steps"
    steps: int
    final_loss: float
    path: np.ndarray  # (steps + 1, dim): every iterate, the start first
    losses: np.ndarray = field(repr=False)  # f at every iterate

    @property
    def final_x(self) -> np.ndarray:
        return self.path[-1]

    def summary(self) -> dict:
        """The JSON-able record: optimizer, lr, outcome, steps, final_loss."""
        loss = self.final_loss if np.isfinite(self.final_loss) else None
        return {
            "optimizer": self.optimizer,
            "lr": self.lr,
            "outcome": self.outcome,
            "steps": self.steps,
            "final_loss": loss,
        }


def minimize(
    function: TestFunction,
    optimizer: GradientDescent,
    start: Sequence[float] | None = None,
    max_steps: int = 1000,
    tol: float = 1e-6,
    blowup: float = 1e6,
) -> Run:
    """Step downhill until ‖∇f‖ ≤ tol (``converged``), |x| > blowup (``diverged``) or ``max_steps``."""
    if max_steps < 1:
        raise GymlabError(f"max steps must be at least 1 (got {max_steps})")
    if not (math.isfinite(tol) and tol > 0):
        raise GymlabError(f"the tolerance must be a positive number, e.g. 1e-6 (got {tol})")
    x = np.array(function.start if start is None else start, dtype=float)
    if x.shape != (function.dim,):
        raise GymlabError(
            f"{function.name} takes a start of {function.dim} number(s), e.g. "
            f"{','.join(str(s) for s in function.start)} (got {len(x)})"
        )
    if not np.isfinite(x).all():
        raise GymlabError(f"the start must be finite numbers, e.g. {','.join(map(str, function.start))}")
    optimizer.reset(function.dim)
    path, losses = [x.copy()], [function.f(x)]
    outcome = "max_steps"
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(max_steps):
            g = function.grad(x)
            if np.linalg.norm(g) <= tol:
                outcome = "converged"
                break
            x = optimizer.step(x, g)
            path.append(x.copy())
            losses.append(function.f(x))
            if not np.all(np.isfinite(x)) or np.max(np.abs(x)) > blowup or not np.isfinite(losses[-1]):
                outcome = "diverged"
                break
        else:
            if np.linalg.norm(function.grad(x)) <= tol:
                outcome = "converged"
    return Run(
        function=function.name,
        optimizer=optimizer.name,
        lr=optimizer.lr,
        outcome=outcome,
        steps=len(path) - 1,
        final_loss=float(losses[-1]),
        path=np.array(path),
        losses=np.array(losses),
    )


def lr_sweep(
    function: TestFunction,
    lrs: Sequence[float],
    optimizers: Sequence[str] = ("gd",),
    start: Sequence[float] | None = None,
    max_steps: int = 1000,
    tol: float = 1e-6,
) -> list[Run]:
    """One run per (optimizer, learning rate), all from the same start."""
    if not lrs:
        raise GymlabError("give at least one learning rate, e.g. --lr 0.001,0.1,1.1")
    for lr in lrs:
        check_learning_rate(lr)
    return [
        minimize(function, make_optimizer(name, lr), start, max_steps, tol)
        for name in optimizers
        for lr in lrs
    ]


def compare_starts(
    function: TestFunction,
    starts: Sequence[Sequence[float]] | None = None,
    optimizer: str = "gd",
    lr: float = 0.05,
    max_steps: int = 2000,
    tol: float = 1e-6,
) -> list[tuple[Run, int]]:
    """Run from each start; pair each run with the index of the local minimum it ended in."""
    starts = starts or function.starts or (function.start,)
    runs = [minimize(function, make_optimizer(optimizer, lr), s, max_steps, tol) for s in starts]
    return [(run, function.nearest_minimum(run.final_x)) for run in runs]
