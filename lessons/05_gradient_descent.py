"""Gradient descent and the learning rate: crawl, converge or diverge; local minima; momentum.

The idea: gradient descent steps downhill, x ← x − lr·∇f(x), and the learning rate decides
everything. On a bowl f(x) = a·x²/2 one step multiplies x by (1 − lr·a), so theory predicts
the regimes exactly: a tiny lr crawls, lr < 1/a slides straight in, 1/a < lr < 2/a zig-zags
in, and lr > 2/a overshoots further each step and diverges. On a landscape with several
valleys the starting point decides which valley — which *local minimum* — it ends in. In a
long narrow valley (ill-conditioned: curvatures 1 and 50) plain GD must keep lr small for the
steep direction and then crawls along the flat one; *momentum* builds up speed along it.

Watch for: the loss curves on a log scale (straight lines = steady convergence); the zig-zag
path of the large-but-stable lr; the four starts that end in four different valleys.

Try next: `gymlab demo gd -f rosenbrock --lr 0.001,0.002 -o gd,momentum,adam`, or raise the
learning rate of the regression in lesson 02's data until it diverges
(`gymlab demo regression --lr 2.5`).
"""

from gymlab.agents.optim import compare_starts, expected_regime, get_function, lr_sweep, lr_thresholds
from gymlab.experiments.lessons import lesson_arguments, punchline
from gymlab.experiments.plots.demos import plot_gd_losses, plot_gd_trajectories


def main() -> None:
    args = lesson_arguments(__doc__)  # everything here is deterministic: --seed has nothing to vary
    max_steps = 300 if args.quick else 1000

    bowl = get_function("quadratic")
    a = max(bowl.curvatures)
    limits = lr_thresholds(a)
    print(f"1. {bowl.name}: {bowl.description}")
    print(
        f"   theory (steepest curvature a = {a:g}): zig-zags for lr > {limits['oscillates_above']:g}, "
        f"diverges for lr > {limits['diverges_above']:g}"
    )
    sweep = lr_sweep(bowl, [0.001, 0.1, 0.9, 1.1], max_steps=max_steps)
    for run in sweep:
        print(
            f"   lr {run.lr:<6g} theory: {expected_regime(run.lr, a):<10} measured: {run.outcome:<9} "
            f"after {run.steps:>4} steps, loss {run.final_loss:.3g}"
        )
    plot_gd_losses(bowl, sweep, args.out / "learning-rates-loss.png")
    slow, _, zigzag, _ = sweep
    plot_gd_trajectories(  # the diverging run would leave the picture at once: drawn on the loss plot only
        bowl,
        sweep[:3],
        args.out / "learning-rates-paths.png",
        title=f"lr {zigzag.lr:g} zig-zags across the bowl; lr {slow.lr:g} is still on its way after {slow.steps} steps",
    )

    wells = get_function("four_wells")
    print(f"2. {wells.name}: {wells.description}")
    ends = compare_starts(wells, lr=0.05, max_steps=max_steps)
    for run, minimum in ends:
        kind = "the global minimum" if minimum == 0 else f"local minimum #{minimum}"
        print(f"   start {tuple(round(float(v), 2) for v in run.path[0])} → {kind}, f = {run.final_loss:.3f}")
    found = len({minimum for _, minimum in ends})
    plot_gd_trajectories(
        wells,
        [run for run, _ in ends],
        args.out / "local-minima.png",
        title=f"{wells.name}: {len(ends)} starts end in {found} different minima",
    )

    valley = get_function("ill_conditioned")
    print(f"3. {valley.name}: {valley.description}")
    race = lr_sweep(valley, [0.01], ["gd", "momentum"], max_steps=max_steps)
    for run in race:
        print(
            f"   {run.optimizer:<9} lr 0.01: {run.outcome} after {run.steps} steps, loss {run.final_loss:.3g}"
        )
    plot_gd_losses(valley, race, args.out / "momentum.png")
    print(
        f"   plots: {args.out}/learning-rates-loss.png, learning-rates-paths.png, local-minima.png, momentum.png"
    )

    crawl, good, _, blowup = sweep
    gd, momentum = race
    punchline(
        f"on {bowl.name} lr {crawl.lr:g} still had loss {crawl.final_loss:.2f} after {crawl.steps} steps, "
        f"lr {good.lr:g} converged in {good.steps}, lr {blowup.lr:g} (> 2/a = {limits['diverges_above']:g}) "
        f"diverged in {blowup.steps}; {len(ends)} starts found {found} different minima; "
        f"in the narrow valley momentum {momentum.outcome} in {momentum.steps} steps, "
        f"plain GD {'ran out of' if gd.outcome == 'max_steps' else gd.outcome + ' in'} {gd.steps}"
    )


if __name__ == "__main__":
    main()
