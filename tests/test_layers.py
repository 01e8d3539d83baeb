"""The floors of the README's architecture hold (import-linter), and nothing leans on the face.

``pyproject.toml`` declares the floors as an import-linter ``layers`` contract; ``make lint``
runs ``lint-imports`` and so does a test here. import-linter cannot see one kind of upward
import: a module reading a name from the package root (``from .. import __version__``),
because the root, ``simfuel/__init__.py``, is the contract's container. A test here does.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib

from tests.helpers import ROOT

PACKAGE = ROOT / "simfuel"

#: Modules still reading a name from simfuel/__init__.py, each waiting for its owner's fix
#: (``from ._version import __version__``); remove an entry once its file is fixed.
PENDING: set[str] = set()


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of_the_face(path: Path, here: str | None = None) -> list[str]:
    """Names ``path`` (module ``here``) imports from the package root, not submodules."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = here or module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target == "simfuel":
                found += [
                    a.name
                    for a in node.names
                    if not (PACKAGE / a.name).is_dir() and not (PACKAGE / f"{a.name}.py").is_file()
                ]
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name == "simfuel"]
    return found


def test_no_module_reads_names_from_the_package_root() -> None:
    offenders = {
        str(p.relative_to(ROOT)): names
        for p in sorted(PACKAGE.rglob("*.py"))
        if p != PACKAGE / "__init__.py" and (names := imports_of_the_face(p))
    }
    assert set(offenders) - PENDING == set(), offenders


def test_the_check_sees_a_read_from_the_root(tmp_path: Path) -> None:
    build = PACKAGE / "reporting" / "build.py"
    assert imports_of_the_face(build) == []  # it read __version__ from the root until now
    fake = tmp_path / "probe.py"
    fake.write_text(
        "from .. import __version__\nfrom .. import plot\nfrom simfuel import report\n",
        encoding="utf-8",
    )
    assert imports_of_the_face(fake, "simfuel.reporting.probe") == ["__version__", "report"]


def contract() -> dict[str, object]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (layers,) = config["tool"]["importlinter"]["contracts"]
    return dict(layers)


def test_every_floor_of_the_contract_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Architecture", 1)[1].split("\n## ", 1)[0]
    floors = contract()["layers"]
    assert isinstance(floors, list)
    names = [n.strip("() ") for floor in floors for n in re.split(r"[|:]", floor)]
    missing = [
        n
        for n in names
        if ((PACKAGE / n).is_dir() or (PACKAGE / f"{n}.py").is_file())
        and f"`{n}/`" not in section
        and f"`{n}.py`" not in section
    ]
    assert missing == []


def test_lint_imports_keeps_the_contract() -> None:
    pytest.importorskip("importlinter")
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip("lint-imports is not installed beside this Python")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [exe, "--no-cache"], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "1 kept, 0 broken" in done.stdout
