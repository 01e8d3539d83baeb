"""Reading scenario files: YAML (``safe_load`` only), ``extends`` with deep merge, overrides.

This is the only module of simfuel that reads a scenario file. Everything above it sees a
validated :class:`~simfuel.scenario.schema.Scenario` or a :class:`ScenarioError`.

A scenario is named by a file or, for the shipped ones, by name (``"mali-2025"``); so is
the parent in ``extends: parent.yaml`` (a path relative to the child file) or
``extends: mali-2025`` (see :mod:`simfuel.scenario.shipped` for the rule).

Merge rules for ``extends``:

* mappings merge key by key, recursively; the child wins;
* lists replace the parent's list, except lists of mappings that all carry an ``id``
  (the ``events`` timeline, typically): those merge by ``id``: a child item with a known id
  is deep-merged into the parent's item, an item ``{id: x, remove: true}`` removes it, new
  ids are appended. An empty list always replaces.
"""

from __future__ import annotations

import copy
import difflib
import errno
import os
import re
import stat
import typing
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from ..text import safe_echo as _safe_echo
from ..text import safe_repr as _safe_repr
from .errors import Problem, ScenarioError
from .paths import PathError, set_path
from .provenance import record_overrides
from .schema import DELAY_DISTRIBUTIONS, EVENT_TYPES, Scenario
from .shipped import is_bare_name, resolve_scenario, shipped_path

__all__ = ["apply_overrides", "deep_merge", "load_scenario", "parse_overrides", "read_raw"]

_MAX_EXTENDS_DEPTH = 16

# Limits that keep a hostile file from hanging or exhausting the reader. No scenario comes
# near them (the shipped ones are under 15 kB, 5 levels and 1,100 values).
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_DEPTH = 64  # mappings and lists inside each other, aliases expanded
MAX_VALUES = 1_000_000  # keys, values and items of a file and its parents, aliases expanded

_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"


class _Refused(yaml.constructor.ConstructorError):
    """Something the loader refuses on purpose (not a syntax error), with its field path."""

    def __init__(self, path: str, problem: str, mark: Any = None) -> None:
        super().__init__(None, None, problem, mark)
        self.path = path


class _Strict:
    """Mixin for ``yaml.SafeLoader``: leave dates as text, refuse duplicate keys.

    Dates stay strings so that pydantic, not PyYAML, parses them: an impossible date
    such as 2025-13-01 then gets a message with its field path instead of a bare
    ``ValueError``. A key given twice in one mapping is an error, not a silent overwrite.
    Keys that are not text were refused by :func:`_check_shape` already; the check here
    only keeps an unhashable key a YAML error, never a ``TypeError``.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, yaml.Node] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE_TAG:
                raise _Refused("", "a key must be plain text", key_node.start_mark)
            key = self.construct_object(key_node, deep=deep)  # type: ignore[attr-defined]
            if key in seen:
                first = seen[key].start_mark.line + 1
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"duplicate key {_safe_repr(key)} (first given at line {first})",
                    key_node.start_mark,
                )
            seen[key] = key_node
        return super().construct_mapping(node, deep=deep)  # type: ignore[misc]

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        _refuse_yaml11_number(node)
        return super().construct_yaml_int(node)  # type: ignore[misc]

    def construct_yaml_float(self, node: yaml.ScalarNode) -> float:
        _refuse_yaml11_number(node)
        return super().construct_yaml_float(node)  # type: ignore[misc]


#: Plain numbers whose YAML 1.1 meaning (PyYAML's) differs from what a reader sees and from
#: YAML 1.2: ``1:30`` is base 60 (90), ``012`` is octal (10). Digit groups (``40_000_000``)
#: stay allowed: they mean what they look like.
_YAML11_ONLY = re.compile(r"[-+]?(?:0[0-9_]+|[0-9][0-9_]*:[0-9:_.]*)")


def _refuse_yaml11_number(node: yaml.ScalarNode) -> None:
    """Refuse a plain number that YAML 1.1 reads differently from how it looks."""
    if _YAML11_ONLY.fullmatch(node.value):
        raise _Refused(
            "",
            f"ambiguous number {_safe_repr(node.value)}: YAML 1.1 reads a leading 0 as "
            "octal and ':' as base 60; write it plainly (or quote it as text)",
            node.start_mark,
        )


_NO_TIMESTAMPS = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _PyLoader(_Strict, yaml.SafeLoader):
    yaml_implicit_resolvers = _NO_TIMESTAMPS


class _CLoader(_Strict, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's parser (about 10x faster) when PyYAML was built with it."""

    yaml_implicit_resolvers = _NO_TIMESTAMPS


