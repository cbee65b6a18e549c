"""report.md: Markdown tables that render, and conclusions that say what the numbers show."""

from __future__ import annotations

import re

from experiments.report import table

TRACK = "gymlab/TrackRacer-v0"


def track_group(agent: str, reward: str, seeds: int = 1, **metrics) -> dict:
    base = {"env": TRACK, "agent": agent, "reward": reward, "seeds": seeds, "steps": 0}
    return {**base, "mean_progress": 100.0, "mean_lap_time": 7.8, "zigzag_deg": 4.0, **metrics}


def columns(line: str) -> list[str]:
    """The cells of a Markdown table row: split on pipes that are not escaped."""
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip())[1:-1]]


def test_a_pipe_in_a_heading_or_cell_is_escaped_and_keeps_the_columns():
    groups = [track_group("pure_pursuit", "default"), track_group("ppo", "my|reward", seeds=3, steps=100)]
    lines = table(groups, TRACK).splitlines()
    widths = {len(columns(line)) for line in lines}
    assert len(widths) == 1, lines  # every row has as many columns as the header
    assert r"mean \|Δsteering\| (°/step)" in columns(lines[0])
    assert r"ppo · my\|reward" in [columns(line)[0] for line in lines[2:]]
