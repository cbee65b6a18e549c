"""TSP instances from anywhere: random cities, coordinates, matrices, the book's CSV, TSPLIB files.

Every loader returns a :class:`TSPInstance`: a square matrix of travel distances (``distances[i, j]``
is the cost of going from city ``i`` to city ``j``; it may be asymmetric), optional coordinates for
drawing, optional city labels and an optional known optimal tour length.

TSPLIB conventions (Reinelt 1991, TSPLIB95 and its FAQ) are followed to the letter, because the
published optima only come out with them: ``nint(x) = int(x + 0.5)``; EUC_2D rounds, CEIL_2D
rounds up, ATT is a pseudo-Euclidean distance, GEO truncates the degrees and uses PI = 3.141592
and RRR = 6378.388.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from gymlab.envs.errors import GymlabError
from gymlab.envs.files import download, read_text

# --------------------------------------------------------------------------- the instance


@dataclass
class TSPInstance:
    """A travelling-salesperson instance: who is where and what each trip costs."""

    distances: np.ndarray
    name: str = "instance"
    coordinates: np.ndarray | None = None
    labels: list[str] | None = None
    optimal: float | None = None
    edge_weight_type: str = "MATRIX"
    comment: str = ""
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.distances = check_distances(self.distances, self.name)
        if self.coordinates is not None:
            self.coordinates = check_coordinates(self.coordinates, self.name)
            if len(self.coordinates) != self.n:
                raise GymlabError(
                    f"{self.name}: {len(self.coordinates)} coordinates for {self.n} cities; give one (x, y) per city"
                )
        if self.labels is not None and len(self.labels) != self.n:
            raise GymlabError(
                f"{self.name}: {len(self.labels)} labels for {self.n} cities; give one per city"
            )

    @property
    def n(self) -> int:
        """Number of cities."""
        return len(self.distances)

    @property
    def symmetric(self) -> bool:
        """True when every trip costs the same both ways."""
        return bool(np.array_equal(self.distances, self.distances.T))

    def length(self, tour, closed: bool = True) -> float:
        """Length of ``tour`` (city indices in visiting order); ``closed`` adds the leg back to the start."""
        return tour_length(self.distances, tour, closed)

    def label(self, city: int) -> str:
        """The name of ``city`` (its label, or its 0-based index)."""
        return self.labels[city] if self.labels else str(city)


def tour_length(distances: np.ndarray, tour, closed: bool = True) -> float:
    """Sum of the legs of ``tour``; a closed tour also pays the leg from the last city back to the first."""
    tour = np.asarray(tour, dtype=int)
    legs = distances[tour[:-1], tour[1:]].sum()
    if closed and len(tour) > 1:
        legs += distances[tour[-1], tour[0]]
    return float(legs)


def nearest_unvisited(distances: np.ndarray, city: int, visited: np.ndarray) -> int:
    """The unvisited city closest to ``city`` (the nearest-neighbour step; ties go to the lowest index)."""
    return int(np.where(visited, np.inf, distances[city]).argmin())


def check_distances(distances, name: str = "instance") -> np.ndarray:
    """A validated float64 ``(n, n)`` distance matrix with n ≥ 2, finite, non-negative, zero diagonal."""
    matrix = np.array(distances, dtype=float)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise GymlabError(f"{name}: the distance matrix must be square (n × n), got shape {matrix.shape}")
    if len(matrix) < 2:
        raise GymlabError(f"{name}: a tour needs at least 2 cities, got {len(matrix)}; add more cities")
    if not np.all(np.isfinite(matrix)):
        raise GymlabError(f"{name}: the distance matrix has NaN or infinite entries; give finite distances")
    if np.any(matrix < 0):
        raise GymlabError(f"{name}: the distance matrix has negative entries; distances must be ≥ 0")
    np.fill_diagonal(matrix, 0.0)
    return matrix


def check_coordinates(coordinates, name: str = "instance") -> np.ndarray:
    """A validated float64 ``(n, 2)`` array of finite coordinates with n ≥ 2."""
    points = np.array(coordinates, dtype=float)
    if points.ndim != 2 or points.shape[1] != 2:
        raise GymlabError(f"{name}: coordinates must have shape (n, 2), got {points.shape}")
    if len(points) < 2:
        raise GymlabError(f"{name}: a tour needs at least 2 cities, got {len(points)}; add more cities")
    if not np.all(np.isfinite(points)):
        bad = int(np.flatnonzero(~np.isfinite(points).all(axis=1))[0])
        raise GymlabError(f"{name}: city {bad} has a NaN or infinite coordinate; give finite numbers")
    return points


MAX_CITIES = 2000  # the dense n × n distance matrix: 32 MB at 2000 cities, 80 GB at 100,000


def check_city_count(n: int, source: str) -> int:
    """``n`` if a dense distance matrix of that size fits in memory, else a one-line error."""
    if n > MAX_CITIES:
        raise GymlabError(
            f"{source}: {n:,} cities is more than gymlab handles ({MAX_CITIES:,}: it keeps every distance "
            "in an n × n matrix); use fewer cities"
        )
    return n


def euclidean_matrix(points: np.ndarray) -> np.ndarray:
    """Straight-line distances between all pairs of points (no rounding)."""
    delta = points[:, None, :] - points[None, :, :]
    return np.sqrt((delta**2).sum(axis=-1))


def random_instance(n: int, seed: int | None = None, rng: np.random.Generator | None = None) -> TSPInstance:
    """``n`` cities drawn uniformly in the unit square, Euclidean distances (reproducible by ``seed``)."""
    if n < 2:
        raise GymlabError(f"a tour needs at least 2 cities, got {n}; use --random 2 or more")
    check_city_count(n, "--random")
    rng = rng if rng is not None else np.random.default_rng(seed)
    return from_coordinates(
        rng.random((n, 2)), name=f"random{n}" + (f"-seed{seed}" if seed is not None else "")
    )


def from_coordinates(coordinates, name: str = "coordinates") -> TSPInstance:
    """Cities at the given ``(x, y)`` points, Euclidean distances (no rounding)."""
    points = check_coordinates(coordinates, name)
    return TSPInstance(euclidean_matrix(points), name=name, coordinates=points, edge_weight_type="EUCLIDEAN")


def from_matrix(distances, name: str = "matrix", labels: list[str] | None = None) -> TSPInstance:
    """Cities known only by their distance matrix (may be asymmetric: row = from, column = to)."""
    return TSPInstance(distances, name=name, labels=labels)


# --------------------------------------------------------------------------- the book's edge-list CSV

CSV_COLUMNS = ("corp_start", "corp_end", "distance")


def load_edge_csv(path: str | Path) -> TSPInstance:
    """The book's routes: one row ``corp_start,corp_end,distance`` per directed trip.

    Asymmetry is kept as given: row ``A,B,d`` sets the cost of going from A to B. A pair listed in
    one direction only is taken to cost the same both ways; a pair listed in neither is an error.
    (The book's file lists both directions for all 105 pairs; two of them differ: AAPL→GOOG 14 vs
    GOOG→AAPL 11, AAPL→ORCL 26 vs ORCL→AAPL 22.)
    """
    path = Path(path)
    text = read_text(path, "give a CSV file with the header corp_start,corp_end,distance")
    with io.StringIO(text, newline="") as handle:
        reader = csv.DictReader(handle)
        header = [column.strip() for column in reader.fieldnames or []]
        missing = [column for column in CSV_COLUMNS if column not in header]
        if missing:
            raise GymlabError(
                f"{path.name}: missing CSV column(s) {', '.join(missing)}; "
                f"the header must be {','.join(CSV_COLUMNS)} (got {','.join(header) or 'nothing'})"
            )
        rows = [{key.strip(): (value or "").strip() for key, value in row.items() if key} for row in reader]
    labels: list[str] = []
    trips: dict[tuple[str, str], float] = {}
    first_line: dict[tuple[str, str], int] = {}
    for line, row in enumerate(rows, start=2):
        start, end = row["corp_start"], row["corp_end"]
        if not start or not end:
            raise GymlabError(f"{path.name} line {line}: empty corp_start or corp_end; name both ends")
        try:
            distance = float(row["distance"])
        except ValueError:
            raise GymlabError(
                f"{path.name} line {line}: distance {row['distance']!r} is not a number"
            ) from None
        if not math.isfinite(distance) or distance < 0:
            raise GymlabError(f"{path.name} line {line}: distance {distance} must be a finite number ≥ 0")
        for city in (start, end):
            if city not in labels:
                labels.append(city)
        if (start, end) in first_line:
            raise GymlabError(
                f"{path.name} line {line} repeats the trip {start}→{end} of line {first_line[(start, end)]}; "
                "list each direction once"
            )
        first_line[(start, end)] = line
        if start != end:
            trips[(start, end)] = distance
    index = {label: i for i, label in enumerate(labels)}
    matrix = np.full((len(labels), len(labels)), np.nan)
    np.fill_diagonal(matrix, 0.0)
    for (start, end), distance in trips.items():
        matrix[index[start], index[end]] = distance
    one_way = np.isnan(matrix) & ~np.isnan(matrix.T)
    matrix[one_way] = matrix.T[one_way]
    if np.isnan(matrix).any():
        i, j = np.argwhere(np.isnan(matrix))[0]
        raise GymlabError(
            f"{path.name}: no distance between {labels[i]} and {labels[j]}; add a row for that pair"
        )
    return TSPInstance(matrix, name=path.stem, labels=labels, edge_weight_type="CSV")


# --------------------------------------------------------------------------- TSPLIB distances


def nint(x: np.ndarray) -> np.ndarray:
    """TSPLIB's rounding to the nearest integer: ``(int)(x + 0.5)`` (not numpy's round-half-to-even)."""
    return np.floor(x + 0.5)


def euc_2d(points: np.ndarray) -> np.ndarray:
    """EUC_2D: Euclidean distance rounded to the nearest integer."""
    return nint(euclidean_matrix(points))


def ceil_2d(points: np.ndarray) -> np.ndarray:
    """CEIL_2D: Euclidean distance rounded up."""
    return np.ceil(euclidean_matrix(points))


def att(points: np.ndarray) -> np.ndarray:
    """ATT pseudo-Euclidean: r = √((dx²+dy²)/10), t = nint(r), d = t+1 if t < r else t."""
    r = euclidean_matrix(points) / math.sqrt(10.0)
    t = nint(r)
    return np.where(t < r, t + 1, t)


GEO_PI = 3.141592  # TSPLIB's own value, not math.pi
GEO_RADIUS = 6378.388  # RRR, the idealised earth radius in km


def geo_radians(values: np.ndarray) -> np.ndarray:
    """TSPLIB's DDD.MM (degrees.minutes) to radians: degrees truncated, minutes = the rest."""
    degrees = np.trunc(values)
    minutes = values - degrees
    return GEO_PI * (degrees + 5.0 * minutes / 3.0) / 180.0


