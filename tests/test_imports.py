"""What importing simfuel costs, and what its workers load.

``import simfuel`` loads nothing heavy: every public name is imported on first use
(PEP 562), so the command line starts fast. Pool and Dask workers run the ensemble without
ever loading matplotlib (pyplot least of all). Each check runs in a fresh interpreter, since
this test session has long imported everything.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

import simfuel
from tests.helpers import ROOT

#: What `import simfuel` must not load: heavy libraries and the floors above the scenario.
HEAVY = (
    "matplotlib",
    "pandas",
    "pyarrow",
    "simpy",
    "simfuel.analysis",
    "simfuel.ensemble",
    "simfuel.plot",
    "simfuel.reporting",
)

#: Evaluated in a worker: the matplotlib modules it holds (``eval`` pickles by name, so
#: the worker imports nothing to run the probe).
PROBE = "sorted(m for m in __import__('sys').modules if m.split('.')[0] == 'matplotlib')"


def python(code: str) -> dict[str, object]:
    """Run ``code`` in a fresh interpreter (this worktree first on the path); its JSON output."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def loaded(prefixes: tuple[str, ...]) -> str:
    """Code that prints, as JSON, the modules of ``sys.modules`` under ``prefixes``."""
    return (
        "import json, sys\n"
        f"print(json.dumps({{'loaded': sorted(m for m in sys.modules if m.split('.')[0] in "
        f"{[p.split('.')[0] for p in prefixes]!r} and m.startswith({prefixes!r}))}}))\n"
    )


def test_import_simfuel_loads_nothing_heavy() -> None:
    out = python("import simfuel\n" + loaded(HEAVY))
    assert out["loaded"] == []


def test_loading_a_scenario_needs_no_pandas_or_matplotlib() -> None:
    out = python(
        f"import simfuel\nsimfuel.load_scenario({str(ROOT / 'scenarios' / 'mali-2025.yaml')!r})\n"
        + loaded(("matplotlib", "pandas", "pyarrow", "simfuel.plot", "simfuel.reporting"))
    )
    assert out["loaded"] == []


def test_simfuel_validate_imports_no_numpy() -> None:
    """`simfuel validate` reads and checks a scenario only: numpy's import (~0.1 s) is not
    needed for it (the schema recognises a numpy bool only once numpy is loaded)."""
    out = python(
        "import contextlib, io\nfrom simfuel.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main(['validate', {str(ROOT / 'scenarios' / 'mali-2025.yaml')!r}]) == 0\n"
        + loaded(("numpy", "pandas", "matplotlib"))
    )
    assert out["loaded"] == []


def test_a_numpy_bool_is_still_not_a_number() -> None:
    import numpy as np
    import pydantic

    from simfuel.scenario.schema import Scenario
    from tests.helpers import tiny_scenario

    data = tiny_scenario()
    data["demand"]["demand_l_per_day"] = np.bool_(True)
    try:
        Scenario.model_validate(data)
    except pydantic.ValidationError as exc:
        assert "demand_l_per_day" in str(exc)
    else:
        raise AssertionError("a numpy bool was taken as a number")


def test_the_analysis_floor_does_not_load_matplotlib() -> None:
    out = python("import simfuel.analysis, simfuel.ensemble\n" + loaded(("matplotlib",)))
    assert out["loaded"] == []


def test_plot_and_reporting_do_not_start_pyplot() -> None:
    out = python("import simfuel.plot, simfuel.reporting\n" + loaded(("matplotlib.pyplot",)))
    assert out["loaded"] == []


def test_every_public_name_resolves_and_is_listed_by_dir() -> None:
    out = python(
        """
        import json, simfuel
        names = list(simfuel.__all__)
        missing = [n for n in names if not hasattr(simfuel, n)]
        print(json.dumps({"missing": missing, "undir": sorted(set(names) - set(dir(simfuel)))}))
        """
    )
    assert out == {"missing": [], "undir": []}


