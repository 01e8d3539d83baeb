"""Writing outputs safely: atomic files, atomic sets of files, and folder locks.

* :func:`atomic_path` - a temporary file in the target folder, flushed to disk, then a
  rename: a reader never sees half a file, and a crash or a full disk leaves either the
  old file or the new one.
* :func:`write_file_set` - several files that belong together (one run's tables) replaced
  as one: written into a temporary folder first, so a failure leaves the old set whole.
* :func:`exclusive_lock` - one writer per folder; the operating system drops the lock
  when its holder dies, so a killed run never leaves the folder locked.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import importlib.util
import io
import os
import shutil
import socket
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:  # only a type here: loading a scenario must not import pandas
    import pandas as pd

try:  # POSIX
    import fcntl as _fcntl
except ImportError:  # pragma: no cover - Windows
    _fcntl = None  # type: ignore[assignment]

__all__ = [
    "FolderLocked",
    "atomic_path",
    "exclusive_lock",
    "fsync_dir",
    "lock_holder",
    "write_csv",
    "write_excel",
    "write_file_set",
    "write_text",
]


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def fsync_file(path: str | os.PathLike[str]) -> None:
    """Flush a file's content to the disk (not just to the operating system's cache)."""
    # Windows' fsync needs a handle open for writing; POSIX accepts a read-only one.
    fd = os.open(path, os.O_RDWR if os.name == "nt" else os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: str | os.PathLike[str]) -> None:
    """Flush a folder's entries (renames, new files) to the disk, where that exists.

    A rename is only durable once its folder is flushed; Windows has no such call (and
    no way to open a folder), so there this does nothing.
    """
    if os.name == "nt":  # pragma: no cover
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError as exc:  # pragma: no cover - some file systems refuse folder fsync
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` if the block succeeds.

    Before the rename the temporary file is flushed to disk, and after it the folder, so
    that after a power cut ``path`` holds the old content or the whole new content. The
    temporary file is removed if the block raises.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        # mkstemp creates 0600 files; give the result the permissions a plain open() would.
        os.chmod(tmp, 0o666 & ~_umask())
        yield Path(tmp)
        fsync_file(tmp)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    fsync_dir(target.parent)


def _write_with(path: str | os.PathLike[str], write: Callable[[IO[str]], None]) -> Path:
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as fh:
        write(fh)
    return Path(path)


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` to ``path`` atomically (UTF-8). Returns the path."""

    def write(fh: IO[str]) -> None:
        fh.write(text)

    return _write_with(path, write)


def write_csv(path: str | os.PathLike[str], frame: pd.DataFrame, index: bool = True) -> Path:
    """Write ``frame`` as CSV to ``path`` atomically. Returns the path."""
    return _write_with(path, lambda fh: frame.to_csv(fh, index=index))


def write_excel(
    path: str | os.PathLike[str],
    sheets: Mapping[str, tuple[pd.DataFrame, bool]],
    *,
    what: str = "writing .xlsx",
) -> Path:
    """Write a workbook atomically, one sheet per table. Returns the path.

    Timestamps become date cells shown as ISO ``YYYY-MM-DD HH:MM:SS`` (``datetime.date``
    values as ``YYYY-MM-DD``); the header row is frozen. Text that starts with
    ``=`` stays text, never a formula: names in a scenario file cannot run in Excel.

    Parameters
    ----------
    path : path
        The ``.xlsx`` file; its folder is created if missing.
    sheets : mapping of str to (DataFrame, bool)
        Sheet name to its table and whether to write the table's index.
    what : str
        Who writes, for the message when openpyxl is missing.

    Raises
    ------
    ImportError
        If openpyxl is missing: ``<what> needs openpyxl: pip install 'simfuel[excel]'``.
    """
    # pandas' engine, imported by pandas; looked up here to name the extra when missing.
    if importlib.util.find_spec("openpyxl") is None:
        raise ImportError(f"{what} needs openpyxl: pip install 'simfuel[excel]'")
    import pandas as pd

    # Built in memory, then written atomically. Not `with ExcelWriter`: leaving that block
    # on an error saves the half-built workbook, and its own error hides the first one.
    buffer = io.BytesIO()
    writer = pd.ExcelWriter(
        buffer, engine="openpyxl", datetime_format="YYYY-MM-DD HH:MM:SS", date_format="YYYY-MM-DD"
    )
    for name, (frame, index) in sheets.items():
        frame.to_excel(writer, sheet_name=name, index=index)
        _tidy_sheet(writer.sheets[name], frame, index)
    writer.close()
    with atomic_path(path) as tmp:
        tmp.write_bytes(buffer.getvalue())
    return Path(path)