def geo(points: np.ndarray) -> np.ndarray:
    """GEO: great-circle distance in km, (int)(RRR·acos(½((1+q1)q2 − (1−q1)q3)) + 1)."""
    latitude, longitude = geo_radians(points[:, 0]), geo_radians(points[:, 1])
    q1 = np.cos(longitude[:, None] - longitude[None, :])
    q2 = np.cos(latitude[:, None] - latitude[None, :])
    q3 = np.cos(latitude[:, None] + latitude[None, :])
    cosine = np.clip(0.5 * ((1.0 + q1) * q2 - (1.0 - q1) * q3), -1.0, 1.0)
    distances = np.trunc(GEO_RADIUS * np.arccos(cosine) + 1.0)
    np.fill_diagonal(distances, 0.0)  # TSPLIB never asks d(i, i); the formula would give 1
    return distances


def man_2d(points: np.ndarray) -> np.ndarray:
    """MAN_2D: Manhattan distance rounded to the nearest integer."""
    return nint(np.abs(points[:, None, :] - points[None, :, :]).sum(axis=-1))


def max_2d(points: np.ndarray) -> np.ndarray:
    """MAX_2D: the larger of the rounded |dx| and |dy|."""
    return nint(np.abs(points[:, None, :] - points[None, :, :])).max(axis=-1)