for _loader in (_PyLoader, _CLoader):
    _loader.add_constructor("tag:yaml.org,2002:int", _Strict.construct_yaml_int)  # type: ignore[type-var]
    _loader.add_constructor("tag:yaml.org,2002:float", _Strict.construct_yaml_float)  # type: ignore[type-var]


class _KeyResolver(yaml.resolver.Resolver):
    """Tells which type a plain key would be read as, the way the loaders read it."""

    yaml_implicit_resolvers = _NO_TIMESTAMPS


_RESOLVER = _KeyResolver()
_KEY_KINDS = {
    "int": "an integer",
    "float": "a number",
    "bool": "true or false (YAML 1.1 reads yes/no/on/off so)",
    "null": "null",
}


@dataclass
class _Frame:
    """An open mapping or list while :func:`_check_shape` walks the events."""

    anchor: str | None
    is_mapping: bool
    values: int = 1  # this node and everything inside it, aliases expanded
    levels: int = 1  # collections nested in this one, itself included
    index: int = -1  # lists: the item being read
    key: str | None = None  # mappings: the key whose value is being read
    at_key: bool = True  # mappings: the next node is a key


def _path_of(stack: list[_Frame]) -> str:
    out = ""
    for i, frame in enumerate(stack):
        if frame.is_mapping:
            # the innermost mapping, about to read a key, is not inside any of its values
            if frame.key is not None and not (i == len(stack) - 1 and frame.at_key):
                out += f".{frame.key}" if out else frame.key
        elif frame.index >= 0:
            out += f"[{frame.index}]"
    return out


def _check_shape(text: str, budget: int, loader: type = _CLoader, shared: bool = False) -> int:
    """Walk the YAML events of ``text`` and refuse what would hang or crash the loader.

    PyYAML composes and constructs recursively and expands every alias where it is used,
    so the checks run on the event stream, which libyaml produces without recursion and
    without expanding anything: nesting deeper than ``MAX_DEPTH`` (aliases expanded), more
    than ``budget`` values (aliases expanded: a "billion laughs" is refused here), an alias
    inside the node it names (a recursive structure), and keys that are not plain text
    (lists, mappings, aliases, numbers, booleans, null and YAML merge keys ``<<``).

    Returns
    -------
    int
        The number of values, aliases expanded.

    Raises
    ------
    _Refused
        With the field path and the line of the first problem. Syntax errors are left to
        the loader, which words them better; it meets them no deeper than checked here.
    """
    stack: list[_Frame] = []
    sizes: dict[str, tuple[int, int]] = {}  # anchor -> (values, levels) once closed
    total = 0
    aliased = False
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.CollectionEndEvent):
                done = stack.pop()
                if done.anchor is not None:
                    sizes[done.anchor] = (done.values, done.levels)
                if stack:
                    stack[-1].values += done.values
                    stack[-1].levels = max(stack[-1].levels, done.levels + 1)
                continue
            if not isinstance(event, yaml.NodeEvent):
                continue
            parent = stack[-1] if stack else None
            where = _path_of(stack)
            if parent is not None and parent.is_mapping:
                if parent.at_key:
                    parent.key = _key_text(event, where)
                parent.at_key = not parent.at_key
            elif parent is not None:
                parent.index += 1
                where = _path_of(stack)
            if isinstance(event, yaml.AliasEvent):
                if any(f.anchor == event.anchor for f in stack):
                    name = _safe_echo(event.anchor, 40)
                    raise _Refused(
                        where,
                        f"the alias *{name} is inside the node it names (a recursive structure)",
                        event.start_mark,
                    )
                values, levels = sizes.get(str(event.anchor), (1, 0))
                aliased = aliased or values > 1
            elif isinstance(event, yaml.CollectionStartEvent):
                values, levels = 1, 1
            else:
                values, levels = 1, 0
                if event.anchor is not None:
                    sizes[event.anchor] = (1, 0)
            if len(stack) + levels > MAX_DEPTH:
                raise _Refused(where, f"nested deeper than {MAX_DEPTH} levels", event.start_mark)
            total += values
            if total > budget:
                what = "aliases expand it to" if aliased else "it holds"
                share = (
                    f", what the files before it in the extends chain leave of {MAX_VALUES:,}"
                    if shared
                    else ""
                )
                raise _Refused(
                    where,
                    f"too large: {what} more than {budget:,} values (keys, values and items"
                    f"{share})",
                    event.start_mark,
                )
            if isinstance(event, yaml.CollectionStartEvent):
                stack.append(_Frame(event.anchor, isinstance(event, yaml.MappingStartEvent)))
            elif parent is not None:
                parent.values += values
                parent.levels = max(parent.levels, levels + 1)
    except _Refused:
        raise
    except yaml.YAMLError:
        # A syntax error: the loader reports it. The pure-Python parser, which words it, may
        # read further than libyaml, so what it reads is checked too.
        if loader is not _PyLoader:
            return _check_shape(text, budget, _PyLoader, shared)
    return total


