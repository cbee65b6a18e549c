"""The data-science workflow: ingest → explore → model → conclude, ending in a report a business reader can act on.

The idea: a model is only worth what the decision it informs is worth. The workflow starts from
a question ("a fitness app's users often skip their weight: can we pre-fill it from their
height, and how far off would we be?"), ingests the data and says what was dropped, explores it
(describe, histograms, the joint density), models it honestly — fitted on one part of the data
and judged on people it has never seen, against the simplest baseline (everyone weighs the
average) — and ends in a conclusion computed from the numbers, not written beforehand.

The output is `report.md` (Markdown with the plots beside it, written atomically) and
`results.json` with the measured numbers and their provenance.

Watch for: the rows dropped at ingest; the baseline — a model must beat "predict the mean"
to be worth anything; the share of unseen people predicted within ±10 lb, which is what the
business reader decides on.

Try next: `--data height-weight-25k.csv` (the seed's real data; `gymlab demo regression
--download` fetches it), or change the tolerance the app can live with and see the
recommendation change.
"""

# %%

import numpy as np

from gymlab.agents.supervised import fit_closed_form, pearson_r, prediction_errors, train_test_split
from gymlab.experiments.datasets import (
    load_height_weight,
    read_numeric_csv,
    synthetic_height_weight,
    write_height_weight_csv,
)
from gymlab.experiments.i18n import _
from gymlab.experiments.io import write_json, write_text
from gymlab.experiments.lessons import lesson_arguments, one_line_errors, punchline
from gymlab.experiments.plots.demos import (
    plot_histograms,
    plot_joint_density,
    plot_prediction_errors,
    plot_regression,
)
from gymlab.experiments.results import provenance
from gymlab.experiments.stats import describe

TOLERANCE = 10.0  # pounds: how far off a pre-filled weight may be before users find it useless
WORTH_IT = 0.10  # the model must cut the baseline's typical error by at least 10 % to be worth shipping


def _bell_shape(values: np.ndarray, column: dict[str, float]) -> str:
    """A measured phrase: how close the share within 1 and 2 sd is to the normal's 68.3 % and 95.4 %."""
    z = np.abs(values - column["mean"]) / column["std"]
    within_1, within_2 = float(np.mean(z <= 1)), float(np.mean(z <= 2))
    close = abs(within_1 - 0.683) <= 0.03 and abs(within_2 - 0.954) <= 0.02
    verdict = "close to a bell curve" if close else "not bell-shaped"
    return f"{verdict} ({within_1:.0%} within 1 sd, {within_2:.0%} within 2 sd; a bell has 68 %, 95 %)"


# %%
args = lesson_arguments(__doc__, data="CSV with Height… and Weight… columns (e.g. height-weight-25k.csv)")

# %%
# 1. Ingest ---------------------------------------------------------------------------
if args.data is not None:
    source = args.data
else:  # an export "as received": the synthetic sample with a few cells left empty
    n = 3_000 if args.quick else 25_000
    height, weight = synthetic_height_weight(n, seed=args.seed)
    rng = np.random.default_rng(args.seed)
    height[rng.random(n) < 0.004] = np.nan
    weight[rng.random(n) < 0.004] = np.nan
    source = write_height_weight_csv(args.out / "height-weight.csv", height, weight)
with one_line_errors():
    raw_rows = len(next(iter(read_numeric_csv(source).values())))
    height, weight = load_height_weight(source)
dropped = raw_rows - len(height)
print(_("1. Ingest {source}: {rows:,} rows, {dropped} dropped for a missing value, {kept:,} kept").format(
    source=source, rows=raw_rows, dropped=dropped, kept=len(height)))  # fmt: skip

# %%
# 2. Explore --------------------------------------------------------------------------
table = {"Height-Inches": height, "Weight-Pounds": weight}
stats = describe(table)
r = pearson_r(height, weight)
plot_histograms(table, stats, args.out / "histograms.png")
plot_joint_density(height, weight, r, args.out / "joint-density.png")
shapes = {name: _bell_shape(values, stats[name]) for name, values in table.items()}
print(_("2. Explore: height {hm:.1f} ± {hs:.1f} in, weight {wm:.1f} ± {ws:.1f} lb, r = {r:.2f}").format(
    hm=stats["Height-Inches"]["mean"], hs=stats["Height-Inches"]["std"], wm=stats["Weight-Pounds"]["mean"],
    ws=stats["Weight-Pounds"]["std"], r=r))  # fmt: skip

# %%
# 3. Model: fit on 80 %, judge on the 20 % the model has never seen ---------------------
train, test = train_test_split(len(height), test_share=0.2, seed=args.seed)
model = fit_closed_form(height[train], weight[train])
baseline = np.full(len(test), weight[train].mean())  # "everyone weighs the average"
predicted = model.predict(height[test])
ours = prediction_errors(weight[test], predicted, TOLERANCE)
naive = prediction_errors(weight[test], baseline, TOLERANCE)
gain = 1 - ours["rmse"] / naive["rmse"]
plot_regression(
    height[train], weight[train], model, pearson_r(height[train], weight[train]), args.out / "model.png"
)
plot_prediction_errors(
    {"height model": predicted - weight[test], "baseline (the average)": baseline - weight[test]},
    TOLERANCE,
    "lb",
    args.out / "errors.png",
)
print(_("3. Model on {train:,} people, judged on {test:,} unseen: typical error (RMSE) {ours:.1f} lb against "
        "the baseline's {naive:.1f} lb ({gain:.0%} better)").format(
    train=len(train), test=len(test), ours=ours["rmse"], naive=naive["rmse"], gain=gain))  # fmt: skip

