"""Writing outputs atomically: a temporary file in the target folder, then a rename.

A reader never sees half a file, and an interrupted run leaves either the old file or
the new one, never a truncated one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import pandas as pd

__all__ = ["atomic_path", "write_csv", "write_text"]


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` if the block succeeds.

    The temporary file is removed if the block raises.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    # mkstemp creates 0600 files; give the result the permissions a plain open() would.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    try:
        yield Path(tmp)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _write_with(path: str | os.PathLike[str], write: Callable[[IO[str]], None]) -> Path:
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as fh:
        write(fh)
        fh.flush()
        os.fsync(fh.fileno())
    return Path(path)


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` to ``path`` atomically (UTF-8). Returns the path."""

    def write(fh: IO[str]) -> None:
        fh.write(text)

    return _write_with(path, write)


def write_csv(path: str | os.PathLike[str], frame: pd.DataFrame, index: bool = True) -> Path:
    """Write ``frame`` as CSV to ``path`` atomically. Returns the path."""
    return _write_with(path, lambda fh: frame.to_csv(fh, index=index))