def _key_text(event: yaml.Event, where: str) -> str:
    """The text of a mapping key, or :class:`_Refused` if the key is not plain text."""
    mark = event.start_mark
    if not isinstance(event, yaml.ScalarEvent):
        what = "an alias" if isinstance(event, yaml.AliasEvent) else "a list or a mapping"
        raise _Refused(where, f"a key must be plain text, not {what}", mark)
    tag = event.tag
    if tag is None or tag == "!":
        tag = _RESOLVER.resolve(yaml.ScalarNode, event.value, event.implicit)
    shown = _safe_echo(event.value, 40)
    if tag == _MERGE_TAG:
        raise _Refused(
            where,
            "YAML merge keys ('<<') are not supported: use extends, or repeat the keys",
            mark,
        )
    if tag != _STR_TAG:
        kind = tag.rsplit(":", 1)[-1]
        kind = _KEY_KINDS.get(kind, kind)
        raise _Refused(where, f"the key '{shown}' is read as {kind}, not text: quote it", mark)
    return shown


def _load_yaml(text: str, budget: int | None = None, shared: bool = False) -> tuple[Any, int]:
    """``yaml.safe_load`` with the checks of :func:`_check_shape`; also the values used."""
    used = _check_shape(text, MAX_VALUES if budget is None else budget, shared=shared)
    try:
        return yaml.load(text, Loader=_CLoader), used  # a SafeLoader: no arbitrary objects
    except yaml.YAMLError:
        # The pure-Python parser words its errors better (it names the bad character).
        return yaml.load(text, Loader=_PyLoader), used  # a SafeLoader: no arbitrary objects


def read_value(text: str) -> Any:
    """One value read as YAML the way scenario files are (``--set``, ``--param``).

    The same loader as for files: safe, capped, dates left as text for pydantic, and plain
    numbers that YAML 1.1 reads differently from how they look (``1:30``, ``012``) refused.

    Raises
    ------
    yaml.YAMLError
        If the text does not parse or is refused.
    """
    return _load_yaml(text)[0]


def load_scenario(
    source: str | os.PathLike[str] | Mapping[str, Any] | Scenario,
    overrides: Mapping[str, Any] | Sequence[str] | None = None,
) -> Scenario:
    """Load and validate a scenario.

    Parameters
    ----------
    source : path, name, mapping or Scenario
        A YAML file (``extends`` resolved relative to it), the name of a shipped scenario
        (``"mali-2025"``; a string that names an existing file is that file, see
        :func:`~simfuel.scenario.shipped_scenarios`), an already parsed mapping, or a
        :class:`Scenario` (returned as is, or with ``overrides`` applied).
    overrides : mapping or sequence of str, optional
        Dotted field paths and values applied after merging, e.g.
        ``{"threat.hazard_per_100km": 0.2}`` or ``["corridors.rn1.tankers_per_day=40"]``
        (the value right of ``=`` is read as YAML, so ``0.2`` is a number, ``[a, b]`` a list).
        List items are addressed by index or, in lists of mappings with ``id``, by id.

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        If the file is missing or malformed, or the scenario is invalid. The message names
        the file, the field path and the problem.
    """
    if isinstance(source, Scenario):
        if not overrides:
            return source
        return apply_overrides(source, overrides)
    if isinstance(source, Mapping):
        label = "<scenario>"
        raw: dict[str, Any] = copy.deepcopy(dict(source))
        if "extends" in raw:
            raise ScenarioError(
                label, [Problem("extends", "only a scenario file can extend another file")]
            )
    else:
        # a file, or the name of a shipped scenario ("mali-2025"): see scenario.shipped
        label = str(source)
        path = resolve_scenario(source)
        files: list[tuple[str, dict[str, Any]]] = []
        raw = _read_chain(path, [label], {}, [MAX_VALUES], files)
        parsed = parse_overrides(overrides, label) if overrides else {}
        if parsed:
            raw = _apply_to_raw(raw, parsed, label)
        try:
            return record_overrides(validate(raw, label), parsed)
        except ScenarioError as exc:
            if len(files) < 2:
                raise
            # A value set in a parent: name the chain down to the file that sets it.
            problems = [_set_in(p, files) for p in exc.problems]
            raise ScenarioError(label, problems) from None
    parsed = parse_overrides(overrides, label) if overrides else {}
    if parsed:
        raw = _apply_to_raw(raw, parsed, label)
    return record_overrides(validate(raw, label), parsed)


