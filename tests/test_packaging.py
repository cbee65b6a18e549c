"""One import package: the wheel installs `gymlab` only, and its layers have no import cycles."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", out, REPO],
        check=True,
        capture_output=True,
        cwd=out,
    )
    (built,) = out.glob("gymlab-*.whl")
    return built


def test_the_wheel_installs_one_top_level_package_gymlab(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert top_level == {"gymlab"}
    for module in (
        "envs/track_racer.py",
        "agents/routing.py",
        "experiments/cli.py",
        "experiments/config/ppo.yml",
    ):
        assert f"gymlab/{module}" in names
    for folder in ("envs", "agents", "experiments"):  # every module and data file of the repository
        for path in (REPO / folder).rglob("*"):
            if path.suffix in (".py", ".yml", ".po") and "__pycache__" not in path.parts:
                assert f"gymlab/{path.relative_to(REPO)}" in names, f"{path} is missing from the wheel"
    info = next(name for name in names if name.endswith(".dist-info/top_level.txt"))
    assert zipfile.ZipFile(wheel).read(info).decode().split() == ["gymlab"]


def test_gymlab_registers_its_envs_and_make_imports_it():
    code = (
        "import gymnasium as gym\n"
        "env = gym.make('gymlab:gymlab/TrackRacer-v2')\n"  # no import of gymlab before: the prefix does it
        "import gymlab\n"
        "gym.register_envs(gymlab)\n"
        "print(type(env.unwrapped).__module__)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=os.sep)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "gymlab.envs.track_racer"


def test_the_repository_root_is_not_importable():
    done = subprocess.run([sys.executable, "-c", "import envs"], capture_output=True, text=True, cwd=os.sep)
    assert done.returncode != 0 and "No module named 'envs'" in done.stderr


def _imports(path: Path) -> list[str]:
    """Every name imported by a file, as ``module`` or ``module.name``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found += [f"{node.module}.{alias.name}" for alias in node.names]
    return found


def test_lessons_and_benchmarks_import_nothing_private():
    """(``_`` is gettext's public name for translating a message.)"""
    scripts = [*REPO.glob("lessons/*.py"), *REPO.glob("benchmarks/*.py")]
    private = [
        (script.name, name)
        for script in scripts
        for name in _imports(script)
        if name.startswith("gymlab") and any(part.startswith("_") and part != "_" for part in name.split("."))
    ]
    assert scripts and private == []


def test_no_import_cycle_at_all_even_inside_functions():
    """grimp reads every import statement, including those inside functions; no strongly
    connected component of the module graph may hold more than one module."""
    pytest.importorskip("grimp")
    done = subprocess.run(
        [sys.executable, str(REPO / "tools" / "lint_imports.py"), "--edges"],
        capture_output=True,
        text=True,
        cwd=os.sep,
        check=True,
    )
    edges: dict[str, set[str]] = {}
    for line in done.stdout.splitlines():
        source, target = line.split()
        edges.setdefault(source, set()).add(target)
    assert len(edges) > 30
    cycles = [component for component in _strongly_connected(edges) if len(component) > 1]
    assert cycles == []


def _strongly_connected(edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components, iteratively."""
    index, low, on_stack, stack, components, counter = {}, {}, set(), [], [], [0]

    def visit(root: str) -> None:
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(component)

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return components


@pytest.mark.slow
def test_gymlab_installs_beside_pypis_envs_package_without_touching_it(wheel, tmp_path):
    """PyPI has a package named ``envs``: installed together, each keeps its own files, and
    uninstalling ``envs`` leaves gymlab whole (the old wheel merged into site-packages/envs/)."""
    import venv

    venv.create(tmp_path / "venv", with_pip=True)
    python = str(tmp_path / "venv" / "bin" / "python")
    install = [python, "-m", "pip", "install", "-q", "--no-deps"]
    found = subprocess.run([*install, "envs"], capture_output=True, text=True)
    if found.returncode != 0:
        pytest.skip(f"PyPI's envs could not be installed here: {found.stderr.strip()[-200:]}")
    subprocess.run([*install, str(wheel)], check=True, capture_output=True)
    where = (
        "import importlib.util, pathlib, site; "
        "print(pathlib.Path(importlib.util.find_spec('envs').origin).parent); "
        "print(site.getsitepackages()[0])"
    )
    envs_dir, packages = subprocess.run(
        [python, "-c", where], capture_output=True, text=True, check=True, cwd=tmp_path
    ).stdout.split()
    assert not list(Path(envs_dir).glob("*track_racer*"))  # PyPI's envs, not a gymlab folder
    ours = {p.relative_to(packages).parts[0] for p in Path(packages).rglob("*.py") if "track_racer" in p.name}
    assert ours == {"gymlab"}
    before = sorted(str(p) for p in (Path(packages) / "gymlab").rglob("*.py"))
    subprocess.run([python, "-m", "pip", "uninstall", "-y", "-q", "envs"], check=True, capture_output=True)
    assert sorted(str(p) for p in (Path(packages) / "gymlab").rglob("*.py")) == before
