"""The numbered lessons in ``lessons/``: find them, summarise them, run them.

A lesson is a script ``lessons/NN_name.py`` whose module docstring opens with a one-line
summary. Every lesson takes ``--quick``, ``--seed`` and ``--out``, prints its punchline — a
measured fact — on a line that starts with ``PUNCHLINE:``, and saves its plots under ``--out``.
:func:`lesson_arguments`, :func:`one_line_errors` and :func:`punchline` are the helpers lessons share.

Every lesson is also a notebook: its ``# %%`` cells are jupytext's percent format, so Jupyter
(with jupytext) opens the ``.py`` file as a notebook, and ``jupytext --to ipynb`` converts it.
In a notebook the options come from :data:`NOTEBOOK_ARGV` (quick mode) instead of the command line.

``--lang ko`` (or ``LANG=ko_KR.UTF-8``) prints a lesson in Korean: see :mod:`gymlab.experiments.i18n`.
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
from typing import Any

from gymlab.envs.errors import GymlabError
from gymlab.experiments import i18n
from gymlab.experiments.i18n import _
from gymlab.experiments.io import default_out_dir, write_json

LESSONS_DIR = Path(__file__).resolve().parents[1] / "lessons"
PUNCHLINE_PREFIX = "PUNCHLINE:"
NOTEBOOK_ARGV = ["--quick"]
"""The options a lesson runs with inside Jupyter, where ``sys.argv`` belongs to the kernel."""
_LESSON_FILE = re.compile(r"^(\d\d)_(\w+)\.py$")


@dataclass(frozen=True)
class Lesson:
    number: str
    name: str
    path: Path
    summary: str

    def title(self) -> str:
        """The one-line summary in the current language."""
        return _(self.summary) if self.summary else ""


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
    lesson: Lesson, quick: bool = False, seed: int = 0, out: Path | None = None, lang: str | None = None
) -> subprocess.CompletedProcess:
    """Run a lesson in a fresh Python process, its output streaming to this terminal.

    The lesson imports the installed ``gymlab`` (an editable install of this clone runs this
    clone's code); nothing puts the repository root on ``sys.path``.
    """
    out = out or default_out_dir(f"lesson{lesson.number}")
    command = [sys.executable, str(lesson.path), "--seed", str(seed), "--out", str(out)]
    if quick:
        command.append("--quick")
    if lang:
        command += ["--lang", i18n.detect_language(lang)]
    return subprocess.run(command, check=False)


def lesson_arguments(
    docstring: str | None, argv: list[str] | None = None, data: str | None = None
) -> argparse.Namespace:
    """Parse the options every lesson takes: ``--quick``, ``--seed``, ``--out``.

    A lesson that can also read the learner's own file passes ``data`` (the help text of a
    ``--data PATH`` option; ``args.data`` is None when it is not given).
    """
    summary = (docstring or "").strip().splitlines()[0] if docstring else None
    if argv is None and _in_notebook():
        argv = list(NOTEBOOK_ARGV)
    parser = argparse.ArgumentParser(description=summary)
    parser.add_argument("--quick", action="store_true", help="smaller budgets (used by the tests)")
    parser.add_argument("--seed", type=int, default=0, help="seed for every random thing (default 0)")
    parser.add_argument(
        "--out", type=Path, default=None, help="folder for plots (default runs/<stamp>-lesson)"
    )
    parser.add_argument(
        "--lang", default=None, help="language of the narration and plots: en or ko (default: LANG)"
    )
    if data is not None:
        parser.add_argument("--data", type=_existing_file, default=None, metavar="PATH", help=data)
    args = parser.parse_args(argv)
    if args.seed < 0:
        parser.error(f"--seed must be a whole number ≥ 0 (got {args.seed})")
    try:
        args.lang = i18n.set_language(args.lang)
    except GymlabError as error:
        parser.error(str(error))
    if args.lang != "en":
        i18n.plot_language()  # fonts before the first figure (its axes take their font when made)
    if args.out is None:
        args.out = default_out_dir("lesson")
    try:
        args.out.mkdir(parents=True, exist_ok=True)
    except OSError as error:  # e.g. --out names an existing file
        parser.error(f"--out {args.out}: {error.strerror}; choose a folder path")
    return args


def _in_notebook() -> bool:
    """Running inside a Jupyter kernel (whose argv holds the kernel's own options)?"""
    return "ipykernel" in sys.modules and any(arg.endswith(".json") for arg in sys.argv[1:])


def _existing_file(text: str) -> Path:
    path = Path(text)
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"no file at {path} (check the path)")
    return path


@contextmanager
def one_line_errors() -> Iterator[None]:
    """Bad input inside a lesson (e.g. its --data file) ends it with one ``error: …`` line on stderr,
    no traceback, and exit code 2 (as the CLI's)."""
    try:
        yield
    except GymlabError as error:
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(2) from None


def punchline(text: str, out: Path | None = None, **facts: Any) -> str:
    """Print the lesson's punchline — a measured fact — where the tests and the reader find it.

    With ``facts`` (the measured values), ``text`` is a ``str.format`` template filled from them
    and ``out/punchline.json`` records ``{"text", "facts"}``: the tests check the facts against
    the lesson's other results.
    """
    if facts:
        text = text.format(**facts)
    line = f"{PUNCHLINE_PREFIX} {text}"
    print(line, flush=True)
    if out is not None:
        write_json(Path(out) / "punchline.json", {"text": text, "facts": facts})
    return line


def message_ids() -> set[str]:
    """Every message the lessons translate: each ``_("…")`` / ``plot_text("…")`` in the lessons,
    their helpers and plots, and each lesson's one-line summary."""
    here = Path(__file__).resolve().parent
    files = sorted(LESSONS_DIR.glob("[0-9][0-9]_*.py")) + [
        here / "i18n.py",
        here / "lessons.py",
        here / "commands" / "lessons.py",
        here / "plots" / "demos.py",
    ]
    ids = set(i18n.extract_messages([path for path in files if path.is_file()]))
    return ids | {lesson.summary for lesson in list_lessons()}


def untranslated(lang: str) -> list[str]:
    """The messages ``lang``'s catalog lacks (or translates with different ``{placeholders}``)."""
    return i18n.missing_translations(i18n.detect_language(lang), message_ids())