DISTANCE_FUNCTIONS = {
    "EUC_2D": euc_2d,
    "CEIL_2D": ceil_2d,
    "ATT": att,
    "GEO": geo,
    "MAN_2D": man_2d,
    "MAX_2D": max_2d,
}
EDGE_WEIGHT_TYPES = (*DISTANCE_FUNCTIONS, "EXPLICIT")


def explicit_matrix(values: list[float], n: int, layout: str) -> np.ndarray:
    """Rebuild the full matrix from an EDGE_WEIGHT_SECTION read as one flat list of numbers.

    ``*_ROW`` formats list one triangle row by row; a ``*_COL`` format lists the other triangle
    column by column, which for a symmetric matrix is the same sequence (UPPER_COL = LOWER_ROW).
    """
    same_as = {"UPPER_COL": "LOWER_ROW", "LOWER_COL": "UPPER_ROW"}
    same_as |= {"UPPER_DIAG_COL": "LOWER_DIAG_ROW", "LOWER_DIAG_COL": "UPPER_DIAG_ROW"}
    layout = same_as.get(layout, layout)
    if layout == "FULL_MATRIX":
        return np.array(values, dtype=float).reshape(n, n)
    rows, cols = {
        "UPPER_ROW": np.triu_indices(n, 1),
        "LOWER_ROW": np.tril_indices(n, -1),
        "UPPER_DIAG_ROW": np.triu_indices(n),
        "LOWER_DIAG_ROW": np.tril_indices(n),
    }[layout]  # numpy lists each triangle row by row, the order TSPLIB uses
    matrix = np.zeros((n, n))
    matrix[rows, cols] = values
    matrix[cols, rows] = values
    return matrix


