"""Descriptive statistics and the normal distribution: 25,000 heights and weights, described and drawn.

The idea: before modelling, describe. Count, mean, standard deviation and the quartiles say
where the data sits and how wide it spreads; a histogram with the normal curve of the same mean
and sd says whether "bell-shaped" is a fair summary. If it is, the 68–95 rule holds: about
68.3 % of values lie within one sd of the mean and 95.4 % within two. Two columns together
are described by their joint density (one tilted hill) and by the least-squares line through it.

The data: a seeded synthetic sample with exactly the published statistics of the seed's
`height-weight-25k.csv` (offline), or the real file with `--data height-weight-25k.csv`
(`gymlab demo regression --download` fetches it).

Watch for: the shares within 1 and 2 sd against 68.3 % and 95.4 %; the median next to the
mean (equal for a symmetric bell); the tilt of the hill and the slope of the line.

Try next: `gymlab demo describe` on a CSV of your own — are its columns normal? (Lesson 01's
basketball stats are not: they are a mixture of player types, the subject of lesson 06.)
"""

import numpy as np

from gymlab.agents.supervised import fit_closed_form, pearson_r
from gymlab.experiments.datasets import load_height_weight, synthetic_height_weight
from gymlab.experiments.lessons import lesson_arguments, one_line_errors, punchline
from gymlab.experiments.plots.demos import plot_histograms, plot_joint_density, plot_regression
from gymlab.experiments.stats import describe, format_describe


def main() -> None:
    args = lesson_arguments(__doc__, data="CSV with Height… and Weight… columns (e.g. height-weight-25k.csv)")
    if args.data is not None:
        with one_line_errors():
            height, weight = load_height_weight(args.data)
        source = str(args.data)
    else:
        n = 2_000 if args.quick else 25_000
        height, weight = synthetic_height_weight(n, seed=args.seed)
        source = f"synthetic sample with the seed's published statistics (seed {args.seed})"
    print(f"1. Describe {len(height):,} people ({source})")
    table = {"Height-Inches": height, "Weight-Pounds": weight}
    stats = describe(table)
    print(format_describe(stats))

    print("2. Is each column a bell? The 68–95 rule")
    shares = {}
    for name, values in table.items():
        z = np.abs(values - stats[name]["mean"]) / stats[name]["std"]  # distance from the mean in sd
        shares[name] = (float(np.mean(z <= 1)), float(np.mean(z <= 2)))
        gap = stats[name]["mean"] - stats[name]["50%"]
        print(
            f"   {name}: {100 * shares[name][0]:.1f} % within 1 sd, {100 * shares[name][1]:.1f} % within 2 sd "
            f"(normal: 68.3 %, 95.4 %); mean − median = {gap:+.3f}"
        )
    plot_histograms(table, stats, args.out / "histograms.png")

    print("3. Two columns at once: joint density and the regression line")
    r = pearson_r(height, weight)
    model = fit_closed_form(height, weight)
    print(f"   correlation r = {r:.3f}; weight ≈ {model.slope:.3f} · height {model.intercept:+.2f}")
    print(f"   r² = {r * r:.2f}: height accounts for {100 * r * r:.0f} % of the variance of weight")
    plot_joint_density(height, weight, r, args.out / "joint-density.png")
    plot_regression(height, weight, model, r, args.out / "regression.png")
    print(f"   plots: {args.out}/histograms.png, joint-density.png, regression.png")

    within_1, within_2 = shares["Height-Inches"]
    punchline(
        f"{100 * within_1:.1f} % of heights lie within 1 sd of the mean ({stats['Height-Inches']['mean']:.2f} ± "
        f"{stats['Height-Inches']['std']:.2f} in) and {100 * within_2:.1f} % within 2 sd — the normal curve "
        f"says 68.3 % and 95.4 %; each extra inch adds {model.slope:.2f} lb (r = {r:.2f})"
    )


if __name__ == "__main__":
    main()
