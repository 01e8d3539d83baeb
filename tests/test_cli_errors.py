"""Every way a command can fail ends as one line on stderr with a fixed exit code.

0 ok, 1 runtime failure, 2 bad input, 130 interrupted; never a traceback. Arguments are
checked before any work starts, so nothing is printed (or computed) before the error.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import simfuel
from simfuel.cli import main
from tests.helpers import ROOT, tiny_scenario


@pytest.fixture
def tiny_file(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(tiny_scenario()))
    return path


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    """The single stderr line of a failed command (and check there is only one)."""
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    return lines[0]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    return env


# ---------------------------------------------------------------- bad arguments: exit 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "{f}", "--seed", "-1"], "--seed: must be >= 0"),
        (["run", "{f}", "--reps", "2", "--batch-size", "-1"], "--batch-size: must be >= 1"),
        (["run", "{f}", "--reps", "0"], "--reps: must be >= 1"),
        (["run", "{f}", "--reps", "x"], "must be a whole number"),
        (["run", "{f}", "--resume"], "need --reps N"),
        (["run", "{f}", "--reps", "2", "--resume"], "--resume needs --out"),
        (["run", "{f}", "--no-such-option"], "unrecognized arguments"),
        (["size-fleet", "{f}", "--force", "army", "--units", "5:2"], "LOW must be <= HIGH"),
        (["size-fleet", "{f}", "--force", "army", "--units=-1:2"], "units must be >= 0"),
        (["size-fleet", "{f}", "--force", "army", "--units", "0:99999"], "at most 1000"),
        (["size-fleet", "{f}", "--force", "army", "--after", "2025-02-30"], "calendar date"),
        (["size-fleet", "{f}", "--force", "army", "--after", "2026-01-01"], "outside the horizon"),
        (["size-fleet", "{f}", "--force", "army", "--day-share", "1.5"], "in (0, 1]"),
        (["size-fleet", "{f}", "--force", "army", "--probability", "nan"], "finite"),
        (["size-fleet", "{f}", "--force", "army", "--min-cover", "inf"], "finite"),
        (["size-fleet", "{f}", "--force", "nope", "--units", "1"], "no such escort force"),
        (["sweep", "{f}", "--param", "threat.hazard_per_100km=[1"], "is not a YAML value"),
        (["sweep", "{f}", "--param", "threat.hazard_per_100km=&a 1"], "anchors and aliases"),
        (["sweep", "{f}", "--param", "=1,2"], "PATH=V1,V2"),
        (["calibrate", "{f}", "--incidents", "mali-2025", "--param", "a=2:1", "--out", "x"], "<"),
        (
            ["sensitivity", "{f}", "--param", "threat.hazard_per_100km=0:1", "--metric", "bogus"],
            "unknown metric; known: loaded_l, delivered_l",
        ),
        (["run", "{f}", "--reps", "2", "--dask", "foo://x"], "unknown scheme 'foo'"),
        (["run", "{f}", "--reps", "2", "--dask", "tcp://"], "SCHEME://HOST:PORT"),
        (["run", "{f}", "--reps", "2", "--dask-security", "x.yaml"], "needs --dask"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_argument_is_one_line_exit_2(tiny_file, tmp_path, capsys, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    argv = [a.replace("{f}", str(tiny_file)) for a in args]
    assert main(argv) == 2
    line = one_error_line(capsys)
    assert message in line


def test_named_bugs_of_issue_9(tiny_file, capsys):
    """size-fleet --day-share 1.5, calibrate --incidents nothere.csv, an unknown metric."""
    assert main(["size-fleet", str(tiny_file), "--force", "army", "--day-share", "1.5"]) == 2
    assert "--day-share" in one_error_line(capsys)
    args = ["--param", "threat.hazard_per_100km=0:1", "--out", "x", "--quiet"]
    assert main(["calibrate", str(tiny_file), "--incidents", "nothere.csv", *args]) == 2
    assert "--incidents nothere.csv" in one_error_line(capsys)
    args = ["--param", "threat.hazard_per_100km=0:1", "--metric", "mean_escort_wait"]
    assert main(["sensitivity", str(tiny_file), *args]) == 2
    line = one_error_line(capsys)
    assert "mean_escort_wait_h" in line  # the valid names are listed


@pytest.mark.parametrize(
    ("module", "args", "extra"),
    [
        ("SALib", ["sensitivity", "{f}", "--param", "threat.hazard_per_100km=0:1"], "sensitivity"),
        ("distributed", ["run", "{f}", "--reps", "2", "--dask", "local"], "dask"),
    ],
)
def test_missing_optional_dependency_names_the_extra(
    tiny_file, capsys, monkeypatch, module, args, extra
):
    monkeypatch.setitem(sys.modules, module, None)  # `import module` now raises ImportError
    assert main([a.replace("{f}", str(tiny_file)) for a in args]) == 2
    assert f"simfuel[{extra}]" in one_error_line(capsys)


# ---------------------------------------------------------------- --out


def test_out_that_is_a_file_fails_before_the_run(tiny_file, tmp_path, capsys, monkeypatch):
    # Relative paths: the error line shortens a long path with "...", and pytest-xdist's
    # temporary folders (.../popen-gw1/...) were long enough to be shortened.
    monkeypatch.chdir(tmp_path)
    afile = Path("afile")
    afile.write_text("")
    for out in (afile, afile / "sub"):
        assert main(["run", str(tiny_file), "--out", str(out)]) == 2
        captured = capsys.readouterr()
        assert captured.out == ""  # nothing printed before the refusal (it once was)
        assert len(captured.err.splitlines()) == 1
        assert f"--out {out}" in captured.err
    assert main(["schema", "--out", str(tmp_path)]) == 2
    assert "is a folder, not a file" in one_error_line(capsys)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes anywhere")
def test_out_in_an_unwritable_folder(tiny_file, tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        assert main(["run", str(tiny_file), "--out", str(locked / "o")]) == 2
        assert "cannot write in" in one_error_line(capsys)
    finally:
        locked.chmod(0o700)


@contextlib.contextmanager
def tmpfs(path: Path, options: str):
    """A small tmpfs mounted at ``path`` (root on Linux), or skip the test."""
    path.mkdir()
    proc = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)],
        capture_output=True,
        check=False,
    )
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.decode(errors='replace')}")
    try:
        yield path
    finally:
        subprocess.run(["umount", str(path)], check=False)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="tmpfs is Linux")
def test_out_on_a_read_only_file_system(tiny_file, tmp_path, capsys):
    with tmpfs(tmp_path / "ro", "ro,size=64k") as ro:
        assert main(["run", str(tiny_file), "--out", str(ro / "o")]) == 2
        assert "read-only or no permission" in one_error_line(capsys)
        assert main(["schema", "--out", str(ro / "s.json")]) == 2
        assert "read-only" in one_error_line(capsys)


def _fill(folder: Path) -> None:
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        with contextlib.suppress(OSError):
            while True:
                os.write(fd, b"\0" * 4096)
    finally:
        os.close(fd)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="tmpfs is Linux")
@pytest.mark.parametrize("reps", [None, 4])
def test_full_disk_is_a_runtime_failure(tiny_file, tmp_path, capsys, reps):
    with tmpfs(tmp_path / "full", "size=64k") as full:
        (full / "o").mkdir()
        _fill(full)
        more = [] if reps is None else ["--reps", str(reps), "--workers", "1", "--quiet"]
        assert main(["run", str(tiny_file), "--out", str(full / "o"), *more]) == 1
        line = one_error_line(capsys)
        assert "No space left on device" in line
        assert str(full / "o") in line


def test_os_error_during_writing_is_one_line_exit_1(tiny_file, tmp_path, capsys, monkeypatch):
    def refuse(self: Any, directory: Any) -> Any:
        raise PermissionError(errno.EACCES, "Permission denied", str(directory))

    monkeypatch.setattr(simfuel.RunResult, "to_csv", refuse)
    assert main(["run", str(tiny_file), "--out", str(tmp_path / "o")]) == 1
    assert one_error_line(capsys) == f"error: {tmp_path / 'o'}: Permission denied"


def test_unexpected_exception_is_one_line_exit_1(tiny_file, capsys, monkeypatch):
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise TypeError("something\nbroke")

    monkeypatch.setattr(sys.modules["simfuel.run"], "run", broken)
    assert main(["run", str(tiny_file)]) == 1
    line = one_error_line(capsys)
    assert line.startswith("error: internal error: TypeError: something; broke")
    assert "SIMFUEL_TRACEBACK" in line


# ---------------------------------------------------------------- stores, YAML, scenarios


def test_damaged_store_is_one_line(tiny_file, tmp_path, capsys):
    out = tmp_path / "ens"
    args = ["run", str(tiny_file), "--reps", "4", "--batch-size", "2", "--workers", "1"]
    assert main([*args, "--quiet", "--out", str(out)]) == 0
    capsys.readouterr()
    part = sorted((out / "parts").glob("summary-*.parquet"))[0]
    part.write_bytes(part.read_bytes()[:40])  # a truncated part
    code = main([*args, "--quiet", "--out", str(out), "--resume"])
    err = capsys.readouterr().err
    assert code in (0, 1, 2)  # the store may recompute the part: then it succeeds
    assert "Traceback" not in err
    assert len(err.splitlines()) == (0 if code == 0 else 1)
    (out / "manifest.json").write_text('{"format": 1, "scen')  # a truncated manifest
    assert main([*args, "--quiet", "--out", str(out), "--resume"]) in (1, 2)
    one_error_line(capsys)


def test_store_of_another_ensemble_is_exit_2(tiny_file, tmp_path, capsys):
    out = tmp_path / "ens"
    args = ["run", str(tiny_file), "--reps", "2", "--workers", "1", "--quiet", "--out", str(out)]
    assert main(args) == 0
    capsys.readouterr()
    assert main(args) == 2
    assert "--resume" in one_error_line(capsys)


def test_scenario_with_many_problems_is_one_line(tmp_path, capsys):
    raw = tiny_scenario()
    raw["threat"]["hazard_per_100km"] = -1
    raw["demand"]["demand_l_per_day"] = -1
    for leg in raw["corridors"]["main"]["legs"]:
        leg["length_km"] = -5
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(raw))
    assert main(["run", str(path)]) == 2
    line = one_error_line(capsys)
    assert line.startswith(f"error: {path}: ")
    assert "length_km" in line
    assert main(["validate", str(path), str(path)]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 2  # one line per invalid file
    assert all(line.startswith(f"invalid: {path}: ") for line in err.splitlines())


def test_malformed_yaml_file_is_one_line(tmp_path, capsys):
    path = tmp_path / "broken.yaml"
    path.write_text("name: [unclosed\nstart: 2025-01-01\n")
    assert main(["run", str(path)]) == 2
    assert str(path) in one_error_line(capsys)


def test_warnings_are_one_line(tiny_file, capsys):
    # No policy lists the force: size_fleet warns that its units change nothing.
    raw = tiny_scenario()
    raw["escorts"]["idle"] = {"kind": "ground", "units": 0, "deterrence": 0, "protection": 0}
    tiny_file.write_text(yaml.safe_dump(raw))
    args = ["--units", "1", "--reps", "1", "--workers", "1", "--quiet"]
    assert main(["size-fleet", str(tiny_file), "--force", "idle", *args]) == 0
    err = capsys.readouterr().err
    assert "no escort policy lists 'idle'" in err
    assert all(line.startswith("warning: ") for line in err.splitlines())


# ---------------------------------------------------------------- Dask


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_dask_unreachable_address_fails_fast_with_one_line(tiny_file, capsys):
    pytest.importorskip("distributed")
    address = f"tcp://127.0.0.1:{_closed_port()}"
    assert main(["run", str(tiny_file), "--reps", "2", "--quiet", "--dask", address]) == 2
    line = one_error_line(capsys)
    assert f"--dask {address}: no scheduler reachable there" in line


def test_dask_address_where_something_else_listens(tiny_file, capsys):
    pytest.importorskip("distributed")
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()

    def answer_like_a_web_server() -> None:
        with contextlib.suppress(OSError):
            while True:
                conn, _ = server.accept()
                with conn:
                    conn.sendall(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n")

    threading.Thread(target=answer_like_a_web_server, daemon=True).start()
    address = f"tcp://127.0.0.1:{server.getsockname()[1]}"
    try:
        assert main(["run", str(tiny_file), "--reps", "2", "--quiet", "--dask", address]) == 2
    finally:
        server.close()
    err = capsys.readouterr().err
    assert "Traceback" not in err
    # Dask's own logger may add lines; ours is the last and names the address.
    assert err.splitlines()[-1].startswith(f"error: --dask {address}: ")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "No such file"),
        ("tls_ca_file: [", "not a YAML file"),
        ("- a list", "needs a mapping"),
        ("tls_ca_file: ca.pem\npassword: x\n", "unknown key 'password'"),
        ("tls_ca_file: missing.pem\n", "no such file"),
        ("require_encryption: 1\n", "true or false"),
    ],
)
def test_bad_dask_security_file(tiny_file, tmp_path, capsys, content, message):
    pytest.importorskip("distributed")
    path = tmp_path / "security.yaml"
    if content is not None:
        path.write_text(content)
    (tmp_path / "ca.pem").write_text("")
    args = ["run", str(tiny_file), "--reps", "2", "--dask", "local"]
    assert main([*args, "--dask-security", str(path)]) == 2
    assert message in one_error_line(capsys)


def test_dask_security_temporary_only_with_local(tiny_file, capsys):
    pytest.importorskip("distributed")
    args = ["run", str(tiny_file), "--reps", "2", "--dask", f"tcp://127.0.0.1:{_closed_port()}"]
    assert main([*args, "--dask-security", "temporary"]) == 2
    assert "use it with --dask local" in one_error_line(capsys)


def _certificate(folder: Path) -> None:
    proc = subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(folder / "key.pem"),
            "-out",
            str(folder / "cert.pem"),
            "-days",
            "2",
            "-subj",
            "/CN=simfuel-test",
        ],
        capture_output=True,
        check=False,
    )
    if proc.returncode != 0:
        pytest.skip("openssl cannot make a test certificate here")


@pytest.mark.skipif(not Path("/usr/bin/openssl").exists(), reason="needs openssl")
def test_dask_local_with_tls_certificates(tiny_file, tmp_path, capsys, monkeypatch):
    distributed = pytest.importorskip("distributed")
    _certificate(tmp_path)
    roles = ("client", "scheduler", "worker")
    lines = ["tls_ca_file: cert.pem"]
    lines += [f"tls_{r}_cert: cert.pem\ntls_{r}_key: key.pem" for r in roles]
    (tmp_path / "security.yaml").write_text("\n".join(lines) + "\n")
    addresses = []

    class Recording(distributed.LocalCluster):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            addresses.append(self.scheduler_address)

    monkeypatch.setattr(distributed, "LocalCluster", Recording)
    args = ["run", str(tiny_file), "--reps", "2", "--workers", "1", "--quiet", "--dask", "local"]
    assert main([*args, "--dask-security", str(tmp_path / "security.yaml")]) == 0, (
        capsys.readouterr().err
    )
    assert "2 replications" in capsys.readouterr().out
    assert addresses and addresses[0].startswith("tls://")


# ---------------------------------------------------------------- signals and pipes


def test_sigterm_exits_130_and_resume_completes(tmp_path):
    raw = tiny_scenario()
    raw["end"] = "2025-12-31"  # slow enough to be caught running
    path = tmp_path / "long.yaml"
    path.write_text(yaml.safe_dump(raw))
    out = tmp_path / "ens"
    n = 30
    args = ["run", str(path), "--reps", str(n), "--batch-size", "1", "--workers", "1"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "simfuel", *args, "--quiet", "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    deadline = time.monotonic() + 300
    while not list((out / "parts").glob("summary-*.parquet")):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "no part was written"
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert len(stderr.splitlines()) == 1
    assert stderr.startswith("terminated (SIGTERM)")
    assert "--resume" in stderr
    done = len(list((out / "parts").glob("summary-*.parquet")))
    assert 1 <= done < n  # stopped mid-way, with its finished parts kept

    with contextlib.redirect_stdout(io.StringIO()):
        assert main([*args, "--quiet", "--out", str(out), "--resume"]) == 0
    resumed = simfuel.EnsembleResult.from_parquet(out)
    fresh = simfuel.run_ensemble(path, n, seed=0, workers=1, progress=False)
    assert resumed.n == n
    np.testing.assert_array_equal(
        resumed.replications.to_numpy(float), fresh.replications.to_numpy(float)
    )


def test_validate_into_a_closed_pipe_ends_quietly(tiny_file):
    # Far more than the pipe's buffer, so writing blocks until the reader has gone.
    files = [str(tiny_file)] * 1500
    proc = subprocess.Popen(
        [sys.executable, "-m", "simfuel", "validate", *files],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(),
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline().startswith(b"ok: ")
    proc.stdout.close()  # like `| head -1`
    err = proc.stderr.read().decode()
    proc.wait(timeout=300)
    assert "BrokenPipeError" not in err
    assert "Traceback" not in err
    assert err == ""
    assert proc.returncode == 1


# ---------------------------------------------------------------- echo safety


def test_echoed_values_cannot_forge_lines(tmp_path, capsys):
    raw = tiny_scenario()
    raw["name"] = "evil\nok: forged.yaml (all fine)\x1b[2K\u202e"
    good = tmp_path / "good.yaml"
    good.write_text(yaml.safe_dump(raw))
    raw["evil\rok: forged"] = 1  # an unknown key is echoed in the error
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(raw))
    assert main(["validate", str(good), str(bad)]) == 2
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 1
    assert len(err.splitlines()) == 1
    for text in (out, err):
        assert "\x1b" not in text
        assert "\r" not in text
        assert "\u202e" not in text
        assert not any(line.startswith("ok: forged") for line in text.splitlines())
    assert "evil\\nok: forged" in out


def test_huge_argument_is_cut_when_echoed(tiny_file, capsys):
    huge = "9" * 1_000_000 + "x"
    assert main(["size-fleet", str(tiny_file), "--force", "army", "--units", huge]) == 2
    line = one_error_line(capsys)
    assert len(line) < 300
    assert line.count("9") <= 100


def test_printing_never_raises_an_encoding_error(tmp_path):
    raw = tiny_scenario()
    raw["name"] = "Bamako–Kayès \udcff"
    path = tmp_path / "accents.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=False))
    bad = tmp_path / "accents-bad.yaml"
    raw["threat"]["hazard_per_100km"] = "éé"
    bad.write_text(yaml.safe_dump(raw, allow_unicode=False))
    env = {**_env(), "PYTHONIOENCODING": "ascii"}
    shown = {}
    for file, code in ((path, 0), (bad, 2)):
        proc = subprocess.run(
            [sys.executable, "-m", "simfuel", "validate", str(file)],
            capture_output=True,
            env=env,
            check=False,
        )
        assert proc.returncode == code, proc.stderr
        assert b"Traceback" not in proc.stderr
        assert b"UnicodeEncodeError" not in proc.stderr
        shown[code] = (proc.stdout + proc.stderr).splitlines()
        assert len(shown[code]) == 1
    # What ascii cannot hold is escaped, and the lone surrogate is shown, not raised.
    assert b"Bamako\\u2013Kay\\xe8s \\udcff" in shown[0][0]


# ---------------------------------------------------------------- hypothesis: mutated files


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*prefix, i))
    return out


PATHS = _paths(tiny_scenario())
DELETE = object()
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from([0, -1, 10**12, 2**63, -(2**63) - 1]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e-300, 1e308, -1e308, float("inf"), float("nan")]),
    st.text(max_size=12),
    st.sampled_from(["2025-02-30", "yes", "1e308", ".inf", "0", "port", "city", "\n"]),
    st.dates(),
    st.lists(st.integers(-5, 5), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(-5, 5), max_size=2),
)
MUTATIONS = st.lists(
    st.tuples(st.sampled_from(PATHS), st.one_of(st.just(DELETE), VALUES)), min_size=1, max_size=3
)


def _mutate(raw: dict[str, Any], mutations: list[tuple[tuple[Any, ...], Any]]) -> None:
    for path, value in mutations:
        node: Any = raw
        for step in path[:-1]:
            try:
                node = node[step]
            except (KeyError, IndexError, TypeError):
                break
        else:
            last = path[-1]
            # A path may meet a list where it expects a mapping (a mutation made it one): skip.
            if isinstance(node, dict) or (
                isinstance(node, list) and isinstance(last, int) and last < len(node)
            ):
                if value is DELETE:
                    if isinstance(node, list) or last in node:  # a key deleted twice is gone
                        del node[last]
                else:
                    node[last] = value


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MUTATIONS)
def test_mutated_scenarios_exit_0_or_2_with_one_line(mutations):
    raw = tiny_scenario()
    _mutate(raw, mutations)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mutated.yaml"
        path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["validate", str(path)])
    assert code in (0, 2), err.getvalue()
    assert "Traceback" not in err.getvalue()
    if code == 2:
        assert out.getvalue() == ""
        lines = err.getvalue().splitlines()
        assert len(lines) == 1, err.getvalue()
        assert lines[0].startswith(f"invalid: {path}: ")
    else:
        assert err.getvalue() == ""
        assert out.getvalue().startswith(f"ok: {path} ")


def test_validate_lists_every_problem_that_run_cuts_short(tmp_path, capsys):
    # Declaring the main commodity in people makes every litre field of mali-2025 wrong:
    # more than the five problems an error line of `run` shows; its pointer to validate
    # must survive the line's cut at 1,000 characters (it was cut with long paths).
    path = tmp_path / "evac.yaml"
    path.write_text(
        "extends: mali-2025\nname: evac-bad\ncommodities: {evacuees: {unit: people}}\n",
        encoding="utf-8",
    )
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1
    assert "more problem" not in err  # `run` points to validate for the rest
    assert err.count(": litres, but the main commodity 'evacuees' is in people") > 5
    assert main(["run", str(path)]) == 2
    assert "more problems (simfuel validate lists all)" in capsys.readouterr().err