def _set_in(problem: Problem, files: list[tuple[str, dict[str, Any]]]) -> Problem:
    """``problem`` with the chain to the parent that sets its field, if not the first file.

    The most derived file holding the field's path sets it (a child overrides its parent);
    the walk stops at the first list index, since merged list positions are not a file's.
    """
    keys = problem.path.split("[", 1)[0].split(".") if problem.path else []
    for label, data in files:
        node: Any = data
        for key in keys:
            if not isinstance(node, dict) or key not in node:
                break
            node = node[key]
        else:
            if keys and label != files[0][0]:
                return Problem(problem.path, f"{problem.message} (set in {label})")
            return problem
    return problem


def validate(raw: Mapping[str, Any], label: str = "<scenario>") -> Scenario:
    """Validate a merged mapping as a :class:`Scenario`, or raise :class:`ScenarioError`."""
    try:
        return Scenario.model_validate(raw)
    except ValidationError as exc:
        raise ScenarioError(label, [_with_item_id(p, raw) for p in _problems(exc)]) from None


_LIST_ITEM = re.compile(r"^([A-Za-z_]+)\[(\d+)\]")


def _with_item_id(problem: Problem, raw: Mapping[str, Any]) -> Problem:
    """``problem`` naming the id of the list item it is about: ``(events[1] has id 'escort')``.

    A user names an event by its id (in the file, in ``--set events.escort.date=...``);
    the path gives its merged position, which they never typed. The id is added to the
    message, not the path, so that a field path stays one dotted path.
    """
    match = _LIST_ITEM.match(problem.path)
    if match is None or problem.path.endswith(".id"):  # an id problem shows the id already
        return problem
    items, index = raw.get(match.group(1)), int(match.group(2))
    if not isinstance(items, list) or index >= len(items) or not isinstance(items[index], Mapping):
        return problem
    ident = items[index].get("id")
    if not isinstance(ident, str) or not ident:
        return problem
    return Problem(problem.path, f"{problem.message} ({match.group(0)} has id {_safe_repr(ident)})")


def apply_overrides(
    scenario: Scenario,
    overrides: Mapping[str, Any] | Sequence[str],
    *,
    label: str | None = None,
) -> Scenario:
    """Return a copy of ``scenario`` with dotted-path ``overrides`` applied and re-validated.

    This is how sweeps, sensitivity analysis and calibration vary a scenario: the same
    dotted paths as ``simfuel run --set``. ``label`` names the source in errors (default
    ``<scenario NAME>``; the CLI passes the argument, e.g. ``--param threat.x``). The
    copy's provenance lists ``scenario``'s overrides, then these
    (:func:`~simfuel.scenario.provenance.provenance_of`).
    """
    # exclude_unset: defaults stay implicit, so checks that look at what the file set
    # (e.g. risk on legs before staging) see the same scenario again.
    raw = scenario.model_dump(by_alias=True, exclude_unset=True)
    label = label or f"<scenario {_safe_echo(scenario.name)}>"
    parsed = parse_overrides(overrides, label)
    raw = _apply_to_raw(raw, parsed, label)
    return record_overrides(validate(raw, label), parsed, base=scenario)


def read_raw(path: Path) -> dict[str, Any]:
    """Read a YAML scenario file into a mapping, resolving ``extends`` chains.

    Raises
    ------
    ScenarioError
        If the file or a parent cannot be read or used. A problem in a parent names the
        chain of files from ``path`` to that parent, e.g. ``a.yaml -> ../b.yaml: ...``.
    """
    return _read_chain(path, [str(path)], {}, [MAX_VALUES])


_SCENARIO_KEYS = frozenset({f.alias or n for n, f in Scenario.model_fields.items()} | {"extends"})
_YAML_SUFFIXES = (".yaml", ".yml")


