"""`gymlab lessons list|run`: the numbered lesson scripts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gymlab.experiments.commands.common import JsonOption, emit_json, output_dir
from gymlab.experiments.i18n import set_language
from gymlab.experiments.lessons import find_lesson, list_lessons, run_lesson

app = typer.Typer(no_args_is_help=True)
LangOption = typer.Option(
    "--lang", help="Language: en or ko (default: from LANG / LC_ALL).", show_default=False
)


@app.command("list")
def list_command(
    as_json: Annotated[bool, JsonOption] = False, lang: Annotated[str | None, LangOption] = None
) -> None:
    """Show the lessons in order, one line each."""
    set_language(lang)
    lessons = list_lessons()
    if as_json:
        emit_json(
            [{"number": x.number, "name": x.name, "summary": x.title(), "path": x.path} for x in lessons]
        )
        return
    for lesson in lessons:
        typer.echo(f"{lesson.number}  {lesson.name:<28} {lesson.title()}")


@app.command("run")
def run_command(
    lesson: Annotated[str, typer.Argument(help="Lesson number (e.g. 3) or name.")],
    quick: Annotated[bool, typer.Option("--quick", help="Smaller budgets.")] = False,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed for every random thing.")] = 0,
    out: Annotated[Path | None, typer.Option("--out", help="Folder for the lesson's plots.")] = None,
    lang: Annotated[str | None, LangOption] = None,
) -> None:
    """Run one lesson (the same as `python lessons/NN_name.py`)."""
    language = set_language(lang)
    chosen = find_lesson(lesson)
    folder = output_dir(out, f"lesson{chosen.number}")
    completed = run_lesson(chosen, quick=quick, seed=seed, out=folder, lang=language)
    raise typer.Exit(completed.returncode)
