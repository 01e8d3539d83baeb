"""Reading scenario files: YAML (``safe_load`` only), ``extends`` with deep merge, overrides.

This is the only module of simfuel that reads a scenario file. Everything above it sees a
validated :class:`~simfuel.scenario.schema.Scenario` or a :class:`ScenarioError`.

Merge rules for ``extends: parent.yaml`` (path relative to the child file):

* mappings merge key by key, recursively; the child wins;
* lists replace the parent's list, except lists of mappings that all carry an ``id``
  (the ``events`` timeline, typically): those merge by ``id``: a child item with a known id
  is deep-merged into the parent's item, an item ``{id: x, remove: true}`` removes it, new
  ids are appended. An empty list always replaces.
"""

from __future__ import annotations

import copy
import difflib
import os
import typing
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from .errors import Problem, ScenarioError
from .schema import DELAY_DISTRIBUTIONS, EVENT_TYPES, Scenario

__all__ = ["apply_overrides", "deep_merge", "load_scenario", "parse_overrides", "read_raw"]

_MAX_EXTENDS_DEPTH = 16


class _Strict:
    """Mixin for ``yaml.SafeLoader``: leave dates as text, refuse duplicate keys.

    Dates stay strings so that pydantic, not PyYAML, parses them: an impossible date
    such as 2025-13-01 then gets a message with its field path instead of a bare
    ``ValueError``. A key given twice in one mapping is an error, not a silent overwrite.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, yaml.Node] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)  # type: ignore[attr-defined]
            if key in seen:
                first = seen[key].start_mark.line + 1
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"duplicate key {key!r} (first given at line {first})",
                    key_node.start_mark,
                )
            seen[key] = key_node
        return super().construct_mapping(node, deep=deep)  # type: ignore[misc]


_NO_TIMESTAMPS = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _PyLoader(_Strict, yaml.SafeLoader):
    yaml_implicit_resolvers = _NO_TIMESTAMPS


class _CLoader(_Strict, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's parser (about 10x faster) when PyYAML was built with it."""

    yaml_implicit_resolvers = _NO_TIMESTAMPS


def _safe_load(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_CLoader)  # a SafeLoader: no arbitrary objects
    except yaml.YAMLError:
        # The pure-Python parser words its errors better (it names the bad character).
        return yaml.load(text, Loader=_PyLoader)  # a SafeLoader: no arbitrary objects


def load_scenario(
    source: str | os.PathLike[str] | Mapping[str, Any] | Scenario,
    overrides: Mapping[str, Any] | Sequence[str] | None = None,
) -> Scenario:
    """Load and validate a scenario.

    Parameters
    ----------
    source : path, mapping or Scenario
        A YAML file (``extends`` resolved relative to it), an already parsed mapping, or a
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
        label = str(source)
        raw = read_raw(Path(source))
    if overrides:
        raw = _apply_to_raw(raw, parse_overrides(overrides, label), label)
    return validate(raw, label)


def validate(raw: Mapping[str, Any], label: str = "<scenario>") -> Scenario:
    """Validate a merged mapping as a :class:`Scenario`, or raise :class:`ScenarioError`."""
    try:
        return Scenario.model_validate(raw)
    except ValidationError as exc:
        raise ScenarioError(label, _problems(exc)) from None


def apply_overrides(scenario: Scenario, overrides: Mapping[str, Any] | Sequence[str]) -> Scenario:
    """Return a copy of ``scenario`` with dotted-path ``overrides`` applied and re-validated.

    This is how sweeps, sensitivity analysis and calibration vary a scenario: the same
    dotted paths as ``simfuel run --set``.
    """
    # exclude_unset: defaults stay implicit, so checks that look at what the file set
    # (e.g. risk on legs before staging) see the same scenario again.
    raw = scenario.model_dump(by_alias=True, exclude_unset=True)
    label = f"<scenario {scenario.name}>"
    raw = _apply_to_raw(raw, parse_overrides(overrides, label), label)
    return validate(raw, label)


def read_raw(path: Path, _seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """Read a YAML scenario file into a mapping, resolving ``extends`` chains."""
    label = str(path)
    if not path.is_file():
        what = "is a directory, not a file" if path.is_dir() else "file not found"
        raise ScenarioError(label, [Problem("", what)])
    resolved = path.resolve()
    if resolved in _seen:
        chain = " -> ".join(str(p) for p in (*_seen, resolved))
        raise ScenarioError(label, [Problem("extends", f"circular extends: {chain}")])
    if len(_seen) > _MAX_EXTENDS_DEPTH:
        raise ScenarioError(label, [Problem("extends", "extends chain is too deep")])
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(label, [Problem("", f"cannot read file: {exc}")]) from None
    try:
        data = _safe_load(text)
    except yaml.YAMLError as exc:
        raise ScenarioError(label, [Problem("", _yaml_message(exc))]) from None
    if data is None:
        raise ScenarioError(label, [Problem("", "the file is empty")])
    if not isinstance(data, dict):
        raise ScenarioError(
            label, [Problem("", f"the top level must be a mapping (got {type(data).__name__})")]
        )
    parent_ref = data.pop("extends", None)
    if parent_ref is None:
        return data
    if not isinstance(parent_ref, str):
        raise ScenarioError(label, [Problem("extends", "must be a file path (a string)")])
    parent_path = (
        (path.parent / parent_ref) if not Path(parent_ref).is_absolute() else Path(parent_ref)
    )
    if not parent_path.is_file():
        raise ScenarioError(label, [Problem("extends", f"file not found: {parent_path}")])
    parent = read_raw(parent_path, (*_seen, resolved))
    try:
        return deep_merge(parent, data)
    except ValueError as exc:
        raise ScenarioError(label, [Problem("extends", str(exc))]) from None


def deep_merge(base: Any, override: Any) -> Any:
    """Merge ``override`` into ``base`` (neither is modified) by the module's merge rules."""
    if isinstance(base, dict) and isinstance(override, dict):
        out = dict(base)
        for key, value in override.items():
            out[key] = deep_merge(base[key], value) if key in base else copy.deepcopy(value)
        return out
    if _is_id_list(base) and _is_id_list(override) and override:
        return _merge_by_id(base, override)
    return copy.deepcopy(override)