def _read_chain(
    path: Path,
    chain: list[str],
    seen: dict[tuple[int, int], int],
    budget: list[int],
    files: list[tuple[str, dict[str, Any]]] | None = None,
) -> dict[str, Any]:
    """Read ``path`` (reached through ``chain``) and the files it extends.

    ``seen`` maps each file already in the chain (by device and inode, so that links and
    different spellings of one file are one file) to its index in ``chain``; ``budget`` is
    the number of values (aliases expanded) the rest of the chain may still hold, shared so
    that
    ``extends`` cannot multiply what each file is allowed. ``files``, if given, receives
    each file's chain label and own mapping, the given file first (for :func:`_set_in`).
    """
    label = " -> ".join(chain)
    is_parent = len(chain) > 1

    def refuse(field: str, problem: str) -> ScenarioError:
        return ScenarioError(label, [Problem(field, problem)])

    text, identity = _read_text(path, refuse)
    if identity in seen:
        # Reported in the file where the cycle starts, with the cycle itself as the problem.
        first = seen[identity]
        cycle = " -> ".join(chain[first:])
        raise ScenarioError(
            " -> ".join(chain[: first + 1]), [Problem("", f"circular extends: {cycle}")]
        )
    if len(chain) > _MAX_EXTENDS_DEPTH + 1:
        raise refuse("", f"the extends chain is longer than {_MAX_EXTENDS_DEPTH + 1} files")
    try:
        data, used = _load_yaml(text, budget[0], shared=is_parent)
    except _Refused as exc:
        raise refuse(_safe_echo(exc.path, 120), _yaml_message(exc)) from None
    except yaml.YAMLError as exc:
        raise refuse("", _yaml_message(exc)) from None
    budget[0] -= used
    if data is None:
        raise refuse("", "the file is empty")
    if not isinstance(data, dict):
        raise refuse("", f"the top level must be a mapping (got {type(data).__name__})")
    if is_parent:
        _check_is_scenario(data, refuse)
    parent_ref = data.pop("extends", None)
    if files is not None:
        files.append((label, data))
    if parent_ref is None:
        return data
    if not isinstance(parent_ref, str) or not parent_ref.strip():
        raise refuse("extends", "must be a file path (a string) or a shipped scenario's name")
    if is_bare_name(parent_ref):
        # A name, never a file (a parent file must end in .yaml): a copied counterfactual
        # that says `extends: mali-2025` works in any folder.
        try:
            parent_path = shipped_path(parent_ref)
        except ScenarioError as exc:
            what = exc.problems[0].message
            raise refuse("extends", f"{what}; a parent file must end in .yaml or .yml") from None
    elif not parent_ref.lower().endswith(_YAML_SUFFIXES):
        raise refuse(
            "extends", f"must name a .yaml or .yml file (got {_safe_repr(parent_ref, 120)})"
        )
    else:
        parent_path = path.parent / parent_ref  # an absolute parent_ref stays as it is
    seen = {**seen, identity: len(chain) - 1}
    parent = _read_chain(parent_path, [*chain, _safe_echo(parent_ref, 120)], seen, budget, files)
    try:
        return typing.cast("dict[str, Any]", _merge(parent, data, ""))
    except _MergeError as exc:
        raise refuse(exc.path, str(exc)) from None


