"""Gradient descent and the learning rate: crawl, converge, stall or diverge; local minima; momentum.

The idea: gradient descent steps downhill, x ← x − lr·∇f(x), and the learning rate decides
everything. On a bowl f(x) = a·x²/2 one step multiplies x by (1 − lr·a), so theory predicts
the regimes exactly: a tiny lr crawls, lr < 1/a slides straight in, 1/a < lr < 2/a zig-zags
in, and lr > 2/a overshoots further each step and diverges. On a landscape with several
valleys the starting point — and the learning rate — decide which valley, which *local
minimum*, it ends in. In a long narrow valley (ill-conditioned: curvatures 1 and 50) plain GD
must keep lr small for the steep direction and then crawls along the flat one; *momentum*
builds up speed along it.

The book tries learning rates in TensorFlow Playground and sees two things this lesson
measures: with a learning rate too high the loss stops falling and bounces at a level well above
the best (it stalls), and with one too low training settles in a local minimum it cannot leave.

Watch for: the loss curves on a log scale (straight lines = steady convergence); the zig-zag
path of the large-but-stable lr; the small lr that stops in the shallow valley while a larger
one reaches the deep one; the large lr that bounces between two losses forever.

Try next: `gymlab demo gd -f rosenbrock --lr 0.001,0.002 -o gd,momentum,adam`, or raise the
learning rate of the regression in lesson 02's data until it diverges
(`gymlab demo regression --lr 2.5`).
"""

# %%
import numpy as np

from gymlab.agents.optim import compare_starts, expected_regime, get_function, lr_sweep, lr_thresholds
from gymlab.experiments.i18n import _, plot_text
from gymlab.experiments.lessons import lesson_arguments, punchline
from gymlab.experiments.plots.demos import plot_gd_losses, plot_gd_trajectories

args = lesson_arguments(__doc__)  # everything here is deterministic: --seed has nothing to vary
max_steps = 300 if args.quick else 1000

# %% [markdown]
# ## 1. A bowl: theory predicts every regime

# %%
bowl = get_function("quadratic")
a = max(bowl.curvatures)
limits = lr_thresholds(a)
print(_("1. {name}: {description}").format(name=bowl.name, description=bowl.description))
print(_("   theory (steepest curvature a = {a:g}): zig-zags for lr > {zigzag:g}, diverges for lr > {diverge:g}")
      .format(a=a, zigzag=limits["oscillates_above"], diverge=limits["diverges_above"]))  # fmt: skip
sweep = lr_sweep(bowl, [0.001, 0.1, 0.9, 1.1], max_steps=max_steps)
for run in sweep:
    print(_("   lr {lr:<6g} theory: {theory:<10} measured: {outcome:<9} after {steps:>4} steps, loss {loss:.3g}")
          .format(lr=run.lr, theory=expected_regime(run.lr, a), outcome=run.outcome, steps=run.steps,
                  loss=run.final_loss))  # fmt: skip
crawl, good, zigzag, blowup = sweep
plot_gd_losses(bowl, sweep, args.out / "learning-rates-loss.png")
plot_gd_trajectories(
    bowl,
    sweep,
    args.out / "learning-rates-paths.png",
    title=plot_text("lr {zigzag:g} zig-zags across the bowl; lr {slow:g} is still on its way after {steps} "
                    "steps; lr {fast:g} leaves the picture").format(
        zigzag=zigzag.lr, slow=crawl.lr, steps=crawl.steps, fast=blowup.lr),
)  # fmt: skip

# %% [markdown]
# ## 2. The book's Playground observations: too low → a local minimum; too high → the loss stalls

# %%
well = get_function("double_well")
deep = min(well.f(np.array(m)) for m in well.minima)  # the global minimum's loss
print(_("2. {name}: {description}").format(name=well.name, description=well.description))
low_lr, fine_lr, high_lr = 0.05, 0.15, 0.25
too_low, right = lr_sweep(well, [low_lr, fine_lr], start=[1.8], max_steps=max_steps)
(too_high,) = lr_sweep(well, [high_lr], start=[-1.2], max_steps=max_steps)
low_min, right_min = well.nearest_minimum(too_low.final_x), well.nearest_minimum(right.final_x)
last = too_high.losses[-2:]
print(_("   from x = 1.8, lr {lr:g}: {outcome} in the {kind} valley, loss {loss:.3f}").format(
    lr=low_lr, outcome=too_low.outcome, kind=_("deep") if low_min == 0 else _("shallow"), loss=too_low.final_loss))  # fmt: skip
print(_("   from x = 1.8, lr {lr:g}: {outcome} in the {kind} valley, loss {loss:.3f} (the global minimum is {best:.3f})")
      .format(lr=fine_lr, outcome=right.outcome, kind=_("deep") if right_min == 0 else _("shallow"),
              loss=right.final_loss, best=deep))  # fmt: skip
