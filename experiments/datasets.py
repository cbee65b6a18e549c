"""Data for the learning demos: a forgiving CSV reader, the seed's height–weight data, and a
basketball-player data set generated from documented archetypes.

A *table* here is a plain ``dict[str, numpy.ndarray]``: column name → a float column
(missing cells are NaN). Only numeric columns are kept.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

from gymlab.envs.errors import GymlabError
from gymlab.envs.files import download
from gymlab.experiments.io import atomic_write

Table = dict[str, np.ndarray]

MISSING = {"", "na", "nan", "null", "none", "n/a"}

# ----------------------------------------------------------------------------- generic CSV


MAX_MAGNITUDE = 1e100  # larger values overflow when squared (variance, distances)


def read_numeric_csv(path: str | Path, delimiter: str = ",") -> Table:
    """Read the numeric columns of a CSV (header on the first line; ``delimiter="\\t"`` for a TSV).

    Copes with real-world quirks: a UTF-8 byte-order mark, Windows (CRLF) line endings, and an
    unnamed first column holding a row index (as ``pandas.DataFrame.to_csv`` writes) — which is
    dropped. A column is numeric when every non-missing cell parses as a number.
    """
    path = existing_file(path)
    text = path.read_bytes().decode("utf-8-sig", errors="replace")  # utf-8-sig strips a BOM
    rows = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) if row]
    if not rows:
        raise GymlabError(f"{path} is empty: give a CSV with a header line and data rows")
    header, body = [name.strip() for name in rows[0]], rows[1:]
    if not body:
        raise GymlabError(f"{path} has a header but no data rows: add rows below the header")
    for line_no, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise GymlabError(
                f"{path} line {line_no} has {len(row)} fields but the header has {len(header)}: "
                "make every row as long as the header"
            )
    table: Table = {}
    for j, name in enumerate(header):
        if j == 0 and name == "":
            continue  # an unnamed leading index column, as pandas writes it
        column = _parse_numbers([row[j] for row in body])
        if column is not None:
            huge = np.flatnonzero(~(np.abs(column) <= MAX_MAGNITUDE) & ~np.isnan(column))
            if len(huge):
                raise GymlabError(
                    f"{path} line {huge[0] + 2}, column {name or j + 1}: {body[huge[0]][j].strip()} is not a finite "
                    f"number below {MAX_MAGNITUDE:g}; fix the value (an empty cell counts as missing)"
                )
            table[name or f"column {j + 1}"] = column
    if not table:
        raise GymlabError(
            f"{path} has no numeric columns (columns: {', '.join(header)}): "
            "give a CSV with at least one column of numbers"
        )
    return table


def _parse_numbers(cells: list[str]) -> np.ndarray | None:
    """Cells → floats (missing → NaN); ``None`` if any cell is not a number."""
    values = []
    for cell in cells:
        cell = cell.strip()
        if cell.lower() in MISSING:
            values.append(np.nan)
            continue
        try:
            values.append(float(cell))
        except ValueError:
            return None
    return np.array(values, dtype=float)


def existing_file(path: str | Path) -> Path:
    """``path`` as a Path, or a one-line error if it is missing or not a file."""
    path = Path(path)
    if not path.exists():
        raise GymlabError(f"file not found: {path} (check the path)")
    if not path.is_file():
        raise GymlabError(f"{path} is not a file: give the path of a CSV file")
    return path


def write_csv(
    path: str | Path, table: Table, index: bool = False, decimals: int | None = None, delimiter: str = ","
) -> Path:
    """Write ``table`` as a CSV (atomically); ``index=True`` adds a leading ``Index`` column 1…n;
    ``delimiter="\\t"`` writes a TSV."""
    names = list(table)
    n = len(table[names[0]])
    lines = [delimiter.join((["Index"] if index else []) + names)]
    for i in range(n):
        cells = [_format(table[name][i], decimals) for name in names]
        lines.append(delimiter.join(([str(i + 1)] if index else []) + cells))
    text = "\n".join(lines) + "\n"
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def _format(value: float, decimals: int | None) -> str:
    if np.isnan(value):
        return ""
    return repr(float(value)) if decimals is None else f"{value:.{decimals}f}"


def table_matrix(table: Table) -> tuple[list[str], np.ndarray]:
    """Column names and the (rows × columns) matrix, keeping only rows without missing values."""
    names = list(table)
    X = np.column_stack([table[name] for name in names])
    return names, X[~np.isnan(X).any(axis=1)]


# ----------------------------------------------------------------------------- height–weight

HEIGHT_WEIGHT_URL = (
    "https://raw.githubusercontent.com/noahgift/regression-concepts/master/height-weight-25k.csv"
)
"""The seed's data set (from the *Practical MLOps* book's examples): Index, Height-Inches, Weight-Pounds."""

HEIGHT_WEIGHT_STATS = {
    "n": 25_000,
    "height_mean": 67.993,
    "height_sd": 1.902,
    "weight_mean": 127.079,
    "weight_sd": 11.661,
    "correlation": 0.503,
}
"""Published statistics of ``height-weight-25k.csv`` (heights in inches, weights in pounds)."""


def load_height_weight(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """Heights (in) and weights (lb) from a CSV with ``Height…`` and ``Weight…`` columns."""
    table = read_numeric_csv(path)
    height = _find_column(table, "height", path)
    weight = _find_column(table, "weight", path)
    keep = ~(np.isnan(height) | np.isnan(weight))
    return height[keep], weight[keep]


def _find_column(table: Table, prefix: str, path: str | Path) -> np.ndarray:
    for name, column in table.items():
        if name.lower().startswith(prefix):
            return column
    raise GymlabError(
        f"{path} has no numeric {prefix.title()} column (columns: {', '.join(table)}): "
        "expected e.g. Height-Inches and Weight-Pounds"
    )


def download_height_weight(dest: str | Path, url: str = HEIGHT_WEIGHT_URL, timeout: float = 30.0) -> Path:
    """Download the seed's CSV to ``dest`` (atomically) and check that it loads."""
    data = download(
        url, "the height-weight data", "check the network, or pass --data PATH to a local copy", timeout
    )
    dest = atomic_write(dest, lambda tmp: tmp.write_bytes(data))
    load_height_weight(dest)  # fail now, with a clear message, if it is not the expected data
    return dest


