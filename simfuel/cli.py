"""The ``simfuel`` command: argument parsing and exit codes, nothing else.

Exit codes: 0 success; 2 invalid scenario or usage; 1 unexpected error; 130 interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import math
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from . import __version__
from .ensemble import EnsembleError, StoreMismatch
from .io import atomic_path
from .run import run
from .scenario import Scenario, ScenarioError, load_scenario

__all__ = ["main"]

EXIT_OK, EXIT_ERROR, EXIT_INVALID, EXIT_INTERRUPTED = 0, 1, 2, 130


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="simfuel",
        description="Simulate fuel supply to a city under armed threat (SimPy model).",
    )
    p.add_argument("--version", action="version", version=f"simfuel {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)

    r = sub.add_parser("run", help="run one replication of a scenario and write its tables")
    r.add_argument("scenario", help="scenario YAML file")
    r.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    r.add_argument(
        "--out",
        type=Path,
        help="folder for daily.csv, convoys.csv, events.csv (with --reps: Parquet parts)",
    )
    _add_set(r)
    r.add_argument(
        "--reps", type=int, metavar="N", help="run an ensemble of N replications instead"
    )
    _add_ensemble_options(r)

    w = sub.add_parser("sweep", help="run an ensemble at every point of a parameter grid")
    w.add_argument("scenario", help="scenario YAML file")
    _add_param(
        w,
        "PATH=V1,V2,...",
        "a swept field and its values, e.g. --param escorts.africa_corps.units=0,2,4",
    )
    w.add_argument("--reps", type=int, default=100, metavar="N", help="replications per point")
    w.add_argument("--seed", type=int, default=0, help="root seed, shared by all points")
    w.add_argument("--out", type=Path, help="folder for sweep.csv and each point's parts")
    _add_set(w)
    _add_ensemble_options(w)

    c = sub.add_parser("calibrate", help="fit threat parameters to reported incidents (ABC)")
    c.add_argument("scenario", help="scenario YAML file")
    c.add_argument(
        "--incidents",
        required=True,
        metavar="FILE",
        help="incident table (CSV, see docs/incidents-format.md) or a shipped name: mali-2025",
    )
    _add_param(
        c,
        "PATH=LOW:HIGH",
        "a fitted field and its uniform prior range, e.g. threat.hazard_per_100km=0.01:0.5",
    )
    c.add_argument("--draws", type=int, default=1000, help="prior draws (default 1000)")
    c.add_argument("--accept", type=float, default=0.05, help="share kept (default 0.05)")
    c.add_argument("--reps", type=int, default=1, help="replications per draw (default 1)")
    c.add_argument("--threshold", type=int, default=5, help="tankers for an attack to be reported")
    c.add_argument(
        "--keep-scripted",
        action="store_true",
        help="keep scripted attacks while fitting (default: drop them; see the README)",
    )
    c.add_argument("--seed", type=int, default=0, help="root seed")
    c.add_argument("--out", type=Path, required=True, help="folder for the posterior and YAML")
    _add_set(c)
    _add_ensemble_options(c)

    rp = sub.add_parser("report", help="run an ensemble and write a self-contained report.html")
    rp.add_argument("scenario", help="scenario YAML file")
    rp.add_argument("--reps", type=int, default=200, help="replications (default 200)")
    rp.add_argument("--seed", type=int, default=0, help="root seed (default 0)")
    rp.add_argument("--out", type=Path, default=Path("out/report"), help="output folder")
    _add_set(rp)
    _add_ensemble_options(rp)

    se = sub.add_parser("sensitivity", help="Sobol or Morris sensitivity indices (SALib)")
    se.add_argument("scenario", help="scenario YAML file")
    _add_param(
        se, "PATH=LOW:HIGH", "a varied field and its range, e.g. threat.hazard_per_100km=0.04:0.12"
    )
    se.add_argument(
        "--metric", default="tankers_lost", help="summary metric (default tankers_lost)"
    )
    se.add_argument("--method", choices=["sobol", "morris"], default="sobol")
    se.add_argument("--n", type=int, default=64, help="base sample size (Sobol: a power of 2)")
    se.add_argument("--reps", type=int, default=4, help="replications per point (default 4)")
    se.add_argument("--seed", type=int, default=0, help="root seed")
    se.add_argument("--out", type=Path, help="folder for indices.csv, samples.csv, indices.png")
    _add_set(se)
    _add_ensemble_options(se)

    fl = sub.add_parser(
        "size-fleet", help="smallest escort force keeping the depot supplied (with uncertainty)"
    )
    fl.add_argument("scenario", help="scenario YAML file")
    fl.add_argument("--force", required=True, help="escort force key, e.g. africa_corps")
    fl.add_argument("--units", default="0:10", help="candidate units: LOW:HIGH or a,b,c")
    fl.add_argument("--min-cover", type=float, default=3.0, help="days of cover to keep")
    fl.add_argument("--day-share", type=float, default=0.9, help="share of days it must hold")
    fl.add_argument(
        "--probability", type=float, default=0.9, help="share of replications meeting it"
    )
    fl.add_argument("--after", help="first day judged (default: the force's first escort)")
    fl.add_argument("--reps", type=int, default=100, help="replications per candidate")
    fl.add_argument("--seed", type=int, default=0, help="root seed")
    fl.add_argument("--out", type=Path, help="folder for curve.csv and curve.png")
    _add_set(fl)
    _add_ensemble_options(fl)

    v = sub.add_parser("validate", help="check scenario files; exit 2 if any is invalid")
    v.add_argument("scenarios", nargs="+", help="scenario YAML files")

    s = sub.add_parser("schema", help="print the JSON Schema of the scenario format")
    s.add_argument("--out", type=Path, help="write to this file instead of stdout")
    s.add_argument("--markdown", action="store_true", help="the human-readable reference instead")
    return p


def _add_param(p: argparse.ArgumentParser, metavar: str, text: str) -> None:
    """The repeatable, required ``--param`` of sweep, calibrate and sensitivity."""
    p.add_argument(
        "--param", action="append", default=[], required=True, metavar=metavar, help=text
    )


def _add_set(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="override a field, e.g. --set threat.hazard_per_100km=0.2 (repeatable)",
    )


def _add_ensemble_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workers", type=int, metavar="K", help="local processes (default: all)")
    p.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="run on a Dask cluster: a scheduler address (tcp://host:8786) or 'local'",
    )
    p.add_argument("--batch-size", type=int, metavar="B", help="replications per task")
    p.add_argument("--resume", action="store_true", help="finish an interrupted ensemble in --out")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``simfuel`` console script; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "run":
            return _cmd_run(args)
        if args.command == "sweep":
            return _cmd_sweep(args)
        if args.command == "report":
            return _cmd_report(args)
        if args.command == "sensitivity":
            return _cmd_sensitivity(args)
        if args.command == "size-fleet":
            return _cmd_size_fleet(args)
        if args.command == "calibrate":
            return _cmd_calibrate(args)
        if args.command == "validate":
            return _cmd_validate(args)
        if args.command == "schema":
            return _cmd_schema(args)
    except (ScenarioError, StoreMismatch, UsageError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except EnsembleError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_ERROR  # pragma: no cover - argparse rejects unknown commands


class UsageError(ValueError):
    """A command-line argument that cannot be used."""


def _cmd_run(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario, args.overrides or None)
    if args.reps is not None:
        return _run_ensemble(args, scenario)
    if args.resume or args.dask:
        raise UsageError("--resume and --dask need --reps N")
    result = run(scenario, seed=args.seed)
    result.check_balance()
    print(f"{scenario.name}: {scenario.start} .. {scenario.end}, seed {args.seed}")
    print(format_summary(result.summary()))
    if args.out is not None:
        paths = result.to_csv(args.out)
        for path in paths.values():
            print(f"wrote {path}")
    return EXIT_OK


@contextlib.contextmanager
def _executor(args: argparse.Namespace) -> Iterator[Any]:
    """The Dask client asked for with --dask, or None (the local process pool)."""
    if not args.dask:
        yield None
        return
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise UsageError("--dask needs Dask: pip install 'simfuel[dask]'") from None
    if args.dask == "local":
        n = args.workers or os.cpu_count() or 1
        with (
            LocalCluster(
                n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            Client(cluster) as client,
        ):
            yield client
    else:
        with Client(args.dask, timeout=30) as client:
            yield client


def _ensemble_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    if args.resume and args.out is None:
        raise UsageError("--resume needs --out DIR (the folder of the interrupted run)")
    if args.reps is not None and args.reps < 1:
        raise UsageError(f"--reps must be >= 1 (got {args.reps})")
    return {
        "seed": args.seed,
        "workers": args.workers,
        "batch_size": args.batch_size,
        "resume": args.resume,
        "progress": not args.quiet,
    }


def _run_ensemble(args: argparse.Namespace, scenario: Scenario) -> int:
    from .ensemble import run_ensemble

    kwargs = _ensemble_kwargs(args)
    with _executor(args) as executor:
        result = run_ensemble(scenario, args.reps, executor=executor, store=args.out, **kwargs)
    print(
        f"{scenario.name}: {scenario.start} .. {scenario.end}, {result.n} replications, "
        f"seed {args.seed}"
    )
    print(format_ensemble_summary(result.summary_table()))
    if args.out is not None:
        print(f"wrote {args.out} (Parquet; open with simfuel.EnsembleResult.from_parquet)")
    return EXIT_OK


def _cmd_sweep(args: argparse.Namespace) -> int:
    from .ensemble import sweep
    from .io import write_csv

    scenario = load_scenario(args.scenario, args.overrides or None)
    grid: dict[str, list[Any]] = {}
    for item in args.param:
        path, sep, values = item.partition("=")
        if not sep or not values.strip():
            raise UsageError(f"--param needs PATH=V1,V2,... (got {item!r})")
        grid[path.strip()] = [yaml.safe_load(v) for v in values.split(",")]
    kwargs = _ensemble_kwargs(args)
    with _executor(args) as executor:
        table = sweep(scenario, grid, args.reps, executor=executor, store=args.out, **kwargs)
    keys = list(grid)
    metrics = ["delivered_l", "tankers_lost", "days_with_shortfall", "min_days_of_cover"]
    q = table.groupby(["point", *keys])[metrics]
    med, lo, hi = q.median(), q.quantile(0.05), q.quantile(0.95)
    shown = med.copy().astype(object)
    for m in metrics:
        scale = 1e6 if m.endswith("_l") else 1.0
        shown[m] = [
            f"{a / scale:,.1f} [{b / scale:,.1f}, {c / scale:,.1f}]"
            for a, b, c in zip(med[m], lo[m], hi[m], strict=True)
        ]
    shown = shown.rename(columns={"delivered_l": "delivered_ML"})
    print(
        f"{scenario.name}: sweep of {len(shown)} points x {args.reps} replications, "
        "median [5%, 95%]"
    )
    print(shown.reset_index(level="point", drop=True).to_string())
    if args.out is not None:
        path = write_csv(Path(args.out) / "sweep.csv", table, index=False)
        print(f"wrote {path}")
    return EXIT_OK


def _ranges(items: Sequence[str]) -> dict[str, tuple[float, float]]:
    out = {}
    for item in items:
        path, sep, rng = item.partition("=")
        low, colon, high = rng.partition(":")
        try:
            if not sep or not colon:
                raise ValueError
            out[path.strip()] = (float(low), float(high))
        except ValueError:
            raise UsageError(f"--param needs PATH=LOW:HIGH with numbers (got {item!r})") from None
    return out


def _cmd_calibrate(args: argparse.Namespace) -> int:
    from .analysis.calibrate import calibrate
    from .incidents import incidents as load_incidents
    from .io import write_csv

    _no_resume(args)
    params = _ranges(args.param)
    table = load_incidents(args.incidents)
    if args.overrides:
        raise UsageError("calibrate fits the file as it is; put --set changes in the file")
    with _executor(args) as executor:
        cal = calibrate(
            args.scenario,
            table,
            params,
            draws=args.draws,
            accept=args.accept,
            reps=args.reps,
            seed=args.seed,
            report_threshold=args.threshold,
            scripted="keep" if args.keep_scripted else "drop",
            executor=executor,
            workers=args.workers,
            progress=not args.quiet,
        )
    out = Path(args.out)
    print(
        f"{cal.base.name}: {len(cal.posterior)} of {len(cal.samples)} draws accepted; "
        "posterior median [5%, 95%]:"
    )
    print(cal.summary().to_string(float_format=lambda v: f"{v:.4g}"))
    write_csv(out / "posterior.csv", cal.posterior, index=False)
    write_csv(out / "samples.csv", cal.samples, index=False)
    write_csv(
        out / "statistics.csv",
        pd.DataFrame({"observed": cal.observed, "simulated_median": cal.simulated.median()}),
    )
    yaml_path = cal.to_yaml(out / "calibrated.yaml")
    _save_figure(cal.plot_diagnostics(), out / "diagnostics.png")
    for name in ("posterior.csv", "samples.csv", "statistics.csv"):
        print(f"wrote {out / name}")
    print(f"wrote {yaml_path} (extends {args.scenario})")
    print(f"wrote {out / 'diagnostics.png'}")
    return EXIT_OK


def _no_resume(args: argparse.Namespace) -> None:
    if args.resume:
        raise UsageError(f"{args.command} does not resume; run it again (it is reproducible)")


def _cmd_report(args: argparse.Namespace) -> int:
    from .reporting import make_report

    _no_resume(args)
    if args.reps < 1:
        raise UsageError(f"--reps must be >= 1 (got {args.reps})")
    scenario = load_scenario(args.scenario, args.overrides or None)
    with _executor(args) as executor:
        path = make_report(
            scenario if args.overrides else args.scenario,
            reps=args.reps,
            seed=args.seed,
            out=args.out,
            workers=args.workers,
            executor=executor,
            progress=not args.quiet,
        )
    print(f"wrote {path}")
    return EXIT_OK


def _save_figure(fig: Any, path: Path) -> None:
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=100)


def _cmd_sensitivity(args: argparse.Namespace) -> int:
    from .analysis import sensitivity
    from .io import write_csv

    _no_resume(args)
    scenario = load_scenario(args.scenario, args.overrides or None)
    with _executor(args) as executor:
        result = sensitivity(
            scenario,
            _ranges(args.param),
            args.metric,
            method=args.method,
            n=args.n,
            reps=args.reps,
            seed=args.seed,
            executor=executor,
            workers=args.workers,
            progress=not args.quiet,
        )
    print(f"{scenario.name}: {args.method} indices of {args.metric}, {result.n_evaluations} runs")
    print(result.to_df().to_string(float_format=lambda v: f"{v:.3f}"))
    if args.out is not None:
        out = Path(args.out)
        write_csv(out / "indices.csv", result.to_df())
        write_csv(out / "samples.csv", result.samples_df(), index=False)
        _save_figure(result.plot().figure, out / "indices.png")
        print(f"wrote {out / 'indices.csv'}, {out / 'samples.csv'}, {out / 'indices.png'}")
    return EXIT_OK


def _units(text: str) -> list[int]:
    try:
        if ":" in text:
            low, high = text.split(":")
            return list(range(int(low), int(high) + 1))
        return [int(v) for v in text.split(",")]
    except ValueError:
        raise UsageError(f"--units needs LOW:HIGH or a,b,c with integers (got {text!r})") from None


def _cmd_size_fleet(args: argparse.Namespace) -> int:
    from .analysis import size_fleet
    from .io import write_csv

    _no_resume(args)
    scenario = load_scenario(args.scenario, args.overrides or None)
    with _executor(args) as executor:
        sizing = size_fleet(
            scenario,
            args.force,
            units=_units(args.units),
            min_cover_days=args.min_cover,
            day_share=args.day_share,
            probability=args.probability,
            after=args.after,
            reps=args.reps,
            seed=args.seed,
            executor=executor,
            workers=args.workers,
            progress=not args.quiet,
        )
    print(sizing.describe())
    print(sizing.curve.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    if args.out is not None:
        out = Path(args.out)
        write_csv(out / "curve.csv", sizing.curve, index=False)
        _save_figure(sizing.plot().figure, out / "curve.png")
        print(f"wrote {out / 'curve.csv'}, {out / 'curve.png'}")
    return EXIT_OK


def _cmd_validate(args: argparse.Namespace) -> int:
    status = EXIT_OK
    for path in args.scenarios:
        try:
            sc = load_scenario(path)
        except ScenarioError as exc:
            print(f"invalid: {exc}", file=sys.stderr)
            status = EXIT_INVALID
        else:
            print(f"ok: {path} ({sc.name}, {sc.start} .. {sc.end}, {len(sc.events)} events)")
    return status


def _cmd_schema(args: argparse.Namespace) -> int:
    if args.markdown:
        from .scenario.reference import format_reference

        text = format_reference()
    else:
        text = json.dumps(Scenario.model_json_schema(by_alias=True), indent=2) + "\n"
    if args.out is None:
        sys.stdout.write(text)
    else:
        from .io import write_text

        write_text(args.out, text)
        print(f"wrote {args.out}")
    return EXIT_OK


_LABELS = {
    "loaded_l": ("loaded", "ML"),
    "delivered_l": ("delivered to the depot", "ML"),
    "destroyed_l": ("destroyed", "ML"),
    "captured_l": ("captured", "ML"),
    "tankers_lost": ("tankers lost", ""),
    "tankers_destroyed": ("tankers destroyed", ""),
    "tankers_captured": ("tankers captured", ""),
    "attacks": ("attacks", ""),
    "convoys": ("convoys", ""),
    "days_with_shortfall": ("days with shortfall", "days"),
    "shortfall_l": ("demand not served", "ML"),
    "first_rationing": ("first day of rationing", ""),
    "first_stockout": ("first day of stock-out", ""),
    "min_days_of_cover": ("minimum cover", "days"),
    "final_stock_l": ("final stock", "ML"),
    "mean_escort_wait_h": ("mean escort wait", "h"),
}


def format_ensemble_summary(table: Any) -> str:
    """Render :meth:`EnsembleResult.summary_table` as text: median [5%, 95%] per metric."""
    lines = []
    width = max(len(_LABELS.get(k, (k, ""))[0]) for k in table.index)
    for key, row in table.iterrows():
        label, unit = _LABELS.get(str(key), (str(key), ""))
        if row["median"] is None or (
            isinstance(row["median"], float) and math.isnan(row["median"])
        ):
            text = "never" if unit == "" and key in ("first_rationing", "first_stockout") else "n/a"
        elif isinstance(row["median"], dt.date):
            text = f"{row['median']} [{row['low']}, {row['high']}]"
        else:
            scale = 1e6 if unit == "ML" else 1.0
            fmt = (
                "{:,.1f}"
                if unit == "ML" or key in ("min_days_of_cover", "mean_escort_wait_h")
                else "{:,.0f}"
            )
            text = (
                f"{fmt.format(row['median'] / scale)} "
                f"[{fmt.format(row['low'] / scale)}, {fmt.format(row['high'] / scale)}]"
            )
        never = row.get("share_never")
        if isinstance(never, float) and not math.isnan(never) and never > 0:
            text += f"  (never in {never:.0%})"
        lines.append(f"  {label:<{width}}  {text} {unit}".rstrip())
    return "\n".join(["  median [5%, 95%] across replications", *lines])


def format_summary(summary: dict[str, Any]) -> str:
    """Render a run summary as an aligned two-column text table (litres shown in ML)."""
    rows = []
    for key, value in summary.items():
        label, unit = _LABELS.get(key, (key, ""))
        if value is None:
            text = "never"
        elif isinstance(value, dt.date):
            text = value.isoformat()
        elif unit == "ML":
            text = f"{value / 1e6:,.1f}"
        elif isinstance(value, float):
            text = "n/a" if math.isnan(value) else f"{value:,.2f}"
        else:
            text = f"{value:,}"
        rows.append((label, text, unit))
    width = max(len(r[0]) for r in rows)
    vwidth = max(len(r[1]) for r in rows)
    lines = [f"  {lab:<{width}}  {txt:>{vwidth}} {unit}".rstrip() for lab, txt, unit in rows]
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