print(_("   from x = −1.2, lr {lr:g}: after {steps} steps the loss still bounces between {a:.3f} and {b:.3f}, "
        "never reaching {best:.3f}").format(lr=high_lr, steps=too_high.steps, a=min(last), b=max(last), best=deep))  # fmt: skip
plot_gd_trajectories(
    well,
    [too_low, right, too_high],
    args.out / "playground.png",
    title=plot_text("Too low (lr {low:g}) stops in the shallow valley; lr {fine:g} reaches the deep one; "
                    "too high (lr {high:g}) bounces").format(low=low_lr, fine=fine_lr, high=high_lr),
    labels=[
        plot_text("lr {lr:g}: local minimum, f = {f:.3f}").format(lr=low_lr, f=too_low.final_loss),
        plot_text("lr {lr:g}: global minimum, f = {f:.3f}").format(lr=fine_lr, f=right.final_loss),
        plot_text("lr {lr:g}: bounces, f = {a:.3f} / {b:.3f}").format(lr=high_lr, a=min(last), b=max(last)),
    ],
)  # fmt: skip
plot_gd_losses(well, [too_low, right, too_high], args.out / "playground-loss.png")

# %% [markdown]
# ## 3. Four valleys: the start decides

# %%
wells = get_function("four_wells")
print(_("3. {name}: {description}").format(name=wells.name, description=wells.description))
ends = compare_starts(wells, lr=0.05, max_steps=max_steps)
labels = []
for run, minimum in ends:
    start = tuple(round(float(v), 2) for v in run.path[0])
    kind = _("the global minimum") if minimum == 0 else _("local minimum #{k}").format(k=minimum)
    print(_("   start {start} → {kind}, f = {f:.3f}").format(start=start, kind=kind, f=run.final_loss))
    labels.append(plot_text("start ({x:+.2f}, {y:+.2f}) → minimum #{k}, f = {f:.3f}").format(
        x=start[0], y=start[1], k=minimum, f=run.final_loss))  # fmt: skip
found = len({minimum for _run, minimum in ends})
plot_gd_trajectories(
    wells,
    [run for run, _minimum in ends],
    args.out / "local-minima.png",
    title=plot_text("{name}: {starts} starts end in {found} different minima").format(
        name=wells.name, starts=len(ends), found=found),
    labels=labels,
)  # fmt: skip

# %% [markdown]
# ## 4. A narrow valley: momentum

# %%
valley = get_function("ill_conditioned")
print(_("4. {name}: {description}").format(name=valley.name, description=valley.description))
race = lr_sweep(valley, [0.01], ["gd", "momentum"], max_steps=max_steps)
for run in race:
    print(_("   {optimizer:<9} lr 0.01: {outcome} after {steps} steps, loss {loss:.3g}").format(
        optimizer=run.optimizer, outcome=run.outcome, steps=run.steps, loss=run.final_loss))  # fmt: skip
plot_gd_losses(valley, race, args.out / "momentum.png")
print(_("   plots: {out}/learning-rates-loss.png, learning-rates-paths.png, playground.png, local-minima.png, "
        "momentum.png").format(out=args.out))  # fmt: skip

# %%
gd, momentum = race
said = {"converged": _("converged"), "max_steps": _("had not converged"), "diverged": _("diverged")}
punchline(
    _("on {bowl} lr {crawl_lr:g} still had loss {crawl_loss:.2f} after {crawl_steps} steps, lr {good_lr:g} "
      "converged in {good_steps}, lr {blowup_lr:g} (> 2/a = {limit:g}) diverged in {blowup_steps}; on the double "
      "well lr {low_lr:g} stopped in the shallow valley (f = {low_f:.3f}), lr {fine_lr:g} reached the deep one "
      "(f = {fine_f:.3f}) and lr {high_lr:g} stalled at f = {high_f:.3f}; {starts} starts found {found} minima; "
      "in the narrow valley momentum {momentum_outcome} in {momentum_steps} steps, plain GD {gd_outcome} after "
      "{gd_steps}"),
    args.out,
    bowl=bowl.name,
    crawl_lr=crawl.lr,
    crawl_loss=crawl.final_loss,
    crawl_steps=crawl.steps,
    good_lr=good.lr,
    good_steps=good.steps,
    blowup_lr=blowup.lr,
    limit=limits["diverges_above"],
    blowup_steps=blowup.steps,
    low_lr=low_lr,
    low_f=too_low.final_loss,
    fine_lr=fine_lr,
    fine_f=right.final_loss,
    high_lr=high_lr,
    high_f=float(max(last)),
    starts=len(ends),
    found=found,
    momentum_outcome=said[momentum.outcome],
    momentum_steps=momentum.steps,
    gd_outcome=said[gd.outcome],
    gd_steps=gd.steps,
    outcomes={"crawl": crawl.outcome, "good": good.outcome, "blowup": blowup.outcome,
              "too_low_minimum": low_min, "right_minimum": right_min, "too_high": too_high.outcome},
)  # fmt: skip
