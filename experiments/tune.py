"""Hyperparameter search with Optuna: TPE sampler, a median pruner that stops training, trials on
an executor.

Each trial is one run of the normal pipeline (:func:`~gymlab.experiments.training.execute_run`),
so it has a run folder, a learning curve and is reused when finished. The objective
(:func:`objective`) is the env profile's headline measure on the fixed evaluation episodes: on a
lap env the mean lap time from the start line when every evaluation lap finishes; elsewhere the
profile's main measure (optimal payments, gap to optimal).

Pruning acts during training: every periodic evaluation is reported to the study as the trial's
intermediate value, and Optuna's median pruner stops a trial whose value is worse than the
median of the finished trials at the same step (from a quarter of the budget on, once
:data:`PRUNE_AFTER` trials finished). A worker process or Ray task cannot hold a live
``optuna.Trial``, so it gets a :class:`TrialLink` — the study's storage (a JournalStorage file in
the tune folder, or the user's ``--storage`` database), the study's name and the trial's number —
and reports through the storage. A stopped run stores nothing and is told to the study as PRUNED.

Trials stream through the executor: a new trial is asked for only when a worker is free, after
the results so far were told, so TPE always samples from everything finished.
"""

from __future__ import annotations

import csv
import importlib.util
import inspect
import math
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from gymlab.envs.errors import GymlabError
from gymlab.experiments.environments import env_id
from gymlab.experiments.hyperparams import CONFIG_DIR
from gymlab.experiments.profiles import EnvProfile, profile_for
from gymlab.experiments.spec import RunSpec, is_algorithm, resolve, run_name
from gymlab.experiments.store import clean_abandoned, load_curve, load_result
from gymlab.experiments.training import PrunedRun

__all__ = [
    "NET_ARCH",
    "PRUNE_AFTER",
    "UNFINISHED_S",
    "TrialLink",
    "load_space",
    "objective",
    "search_params",
    "suggest",
    "tune",
]

NET_ARCH = {"tiny": [32], "small": [64, 64], "medium": [256, 256], "big": [400, 300]}  # rl-zoo3's sizes
ACTIVATIONS = {"tanh": "nn.Tanh", "relu": "nn.ReLU", "elu": "nn.ELU", "leaky_relu": "nn.LeakyReLU"}
LR_SCHEDULES = ("constant", "linear")  # lr_schedule: linear = rl-zoo3's lin_<learning_rate>, a decay to 0
# constructor arguments that are not hyperparameters to search
NOT_SEARCHED = ("self", "policy", "env", "verbose", "seed", "device", "_init_setup_model", "tensorboard_log")
UNFINISHED_S = 1000.0  # a lap env's trial with an unfinished evaluation lap: this + the % it missed
PRUNE_AFTER = 2  # finished trials before the median pruner may stop one
JOURNAL_FILE = "study.journal"  # the default study storage, in the tune folder


def search_params(algo: str, env: str) -> tuple[str, ...]:
    """The names a search space for ``algo`` may use: an SB3 algorithm's constructor arguments
    (rl-zoo3's names) plus ``net_arch`` and ``activation_fn`` (→ ``policy_kwargs``) and
    ``lr_schedule`` (constant or linear decay of ``learning_rate``); an env learner's own
    settings (``q_learning``: alpha, gamma, epsilon)."""
    if not is_algorithm(algo):
        return profile_for(env_id(env)).recipe(algo).params
    from gymlab.agents.rl import algorithm

    arguments = inspect.signature(algorithm(algo).cls.__init__).parameters
    names = [name for name in arguments if name not in NOT_SEARCHED and name != "policy_kwargs"]
    return (*names, "net_arch", "activation_fn", "lr_schedule")