def explicit_count(n: int, layout: str) -> int:
    """How many numbers an EDGE_WEIGHT_SECTION of ``layout`` holds for ``n`` cities."""
    if layout == "FULL_MATRIX":
        return n * n
    return n * (n - 1) // 2 if "DIAG" not in layout else n * (n + 1) // 2


EXPLICIT_FORMATS = (
    "FULL_MATRIX",
    "UPPER_ROW",
    "LOWER_ROW",
    "UPPER_DIAG_ROW",
    "LOWER_DIAG_ROW",
    "UPPER_COL",
    "LOWER_COL",
    "UPPER_DIAG_COL",
    "LOWER_DIAG_COL",
)

# --------------------------------------------------------------------------- TSPLIB files

_SECTIONS = ("NODE_COORD_SECTION", "EDGE_WEIGHT_SECTION", "DISPLAY_DATA_SECTION", "FIXED_EDGES_SECTION")


def load_tsplib(path: str | Path, optimal: float | None = None) -> TSPInstance:
    """Read a TSPLIB ``.tsp`` (or ``.atsp``) file; the optimum comes from ``optimal`` or ``optimal.json``."""
    path = Path(path)
    text = path.read_text(encoding="utf-8", errors="replace")
    instance = parse_tsplib(text, source=path.name)
    instance.optimal = optimal if optimal is not None else read_optimal(path, instance.name)
    return instance


