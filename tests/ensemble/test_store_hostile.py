"""The ensemble store against hostile conditions: two writers, damaged or overlapping
parts, a truncated manifest, a store read before it is finished, a full disk, and a
parent killed under its pool workers."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pyarrow.parquet as pq
import pytest

import simfuel
from simfuel import io as simfuel_io
from simfuel.ensemble import EnsembleResult, run_ensemble
from simfuel.ensemble import worker as worker_module
from simfuel.ensemble.store import (
    EnsembleStore,
    IncompleteStore,
    StoreDamaged,
    StoreError,
    StoreLocked,
    StoreMismatch,
)
from simfuel.errors import InputError
from tests.ensemble.conftest import threatened
from tests.helpers import ROOT, SCENARIOS

WAIT_S = 60  # generous bound for a subprocess to reach a state; never a timing assertion


def _content(directory: Path) -> dict[str, pd.DataFrame]:
    """Every row of every part, sorted: the store's content whatever its part layout."""
    out = {}
    for kind in ("summary", "daily"):
        parts = sorted(directory.glob(f"parts/{kind}-*"))
        frame = pd.concat([pq.read_table(p).to_pandas() for p in parts], ignore_index=True)
        keys = ["replication", "day"] if kind == "daily" else ["replication"]
        out[kind] = frame.sort_values(keys).reset_index(drop=True)
    return out


def _assert_same_content(a: Path, b: Path) -> None:
    ca, cb = _content(a), _content(b)
    pdt.assert_frame_equal(ca["summary"], cb["summary"])
    pdt.assert_frame_equal(ca["daily"], cb["daily"])


def _store(scenario, path: Path, n: int = 8, batch_size: int = 2, **kw) -> EnsembleResult:
    return run_ensemble(
        scenario, n, seed=11, workers=1, batch_size=batch_size, store=path, progress=False, **kw
    )


def _one_line(exc: BaseException) -> str:
    text = str(exc)
    assert "\n" not in text, text
    return text


def _wait_for(predicate, what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.05)