def load_space(algo: str, env: str, path: str | Path | None = None) -> dict[str, dict[str, Any]]:
    """The search space (``experiments/config/search/<algo>.yml`` by default), checked: each
    parameter is one the algorithm takes and is a range ``{low, high[, log]}`` or ``{choices}``."""
    path = Path(path) if path is not None else CONFIG_DIR / "search" / f"{algo}.yml"
    if not path.is_file():
        raise GymlabError(
            f"no search space {path}; write one (see experiments/config/search/ppo.yml) and pass --space"
        )
    space = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(space, dict):
        raise GymlabError(f"{path} must map parameter names to {{low, high}} or {{choices: [...]}}")
    known = search_params(algo, env)
    for name, entry in space.items():
        if name not in known:
            raise GymlabError(
                f"unknown search parameter {name!r} in {path} for {algo}; choose from: {', '.join(known) or 'none'}"
            )
        if not isinstance(entry, dict) or not ({"low", "high"} <= set(entry) or "choices" in entry):
            raise GymlabError(
                f"search parameter {name!r} in {path} needs {{low, high}} or {{choices: [...]}}"
            )
        names = {"net_arch": NET_ARCH, "activation_fn": ACTIVATIONS, "lr_schedule": LR_SCHEDULES}.get(name)
        if names is not None and not set(entry.get("choices", [None])) <= set(names):
            raise GymlabError(f"search parameter {name!r} in {path} takes choices among: {', '.join(names)}")
    if "lr_schedule" in space and "learning_rate" not in space:
        raise GymlabError(f"lr_schedule in {path} schedules learning_rate: search learning_rate too")
    return space


