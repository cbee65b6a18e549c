"""Learning to route: random, MLP PPO, an attention model and 2-opt on the same 20-city tours.

The idea: lesson 4 planned tours with rules (greedy, 2-opt, Held–Karp). Can reinforcement
learning find a rule as good? MaskablePPO with a multilayer perceptron (MLP) sees a 20-city
instance as a flat list of numbers in a fixed order: city 7's coordinates are always inputs 14
and 15, so the network has to learn geometry separately for every slot, and a few tens of
thousands of steps leave it far behind lesson 4's greedy rule. An attention model (Kool, van
Hoof & Welling 2019, `gymlab.agents.attention_tsp`) reads the same cities as a *set*: one shared
embedding per city, self-attention between every pair of cities, and a pointer that scores each
unvisited city from the current one. Trained by reinforcement learning too — REINFORCE, a policy
gradient, with POMO's shared baseline — it passes the greedy rule within minutes. The goal and the
reward did not change, only what the learner can see: architecture is what lets RL see geometry.

Every agent plays the same evaluation tours (reset seeds 10,000 + i), and every gap is measured
against one reference: 2-opt + Or-opt with 50 double-bridge kicks (Held–Karp would prove the
optimum, but takes ≈ 1.5 s per 20-city instance).

Watch for: the training curve (route_learning.png) — the attention model's gap falling with
training time while MaskablePPO's barely moves; how much multi-start × 8 symmetries adds to the
same trained model at inference; the distance still left to 2-opt.

Try next: `python benchmarks/bench_tsp_attention.py` (10 minutes per seed, 3 seeds), then this
lesson with `--data runs/bench-tsp-attention/results.json`; `gymlab train tsp --algo attention
--env-arg n_cities=20` (its default budget is the benchmark's 10 minutes); `gymlab compare tsp`.
"""

# %%
import json

from gymlab.agents.attention_tsp import AttentionTSPAgent
from gymlab.envs.errors import GymlabError
from gymlab.experiments.evaluation import evaluate
from gymlab.experiments.i18n import _, plot_text
from gymlab.experiments.lessons import LESSONS_DIR, lesson_arguments, one_line_errors, punchline
from gymlab.experiments.plots.tsp import plot_route_learning
from gymlab.experiments.profiles.tsp import ENV_ID_20, REFERENCE_KICKS
from gymlab.experiments.runner import RunSpec, execute_run
from gymlab.experiments.store import load_curve

args = lesson_arguments(
    __doc__, data="the attention benchmark's results.json (benchmarks/bench_tsp_attention.py)"
)
EPISODES = 20 if args.quick else 100  # evaluation tours, the same for every agent
PPO_STEPS = 8_192 if args.quick else 50_000  # MaskablePPO environment steps (one step = one city)
INSTANCES = 4_096 if args.quick else 40_000  # the attention model's training instances (whole tours)


def read_benchmark() -> dict | None:
    """The full benchmark's numbers from its results.json (``--data``, or where the benchmark writes
    it), read before any training so a wrong file stops the lesson at once; None when absent."""
    path = args.data or LESSONS_DIR.parent / "runs" / "bench-tsp-attention" / "results.json"
    if not path.is_file():
        return None
    try:
        measured = json.loads(path.read_text(encoding="utf-8"))
        return {
            "minutes": measured["settings"]["minutes"],
            "seeds": measured["greedy"]["n"],
            "test": measured["settings"]["test"],
            "greedy": 100 * measured["greedy"]["mean"],
            "multi": 100 * measured["multistart"]["mean"],
        }
    except (ValueError, KeyError, TypeError):
        raise GymlabError(f"{path} is not a results.json of benchmarks/bench_tsp_attention.py") from None


with one_line_errors():
    bench = read_benchmark()


def run(agent: str, steps: int | None = None):
    """Train (a learner) or just play (a fixed agent) on the 20-city tours; the run folder is out/AGENT."""
    spec = RunSpec(env=ENV_ID_20, agent=agent, seed=args.seed, steps=steps, eval_episodes=EPISODES)
    return execute_run(spec, args.out / agent)


def gap(result) -> float:
    """A run's mean gap to the reference on the evaluation tours (%)."""
    return result.metrics["mean_gap_percent"]


print(_("1. {episodes} random 20-city tours, the same for every agent; each gap is measured against "
        "2-opt + Or-opt with {kicks} double-bridge kicks").format(episodes=EPISODES, kicks=REFERENCE_KICKS))  # fmt: skip

# %% [markdown]
# ## 2. The floor and the greedy rule
# A random unvisited city at each step, then lesson 4's nearest neighbour.

# %%
random_run, nearest_run = run("random"), run("nearest_neighbour")
print(_("2. Random tours: {random:.1f} % above the reference; nearest neighbour (greedy): {nn:.1f} %").format(
    random=gap(random_run), nn=gap(nearest_run)))  # fmt: skip

# %% [markdown]
# ## 3. RL with an MLP: MaskablePPO
# The observation is a flat vector (coordinates, visited mask, current and first city, plus the
# distances from the current city); the mask forbids a city already visited.

