"""The `gymlab` command: a thin layer that parses, calls the Python API and prints.

Errors: any :class:`envs.GymlabError` (or OSError, such as a missing file) raised below, and
click's own usage errors (an unknown option, a missing value), become one line on stderr and
exit code 2, with no traceback (``gymlab --debug …`` shows it).
"""

from __future__ import annotations

import sys
from typing import Annotated, NoReturn

import typer
from typer.core import TyperGroup

from gymlab.envs.errors import GymlabError

try:  # recent typer vendors click as typer._click (and no longer installs click itself)
    from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError
except ImportError:  # older typer runs on click itself
    from click.exceptions import ClickException, NoArgsIsHelpError, UsageError
from gymlab.experiments.commands import coins, demo, envs_cmd, lessons, runs, track, tsp
from gymlab.experiments.commands.common import VersionOption

_DEBUG = {"on": False}


class GymlabGroup(TyperGroup):
    """The root command group: turns bad input into a one-line error and exit code 2."""

    def make_context(self, info_name, args, parent=None, **extra) -> typer.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except UsageError as error:  # the root's own options, e.g. `gymlab --bogus`
            _usage_error(error)

    def invoke(self, ctx: typer.Context):
        try:
            return super().invoke(ctx)
        except (GymlabError, OSError) as error:
            if _DEBUG["on"]:
                raise
            typer.echo(f"error: {_one_line(error)}", err=True)
            ctx.exit(2)
        except MemoryError as error:  # a safety net: sizes are checked up front where we know them
            if _DEBUG["on"]:
                raise
            typer.echo(f"error: out of memory ({_one_line(error)}); ask for a smaller size", err=True)
            ctx.exit(2)
        except UsageError as error:  # a subcommand's options: unknown, missing, wrong type
            _usage_error(error)


def _usage_error(error: UsageError) -> NoReturn:
    """Click's usage error as one line (a group called without a command still shows its help)."""
    if isinstance(error, NoArgsIsHelpError):
        raise error
    command = error.ctx.command_path if error.ctx is not None else "gymlab"
    typer.echo(f"error: {_one_line(error).rstrip('.')}; see `{command} --help`", err=True)
    sys.exit(error.exit_code)


def _one_line(error: BaseException) -> str:
    if isinstance(error, OSError) and error.filename is not None:
        return f"{error.strerror or 'cannot open'}: {error.filename}"
    if isinstance(error, ClickException):
        return " ".join(error.format_message().split())
    return " ".join(str(error).split())


app = typer.Typer(
    cls=GymlabGroup,
    name="gymlab",
    help="gymlab: greedy vs search vs learning, measured and plotted on a laptop CPU.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show the traceback of an error.")] = False,
    version: Annotated[bool | None, VersionOption] = None,
) -> None:
    _DEBUG["on"] = debug


envs_cmd.register(app)
app.add_typer(coins.app, name="coins", help="Coin change: greedy vs dynamic programming vs Q-learning.")
app.add_typer(tsp.app, name="tsp", help="Travelling salesperson: nearest neighbour, restarts, 2-opt, exact.")
app.add_typer(
    track.app, name="track", help="TrackRacer: DeepRacer-style tracks, reward functions, baselines."
)
runs.register(app)
app.add_typer(demo.app, name="demo", help="Learning demos: gradient descent, regression, k-means, sampling.")
app.add_typer(lessons.app, name="lessons", help="The numbered lessons: list and run them.")


def main() -> None:
    """Console entry point (``gymlab``)."""
    sys.exit(app())