def _tidy_sheet(ws: Any, frame: pd.DataFrame, index: bool) -> None:
    """Text stays text, a frozen header (pandas makes it bold), columns as wide as it."""
    for row in ws.iter_rows():
        for cell in row:
            if cell.data_type == "f":  # openpyxl reads a leading "=" as a formula
                cell.data_type = "s"
    ws.freeze_panes = "B2" if index else "A2"
    names = ([str(frame.index.name or "")] if index else []) + [str(c) for c in frame.columns]
    for cell, name in zip(ws[1], names, strict=False):
        ws.column_dimensions[cell.column_letter].width = max(10, min(40, len(name) + 2))


# ---------------------------------------------------------------------- sets of files


def write_file_set(
    directory: str | os.PathLike[str], writers: Mapping[str, Callable[[Path], None]]
) -> dict[str, Path]:
    """Replace a set of files in ``directory`` as one, or leave the old set untouched.

    Every file is first written (``writers[name](path)``) and flushed into a temporary
    folder; only then does the set move into place, so a full disk or an error while
    writing leaves the old set whole.

    When ``directory`` is missing or holds nothing but files of the set, the temporary
    folder is a sibling and is swapped in with one rename (an atomic exchange on Linux):
    the folder never holds files of two different sets. When it holds other files too
    (or is a mount point), they are kept: the temporary folder is made inside it and the
    files are moved in one by one with the *last* name of ``writers`` (the set's marker,
    e.g. ``summary.json``) removed first and moved in last, so a folder without its
    marker holds an unfinished set.

    Parameters
    ----------
    directory : path
        Folder of the set; created if missing.
    writers : mapping of str to callable
        File name to a function writing that file at the path it is given.

    Returns
    -------
    dict of str to Path
        The final path of every file, by name.
    """
    # The real folder: swapping a symlink would replace the link, not the folder.
    target = Path(os.path.realpath(directory))
    if target.exists() and not target.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "not a folder", str(target))
    names = list(writers)
    cwd = Path.cwd()
    whole = not target.exists() or (
        not os.path.ismount(target)
        and set(os.listdir(target)) <= set(names)
        # Swapping the working folder away would leave this process (and a shell
        # started in it) in a deleted folder.
        and target != cwd
        and target not in cwd.parents
    )
    stage: Path | None = None
    if whole:
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            stage = Path(
                tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            )
        except PermissionError:  # a writable folder in a read-only one: stage inside it
            whole = False
    if stage is None:
        target.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=".set.", suffix=".tmp", dir=target))
    try:
        os.chmod(stage, 0o777 & ~_umask())
        for name, write in writers.items():
            write(stage / name)
            fsync_file(stage / name)
        fsync_dir(stage)
        if whole:
            _swap_folder(stage, target)
        else:
            _move_files(stage, target, names)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return {name: Path(directory) / name for name in names}


def _swap_folder(stage: Path, target: Path) -> None:
    """Put ``stage`` where ``target`` is; afterwards ``stage`` holds the old set (or nothing)."""
    if not target.exists():
        os.rename(stage, target)
    elif not _exchange(stage, target):
        # No atomic exchange here: for an instant ``target`` is missing, never mixed.
        old = stage.with_name(stage.name + ".old")
        os.rename(target, old)
        os.rename(stage, target)
        os.rename(old, stage)
    fsync_dir(target.parent)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2(RENAME_EXCHANGE)``); False if unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):  # pragma: no cover - old C library
        return False
    at_fdcwd, rename_exchange = -100, 2
    renameat2.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):  # pragma: no cover - file system
        return False
    raise OSError(code, os.strerror(code), str(b))


