"""The public API: what simfuel exports is what the README documents, all documented."""

from __future__ import annotations

import inspect

import simfuel
from tests.helpers import ROOT


def test_every_export_exists_and_has_a_docstring():
    for name in simfuel.__all__:
        obj = getattr(simfuel, name)
        if callable(obj):
            assert inspect.getdoc(obj), f"simfuel.{name} has no docstring"


def test_readme_documents_every_public_function_and_class():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [
        name
        for name in simfuel.__all__
        if not name.startswith("_")
        and (inspect.isfunction(getattr(simfuel, name)) or inspect.isclass(getattr(simfuel, name)))
        and name not in readme
    ]
    assert missing == [], f"not in README.md: {missing}"


def test_public_functions_document_their_parameters():
    for name in ("run", "run_ensemble", "sweep", "load_scenario", "calibrate", "size_fleet"):
        doc = inspect.getdoc(getattr(simfuel, name)) or ""
        assert "Parameters" in doc and "Returns" in doc, name
