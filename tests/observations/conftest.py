"""Fixtures of the observation tests: the shipped Mali table and its scenario."""

from __future__ import annotations

import pandas as pd
import pytest

import simfuel
from simfuel.observations import incidents
from tests.helpers import SCENARIOS

MALI = SCENARIOS / "mali-2025.yaml"
TANKER_L = 45_000  # every mali-2025 corridor's tanker capacity [L]


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return incidents("mali-2025")


@pytest.fixture(scope="module")
def scenario() -> simfuel.Scenario:
    return simfuel.load_scenario(MALI)


def row(frame: pd.DataFrame, key: str) -> pd.Series:
    found = frame[frame["id"] == key]
    assert len(found) == 1, f"{len(found)} rows with id {key!r}"
    return found.iloc[0]
