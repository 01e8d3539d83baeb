"""The registries of the engine's extension points: a class by the name a scenario gives.

Each extension point (:mod:`.escort_kinds`, :mod:`.formation`, :mod:`.threats`,
:mod:`.dispatch`, :mod:`.rationing`) is a small base class with a few documented hooks,
its current behaviour as the default subclass, and a :class:`Registry` of subclasses by
name, like SimPy's ``BaseResource`` and its ``_do_put`` / ``_do_get``. A Python user adds
a behaviour by subclassing the base and decorating the class with :func:`register`; a
scenario then chooses it by its ``name`` (the scenario's field is named in
:attr:`Registry.field`).

The scenario schema sits below the engine and cannot import it, so it keeps the names
only (:data:`simfuel.scenario.schema.ENGINE_CHOICES`); registering a class adds its name
there, and a scenario that names a class nobody registered fails validation with the
known names listed.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from ..scenario.schema import allow_engine_choice

__all__ = ["Registry", "register"]

T = TypeVar("T")

_REGISTRIES: list[Registry[Any]] = []


class Registry(Generic[T]):
    """Subclasses of one extension point's base class, by name.

    Parameters
    ----------
    base : type
        The extension point's base class; every registered class subclasses it and sets a
        class attribute ``name``.
    what : str
        The extension point in words (``threat model``), as the schema's errors name it.
    field : str
        Where a scenario chooses it (``threat.model``), for messages.
    """

    def __init__(self, base: type[T], what: str, field: str) -> None:
        self.base = base
        self.what = what
        self.field = field
        self._classes: dict[str, type[T]] = {}
        _REGISTRIES.append(self)

    def add(self, cls: type[T]) -> type[T]:
        """Register ``cls`` under ``cls.name`` (a name already taken by another class fails)."""
        name = getattr(cls, "name", "")
        if not isinstance(name, str) or not name:
            raise ValueError(f"{cls.__qualname__}: a {self.what} needs a class attribute `name`")
        old = self._classes.get(name)
        if old is not None and old is not cls and old.__qualname__ != cls.__qualname__:
            # The same class defined again (a re-run notebook cell) replaces itself.
            raise ValueError(
                f"{cls.__qualname__}: {self.what} {name!r} is taken by {old.__qualname__}"
            )
        self._classes[name] = cls
        allow_engine_choice(self.what, name)
        return cls

    def get(self, name: str) -> type[T]:
        """The class registered as ``name``; KeyError naming the known ones otherwise."""
        try:
            return self._classes[name]
        except KeyError:
            known = ", ".join(self._classes)
            raise KeyError(f"{self.field}: unknown {self.what} {name!r} (known: {known})") from None

    def names(self) -> tuple[str, ...]:
        """The registered names, in the order they were registered."""
        return tuple(self._classes)


C = TypeVar("C", bound=type)


def register(cls: C) -> C:
    """Class decorator: make ``cls`` a choice of the extension point it subclasses.

    ``cls`` subclasses one of :class:`~simfuel.sim.escort_kinds.EscortKind`,
    :class:`~simfuel.sim.formation.FormationRule`,
    :class:`~simfuel.sim.threats.ThreatModel`,
    :class:`~simfuel.sim.dispatch.DispatchPolicy` or
    :class:`~simfuel.sim.rationing.RationingRule` and sets ``name``; a scenario then
    chooses it by that name. Register at import time of a module, so that process-pool
    workers started with ``spawn`` (which import the module again) know the name too.

    Returns
    -------
    type
        ``cls`` itself.
    """
    for registry in _REGISTRIES:
        if isinstance(cls, type) and issubclass(cls, registry.base):
            registry.add(cls)
            return cls
    bases = ", ".join(r.base.__name__ for r in _REGISTRIES)
    raise TypeError(f"{cls!r} subclasses none of the engine's extension points ({bases})")
