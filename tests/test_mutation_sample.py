"""The sampled mutation run's statistics (.ci/mutation_sample.py, `make mutation SAMPLE=N`)."""

from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from simfuel.model.binomial import wilson_interval

SCRIPT = Path(__file__).resolve().parents[1] / ".ci" / "mutation_sample.py"


@pytest.fixture(scope="module")
def sampler() -> ModuleType:
    spec = importlib.util.spec_from_file_location("mutation_sample", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("killed", "n"), [(0, 10), (10, 10), (57, 60), (95, 100), (1, 3)])
def test_the_kill_rate_interval_is_the_engine_s_wilson_interval(
    sampler: ModuleType, killed: int, n: int
) -> None:
    low, high = sampler.wilson_interval(killed, n)
    ref_low, ref_high = wilson_interval(killed, n, 0.95)
    assert low == pytest.approx(float(ref_low), abs=1e-12)
    assert high == pytest.approx(float(ref_high), abs=1e-12)
    assert 0.0 <= low <= killed / n + 1e-12 and killed / n - 1e-12 <= high <= 1.0


def test_no_checked_mutant_says_nothing(sampler: ModuleType) -> None:
    assert sampler.wilson_interval(0, 0) == (0.0, 1.0)


def _names(counts: dict[str, int]) -> dict[str, list[str]]:
    return {f: [f"{f}.x_f__mutmut_{i}" for i in range(1, n + 1)] for f, n in counts.items()}


def test_each_file_gets_its_share_of_the_sample(sampler: ModuleType) -> None:
    names = _names({"a": 700, "b": 200, "c": 95, "d": 5})
    sample = sampler.stratified_sample(names, 100, seed=3)
    assert len(sample) == len(set(sample)) == 100
    shares = Counter(name.split(".")[0] for name in sample)
    # 70, 20, 9.5 and 0.5: the two halves go by largest remainder, ties by name.
    assert shares == {"a": 70, "b": 20, "c": 10}


def test_the_sample_depends_on_the_seed_only(sampler: ModuleType) -> None:
    names = _names({"a": 300, "b": 120})
    reordered = {f: list(reversed(v)) for f, v in reversed(list(names.items()))}
    first = sampler.stratified_sample(names, 30, seed=0)
    assert sampler.stratified_sample(reordered, 30, seed=0) == first
    assert sampler.stratified_sample(names, 30, seed=1) != first


def test_a_sample_larger_than_the_set_is_the_whole_set(sampler: ModuleType) -> None:
    names = _names({"a": 3, "b": 2})
    assert sampler.stratified_sample(names, 50, seed=0) == sorted(names["a"] + names["b"])
