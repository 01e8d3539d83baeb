"""``notebooks/execute.py`` (``make notebooks``) re-saves the named notebooks only."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

pytest.importorskip("nbclient")

SCRIPT = Path(__file__).resolve().parent.parent / "notebooks" / "execute.py"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("notebooks_execute", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_an_unknown_name_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert _script().main(["nothere.ipynb", "01-quickstart.ipynb"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "nothere.ipynb" in err[0] and "01-quickstart" not in err[0]


def test_a_named_notebook_is_the_only_one_run(monkeypatch: pytest.MonkeyPatch) -> None:
    module = _script()
    ran: list[str] = []

    class FakeClient:
        def __init__(self, nb: object, **kwargs: object) -> None:
            self.nb = nb

        def execute(self) -> None:
            ran.append("run")

    monkeypatch.setattr(module.nbclient, "NotebookClient", FakeClient)
    monkeypatch.setattr(module.nbformat, "write", lambda nb, path: ran.append(Path(path).name))
    assert module.main(["02-mali-2025.ipynb"]) == 0
    assert ran == ["run", "02-mali-2025.ipynb"]
