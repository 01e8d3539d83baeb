"""The wheel works after ``pip install``: shipped scenarios by name, from another folder.

Builds the wheel of this checkout, installs it (``--no-deps``) into a fresh venv in a
temporary folder, and runs simfuel from there, outside the repository, with no
``PYTHONPATH``: what a pip user gets. The runtime dependencies come from the interpreter
running the tests (a ``.pth`` file puts its site-packages after the venv's own), so the test
downloads nothing; simfuel itself must be the wheel's copy, and the test checks that it is.
"""

from __future__ import annotations

import importlib.util
import os
import site
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests.helpers import ROOT, SCENARIOS

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("venv") is None or importlib.util.find_spec("pip") is None,
    reason="needs the venv module and pip to build and install the wheel",
)

# Runs inside the venv, from a folder outside the repository.
PROGRAM = """
import sys
from pathlib import Path
import simfuel
from simfuel.scenario import init_scenario, shipped_scenarios

venv = Path(sys.argv[1]).resolve()
assert Path(simfuel.__file__).resolve().is_relative_to(venv), simfuel.__file__
print("shipped", *shipped_scenarios())
base = simfuel.load_scenario("mali-2025")
other = simfuel.load_scenario("no-blockade", {"end": "2025-08-20"})  # extends: mali-2025
assert other.start == base.start and other.threat.hazard_per_100km == 0.0
copies = init_scenario("no-emergency-deal", "mine")
assert simfuel.load_scenario(copies[0]).name == "no-emergency-deal"
result = simfuel.run(other, seed=1)
print("delivered_l", result.summary()["delivered_l"])
"""


def _run(*args: str | Path, cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_the_wheel_runs_shipped_scenarios_by_name(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    pip = [sys.executable, "-m", "pip"]
    # hatchling at hand: build offline; else pip fetches it in an isolated build
    isolation = [] if importlib.util.find_spec("hatchling") is None else ["--no-build-isolation"]
    dist = tmp_path / "dist"
    _run(*pip, "wheel", "--no-deps", "-q", *isolation, "-w", dist, ROOT, cwd=tmp_path, env=env)
    (wheel,) = dist.glob("simfuel-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
    packed = {Path(n).name for n in names if n.startswith("simfuel/scenarios/")}
    assert packed == {p.name for p in SCENARIOS.glob("*.yaml")}
    # The package data the code reads at run time: map outlines, incidents, signals.
    data = {Path(n).name for n in names if n.startswith("simfuel/data/")}
    shipped = {p.name for p in (ROOT / "simfuel" / "data").glob("*.*") if p.suffix != ".py"}
    assert shipped and shipped <= data, shipped - data

    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path, env=env)
    python = venv / "bin" / "python"
    if not python.exists():  # Windows
        python = venv / "Scripts" / "python.exe"
    _run(*pip, "--python", python, "install", "--no-deps", "-q", wheel, cwd=tmp_path, env=env)
    purelib = _run(
        python,
        "-c",
        "import sysconfig; print(sysconfig.get_path('purelib'))",
        cwd=tmp_path,
        env=env,
    ).strip()
    # The dependencies, after the venv's own site-packages (lines of a .pth are appended).
    ours = {sysconfig.get_path("purelib"), *site.getsitepackages()}
    Path(purelib, "simfuel-test-deps.pth").write_text("\n".join(sorted(ours)) + "\n")

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = _run(python, "-c", PROGRAM, venv, cwd=elsewhere, env=env)
    assert "mali-2025" in out.split("\n")[0]
    delivered_l = float(out.split("delivered_l")[1])
    assert delivered_l > 0
    assert (elsewhere / "mine" / "mali-2025.yaml").is_file()

    # the console script of the wheel, by name, from the same folder
    script = python.parent / "simfuel"
    if script.exists():
        _run(script, "run", "no-blockade", "--out", "run", cwd=elsewhere, env=env)
        assert (elsewhere / "run" / "daily.csv").is_file()
