"""Provenance: what a result was computed from, in one small record.

Two analyses of ``mali-2025`` with different ``--set`` overrides must not look identical
on disk or on paper. A :class:`Provenance` names the scenario, the overrides applied to it
(ordered ``"path=value"`` strings), the SHA-256 of the validated scenario's canonical
JSON, the seed and the simfuel version. The CLI header, ``summary.json``, an ensemble
store's manifest and the report's title block all show it.

The overrides are recorded where they are applied (:func:`simfuel.load_scenario`,
:func:`simfuel.scenario.apply_overrides`) and looked up by :func:`provenance_of`. A
:class:`~simfuel.scenario.Scenario` is a frozen pydantic model whose equality and
serialisation must not change with how it was made, so the record is kept beside it (keyed
by the object, dropped with it) rather than on it. A scenario built any other way (a copy,
one unpickled in a worker) has no recorded overrides: its content hash still tells it
apart.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .._version import __version__
from .schema import Scenario

__all__ = ["Provenance", "content_hash", "format_override", "provenance_of", "record_overrides"]

# id(scenario) -> (a weak reference to it, the overrides that made it). The weak reference
# both drops the entry with the scenario and guards against a reused id.
_OVERRIDES: dict[int, tuple[weakref.ref[Scenario], tuple[str, ...]]] = {}

#: Hex digits of the content hash shown in one-line headers (the full hash is stored).
SHORT_HASH = 12


def content_hash(scenario: Scenario) -> str:
    """SHA-256 (hex) of the validated scenario's canonical JSON.

    The JSON is the model's own dump (field order of the schema, entries in the order
    given, which the simulation follows too), so two equal scenarios share it however they
    were written, and it equals an ensemble store's ``scenario_sha256``.
    """
    text = scenario.model_dump_json(by_alias=True, exclude=_default_engine_choices(scenario))
    return hashlib.sha256(text.encode()).hexdigest()


def _default_engine_choices(scenario: Scenario) -> dict[str, Any]:
    """The engine-choice fields that hold their defaults, left out of the hash.

    They came after stores existed (``threat.model``, a corridor's ``formation_rule`` and
    ``dispatch_policy``); leaving them out while they hold their defaults keeps the hash of
    every scenario that does not use them what it was, so such a store still resumes.
    """
    exclude: dict[str, Any] = {}
    if scenario.threat.model == type(scenario.threat).model_fields["model"].default:
        exclude["threat"] = {"model"}
    corridor_fields = type(next(iter(scenario.corridors.values()))).model_fields
    corridors = {}
    for key, c in scenario.corridors.items():
        fields = {
            name
            for name in ("formation_rule", "dispatch_policy")
            if getattr(c, name) == corridor_fields[name].default
        }
        if fields:
            corridors[key] = fields
    if corridors:
        exclude["corridors"] = corridors
    return exclude


def format_override(path: str, value: Any) -> str:
    """One override as ``"path=value"``, the value written as ``--set`` would read it."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif value is None:
        text = "null"
    elif isinstance(value, int | float | str):
        text = str(value)
    elif isinstance(value, dt.date):
        text = value.isoformat()
    else:  # lists and mappings: flow YAML, which JSON is a subset of
        text = json.dumps(value, default=str, ensure_ascii=False, separators=(", ", ": "))
    return f"{path}={text}"


def record_overrides(
    scenario: Scenario, overrides: Mapping[str, Any], base: Scenario | None = None
) -> Scenario:
    """Record that ``scenario`` is ``base`` (or a file) with ``overrides`` applied.

    The base's own overrides come first; a path set again replaces its earlier entry, so
    the list reads as what differs from the file. Returns ``scenario``.
    """
    earlier = list(_overrides_of(base)) if base is not None else []
    new = [format_override(str(p), v) for p, v in overrides.items()]
    paths = {item.partition("=")[0] for item in new}
    kept = tuple(item for item in earlier if item.partition("=")[0] not in paths) + tuple(new)
    if kept:
        key = id(scenario)
        _OVERRIDES[key] = (weakref.ref(scenario, lambda _: _OVERRIDES.pop(key, None)), kept)
    return scenario


def _overrides_of(scenario: Scenario) -> tuple[str, ...]:
    entry = _OVERRIDES.get(id(scenario))
    if entry is None or entry[0]() is not scenario:
        return ()
    return entry[1]


@dataclass(frozen=True)
class Provenance:
    """What a result was computed from.

    Attributes
    ----------
    scenario : str
        The scenario's ``name``.
    overrides : tuple of str
        ``"path=value"`` overrides applied to the scenario file, in order (empty: none).
    scenario_sha256 : str
        SHA-256 of the validated scenario (overrides applied), see :func:`content_hash`.
    seed : int or None
        Entropy of the root seed (None: not recorded).
    spawn_key : tuple of int
        Spawn key of the root SeedSequence (empty for an integer seed).
    simfuel_version : str
        The version of simfuel that computed the result.
    """

    scenario: str
    overrides: tuple[str, ...] = ()
    scenario_sha256: str = ""
    seed: int | None = None
    spawn_key: tuple[int, ...] = ()
    simfuel_version: str = field(default=__version__)

    @property
    def label(self) -> str:
        """The scenario and its overrides: ``"mali-2025 + threat.hazard_per_100km=0.2"``."""
        return " + ".join([self.scenario, *self.overrides])

    @property
    def seed_text(self) -> str:
        """The seed as shown: ``"2025"``, or ``"2025 (spawn key 3, 1)"``."""
        if self.seed is None:
            return "unrecorded"
        if not self.spawn_key:
            return str(self.seed)
        return f"{self.seed} (spawn key {', '.join(map(str, self.spawn_key))})"

    def header(self) -> str:
        """One line: seed, short content hash and version (what the CLI prints first)."""
        return (
            f"seed {self.seed_text}, scenario sha256 {self.scenario_sha256[:SHORT_HASH]}, "
            f"simfuel {self.simfuel_version}"
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (``summary.json``, an ensemble store's manifest)."""
        return {
            "scenario": self.scenario,
            "overrides": list(self.overrides),
            "scenario_sha256": self.scenario_sha256,
            "seed": self.seed,
            "spawn_key": list(self.spawn_key),
            "simfuel_version": self.simfuel_version,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Provenance:
        """The record :meth:`to_dict` wrote (missing keys take their defaults)."""
        seed = data.get("seed")
        return cls(
            scenario=str(data.get("scenario", "")),
            overrides=tuple(str(x) for x in data.get("overrides") or ()),
            scenario_sha256=str(data.get("scenario_sha256", "")),
            seed=int(seed) if isinstance(seed, int) and not isinstance(seed, bool) else None,
            spawn_key=tuple(int(x) for x in data.get("spawn_key") or ()),
            simfuel_version=str(data.get("simfuel_version", "unknown")),
        )


def provenance_of(
    scenario: Scenario, *, seed: int | None = None, spawn_key: tuple[int, ...] = ()
) -> Provenance:
    """The provenance of a result of ``scenario`` run with ``seed``.

    Parameters
    ----------
    scenario : Scenario
        The scenario as run; its overrides are those recorded when it was loaded.
    seed : int, optional
        Entropy of the root seed.
    spawn_key : tuple of int
        Spawn key of the root SeedSequence.
    """
    return Provenance(
        scenario=scenario.name,
        overrides=_overrides_of(scenario),
        scenario_sha256=content_hash(scenario),
        seed=seed,
        spawn_key=tuple(int(x) for x in spawn_key),
    )
