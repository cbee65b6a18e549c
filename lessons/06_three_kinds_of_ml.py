"""Three kinds of machine learning: supervised regression, unsupervised clustering, reinforcement learning.

The idea: machine learning comes in three kinds, told apart by what the learner is given.
*Supervised*: examples with the right answers (heights *and* weights) — learn the mapping, here
a regression line. *Unsupervised*: data without answers (basketball players' season stats) —
find structure, here k-means clusters; the machine finds groups, a domain expert names them
(scorer, playmaker, …). *Reinforcement*: no examples at all, only a reward for each action —
a Q-learning cashier pays amounts coin by coin, −1 per coin, and learns by trial and error to
use the fewest coins, where the greedy cashier of lesson 03 fails (coins 1, 3, 4 pay 6 as
4 + 1 + 1).

Watch for: the slope of the line; the silhouette choosing k and how well the clusters match the
hidden player types; how many trial steps Q-learning needs to beat greed everywhere.

Try next: `gymlab demo kmeans --k 3` (what merges?), `gymlab coins learn --coins 10,60,100
--max-amount 500`, and lesson 07, where the reward function teaches a racing car.
"""

import gymnasium as gym
import numpy as np

from gymlab import envs  # noqa: F401  (registers gymlab/CoinChange-v0)
from gymlab.agents.clustering import (
    adjusted_rand_index,
    elbow_curve,
    name_clusters,
    purity,
    silhouette_curve,
    standardize,
)
from gymlab.agents.coins import greedy_change, optimal_share, train_q_learning
from gymlab.agents.supervised import fit_closed_form, pearson_r
from gymlab.experiments.datasets import basketball_players, synthetic_height_weight, table_matrix
from gymlab.experiments.lessons import lesson_arguments, punchline
from gymlab.experiments.plots.coins import plot_coins_per_amount
from gymlab.experiments.plots.demos import plot_kmeans, plot_regression


def main() -> None:
    args = lesson_arguments(__doc__)

    n = 2_000 if args.quick else 25_000
    print(f"1. Supervised: learn weight from height, given {n:,} answered examples")
    height, weight = synthetic_height_weight(n, seed=args.seed)
    line = fit_closed_form(height, weight)
    r = pearson_r(height, weight)
    print(f"   weight ≈ {line.slope:.2f} · height {line.intercept:+.1f}  (r = {r:.2f})")
    plot_regression(height, weight, line, r, args.out / "supervised-regression.png")

    print("2. Unsupervised: group basketball players by their stats, with no labels given")
    table, truth, archetypes = basketball_players(200 if args.quick else 400, seed=args.seed)
    features, X = table_matrix(table)
    scaled = standardize(X)
    curve = elbow_curve(scaled, range(1, 9), n_init=5 if args.quick else 10, seed=args.seed)
    silhouettes = silhouette_curve(scaled, curve)
    chosen = curve[int(np.nanargmax(silhouettes))]
    names = name_clusters(truth, chosen.labels, archetypes)  # the domain expert's step
    match, ari = purity(truth, chosen.labels), adjusted_rand_index(truth, chosen.labels)
    print(f"   the silhouette is highest at k = {chosen.k} ({np.nanmax(silhouettes):.3f})")
    for j in range(chosen.k):
        members = X[chosen.labels == j]
        means = ", ".join(f"{f} {v:.1f}" for f, v in zip(features, members.mean(axis=0), strict=True))
        print(f"   cluster {j} ({len(members)} players) → named {names[j]!r}: {means}")
    print(f"   against the hidden player types: purity {match:.3f}, adjusted Rand index {ari:.3f}")
    plot_kmeans(curve, silhouettes, chosen, X, features, args.out / "unsupervised-clusters.png", names)

    top = 40 if args.quick else 100
    coins = (1, 3, 4)
    print(f"3. Reinforcement: a cashier learns to pay 1–{top} with coins {coins}, from reward −1 per coin")
    env = gym.make("gymlab/CoinChange-v0", coins=coins, min_amount=1, max_amount=top)
    run = train_q_learning(env, seed=args.seed)
    env.close()
    greedy = [greedy_change(coins, a).count for a in run.amounts]
    greedy_rate = optimal_share(greedy, run.optimal_counts)
    print(
        f"   after {run.steps:,} steps ({run.episodes:,} episodes, {run.seconds:.2f} s) Q-learning pays "
        f"{run.optimal_rate:.0%} of amounts with the fewest coins; greedy {greedy_rate:.0%}"
    )
    plot_coins_per_amount(
        coins,
        run.amounts,
        run.optimal_counts,
        greedy,
        run.learned_counts,
        args.out / "reinforcement-coins.png",
    )
    print(
        f"   plots: {args.out}/supervised-regression.png, unsupervised-clusters.png, reinforcement-coins.png"
    )

    punchline(
        f"supervised: +{line.slope:.2f} lb per inch (r = {r:.2f}); unsupervised: k = {chosen.k} clusters "
        f"match the hidden player types with purity {match:.2f}; reinforcement: after {run.steps:,} steps "
        f"Q-learning pays {run.optimal_rate:.0%} of amounts 1–{top} optimally, greedy {greedy_rate:.0%}"
    )


if __name__ == "__main__":
    main()
