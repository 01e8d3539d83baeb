"""The scenarios shipped with simfuel, found by name (``mali-2025``), and copied to edit.

Where a scenario path is accepted (:func:`~simfuel.scenario.load_scenario`, the command
line), a string is resolved so:

1. a string that names an existing file (not a folder) is that file;
2. otherwise a bare name, without a suffix or a slash (``mali-2025``), is a shipped
   scenario; a miss says "no such file, and no shipped scenario named X (shipped: ...)",
   with a "did you mean" (``X.yaml`` when the current folder holds that file);
3. anything else is a path (a missing one is "file not found").

In ``extends:`` a bare name is always a shipped scenario, since a parent file must end in
``.yaml`` or ``.yml``; a path is relative to the file that extends it. The shipped
counterfactuals extend ``mali-2025`` by name, so a copy of one keeps working anywhere.

The shipped files are the repository's ``scenarios/`` folder, which the wheel carries as
``simfuel/scenarios/``; an editable install reads the repository's folder itself.
"""

from __future__ import annotations

import difflib
import os
import re
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ..io import write_text
from ..text import safe_echo as _safe_echo
from ..text import safe_repr as _safe_repr
from .errors import Problem, ScenarioError

__all__ = ["init_scenario", "resolve_scenario", "shipped_path", "shipped_scenarios"]

_SUFFIXES = (".yaml", ".yml")
_ONE_LINE_CHARS = 100  # a description longer than this is cut at its first clause


def _shipped_dir() -> Path | None:
    """The folder of the shipped scenarios, or None if this install has none."""
    packaged = resources.files("simfuel").joinpath("scenarios")
    if isinstance(packaged, Path) and packaged.is_dir():  # an installed wheel
        return packaged
    # An editable or source install: simfuel/ sits next to scenarios/ in the repository.
    root = Path(__file__).resolve().parents[2]
    if (root / "pyproject.toml").is_file() and (root / "scenarios").is_dir():
        return root / "scenarios"
    return None


def _shipped_files() -> dict[str, Path]:
    folder = _shipped_dir()
    if folder is None:
        return {}
    files = [p for p in folder.iterdir() if p.suffix in _SUFFIXES and p.is_file()]
    return {p.stem: p for p in sorted(files, key=lambda p: p.stem)}


def is_bare_name(text: str) -> bool:
    """Whether ``text`` reads as a scenario name: no suffix, no slash, not empty."""
    return (
        bool(text.strip())
        and "/" not in text
        and "\\" not in text
        and "\0" not in text
        and not text.startswith(".")
        and Path(text).suffix == ""
    )


