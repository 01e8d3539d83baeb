"""Streaming to Parquet, resuming after an interruption, reporting failed replications."""

from __future__ import annotations

import subprocess
import sys
import time

import numpy as np
import pandas.testing as pdt
import pyarrow.parquet as pq
import pytest

from simfuel.ensemble import EnsembleError, EnsembleResult, StoreMismatch, run_ensemble
from simfuel.ensemble.seeds import replication_seed
from tests.ensemble.harness import fail_runs
from tests.helpers import SCENARIOS


def _parts_content(directory):
    """Every row of every part, sorted: the store's content independent of part layout."""
    out = {}
    for kind in ("summary", "daily"):
        tables = [pq.read_table(p).to_pandas() for p in sorted(directory.glob(f"parts/{kind}-*"))]
        import pandas as pd

        frame = pd.concat(tables, ignore_index=True)
        keys = ["replication", "day"] if kind == "daily" else ["replication"]
        out[kind] = frame.sort_values(keys).reset_index(drop=True)
    return out


def test_store_streams_parts_and_result_reads_back(scenario, tmp_path):
    ens = run_ensemble(
        scenario, 10, seed=4, workers=1, batch_size=3, store=tmp_path, progress=False
    )
    assert len(list(tmp_path.glob("parts/summary-*.parquet"))) == 4
    assert ens.n == 10
    again = EnsembleResult.from_parquet(tmp_path)
    pdt.assert_frame_equal(ens.replications, again.replications)
    in_memory = run_ensemble(scenario, 10, seed=4, workers=1, progress=False)
    pdt.assert_frame_equal(ens.replications, in_memory.replications)
    np.testing.assert_array_equal(ens.daily("stock_l"), in_memory.daily("stock_l"))


def test_resume_after_lost_parts_gives_identical_content(scenario, tmp_path):
    whole = tmp_path / "whole"
    run_ensemble(scenario, 12, seed=8, workers=1, batch_size=4, store=whole, progress=False)
    broken = tmp_path / "broken"
    run_ensemble(scenario, 12, seed=8, workers=1, batch_size=4, store=broken, progress=False)
    # An interruption after the first batch: later parts never written, one daily part
    # orphaned (written, but its summary part - the completion mark - never renamed).
    for p in sorted(broken.glob("parts/summary-*"))[1:]:
        p.unlink()
    for p in sorted(broken.glob("parts/daily-*"))[2:]:
        p.unlink()
    with pytest.raises(StoreMismatch, match="resume"):
        run_ensemble(scenario, 12, seed=8, workers=1, store=broken, progress=False)
    resumed = run_ensemble(
        scenario, 12, seed=8, workers=2, batch_size=5, store=broken, resume=True, progress=False
    )
    a, b = _parts_content(whole), _parts_content(broken)
    pdt.assert_frame_equal(a["summary"], b["summary"])
    pdt.assert_frame_equal(a["daily"], b["daily"])
    assert resumed.n == 12


def test_resume_refuses_another_ensemble(scenario, tmp_path):
    run_ensemble(scenario, 4, seed=1, workers=1, store=tmp_path, progress=False)
    with pytest.raises(StoreMismatch, match="seed_entropy"):
        run_ensemble(scenario, 4, seed=2, workers=1, store=tmp_path, resume=True, progress=False)
    with pytest.raises(StoreMismatch, match="n=4"):
        run_ensemble(scenario, 3, seed=1, workers=1, store=tmp_path, resume=True, progress=False)


def test_failing_replication_is_reported_with_its_seed(scenario, tmp_path, monkeypatch):
    fail_runs(monkeypatch, lambda key: key[-1] == 3, "boom in replication three")
    with pytest.raises(EnsembleError) as info:
        run_ensemble(scenario, 6, seed=99, workers=1, batch_size=2, store=tmp_path, progress=False)
    (failure,) = info.value.failures
    assert failure.index == 3
    assert failure.entropy == 99
    assert failure.spawn_key == tuple(replication_seed(np.random.SeedSequence(99), 3).spawn_key)
    assert "boom in replication three" in failure.error
    assert "replication 3" in str(info.value) and "99" in str(info.value)
    # The others were kept; resuming (now without the fault) runs only replication 3.
    monkeypatch.undo()
    done_before = sorted(p.name for p in tmp_path.glob("parts/summary-*"))
    ens = run_ensemble(scenario, 6, seed=99, workers=1, store=tmp_path, resume=True, progress=False)
    new = sorted(set(p.name for p in tmp_path.glob("parts/summary-*")) - set(done_before))
    assert new == ["summary-0000003-0000003.parquet"]
    assert list(ens.replications.index) == list(range(6))


def test_killed_cli_run_resumes_to_the_same_result(tmp_path):
    """A real interruption: the CLI process is killed mid-run, then resumed."""
    scenario = str(SCENARIOS / "mali-2025.yaml")
    common = ["--reps", "16", "--seed", "5", "--workers", "1", "--batch-size", "2", "--quiet"]
    killed = tmp_path / "killed"
    proc = subprocess.Popen(
        [sys.executable, "-m", "simfuel", "run", scenario, *common, "--out", str(killed)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(killed.glob("parts/summary-*"))) < 2:
        time.sleep(0.05)
    proc.kill()
    proc.wait()
    finished_before = len(list(killed.glob("parts/summary-*")))
    assert 2 <= finished_before < 8, "the run should have been killed part-way"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "simfuel",
            "run",
            scenario,
            *common,
            "--out",
            str(killed),
            "--resume",
        ],
        check=True,
        capture_output=True,
    )
    whole = tmp_path / "whole"
    subprocess.run(
        [sys.executable, "-m", "simfuel", "run", scenario, *common, "--out", str(whole)],
        check=True,
        capture_output=True,
    )
    a, b = _parts_content(whole), _parts_content(killed)
    pdt.assert_frame_equal(a["summary"], b["summary"])
    pdt.assert_frame_equal(a["daily"], b["daily"])
