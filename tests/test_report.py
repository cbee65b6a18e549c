"""report.md: Markdown tables that render, and conclusions that say what the numbers show."""

from __future__ import annotations

import re

from gymlab.experiments.report import table

TRACK = "gymlab/TrackRacer-v2"


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


def test_conclusion_names_the_tie_break_and_phrases_counts_naturally():
    from gymlab.experiments.report import conclusion

    track = [
        track_group("pure_pursuit", "default"),
        track_group("ppo", "progress", seeds=3, steps=1000, mean_lap_time=6.3, mean_lap_time_std=0.03),
    ]
    first = conclusion(track, TRACK)[0]
    assert first.startswith("Best on lap completed, then lap time: **ppo · progress**")
    coins = [
        {"env": "gymlab/CoinChange-v0", "agent": "dp", "reward": "default", "seeds": 1, "steps": 0}
        | {"optimality_rate": 1.0, "mean_coins": 13.0},
    ]
    assert conclusion(coins, "gymlab/CoinChange-v0")[0] == (
        "Best on optimal payments: **dp** (100.0 %, 13 coins per payment)."
    )


def test_the_seed_spread_is_stated_relative_to_the_mean():
    from gymlab.experiments.report import conclusion

    group = track_group("ppo", "progress", seeds=3, steps=1000, mean_lap_time=17.8)
    group |= {"mean_lap_time_std": 0.0356, "mean_progress_std": 0.0}
    spread = conclusion([group], TRACK)[-1]
    assert (
        spread
        == "Across seeds, the largest spread is ppo · progress's lap time: 17.8 ± 0.0356 s (0.2 % of its mean)."
    )


def test_tsp_decision_time_is_shown_in_milliseconds():
    group = {"env": "gymlab/TSP-v0", "agent": "exact", "reward": "default", "seeds": 1, "steps": 0}
    lines = table(
        [group | {"mean_gap_percent": 0.0, "decision_seconds": 0.000601}], "gymlab/TSP-v0"
    ).splitlines()
    assert "decision time per instance (ms)" in columns(lines[0])
    assert columns(lines[2])[columns(lines[0]).index("decision time per instance (ms)")] == "0.601"