def parse_tsplib(text: str, source: str = "TSPLIB text") -> TSPInstance:
    """Parse the text of a TSPLIB file (header ``KEY : value`` lines, then data sections)."""
    header: dict[str, str] = {}
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        keyword = line.split(":")[0].strip().upper() if ":" in line else line.split()[0].upper()
        if keyword == "EOF":
            break
        if keyword in _SECTIONS or keyword.endswith("_SECTION"):
            current = sections.setdefault(keyword, [])
            continue
        if ":" in line and not _is_number(line.split()[0]):
            key, _, value = line.partition(":")
            header[key.strip().upper()] = value.strip()
            current = None
            continue
        if current is None:
            raise GymlabError(f"{source}: unexpected line {line[:40]!r}; is this a TSPLIB file?")
        current.extend(line.split())

    name = header.get("NAME", Path(source).stem) or Path(source).stem
    kind = header.get("TYPE", "TSP").split()[0].upper() if header.get("TYPE") else "TSP"
    if kind not in ("TSP", "ATSP"):
        raise GymlabError(
            f"{source}: TYPE {kind} is not a travelling-salesperson problem; give a TSP or ATSP file"
        )
    if "DIMENSION" not in header:
        raise GymlabError(f"{source}: no DIMENSION line; is this a complete TSPLIB file?")
    try:
        n = int(header["DIMENSION"])
    except ValueError:
        raise GymlabError(f"{source}: DIMENSION {header['DIMENSION']!r} is not a whole number") from None
    if n < 2:
        raise GymlabError(f"{source}: DIMENSION {n}: a tour needs at least 2 cities")
    check_city_count(n, source)
    weight_type = header.get("EDGE_WEIGHT_TYPE", "").upper()
    if weight_type not in EDGE_WEIGHT_TYPES:
        raise GymlabError(
            f"{source}: unknown EDGE_WEIGHT_TYPE {weight_type or '(none)'!r}; "
            f"gymlab supports {', '.join(EDGE_WEIGHT_TYPES)}"
        )

    coordinates = None
    if "NODE_COORD_SECTION" in sections:
        coordinates = _read_nodes(sections["NODE_COORD_SECTION"], n, source, "NODE_COORD_SECTION")
    display = None
    if "DISPLAY_DATA_SECTION" in sections:
        display = _read_nodes(sections["DISPLAY_DATA_SECTION"], n, source, "DISPLAY_DATA_SECTION")

    if weight_type == "EXPLICIT":
        layout = header.get("EDGE_WEIGHT_FORMAT", "").upper()
        if layout not in EXPLICIT_FORMATS:
            raise GymlabError(
                f"{source}: unknown EDGE_WEIGHT_FORMAT {layout or '(none)'!r}; "
                f"gymlab supports {', '.join(EXPLICIT_FORMATS)}"
            )
        if "EDGE_WEIGHT_SECTION" not in sections:
            raise GymlabError(
                f"{source}: EXPLICIT weights but no EDGE_WEIGHT_SECTION; the file is incomplete"
            )
        values = _numbers(sections["EDGE_WEIGHT_SECTION"], source, "EDGE_WEIGHT_SECTION")
        expected = explicit_count(n, layout)
        if len(values) != expected:
            raise GymlabError(
                f"{source}: EDGE_WEIGHT_SECTION has {len(values)} numbers, {layout} for {n} cities needs "
                f"{expected}; the file is truncated or malformed"
            )
        distances = explicit_matrix(values, n, layout)
    else:
        if coordinates is None:
            raise GymlabError(f"{source}: {weight_type} needs a NODE_COORD_SECTION; the file is incomplete")
        distances = DISTANCE_FUNCTIONS[weight_type](coordinates)

    if kind == "TSP" and not np.array_equal(distances, distances.T):
        raise GymlabError(f"{source}: TYPE TSP but the distances are not symmetric; use TYPE ATSP")
    drawing = display if display is not None else coordinates
    if drawing is not None and weight_type == "GEO" and display is None:
        drawing = drawing[:, ::-1]  # GEO gives (latitude, longitude): draw longitude across
    return TSPInstance(
        distances,
        name=name,
        coordinates=drawing,
        edge_weight_type=weight_type,
        comment=header.get("COMMENT", ""),
    )


