"""Three kinds of machine learning: supervised regression, unsupervised clustering, reinforcement learning.

The idea: machine learning comes in three kinds, told apart by what the learner is given.
*Supervised*: examples with the right answers (heights *and* weights) — learn the mapping, here
a regression line. *Unsupervised*: data without answers (basketball players' season stats) —
find structure, here k-means clusters; the machine finds groups, and a person names them from
what sets each group's centre apart ("high points", "high assists, low blocks"). The players'
true types are hidden from k-means; we use them only afterwards, to check (purity). Distances
mix the features, so they must be on one scale first: unscaled, points (sd ≈ 7) drown blocks
(sd ≈ 0.8), and the groups come out worse. *Reinforcement*: no examples at all, only a reward for each action —
a Q-learning cashier pays amounts coin by coin, −1 per coin, and learns by trial and error to
use the fewest coins, where the greedy cashier of lesson 03 fails (coins 1, 3, 4 pay 6 as
4 + 1 + 1).

Watch for: the slope of the line; the silhouette choosing k; the names read off the centres;
the purity with and without scaling; how many trial steps Q-learning needs to beat greed.

Try next: `gymlab demo kmeans --k 3` (what merges?), `gymlab coins learn --coins 10,60,100
--max-amount 500`, and lesson 07, where the reward function teaches a racing car.
"""

# %%
import gymnasium as gym
import numpy as np

from gymlab import envs  # noqa: F401  (registers gymlab/CoinChange-v0)
from gymlab.agents.clustering import (
    adjusted_rand_index,
    cluster_profiles,
    elbow_curve,
    kmeans,
    majority_classes,
    profile_name,
    purity,
    silhouette_curve,
    standardize,
)
from gymlab.agents.coins import greedy_change, optimal_share, train_q_learning
from gymlab.agents.supervised import fit_closed_form, pearson_r
from gymlab.experiments.datasets import basketball_players, synthetic_height_weight, table_matrix
from gymlab.experiments.i18n import _
from gymlab.experiments.lessons import lesson_arguments, punchline
from gymlab.experiments.plots.coins import plot_coins_per_amount
from gymlab.experiments.plots.demos import plot_kmeans, plot_regression

args = lesson_arguments(__doc__)

# %% [markdown]
# ## 1. Supervised: examples with answers

# %%
n = 2_000 if args.quick else 25_000
print(_("1. Supervised: learn weight from height, given {n:,} answered examples").format(n=n))
height, weight = synthetic_height_weight(n, seed=args.seed)
line = fit_closed_form(height, weight)
r = pearson_r(height, weight)
print(_("   weight ≈ {slope:.2f} · height {intercept:+.1f}  (r = {r:.2f})").format(
    slope=line.slope, intercept=line.intercept, r=r))  # fmt: skip
plot_regression(height, weight, line, r, args.out / "supervised-regression.png")

# %% [markdown]
# ## 2. Unsupervised: groups without labels, named from their centres

# %%
print(_("2. Unsupervised: group basketball players by their stats, with no labels given"))
table, truth, archetypes = basketball_players(200 if args.quick else 400, seed=args.seed)
features, X = table_matrix(table)
scaled = standardize(X)
restarts = 5 if args.quick else 10
curve = elbow_curve(scaled, range(1, 9), n_init=restarts, seed=args.seed)
silhouettes = silhouette_curve(scaled, curve)
chosen = curve[int(np.nanargmax(silhouettes))]
print(
    _("   the silhouette is highest at k = {k} ({score:.3f})").format(
        k=chosen.k, score=np.nanmax(silhouettes)
    )
)
profiles = cluster_profiles(X, chosen.labels, features)
names = {
    j: profile_name(profile, high=_("high {feature}"), low=_("low {feature}"))
    for j, profile in profiles.items()
}
for j in range(chosen.k):
    members = X[chosen.labels == j]
    means = ", ".join(f"{f} {v:.1f}" for f, v in zip(features, members.mean(axis=0), strict=True))
    print(_("   cluster {j} ({size} players): {means} → what sets it apart: {name}").format(
        j=j, size=len(members), means=means, name=names[j]))  # fmt: skip

