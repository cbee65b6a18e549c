"""Provenance: every result records its config, its seed and the package versions."""

from __future__ import annotations

import datetime as _dt
import platform
from importlib import metadata
from typing import Any

TRACKED_PACKAGES = (
    "gymlab",
    "gymnasium",
    "stable-baselines3",
    "sb3-contrib",
    "torch",
    "numpy",
    "matplotlib",
    "typer",
)


def package_versions(packages: tuple[str, ...] = TRACKED_PACKAGES) -> dict[str, str | None]:
    """Installed version of each package (``None`` when it is not installed), plus Python's."""
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for name in packages:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def provenance(config: dict[str, Any], seed: int | None) -> dict[str, Any]:
    """The block every saved result carries: what was run, with which seed, on what."""
    return {
        "config": config,
        "seed": seed,
        "versions": package_versions(),
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": {"platform": platform.platform(), "processor": platform.machine()},
    }