def _is_number(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True


def _numbers(tokens: list[str], source: str, section: str) -> list[float]:
    try:
        values = [float(token) for token in tokens]
    except ValueError:
        bad = next(token for token in tokens if not _is_number(token))
        raise GymlabError(
            f"{source}: {section} has {bad!r}, which is not a number; the file is malformed"
        ) from None
    if not all(math.isfinite(value) for value in values):
        raise GymlabError(f"{source}: {section} has a NaN or infinite number; give finite numbers")
    return values


def _read_nodes(tokens: list[str], n: int, source: str, section: str) -> np.ndarray:
    """``id x y`` triples (TWOD_COORDS) → an ``(n, 2)`` array ordered by node id 1..n."""
    values = _numbers(tokens, source, section)
    if len(values) != 3 * n:
        found = len(values) / 3
        raise GymlabError(
            f"{source}: {section} has {found:g} nodes of 'id x y', DIMENSION says {n}; "
            "the file is truncated or malformed"
        )
    table = np.array(values).reshape(n, 3)
    ids = table[:, 0].astype(int)
    if sorted(ids) != list(range(1, n + 1)):
        raise GymlabError(f"{source}: {section} node ids must be 1..{n}, each once; the file is malformed")
    points = np.empty((n, 2))
    points[ids - 1] = table[:, 1:]
    return points


def read_optimal(path: str | Path, name: str) -> float | None:
    """The known optimal tour length of ``name`` from an ``optimal.json`` beside ``path``, if any."""
    table_path = Path(path).with_name("optimal.json")
    if not table_path.is_file():
        return None
    try:
        table = json.loads(read_text(table_path, "fix or remove it"))
    except json.JSONDecodeError as error:
        raise GymlabError(f"{table_path}: not valid JSON ({error.msg}); fix or remove it") from None
    value = table.get(name, table.get(Path(path).stem)) if isinstance(table, dict) else None
    return float(value) if value is not None else None


# --------------------------------------------------------------------------- exact optimum

HELD_KARP_LIMIT = 20  # cities; the table holds 2^(n-1)·(n-1) lengths: 80 MB at 20, 10 GB at 27


def held_karp(
    distances: np.ndarray, closed: bool = True, start: int | None = None
) -> tuple[list[int], float]:
    """The optimal closed tour (or open path) and its length, exactly, for up to 20 cities.

    A closed tour is returned from ``start`` (default 0). An open path is the best closed tour
    through a free depot (:func:`open_path_matrix`), cut at the depot; it begins at ``start`` when
    given, else wherever the best path begins.
    """
    distances = check_distances(distances)
    n = len(distances)
    if n > HELD_KARP_LIMIT:
        raise GymlabError(
            f"the exact solver (Held–Karp) handles at most {HELD_KARP_LIMIT} cities, got {n}; "
            "use --solver two-opt for larger instances"
        )
    if closed:
        cycle, length = held_karp_cycle(distances)
        at = cycle.index(start or 0)
        return cycle[at:] + cycle[:at], length
    cycle, length = held_karp_cycle(open_path_matrix(distances, start))
    at = cycle.index(n)
    return cycle[at + 1 :] + cycle[:at], length


def held_karp_cycle(distances: np.ndarray) -> tuple[list[int], float]:
    """Held–Karp dynamic programming, O(n²2ⁿ): the shortest closed tour from city 0, exactly.

    ``cost[S, k]`` is the shortest path that leaves city 0, visits exactly the cities in bit set
    ``S`` (cities 1..n-1 are bits 0..n-2) and ends at city ``k+1``. Sets are filled in order of
    size; for each end city the minimum over the previous city is one numpy reduction over all
    sets of that size at once. Works for asymmetric distances (row = from, column = to).
    Memory grows as 2ⁿ: call it through :func:`held_karp`, which enforces the size limit.
    """
    n = len(distances)
    m = n - 1
    sets = np.arange(1 << m)
    size = np.bitwise_count(sets)
    cost = np.full((1 << m, m), np.inf)
    parent = np.full((1 << m, m), -1, dtype=np.int8)
    cost[1 << np.arange(m), np.arange(m)] = distances[0, 1:]  # paths 0 → k
    between = distances[1:, 1:]  # between[j, k]: from city j+1 to city k+1
    for count in range(2, m + 1):
        same_size = sets[size == count]
        for k in range(m):
            ending_at_k = same_size[(same_size >> k) & 1 == 1]
            before = cost[ending_at_k ^ (1 << k)] + between[:, k]  # via each previous city j
            best = before.argmin(axis=1)
            cost[ending_at_k, k] = before[np.arange(len(best)), best]
            parent[ending_at_k, k] = best
    everyone = (1 << m) - 1
    closing = cost[everyone] + distances[1:, 0]
    last = int(closing.argmin())
    tour, visited = [], everyone
    while last >= 0:  # walk the parents back from the last city to the first
        tour.append(last + 1)
        visited, last = visited ^ (1 << last), int(parent[visited, last])
    return [0, *tour[::-1]], float(closing.min())


OPTIMAL_UP_TO = 16  # cities: Held–Karp takes about 10 ms at 16, so reports compute the optimum up to here


def known_optimum(
    instance: TSPInstance, closed: bool = True, start: int | None = None, up_to: int = OPTIMAL_UP_TO
) -> float | None:
    """The optimal length if it is known (a closed tour's published optimum) or cheap to compute
    (Held–Karp for at most ``up_to`` cities); otherwise None."""
    if closed and instance.optimal is not None:
        return float(instance.optimal)
    if instance.n <= min(up_to, HELD_KARP_LIMIT):
        return held_karp(instance.distances, closed, start)[1]
    return None


def gap(length: float, optimal: float | None) -> float | None:
    """How far above the optimum, as a fraction (0.05 = 5 % longer); None when the optimum is unknown."""
    if optimal is None or optimal <= 0:
        return None
    return round(length / optimal - 1.0, 12) + 0.0  # drop float round-off (and -0.0)


def open_path_matrix(distances: np.ndarray, start: int | None = None) -> np.ndarray:
    """An open path is a closed tour through one extra, free "depot" city (the last index).

    The depot costs 0 to reach and 0 to leave, so the best tour through it, cut at the depot, is the
    best open path. With ``start`` given, leaving the depot costs 0 only towards ``start`` (and a
    prohibitive amount towards any other city), so the path must begin there.
    """
    n = len(distances)
    extended = np.zeros((n + 1, n + 1))
    extended[:n, :n] = distances
    if start is not None:
        extended[n, :n] = distances.sum() + 1.0  # longer than any tour: never worth taking
        extended[n, start] = 0.0
    return extended


# --------------------------------------------------------------------------- any file


def load_instance(path: str | Path, optimal: float | None = None) -> TSPInstance:
    """Load a TSPLIB file (``.tsp``/``.atsp``) or an edge-list CSV (``.csv``) by its suffix."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(2, "No such file", str(path))
    suffix = path.suffix.lower()
    if suffix in (".tsp", ".atsp"):
        return load_tsplib(path, optimal)
    if suffix == ".csv":
        instance = load_edge_csv(path)
        instance.optimal = optimal
        return instance
    raise GymlabError(
        f"{path.name}: unknown file type {suffix or '(none)'}; give a TSPLIB .tsp file or a .csv"
    )


def display_coordinates(instance: TSPInstance) -> np.ndarray:
    """Points to draw the cities at: the instance's own, or a classical-MDS embedding of its distances."""
    if instance.coordinates is not None:
        return instance.coordinates
    symmetric = (instance.distances + instance.distances.T) / 2.0
    n = instance.n
    centering = np.eye(n) - np.ones((n, n)) / n
    gram = -0.5 * centering @ (symmetric**2) @ centering
    eigenvalues, eigenvectors = np.linalg.eigh(gram)  # ascending: the last two span the best plane
    top = eigenvalues[-2:][::-1].clip(min=0.0)
    return eigenvectors[:, -2:][:, ::-1] * np.sqrt(top)


# --------------------------------------------------------------------------- download

TSPLIB_URL = "http://comopt.ifi.uni-heidelberg.de/software/TSPLIB95/tsp/{name}.tsp.gz"


def fetch_tsplib(name: str, url: str = TSPLIB_URL, timeout: float = 30.0) -> str:
    """Download the text of TSPLIB instance ``name`` (e.g. ``berlin52``); checks that it parses.

    Saving it is the caller's job (``gymlab tsp download`` writes it atomically).
    """
    import gzip

    if not name or not name.replace("_", "").isalnum():
        raise GymlabError(f"TSPLIB instance name {name!r} must be letters and digits, e.g. berlin52")
    source = url.format(name=name)
    payload = download(source, name, "check the name and your connection, or pass a local .tsp file", timeout)
    text = gzip.decompress(payload).decode("utf-8") if payload[:2] == b"\x1f\x8b" else payload.decode("utf-8")
    parse_tsplib(text, source=f"{name}.tsp")  # refuse to hand back something we cannot read
    return text
