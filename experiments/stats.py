"""Descriptive statistics, streaming sampling and counting, and kernel density — from scratch.

- :func:`describe` — count, mean, sample std, min, quartiles, max, like ``pandas.DataFrame.describe``.
- :func:`reservoir_sample` — K items chosen uniformly from a stream of unknown length in one pass,
  memory bounded by K (Li's Algorithm L); :func:`sample_lines` does it to a file, like ``shuf -n K``.
- :func:`count_text` — lines, words and bytes, like ``wc -l``, ``wc -w`` and ``wc -c``.
- :func:`kde_grid` — a 2-D Gaussian kernel density estimate on a grid.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import BinaryIO, TypeVar

import numpy as np

from gymlab.envs.errors import GymlabError
from gymlab.experiments.datasets import Table, existing_file

T = TypeVar("T")

# ----------------------------------------------------------------------------- describe

STAT_NAMES = ("count", "mean", "std", "min", "25%", "50%", "75%", "max")


def quantile(sorted_values: np.ndarray, q: float) -> float:
    """The q-quantile by linear interpolation between order statistics (pandas' and numpy's default):
    position h = q·(n − 1), value = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋ + 1] − x[⌊h⌋])."""
    n = len(sorted_values)
    h = q * (n - 1)
    lo = math.floor(h)
    hi = min(lo + 1, n - 1)
    return float(sorted_values[lo] + (h - lo) * (sorted_values[hi] - sorted_values[lo]))


def describe_column(values: np.ndarray) -> dict[str, float]:
    """count, mean, std (sample, n − 1), min, 25 %, 50 %, 75 %, max of the non-missing values."""
    x = np.sort(np.asarray(values, dtype=float))
    x = x[~np.isnan(x)]
    n = len(x)
    if n == 0:
        return {"count": 0.0} | {name: math.nan for name in STAT_NAMES[1:]}
    mean = float(np.sum(x) / n)
    std = math.sqrt(float(np.sum((x - mean) ** 2)) / (n - 1)) if n > 1 else math.nan
    return {
        "count": float(n),
        "mean": mean,
        "std": std,
        "min": float(x[0]),
        "25%": quantile(x, 0.25),
        "50%": quantile(x, 0.50),
        "75%": quantile(x, 0.75),
        "max": float(x[-1]),
    }


def describe(table: Table) -> dict[str, dict[str, float]]:
    """:func:`describe_column` for every column of a table: ``{column: {"count", "mean", …}}``."""
    return {name: describe_column(column) for name, column in table.items()}


def format_describe(stats: dict[str, dict[str, float]]) -> str:
    """The describe table as text, statistics down, columns across (like pandas prints it)."""
    names = list(stats)
    width = max([10] + [len(name) for name in names])
    lines = [" " * 6 + "".join(f"{name:>{width + 2}}" for name in names)]
    for stat in STAT_NAMES:
        lines.append(f"{stat:<6}" + "".join(f"{stats[name][stat]:>{width + 2}.6g}" for name in names))
    return "\n".join(lines)


# ----------------------------------------------------------------------------- sampling


def reservoir_sample(items: Iterable[T], k: int, rng: np.random.Generator) -> list[T]:
    """K items drawn uniformly without replacement from a stream, in one pass, memory O(K).

    Li's Algorithm L (1994): keep the first K items; then, rather than drawing a random number
    for every item (Algorithm R), jump straight to the next item that enters the reservoir —
    the gap is geometric — and let it replace a random slot. Every K-subset is equally likely.
    The reservoir is shuffled at the end, so the order is random too (as ``shuf`` prints).
    """
    if k < 1:
        raise GymlabError(f"sample size must be at least 1 (got {k}); e.g. -n 10")
    stream = iter(items)
    reservoir = list(islice(stream, k))
    if len(reservoir) == k:
        w = math.exp(math.log(_uniform(rng)) / k)  # the largest of K uniform "keys" kept so far
        while True:
            skip = math.floor(math.log(_uniform(rng)) / math.log1p(-w))  # items that lose
            taken = next(islice(stream, skip, None), _END)  # discard `skip` items, take the next
            if taken is _END:
                break
            reservoir[int(rng.integers(k))] = taken
            w *= math.exp(math.log(_uniform(rng)) / k)
    return [reservoir[i] for i in rng.permutation(len(reservoir))]


_END = object()


def _uniform(rng: np.random.Generator) -> float:
    """A uniform number in (0, 1] (never 0, so its logarithm is finite)."""
    return 1.0 - rng.random()


def sample_lines(path: str | Path, k: int, seed: int = 0) -> list[bytes]:
    """K random lines of a file (without their newline), like ``shuf -n K``: one pass, memory O(K)."""
    with existing_file(path).open("rb") as f:
        lines = reservoir_sample(f, k, np.random.default_rng(seed))
    return [line.rstrip(b"\n") for line in lines]


@dataclass
class TextCounts:
    """Lines, words and bytes of a file, as ``wc -l``, ``wc -w`` and ``wc -c`` count them."""

    lines: int = 0  # newline characters
    words: int = 0  # maximal runs of non-whitespace bytes
    bytes: int = 0

    def add_block(self, block: bytes, in_word: bool) -> bool:
        """Count one block of the file; ``in_word`` says the previous block ended inside a word.
        Returns whether this block ends inside a word (so a word cut by the block edge counts once).

        A word starts wherever a non-space byte follows a space byte (or the start of the file).
        """
        space = WHITESPACE[np.frombuffer(block, dtype=np.uint8)]
        follows_space = np.concatenate(([not in_word], space[:-1]))
        self.bytes += len(block)
        self.lines += block.count(b"\n")
        self.words += int(np.count_nonzero(~space & follows_space))
        return not space[-1]


WHITESPACE = np.zeros(256, dtype=bool)
WHITESPACE[list(b" \t\n\r\x0b\x0c")] = True  # the bytes wc treats as spaces (ASCII, as in the C locale)
BLOCK = 1 << 20  # read files in 1 MiB blocks


def count_text(path: str | Path) -> TextCounts:
    """Count lines, words and bytes of a file in one streaming pass, a block at a time."""
    counts, in_word = TextCounts(), False
    with existing_file(path).open("rb") as f:
        while block := f.read(BLOCK):
            in_word = counts.add_block(block, in_word)
    return counts


def counted_lines(f: BinaryIO, counts: TextCounts) -> Iterator[bytes]:
    """The lines of a binary file (without their newline), counted into ``counts`` as blocks are read."""
    carry, in_word = b"", False
    while block := f.read(BLOCK):
        in_word = counts.add_block(block, in_word)
        lines = (carry + block).split(b"\n")
        carry = lines.pop()  # an unfinished last line waits for the next block
        yield from lines
    if carry:
        yield carry


def sample_and_count(path: str | Path, k: int, seed: int = 0) -> tuple[list[bytes], TextCounts]:
    """:func:`sample_lines` and :func:`count_text` together, in a single pass over the file
    (the same seed picks the same lines as :func:`sample_lines`)."""
    counts = TextCounts()
    with existing_file(path).open("rb") as f:
        lines = reservoir_sample(counted_lines(f, counts), k, np.random.default_rng(seed))
    return lines, counts


# ----------------------------------------------------------------------------- density


def scott_bandwidth(values: np.ndarray, dims: int = 1) -> float:
    """Scott's rule for a Gaussian kernel: h = σ · n^(−1/(d+4))."""
    return float(np.std(values, ddof=1) * len(values) ** (-1.0 / (dims + 4)))