def _is_id_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, dict) and "id" in v for v in value)


def _merge_by_id(base: list[dict[str, Any]], override: list[dict[str, Any]]) -> list[Any]:
    out = [copy.deepcopy(item) for item in base]
    index = {item["id"]: i for i, item in enumerate(out)}
    removed: set[int] = set()
    for item in override:
        key = item["id"]
        if item.get("remove") is True:
            if key not in index:
                raise ValueError(f"cannot remove id '{key}': the parent has no such item")
            removed.add(index[key])
        elif key in index:
            out[index[key]] = deep_merge(out[index[key]], item)
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
                label, [Problem("", f"--set needs path.to.field=value (got '{item}')")]
            )
        try:
            out[path.strip()] = _safe_load(text) if text.strip() else ""
        except yaml.YAMLError as exc:
            raise ScenarioError(
                label, [Problem(path.strip(), f"cannot read value '{text}': {_yaml_message(exc)}")]
            ) from None
    return out


def _apply_to_raw(raw: dict[str, Any], overrides: Mapping[str, Any], label: str) -> dict[str, Any]:
    raw = copy.deepcopy(raw)
    for dotted, value in overrides.items():
        parts = dotted.split(".")
        node: Any = raw
        for depth, part in enumerate(parts):
            last = depth == len(parts) - 1
            where = ".".join(parts[: depth + 1])
            if isinstance(node, list):
                idx = _list_index(node, part)
                if idx is None:
                    raise ScenarioError(
                        label, [Problem(where, f"no list item '{part}' (by index or id)")]
                    )
                if last:
                    node[idx] = value
                else:
                    node = node[idx]
            elif isinstance(node, dict):
                if last:
                    node[part] = value
                else:
                    if node.get(part) is None:
                        node[part] = {}
                    node = node[part]
            else:
                raise ScenarioError(
                    label, [Problem(where, f"cannot set a field inside a {type(node).__name__}")]
                )
    return raw


def _list_index(node: list[Any], part: str) -> int | None:
    if part.lstrip("-").isdigit():
        i = int(part)
        return i if -len(node) <= i < len(node) else None
    for i, item in enumerate(node):
        if isinstance(item, dict) and item.get("id") == part:
            return i
    return None


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
            out += f".{part}" if out else str(part)
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
    return problems


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
        return f"must be {op} {ctx.get(key):g} (got {got!r})"
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required field is missing"
    if kind == "union_tag_invalid":
        what = ctx.get("discriminator", "type")
        return f"unknown {what} {ctx.get('tag')!r}; expected one of: {ctx.get('expected_tags')}"
    if kind == "union_tag_not_found":
        return f"needs a {ctx.get('discriminator', 'type')} field"
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"):
        want = "an integer" if kind.startswith("int") else "a number"
        return f"expected {want} (got {got!r})"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"])).removeprefix("Value error, ")
    if kind in ("too_short", "too_long"):
        return f"{err['msg'].lower()}"
    msg = str(err["msg"])
    return f"{msg[0].lower()}{msg[1:]} (got {got!r})" if got is not None else msg


def _yaml_message(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if mark is not None:
        return f"malformed YAML at line {mark.line + 1}, column {mark.column + 1}: {problem}"
    return f"malformed YAML: {problem}"
