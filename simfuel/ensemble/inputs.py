"""Per-replication inputs of a stored ensemble: which scenario and seed each replication ran.

A plain ensemble needs none (every replication ran the store's scenario on
:func:`~simfuel.ensemble.seeds.replication_seed`); a posterior ensemble ran one posterior
draw per group of replications, each on its own seed, and only this file lets
``EnsembleResult.from_parquet(...).replication_inputs(i)`` re-run replication ``i``.

``replications.json`` in the store folder::

    {"format": 1,
     "replication": [0, 1, ...],             the replication indices, in this order
     "spawn_key": [[...], [...], ...] | null,  each one's full spawn key (root entropy:
                                               the manifest's seed_entropy)
     "scenario": [0, 0, 1, ...] | null,      each one's index into "scenarios"
     "scenarios": [{...}, ...],              the distinct scenarios, as scenario.json holds
     "scenario_sha256": ["...", ...]}        their digests, checked on reading

It is written atomically before the manifest that names it, so a store whose manifest
names it never lacks it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..io import write_text
from ..scenario import Scenario, load_json

__all__ = ["INPUTS_FILE", "read_inputs", "write_inputs"]

#: The file's name in a store folder.
INPUTS_FILE = "replications.json"
_FORMAT = 1
_WORD = 2**32  # a spawn key word (simfuel.seeds)


def write_inputs(
    directory: Path,
    indices: Sequence[int],
    scenarios: Sequence[Scenario] | None,
    spawn_keys: Sequence[tuple[int, ...]] | None,
    digest: Callable[[Scenario], str],
) -> Path:
    """Write ``replications.json`` into ``directory`` (atomically); returns its path.

    ``scenarios`` and ``spawn_keys`` (either may be None: the default) are aligned with
    ``indices``; ``digest`` is the store's ``scenario_digest`` function.
    """
    distinct: dict[str, int] = {}
    docs: list[Any] = []
    which: list[int] | None = None
    if scenarios is not None:
        which = []
        for sc in scenarios:
            d = digest(sc)
            if d not in distinct:
                distinct[d] = len(docs)
                docs.append(json.loads(sc.model_dump_json(by_alias=True, exclude_unset=True)))
            which.append(distinct[d])
    data = {
        "format": _FORMAT,
        "replication": [int(i) for i in indices],
        "spawn_key": None if spawn_keys is None else [[int(w) for w in k] for k in spawn_keys],
        "scenario": which,
        "scenarios": docs,
        "scenario_sha256": list(distinct),
    }
    return write_text(directory / INPUTS_FILE, json.dumps(data) + "\n")


def read_inputs(
    directory: Path, digest: Callable[[Scenario], str]
) -> tuple[dict[int, Scenario] | None, dict[int, tuple[int, ...]] | None]:
    """Read ``replications.json``: scenarios and spawn keys by replication index.

    Raises
    ------
    ValueError
        Naming the file and the field, if it cannot be read, is malformed, or a scenario
        does not match its digest (the store turns it into ``StoreDamaged``).
    """
    path = directory / INPUTS_FILE

    def bad(what: str) -> ValueError:
        return ValueError(f"{path}: {what}")

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise bad(f"cannot be read ({str(exc).strip().splitlines()[0]:.120})") from None
    if not isinstance(data, dict) or data.get("format") != _FORMAT:
        raise bad(f"not a replications file of format {_FORMAT}")
    reps = data.get("replication")
    if not isinstance(reps, list) or not all(_is_word(i) for i in reps):
        raise bad("replication: not a list of indices")
    if len(set(reps)) != len(reps):
        raise bad("replication: an index appears twice")
    keys = _read_keys(data.get("spawn_key"), len(reps), bad)
    scenarios = _read_scenarios(data, len(reps), path, digest, bad)
    return (
        None if scenarios is None else dict(zip(reps, scenarios, strict=True)),
        None if keys is None else dict(zip(reps, keys, strict=True)),
    )


def _is_word(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool) and 0 <= x < _WORD


def _read_keys(raw: Any, n: int, bad: Callable[[str], ValueError]) -> list[tuple[int, ...]] | None:
    if raw is None:
        return None
    if not isinstance(raw, list) or len(raw) != n:
        raise bad(f"spawn_key: not a list of {n} keys")
    for j, key in enumerate(raw):
        if not isinstance(key, list) or not all(_is_word(w) for w in key):
            raise bad(f"spawn_key[{j}]: not a list of 32-bit words")
    return [tuple(k) for k in raw]


def _read_scenarios(
    data: dict[str, Any],
    n: int,
    path: Path,
    digest: Callable[[Scenario], str],
    bad: Callable[[str], ValueError],
) -> list[Scenario] | None:
    which = data.get("scenario")
    if which is None:
        return None
    docs, digests = data.get("scenarios"), data.get("scenario_sha256")
    if not (isinstance(docs, list) and isinstance(digests, list) and len(docs) == len(digests)):
        raise bad("scenarios and scenario_sha256: not two lists of one length")
    if not isinstance(which, list) or len(which) != n:
        raise bad(f"scenario: not a list of {n} indices")
    if not all(_is_word(k) and k < len(docs) for k in which):
        raise bad(f"scenario: an index outside 0..{len(docs) - 1}")
    loaded = []
    for k, doc in enumerate(docs):
        if not isinstance(doc, dict):
            raise bad(f"scenarios[{k}]: not a scenario mapping")
        try:
            sc = load_json(doc, f"{path}: scenarios[{k}]")
        except ValueError as exc:
            raise bad(str(exc).strip().splitlines()[0]) from None
        if digest(sc) != digests[k]:
            raise bad(f"scenarios[{k}]: does not match its scenario_sha256")
        loaded.append(sc)
    return [loaded[k] for k in which]
