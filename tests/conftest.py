"""Shared fixtures."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import tiny_scenario


@pytest.fixture
def tiny() -> dict[str, Any]:
    """A one-corridor, 20-day scenario as a plain mapping (a fresh copy per test)."""
    return tiny_scenario()