def _move_files(stage: Path, target: Path, names: list[str]) -> None:
    *tables, marker = names
    with contextlib.suppress(FileNotFoundError):
        os.unlink(target / marker)
    fsync_dir(target)
    for name in [*tables, marker]:
        os.replace(stage / name, target / name)
    fsync_dir(target)


# ---------------------------------------------------------------------- folder locks


class FolderLocked(BlockingIOError):
    """Another process holds the lock. ``holder`` says who (``"pid N on HOST"``), if known."""

    def __init__(self, path: Path, holder: str | None) -> None:
        self.path = path
        self.holder = holder
        super().__init__(errno.EWOULDBLOCK, f"locked by {holder or 'another process'}", str(path))


def _me() -> str:
    return f"pid {os.getpid()} on {socket.gethostname()}"


def _read_holder(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return None
    return text[:200] or None


@contextlib.contextmanager
def exclusive_lock(path: str | os.PathLike[str]) -> Iterator[None]:
    """Hold an exclusive lock on the file ``path`` (created if missing) for the block.

    ``fcntl.flock`` where it exists (every POSIX system): the kernel releases it when the
    holder exits or is killed, so no stale lock is ever left. Elsewhere the lock is the
    file itself, created with ``O_EXCL`` and removed at the end; one left by a killed
    process is taken over when the process it names is gone.

    Raises
    ------
    FolderLocked
        If another process (or another ``exclusive_lock`` in this one) holds it.
    """
    lock = Path(path)
    if _fcntl is None:  # Windows and the like (a test hides fcntl to run this)
        with _exclusive_file(lock):
            yield
        return
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        try:
            _fcntl.flock(fd, _fcntl.LOCK_EX | _fcntl.LOCK_NB)
        except BlockingIOError:
            raise FolderLocked(lock, _read_holder(lock)) from None
        # Who holds it, for the refusal message of a second writer; not the lock itself.
        os.ftruncate(fd, 0)
        os.write(fd, (_me() + "\n").encode())
        try:
            yield
        finally:
            _fcntl.flock(fd, _fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextlib.contextmanager
def _exclusive_file(lock: Path) -> Iterator[None]:
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o666)
            break
        except FileExistsError:
            holder = _read_holder(lock)
            if _holder_alive(holder):
                raise FolderLocked(lock, holder) from None
            with contextlib.suppress(FileNotFoundError):
                os.unlink(lock)  # left by a process that is gone
    else:  # pragma: no cover - another process took it over at the same instant
        raise FolderLocked(lock, _read_holder(lock))
    try:
        os.write(fd, (_me() + "\n").encode())
    finally:
        os.close(fd)
    try:
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(lock)


def _holder_alive(holder: str | None) -> bool:
    """Whether the ``"pid N on HOST"`` holder may still run (True when unsure)."""
    parts = (holder or "").split()
    if len(parts) != 4 or parts[0] != "pid" or parts[2] != "on" or not parts[1].isdigit():
        return True
    if parts[3] != socket.gethostname():
        return True  # another machine: cannot tell
    return _pid_alive(int(parts[1]))


def _pid_alive(pid: int) -> bool:
    if os.name == "nt":  # pragma: no cover - os.kill would terminate the process there
        kernel32: Any = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def lock_holder(path: str | os.PathLike[str]) -> str | None:
    """Who holds the lock ``path`` now (``"pid N on HOST"``), or None if nobody does.

    Only looks: it needs no write permission and never takes the lock for longer than
    the test itself.
    """
    lock = Path(path)
    if _fcntl is None:  # pragma: no cover
        holder = _read_holder(lock) if lock.exists() else None
        return holder if holder is not None and _holder_alive(holder) else None
    try:
        fd = os.open(lock, os.O_RDONLY)
    except OSError:
        return None
    try:
        _fcntl.flock(fd, _fcntl.LOCK_SH | _fcntl.LOCK_NB)
    except BlockingIOError:
        return _read_holder(lock) or "another process"
    else:
        _fcntl.flock(fd, _fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)
