"""A time limit per test for mutmut's runs of one mutant (loaded by ``[tool.mutmut]``).

mutmut stops a mutant only after (the time of *all* the tests that reach the mutated
function + 1 s) x ``timeout_multiplier``: nearly every engine function is reached by the
whole selection, so a mutant that loops forever in the first test it breaks ran for about
half an hour before it counted as a timeout. This plugin stops it in that test instead: a
test that uses more than ``MULTIPLIER`` x its own time in mutmut's stats run (+
``CONSTANT_S``) of CPU time ends the worker with mutmut's timeout exit code, so the mutant
is recorded as a timeout (killed), as mutmut's own limit would record it.

Only active in a worker testing a mutant (``MUTANT_UNDER_TEST`` names one) and only for
tests whose time mutmut measured; CPU time, not wall time, so that load from other work on
the machine does not fake timeouts. Not a test module (no ``test_`` prefix): plain pytest
runs never load it.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from types import FrameType

import pytest

MULTIPLIER = 4.0
CONSTANT_S = 5.0
TIMEOUT_EXIT_CODE = 36  # mutmut.stats.status_by_exit_code: "timeout"


def _limit_s(nodeid: str) -> float | None:
    if "__mutmut_" not in os.environ.get("MUTANT_UNDER_TEST", ""):
        return None
    from mutmut.state import state  # only ever loaded under mutmut

    duration_s = state().duration_by_test.get(nodeid)
    if not duration_s:
        return None
    return MULTIPLIER * duration_s + CONSTANT_S


def _hung(signum: int, frame: FrameType | None) -> None:
    os._exit(TIMEOUT_EXIT_CODE)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    limit_s = _limit_s(item.nodeid)
    if limit_s is not None:
        signal.signal(signal.SIGPROF, _hung)
        signal.setitimer(signal.ITIMER_PROF, limit_s)
    try:
        yield
    finally:
        if limit_s is not None:
            signal.setitimer(signal.ITIMER_PROF, 0)
