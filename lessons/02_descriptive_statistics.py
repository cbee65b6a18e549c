"""Descriptive statistics and the normal distribution: 25,000 heights and weights, described and drawn.

The idea: before modelling, describe. Count, mean, standard deviation and the quartiles say
where the data sits and how wide it spreads; a histogram with the normal curve of the same mean
and sd says whether "bell-shaped" is a fair summary. If it is, the 68–95 rule holds: about
68.3 % of values lie within one sd of the mean and 95.4 % within two. Two columns together
are described by their joint density (one tilted hill) and by the least-squares line through it.

The data: a seeded synthetic sample with exactly the published statistics of the seed's
`height-weight-25k.csv` (offline), or the real file with `--data height-weight-25k.csv`
(`gymlab demo regression --download` fetches it).

The book does this with pandas and seaborn: `df.describe()`, `sns.lmplot` (scatter with the
regression line) and `sns.jointplot(kind="kde")`. The lesson runs that listing's modern
equivalent first when pandas (and seaborn) are installed (`pip install -e '.[dev]'`), then
gymlab's numpy versions, and measures how far the two descriptions differ.

Watch for: the shares within 1 and 2 sd against 68.3 % and 95.4 %; the median next to the
mean (equal for a symmetric bell); the tilt of the hill and the slope of the line.

Try next: `gymlab demo describe` on a CSV of your own — are its columns normal? (Lesson 01's
basketball stats are not: they are a mixture of player types, the subject of lesson 06.)
"""

# %%
import importlib.util

import numpy as np

from gymlab.agents.supervised import fit_closed_form, pearson_r
from gymlab.experiments.datasets import load_height_weight, synthetic_height_weight
from gymlab.experiments.i18n import _
from gymlab.experiments.lessons import lesson_arguments, one_line_errors, punchline
from gymlab.experiments.plots.demos import plot_histograms, plot_joint_density, plot_regression
from gymlab.experiments.stats import STAT_NAMES, describe, format_describe

args = lesson_arguments(__doc__, data="CSV with Height… and Weight… columns (e.g. height-weight-25k.csv)")
if args.data is not None:
    with one_line_errors():
        height, weight = load_height_weight(args.data)
    source = str(args.data)
else:
    n = 2_000 if args.quick else 25_000
    height, weight = synthetic_height_weight(n, seed=args.seed)
    source = _("synthetic sample with the seed's published statistics (seed {seed})").format(seed=args.seed)
table = {"Height-Inches": height, "Weight-Pounds": weight}

# %% [markdown]
# ## 1. The book's listing: pandas `describe()`, seaborn `lmplot` and `jointplot`

# %%
have_pandas = importlib.util.find_spec("pandas") is not None
have_seaborn = importlib.util.find_spec("seaborn") is not None
book_difference = None
if have_pandas:
    import pandas as pd

    df = pd.DataFrame(table)  # the book: df = pd.read_csv("height-weight-25k.csv")
    print(_("1. The book's listing: df.describe() (pandas {version})").format(version=pd.__version__))
    book_stats = df.describe()
    print(book_stats.to_string())
    if have_seaborn:
        import seaborn as sns

        sns.lmplot(x="Height-Inches", y="Weight-Pounds", data=df).savefig(args.out / "book-lmplot.png")
        sns.jointplot(x="Height-Inches", y="Weight-Pounds", data=df, kind="kde").savefig(
            args.out / "book-jointplot.png"
        )
        print(_('   sns.lmplot and sns.jointplot(kind="kde"): book-lmplot.png, book-jointplot.png'))
    else:
        print(_("   (seaborn is not installed: gymlab draws the lmplot and the KDE jointplot below)"))
else:
    print(_("1. (pandas is not installed — pip install -e '.[dev]' — so the book's listing is skipped)"))

# %% [markdown]
# ## 2. gymlab's describe, from scratch, against the book's

# %%
print(_("2. Describe {n:,} people ({source}) with gymlab (numpy only)").format(n=len(height), source=source))
stats = describe(table)
print(format_describe(stats))
if have_pandas:
    book_difference = max(
        abs(float(book_stats.loc[stat, name]) - stats[name][stat]) / max(abs(stats[name][stat]), 1e-12)
        for name in table
        for stat in STAT_NAMES
    )
    print(_("   largest relative difference from pandas over all {cells} numbers: {diff:.1e}").format(
        cells=len(table) * len(STAT_NAMES), diff=book_difference))  # fmt: skip

# %% [markdown]
# ## 3. Is each column a bell? The 68–95 rule

# %%
print(_("3. Is each column a bell? The 68–95 rule"))
shares = {}
for name, values in table.items():
    z = np.abs(values - stats[name]["mean"]) / stats[name]["std"]  # distance from the mean in sd
    shares[name] = (float(np.mean(z <= 1)), float(np.mean(z <= 2)))
    gap = stats[name]["mean"] - stats[name]["50%"]
    print(_("   {name}: {one:.1f} % within 1 sd, {two:.1f} % within 2 sd (normal: 68.3 %, 95.4 %); "
            "mean − median = {gap:+.3f}").format(name=name, one=100 * shares[name][0], two=100 * shares[name][1], gap=gap))  # fmt: skip
plot_histograms(table, stats, args.out / "histograms.png")

# %% [markdown]
# ## 4. Two columns at once: joint density and the regression line

# %%
print(_("4. Two columns at once: joint density and the regression line"))
r = pearson_r(height, weight)
model = fit_closed_form(height, weight)
print(_("   correlation r = {r:.3f}; weight ≈ {slope:.3f} · height {intercept:+.2f}").format(
    r=r, slope=model.slope, intercept=model.intercept))  # fmt: skip
print(_("   r² = {r2:.2f}: height accounts for {share:.0f} % of the variance of weight").format(
    r2=r * r, share=100 * r * r))  # fmt: skip
plot_joint_density(height, weight, r, args.out / "joint-density.png")
plot_regression(height, weight, model, r, args.out / "regression.png")
print(_("   plots: {out}/histograms.png, joint-density.png, regression.png").format(out=args.out))

# %%
within_1, within_2 = shares["Height-Inches"]
punchline(
    _("{one:.1f} % of heights lie within 1 sd of the mean ({mean:.2f} ± {sd:.2f} in) and {two:.1f} % within 2 sd — "
      "the normal curve says 68.3 % and 95.4 %; each extra inch adds {slope:.2f} lb (r = {r:.2f})"),
    args.out,
    one=100 * within_1,
    two=100 * within_2,
    mean=stats["Height-Inches"]["mean"],
    sd=stats["Height-Inches"]["std"],
    slope=model.slope,
    r=r,
    pandas_difference=book_difference,
)  # fmt: skip