def kde_grid(x: np.ndarray, y: np.ndarray, gridsize: int = 80) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """2-D Gaussian kernel density of the points (x, y) on a grid: (grid_x, grid_y, density).

    density(gx, gy) = 1/n Σᵢ φ_hx(gx − xᵢ) · φ_hy(gy − yᵢ): a product kernel with Scott's
    bandwidth per axis. Because the kernel factorises, the grid is one matrix product.
    """
    hx, hy = scott_bandwidth(x, 2), scott_bandwidth(y, 2)
    gx = np.linspace(x.min() - 3 * hx, x.max() + 3 * hx, gridsize)
    gy = np.linspace(y.min() - 3 * hy, y.max() + 3 * hy, gridsize)
    kx = _gaussian((gx[:, None] - x[None, :]) / hx) / hx  # (grid, n)
    ky = _gaussian((gy[:, None] - y[None, :]) / hy) / hy
    density = ky @ kx.T / len(x)  # rows follow y, columns follow x
    return gx, gy, density


def _gaussian(u: np.ndarray) -> np.ndarray:
    # Beyond 10 sd the kernel (< 2e-22) is set to 0: products of tinier values would be
    # subnormal numbers, which make the KDE's matrix product ~50× slower.
    return np.where(u * u < 100.0, np.exp(-0.5 * u * u), 0.0) / math.sqrt(2 * math.pi)


