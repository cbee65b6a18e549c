"""Hyperparameter search with Optuna: TPE sampler, median pruner, trials on an executor.

Each trial is one run of the normal pipeline (:func:`~gymlab.experiments.runner.run_all`), so
it has a run folder, a learning curve and is reused when finished. The objective is the env
profile's headline measure (``profile.main``) on the fixed evaluation episodes. Trials run in
batches as wide as the executor (``ask`` × n, run, ``tell``); after a batch, each trial's curve
points are reported to Optuna in order and the median pruner marks a trial PRUNED where its
curve fell below the median of earlier trials at that step. Pruning therefore judges whole
runs after the fact (it saves no training time) — it keeps bad trials out of TPE's good set.
"""

from __future__ import annotations

import csv
import importlib.util
import math
import warnings
from pathlib import Path
from typing import Any

import yaml

from gymlab.envs.errors import GymlabError
from gymlab.experiments.environments import env_id
from gymlab.experiments.hyperparams import CONFIG_DIR
from gymlab.experiments.profiles import profile_for
from gymlab.experiments.runner import run_all
from gymlab.experiments.spec import RunSpec, is_algorithm
from gymlab.experiments.store import load_curve, load_result

__all__ = ["RL_ZOO_PARAMS", "NET_ARCH", "load_space", "suggest", "tune"]

RL_ZOO_PARAMS = (
    "learning_rate",
    "n_steps",
    "gamma",
    "gae_lambda",
    "ent_coef",
    "batch_size",
    "n_epochs",
    "net_arch",
)
NET_ARCH = {"tiny": [32], "small": [64, 64], "medium": [256, 256]}  # rl-zoo3's network sizes


def load_space(algo: str, env: str, path: str | Path | None = None) -> dict[str, dict[str, Any]]:
    """The search space (``experiments/config/search/<algo>.yml`` by default), checked: each
    parameter is one the algorithm takes and is a range ``{low, high[, log]}`` or ``{choices}``."""
    path = Path(path) if path is not None else CONFIG_DIR / "search" / f"{algo}.yml"
    if not path.is_file():
        raise GymlabError(
            f"no search space {path}; write one (see experiments/config/search/ppo.yml) and pass --space"
        )
    space = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if is_algorithm(algo):
        known = RL_ZOO_PARAMS
    else:
        known = profile_for(env_id(env)).recipe(algo).params
    for name, entry in space.items():
        if name not in known:
            raise GymlabError(
                f"unknown search parameter {name!r} in {path} for {algo}; choose from: {', '.join(known) or 'none'}"
            )
        if not isinstance(entry, dict) or not ({"low", "high"} <= set(entry) or "choices" in entry):
            raise GymlabError(
                f"search parameter {name!r} in {path} needs {{low, high}} or {{choices: [...]}}"
            )
    return space


def suggest(trial, space: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """One trial's settings from ``space``, as --set would give them (net_arch → policy_kwargs)."""
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
            settings["policy_kwargs"] = {"net_arch": NET_ARCH[value]}
        else:
            settings[name] = value
    return settings


def tune(
    env: str,
    algo: str,
    trials: int,
    executor=None,
    parallel: int = 1,
    storage: str | None = None,
    out: str | Path = "runs/tune",
    seed: int = 0,
    steps: int | None = None,
    space_file: str | Path | None = None,
) -> dict[str, Any]:
    """Search ``algo``'s settings on ``env`` for ``trials`` trials; write best.yml (rl-zoo3's
    format), trials.csv, history.png (and importance.png); return the best trial's numbers."""
    if importlib.util.find_spec("optuna") is None:
        raise GymlabError("gymlab tune needs Optuna: pip install -e '.[tune]'")
    import optuna

    full_id = env_id(env)
    profile = profile_for(full_id)
    main = profile.main
    if main.better not in ("higher", "lower"):
        raise GymlabError(f"{full_id}'s headline measure {main.key} has no better direction to optimise")
    space = load_space(algo, env, space_file)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(
        study_name=f"gymlab-{profile.short}-{algo}",
        storage=storage,
        load_if_exists=True,
        direction="maximize" if main.better == "higher" else "minimize",
        sampler=optuna.samplers.TPESampler(seed=seed),
        pruner=optuna.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=0),
    )
    done = 0
    while done < trials:
        batch = [study.ask() for _ in range(min(parallel, trials - done))]
        specs = [
            RunSpec(
                env=env,
                agent=algo,
                seed=seed,
                steps=steps,
                hyperparams=suggest(trial, space),
                eval_episodes=profile.eval_episodes,
            )
            for trial in batch
        ]
        results = run_all(specs, out / "runs", executor=executor)
        for trial, result in zip(batch, results, strict=True):
            trial.set_user_attr("run", result.run_dir.name)
            curve_steps, values, _ = load_curve(result.run_dir, main.key)
            pruned = False
            for step, value in zip(curve_steps[:-1], values[:-1], strict=True):
                if math.isfinite(value):
                    trial.report(float(value), int(step))
                    if trial.should_prune():
                        pruned = True
                        break
            value = result.row().get(main.key)
            if pruned:
                study.tell(trial, state=optuna.trial.TrialState.PRUNED)
            elif isinstance(value, int | float) and math.isfinite(value):
                study.tell(trial, float(value))
            else:
                study.tell(trial, state=optuna.trial.TrialState.FAIL)
        done += len(batch)
    complete = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    if not complete:
        raise GymlabError(f"no trial of {algo} on {full_id} finished with a {main.key}; raise --steps")
    best = study.best_trial
    best_run = out / "runs" / best.user_attrs["run"]

    config = load_result(best_run).config
    best_yaml = {full_id: {"n_timesteps": config["steps"], **config["hyperparams"]}}
    (out / "best.yml").write_text(
        f"# gymlab tune: best of {len(study.trials)} trials, {main.key} = {best.value:.6g} ({main.better} is better)\n"
        + yaml.safe_dump(best_yaml, sort_keys=False),
        encoding="utf-8",
    )
    write_trials_csv(study, out / "trials.csv")
    plots = write_plots(study, out, main.label, len(space))
    return {
        "env": full_id,
        "algo": algo,
        "measure": main.key,
        "best_value": best.value,
        "best_params": best.params,
        "best_run": str(best_run),
        "trials": len(study.trials),
        "complete": len(complete),
        "pruned": sum(t.state == optuna.trial.TrialState.PRUNED for t in study.trials),
        "files": {"best": str(out / "best.yml"), "trials": str(out / "trials.csv"), **plots},
    }


def write_trials_csv(study, path: Path) -> None:
    """One row per trial: number, state, value, each parameter, its run folder."""
    names = sorted({name for trial in study.trials for name in trial.params})
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["trial", "state", "value", *names, "run"])
        for trial in study.trials:
            writer.writerow(
                [
                    trial.number,
                    trial.state.name,
                    trial.value,
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
