"""The garbage collector's pause around a run leaves it as it found it."""

from __future__ import annotations

import gc
import threading

import numpy as np
import pytest

import simfuel
from simfuel.sim import Simulation, compile_plan
from simfuel.sim.collector import paused
from tests.helpers import tiny_scenario


@pytest.fixture(autouse=True)
def _collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def test_off_inside_back_on_after() -> None:
    with paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_turned_off_by_the_caller_stays_off() -> None:
    gc.disable()
    with paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_nested_pauses_end_with_the_outermost_and_survive_an_error() -> None:
    with pytest.raises(RuntimeError), paused():
        with paused():
            pass
        assert not gc.isenabled()  # the inner pause's end does not resume it
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_overlapping_pauses_on_threads_resume_when_the_last_ends() -> None:
    inside, release = threading.Event(), threading.Event()

    def other() -> None:
        with paused():
            inside.set()
            release.wait(5)

    t = threading.Thread(target=other)
    with paused():
        t.start()
        inside.wait(5)
    assert not gc.isenabled()  # the other thread's run still goes on
    release.set()
    t.join(5)
    assert gc.isenabled()


def test_a_run_pauses_the_collector_and_gives_it_back() -> None:
    seen = []
    plan = compile_plan(simfuel.load_scenario(tiny_scenario()))
    sim = Simulation(plan, np.random.SeedSequence(1))
    sim.env.process(_probe(sim.env, seen))
    sim.run()
    assert seen == [False]
    assert gc.isenabled()


def _probe(env, seen):
    yield env.timeout(1.0)
    seen.append(gc.isenabled())