def test_submodules_do_not_shadow_the_functions_of_the_same_name() -> None:
    # simfuel/run.py and simfuel/incidents.py are imported by other floors before anyone
    # asks for simfuel.run or simfuel.incidents: the names must stay the functions.
    out = python(
        """
        import json, simfuel, simfuel.ensemble, simfuel.run, simfuel.incidents
        print(json.dumps({"run": type(simfuel.run).__name__,
                          "incidents": type(simfuel.incidents).__name__}))
        """
    )
    assert out == {"run": "function", "incidents": "function"}


def test_all_matches_the_lazy_table() -> None:
    assert set(simfuel.__all__) == {"__version__", *simfuel._EXPORTS}
    assert len(simfuel.__all__) == len(set(simfuel.__all__))


def test_the_ensemble_all_matches_its_lazy_table() -> None:
    import simfuel.ensemble as ensemble

    assert set(ensemble.__all__) == set(ensemble._EXPORTS)
    assert len(ensemble.__all__) == len(set(ensemble.__all__))


def test_importing_the_ensemble_package_loads_none_of_its_submodules() -> None:
    out = python("import simfuel.ensemble\n" + loaded(("simfuel.ensemble.", "pandas")))
    assert out["loaded"] == []


def test_the_sweep_submodule_does_not_shadow_the_sweep_function() -> None:
    # simfuel/ensemble/sweep.py imported first (as the command line and the analysis
    # floor may): simfuel.ensemble.sweep must still be the function, by any route.
    out = python(
        """
        import json
        import simfuel.ensemble.sweep
        import simfuel.ensemble as ensemble
        from simfuel.ensemble import grid_points, sweep
        from simfuel.ensemble.sweep import sweep as direct
        print(json.dumps({"attr": type(ensemble.sweep).__name__,
                          "from": type(sweep).__name__, "same": sweep is direct,
                          "grid": grid_points.__name__,
                          "dir": "sweep" in dir(ensemble)}))
        """
    )
    assert out == {
        "attr": "function",
        "from": "function",
        "same": True,
        "grid": "grid_points",
        "dir": True,
    }


def test_every_ensemble_name_resolves_and_unknown_names_are_attribute_errors() -> None:
    out = python(
        """
        import json
        import simfuel.ensemble as ensemble
        missing = [n for n in ensemble.__all__ if not hasattr(ensemble, n)]
        try:
            ensemble.nothere
            error = ""
        except AttributeError as exc:
            error = str(exc)
        from simfuel.ensemble import points, worker
        print(json.dumps({"missing": missing, "error": error,
                          "modules": [points.__name__, worker.__name__]}))
        """
    )
    assert out == {
        "missing": [],
        "error": "module 'simfuel.ensemble' has no attribute 'nothere'",
        "modules": ["simfuel.ensemble.points", "simfuel.ensemble.worker"],
    }


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nothere'"):
        simfuel.nothere  # noqa: B018


def test_version_lives_on_the_bottom_floor() -> None:
    from simfuel._version import __version__

    assert simfuel.__version__ == __version__


def test_pool_workers_never_import_matplotlib() -> None:
    # A spawned worker starts empty and imports only what the unpickled tasks need; a
    # forked one (Linux's default) starts with the parent's modules, which the parent
    # must therefore not have loaded either.
    out = python(
        f"""
        import concurrent.futures as cf, json, multiprocessing as mp, sys
        import simfuel
        from tests.helpers import tiny_scenario

        probe = {PROBE!r}
        with cf.ProcessPoolExecutor(2, mp_context=mp.get_context("spawn")) as pool:
            simfuel.run_ensemble(tiny_scenario(), 6, seed=1, executor=pool, workers=2,
                                 batch_size=1, progress=False)
            spawned = [pool.submit(eval, probe).result() for _ in range(4)]
        simfuel.run_ensemble(tiny_scenario(), 6, seed=1, workers=2, batch_size=1,
                             progress=False)
        parent = eval(probe)
        print(json.dumps({{"spawned": spawned, "parent": parent}}))
        """
    )
    assert out == {"spawned": [[]] * 4, "parent": []}


