"""File helpers every layer shares: atomic writes and downloads.

They live here, at the bottom of the dependency chain (experiments → agents → envs), so that an
env loading a track, an agent saving its table and the CLI writing a report all use one copy.
"""

from __future__ import annotations

import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from gymlab.envs.errors import GymlabError


def atomic_write(path: str | Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp_path)``, then move the finished file to ``path``.

    ``os.replace`` is atomic on POSIX and Windows: a reader sees the old file or the whole new
    one, never half of it, even when the run is interrupted.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        tmp.chmod(0o666 & ~_umask())  # mkstemp makes 0600; give the file the usual permissions
        os.replace(tmp, path)
    except OSError as error:
        raise public_error(error, tmp, path) from None
    finally:
        tmp.unlink(missing_ok=True)
    return path


def public_error(error: OSError, temporary: Path, final: Path) -> OSError:
    """``error`` naming ``final`` where it named the hidden ``temporary`` file or folder.

    Atomic writes work on a hidden sibling (``.name.x7k2.tsp``, ``.partial-…``); a failure
    should name the path the user gave, not that internal name.
    """
    names = {str(temporary), os.fspath(temporary)}
    if str(error.filename) in names or str(error.filename2) in names:
        reason = error.strerror or type(error).__name__
        if final.is_dir():
            reason = f"{reason} ({final} is a folder; give a file path)"
        return OSError(error.errno, reason, str(final))
    return error


def read_text(path: str | Path, fix: str) -> str:
    """The UTF-8 text of ``path``, or a one-line GymlabError (binary garbage) saying how to ``fix`` it."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise GymlabError(f"{path} is not UTF-8 text; {fix}") from None


def _umask() -> int:
    """The process's umask (reading it means setting it, so set it back at once)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def download(url: str, what: str, fix: str, timeout: float = 30.0) -> bytes:
    """The bytes at ``url``, or a one-line GymlabError naming ``what`` and how to ``fix`` it."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.read()
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise GymlabError(f"cannot download {what} from {url} ({reason}); {fix}") from None