def synthetic_height_weight(n: int = 25_000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Heights (in) and weights (lb) drawn from a bivariate normal, seeded, then shifted and
    rescaled so that their sample mean, sd and correlation equal the published statistics."""
    if n < 3:
        raise GymlabError(f"need at least 3 rows of height–weight data (got n={n})")
    s = HEIGHT_WEIGHT_STATS
    z = np.random.default_rng(seed).standard_normal((n, 2))
    # Whiten: make the sample exactly mean 0, covariance I (Cholesky of its own covariance) …
    z -= z.mean(axis=0)
    z = z @ np.linalg.inv(np.linalg.cholesky(np.cov(z, rowvar=False))).T
    # … then colour it with the target correlation and scale it to the target sd and mean.
    r = s["correlation"]
    z = z @ np.linalg.cholesky(np.array([[1.0, r], [r, 1.0]])).T
    height = s["height_mean"] + s["height_sd"] * z[:, 0]
    weight = s["weight_mean"] + s["weight_sd"] * z[:, 1]
    return np.round(height, 5), np.round(weight, 4)  # the real file's precision


def write_height_weight_csv(path: str | Path, height: np.ndarray, weight: np.ndarray) -> Path:
    """Write heights and weights in the seed's layout: Index, Height-Inches, Weight-Pounds."""
    return write_csv(path, {"Height-Inches": height, "Weight-Pounds": weight}, index=True)


# ----------------------------------------------------------------------------- basketball players

PLAYER_FEATURES = ("points", "rebounds", "blocks", "assists")
"""Per-game season averages in the basketball data set."""

ARCHETYPES = {
    # name: (share of players, means, standard deviations) for points, rebounds, blocks, assists
    "scorer": (0.25, (22.0, 5.0, 0.4, 3.5), (4.0, 1.2, 0.2, 1.0)),
    "playmaker": (0.20, (13.0, 3.5, 0.2, 8.0), (3.0, 1.0, 0.15, 1.5)),
    "rim protector": (0.20, (10.0, 10.5, 2.2, 1.5), (3.0, 2.0, 0.5, 0.6)),
    "role player": (0.35, (5.5, 3.0, 0.4, 1.3), (2.0, 1.0, 0.2, 0.6)),
}
"""Documented player archetypes — a domain expert's names for the kinds of players:

- *scorer*: wings who take the shots (≈ 22 points a game);
- *playmaker*: point guards who create shots for others (≈ 8 assists);
- *rim protector*: centres who rebound and block (≈ 10 rebounds, 2 blocks);
- *role player*: bench players with modest numbers everywhere (the largest group).
"""


def basketball_players(n: int = 400, seed: int = 0) -> tuple[Table, np.ndarray, list[str]]:
    """Season per-game stats of ``n`` players, seeded: (table, hidden archetype of each row, names).

    Each player draws an archetype by its share, then each stat from a normal around the
    archetype's mean (clipped at 0, rounded to one decimal like a box score).
    """
    if n < 1:
        raise GymlabError(f"need at least 1 player (got n={n})")
    rng = np.random.default_rng(seed)
    names = list(ARCHETYPES)
    shares = np.array([ARCHETYPES[name][0] for name in names])
    labels = rng.choice(len(names), size=n, p=shares / shares.sum())
    means = np.array([ARCHETYPES[name][1] for name in names])[labels]
    sds = np.array([ARCHETYPES[name][2] for name in names])[labels]
    stats = np.round(np.clip(rng.normal(means, sds), 0.0, None), 1)
    table = {feature: stats[:, j] for j, feature in enumerate(PLAYER_FEATURES)}
    return table, labels, names
