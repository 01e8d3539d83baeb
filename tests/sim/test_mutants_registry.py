"""The registry API a plugin author uses, on a registry of its own (the mutation run found
that only the import-time registrations, which it cannot see, exercised it)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

import pytest

from simfuel.sim import registry as registry_module
from simfuel.sim.registry import Registry, register
from simfuel.sim.threats import THREAT_MODELS


class Widget:
    name: ClassVar[str] = ""


@pytest.fixture
def widgets(monkeypatch: pytest.MonkeyPatch) -> Iterator[Registry[Widget]]:
    # The schema knows only the engine's own extension points: no name is added there.
    monkeypatch.setattr(registry_module, "allow_engine_choice", lambda what, name: None)
    reg: Registry[Widget] = Registry(Widget, "widget kind", "things.<key>.widget")
    yield reg
    registry_module._REGISTRIES.remove(reg)  # leave the engine's registries as they were


def test_a_new_registry_takes_classes_by_name_and_names_its_field_in_errors(
    widgets: Registry[Widget],
) -> None:
    assert widgets.names() == ()

    @register
    class Round(Widget):
        name = "round"

    assert widgets.get("round") is Round and widgets.names() == ("round",)
    with pytest.raises(
        KeyError, match=r"things.<key>.widget: unknown widget kind 'flat' \(known: round\)"
    ):
        widgets.get("flat")


def test_a_class_without_a_name_attribute_is_refused() -> None:
    class Bare:
        pass

    with pytest.raises(ValueError, match="Bare: a threat model needs a class attribute `name`"):
        THREAT_MODELS.add(Bare)  # type: ignore[arg-type]
    assert "XXXX" not in THREAT_MODELS.names()


def test_registering_a_stray_class_lists_the_extension_points() -> None:
    class Stray:
        name = "stray"

    with pytest.raises(TypeError) as err:
        register(Stray)
    for base in ("EscortKind", "FormationRule", "ThreatModel", "DispatchPolicy"):
        assert base in str(err.value)
    assert "EscortKind, " in str(err.value)
