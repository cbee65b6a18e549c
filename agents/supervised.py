"""Linear regression two ways: the closed form (normal equations) and gradient descent.

Model: ŷ = X·w + b. Loss: half the mean squared error, L = 1/(2n) Σ (ŷᵢ − yᵢ)².

- Closed form: setting ∇L = 0 gives the normal equations (AᵀA)·θ = Aᵀy with A = [X, 1].
- Gradient descent: ∇_w L = Xᵀ(ŷ − y)/n, ∂L/∂b = mean(ŷ − y). On raw heights (≈ 68 in) the
  loss surface is a long thin valley and GD crawls; after **feature scaling** (each feature to
  mean 0, sd 1) the valley is round and GD converges in a few hundred steps. The weights are
  mapped back to the original units at the end, so both methods give the same line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gymlab.agents.optim import check_learning_rate
from gymlab.envs.errors import GymlabError


@dataclass(frozen=True)
class Scaler:
    """Feature scaling (standardisation): z = (x − mean) / sd, per column."""

    mean: np.ndarray
    sd: np.ndarray

    @classmethod
    def fit(cls, X: np.ndarray) -> Scaler:
        X = np.asarray(X, dtype=float)
        sd = X.std(axis=0)
        return cls(mean=X.mean(axis=0), sd=np.where(sd > 0, sd, 1.0))  # a constant column stays put

    def transform(self, X: np.ndarray) -> np.ndarray:
        return (np.asarray(X, dtype=float) - self.mean) / self.sd


@dataclass
class LinearModel:
    """A fitted line (or plane): ŷ = X·weights + intercept."""

    weights: np.ndarray
    intercept: float
    steps: int = 0  # gradient-descent steps taken (0 for the closed form)
    losses: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)

    @property
    def slope(self) -> float:
        """The single weight of a one-feature model."""
        return float(self.weights[0])

    def predict(self, X: np.ndarray) -> np.ndarray:
        return _as_matrix(X) @ self.weights + self.intercept


def fit_closed_form(X: np.ndarray, y: np.ndarray) -> LinearModel:
    """Least squares by the normal equations: solve (AᵀA)·θ = Aᵀy with A = [X, 1]."""
    X, y = _check_xy(X, y)
    A = np.column_stack([X, np.ones(len(X))])
    theta = np.linalg.solve(A.T @ A, A.T @ y)
    return LinearModel(weights=theta[:-1], intercept=float(theta[-1]))


def fit_gradient_descent(
    X: np.ndarray,
    y: np.ndarray,
    lr: float = 0.1,
    max_steps: int = 10_000,
    tol: float = 1e-12,
    scale: bool = True,
) -> LinearModel:
    """Least squares by gradient descent on ½·MSE, stopping when ‖∇L‖ ≤ tol (in scaled units).

    With ``scale`` the features are standardised first and the result mapped back:
    w = w_z / sd, b = b_z − Σ w·mean. The target is centred and scaled too, so ``tol`` is relative.
    """
    X, y = _check_xy(X, y)
    check_learning_rate(lr)
    if max_steps < 1:
        raise GymlabError(f"max steps must be at least 1 (got {max_steps})")
    x_scaler = Scaler.fit(X) if scale else Scaler(np.zeros(X.shape[1]), np.ones(X.shape[1]))
    y_mean, y_sd = (y.mean(), y.std() or 1.0) if scale else (0.0, 1.0)
    Z, t = x_scaler.transform(X), (y - y_mean) / y_sd
    w, b = np.zeros(X.shape[1]), 0.0
    n, losses, steps = len(t), [], 0
    while steps < max_steps:
        steps += 1
        residual = Z @ w + b - t
        losses.append(0.5 * float(residual @ residual) / n)
        grad_w, grad_b = Z.T @ residual / n, float(residual.mean())
        w, b = w - lr * grad_w, b - lr * grad_b
        if np.hypot(np.linalg.norm(grad_w), grad_b) <= tol:
            break
        if not np.isfinite(losses[-1]) or losses[-1] > 1e100:
            raise GymlabError(f"gradient descent diverged with lr={lr}: use a smaller learning rate")
    weights = w * y_sd / x_scaler.sd  # back to original units
    intercept = y_mean + y_sd * b - float(weights @ x_scaler.mean)
    return LinearModel(weights=weights, intercept=float(intercept), steps=steps, losses=np.array(losses))


def train_test_split(n: int, test_share: float = 0.2, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Hold-out split of ``n`` rows: a seeded shuffle, the first rows for training, the rest
    (``test_share`` of them) for testing. Returns (train indices, test indices)."""
    if not 0 < test_share < 1:
        raise GymlabError(f"the test share must lie between 0 and 1 (got {test_share}); e.g. 0.2")
    n_test = int(round(n * test_share))
    if n_test < 1 or n - n_test < 2:
        raise GymlabError(f"{n} rows are too few to hold {test_share:.0%} out for testing: give more rows")
    order = np.random.default_rng(seed).permutation(n)
    return order[: n - n_test], order[n - n_test :]


def prediction_errors(y: np.ndarray, predicted: np.ndarray, tolerance: float) -> dict[str, float]:
    """How far predictions miss: root-mean-square error, mean absolute error, and the share of
    predictions within ± ``tolerance`` of the truth."""
    miss = np.asarray(predicted, dtype=float) - np.asarray(y, dtype=float)
    return {
        "rmse": float(np.sqrt(np.mean(miss**2))),
        "mae": float(np.mean(np.abs(miss))),
        "within": float(np.mean(np.abs(miss) <= tolerance)),
    }


def pearson_r(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson correlation: cov(x, y) / (sd(x)·sd(y))."""
    dx, dy = x - x.mean(), y - y.mean()
    return float(dx @ dy / np.sqrt((dx @ dx) * (dy @ dy)))


def _as_matrix(X: np.ndarray) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    return X[:, None] if X.ndim == 1 else X


def _check_xy(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    X, y = _as_matrix(X), np.asarray(y, dtype=float)
    if len(X) != len(y):
        raise GymlabError(f"X has {len(X)} rows but y has {len(y)}: give one target per row")
    if len(X) < X.shape[1] + 1:
        raise GymlabError(f"need at least {X.shape[1] + 1} rows to fit a line (got {len(X)})")
    if not (np.all(np.isfinite(X)) and np.all(np.isfinite(y))):
        raise GymlabError("the data has missing or infinite values: drop those rows first")
    constant = [j for j in range(X.shape[1]) if np.ptp(X[:, j]) == 0]
    if constant:
        which = f" in feature {constant[0] + 1}" if X.shape[1] > 1 else ""
        raise GymlabError(
            f"all {len(X)} rows have the same x{which} ({X[0, constant[0]]:g}), so no single line fits best: "
            "give data whose x varies"
        )
    return X, y
