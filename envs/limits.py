"""Upper bounds on sizes, checked before anything is allocated: one place, one error line each.

A small input — a number typed on the command line, a route file scaled by 10⁶ — must never
drive gymlab into the kernel's out-of-memory killer or a run of days. Every check says the
limit in its error line. The bounds are far above what a lesson or a comparison uses.
"""

from __future__ import annotations

import numbers
from typing import Any

from gymlab.envs.errors import GymlabError

LIMITS: dict[str, int] = {
    "seeds": 1_000,  # seeds per learned agent in a comparison
    "episodes": 100_000,  # evaluation episodes (trials) per run
    "trials": 100_000,
    "steps": 100_000_000,  # training steps per run: hours at this machine's rates
}

# Tracks: DeepRacer's routes are 17–70 m long, 10 m across, 100–400 rows.
TRACK_MAX_EXTENT = 300.0  # m, each side of the bounding box
TRACK_MAX_LENGTH = 300.0  # m of centre line: 6,000 dense points at 5 cm
TRACK_MIN_LENGTH = 1.0  # m
ROUTE_MAX_ROWS = 10_000  # rows of a .npy route file


def check_count(name: str, value: Any, limit: int, minimum: int = 1) -> int:
    """``value`` as an int in ``minimum``..``limit``, or a one-line error naming ``name`` and the bounds.

    Use it at the edge for counts that size work or memory (``--seeds``, ``--episodes``,
    ``--steps``, ``--trials``): ``check_count("--seeds", seeds, LIMITS["seeds"])``.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or value != int(value):
        raise GymlabError(f"{name} must be a whole number from {minimum:,} to {limit:,}, got {value!r}")
    value = int(value)
    if value < minimum:
        raise GymlabError(f"{name} must be at least {minimum:,}, got {value:,}")
    if value > limit:
        raise GymlabError(f"{name} must be at most {limit:,} (gymlab's limit), got {value:,}")
    return value
