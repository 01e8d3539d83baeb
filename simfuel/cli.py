"""The ``simfuel`` command: argument parsing and exit codes, nothing else.

Exit codes: 0 success; 2 invalid scenario or usage; 1 unexpected error; 130 interrupted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import __version__
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
    r.add_argument("--out", type=Path, help="folder for daily.csv, convoys.csv, events.csv")
    r.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="override a field, e.g. --set threat.hazard_per_100km=0.2 (repeatable)",
    )

    v = sub.add_parser("validate", help="check scenario files; exit 2 if any is invalid")
    v.add_argument("scenarios", nargs="+", help="scenario YAML files")

    s = sub.add_parser("schema", help="print the JSON Schema of the scenario format")
    s.add_argument("--out", type=Path, help="write to this file instead of stdout")
    s.add_argument("--markdown", action="store_true", help="the human-readable reference instead")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``simfuel`` console script; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "run":
            return _cmd_run(args)
        if args.command == "validate":
            return _cmd_validate(args)
        if args.command == "schema":
            return _cmd_schema(args)
    except ScenarioError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_ERROR  # pragma: no cover - argparse rejects unknown commands


def _cmd_run(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario, args.overrides or None)
    result = run(scenario, seed=args.seed)
    result.check_balance()
    print(f"{scenario.name}: {scenario.start} .. {scenario.end}, seed {args.seed}")
    print(format_summary(result.summary()))
    if args.out is not None:
        paths = result.to_csv(args.out)
        for path in paths.values():
            print(f"wrote {path}")
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
