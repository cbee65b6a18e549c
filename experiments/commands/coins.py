"""`gymlab coins …`: greedy beside optimal change, the canonical-system check, Q-learning."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import gymnasium as gym
import typer
from rich.console import Console
from rich.progress import Progress

from gymlab import envs  # noqa: F401  (registers gymlab/CoinChange-v0)
from gymlab.agents.coins import (
    check_canonical,
    greedy_change,
    optimal_change,
    optimal_share,
    train_q_learning,
)
from gymlab.envs.coin_change import validate_amount, validate_coins
from gymlab.envs.errors import GymlabError
from gymlab.envs.limits import LIMITS, check_count
from gymlab.experiments.commands.common import (
    JsonOption,
    emit_json,
    output_dir,
    parse_int_list,
    parse_whole,
    seed_option,
)
from gymlab.experiments.io import write_json
from gymlab.experiments.plots.coins import plot_coins_per_amount
from gymlab.experiments.results import provenance

app = typer.Typer(no_args_is_help=True)

CoinsOption = typer.Option("--coins", help="The coin system, comma-separated, e.g. 1,3,4.")


def _coins(text: str) -> tuple[int, ...]:
    return validate_coins(parse_int_list(text, "--coins"))


def _whole(text: str, what: str) -> int:
    """A whole number typed on the command line, or a one-line error naming the option."""
    return validate_amount(parse_whole(text, what, " such as 120"), what)


def _coin_list(coins: tuple[int, ...]) -> str:
    return ", ".join(map(str, sorted(coins)))


@app.command("solve")
def solve(
    coins: Annotated[str, CoinsOption],
    amount: Annotated[str, typer.Option("--amount", help="The amount to pay, a whole number ≥ 0.")],
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """Pay an amount greedily (largest coin first) and optimally (dynamic programming)."""
    system, value = _coins(coins), _whole(amount, "--amount")
    greedy, optimal = greedy_change(system, value), optimal_change(system, value)
    if as_json:
        emit_json(
            {"amount": value, "coins": list(system), "greedy": greedy.to_dict(), "optimal": optimal.to_dict()}
        )
        return
    typer.echo(f"amount {value} with coins {_coin_list(system)}")
    typer.echo(f"  greedy : {greedy.describe()}")
    typer.echo(f"  optimal: {optimal.describe()}")
    if not optimal.paid:
        typer.echo("no combination of these coins pays this amount.")
    elif not greedy.paid:
        typer.echo("greedy gets stuck here, though the amount can be paid.")
    elif greedy.count > optimal.count:
        extra = greedy.count - optimal.count
        typer.echo(f"greedy uses {extra} more coin{'s' if extra > 1 else ''} than needed.")
    else:
        typer.echo("greedy is optimal for this amount.")


@app.command("check")
def check(coins: Annotated[str, CoinsOption], as_json: Annotated[bool, JsonOption] = False) -> None:
    """Is greedy optimal for every amount (a canonical system)? Else the smallest counterexample."""
    result = check_canonical(_coins(coins))
    if as_json:
        emit_json(result.to_dict())
        return
    if result.canonical:
        typer.echo(
            f"coins {_coin_list(result.coins)} are canonical: greedy is optimal for every amount "
            f"(checked all amounts below {result.bound}; Kozen–Zaks: that suffices)."
        )
        return
    typer.echo(
        f"coins {_coin_list(result.coins)} are not canonical: the smallest amount where greedy "
        f"is not optimal is {result.counterexample}."
    )
    typer.echo(f"  greedy : {result.greedy.describe()}")
    typer.echo(f"  optimal: {result.optimal.describe()}")


@app.command("learn")
def learn(
    coins: Annotated[str, CoinsOption] = "1,3,4",
    max_amount: Annotated[str, typer.Option("--max-amount", help="Largest amount to learn.")] = "100",
    min_amount: Annotated[str, typer.Option("--min-amount", help="Smallest amount to learn.")] = "1",
    seed: Annotated[int, seed_option()] = 0,
    steps: Annotated[str, typer.Option("--steps", help="Most environment steps to train.")] = "500000",
    out: Annotated[Path | None, typer.Option("--out", help="Output folder.")] = None,
    as_json: Annotated[bool, JsonOption] = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar.")] = False,
) -> None:
    """Train tabular Q-learning until it pays every amount optimally; plot greedy/optimal/learned."""
    system = _coins(coins)
    top, bottom = _whole(max_amount, "--max-amount"), _whole(min_amount, "--min-amount")
    seed_value, budget = seed, _whole(steps, "--steps")
    if top < 1:
        raise GymlabError("--max-amount must be at least 1")
    check_count("--steps", budget, LIMITS["steps"])
    out_dir = output_dir(out, "coins-learn")
    env = gym.make("gymlab/CoinChange-v0", coins=system, min_amount=bottom, max_amount=top)
    console = Console(stderr=True)
    hide = as_json or quiet or not console.is_terminal  # a bar only where a person watches
    with Progress(console=console, disable=hide, transient=True) as progress:
        task = progress.add_task("Q-learning", total=budget)

        def show(entry: dict) -> None:
            progress.update(
                task, completed=entry["steps"], description=f"Q-learning: {entry['optimal_rate']:.0%} optimal"
            )

        run = train_q_learning(env, seed=seed_value, max_steps=budget, on_check=show)
    env.close()
    greedy = [greedy_change(system, a).count for a in run.amounts]
    greedy_rate = optimal_share(greedy, run.optimal_counts)

    plot = plot_coins_per_amount(
        system, run.amounts, run.optimal_counts, greedy, run.learned_counts, out_dir / "coins_per_amount.png"
    )
    q_table = run.agent.save(out_dir / "q_table.json")
    config = {"coins": list(system), "min_amount": bottom, "max_amount": top, "max_steps": budget}
    summary = {
        "coins": list(system),
        "min_amount": int(run.amounts[0]),
        "max_amount": int(run.amounts[-1]),
        "amounts": len(run.amounts),
        "seed": seed_value,
        "optimal_rate": run.optimal_rate,
        "greedy_optimal_rate": greedy_rate,
        "steps": run.steps,
        "episodes": run.episodes,
        "seconds": round(run.seconds, 3),
        "plot": str(plot),
        "q_table": str(q_table),
    }
    results = out_dir / "results.json"
    summary["results"] = str(results)
    per_amount = {
        "amount": run.amounts,
        "optimal": run.optimal_counts,
        "greedy": greedy,
        "learned": run.learned_counts,
    }
    write_json(
        results,
        {
            "provenance": provenance(config, seed_value),
            "summary": summary,
            "history": run.history,
            "per_amount": per_amount,
        },
    )
    if as_json:
        emit_json(summary)
        return
    hits = round(run.optimal_rate * len(run.amounts))
    typer.echo(
        f"Q-learning, coins {_coin_list(system)}, {len(run.amounts)} payable amounts "
        f"{summary['min_amount']}–{summary['max_amount']}, seed {seed_value}"
    )
    typer.echo(
        f"  learned policy: {run.optimal_rate:.1%} DP-optimal ({hits}/{len(run.amounts)}) after "
        f"{run.steps:,} steps ({run.episodes:,} episodes), {run.seconds:.2f} s"
    )
    typer.echo(f"  greedy        : {greedy_rate:.1%} DP-optimal")
    typer.echo(f"plot: {plot}")
    typer.echo(f"results: {results}")
