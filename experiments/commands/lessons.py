"""`gymlab lessons list|run`: the numbered lesson scripts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gymlab.experiments.commands.common import JsonOption, emit_json, output_dir
from gymlab.experiments.lessons import find_lesson, list_lessons, run_lesson

app = typer.Typer(no_args_is_help=True)


@app.command("list")
def list_command(as_json: Annotated[bool, JsonOption] = False) -> None:
    """Show the lessons in order, one line each."""
    lessons = list_lessons()
    if as_json:
        emit_json(
            [{"number": x.number, "name": x.name, "summary": x.summary, "path": x.path} for x in lessons]
        )
        return
    for lesson in lessons:
        typer.echo(f"{lesson.number}  {lesson.name:<28} {lesson.summary}")


@app.command("run")
def run_command(
    lesson: Annotated[str, typer.Argument(help="Lesson number (e.g. 3) or name.")],
    quick: Annotated[bool, typer.Option("--quick", help="Smaller budgets.")] = False,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed for every random thing.")] = 0,
    out: Annotated[Path | None, typer.Option("--out", help="Folder for the lesson's plots.")] = None,
) -> None:
    """Run one lesson (the same as `python lessons/NN_name.py`)."""
    chosen = find_lesson(lesson)
    folder = output_dir(out, f"lesson{chosen.number}")
    completed = run_lesson(chosen, quick=quick, seed=seed, out=folder)
    raise typer.Exit(completed.returncode)