def test_dask_workers_never_import_matplotlib() -> None:
    pytest.importorskip("distributed")
    out = python(
        f"""
        import json, distributed, simfuel
        from tests.helpers import tiny_scenario

        with (
            distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                     dashboard_address=None, host="127.0.0.1") as cluster,
            distributed.Client(cluster) as client,
        ):
            simfuel.run_ensemble(tiny_scenario(), 4, seed=1, executor=client, batch_size=2,
                                 progress=False)
            held = client.run(eval, {PROBE!r})
        print(json.dumps({{"workers": sorted(held.values())}}))
        """
    )
    assert out == {"workers": [[]]}


def test_submodules_are_reachable_as_attributes_after_import_simfuel() -> None:
    # The eager face bound every floor as a side effect; scripts and docs rely on it
    # (``simfuel.plot.incidents_vs_model``, ``simfuel.io.atomic_path``).
    out = python(
        """
        import json, simfuel
        print(json.dumps({"plot": simfuel.plot.stock_fan.__name__,
                          "io": simfuel.io.atomic_path.__name__,
                          "sim": simfuel.sim.recorder.__name__}))
        """
    )
    assert out == {"plot": "stock_fan", "io": "atomic_path", "sim": "simfuel.sim.recorder"}


def test_the_ensemble_worker_runs_a_replication_without_pandas_or_matplotlib() -> None:
    # What a spawned pool worker or a Dask worker does: import the worker module (pickle
    # imports it by name to unpickle run_tasks and PointSpec), then run a batch. It builds
    # no DataFrame, so it must not need pandas, nor matplotlib.
    out = python(
        f"""
        import json, sys
        from simfuel.ensemble.worker import PointSpec, run_tasks
        from simfuel.scenario import load_scenario
        from simfuel.summary import SUMMARY_METRICS

        sc = load_scenario({str(ROOT / "scenarios" / "mali-2025.yaml")!r})
        batch = run_tasks(PointSpec(sc, 1, ()), [(0, 0)])
        convoys = batch.summary[0, SUMMARY_METRICS.index("convoys")].item()
        heavy = sorted({{m.split(".")[0] for m in sys.modules}} & {{"pandas", "matplotlib"}})
        print(json.dumps({{"runs": batch.runs, "failed": len(batch.failures),
                          "convoys": convoys, "heavy": heavy}}))
        """
    )
    assert out["runs"] == 1 and out["failed"] == 0
    assert out["convoys"] > 0  # the replication really ran
    assert out["heavy"] == []


def test_the_summary_maths_needs_no_pandas() -> None:
    # simfuel.summary is what workers compute a run's summary with; RunResult.summary()
    # uses the same functions (tests/test_summary_agreement.py checks they agree).
    out = python(
        f"""
        import json, sys
        import numpy as np
        from simfuel.scenario import load_scenario
        from simfuel.sim import Simulation, compile_plan
        from simfuel.summary import SUMMARY_METRICS, summary_from_records

        sc = load_scenario({str(ROOT / "scenarios" / "mali-2025.yaml")!r})
        rec = Simulation(compile_plan(sc), np.random.SeedSequence(1)).run()
        vector = summary_from_records(rec)
        print(json.dumps({{"n": len(vector), "metrics": len(SUMMARY_METRICS),
                          "pandas": "pandas" in sys.modules}}))
        """
    )
    assert out == {"n": out["metrics"], "metrics": out["metrics"], "pandas": False}


def test_seeds_live_on_the_bottom_floor_and_simfuel_run_still_offers_them() -> None:
    # The worker reaches as_seed_sequence through simfuel.ensemble.seeds; from simfuel.run
    # it pulled in the results floor (pandas). Old imports from simfuel.run keep working.
    out = python(
        """
        import json, sys
        from simfuel.seeds import SeedLike, as_seed_sequence
        light = sorted(m for m in sys.modules if m.startswith(("pandas", "simfuel.run")))
        import simfuel.run
        run_module = sys.modules["simfuel.run"]  # simfuel.run is the function
        print(json.dumps({"light": light,
                          "same": run_module.as_seed_sequence is as_seed_sequence
                                  and run_module.SeedLike is SeedLike,
                          "entropy": as_seed_sequence(7).entropy}))
        """
    )
    assert out == {"light": [], "same": True, "entropy": 7}
