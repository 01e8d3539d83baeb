"""Provenance: the overrides, seed, content hash and version travel with every result."""

from __future__ import annotations

import gc
import json

import pytest
import yaml

import simfuel
from simfuel.ensemble.store import StoreMismatch, scenario_digest
from simfuel.scenario import apply_overrides, load_scenario
from simfuel.scenario.provenance import Provenance, content_hash, provenance_of
from tests.helpers import tiny_scenario

HAZARD = "threat.hazard_per_100km"


@pytest.fixture
def tiny_file(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(tiny_scenario(), sort_keys=False))  # order is content
    return path


def test_overrides_are_recorded_where_they_are_applied(tiny_file):
    sc = load_scenario(tiny_file, [f"{HAZARD} = 0.20", "escorts.army.units=3"])
    prov = provenance_of(sc, seed=7)
    # Values as --set reads them (0.20 is the number 0.2), in the order given.
    assert prov.overrides == (f"{HAZARD}=0.2", "escorts.army.units=3")
    assert prov.label == f"tiny + {HAZARD}=0.2 + escorts.army.units=3"
    assert prov.seed == 7 and prov.simfuel_version == simfuel.__version__
    assert provenance_of(load_scenario(tiny_file)).overrides == ()


def test_apply_overrides_adds_to_the_base_and_a_path_set_again_replaces(tiny_file):
    base = load_scenario(tiny_file, {HAZARD: 0.1, "escorts.army.units": 3})
    point = apply_overrides(base, {HAZARD: 0.3, "corridors.main.border_delay_h": 6})
    assert provenance_of(point).overrides == (
        "escorts.army.units=3",
        f"{HAZARD}=0.3",
        "corridors.main.border_delay_h=6",
    )
    assert provenance_of(base).overrides == (f"{HAZARD}=0.1", "escorts.army.units=3")


def test_the_record_is_dropped_with_its_scenario(tiny_file):
    from simfuel.scenario import provenance as module

    before = len(module._OVERRIDES)
    sc = load_scenario(tiny_file, {HAZARD: 0.1})
    assert len(module._OVERRIDES) == before + 1
    del sc
    gc.collect()
    assert len(module._OVERRIDES) == before


def test_content_hash_tells_overrides_apart_and_equals_the_store_digest(tiny_file):
    plain, changed = load_scenario(tiny_file), load_scenario(tiny_file, {HAZARD: 0.1})
    assert content_hash(plain) != content_hash(changed)
    assert content_hash(changed) == scenario_digest(changed)
    # A file that sets the value itself is the same content, told apart by its label only.
    raw = tiny_scenario()
    raw["threat"]["hazard_per_100km"] = 0.1
    same = load_scenario(raw)
    assert content_hash(same) == content_hash(changed)
    assert provenance_of(same).label != provenance_of(changed).label


def test_a_run_carries_its_provenance_into_summary_json(tiny_file, tmp_path):
    result = simfuel.run(tiny_file, seed=5, overrides=[f"{HAZARD}=0.05"])
    prov = result.provenance
    assert prov is not None
    assert prov.overrides == (f"{HAZARD}=0.05",) and prov.seed == 5
    assert prov.scenario_sha256 == content_hash(result.scenario)
    result.to_csv(tmp_path / "out")
    meta = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert meta["provenance"] == prov.to_dict()
    assert Provenance.from_dict(meta["provenance"]) == prov


def test_an_ensemble_store_keeps_the_provenance(tiny_file, tmp_path):
    sc = load_scenario(tiny_file, {HAZARD: 0.05})
    store = tmp_path / "ens"
    ens = simfuel.run_ensemble(sc, 3, seed=2, workers=1, progress=False, store=store)
    manifest = json.loads((store / "manifest.json").read_text())
    assert manifest["provenance"]["overrides"] == [f"{HAZARD}=0.05"]
    assert manifest["provenance"]["scenario_sha256"] == manifest["scenario_sha256"]
    back = simfuel.EnsembleResult.from_parquet(store)
    assert back.provenance == ens.provenance
    assert back.provenance.label == f"tiny + {HAZARD}=0.05" and back.provenance.seed == 2
    copy = back.to_parquet(tmp_path / "copy")
    assert simfuel.EnsembleResult.from_parquet(copy).provenance == ens.provenance
    in_memory = simfuel.run_ensemble(sc, 2, seed=2, workers=1, progress=False)
    assert in_memory.provenance.overrides == (f"{HAZARD}=0.05",)