def normal_pdf(x: np.ndarray, mean: float, std: float) -> np.ndarray:
    """The normal density with the given mean and standard deviation."""
    return _gaussian((x - mean) / std) / std


# ----------------------------------------------------------------------------- spread across seeds


def t_quantile(p: float, df: int) -> float:
    """Student's t quantile: the t with P(T ≤ t) = p for ``df`` degrees of freedom.

    The density Γ((ν+1)/2) / (√(νπ) Γ(ν/2)) · (1 + x²/ν)^(−(ν+1)/2) is integrated by Simpson's
    rule and the CDF inverted by bisection (to about 1e-9; no scipy).
    """
    if not 0 < p < 1 or df < 1:
        raise GymlabError(f"t quantile needs 0 < p < 1 and df ≥ 1 (got p={p}, df={df})")
    if p < 0.5:
        return -t_quantile(1 - p, df)
    scale = math.exp(math.lgamma((df + 1) / 2) - math.lgamma(df / 2)) / math.sqrt(df * math.pi)

    def cdf(t: float) -> float:
        x = np.linspace(0.0, t, 4001)
        y = scale * (1 + x * x / df) ** (-(df + 1) / 2)
        h = t / 4000
        return 0.5 + h / 3 * float(y[0] + y[-1] + 4 * y[1:-1:2].sum() + 2 * y[2:-1:2].sum())

    lo, hi = 0.0, 1.0
    while cdf(hi) < p:
        lo, hi = hi, 2 * hi
    for _step in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if cdf(mid) < p else (lo, mid)
    return (lo + hi) / 2


@dataclass(frozen=True)
class Spread:
    """Mean, sample standard deviation (ddof = 1), a two-sided t-interval of the mean, and n."""

    mean: float
    std: float
    low: float
    high: float
    n: int
    confidence: float

    def describe(self, unit: str = "", digits: int = 2) -> str:
        """``7.53 ± 0.12 s (95 % CI 7.38–7.68, n = 5)``."""
        u = f" {unit}" if unit else ""
        if self.n < 2:
            return f"{self.mean:.{digits}f}{u} (n = {self.n}: no spread from one value)"
        return (
            f"{self.mean:.{digits}f} ± {self.std:.{digits}f}{u} ({100 * self.confidence:g} % CI "
            f"{self.low:.{digits}f}–{self.high:.{digits}f}, n = {self.n})"
        )


def mean_interval(values: Iterable[float], confidence: float = 0.95) -> Spread:
    """Spread of a few measurements (e.g. one per seed): mean ± t·s/√n, Student's t with n − 1 df."""
    x = np.asarray(list(values), dtype=float)
    if len(x) == 0 or not np.all(np.isfinite(x)):
        raise GymlabError("mean_interval needs at least one finite value")
    mean = float(x.mean())
    if len(x) < 2:
        return Spread(mean, math.nan, math.nan, math.nan, 1, confidence)
    std = float(x.std(ddof=1))
    half = t_quantile(0.5 + confidence / 2, len(x) - 1) * std / math.sqrt(len(x))
    return Spread(mean, std, mean - half, mean + half, len(x), confidence)