# %%
ppo_run = run("maskable_ppo", PPO_STEPS)
print(_("3. MaskablePPO (MLP), {steps:,} steps in {seconds:.0f} s of training: {gap:.1f} %").format(
    steps=PPO_STEPS, seconds=ppo_run.train_seconds, gap=gap(ppo_run)))  # fmt: skip

# %% [markdown]
# ## 4. RL with attention: the same kind of learning, another architecture
# REINFORCE with POMO's shared baseline on fresh random 20-city instances; evaluated greedily
# (one tour from the first city) during training, then with multi-start × 8 symmetries.

# %%
attention_run = run("attention_greedy", INSTANCES)
print(_("4. Attention model, {instances:,} training instances in {seconds:.0f} s of training:").format(
    instances=INSTANCES, seconds=attention_run.train_seconds))  # fmt: skip
attention_seconds = load_curve(attention_run.run_dir, "train_seconds")[1]
attention_gaps = load_curve(attention_run.run_dir, "mean_gap_percent")[1]
for seconds, value in zip(attention_seconds, attention_gaps, strict=True):
    print(_("   after {seconds:5.1f} s: {gap:.1f} % (greedy decoding)").format(seconds=seconds, gap=value))
multistart_agent = AttentionTSPAgent(attention_run.run_dir, "multistart")  # the trained model, reloaded
multistart = evaluate(attention_run.config, multistart_agent, EPISODES)["summary"]["mean_gap_percent"]
print(_("   the same model, every city as the first × 8 symmetries of the square: {gap:.2f} %").format(
    gap=multistart))  # fmt: skip

# %% [markdown]
# ## 5. The rule to catch: 2-opt
# Nearest neighbour improved by 2-opt and Or-opt moves with 20 kicks (lesson 4).

# %%
two_opt_run = run("two_opt")
print(_("5. 2-opt + Or-opt (20 kicks): {gap:.2f} %").format(gap=gap(two_opt_run)))

# %%
finals = {
    plot_text("random"): gap(random_run),
    plot_text("MaskablePPO (MLP)"): gap(ppo_run),
    plot_text("nearest neighbour"): gap(nearest_run),
    plot_text("attention, greedy"): gap(attention_run),
    plot_text("attention, multi-start × 8"): multistart,
    plot_text("2-opt + Or-opt"): gap(two_opt_run),
}
curves = {
    plot_text("MaskablePPO (MLP)"): (
        load_curve(ppo_run.run_dir, "train_seconds")[1],
        load_curve(ppo_run.run_dir, "mean_gap_percent")[1],
    ),
    plot_text("attention, greedy"): (attention_seconds, attention_gaps),
}
plot_route_learning(
    curves,
    finals,
    args.out / "route_learning.png",
    plot_text("Same RL, another architecture: attention reaches {greedy:.1f} % in {seconds:.0f} s, "
              "the MLP stays at {ppo:.0f} %").format(
        greedy=gap(attention_run), seconds=attention_run.train_seconds, ppo=gap(ppo_run)),
    (plot_text("training time (s, evaluations excluded)"), plot_text("gap to the reference (%, log scale)"),
     plot_text("final gap on the same tours (%, log scale)")),
)  # fmt: skip
print(_("   plot: {out}/route_learning.png").format(out=args.out))

# %% [markdown]
# ## 6. What the full budget reaches
# The benchmark trains 3 seeds for 10 minutes each and tests on 1,000 fixed tours; its
# `results.json` is read here when it is at hand (`--data`, or where the benchmark writes it).

# %%
if bench is not None:
    print(_("6. The full benchmark ({minutes:g} min of training per seed, n = {seeds} seeds, {test:,} tours): "
            "greedy {greedy:.2f} %, multi-start × 8 {multi:.2f} %").format(**bench))  # fmt: skip
else:
    print(_("6. No benchmark results at hand: `python benchmarks/bench_tsp_attention.py` trains 3 seeds for "
            "10 minutes each, then pass its results.json with --data"))  # fmt: skip

# %%
sees = gap(attention_run) < gap(ppo_run) and gap(attention_run) < gap(random_run)
verdict = (_("architecture is what lets RL see geometry") if sees
           else _("at this budget the attention model has not pulled ahead yet"))  # fmt: skip
punchline(
    _("{verdict}: on {episodes} random 20-city tours, random {random:.0f} %, MaskablePPO (MLP, {ppo_steps:,} "
      "steps) {ppo:.1f} %, nearest neighbour {nn:.1f} %, the attention model after {seconds:.0f} s of "
      "training {greedy:.1f} % greedy and {multi:.2f} % with multi-start × 8, 2-opt {two_opt:.2f} % "
      "above the reference"),
    args.out,
    verdict=verdict,
    sees=sees,
    episodes=EPISODES,
    random=gap(random_run),
    ppo_steps=PPO_STEPS,
    ppo=gap(ppo_run),
    nn=gap(nearest_run),
    instances=INSTANCES,
    seconds=attention_run.train_seconds,
    greedy=gap(attention_run),
    multi=multistart,
    two_opt=gap(two_opt_run),
    bench=bench,
)  # fmt: skip
