"""The numbered lessons in ``lessons/``: find them, summarise them, run them.

A lesson is a script ``lessons/NN_name.py`` whose module docstring opens with a one-line
summary. Every lesson takes ``--quick``, ``--seed`` and ``--out``, prints its punchline — a
measured fact — on a line that starts with ``PUNCHLINE:``, and saves its plots under ``--out``.
:func:`lesson_arguments`, :func:`one_line_errors` and :func:`punchline` are the helpers lessons share.
"""

from __future__ import annotations

import argparse
import ast
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from gymlab.envs.errors import GymlabError
from gymlab.experiments.io import default_out_dir

LESSONS_DIR = Path(__file__).resolve().parents[1] / "lessons"
PUNCHLINE_PREFIX = "PUNCHLINE:"
_LESSON_FILE = re.compile(r"^(\d\d)_(\w+)\.py$")


@dataclass(frozen=True)
class Lesson:
    number: str
    name: str
    path: Path
    summary: str


def list_lessons(directory: Path = LESSONS_DIR) -> list[Lesson]:
    """Every ``NN_name.py`` in ``directory``, in order, with its docstring's first line."""
    if not directory.is_dir():
        raise GymlabError(
            f"no lessons folder at {directory}; the lessons ship with a clone of the gymlab repo"
        )
    lessons = []
    for path in sorted(directory.iterdir()):
        match = _LESSON_FILE.match(path.name)
        if match:
            docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
            summary = docstring.strip().splitlines()[0] if docstring.strip() else ""
            lessons.append(Lesson(match.group(1), match.group(2), path, summary))
    return lessons


def find_lesson(key: str, directory: Path = LESSONS_DIR) -> Lesson:
    """A lesson by number (``3`` or ``03``) or by name (``making_change``)."""
    lessons = list_lessons(directory)
    for lesson in lessons:
        if key.isdigit() and int(key) == int(lesson.number) or key in (lesson.name, lesson.path.stem):
            return lesson
    numbers = ", ".join(lesson.number for lesson in lessons)
    raise GymlabError(f"no lesson {key!r}; run `gymlab lessons list` (numbers: {numbers})")


def run_lesson(
    lesson: Lesson, quick: bool = False, seed: int = 0, out: Path | None = None
) -> subprocess.CompletedProcess:
    """Run a lesson in a fresh Python process, its output streaming to this terminal.

    The lesson imports the installed ``gymlab`` (an editable install of this clone runs this
    clone's code); nothing puts the repository root on ``sys.path``.
    """
    out = out or default_out_dir(f"lesson{lesson.number}")
    command = [sys.executable, str(lesson.path), "--seed", str(seed), "--out", str(out)]
    if quick:
        command.append("--quick")
    return subprocess.run(command, check=False)


def lesson_arguments(
    docstring: str | None, argv: list[str] | None = None, data: str | None = None
) -> argparse.Namespace:
    """Parse the options every lesson takes: ``--quick``, ``--seed``, ``--out``.

    A lesson that can also read the learner's own file passes ``data`` (the help text of a
    ``--data PATH`` option; ``args.data`` is None when it is not given).
    """
    summary = (docstring or "").strip().splitlines()[0] if docstring else None
    parser = argparse.ArgumentParser(description=summary)
    parser.add_argument("--quick", action="store_true", help="smaller budgets (used by the tests)")
    parser.add_argument("--seed", type=int, default=0, help="seed for every random thing (default 0)")
    parser.add_argument(
        "--out", type=Path, default=None, help="folder for plots (default runs/<stamp>-lesson)"
    )
    if data is not None:
        parser.add_argument("--data", type=_existing_file, default=None, metavar="PATH", help=data)
    args = parser.parse_args(argv)
    if args.seed < 0:
        parser.error(f"--seed must be a whole number ≥ 0 (got {args.seed})")
    if args.out is None:
        args.out = default_out_dir("lesson")
    try:
        args.out.mkdir(parents=True, exist_ok=True)
    except OSError as error:  # e.g. --out names an existing file
        parser.error(f"--out {args.out}: {error.strerror}; choose a folder path")
    return args


def _existing_file(text: str) -> Path:
    path = Path(text)
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"no file at {path} (check the path)")
    return path


@contextmanager
def one_line_errors() -> Iterator[None]:
    """Bad input inside a lesson (e.g. its --data file) ends it with one ``error: …`` line, no traceback."""
    try:
        yield
    except GymlabError as error:
        raise SystemExit(f"error: {error}") from None


def punchline(text: str) -> str:
    """Print the lesson's punchline — a measured fact — where the tests and the reader find it."""
    line = f"{PUNCHLINE_PREFIX} {text}"
    print(line, flush=True)
    return line
