"""Dotted paths into a scenario: ``escorts.army.units``, ``events.blockade-1.intensity``.

The one way a path of ``--set``, ``sweep``, ``calibrate`` and ``sensitivity`` is walked. A
part names a key of a mapping, a field of a model (by name or alias: ``legs.0.from``), or an
item of a list, by position (``0``, ``-1``) or by its ``id``. It works alike on validated
models and on the raw mappings read from YAML; pure (no pydantic import: a model is anything
whose class has ``model_fields``).

Functions raise :class:`PathError`, which says where the path stopped and what was there,
so that each caller words the problem for its own reader.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["PathError", "Step", "get_path", "set_path", "split_path", "walk"]

_RAISE: Any = object()


class PathError(LookupError):
    """A dotted path that leads nowhere.

    Attributes
    ----------
    path : str
        The whole path.
    where : str
        The path up to and including the part that failed (``escorts.armee``).
    part : str
        That part.
    kind : str
        ``"empty"`` (an empty part, ``a..b``), ``"no_key"`` (not a key of a mapping),
        ``"no_field"`` (not a field of a model), ``"no_item"`` (no list item at that
        position or with that id), ``"not_container"`` (a number or text has no parts),
        ``"refused"`` (the caller's ``create`` refused to add a missing entry).
    candidates : tuple of str
        What the part could have been: the keys, fields or item ids there.
    container : str
        Type name of what the part was looked up in.
    """

    def __init__(
        self,
        path: str,
        depth: int,
        kind: str,
        candidates: Sequence[str] = (),
        container: str = "",
    ) -> None:
        parts = path.split(".")
        self.path, self.kind, self.container = path, kind, container
        self.part = parts[depth] if depth < len(parts) else ""
        self.where = ".".join(parts[: depth + 1])
        self.candidates = tuple(str(c) for c in candidates)
        super().__init__(f"{self.where}: {kind.replace('_', ' ')} {self.part!r}")


@dataclass(frozen=True, slots=True)
class Step:
    """One part of a path, resolved.

    Attributes
    ----------
    part : str
        The part as written.
    key : str or int
        What it indexes its container with: a mapping key, a field name (not its alias)
        or a list position.
    value : object
        What is there.
    annotation : object
        The declared type when the container is a model, else None.
    """

    part: str
    key: str | int
    value: Any
    annotation: Any = None


def split_path(path: str) -> list[str]:
    """The parts of a dotted path; :class:`PathError` (``kind="empty"``) for ``a..b``."""
    parts = str(path).split(".")
    for depth, part in enumerate(parts):
        if not part.strip():
            raise PathError(str(path), depth, "empty")
    return parts


def _fields(node: Any) -> Mapping[str, Any] | None:
    fields = getattr(type(node), "model_fields", None)
    return fields if isinstance(fields, Mapping) else None


def _item_id(item: Any) -> Any:
    return item.get("id") if isinstance(item, Mapping) else getattr(item, "id", None)


def _list_index(node: Sequence[Any], part: str) -> int | None:
    if part.lstrip("-").isdigit():
        i = int(part)
        return i if -len(node) <= i < len(node) else None
    for i, item in enumerate(node):
        if _item_id(item) == part:
            return i
    return None


def _is_list(node: Any) -> bool:
    return isinstance(node, Sequence) and not isinstance(node, str | bytes)


def _step(node: Any, part: str, path: str, depth: int) -> Step:
    fields = _fields(node)
    if fields is not None:
        for name, info in fields.items():
            if part in (name, getattr(info, "alias", None)):
                return Step(part, name, getattr(node, name), getattr(info, "annotation", None))
        names = [getattr(info, "alias", None) or name for name, info in fields.items()]
        raise PathError(path, depth, "no_field", names, type(node).__name__)
    if isinstance(node, Mapping):
        if part in node:
            return Step(part, part, node[part])
        raise PathError(path, depth, "no_key", list(node), type(node).__name__)
    if _is_list(node):
        i = _list_index(node, part)
        if i is None:
            ids = [str(v) for v in map(_item_id, node) if v is not None]
            raise PathError(path, depth, "no_item", ids, type(node).__name__)
        return Step(part, i, node[i])
    raise PathError(path, depth, "not_container", (), type(node).__name__)


def walk(root: Any, path: str) -> list[Step]:
    """Every step of ``path`` from ``root``: what each part indexes and finds.

    Raises
    ------
    PathError
        Where a part finds nothing.
    """
    steps: list[Step] = []
    node = root
    for depth, part in enumerate(split_path(path)):
        step = _step(node, part, str(path), depth)
        steps.append(step)
        node = step.value
    return steps


def get_path(root: Any, path: str, default: Any = _RAISE) -> Any:
    """The value at ``path``; ``default`` if given and the path leads nowhere.

    Parameters
    ----------
    root : model, mapping or list
        A validated scenario, or the mapping read from a scenario file.
    path : str
        E.g. ``"threat.hazard_per_100km"`` or ``"events.blockade.intensity"``.
    default : object, optional
        Returned instead of raising :class:`PathError`.
    """
    try:
        return walk(root, path)[-1].value
    except PathError:
        if default is _RAISE:
            raise
        return default


#: ``create(loc, mapping, created)``: may a missing entry be added to ``mapping``, found at
#: ``loc`` (keys and list positions from the root)? ``created``: the mapping itself was
#: added by this same call.
Create = Callable[[tuple[str | int, ...], Mapping[str, Any], bool], bool]


def set_path(
    root: MutableMapping[str, Any], path: str, value: Any, *, create: Create | None = None
) -> None:
    """Set the value at ``path`` in nested mappings and lists (a raw scenario), in place.

    A mapping missing on the way (or holding None) is added, empty, unless ``create`` says
    no; list items must exist (by position or ``id``).

    Parameters
    ----------
    root : mutable mapping
        Mappings and lists, as read from YAML.
    path : str
        Dotted path; its last part is the key or list position set.
    value : object
        Set as given (not copied).
    create : callable, optional
        Asked before a missing mapping is added (see :data:`Create`); False raises
        :class:`PathError` with ``kind="refused"``.

    Raises
    ------
    PathError
        Where a part finds nothing it may set or step through.
    """
    parts = split_path(path)
    text = str(path)
    node: Any = root
    loc: tuple[str | int, ...] = ()
    created = False  # node was added by this call, not found in root
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        if isinstance(node, MutableMapping) and _fields(node) is None:
            if last:
                node[part] = value
                return
            if node.get(part) is None:
                if create is not None and not create(loc, node, created):
                    raise PathError(text, depth, "refused", list(node), type(node).__name__)
                node[part] = {}
                created = True
            node, loc = node[part], (*loc, part)
        elif isinstance(node, list):
            step = _step(node, part, text, depth)
            if last:
                node[int(step.key)] = value
                return
            node, loc = step.value, (*loc, step.key)
        else:
            raise PathError(text, depth, "not_container", (), type(node).__name__)
