"""The notebooks in ``notebooks/`` run top to bottom on a fresh kernel.

Slow (each notebook runs ensembles): select with ``-m notebooks`` or ``-k notebook``,
deselect with ``-m "not notebooks"``. Each notebook executes with its working directory set
to ``notebooks/`` (as Jupyter does), in a ``python3`` kernel that runs this interpreter.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
KERNEL = "python3"
MAX_BYTES = 2_000_000  # keep the saved notebooks light enough to read on GitHub

pytestmark = pytest.mark.notebooks

_PROBE = "import sys\nprint(sys.prefix)"


def _images(nb: Any) -> int:
    return sum(
        "image/png" in out.get("data", {})
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
    )


def _errors(nb: Any) -> list[str]:
    return [
        f"cell {i}: {out.get('ename')}: {out.get('evalue')}"
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.output_type == "error"
    ]


def _kernel_runs_this_python() -> bool:
    """Whether the ``python3`` kernel spec found on the Jupyter path starts this interpreter.

    jupyter_client replaces a bare ``python``/``python3``/``pythonX.Y`` in a spec's argv
    with ``sys.executable``, which is what ipykernel's own spec (installed in a venv) uses.
    """
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        argv = KernelSpecManager().get_kernel_spec(KERNEL).argv
    except NoSuchKernel:
        return False
    bare = {"python", f"python{sys.version_info[0]}", "python{}.{}".format(*sys.version_info)}
    return bool(argv) and (argv[0] in bare or Path(argv[0]) == Path(sys.executable))


@pytest.fixture(scope="module")
def python3_kernel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The kernel name to use; if needed, a temporary spec pointing at ``sys.executable``."""
    if _kernel_runs_this_python():
        yield KERNEL
        return
    root = tmp_path_factory.mktemp("jupyter")
    spec_dir = root / "kernels" / KERNEL
    spec_dir.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": f"Python {sys.version_info[0]} (simfuel tests)",
        "language": "python",
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JUPYTER_PATH", str(root), prepend=os.pathsep)
        yield KERNEL


def test_notebooks_exist() -> None:
    names = [p.name for p in NOTEBOOKS]
    assert {"01-quickstart.ipynb", "02-mali-2025.ipynb", "03-escort-policy.ipynb"} <= set(names)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_saved_with_outputs(path: Path) -> None:
    """Saved notebooks carry their outputs (they are read on GitHub), and stay light."""
    nb = nbformat.read(path, as_version=4)
    assert _images(nb) >= 1, f"{path.name} was saved without its figures"
    assert not _errors(nb), f"{path.name} was saved with errors: {_errors(nb)}"
    assert path.stat().st_size < MAX_BYTES, f"{path.name} is {path.stat().st_size:,} bytes"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(
    path: Path, python3_kernel: str, record_property: Callable[[str, object], None]
) -> None:
    """Execute the notebook on a fresh kernel: no cell errors, figures produced."""
    nb = nbformat.read(path, as_version=4)
    assert any(c.cell_type == "markdown" for c in nb.cells), "a notebook needs prose"
    nb.cells.append(nbformat.v4.new_code_cell(_PROBE))  # which Python ran it
    client = nbclient.NotebookClient(
        nb,
        timeout=600,
        kernel_name=python3_kernel,
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
    )
    start = time.perf_counter()
    client.execute()  # raises CellExecutionError, with the cell and traceback, on error
    elapsed = time.perf_counter() - start
    record_property("runtime_s", round(elapsed, 1))

    assert not _errors(nb)
    assert _images(nb) >= 1, f"{path.name} produced no figure"
    probe = "".join(o.get("text", "") for o in nb.cells[-1].outputs).strip()
    assert Path(probe) == Path(sys.prefix), f"kernel ran {probe}, not {sys.prefix}"
