"""Reading the logs: find a reward function's weakness in the car's trace, fix it, retrain from the clone.

The idea: DeepRacer racers spend more time reading logs than training. Every gymlab track run
writes `trace.csv`, one row per step (position, speed, steering, action, reward, progress …), and
`gymlab track analyze` turns it into the plots of the community's log-analysis notebooks. Here we
train PPO on AWS's `follow_center_line` example and read its trace: the reward pays the same for
every step near the centre line whatever the speed, so nothing in it asks the car to hurry, and
the action usage shows how often it picks the slowest action. We fix the reward (the same
centre-line marker, times the squared speed, so that a faster lap earns more in total), go on
training the same model from where it stopped (`gymlab train … --from RUN_DIR`, DeepRacer's
"clone model"), and measure again: did the slow steps go, and did the lap get faster? Not
always both at once — a clone inherits its habits, and a car that now drives faster can lose the
time again where it scrubs speed in the bends (the speed map shows where).

Watch for: the share of steps at the slowest speed before and after; the lap time; the action
usage plot (action_usage.png) and the speed map (speed_map.png) of both runs side by side.

Try next: `gymlab track analyze RUN_DIR --out DIR` on your own runs; `gymlab evaluate RUN_DIR
--gif lap.gif` to watch the lap; write your own reward and `gymlab train track --from RUN_DIR`.
"""

# %%
from pathlib import Path

from gymlab.experiments.analysis import analyze_run, run_track
from gymlab.experiments.i18n import _
from gymlab.experiments.lessons import lesson_arguments, punchline
from gymlab.experiments.plots.traces import plot_analysis
from gymlab.experiments.runner import train

args = lesson_arguments(__doc__)
STEPS = 16_384 if args.quick else 49_152  # PPO steps before, and again after the fix

FASTER = '''\
def reward_function(params):
    """follow_center_line's marker times (speed / 4)²: per lap, a faster lap near the centre earns more."""
    width, distance = params["track_width"], params["distance_from_center"]
    if distance <= 0.1 * width:
        marker = 1.0
    elif distance <= 0.25 * width:
        marker = 0.5
    elif distance <= 0.5 * width:
        marker = 0.1
    else:
        marker = 1e-3
    return float(marker * (params["speed"] / 4.0) ** 2)
'''


def slow_share(analysis: dict) -> float:
    """Share of the evaluation steps driven with the slowest action of the run's action set."""
    usage = analysis["action_usage"]
    slowest = min(action["speed"] for action in usage["actions"])
    picked = sum(
        usage["steps"][kind] * share
        for kind, shares in usage["share"].items()
        for action, share in zip(usage["actions"], shares, strict=True)
        if action["speed"] == slowest
    )
    return picked / max(sum(usage["steps"].values()), 1)


def lap_text(metrics: dict) -> str:
    if metrics["mean_lap_time"] is None:
        return _("no lap ({progress:.0f} % of it)").format(progress=metrics["mean_progress"])
    return _("a lap in {seconds:.2f} s").format(seconds=metrics["mean_lap_time"])


# %% [markdown]
# ## 1. Train on the AWS centre-line example and read its trace

# %%
print(
    _("PPO, {steps:,} steps on follow_center_line (settings: experiments/config/ppo.yml)").format(steps=STEPS)
)
before = train(
    "track", "ppo", steps=STEPS, seed=args.seed, reward="follow_center_line", out=args.out / "before"
)
analysis_before = analyze_run(before.run_dir)
share_before = slow_share(analysis_before)
print(_("   {lap}; {share:.0f} % of its steps at the slowest speed").format(
    lap=lap_text(before.metrics), share=100 * share_before))  # fmt: skip

# %% [markdown]
# ## 2. Fix the reward, and go on training the same model from where it stopped

# %%
faster = Path(args.out) / "faster.py"
faster.write_text(FASTER, encoding="utf-8")
after = train(
    "track", "ppo", steps=STEPS, seed=args.seed, reward=str(faster), out=args.out / "after", parent=before.run_dir
)  # fmt: skip
analysis_after = analyze_run(after.run_dir)
share_after = slow_share(analysis_after)
print(_("   after the fix, {steps:,} more steps from the clone: {lap}; {share:.0f} % at the slowest speed").format(
    steps=STEPS, lap=lap_text(after.metrics), share=100 * share_after))  # fmt: skip

if share_after > share_before - 0.05:
    print(_("   the clone barely changed: its policy had settled on the slow action and hardly explores any more; "
            "more steps, or training afresh on the fixed reward, is what changes it"))  # fmt: skip
elif (after.metrics["mean_lap_time"] or float("inf")) >= (before.metrics["mean_lap_time"] or float("inf")):
    print(_("   fewer slow steps, yet no faster lap: look at speed_map.png and best_lap.png for the bends "
            "where the faster car scrubs speed or runs wide"))  # fmt: skip

# %%
runs = ((analysis_before, before.run_dir), (analysis_after, after.run_dir))
pngs = plot_analysis([(analysis, run_track(run)[0]) for analysis, run in runs], args.out, None)
print(
    _("   plots: {names} in {out}").format(names=", ".join(Path(p).name for p in pngs.values()), out=args.out)
)

# %%
punchline(
    _("on follow_center_line PPO drove {before_share:.0f} % of its steps at the slowest speed ({before_lap}); "
      "with the speed in the reward and {steps:,} more steps from the clone, {after_share:.0f} % ({after_lap})"),
    args.out,
    before_share=100 * share_before,
    after_share=100 * share_after,
    before_lap=lap_text(before.metrics),
    after_lap=lap_text(after.metrics),
    steps=STEPS,
    before_seconds=before.metrics["mean_lap_time"],
    after_seconds=after.metrics["mean_lap_time"],
)  # fmt: skip