# %%
# 4. Conclude -------------------------------------------------------------------------
ship = gain >= WORTH_IT
decision = (
    f"**Pre-fill the weight from the height, and let the user correct it.** Its typical "
    f"error is {gain:.0%} smaller than pre-filling the average, clearing the {WORTH_IT:.0%} bar."
    if ship
    else f"**Do not pre-fill from height.** Its typical error is only {gain:.0%} smaller "
    f"than pre-filling the average, below the {WORTH_IT:.0%} bar that would justify it."
)
report = f"""# Can we pre-fill a user's weight from their height?

*Generated by `lessons/08_data_science_workflow.py` (seed {args.seed}). Every number below is measured.*

## Answer

{decision}
Even so, **{1 - ours["within"]:.0%} of pre-filled weights will be more than {TOLERANCE:g} lb off**
({ours["within"]:.0%} within ±{TOLERANCE:g} lb, against {naive["within"]:.0%} for the average): height
explains only {r * r:.0%} of the differences in weight, so the field must stay editable.

## Data

- Source: `{source.name if source.parent == args.out else source}` — {raw_rows:,} rows; {dropped} dropped for a missing height or weight; {len(height):,} used.
- Height: mean {stats["Height-Inches"]["mean"]:.1f} in, sd {stats["Height-Inches"]["std"]:.2f} in,
  range {stats["Height-Inches"]["min"]:.1f}–{stats["Height-Inches"]["max"]:.1f} in.
- Weight: mean {stats["Weight-Pounds"]["mean"]:.1f} lb, sd {stats["Weight-Pounds"]["std"]:.2f} lb,
  range {stats["Weight-Pounds"]["min"]:.1f}–{stats["Weight-Pounds"]["max"]:.1f} lb.
- Shape ([histograms](histograms.png)): height {shapes["Height-Inches"]}; weight {shapes["Weight-Pounds"]}.
- Taller people are {"heavier" if r > 0 else "lighter"} on average: correlation r = {r:.2f} ([joint density](joint-density.png)).

![histograms](histograms.png)

## Model

A straight line fitted to {len(train):,} randomly chosen people (80 %) and tested on the other
{len(test):,}, whom it never saw: **weight ≈ {model.slope:.2f} × height {"+" if model.intercept >= 0 else "−"} {abs(model.intercept):.1f}** —
each extra inch adds {model.slope:.1f} lb on average ([the fit](model.png)).

| on the {len(test):,} unseen people | typical error (RMSE) | mean absolute error | within ±{TOLERANCE:g} lb |
|---|---:|---:|---:|
| pre-fill the average ({weight[train].mean():.1f} lb) | {naive["rmse"]:.1f} lb | {naive["mae"]:.1f} lb | {naive["within"]:.0%} |
| pre-fill from height | {ours["rmse"]:.1f} lb | {ours["mae"]:.1f} lb | {ours["within"]:.0%} |

![errors](errors.png)

## What to do next

- Ship the pre-fill only as an editable suggestion, and log how often users change it.
- Ask for one more cheap input (age, sex, or activity level) and measure whether the share within
  ±{TOLERANCE:g} lb rises above the {ours["within"]:.0%} that height alone reaches.
"""
write_text(args.out / "report.md", report)
results = {
    "rows": raw_rows,
    "dropped": dropped,
    "model": {"slope": model.slope, "intercept": model.intercept},
    "test": {"model": ours, "baseline": naive, "improvement": gain},
    "decision": "pre-fill" if ship else "do not pre-fill",
}
config = {"data": str(source), "tolerance_lb": TOLERANCE, "test_share": 0.2}
write_json(args.out / "results.json", results | {"provenance": provenance(config, args.seed)})
# %%
print(_("4. Conclude: {decision}; report: {out}/report.md").format(
    decision=_("pre-fill") if ship else _("do not pre-fill"), out=args.out))  # fmt: skip

# %%
punchline(
    _("judged on {test:,} unseen people, height cuts the typical weight error from {naive:.1f} lb (the average) "
      "to {ours:.1f} lb ({gain:.0%} better), and {within:.0%} of predictions land within ±{tolerance:g} lb — "
      "{verdict}"),
    args.out,
    test=len(test),
    naive=naive["rmse"],
    ours=ours["rmse"],
    gain=gain,
    within=ours["within"],
    tolerance=TOLERANCE,
    verdict=_("pre-fill it, editable") if ship else _("not worth pre-filling"),
    ship=ship,
)  # fmt: skip