def suggest(trial, space: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """One trial's settings from ``space``, as --set would give them (net_arch, activation_fn →
    policy_kwargs; lr_schedule linear → ``learning_rate: lin_<x>``)."""
    settings: dict[str, Any] = {}
    for name, entry in space.items():
        if "choices" in entry:
            value = trial.suggest_categorical(name, list(entry["choices"]))
        elif all(isinstance(entry[k], int) for k in ("low", "high")):
            value = trial.suggest_int(name, entry["low"], entry["high"], log=bool(entry.get("log")))
        else:
            value = trial.suggest_float(
                name, float(entry["low"]), float(entry["high"]), log=bool(entry.get("log"))
            )
        if name == "net_arch":
            settings.setdefault("policy_kwargs", {})["net_arch"] = NET_ARCH[value]
        elif name == "activation_fn":
            settings.setdefault("policy_kwargs", {})["activation_fn"] = ACTIVATIONS[value]
        else:
            settings[name] = value
    if settings.pop("lr_schedule", "constant") == "linear":
        settings["learning_rate"] = f"lin_{settings['learning_rate']}"
    return settings


def objective(profile: EnvProfile, summary: dict[str, Any]) -> float | None:
    """The number a trial is scored by, from an evaluation's summary (None: none measured).

    A lap env: the mean lap time from the start line (s, lower is better) when every evaluation
    lap finished; otherwise :data:`UNFINISHED_S` plus the lap share missed (%), so any set of
    finished laps ranks first and unfinished ones rank by how far they got. Other envs: the
    profile's main measure."""
    if profile.laps:
        lap = summary.get("mean_lap_time")
        if summary.get("completion_rate") == 1 and _finite(lap):
            return float(lap)
        return UNFINISHED_S + (100.0 - float(summary.get("mean_progress", 0.0)))
    value = summary.get(profile.main.key)
    return float(value) if _finite(value) else None


def objective_keys(profile: EnvProfile) -> tuple[str, ...]:
    """The summary numbers :func:`objective` reads."""
    return ("mean_lap_time", "completion_rate", "mean_progress") if profile.laps else (profile.main.key,)


def objective_label(profile: EnvProfile) -> tuple[str, str, str]:
    """(key, label, better) of the objective."""
    if profile.laps:
        return "lap_time_s", "lap time from the start line (s)", "lower"
    return profile.main.key, profile.main.label, profile.main.better or ""


def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and math.isfinite(value)


def open_storage(url: str | None, journal: str | None):
    """The study's storage: an RDB URL (``--storage``), else a JournalStorage file (safe for
    several processes: each write appends under a file lock)."""
    import optuna

    if url is not None:
        return url
    from optuna.storages.journal import JournalFileBackend

    return optuna.storages.JournalStorage(JournalFileBackend(journal))


@dataclass
class TrialLink:
    """A trial, as a worker can hold it: where the study is stored, its name, the trial's number
    and the pruner. :meth:`should_stop` reports an evaluation and asks the pruner (a
    :class:`~gymlab.experiments.training.Stopper`)."""

    storage: str | None
    journal: str | None
    study_name: str
    number: int
    env: str
    pruner: Any
    grid: int  # the nominal steps between evaluations: reports land on its multiples
    _trial: Any = field(default=None, repr=False, compare=False)

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_trial": None}  # the live trial stays in its process

    def trial(self):
        """The live ``optuna.Trial`` in this process (loaded from the storage once)."""
        if self._trial is None:
            import optuna

            storage = optuna.storages.get_storage(open_storage(self.storage, self.journal))
            study = optuna.load_study(study_name=self.study_name, storage=storage, pruner=self.pruner)
            study_id = storage.get_study_id_from_name(self.study_name)
            trial_id = storage.get_trial_id_from_study_id_trial_number(study_id, self.number)
            self._trial = optuna.trial.Trial(study, trial_id)
        return self._trial

    def should_stop(self, steps: int, summary: dict[str, Any]) -> bool:
        value = objective(profile_for(self.env), summary)
        if value is None:
            return False
        trial = self.trial()
        trial.report(value, grid_step(steps, self.grid))
        return bool(trial.should_prune())


def grid_step(steps: int, grid: int) -> int:
    """An evaluation's step on the nominal grid (budget ÷ evaluations): on-policy learners
    collect whole rollouts, so trials with other ``n_steps`` evaluate a few steps apart (40,040
    vs 40,144), and the median pruner compares trials only at equal steps."""
    return max(1, round(int(steps) / grid)) * grid


def tune(
    env: str,
    algo: str,
    trials: int,
    executor=None,
    storage: str | None = None,
    out: str | Path = "runs/tune",
    seed: int = 0,
    steps: int | None = None,
    space_file: str | Path | None = None,
    enqueue: list[dict[str, Any]] | None = None,
    timeout: float | None = None,
) -> dict[str, Any]:
    """Search ``algo``'s settings on ``env`` for ``trials`` more trials; write best.yml (rl-zoo3's
    format), trials.csv, history.png (and importance.png); return the best trial's numbers.

    ``enqueue``: parameter sets to try first (Optuna's ``enqueue_trial``), in the space's names.
    ``executor`` (default in-process) decides how many trials run at once. ``timeout``: ask for
    no new trial after that many seconds (the trials running then finish), as Optuna's
    ``optimize(timeout=…)``.
    """
    if importlib.util.find_spec("optuna") is None:
        raise GymlabError("gymlab tune needs Optuna: pip install -e '.[tune]'")
    import optuna

    from gymlab.experiments.executors import InProcessExecutor

    full_id = env_id(env)
    profile = profile_for(full_id)
    key, label, better = objective_label(profile)
    if better not in ("higher", "lower"):
        raise GymlabError(f"{full_id}'s headline measure {key} has no better direction to optimise")
    space = load_space(algo, env, space_file)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    root = out / "runs"
    root.mkdir(exist_ok=True)
    clean_abandoned(root)
    plan = resolve(RunSpec(env=env, agent=algo, seed=seed, steps=steps))
    budget, grid = plan["steps"], max(plan["steps"] // max(plan["evaluations"], 1), 1)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    journal = str(out / JOURNAL_FILE)
    pruner = optuna.pruners.MedianPruner(n_startup_trials=PRUNE_AFTER, n_warmup_steps=max(budget // 4, 1))
    study_name = f"gymlab-{profile.short}-{algo}"
    study = optuna.create_study(
        study_name=study_name,
        storage=open_storage(storage, journal),
        load_if_exists=True,
        direction="maximize" if better == "higher" else "minimize",
        sampler=optuna.samplers.TPESampler(seed=seed),
        pruner=pruner,
    )
    for params in enqueue or []:
        study.enqueue_trial(params, skip_if_exists=True)
    asked: dict[Path, list[Any]] = {}

    started = time.perf_counter()

    def jobs():
        for _ in range(trials):
            if timeout is not None and time.perf_counter() - started > timeout:
                return
            trial = study.ask()
            spec = RunSpec(
                env=env,
                agent=algo,
                seed=seed,
                steps=steps,
                hyperparams=suggest(trial, space),
                eval_episodes=profile.eval_episodes,
            )
            run_dir = root / run_name(resolve(spec))
            asked.setdefault(run_dir, []).append(trial)
            link = TrialLink(storage, journal, study_name, trial.number, full_id, pruner, grid)
            yield spec, run_dir, link

    def told(result) -> None:
        trial = asked[result.run_dir].pop(0)
        if isinstance(result, PrunedRun):
            trial.set_user_attr("steps", int(result.steps))
            study.tell(trial, state=optuna.trial.TrialState.PRUNED)
            return
        trial.set_user_attr("run", result.run_dir.name)
        trained = result.steps_run if result.steps_run is not None else result.config["steps"]
        trial.set_user_attr("steps", int(trained))  # as a pruned trial's: the steps really run
        if result.cached:  # a run reused from an earlier tune: its curve stands for the reports
            report_curve(trial, profile, result.run_dir, grid)
        value = objective(profile, result.metrics)
        if value is None:
            study.tell(trial, state=optuna.trial.TrialState.FAIL)
        else:
            study.tell(trial, value)

    try:
        (executor if executor is not None else InProcessExecutor()).map(jobs(), told)
    except BaseException:  # Ctrl-C or a failed run: the trials in flight end as FAIL, not RUNNING forever
        for trial in (trial for waiting in asked.values() for trial in waiting):
            study.tell(trial, state=optuna.trial.TrialState.FAIL)
        raise
    complete = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    if not complete:
        raise GymlabError(f"no trial of {algo} on {full_id} finished with a {key}; raise --steps")
    best = study.best_trial
    best_run = root / best.user_attrs["run"]

    config = load_result(best_run).config
    best_yaml = {full_id: {"n_timesteps": config["steps"], **config["hyperparams"]}}
    (out / "best.yml").write_text(
        f"# gymlab tune: best of {len(study.trials)} trials, {key} = {best.value:.6g} ({better} is better)\n"
        + yaml.safe_dump(best_yaml, sort_keys=False),
        encoding="utf-8",
    )
    write_trials_csv(study, out / "trials.csv")
    plots = write_plots(study, out, label, len(space))
    return {
        "env": full_id,
        "algo": algo,
        "measure": key,
        "best_value": best.value,
        "best_params": best.params,
        "best_run": str(best_run),
        "best_settings": config["hyperparams"],
        "trials": len(study.trials),
        "complete": len(complete),
        "pruned": sum(t.state == optuna.trial.TrialState.PRUNED for t in study.trials),
        "files": {"best": str(out / "best.yml"), "trials": str(out / "trials.csv"), **plots},
    }


def report_curve(trial, profile: EnvProfile, run_dir: Path, grid: int) -> None:
    """Report a finished run's stored curve (all but its final point) as the trial's
    intermediate values, as its training would have."""
    columns = {name: load_curve(run_dir, name)[:2] for name in objective_keys(profile)}
    steps = next(iter(columns.values()))[0]
    for index, step in enumerate(steps[:-1]):
        value = objective(profile, {name: float(values[index]) for name, (_, values) in columns.items()})
        if value is not None:
            trial.report(value, grid_step(step, grid))


def write_trials_csv(study, path: Path) -> None:
    """One row per trial: number, state, value (a pruned trial's: its last report), the steps it
    trained, each parameter, its run folder (none for a pruned trial: nothing was stored)."""
    names = sorted({name for trial in study.trials for name in trial.params})
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["trial", "state", "value", "steps", *names, "run"])
        for trial in study.trials:
            last = (
                trial.intermediate_values[max(trial.intermediate_values)]
                if trial.intermediate_values
                else None
            )
            writer.writerow(
                [
                    trial.number,
                    trial.state.name,
                    trial.value if trial.value is not None else last,
                    trial.user_attrs.get("steps"),
                    *(trial.params.get(n) for n in names),
                    trial.user_attrs.get("run"),
                ]
            )


def write_plots(study, out: Path, label: str, n_params: int) -> dict[str, str]:
    """Optuna's optimisation history (and parameter importances, from 2 parameters and 4
    finished trials) as PNGs."""
    import matplotlib
    import optuna

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from optuna.visualization import matplotlib as optuna_plots

    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
    best = study.best_trial
    files = {}
    ax = optuna_plots.plot_optimization_history(study)
    ax.set_ylabel(label)
    ax.set_xlabel("trial (count)")
    ax.set_title(f"Best {label} {best.value:.4g} found at trial {best.number} of {len(study.trials)}")
    ax.figure.savefig(out / "history.png", dpi=100, bbox_inches="tight")
    plt.close(ax.figure)
    files["history"] = str(out / "history.png")
    finished = sum(t.state.name == "COMPLETE" for t in study.trials)
    if n_params >= 2 and finished >= 4:
        importances = optuna.importance.get_param_importances(
            study, evaluator=optuna.importance.FanovaImportanceEvaluator(seed=0)
        )
        ax = optuna_plots.plot_param_importances(
            study, evaluator=optuna.importance.FanovaImportanceEvaluator(seed=0)
        )
        top = next(iter(importances))
        ax.set_xlabel("importance for the objective (fANOVA, share)")
        ax.set_title(f"{top} matters most for {label} ({importances[top]:.0%})")
        ax.figure.savefig(out / "importance.png", dpi=100, bbox_inches="tight")
        plt.close(ax.figure)
        files["importance"] = str(out / "importance.png")
    return files
