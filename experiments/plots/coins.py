"""Coin-change plots: how many coins greedy, dynamic programming and Q-learning use per amount."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from gymlab.experiments.plots.common import save_figure


def _as_float(counts: Sequence[int | None]) -> np.ndarray:
    """Counts with None (could not pay) as NaN, so the line shows a gap there."""
    return np.array([np.nan if c is None else c for c in counts], dtype=float)


def _share_optimal(counts: Sequence[int | None], optimal: Sequence[int]) -> float:
    return float(np.mean([c == best for c, best in zip(counts, optimal, strict=True)]))


def plot_coins_per_amount(
    coins: Sequence[int],
    amounts: Sequence[int],
    optimal: Sequence[int],
    greedy: Sequence[int | None],
    learned: Sequence[int | None] | None,
    path: str | Path,
) -> Path:
    """Coins used per amount (greedy, optimal, learned) above the extra coins each pays over optimal.

    ``learned`` may be None: then only greedy and the optimum are drawn.
    """
    amounts = np.asarray(amounts)
    best, greedy_y = _as_float(optimal), _as_float(greedy)
    greedy_share = _share_optimal(greedy, optimal)

    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(9, 6.5), sharex=True, gridspec_kw={"height_ratios": [3, 2]}
    )
    top.plot(amounts, greedy_y, color="tab:red", lw=1.2, label="greedy (largest coin first)")
    top.plot(amounts, best, color="black", lw=2.2, label="optimal (dynamic programming)")
    if learned is not None:
        top.plot(
            amounts, _as_float(learned), "o", color="tab:blue", ms=3, label="learned (tabular Q-learning)"
        )
    top.set_ylabel("coins handed out")
    top.legend(loc="upper left")
    top.grid(alpha=0.3)

    width = 0.4 * (np.min(np.diff(amounts)) if len(amounts) > 1 else 1)
    bottom.bar(amounts - width / 2, greedy_y - best, width, color="tab:red", label="greedy")
    if learned is not None:
        bottom.bar(amounts + width / 2, _as_float(learned) - best, width, color="tab:blue", label="learned")
    unpaid = np.isnan(greedy_y)
    if unpaid.any():
        bottom.plot(amounts[unpaid], np.zeros(unpaid.sum()), "x", color="tab:red", label="greedy gets stuck")
    bottom.axhline(0, color="black", lw=0.8)
    bottom.set_xlabel("amount to pay (currency units)")
    bottom.set_ylabel("extra coins over optimal")
    bottom.yaxis.set_major_locator(MaxNLocator(integer=True))
    bottom.legend(loc="upper left")
    bottom.grid(alpha=0.3)

    coin_text = ", ".join(map(str, coins))
    if learned is None:
        finding = f"greedy pays {greedy_share:.0%} of them optimally"
    else:
        finding = (
            f"Q-learning pays {_share_optimal(learned, optimal):.0%} optimally, greedy {greedy_share:.0%}"
        )
    fig.suptitle(f"Coins {coin_text}, amounts {amounts.min()}–{amounts.max()}: {finding}")
    return save_figure(fig, path)
