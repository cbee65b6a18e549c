"""Helpers every plot uses. Figures are saved as PNG, never shown unless a caller asks."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt

from gymlab.experiments.io import atomic_write


def save_figure(fig: plt.Figure, path: str | Path, dpi: int = 120) -> Path:
    """Save ``fig`` as a PNG at ``path`` (atomically) and close it."""
    try:
        return atomic_write(path, lambda tmp: fig.savefig(tmp, dpi=dpi, bbox_inches="tight", format="png"))
    finally:
        plt.close(fig)
