"""Writing outputs so that an interrupted run never leaves a half-written file.

Every file is written to a temporary sibling and moved into place with ``os.replace``
(:func:`gymlab.envs.files.atomic_write`): a reader sees the old file or the whole new one.
"""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path
from typing import Any

from gymlab.envs.files import atomic_write


def write_text(path: str | Path, text: str) -> Path:
    """Atomically write a text file (UTF-8)."""
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_json(path: str | Path, data: Any) -> Path:
    """Atomically write ``data`` as indented JSON."""
    return write_text(path, json.dumps(data, indent=2, default=_jsonable) + "\n")


def _jsonable(value: Any) -> Any:
    """Make numpy scalars and arrays, paths and sets JSON-serialisable."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def to_json(data: Any) -> str:
    """One JSON document as a string, numpy-aware (used by every ``--json`` option)."""
    return json.dumps(data, default=_jsonable)


def default_out_dir(name: str, root: str | Path = "runs") -> Path:
    """``runs/<timestamp>-<name>/``: where a command writes when no ``--out`` is given."""
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path(root) / f"{stamp}-{name}"