def test_a_resume_with_other_overrides_is_refused(tiny_file, tmp_path):
    # The same content (the override sets the file's own value), other overrides: the
    # content hash alone would let the resume through with a wrong record.
    same = load_scenario(tiny_file, {"corridors.main.tankers_per_day": 10})
    store = tmp_path / "ens"
    simfuel.run_ensemble(same, 2, seed=2, workers=1, progress=False, store=store)
    with pytest.raises(StoreMismatch, match="other overrides"):
        simfuel.run_ensemble(
            tiny_file, 4, seed=2, workers=1, progress=False, store=store, resume=True
        )
    # The same overrides resume.
    again = load_scenario(tiny_file, {"corridors.main.tankers_per_day": 10})
    ens = simfuel.run_ensemble(
        again, 4, seed=2, workers=1, progress=False, store=store, resume=True
    )
    assert ens.n == 4


def test_a_store_without_provenance_still_opens_and_resumes(tiny_file, tmp_path):
    store = tmp_path / "old"
    simfuel.run_ensemble(tiny_file, 2, seed=3, workers=1, progress=False, store=store)
    path = store / "manifest.json"
    manifest = json.loads(path.read_text())
    del manifest["provenance"]  # as written before provenance was recorded
    path.write_text(json.dumps(manifest))
    back = simfuel.EnsembleResult.from_parquet(store)
    assert back.provenance.seed == 3 and back.provenance.overrides == ()
    ens = simfuel.run_ensemble(
        tiny_file, 3, seed=3, workers=1, progress=False, store=store, resume=True
    )
    assert ens.n == 3


def test_the_report_title_block_names_the_overrides(tiny_file, tmp_path):
    from simfuel.reporting import make_report

    sc = load_scenario(tiny_file, {HAZARD: 0.05})
    path = make_report(sc, reps=2, seed=1, out=tmp_path / "r", workers=1, progress=False)
    html = path.read_text()
    label = f"tiny + {HAZARD}=0.05"
    assert f"<title>simfuel report: {label}</title>" in html
    assert label in html.split('id="scenario"', 1)[1].split("</section>", 1)[0]
    assert content_hash(sc)[:16] in html
    header = html.split("<header", 1)[1].split("</header>", 1)[0]
    assert label in header.split("<h1", 1)[1].split("</h1>", 1)[0]
    assert f"sha256 {content_hash(sc)[:12]}" in header


def test_the_points_of_a_stored_sweep_have_their_own_progress_labels(
    tiny_file, tmp_path, monkeypatch
):
    from simfuel.ensemble import points
    from simfuel.ensemble.progress import progress_bar

    labels: list[str] = []

    def spy(total, *, enabled, desc, unit, initial=0):
        labels.append(desc)
        return progress_bar(total, enabled=False, desc=desc, unit=unit, initial=initial)

    monkeypatch.setattr(points, "progress_bar", spy)
    grid = {"escorts.army.units": [1, 2]}
    simfuel.sweep(tiny_file, grid, 1, seed=0, workers=1, store=tmp_path / "s", progress=False)
    assert labels == ["tiny + escorts.army.units=1", "tiny + escorts.army.units=2"]


def test_a_long_progress_label_keeps_the_name_and_the_last_override():
    from simfuel.ensemble.runner import _desc

    label = "mali-2025 + " + " + ".join(f"corridors.c{i}.tankers_per_day={i}" for i in range(5))
    shown = _desc(label)
    assert len(shown) <= 60
    assert shown.startswith("mali-2025 + …") and shown.endswith("tankers_per_day=4")


def test_an_in_memory_sweep_shows_the_point_it_is_at(tiny_file, monkeypatch):
    from simfuel.ensemble import points
    from simfuel.ensemble.progress import progress_bar

    shown: list[str] = []

    class Spy:
        def __init__(self, bar):
            self.bar = bar

        def set_postfix_str(self, s="", refresh=True):
            shown.append(s)

        def __getattr__(self, name):
            return getattr(self.bar, name)

    def spy(total, *, enabled, desc, unit, initial=0):
        return Spy(progress_bar(total, enabled=False, desc=desc, unit=unit, initial=initial))

    monkeypatch.setattr(points, "progress_bar", spy)
    grid = {"escorts.army.units": [1, 2, 3]}
    simfuel.sweep(tiny_file, grid, 2, seed=0, workers=1, batch_size=1, progress=False)
    assert shown[0] == "point 1/3: escorts.army.units=1"
    assert shown[-1] == "point 3/3: escorts.army.units=3"
    assert "point 2/3: escorts.army.units=2" in shown
