"""Run import-linter (`lint-imports`) on gymlab's layers and cycles.

The repository keeps ``envs/``, ``agents/`` and ``experiments/`` at its root and setuptools
maps them into the one package ``gymlab``. grimp, import-linter's graph builder, reads a
package from its folder, so this script lays out ``gymlab/`` as the installed wheel has it —
a temporary folder of symbolic links to the repository's folders — and runs ``lint-imports``
there with the contracts in ``pyproject.toml``. Exit code: that of ``lint-imports``.

``--edges`` prints the import graph instead, one ``importer imported`` pair per line (every
import statement, including those inside functions): tests/test_packaging.py looks for cycles
in it.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SUBPACKAGES = ("envs", "agents", "experiments")


def stage(folder: Path) -> Path:
    """``folder/gymlab/`` laid out as in the wheel, by symbolic links into the repository."""
    package = folder / "gymlab"
    package.mkdir()
    os.symlink(REPO / "gymlab" / "__init__.py", package / "__init__.py")
    for name in SUBPACKAGES:
        os.symlink(REPO / name, package / name, target_is_directory=True)
    return package


def print_edges(folder: Path) -> None:
    sys.path.insert(0, str(folder))
    import grimp

    graph = grimp.build_graph("gymlab")
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            print(importer, imported)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="gymlab-lint-") as folder:
        stage(Path(folder))
        if "--edges" in sys.argv[1:]:
            print_edges(Path(folder))
            return 0
        from importlinter.cli import lint_imports

        sys.path.insert(0, folder)
        os.chdir(folder)
        return lint_imports(config_filename=str(REPO / "pyproject.toml"), no_cache=True)


if __name__ == "__main__":
    sys.exit(main())
