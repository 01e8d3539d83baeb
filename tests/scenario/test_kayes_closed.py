"""The shipped what-if ``kayes-closed``: mali-2025 plus the close and reopen of one leg."""

from __future__ import annotations

import datetime as dt

from simfuel.scenario import load_scenario
from simfuel.scenario.schema import CloseEvent, ReopenEvent
from tests.helpers import SCENARIOS


def test_kayes_closed_adds_a_two_week_closure_of_one_leg_only() -> None:
    mali = load_scenario(SCENARIOS / "mali-2025.yaml")
    sc = load_scenario(SCENARIOS / "kayes-closed.yaml")
    assert "illustrative" in sc.description
    assert sc.events[: len(mali.events)] == mali.events
    close, reopen = sc.events[len(mali.events) :]
    assert isinstance(close, CloseEvent) and isinstance(reopen, ReopenEvent)
    for ev in (close, reopen):
        assert (ev.corridor, ev.leg_from) == ("dakar_rn1", "kayes")
    assert (reopen.date - close.date).days == 14
    assert close.date.month == reopen.date.month == 10
    assert close.date >= dt.date(2025, 10, 1)
    skip = {"name", "description", "events"}
    assert {k: v for k, v in sc.model_dump().items() if k not in skip} == {
        k: v for k, v in mali.model_dump().items() if k not in skip
    }
