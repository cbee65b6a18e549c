"""Shared fixtures: the CLI runner, the shared test data beside the repo, a quiet matplotlib."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ["_TYPER_FORCE_DISABLE_TERMINAL"] = "1"  # no colour codes in CliRunner output

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture
def shared_data() -> Path:
    """``../shared/data`` beside the repo (present in CI); tests that need it skip without it."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared test data not found at {SHARED_DATA} (it lies beside the repo in CI)")
    return SHARED_DATA


@pytest.fixture
def cli():
    """Run `gymlab ARGS…` in-process; returns click's Result (exit_code, stdout, stderr)."""
    from typer.testing import CliRunner

    from gymlab.experiments.cli import app

    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(app, [str(a) for a in args], input=input, catch_exceptions=False)

    return invoke