def _read_text(path: Path, refuse: typing.Callable[[str, str], ScenarioError]) -> tuple[str, Any]:
    """The text of a regular UTF-8 file, and its identity (device, inode).

    Never blocks: the file is checked with ``stat`` before it is opened (a FIFO would block
    ``open`` until something writes to it), and opened non-blocking in case it was swapped
    for one in between.
    """
    too_large = f"the file is larger than {MAX_FILE_BYTES // 2**20} MB"
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        info = os.stat(path)
        if stat.S_ISREG(info.st_mode) and info.st_size <= MAX_FILE_BYTES:
            with os.fdopen(os.open(path, flags), "rb") as handle:
                info = os.fstat(handle.fileno())
                data = handle.read(MAX_FILE_BYTES + 1) if stat.S_ISREG(info.st_mode) else b""
    except OSError as exc:
        raise refuse("", _os_problem(exc)) from None
    except ValueError:  # os.stat of a path with a NUL character
        raise refuse("", "the file name contains a NUL character") from None
    if stat.S_ISDIR(info.st_mode):
        raise refuse("", "is a directory, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise refuse("", f"is not a regular file (it is {_file_kind(info.st_mode)})")
    if info.st_size > MAX_FILE_BYTES or len(data) > MAX_FILE_BYTES:
        raise refuse("", too_large)
    if b"\0" in data:
        raise refuse("", "is not a text file (it contains NUL bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise refuse("", f"is not UTF-8 text (byte {exc.start} cannot be decoded)") from None
    return text, (info.st_dev, info.st_ino)


def _file_kind(mode: int) -> str:
    kinds = [
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ]
    return next((name for test, name in kinds if test(mode)), "not a file")


def _os_problem(exc: OSError) -> str:
    """An ``OSError`` in words, without the path (the label names it already)."""
    known = {
        errno.ENOENT: "file not found",
        errno.ENOTDIR: "file not found (a part of the path is a file, not a folder)",
        errno.ENAMETOOLONG: "the file name is too long",
        errno.EACCES: "permission denied (the file, or a folder on its path, cannot be read)",
        errno.EPERM: "permission denied",
        errno.ELOOP: "too many levels of symbolic links",
    }
    if exc.errno in known:
        return known[exc.errno]
    reason = os.strerror(exc.errno) if exc.errno else type(exc).__name__
    return f"cannot read the file: {_safe_echo(reason)}"


def _check_is_scenario(
    data: dict[str, Any], refuse: typing.Callable[[str, str], ScenarioError]
) -> None:
    """Refuse a parent that is not a scenario, without echoing what it holds.

    ``extends`` may name any readable YAML file, so a file that is something else (a
    configuration file, say) must not have its keys or values shown in the message. A key
    is named only if it is a near miss of a scenario field (a typo in a real scenario).
    """
    unknown = [key for key in data if key not in _SCENARIO_KEYS]
    if not unknown:
        return
    hints = [difflib.get_close_matches(str(key), sorted(_SCENARIO_KEYS), n=1) for key in unknown]
    if not all(hints):
        raise refuse(
            "",
            f"is not a scenario: {len(unknown)} of its top-level keys are not scenario "
            "fields (its contents are not shown)",
        )
    raise refuse(_safe_echo(unknown[0]), f"unknown key (did you mean '{hints[0][0]}'?)")


class _MergeError(ValueError):
    """A child that cannot be merged into its parent, at a field path."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path


def deep_merge(base: Any, override: Any) -> Any:
    """Merge ``override`` into ``base`` (neither is modified) by the module's merge rules.

    Raises
    ------
    ValueError
        If an item removes an id the parent does not have, or an id is not text.
    """
    return _merge(base, override, "")


def _merge(base: Any, override: Any, path: str) -> Any:
    if isinstance(base, dict) and isinstance(override, dict):
        out = dict(base)
        for key, value in override.items():
            where = f"{path}.{key}" if path else str(key)
            out[key] = _merge(base[key], value, where) if key in base else copy.deepcopy(value)
        return out
    if _is_id_list(base) and _is_id_list(override) and override:
        return _merge_by_id(base, override, path)
    return copy.deepcopy(override)


def _is_id_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, dict) and "id" in v for v in value)


def _merge_by_id(
    base: list[dict[str, Any]], override: list[dict[str, Any]], path: str
) -> list[Any]:
    for where, items in (("the parent's ", base), ("", override)):
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            if not isinstance(item["id"], str):
                raise _MergeError(
                    f"{path}[{i}].id",
                    f"{where}id must be text (got {_safe_repr(item['id'])}); put it in quotes",
                )
            if item["id"] in seen:  # merging by id would silently drop one of them
                first = f"{path}[{seen[item['id']]}]"
                raise _MergeError(
                    f"{path}[{i}].id",
                    f"{where}duplicate id {_safe_repr(item['id'])} (also {first})",
                )
            seen[item["id"]] = i
    out = [copy.deepcopy(item) for item in base]
    index = {item["id"]: i for i, item in enumerate(out)}
    removed: set[int] = set()
    for i, item in enumerate(override):
        key = item["id"]
        if item.get("remove") is True:
            if key not in index:
                raise _MergeError(
                    f"{path}[{i}]",
                    f"cannot remove id {_safe_repr(key)}: the parent has no such item",
                )
            removed.add(index[key])
        elif key in index:
            out[index[key]] = _merge(out[index[key]], item, f"{path}[{i}]")
        else:
            index[key] = len(out)
            out.append(copy.deepcopy(item))
    return [item for i, item in enumerate(out) if i not in removed]


def parse_overrides(
    overrides: Mapping[str, Any] | Sequence[str] | Iterable[str], label: str = "--set"
) -> dict[str, Any]:
    """Turn ``["a.b=1", ...]`` (or a mapping) into ``{"a.b": 1, ...}``; values read as YAML."""
    if isinstance(overrides, Mapping):
        return dict(overrides)
    out: dict[str, Any] = {}
    for item in overrides:
        path, sep, text = str(item).partition("=")
        if not sep or not path.strip():
            raise ScenarioError(
                label, [Problem("", f"--set needs path.to.field=value (got '{_safe_echo(item)}')")]
            )
        where = _safe_echo(path.strip(), 120)
        try:
            out[path.strip()] = read_value(text) if text.strip() else ""
        except yaml.YAMLError as exc:
            problem = f"cannot read value '{_safe_echo(text)}': {_yaml_message(exc)}"
            raise ScenarioError(label, [Problem(where, problem)]) from None
    return out


def _apply_to_raw(raw: dict[str, Any], overrides: Mapping[str, Any], label: str) -> dict[str, Any]:
    raw = copy.deepcopy(raw)

    def create(loc: tuple[int | str, ...], node: Mapping[str, Any], created: bool) -> bool:
        # A path into an entry that does not exist is almost always a typo (it would
        # otherwise create an entry with every field missing).
        return created or not node or not _is_named_collection(loc)

    for dotted, value in overrides.items():
        try:
            set_path(raw, str(dotted), value, create=create)
        except PathError as exc:
            where, part = _safe_echo(exc.where, 120), _safe_echo(exc.part)
            if exc.kind == "no_item":
                problem = f"no list item '{part}' (by index or id)" + _hint(
                    exc.part, exc.candidates
                )
            elif exc.kind == "refused":
                problem = (
                    f"unknown entry '{part}'{_hint(exc.part, exc.candidates)}; "
                    f"to add one, set it whole ({where}={{...}})"
                )
            elif exc.kind == "empty":
                problem = "empty part in the path (two dots, or a dot at an end)"
            else:
                problem = f"cannot set a field inside a {exc.container}"
            raise ScenarioError(label, [Problem(where, problem)]) from None
    return raw


def _hint(word: str, candidates: Sequence[str]) -> str:
    """``" (did you mean 'x'?)"`` for the closest candidate, else the known ones (cut)."""
    if not candidates:
        return ""
    close = difflib.get_close_matches(word, [str(c) for c in candidates], n=1)
    if close:
        return f" (did you mean '{_safe_echo(close[0])}'?)"
    return f" (known: {_safe_echo(', '.join(str(c) for c in candidates), 120)})"


def _is_named_collection(loc: tuple[int | str, ...]) -> bool:
    """Whether the schema holds a mapping of user-named entries (``corridors``...) at ``loc``."""
    if not loc or not isinstance(loc[-1], str):
        return False
    model = _model_at(loc[:-1])
    if model is None:
        return False
    field = next(
        (f for name, f in model.model_fields.items() if (f.alias or name) == loc[-1]), None
    )
    return field is not None and _is_dict(field.annotation)


def _is_dict(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin is dict:
        return True
    return any(_is_dict(arg) for arg in typing.get_args(annotation)) if origin else False


# ---------------------------------------------------------------- error messages

_TAGS = set(EVENT_TYPES) | set(DELAY_DISTRIBUTIONS)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models an annotation can hold (through Optional, unions, Annotated)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    out: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        out.extend(_models_in(arg))
    return out


def _container(annotation: Any) -> Any:
    """For ``dict[str, X]`` or ``list[X]`` (possibly Annotated), X; else None."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _container(typing.get_args(annotation)[0])
    if origin is dict:
        return typing.get_args(annotation)[1]
    if origin is list:
        return typing.get_args(annotation)[0]
    return None


def _model_at(loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    """The model whose fields live at pydantic location ``loc`` (tags included)."""
    models: list[type[BaseModel]] = [Scenario]
    annotation: Any = None
    for part in loc:
        if annotation is not None:
            inner = _container(annotation)
            if inner is not None:  # part is a dict key or list index
                annotation = inner
                models = _models_in(annotation)
                continue
            models = _models_in(annotation)
            annotation = None
        if len(models) > 1:  # a discriminated union: pydantic puts the tag in the loc
            tagged = [m for m in models if _tag_of(m) == part]
            if tagged:
                models = tagged
                continue
        if len(models) != 1 or not isinstance(part, str):
            return None
        field = next(
            (f for name, f in models[0].model_fields.items() if (f.alias or name) == part), None
        )
        if field is None:
            return None
        annotation = field.annotation
    if annotation is not None:
        if _container(annotation) is not None:
            return None
        models = _models_in(annotation)
    return models[0] if len(models) == 1 else None


def _tag_of(model: type[BaseModel]) -> str | None:
    for key in ("type", "distribution"):
        field = model.model_fields.get(key)
        if field is not None:
            args = typing.get_args(field.annotation)
            if args and isinstance(args[0], str):
                return args[0]
    return None


def _unknown_key_hint(loc: tuple[int | str, ...]) -> str:
    model = _model_at(loc[:-1])
    key = str(loc[-1])
    if model is None:
        return ""
    names = sorted({f.alias or n for n, f in model.model_fields.items()} - {key})
    hint = difflib.get_close_matches(key, names, n=1)
    return f" (did you mean '{hint[0]}'?)" if hint else ""


def _format_loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    prev: int | str | None = None
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in _TAGS and (isinstance(prev, int) or str(prev).endswith("_h")):
            prev = part
            continue  # pydantic's discriminated-union tag, not a field of the file
        else:
            shown = _safe_echo(str(part))  # a key of the file: escaped and cut
            out += f".{shown}" if out else shown
        prev = part
    return out


def _problems(exc: ValidationError) -> list[Problem]:
    problems: list[Problem] = []
    for err in exc.errors():
        ctx = err.get("ctx") or {}
        inner = ctx.get("error")
        if isinstance(inner, ScenarioError):
            problems.extend(inner.problems)
            continue
        loc = tuple(err["loc"])
        message = _message(err)
        if err["type"] == "extra_forbidden" and loc:
            message += _unknown_key_hint(loc)
        problems.append(Problem(_format_loc(loc), message))
    return _typos_first(problems)


def _typos_first(problems: list[Problem]) -> list[Problem]:
    """A misspelt key before anything else, and without its echo as a missing field.

    ``hazrd_per_100km`` for ``hazard_per_100km`` is one mistake, which pydantic reports
    twice (a required field missing, an unknown key): the unknown key with its hint says
    what to fix, so it comes first and the missing field it would have filled goes.
    """
    typos = [p for p in problems if "unknown key (did you mean '" in p.message]
    if not typos:
        return problems
    meant = set()
    for p in typos:
        parent = p.path.rpartition(".")[0]
        word = p.message.split("'")[1]
        meant.add(f"{parent}.{word}" if parent else word)
    rest = [
        p
        for p in problems
        if p not in typos and not (p.message == "required field is missing" and p.path in meant)
    ]
    return typos + rest


def _message(err: Any) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    got = err.get("input")
    bounds = {
        "greater_than": ("gt", ">"),
        "greater_than_equal": ("ge", ">="),
        "less_than": ("lt", "<"),
        "less_than_equal": ("le", "<="),
    }
    if kind in bounds:
        key, op = bounds[kind]
        return f"must be {op} {ctx.get(key):g} (got {_safe_repr(got)})"
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required field is missing"
    if kind == "union_tag_invalid":
        what = ctx.get("discriminator", "type")
        tags = _safe_echo(str(ctx.get("expected_tags")), 160)
        return f"unknown {what} {_safe_repr(ctx.get('tag'))}; expected one of: {tags}"
    if kind == "union_tag_not_found":
        return f"needs a {ctx.get('discriminator', 'type')} field"
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"):
        want = "an integer" if kind.startswith("int") else "a number"
        return f"expected {want} (got {_safe_repr(got)})"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"])).removeprefix("Value error, ")
    if kind in ("too_short", "too_long"):
        return f"{err['msg'].lower()}"
    msg = str(err["msg"])
    return f"{msg[0].lower()}{msg[1:]} (got {_safe_repr(got)})" if got is not None else msg


def _yaml_message(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or (str(exc).splitlines() or [type(exc).__name__])[0]
    # PyYAML quotes the text it stumbled on (a tag, a key): escaped and cut like any echo.
    problem = _safe_echo(problem, 160)
    what = "line" if isinstance(exc, _Refused) else "malformed YAML at line"
    if mark is not None:
        return f"{what} {mark.line + 1}, column {mark.column + 1}: {problem}"
    return problem if isinstance(exc, _Refused) else f"malformed YAML: {problem}"