# %%
match, ari = purity(truth, chosen.labels), adjusted_rand_index(truth, chosen.labels)
majority = majority_classes(truth, chosen.labels, archetypes)
print(_("   check against the hidden player types (k-means never saw them): purity {purity:.3f}, "
        "adjusted Rand index {ari:.3f}").format(purity=match, ari=ari))  # fmt: skip
for j, (kind, share) in majority.items():
    print(_("      {name!r} is {share:.0%} {kind}").format(name=names[j], share=share, kind=kind))
plot_kmeans(curve, silhouettes, chosen, X, features, args.out / "unsupervised-clusters.png", names)

# %% [markdown]
# ## 3. Why scale first: the same k-means on raw numbers

# %%
raw = kmeans(X, chosen.k, n_init=restarts, seed=args.seed)
raw_purity, raw_ari = purity(truth, raw.labels), adjusted_rand_index(truth, raw.labels)
spreads = ", ".join(f"{f} {s:.2f}" for f, s in zip(features, X.std(axis=0), strict=True))
print(_("3. Without scaling (standard deviations: {spreads}) the largest feature dominates the distances:")
      .format(spreads=spreads))  # fmt: skip
print(_("   k = {k} on raw numbers: purity {raw:.3f} (scaled {scaled:.3f}), adjusted Rand index {raw_ari:.3f} "
        "(scaled {ari:.3f})").format(k=chosen.k, raw=raw_purity, scaled=match, raw_ari=raw_ari, ari=ari))  # fmt: skip

# %% [markdown]
# ## 4. Reinforcement: only a reward

# %%
top = 40 if args.quick else 100
coins = (1, 3, 4)
print(_("4. Reinforcement: a cashier learns to pay 1–{top} with coins {coins}, from reward −1 per coin").format(
    top=top, coins=", ".join(map(str, coins))))  # fmt: skip
env = gym.make("gymlab/CoinChange-v0", coins=coins, min_amount=1, max_amount=top)
run = train_q_learning(env, seed=args.seed)
env.close()
greedy = [greedy_change(coins, a).count for a in run.amounts]
greedy_rate = optimal_share(greedy, run.optimal_counts)
print(_("   after {steps:,} steps ({episodes:,} episodes, {seconds:.2f} s) Q-learning pays {rate:.0%} of amounts "
        "with the fewest coins; greedy {greedy:.0%}").format(
    steps=run.steps, episodes=run.episodes, seconds=run.seconds, rate=run.optimal_rate, greedy=greedy_rate))  # fmt: skip
plot_coins_per_amount(
    coins, run.amounts, run.optimal_counts, greedy, run.learned_counts, args.out / "reinforcement-coins.png"
)
print(_("   plots: {out}/supervised-regression.png, unsupervised-clusters.png, reinforcement-coins.png").format(
    out=args.out))  # fmt: skip

# %%
punchline(
    _("supervised: +{slope:.2f} lb per inch (r = {r:.2f}); unsupervised: k = {k} clusters, named from their "
      "centres ({names}), match the hidden player types with purity {purity:.2f} when scaled, {raw_purity:.2f} "
      "unscaled; reinforcement: after {steps:,} steps Q-learning pays {rate:.0%} of amounts 1–{top} optimally, "
      "greedy {greedy:.0%}"),
    args.out,
    slope=line.slope,
    r=r,
    k=chosen.k,
    names="; ".join(names[j] for j in range(chosen.k)),
    purity=match,
    raw_purity=raw_purity,
    steps=run.steps,
    rate=run.optimal_rate,
    top=top,
    greedy=greedy_rate,
    ari=ari,
    raw_ari=raw_ari,
)  # fmt: skip