def _python(code: str, *args: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


# A writer that stays busy: replications slowed down in its own process (workers=1).
SLOW_WRITER = """
    import sys, time
    from simfuel.ensemble import run_ensemble, worker
    from tests.ensemble.conftest import threatened

    real = worker.simulate_arrays

    def slow(plan, seed):
        time.sleep(0.1)
        return real(plan, seed)

    worker.simulate_arrays = slow
    run_ensemble(threatened(), 400, seed=11, workers=1, batch_size=1, store=sys.argv[1],
                 progress=False)
"""


# ---------------------------------------------------------------------- one writer


def test_errors_are_input_errors():
    for cls in (StoreMismatch, StoreLocked, StoreDamaged, IncompleteStore):
        assert issubclass(cls, StoreError) and issubclass(cls, InputError)


def test_second_writer_in_this_process_is_refused(scenario, tmp_path):
    store = EnsembleStore(tmp_path)
    with store.writing(), pytest.raises(StoreLocked, match="in use by another run") as info:
        _store(scenario, tmp_path)
    assert f"pid {os.getpid()}" in _one_line(info.value)
    # Released at the end of the block: the folder is usable again.
    assert _store(scenario, tmp_path).n == 8


def test_second_writer_in_another_process_is_refused_and_the_lock_dies_with_it(scenario, tmp_path):
    """A run is going in another process: a run, a resume and to_parquet into its folder
    are refused; reading it says it is being written. Killed with SIGKILL, it leaves no
    lock behind: the resume then finishes the same ensemble."""
    busy = tmp_path / "busy"
    proc = _python(SLOW_WRITER, str(busy))
    try:
        _wait_for(lambda: any(busy.glob("parts/summary-*")), "the first part")
        for resume in (False, True):
            with pytest.raises(StoreLocked) as info:
                run_ensemble(
                    threatened(),
                    400,
                    seed=11,
                    workers=1,
                    store=busy,
                    resume=resume,
                    progress=False,
                )
            assert f"pid {proc.pid}" in _one_line(info.value)
        with pytest.raises(StoreLocked):
            _store(scenario, tmp_path / "small").to_parquet(busy)
        with pytest.raises(IncompleteStore, match=f"a run is writing it now \\(pid {proc.pid}"):
            EnsembleResult.from_parquet(busy)
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
    finally:
        proc.kill()
        proc.wait()
    with pytest.raises(IncompleteStore, match="resume"):
        EnsembleResult.from_parquet(busy)
    resumed = run_ensemble(
        threatened(),
        400,
        seed=11,
        workers=1,
        batch_size=50,
        store=busy,
        resume=True,
        progress=False,
    )
    assert resumed.n == 400


def test_lock_without_fcntl_uses_an_exclusive_file(tmp_path, monkeypatch):
    """The fallback where fcntl is missing: O_EXCL file, taken over from a dead holder."""
    monkeypatch.setattr(simfuel_io, "_fcntl", None)
    lock = tmp_path / ".lock"
    with simfuel_io.exclusive_lock(lock):
        assert simfuel_io.lock_holder(lock) == f"pid {os.getpid()} on {socket.gethostname()}"
        with pytest.raises(simfuel_io.FolderLocked), simfuel_io.exclusive_lock(lock):
            pass
    assert not lock.exists() and simfuel_io.lock_holder(lock) is None
    # Left by a process that is gone: taken over. Held by one alive: refused.
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    lock.write_text(f"pid {dead} on {socket.gethostname()}\n")
    with simfuel_io.exclusive_lock(lock):
        pass
    lock.write_text(f"pid {os.getppid()} on {socket.gethostname()}\n")
    with (
        pytest.raises(simfuel_io.FolderLocked, match=f"pid {os.getppid()}"),
        simfuel_io.exclusive_lock(lock),
    ):
        pass


# ---------------------------------------------------------------------- parts


def test_overlapping_parts_are_an_error(scenario, tmp_path):
    """Two runs wrote the same replications in different batches (what a second writer
    did before the lock): reading and resuming refuse, naming both parts."""
    a, b = tmp_path / "a", tmp_path / "b"
    _store(scenario, a, batch_size=2)  # parts 0-1, 2-3, 4-5, 6-7
    _store(scenario, b, batch_size=3)  # parts 0-2, 3-5, 6-7
    for kind in ("summary", "daily"):
        shutil.copy(b / f"parts/{kind}-0000003-0000005.parquet", a / "parts")
    with pytest.raises(StoreDamaged, match="both hold replication") as info:
        EnsembleResult.from_parquet(a)
    message = _one_line(info.value)
    assert "summary-0000003-0000005.parquet" in message
    assert "summary-0000002-0000003.parquet" in message
    with pytest.raises(StoreDamaged, match="both hold replication"):
        _store(scenario, a, resume=True)
    with pytest.raises(StoreDamaged, match="both hold replication"):
        EnsembleStore(a).read_daily(["stock_l"])


def test_store_refuses_to_write_a_replication_twice(scenario, tmp_path):
    ens = run_ensemble(scenario, 3, seed=1, workers=1, progress=False)
    out = worker_module.BatchOutput
    daily = np.stack([ens.daily(f) for f in simfuel.ensemble.store.DAILY_FIELDS], axis=-1)
    summary = np.zeros((3, len(simfuel.ensemble.store.SUMMARY_METRICS)))
    store = EnsembleStore(tmp_path)
    with pytest.raises(RuntimeError, match="writing"):
        store.write_batch(out(np.array([0]), summary[:1], daily[:1]))
    with store.writing():
        store.initialise(scenario, 1, (), 3, resume=False)
        store.write_batch(out(np.array([0, 1]), summary[:2], daily[:2]))
        with pytest.raises(StoreDamaged, match="already stored"):
            store.write_batch(out(np.array([1, 2]), summary[1:], daily[1:]))
        with pytest.raises(StoreDamaged, match="shapes"):
            store.write_batch(out(np.array([2]), summary[:2], daily[:1]))
        store.write_batch(out(np.array([2]), summary[2:], daily[2:]))
    assert list(store.done()) == [0, 1, 2]


def test_daily_part_missing_a_row_is_never_filled_with_garbage(scenario, tmp_path):
    whole, cut = tmp_path / "whole", tmp_path / "cut"
    _store(scenario, whole)
    _store(scenario, cut)
    part = cut / "parts/daily-0000002-0000003.parquet"
    table = pq.read_table(part)
    pq.write_table(table.slice(0, table.num_rows - 1), part)  # replication 3, last day gone
    ens = EnsembleResult.from_parquet(cut)
    with pytest.raises(StoreDamaged, match="rows of replication 3 missing") as info:
        ens.daily("stock_l")
    assert "daily-0000002-0000003.parquet" in _one_line(info.value)
    # A resume reads every part whole and computes that batch again.
    assert _store(scenario, cut, resume=True).n == 8
    _assert_same_content(whole, cut)


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


DAMAGE = {
    "truncated summary": ("summary", _truncate),
    "empty summary": ("summary", lambda p: p.write_bytes(b"")),
    "truncated daily": ("daily", _truncate),
    "empty daily": ("daily", lambda p: p.write_bytes(b"")),
    "missing daily": ("daily", Path.unlink),
    "garbage daily": ("daily", lambda p: p.write_bytes(os.urandom(p.stat().st_size))),
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_resume_recomputes_damaged_parts_to_identical_content(scenario, tmp_path, damage):
    whole, broken = tmp_path / "whole", tmp_path / "broken"
    _store(scenario, whole)
    _store(scenario, broken)
    kind, harm = DAMAGE[damage]
    harm(broken / f"parts/{kind}-0000004-0000005.parquet")
    # Reading it fails with one clear line naming the part, never a pyarrow traceback.
    with pytest.raises(StoreDamaged, match="0000004-0000005") as info:
        ens = EnsembleResult.from_parquet(broken)
        ens.daily("stock_l")
    assert "--resume" in _one_line(info.value)
    before = {p.name: p.stat().st_mtime_ns for p in broken.glob("parts/*-0000000-0000001.*")}
    resumed = _store(scenario, broken, resume=True, batch_size=3)
    assert resumed.n == 8
    _assert_same_content(whole, broken)
    np.testing.assert_array_equal(
        EnsembleResult.from_parquet(broken).daily("stock_l"),
        EnsembleResult.from_parquet(whole).daily("stock_l"),
    )
    # Sound batches were kept as they were, not recomputed.
    assert before == {
        p.name: p.stat().st_mtime_ns for p in broken.glob("parts/*-0000000-0000001.*")
    }


@pytest.mark.parametrize("text", ["", '{"format": 1, "scenario": "thr', "[1, 2]", '{"n": 4}'])
def test_damaged_manifest_is_a_clear_error(scenario, tmp_path, text):
    _store(scenario, tmp_path)
    (tmp_path / "manifest.json").write_text(text)
    for attempt in (
        lambda: EnsembleResult.from_parquet(tmp_path),
        lambda: _store(scenario, tmp_path, resume=True),
        lambda: _store(scenario, tmp_path),
    ):
        with pytest.raises(StoreDamaged, match=r"manifest\.json") as info:
            attempt()
        assert "damaged" in _one_line(info.value)


def test_damaged_scenario_copy_is_an_error_and_resume_rewrites_it(scenario, tmp_path):
    _store(scenario, tmp_path)
    _truncate(tmp_path / "scenario.json")
    with pytest.raises(StoreDamaged, match=r"scenario\.json"):
        EnsembleResult.from_parquet(tmp_path)
    _store(scenario, tmp_path, resume=True)
    assert EnsembleResult.from_parquet(tmp_path).scenario == scenario


def test_incomplete_store_raises_or_is_flagged(scenario, tmp_path):
    _store(scenario, tmp_path, n=4, batch_size=2)
    for p in tmp_path.glob("parts/*-0000002-0000003.parquet"):
        p.unlink()
    with pytest.raises(IncompleteStore, match="holds 2 of 4 replications") as info:
        EnsembleResult.from_parquet(tmp_path)
    assert "missing 2-3" in _one_line(info.value)
    assert (info.value.done, info.value.planned) == (2, 4)
    partial = EnsembleResult.from_parquet(tmp_path, allow_incomplete=True)
    assert (partial.n, partial.complete, partial.n_planned) == (2, False, 4)
    assert partial.daily("stock_l").shape == (2, len(partial.dates))
    # A copy of an incomplete result stays incomplete.
    partial.to_parquet(tmp_path / "copy")
    with pytest.raises(IncompleteStore):
        EnsembleResult.from_parquet(tmp_path / "copy")
    _store(scenario, tmp_path, n=4, resume=True)
    whole = EnsembleResult.from_parquet(tmp_path)
    assert (whole.n, whole.complete, whole.n_planned) == (4, True, 4)


def test_to_parquet_round_trips_in_parts_of_bounded_size(scenario, tmp_path, monkeypatch):
    from simfuel.ensemble import result as result_module

    monkeypatch.setattr(result_module, "_PART_SIZE", 3)
    ens = run_ensemble(scenario, 7, seed=5, workers=1, progress=False)
    path = ens.to_parquet(tmp_path / "ens")
    assert len(list(path.glob("parts/summary-*"))) == 3
    back = EnsembleResult.from_parquet(path)
    pdt.assert_frame_equal(ens.replications, back.replications)
    np.testing.assert_array_equal(ens.daily("days_of_cover"), back.daily("days_of_cover"))
    copy = back.to_parquet(tmp_path / "copy")
    _assert_same_content(path, copy)
    assert not list(copy.glob("**/*.tmp"))


# ---------------------------------------------------------------------- RunResult.to_csv


def test_to_csv_replaces_the_whole_set_or_nothing(tmp_path, monkeypatch):
    """A failure after daily.csv was written (a full disk) leaves the old set whole:
    never tables of two seeds side by side."""
    out = tmp_path / "run"
    scenario = threatened()
    simfuel.run(scenario, seed=1).to_csv(out)
    old = {p.name: p.read_bytes() for p in out.iterdir()}
    real = pd.DataFrame.to_csv
    calls = []

    def full_disk(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", full_disk)
    with pytest.raises(OSError, match="No space"):
        simfuel.run(scenario, seed=2).to_csv(out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]  # no temporary folder left
    monkeypatch.setattr(pd.DataFrame, "to_csv", real)
    paths = simfuel.run(scenario, seed=2).to_csv(out)
    assert set(paths) == {"daily", "convoys", "events", "summary"}
    assert '"seed": 2' in paths["summary"].read_text()
    assert paths["daily"].read_bytes() != old["daily.csv"]


def test_to_csv_keeps_other_files_in_the_folder(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    scenario = threatened()
    simfuel.run(scenario, seed=1).to_csv(tmp_path)
    simfuel.run(scenario, seed=2).to_csv(tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert '"seed": 2' in (tmp_path / "summary.json").read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "convoys.csv",
        "daily.csv",
        "events.csv",
        "notes.txt",
        "summary.json",
    ]


def test_to_csv_through_a_symlink_and_into_the_working_folder(tmp_path, monkeypatch):
    real, link = tmp_path / "real", tmp_path / "link"
    scenario = threatened()
    simfuel.run(scenario, seed=1).to_csv(real)
    link.symlink_to(real, target_is_directory=True)
    simfuel.run(scenario, seed=2).to_csv(link)
    assert link.is_symlink() and '"seed": 2' in (real / "summary.json").read_text()
    monkeypatch.chdir(real)
    simfuel.run(scenario, seed=3).to_csv(".")
    assert Path.cwd().exists() and '"seed": 3' in Path("summary.json").read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "real"]


# ---------------------------------------------------------------------- a full disk


@pytest.fixture
def small_disk(tmp_path):
    """A 64 KiB tmpfs: a disk that fills up. Skipped where it cannot be mounted."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if not sys.platform.startswith("linux") or shutil.which("mount") is None:
        pytest.skip("needs Linux and mount(8)")
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        if subprocess.run(["umount", str(mount)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def _grow(mount: Path, size: str) -> None:
    subprocess.run(["mount", "-o", f"remount,size={size}", str(mount)], check=True)


def test_full_disk_store_keeps_finished_parts_and_resumes(scenario, tmp_path, small_disk):
    store = small_disk / "store"
    with pytest.raises(OSError, match="No space left") as info:
        _store(scenario, store, n=60, batch_size=4)
    assert str(store / "parts") in str(info.value)  # the error names the file
    assert not [p for p in small_disk.rglob("*") if p.name.endswith(".tmp")]
    finished = EnsembleStore(store).done()
    assert 0 < finished.size < 60
    with pytest.raises(IncompleteStore):
        EnsembleResult.from_parquet(store)
    partial = EnsembleResult.from_parquet(store, allow_incomplete=True)
    assert partial.daily("stock_l").shape[0] == finished.size  # every part it has reads
    _grow(small_disk, "16m")
    _store(scenario, store, n=60, batch_size=4, resume=True)
    whole = tmp_path / "whole"
    _store(scenario, whole, n=60, batch_size=7)
    _assert_same_content(whole, store)


@pytest.mark.parametrize("inside", [False, True], ids=["own-folder", "mount-point"])
def test_full_disk_to_csv_leaves_the_old_set_whole(small_disk, inside):
    out = small_disk if inside else small_disk / "run"
    simfuel.run(threatened(), seed=1).to_csv(out)  # fits in 64 KiB
    old = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    big = simfuel.load_scenario(SCENARIOS / "mali-2025.yaml")
    with pytest.raises(OSError, match="No space left"):
        simfuel.run(big, seed=2).to_csv(out)  # about 650 kB
    assert {p.name: p.read_bytes() for p in out.iterdir()} == old
    assert sorted(p.name for p in small_disk.iterdir()) == sorted(old if inside else ["run"])


# ---------------------------------------------------------------------- pool workers


def _children(pid: int) -> set[int]:
    """Live descendants of ``pid`` (Linux /proc)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if fields[0] != "Z":
                parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {c for c, p in parents.items() if p in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has exited; only its parent's wait() is missing


POOL_RUN = """
    import sys
    from simfuel.ensemble import run_ensemble
    from tests.ensemble.conftest import threatened

    run_ensemble(threatened(), 100000, seed=1, workers=2, batch_size=50, progress=False)
"""


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["kill-9", "sigterm"])
def test_pool_workers_exit_when_the_parent_is_killed(sig):
    proc = _python(POOL_RUN)
    workers: set[int] = set()
    try:

        def two_workers() -> bool:
            workers.update(_children(proc.pid))
            return len(workers) >= 2 or proc.poll() is not None

        _wait_for(two_workers, "two pool workers")
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        proc.send_signal(sig)
        proc.wait()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(_alive(w) for w in workers):
            time.sleep(0.1)
        left = [w for w in workers if _alive(w)]
        assert not left, f"pool workers {left} outlived their parent"
    finally:
        for w in workers:
            with contextlib.suppress(ProcessLookupError):
                if _alive(w):
                    os.kill(w, signal.SIGKILL)
        proc.kill()
        proc.wait()


def test_a_folder_of_another_ensemble_is_not_offered_resume(tmp_path: Path) -> None:
    """--resume cannot finish another scenario's ensemble, so the error must not suggest it."""
    from tests.ensemble.conftest import threatened

    sc = threatened()
    out = tmp_path / "ens"
    simfuel.run_ensemble(sc, 2, seed=1, store=out, progress=False)
    with pytest.raises(simfuel.ensemble.StoreMismatch) as same:
        simfuel.run_ensemble(sc, 2, seed=1, store=out, progress=False)
    assert "--resume" in str(same.value)
    with pytest.raises(simfuel.ensemble.StoreMismatch) as other:
        simfuel.run_ensemble(sc, 2, seed=2, store=out, progress=False)
    assert "--resume" not in str(other.value) and "another folder" in str(other.value)


def test_an_implausible_manifest_is_damage_not_out_of_memory(tmp_path: Path) -> None:
    import json

    from tests.ensemble.conftest import threatened

    out = tmp_path / "ens"
    simfuel.run_ensemble(threatened(), 2, seed=1, store=out, progress=False)
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["n"] = 10**15
    (out / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(simfuel.ensemble.StoreDamaged, match="implausible"):
        simfuel.EnsembleResult.from_parquet(out)