def _miss(name: str, known: dict[str, Path], local: str | None = None) -> str:
    """The words for a name that no shipped scenario has; ``local``: a file it may mean."""
    listed = ", ".join(known) or "none"
    close = difflib.get_close_matches(name, list(known), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    if local is not None:  # a file here beats a shipped name that is only close
        hint = f" (did you mean {_safe_repr(local, 80)}?)"
    return f"no shipped scenario named {_safe_repr(name, 80)} (shipped: {listed}){hint}"


def shipped_path(name: str) -> Path:
    """The file of the shipped scenario ``name``.

    Parameters
    ----------
    name : str
        A name listed by :func:`shipped_scenarios`, e.g. ``"mali-2025"``.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    ScenarioError
        If no shipped scenario has that name (the message lists them, with a "did you
        mean").
    """
    known = _shipped_files()
    if name in known:
        return known[name]
    raise ScenarioError(_safe_echo(name, 120), [Problem("", _miss(name, known))])


def resolve_scenario(source: str | os.PathLike[str]) -> Path:
    """The file a scenario argument means, by the rule of this module's docstring.

    Parameters
    ----------
    source : str or path
        A file, or the name of a shipped scenario.

    Returns
    -------
    pathlib.Path
        The file (not checked further: the loader reads and checks it).

    Raises
    ------
    ScenarioError
        If ``source`` is a bare name that is neither a file nor a shipped scenario, or a
        missing ``.yaml`` file whose name a shipped scenario has (the message says so).
    """
    text = os.fspath(source)
    path = Path(text)
    try:
        exists = os.path.lexists(text) and not path.is_dir()
    except ValueError:  # a NUL character: the loader words it
        return path
    if exists:
        return path
    known = _shipped_files()
    if is_bare_name(text):
        if text in known:
            return known[text]
        # "siege" typed in a folder holding siege.yaml: the suffix was left off.
        local = next((text + s for s in _SUFFIXES if Path(text + s).is_file()), None)
        raise ScenarioError(
            _safe_echo(text, 120),
            [Problem("", "no such file, and " + _miss(text, known, local))],
        )
    if path.suffix in _SUFFIXES and path.stem in known and not path.is_dir():
        # e.g. scenarios/mali-2025.yaml typed outside the repository
        raise ScenarioError(
            _safe_echo(text, 120),
            [Problem("", f"file not found (a shipped scenario has this name: use '{path.stem}')")],
        )
    return path


def _read_shipped(path: Path) -> tuple[str, dict[str, Any]]:
    """The text of a shipped file and its top-level mapping (a file simfuel ships)."""
    text = path.read_text(encoding="utf-8")
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return text, data if isinstance(data, dict) else {}


def _one_line(text: str) -> str:
    """``text`` on one line; a long one cut after its first clause (or its first words)."""
    line = " ".join(text.split())
    if len(line) <= _ONE_LINE_CHARS:
        return line
    clause = re.match(r"(.{20,}?)[.:;](\s|$)", line)
    if clause and len(clause.group(1)) <= _ONE_LINE_CHARS:
        return clause.group(1) + "."  # a sentence, like the descriptions that fit whole
    return line[: _ONE_LINE_CHARS - 3].rsplit(" ", 1)[0] + "..."


def _description(text: str, data: dict[str, Any]) -> str:
    described = data.get("description")
    if isinstance(described, str) and described.strip():
        return _one_line(described)
    for line in text.splitlines():  # else the first comment line
        if line.startswith("#") and line.strip("# \t"):
            return _one_line(line.lstrip("#"))
    return ""


def shipped_scenarios() -> dict[str, str]:
    """The shipped scenarios, by name, with a one-line description of each.

    Returns
    -------
    dict of str to str
        Name (what :func:`~simfuel.scenario.load_scenario` and ``extends:`` accept) to the
        file's ``description`` on one line (or its first comment line), sorted by name.
    """
    out = {}
    for name, path in _shipped_files().items():
        text, data = _read_shipped(path)
        out[name] = _description(text, data)
    return out


def _parent_of(path: Path, data: dict[str, Any]) -> Path | None:
    ref = data.get("extends")
    if not isinstance(ref, str):
        return None
    return shipped_path(ref) if is_bare_name(ref) else path.parent / ref


_EXTENDS_LINE = r"^(extends:[ \t]*)(['\"]?){ref}\2([ \t]*(?:#.*)?)$"


def init_scenario(
    name: str, directory: str | os.PathLike[str], *, overwrite: bool = False
) -> list[Path]:
    """Copy a shipped scenario and every file it extends into ``directory``, to edit.

    The copies extend each other by file name (``extends: mali-2025.yaml``), so that an
    edit of the copied parent reaches the copied child; comments and layout are kept.

    Parameters
    ----------
    name : str
        A shipped scenario (see :func:`shipped_scenarios`).
    directory : str or path
        The folder to write to; created if missing.
    overwrite : bool, default False
        Replace files that exist already (else nothing is written).

    Returns
    -------
    list of pathlib.Path
        The files written: the scenario first, then its parents in ``extends`` order.

    Raises
    ------
    ScenarioError
        If ``name`` is not shipped, ``directory`` is a file, or a file to write exists
        and ``overwrite`` is false.
    """
    chain: list[tuple[Path, str]] = []  # (shipped file, its text as copied)
    path: Path | None = shipped_path(name)
    while path is not None and len(chain) <= len(_shipped_files()):
        text, data = _read_shipped(path)
        parent = _parent_of(path, data)
        if parent is not None:
            ref = re.escape(str(data["extends"]))
            line = re.compile(_EXTENDS_LINE.format(ref=ref), re.MULTILINE)
            # The shipped line's comment speaks of a name; the copy names a file.
            copied = f"\\g<1>{parent.name}  # copied by simfuel init; a path beside this file"
            text, found = line.subn(copied, text, count=1)
            if not found:  # a shipped file's extends is one plain line (tested)
                raise ScenarioError(str(path), [Problem("extends", "not on one plain line")])
        chain.append((path, text))
        path = parent
    folder = Path(directory)
    if folder.exists() and not folder.is_dir():
        raise ScenarioError(str(folder), [Problem("", "is a file, not a folder")])
    targets = [folder / source.name for source, _ in chain]
    if not overwrite:
        taken = [t for t in targets if t.exists()]
        if taken:
            replace = "overwrite=True, or simfuel init --force, replaces it"
            raise ScenarioError(
                str(taken[0]), [Problem("", f"exists already; nothing written ({replace})")]
            )
    folder.mkdir(parents=True, exist_ok=True)
    new = [t for t in targets if not t.exists()]
    try:
        for target, (_, text) in zip(targets, chain, strict=True):
            write_text(target, text)  # atomic: a full disk never leaves half a file
    except OSError:
        for target in new:  # all or nothing: a scenario without its parent is no use
            target.unlink(missing_ok=True)
        raise
    return targets
