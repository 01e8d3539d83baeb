"""``simfuel validate``: exit 0 for valid files, 2 for invalid ones, the message on stderr."""

from __future__ import annotations

from pathlib import Path

import pytest

from simfuel.cli import main
from tests.helpers import SCENARIOS

HERE = Path(__file__).resolve().parent
BASE = HERE / "base.yaml"
BAD = HERE / "bad"


def test_validate_valid_file(capsys) -> None:
    assert main(["validate", str(BASE)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(f"ok: {BASE} (base, 2025-01-01 .. 2025-01-20, 3 events)")
    assert err == ""


def test_validate_shipped_scenarios(capsys) -> None:
    paths = [str(p) for p in sorted(SCENARIOS.glob("*.yaml"))]
    assert main(["validate", *paths]) == 0
    out, err = capsys.readouterr()
    assert out.count("ok: ") == len(paths)
    assert err == ""


def test_validate_invalid_file(capsys, monkeypatch) -> None:
    monkeypatch.chdir(HERE)
    assert main(["validate", "bad/negative-length.yaml"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(
        "invalid: bad/negative-length.yaml: corridors.main.legs[0].length_km: must be > 0"
    )
    assert "(got -5)" in err


@pytest.mark.parametrize(
    ("file", "expected"),
    [
        ("malformed-yaml.yaml", "malformed YAML at line 3, column 5"),
        ("empty.yaml", "the file is empty"),
        ("does-not-exist.yaml", "file not found"),
        ("circular-a.yaml", "circular extends"),
        ("python-tag.yaml", "could not determine a constructor"),
    ],
)
def test_validate_file_level_problems(capsys, file: str, expected: str) -> None:
    assert main(["validate", str(BAD / file)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert f"{BAD / file}: " in err
    assert expected in err


def test_validate_reports_every_file_and_fails_if_any_is_bad(capsys) -> None:
    bad = BAD / "policy-unknown-force.yaml"
    assert main(["validate", str(BASE), str(bad), str(BASE)]) == 2
    out, err = capsys.readouterr()
    assert out.count("ok: ") == 2
    assert f"{bad}: corridors.main.escort_policy.forces[0]: unknown escort force 'armi'" in err


# Regression: an impossible calendar date once escaped main() as a bare ValueError.
def test_validate_impossible_date_exits_2(capsys) -> None:
    assert main(["validate", str(BAD / "invalid-calendar-date.yaml")]) == 2
    assert "invalid-calendar-date.yaml: " in capsys.readouterr().err


def test_run_with_bad_override_exits_2(capsys) -> None:
    assert main(["run", str(BASE), "--set", "threat.hazard_per_100km=-1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {BASE}: threat.hazard_per_100km: must be >= 0")


def test_run_with_malformed_set_exits_2(capsys) -> None:
    assert main(["run", str(BASE), "--set", "nonsense"]) == 2
    assert "--set needs path.to.field=value (got 'nonsense')" in capsys.readouterr().err
