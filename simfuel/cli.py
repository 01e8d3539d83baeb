"""The ``simfuel`` command: argument parsing and exit codes, nothing else.

Exit codes: 0 success; 1 runtime failure (failed replications, a full disk, a lost Dask
cluster); 2 bad input (a scenario, an incident table, an argument, a store folder holding
another ensemble, a missing optional dependency); 130 interrupted (Ctrl-C or SIGTERM).

This module is the one place that turns errors into exit codes: every error ends as one
line on stderr, never a traceback (set ``SIMFUEL_TRACEBACK=1`` to see one). Arguments are
checked before any work starts. Everything heavy (pandas, the ensemble, analysis and
reporting floors, matplotlib, Dask) is imported inside the command that needs it, so
``simfuel --help`` and ``simfuel validate`` stay quick.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import importlib
import json
import math
import os
import signal
import socket
import sys
import textwrap
import threading
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn

from ._version import __version__
from .errors import InputError
from .labels import FUEL, MEDIAN_DATE_RULE, format_proportion, summary_label
from .text import one_line, safe_echo

__all__ = ["main"]

EXIT_OK, EXIT_ERROR, EXIT_INVALID, EXIT_INTERRUPTED = 0, 1, 2, 130

# The one seed default of every command (and of `make demo`): a run without --seed is
# reproducible, and the README's figures can be rebuilt from the command as shown.
DEFAULT_SEED = 0

# Most candidates `--units` may name: each is a whole ensemble, so more is a typo.
MAX_UNIT_CANDIDATES = 1000
# Most points a `sweep` grid may have: each point is a whole ensemble.
MAX_SWEEP_POINTS = 1000
# Most replications (or prior draws) one command may ask for: 10 million runs are days of
# work on a cluster; more is a typo that would only end in "out of memory".
MAX_REPS = 10_000_000
# Most SALib base samples: Sobol runs N x (2 D + 2) points.
MAX_SALIB_N = 1 << 20
# Replications of `report` without --from.
REPORT_REPS = 200
# Seconds to wait for a Dask scheduler's port before calling the address unreachable.
DASK_CONNECT_TIMEOUT_S = 3.0
# Seconds Dask's client may then take to complete its handshake.
DASK_HANDSHAKE_TIMEOUT_S = 10.0
DASK_SCHEMES = ("tcp", "tls", "inproc", "ucx", "ws", "wss")
# Keyword arguments of distributed.security.Security that a --dask-security file may set.
SECURITY_FILE_KEYS = (
    "tls_ca_file",
    "tls_client_cert",
    "tls_client_key",
    "tls_scheduler_cert",
    "tls_scheduler_key",
    "tls_worker_cert",
    "tls_worker_key",
)
SECURITY_KEYS = ("require_encryption", "tls_ciphers", *SECURITY_FILE_KEYS)


class UsageError(InputError):
    """A command-line argument that cannot be used."""


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where Ctrl-C would be so that runs stop the same clean way."""


# ---------------------------------------------------------------- argument types


def _int_at_least(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number >= ``low`` (and <= ``high`` when given)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"must be a whole number (got {safe_echo(text)})"
            ) from None
        if value < low:
            raise argparse.ArgumentTypeError(f"must be >= {low} (got {value})")
        if high is not None and value > high:
            raise argparse.ArgumentTypeError(f"must be <= {high:,} (got {value:,})")
        return value

    return parse


def _float_in(
    low: float, high: float, *, low_open: bool, high_open: bool
) -> Callable[[str], float]:
    left, right = "(" if low_open else "[", ")" if high_open else "]"
    span = f"in {left}{low:g}, {high:g}{right}" if math.isfinite(high) else f">= {low:g}"

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a number (got {safe_echo(text)})") from None
        below = value <= low if low_open else value < low
        above = value >= high if high_open else value > high
        if not math.isfinite(value) or below or above:
            raise argparse.ArgumentTypeError(f"must be a finite number {span} (got {value:g})")
        return value

    return parse


_SHARE = _float_in(0.0, 1.0, low_open=True, high_open=False)


def _units(text: str) -> list[int]:
    shown = safe_echo(text)
    try:
        if ":" in text:
            low_text, high_text = text.split(":")
            low, high = int(low_text), int(high_text)
            if low > high:
                raise argparse.ArgumentTypeError(f"LOW must be <= HIGH (got {shown})")
            count = high - low + 1
            values: Sequence[int] = range(low, high + 1)
        else:
            values = [int(v) for v in text.split(",")]
            count = len(values)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"needs LOW:HIGH or a,b,c with whole numbers (got {shown})"
        ) from None
    if count > MAX_UNIT_CANDIDATES:
        raise argparse.ArgumentTypeError(
            f"at most {MAX_UNIT_CANDIDATES} candidates, each an ensemble (got {count})"
        )
    if min(values) < 0:
        raise argparse.ArgumentTypeError(f"units must be >= 0 (got {shown})")
    return list(values)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a calendar date YYYY-MM-DD (got {safe_echo(text)})"
        ) from None


def _dask_address(text: str) -> str:
    if text == "local":
        return text
    scheme, sep, rest = text.partition("://")
    if not sep:
        scheme, rest = "tcp", text  # Dask reads a bare HOST:PORT as tcp://
    if scheme not in DASK_SCHEMES:
        raise argparse.ArgumentTypeError(
            f"unknown scheme {safe_echo(scheme)!r} in {safe_echo(text)} "
            f"(use 'local' or one of: {', '.join(s + '://' for s in DASK_SCHEMES)})"
        )
    if not rest:
        raise argparse.ArgumentTypeError(f"needs SCHEME://HOST:PORT (got {safe_echo(text)})")
    return text


# ---------------------------------------------------------------- the parser


class _DefaultsFormatter(argparse.HelpFormatter):
    """Help that shows every option's default, ``(default: X)``.

    argparse's ArgumentDefaultsHelpFormatter also prints ``default: None``, ``False`` and
    ``[]`` for options that have no default worth the name; those are left out, and so are
    help texts that already say what the default is (``default: all``).
    """

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        default = action.default
        if "default" in text or not action.option_strings or _no_default(default):
            return text
        return f"{text} (default: %(default)s)"


def _no_default(value: Any) -> bool:
    """Whether an option's default is no default worth showing (0 is one, False is not)."""
    return value is None or value is False or value == [] or value == argparse.SUPPRESS


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error message (the usage stays in ``--help``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _DefaultsFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_INVALID, f"{self.prog}: error: {one_line(message)} (see --help)\n")


_SCENARIO_HELP = "scenario YAML file, or a shipped scenario's name (see: simfuel scenarios)"


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="simfuel",
        description="Simulate supply chains under armed threat (SimPy model).",
        epilog="Exit codes: 0 ok, 1 runtime failure, 2 bad input, 130 interrupted.",
    )
    p.add_argument("--version", action="version", version=f"simfuel {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)

    r = sub.add_parser("run", help="run one replication of a scenario and write its tables")
    r.add_argument(
        "scenario", help="scenario YAML file, or a shipped scenario's name (see: simfuel scenarios)"
    )
    _add_seed(r, "random seed")
    r.add_argument(
        "-o",
        "--out",
        type=Path,
        metavar="DIR",
        help="folder for daily.csv, convoys.csv, events.csv (with --reps: Parquet parts)",
    )
    r.add_argument(
        "--format",
        choices=("csv", "xlsx", "geojson"),
        default=None,
        help="what --out holds for one run: csv (the three tables and summary.json; the "
        "default), xlsx (one workbook run.xlsx, a sheet per table; needs simfuel[excel]) or "
        "geojson (the map, run.geojson); with --reps, --out holds Parquet and csv adds the "
        "ensemble's tables in DIR/csv/",
    )
    _add_set(r)
    _add_destination(r)
    r.add_argument(
        "-r",
        "--reps",
        type=_int_at_least(1, MAX_REPS),
        metavar="N",
        help="run an ensemble of N replications",
    )
    _add_ensemble_options(r)

    w = sub.add_parser("sweep", help="run an ensemble at every point of a parameter grid")
    w.add_argument(
        "scenario", help="scenario YAML file, or a shipped scenario's name (see: simfuel scenarios)"
    )
    _add_param(
        w,
        "PATH=V1,V2,...",
        "a swept field and its values, e.g. --param escorts.africa_corps.units=0,2,4",
    )
    _add_reps(w, 100, "replications per point")
    _add_seed(w, "root seed, shared by all points")
    w.add_argument(
        "-o", "--out", type=Path, metavar="DIR", help="folder for sweep.csv and each point's parts"
    )
    _add_set(w)
    _add_destination(w)
    _add_ensemble_options(w)

    c = sub.add_parser("calibrate", help="fit threat parameters to reported incidents (ABC)")
    c.add_argument(
        "scenario", help="scenario YAML file, or a shipped scenario's name (see: simfuel scenarios)"
    )
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
    c.add_argument("--draws", type=_int_at_least(2, MAX_REPS), default=1000, help="prior draws")
    c.add_argument("--accept", type=_SHARE, default=0.05, help="share kept")
    _add_reps(c, 1, "replications per draw")
    _add_fit_options(c, default_method="rejection")
    c.add_argument(
        "--signals",
        metavar="FILE",
        help="also fit to a signals table (CSV, see docs/signals-format.md) or a shipped name",
    )
    c.add_argument(
        "--keep-scripted",
        action="store_true",
        help="keep scripted attacks while fitting (default: drop them; see the README)",
    )
    _add_seed(c, "root seed")
    c.add_argument(
        "-o",
        "--out",
        type=Path,
        metavar="DIR",
        required=True,
        help="folder for the posterior and YAML",
    )
    _add_set(c)
    _add_ensemble_options(c)

    hc = sub.add_parser(
        "hindcast",
        help="calibrate on what was observed before a date; score what was observed after",
    )
    hc.add_argument(
        "scenario", help="scenario YAML file, or a shipped scenario's name (see: simfuel scenarios)"
    )
    hc.add_argument(
        "--observations",
        action="append",
        required=True,
        metavar="FILE",
        help="an incident table, an ACLED export or a signals table (CSV, told apart by its "
        "columns), or a shipped name (mali-2025: its incidents and signals); repeatable",
    )
    hc.add_argument(
        "--as-of", required=True, metavar="DATE", help="first held-back day, YYYY-MM-DD"
    )
    hc.add_argument("--until", metavar="DATE", help="last day scored (default: the scenario's end)")
    _add_param(
        hc,
        "PATH=LOW:HIGH",
        "a fitted field and its uniform prior range, e.g. rationing.threshold_days=1:6",
    )
    hc.add_argument(
        "--draws", type=_int_at_least(2, MAX_REPS), default=200, help="simulations per generation"
    )
    hc.add_argument("--accept", type=_SHARE, default=0.2, help="share kept per generation")
    _add_reps(hc, 1, "replications per draw while fitting")
    hc.add_argument(
        "--forward-draws",
        type=_int_at_least(1, MAX_REPS),
        metavar="N",
        help="posterior draws run forward (default: all)",
    )
    hc.add_argument(
        "--reps-per-draw",
        type=_int_at_least(1, MAX_REPS),
        default=2,
        metavar="N",
        help="replications of each posterior draw run forward",
    )
    _add_fit_options(hc, default_method="smc")
    _add_seed(hc, "root seed")
    hc.add_argument(
        "-o",
        "--out",
        type=Path,
        metavar="DIR",
        required=True,
        help="folder for the table and figure",
    )
    _add_set(hc)
    _add_ensemble_options(hc)

    rp = sub.add_parser("report", help="run an ensemble and write a self-contained report.html")
    rp.add_argument(
        "scenario",
        nargs="?",
        help="scenario YAML file or shipped name (optional with --from)",
    )
    rp.add_argument(
        "--from",
        dest="from_store",
        type=Path,
        metavar="DIR",
        help="build the report from an ensemble stored by `run --reps N --out DIR` "
        "(no replications are run again; --reps, --seed and --set do not apply)",
    )
    _add_reps(rp, REPORT_REPS, f"replications (default: {REPORT_REPS})")
    _add_seed(rp, f"root seed (default: {DEFAULT_SEED})")
    rp.set_defaults(reps=None, seed=None)  # None: not given (they conflict with --from)
    rp.add_argument(
        "-o", "--out", type=Path, metavar="DIR", default=Path("out/report"), help="output folder"
    )
    rp.add_argument(
        "--force", action="store_true", help="overwrite the folder's report.html if it exists"
    )
    _add_set(rp)
    _add_destination(rp)
    _add_ensemble_options(rp)

    _add_compare_parser(sub)

    se = sub.add_parser("sensitivity", help="Sobol or Morris sensitivity indices (SALib)")
    se.add_argument(
        "scenario", help="scenario YAML file, or a shipped scenario's name (see: simfuel scenarios)"
    )
    _add_param(
        se, "PATH=LOW:HIGH", "a varied field and its range, e.g. threat.hazard_per_100km=0.04:0.12"
    )
    se.add_argument("--metric", default="tankers_lost", help="summary metric")
    se.add_argument("--method", choices=["sobol", "morris"], default="sobol", help="SALib method")
    se.add_argument(
        "--n",
        type=_int_at_least(2, MAX_SALIB_N),
        default=64,
        help="base sample size (Sobol: a power of 2)",
    )
    _add_reps(se, 4, "replications per point")
    _add_seed(se, "root seed")
    se.add_argument(
        "-o",
        "--out",
        type=Path,
        metavar="DIR",
        help="folder for indices.csv, samples.csv, indices.png",
    )
    _add_set(se)
    _add_destination(se)
    _add_ensemble_options(se)

    fl = sub.add_parser(
        "size-fleet",
        help="smallest escort force keeping a destination supplied (with uncertainty)",
    )
    fl.add_argument(
        "scenario", help="scenario YAML file, or a shipped scenario's name (see: simfuel scenarios)"
    )
    fl.add_argument("--force", required=True, help="escort force key, e.g. africa_corps")
    fl.add_argument(
        "--units", type=_units, default="0:10", help="candidate units: LOW:HIGH or a,b,c"
    )
    fl.add_argument(
        "--min-cover",
        type=_float_in(0.0, math.inf, low_open=False, high_open=True),
        default=3.0,
        help="days of cover to keep",
    )
    fl.add_argument("--day-share", type=_SHARE, default=0.9, help="share of days it must hold")
    fl.add_argument(
        "--probability", type=_SHARE, default=0.9, help="share of replications meeting it"
    )
    fl.add_argument(
        "--after", type=_date, help="first day judged (default: the force's first escort)"
    )
    _add_reps(fl, 100, "replications per candidate")
    _add_seed(fl, "root seed")
    fl.add_argument(
        "-o", "--out", type=Path, metavar="DIR", help="folder for curve.csv and curve.png"
    )
    _add_set(fl)
    _add_destination(fl)
    _add_ensemble_options(fl)

    sub.add_parser("scenarios", help="list the shipped scenarios, by name, with a line each")
    i = sub.add_parser("init", help="copy a shipped scenario and the files it extends, to edit")
    i.add_argument("name", help="a shipped scenario (see `simfuel scenarios`)")
    i.add_argument("dir", type=Path, help="folder to write into (created if missing)")
    i.add_argument("--force", action="store_true", help="overwrite files that exist")

    v = sub.add_parser("validate", help="check scenario files; exit 2 if any is invalid")
    v.add_argument("scenarios", nargs="+", help="scenario YAML files or shipped scenarios' names")

    s = sub.add_parser("schema", help="print the JSON Schema of the scenario format")
    s.add_argument("--out", type=Path, help="write to this file instead of stdout")
    s.add_argument("--markdown", action="store_true", help="the human-readable reference instead")
    return p


def _add_seed(p: argparse.ArgumentParser, text: str) -> None:
    p.add_argument("-s", "--seed", type=_int_at_least(0), default=DEFAULT_SEED, help=text)


def _add_reps(p: argparse.ArgumentParser, default: int, text: str) -> None:
    p.add_argument(
        "-r", "--reps", type=_int_at_least(1, MAX_REPS), default=default, metavar="N", help=text
    )


def _add_param(p: argparse.ArgumentParser, metavar: str, text: str) -> None:
    """The repeatable, required ``--param`` of sweep, calibrate and sensitivity."""
    p.add_argument(
        "--param", action="append", default=[], required=True, metavar=metavar, help=text
    )


def _add_destination(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--destination",
        metavar="PLACE",
        help="the place with stock whose figures are shown (default: the main destination, "
        "the depot); a place key of the depot or of a destination",
    )


def _destination(args: argparse.Namespace, scenario: Any) -> str | None:
    """``--destination`` checked against the scenario: None for the main destination.

    An unknown place is one line naming the places with stock (exit 2), before any work.
    """
    from .ensemble.destinations import UnknownDestination, destinations_of, resolve_destination

    given = getattr(args, "destination", None)
    try:
        return resolve_destination(scenario, given)
    except UnknownDestination:
        known = ", ".join(destinations_of(scenario))
        raise UsageError(
            f"--destination {safe_echo(str(given))}: not a place with stock of "
            f"{safe_echo(scenario.name)} (places with stock: {known})"
        ) from None


def _place_name(scenario: Any, place: str | None) -> str | None:
    """The display name of a destination other than the main one (None for the main)."""
    if place is None:
        return None
    where = scenario.places.get(place)
    return safe_echo((where.name if where is not None else None) or place)


def _at(scenario: Any, place: str | None) -> str:
    """``, at Ségou`` for a destination other than the main one (nothing for the main)."""
    name = _place_name(scenario, place)
    return "" if name is None else f", at {name}"


def _label(key: str, vocab: Any, place: str | None) -> Any:
    """A summary metric's label in the scenario's words; ``place``: instead of the depot."""
    lab = summary_label(key, vocab)
    if place is None:
        return lab
    return dataclasses.replace(lab, label=lab.label.replace("the depot", place))


def _add_fit_options(p: argparse.ArgumentParser, *, default_method: str) -> None:
    """Options calibrate and hindcast share: the threshold, the method and ACLED filters."""
    p.add_argument(
        "--threshold",
        type=_int_at_least(0),
        default=5,
        help="tankers for an attack to be reported",
    )
    p.add_argument(
        "--method",
        choices=("rejection", "smc"),
        default=default_method,
        help="rejection ABC or sequential Monte Carlo ABC",
    )
    p.add_argument(
        "--generations",
        type=_int_at_least(1, 100),
        default=4 if default_method == "rejection" else 3,
        metavar="G",
        help="generations of --method smc, the prior draws included",
    )
    p.add_argument(
        "--actor",
        metavar="TEXT",
        help="ACLED export only: keep the events whose actor contains TEXT (any case)",
    )
    p.add_argument(
        "--event-type",
        action="append",
        default=[],
        metavar="TYPE",
        help="ACLED export only: keep the events of this event_type (repeatable)",
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
    p.add_argument(
        "-w",
        "--workers",
        type=_int_at_least(1),
        metavar="K",
        help="local processes (default: all cores)",
    )
    p.add_argument(
        "--dask",
        type=_dask_address,
        metavar="ADDRESS",
        help="run on a Dask cluster: a scheduler address (tcp://host:8786) or 'local'",
    )
    p.add_argument(
        "--dask-security",
        metavar="FILE|temporary",
        help="TLS for --dask: a YAML file of distributed.security.Security arguments "
        "(tls_ca_file, tls_client_cert, tls_client_key, ...), or 'temporary' with --dask local",
    )
    p.add_argument("--batch-size", type=_int_at_least(1), metavar="B", help="replications per task")
    p.add_argument("--resume", action="store_true", help="finish an interrupted ensemble in --out")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


# ---------------------------------------------------------------- the entry point


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``simfuel`` console script; returns the exit code.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 success, 1 runtime failure, 2 bad input, 130 interrupted (Ctrl-C or SIGTERM).
    """
    _tolerant_streams()
    try:
        with _sigterm_as_interrupt(), _one_line_warnings():
            code = _guarded(argv)
            # Inside the try: a reader that went away surfaces here, not at exit.
            sys.stdout.flush()
        return code
    except BrokenPipeError:
        return _stdout_gone()


def _guarded(argv: Sequence[str] | None) -> int:
    args: argparse.Namespace | None = None
    try:
        args = _parser().parse_args(argv)
        return _dispatch(args)
    except SystemExit as exc:  # argparse: --help, --version, a bad argument
        return exc.code if isinstance(exc.code, int) else EXIT_INVALID if exc.code else EXIT_OK
    except BrokenPipeError:
        raise
    except KeyboardInterrupt as exc:
        what = "terminated (SIGTERM)" if isinstance(exc, Terminated) else "interrupted"
        _error(what + _resume_hint(args), prefix="")
        return EXIT_INTERRUPTED
    except Exception as exc:
        if os.environ.get("SIMFUEL_TRACEBACK"):
            raise
        code, text = describe_error(exc)
        out = getattr(args, "out", None)
        if (
            isinstance(exc, OSError)
            and not isinstance(exc, InputError)
            and exc.filename is None
            and out is not None
        ):
            # A failed write() names no file; the folder being written is the best clue.
            text = f"writing to {safe_echo(str(out), 200)}: {text}"
        _error(text)
        return code


def _dispatch(args: argparse.Namespace) -> int:
    commands: dict[str, Callable[[argparse.Namespace], int]] = {
        "run": _cmd_run,
        "sweep": _cmd_sweep,
        "report": _cmd_report,
        "sensitivity": _cmd_sensitivity,
        "size-fleet": _cmd_size_fleet,
        "calibrate": _cmd_calibrate,
        "hindcast": _cmd_hindcast,
        "validate": _cmd_validate,
        "schema": _cmd_schema,
        "scenarios": _cmd_scenarios,
        "init": _cmd_init,
        "compare": _cmd_compare,
    }
    return commands[args.command](args)


def _error(text: str, prefix: str = "error: ") -> None:
    print(f"{prefix}{one_line(text)}", file=sys.stderr)


def _resume_hint(args: argparse.Namespace | None) -> str:
    if args is None or args.command not in ("run", "sweep") or getattr(args, "out", None) is None:
        return ""
    if args.command == "run" and args.reps is None:
        return ""
    return f"; finished replications are kept in {safe_echo(str(args.out))}: add --resume to finish"


def _stdout_gone() -> int:
    """The reader of stdout closed it (``simfuel validate ... | head``): stop quietly.

    The recipe of the Python documentation (signal module, "Note on SIGPIPE"): point
    stdout at devnull so the interpreter's final flush does not raise again.
    """
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return EXIT_ERROR


def _tolerant_streams() -> None:
    """Printing never raises an encoding error (an ascii terminal, PYTHONIOENCODING=ascii).

    What the stream cannot encode is written as a backslash escape instead.
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(Exception):
                reconfigure(errors="backslashreplace")


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM raises :class:`Terminated` (a KeyboardInterrupt) in this process.

    Runs then stop as on Ctrl-C: pools shut down, finished ensemble parts stay, and the
    command exits 130. Pool workers forked while this is active inherit the handler; in
    them it restores the default action, so they die as they would have.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    owner = os.getpid()

    def handler(signum: int, frame: Any) -> None:
        if os.getpid() != owner:
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def _one_line_warnings() -> Iterator[None]:
    """Warnings print as one ``warning:`` line, without the source line below them."""
    with warnings.catch_warnings():

        def show(
            message: Warning | str,
            category: type[Warning],
            filename: str,
            lineno: int,
            file: Any = None,
            line: str | None = None,
        ) -> None:
            print(f"warning: {one_line(str(message))}", file=sys.stderr)

        warnings.showwarning = show
        yield


# ---------------------------------------------------------------- errors to exit codes


def _instance_of(exc: BaseException, module: str, name: str) -> bool:
    """Whether ``exc`` is a ``module.name``, without importing ``module`` to find out.

    An exception of a module that is not loaded cannot have been raised, so this keeps
    the heavy floors out of a command that never touched them.
    """
    cls = getattr(sys.modules.get(module), name, None)
    return isinstance(cls, type) and isinstance(exc, cls)


def describe_error(exc: BaseException) -> tuple[int, str]:
    """The exit code and the one-line message for an exception that ended a command.

    Parameters
    ----------
    exc : BaseException
        What was raised.

    Returns
    -------
    (int, str)
        ``EXIT_INVALID`` (2) for bad input: :class:`simfuel.errors.InputError` (scenario
        and incident errors, bad arguments), a store holding another ensemble, YAML that
        does not parse, a missing optional dependency, any other ``ValueError``;
        ``EXIT_ERROR`` (1) for runtime failures: failed replications, ``OSError`` (a
        full disk, a read-only file system, a permission), Dask, anything else. The
        message is not yet escaped (:func:`_error` does it).
    """
    if _instance_of(exc, "simfuel.scenario.errors", "ScenarioError"):
        return EXIT_INVALID, _problems_text(exc)
    if isinstance(exc, InputError):  # the store's errors too (StoreError is one)
        return EXIT_INVALID, str(exc)
    if _instance_of(exc, "yaml", "YAMLError"):
        return EXIT_INVALID, f"not valid YAML: {exc}"
    if isinstance(exc, ImportError):
        return EXIT_INVALID, f"{exc} (a missing optional dependency?)"
    if _instance_of(exc, "simfuel.ensemble.runner", "EnsembleError"):
        return EXIT_ERROR, str(exc)
    if isinstance(exc, MemoryError):
        return EXIT_ERROR, "out of memory (fewer replications per task: --batch-size)"
    if isinstance(exc, OSError):
        return EXIT_ERROR, _os_text(exc)
    top = type(exc).__module__.partition(".")[0]
    if top in ("distributed", "dask", "tornado"):
        return EXIT_ERROR, f"Dask: {type(exc).__name__}: {exc}"
    if isinstance(exc, ValueError):
        return EXIT_INVALID, str(exc) or type(exc).__name__
    if top == "simfuel":
        return EXIT_ERROR, str(exc) or type(exc).__name__
    return EXIT_ERROR, (
        f"internal error: {type(exc).__name__}: {exc} (SIMFUEL_TRACEBACK=1 shows the traceback)"
    )


def _problems_text(exc: BaseException, most: int | None = 5) -> str:
    """A scenario error's problems on one line (its message holds one line per problem).

    ``most``: how many to show before "and N more problems" (None: every one, as
    ``simfuel validate`` shows them).
    """
    source = getattr(exc, "source", None)
    problems = list(getattr(exc, "problems", []) or [])
    if source is None or not problems:
        return str(exc)
    most = len(problems) if most is None else most
    shown = "; ".join(str(p) for p in problems[:most])
    more = len(problems) - most
    if more <= 0:
        return f"{source}: {shown}"
    if len(shown) > _SHOWN_PROBLEMS_CHARS:  # the line is cut at 1,000: keep the pointer
        shown = shown[: _SHOWN_PROBLEMS_CHARS - 3] + "..."
    return (
        f"{source}: {shown}; and {more} more problem{'s' * (more > 1)} (simfuel validate lists all)"
    )


#: Characters of a command's error line given to its first problems, so that the pointer to
#: ``simfuel validate`` after them survives the line's cut at 1,000 characters.
_SHOWN_PROBLEMS_CHARS = 700


def _os_text(exc: OSError) -> str:
    if exc.strerror and exc.filename is not None:
        where = safe_echo(os.fsdecode(exc.filename), 200)
        if exc.filename2 is not None:
            where += f" -> {safe_echo(os.fsdecode(exc.filename2), 200)}"
        return f"{where}: {exc.strerror}"
    return exc.strerror or str(exc) or type(exc).__name__


# ---------------------------------------------------------------- argument checks


def _check_out(path: Path | None, *, folder: bool = True) -> None:
    """Refuse an output path that cannot be written, before any work is done.

    ``folder``: the path is a folder to create or fill (else a file to write). Checks
    that no file stands in the way and that the nearest existing folder is writable (a
    read-only file system fails this too, for root as well). A full disk cannot be
    known in advance: it ends the run with exit 1.
    """
    if path is None:
        return
    shown = safe_echo(str(path))
    if not str(path).strip() or str(path) == ".":
        # Path("") is ".": an empty --out would write into the current folder.
        raise UsageError(f"--out {shown!r}: an empty path; name a folder")
    try:
        if folder and path.exists() and not path.is_dir():
            raise UsageError(f"--out {shown}: is a file, not a folder")
        if not folder and path.is_dir():
            raise UsageError(f"--out {shown}: is a folder, not a file")
        ancestor = path if folder else path.parent
        while not ancestor.exists() and ancestor != ancestor.parent:
            ancestor = ancestor.parent
        if not ancestor.is_dir():
            raise UsageError(
                f"--out {shown}: {safe_echo(str(ancestor))} is a file, so no folder can be made"
            )
        if not os.access(ancestor, os.W_OK | os.X_OK):
            raise UsageError(
                f"--out {shown}: cannot write in {safe_echo(str(ancestor))} "
                "(read-only or no permission)"
            )
    except OSError as exc:
        raise UsageError(f"--out {shown}: {exc.strerror or exc}") from None


def _refuse_overwrite(args: argparse.Namespace, name: str) -> None:
    """Refuse to replace ``--out``'s page ``name`` (a report or brief costs many runs) unless
    ``--force``: checked before any work."""
    if (Path(args.out) / name).exists() and not args.force:
        raise UsageError(
            f"--out {safe_echo(str(args.out), 200)}: already holds {name}; "
            "add --force to overwrite it"
        )


def _require(module: str, extra: str, what: str) -> None:
    """Refuse a command whose optional dependency is missing, naming the extra to install."""
    try:
        importlib.import_module(module)
    except ImportError:
        raise UsageError(f"{what} needs {module}: pip install 'simfuel[{extra}]'") from None


def _preflight(args: argparse.Namespace, *, out_is_folder: bool = True) -> None:
    """Every check of the arguments that needs no scenario: run before any work."""
    _check_out(getattr(args, "out", None), folder=out_is_folder)
    if getattr(args, "resume", False) and getattr(args, "out", None) is None:
        raise UsageError("--resume needs --out DIR (the folder of the interrupted run)")
    dask = getattr(args, "dask", None)
    security = getattr(args, "dask_security", None)
    if security is not None and dask is None:
        raise UsageError("--dask-security needs --dask")
    if dask is not None:
        _require("distributed", "dask", "--dask")
        if security == "temporary" and dask != "local":
            raise UsageError(
                "--dask-security temporary makes certificates only this process knows: "
                "use it with --dask local, and a certificate file for a remote scheduler"
            )
        if dask.startswith("tls://") and security is None:
            raise UsageError("--dask tls://... needs --dask-security FILE (the certificates)")
        args.security_object = _security(security)
        if dask != "local":
            _check_reachable(dask)


def _security(value: str | None) -> Any:
    """The :class:`distributed.security.Security` that ``--dask-security`` names, or None."""
    if value is None:
        return None
    from distributed.security import Security

    if value == "temporary":
        try:
            return Security.temporary()
        except ImportError:
            raise UsageError(
                "--dask-security temporary needs the cryptography package: pip install cryptography"
            ) from None
    import yaml

    shown = safe_echo(value)
    try:
        text = Path(value).read_text(encoding="utf-8")
        config = yaml.safe_load(text)
    except OSError as exc:
        raise UsageError(f"--dask-security {shown}: {exc.strerror or exc}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise UsageError(f"--dask-security {shown}: not a YAML file ({exc})") from None
    if not isinstance(config, dict) or not config:
        raise UsageError(f"--dask-security {shown}: needs a mapping of {', '.join(SECURITY_KEYS)}")
    base = Path(value).parent
    kwargs: dict[str, Any] = {}
    for key, item in config.items():
        if key not in SECURITY_KEYS:
            raise UsageError(
                f"--dask-security {shown}: unknown key {safe_echo(key)!r} "
                f"(known: {', '.join(SECURITY_KEYS)})"
            )
        if key == "require_encryption":
            if not isinstance(item, bool):
                raise UsageError(f"--dask-security {shown}: {key} must be true or false")
            kwargs[key] = item
            continue
        if not isinstance(item, str) or not item:
            raise UsageError(f"--dask-security {shown}: {key} must be a text")
        if key in SECURITY_FILE_KEYS:
            # Relative to the file, so a config and its certificates travel together.
            target = (base / item).expanduser()
            if not target.is_file():
                raise UsageError(
                    f"--dask-security {shown}: {key}: no such file {safe_echo(str(target))}"
                )
            item = str(target)
        kwargs[key] = item
    kwargs.setdefault("require_encryption", True)
    return Security(**kwargs)


def _check_reachable(address: str) -> None:
    """Fail within seconds, with one line, when nothing listens at a scheduler address."""
    scheme, sep, rest = address.partition("://")
    if not sep:
        scheme, rest = "tcp", address
    if scheme in ("inproc", "ucx"):
        return
    hostport = rest.split("/", 1)[0]
    host, colon, port_text = hostport.rpartition(":")
    if not colon:
        host, port_text = hostport, "8786"  # Dask's default scheduler port
    host = host.strip("[]")
    shown = safe_echo(address)
    try:
        port = int(port_text)
        if not 0 < port < 65536:
            raise ValueError
    except ValueError:
        raise UsageError(f"--dask {shown}: needs SCHEME://HOST:PORT with a port number") from None
    if not host:
        raise UsageError(f"--dask {shown}: needs SCHEME://HOST:PORT with a host")
    try:
        with socket.create_connection((host, port), timeout=DASK_CONNECT_TIMEOUT_S):
            pass
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise UsageError(
            f"--dask {shown}: no scheduler reachable there ({reason}); start one with "
            "'dask scheduler', or use --dask local"
        ) from None


@contextlib.contextmanager
def _executor(args: argparse.Namespace) -> Iterator[Any]:
    """The Dask client asked for with --dask, or None (the local process pool)."""
    if not args.dask:
        yield None
        return
    # Dask's own log lines (warnings of cancelled tasks on Ctrl-C or SIGTERM, say) would
    # break the one-line rule; errors still show. Set before the import and inherited by
    # LocalCluster's worker processes. A user's own setting wins.
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "error")
    from distributed import Client, LocalCluster

    security = getattr(args, "security_object", None)
    if args.dask == "local":
        n = args.workers or os.cpu_count() or 1
        with (
            LocalCluster(
                n_workers=n,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                security=security,
            ) as cluster,
            Client(cluster, security=security) as client,
        ):
            yield client
        return
    try:
        client = Client(args.dask, timeout=DASK_HANDSHAKE_TIMEOUT_S, security=security)
    except MemoryError:
        # Dask read another protocol's bytes (an HTTP server's reply) as a frame length.
        raise UsageError(
            f"--dask {safe_echo(args.dask)}: something listens there, but not a Dask scheduler"
        ) from None
    except Exception as exc:
        reason = one_line(str(exc), 200) or type(exc).__name__
        raise UsageError(
            f"--dask {safe_echo(args.dask)}: cannot connect to a Dask scheduler ({reason})"
        ) from None
    with client:
        yield client


def _ensemble_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "seed": args.seed,
        "workers": args.workers,
        "batch_size": args.batch_size,
        "resume": args.resume,
        "progress": not args.quiet,
    }


def _load(args: argparse.Namespace) -> Any:
    from .scenario import load_scenario

    return load_scenario(args.scenario, args.overrides or None)


# ---------------------------------------------------------------- the commands


def _cmd_run(args: argparse.Namespace) -> int:
    if args.reps is None and (args.resume or args.dask or args.dask_security or args.batch_size):
        raise UsageError("--resume, --dask and --batch-size need --reps N")
    if args.format in ("xlsx", "geojson"):
        if args.reps is not None:
            raise UsageError(
                f"--format {args.format} is for one run: with --reps, --out holds Parquet "
                "(--format csv adds the ensemble's CSV tables)"
            )
        if args.out is None:
            raise UsageError(
                f"--format {args.format} needs --out DIR (the folder of run.{args.format})"
            )
        if args.format == "xlsx":
            _require("openpyxl", "excel", "--format xlsx")
    if args.format == "csv" and args.reps is not None and args.out is None:
        raise UsageError("--format csv with --reps needs --out DIR (CSV tables go in DIR/csv/)")
    _preflight(args)
    scenario = _load(args)
    place = _destination(args, scenario)
    if args.reps is not None:
        return _run_ensemble(args, scenario, place)
    from .run import run

    result = run(scenario, seed=args.seed)
    result.check_balance()
    # Written before anything is printed: a failed write must not follow printed results.
    paths = {}
    if args.out is not None and args.format == "xlsx":
        paths = {"run": result.to_excel(args.out / "run.xlsx")}
    elif args.out is not None and args.format == "geojson":
        paths = {"run": result.to_geojson(args.out / "run.geojson")}
    elif args.out is not None:
        paths = result.to_csv(args.out)
    print(_header(result.provenance, f"{scenario.start} .. {scenario.end}{_at(scenario, place)}"))
    print(
        format_summary(
            result.summary(place), scenario.vocabulary_at(place), _place_name(scenario, place)
        )
    )
    for path in paths.values():
        print(f"wrote {safe_echo(str(path), 200)}")
    return EXIT_OK


def _run_ensemble(args: argparse.Namespace, scenario: Any, place: str | None = None) -> int:
    from .ensemble import run_ensemble

    kwargs = _ensemble_kwargs(args)
    with _executor(args) as executor:
        result = run_ensemble(scenario, args.reps, executor=executor, store=args.out, **kwargs)
    # Written before anything is printed: a failed write must not follow printed results.
    tables = result.to_csv(args.out / CSV_FOLDER, destination=place) if args.format == "csv" else {}
    what = f"{scenario.start} .. {scenario.end}, {_count(result.n, 'replication')}"
    print(_header(result.provenance, what + _at(scenario, place)))
    table = result.summary_table(destination=place)
    print(
        format_ensemble_summary(
            table, result.n, scenario.vocabulary_at(place), _place_name(scenario, place)
        )
    )
    if args.out is not None:
        print(
            f"wrote {safe_echo(str(args.out), 200)} "
            "(Parquet; open with simfuel.EnsembleResult.from_parquet)"
        )
    for path in tables.values():
        print(f"wrote {safe_echo(str(path), 200)}")
    return EXIT_OK


#: Subfolder of an ensemble's --out that ``--format csv`` fills (EnsembleResult.to_csv).
CSV_FOLDER = "csv"


def _header(provenance: Any, what: str) -> str:
    """The two lines a command prints first: what ran, then how to tell it apart.

    ``mali-2025 + threat.hazard_per_100km=0.2: 2025-08-01 .. 2025-11-30, seed 0`` and
    ``  scenario sha256 1a2b..., simfuel 0.1.0``: two runs with other overrides, another
    seed or another version never print the same header.
    """
    first = f"{safe_echo(provenance.label, 300)}: {what}, seed {provenance.seed_text}"
    return (
        f"{first}\n  scenario sha256 {provenance.scenario_sha256[:12]}, "
        f"simfuel {provenance.simfuel_version}"
    )


def _count(n: int, noun: str) -> str:
    """``1 replication``, ``2 replications``."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _yaml_value(text: str, item: str) -> Any:
    """One ``--param`` value read as YAML: a number, a date, a word, a flow list."""
    import yaml

    from .scenario.loader import read_value

    where = f"--param {safe_echo(item)}"
    try:
        # Anchors and aliases have no use in one value, and can expand beyond memory.
        if any(isinstance(t, yaml.AliasToken | yaml.AnchorToken) for t in yaml.scan(text)):
            raise UsageError(f"{where}: YAML anchors and aliases are not allowed in a value")
        return read_value(text)  # as --set reads it: 1:30 or 012 are refused, not misread
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or "does not parse"
        raise UsageError(f"{where}: {safe_echo(text)!r} is not a YAML value ({problem})") from None


def _grid(items: Sequence[str]) -> dict[str, list[Any]]:
    grid: dict[str, list[Any]] = {}
    for item in items:
        path, sep, values = item.partition("=")
        if not sep or not path.strip() or not values.strip():
            raise UsageError(f"--param needs PATH=V1,V2,... (got {safe_echo(item)!r})")
        if path.strip() in grid:
            raise UsageError(
                f"--param {safe_echo(path.strip())}: given twice; list every value once"
            )
        grid[path.strip()] = [_yaml_value(v, item) for v in values.split(",")]
    points = math.prod(len(v) for v in grid.values())
    if points > MAX_SWEEP_POINTS:
        raise UsageError(
            f"--param: the grid has {points:,} points; at most {MAX_SWEEP_POINTS:,} (each is "
            "a whole ensemble)"
        )
    return grid


def _check_params(scenario: Any, values: dict[str, list[Any]]) -> None:
    """Apply each --param value to the scenario once, so a bad one names its argument."""
    from .scenario import ScenarioError, apply_overrides

    for path, options in values.items():
        for value in options:
            try:
                apply_overrides(scenario, {path: value}, label=f"--param {safe_echo(path)}")
            except ScenarioError:
                if not isinstance(value, float):
                    raise
                try:  # a whole-number field: sensitivity rounds its range's ends
                    apply_overrides(scenario, {path: round(value)})
                except ScenarioError:
                    pass
                else:
                    continue
                raise


def _cmd_sweep(args: argparse.Namespace) -> int:
    grid = _grid(args.param)
    _preflight(args)
    scenario = _load(args)
    place = _destination(args, scenario)
    _check_params(scenario, grid)
    from .ensemble import sweep
    from .io import write_csv

    kwargs = _ensemble_kwargs(args)
    vocab = scenario.vocabulary_at(place)
    with _executor(args) as executor:
        table = sweep(
            scenario,
            grid,
            args.reps,
            executor=executor,
            store=args.out,
            destination=place,
            **kwargs,
        )
    keys = list(grid)
    metrics = ["delivered_l", "tankers_lost", "days_with_shortfall", "min_days_of_cover"]
    q = table.groupby(["point", *keys])[metrics]
    med, lo, hi = q.median(), q.quantile(0.05), q.quantile(0.95)
    shown = med.copy().astype(object)
    for m in metrics:
        scale = summary_label(m, vocab).scale
        shown[m] = [
            f"{a / scale:,.1f} [{b / scale:,.1f}, {c / scale:,.1f}]"
            for a, b, c in zip(med[m], lo[m], hi[m], strict=True)
        ]
    # Columns in the scenario's words: delivered_ML and tankers_lost for fuel.
    shown = shown.rename(
        columns={
            "delivered_l": f"delivered_{vocab.shown_unit}",
            "tankers_lost": f"{vocab.vehicles}_lost".replace(" ", "_"),
        }
    )
    path = write_csv(Path(args.out) / "sweep.csv", table, index=False) if args.out else None
    from .scenario.provenance import provenance_of

    what = (
        f"sweep of {_count(len(shown), 'point')} x {_count(args.reps, 'replication')}, "
        f"median [5%, 95%]{_at(scenario, place)}"
    )
    print(_header(provenance_of(scenario, seed=args.seed), what))
    print(shown.reset_index(level="point", drop=True).to_string())
    if path is not None:
        print(f"wrote {safe_echo(str(path), 200)}")
    return EXIT_OK


def _ranges(items: Sequence[str]) -> dict[str, tuple[float, float]]:
    out = {}
    for item in items:
        path, sep, rng = item.partition("=")
        low_text, colon, high_text = rng.partition(":")
        shown = safe_echo(item)
        try:
            if not sep or not colon or not path.strip():
                raise ValueError
            low, high = float(low_text), float(high_text)
        except ValueError:
            raise UsageError(f"--param needs PATH=LOW:HIGH with numbers (got {shown!r})") from None
        if not (math.isfinite(low) and math.isfinite(high)) or not low < high:
            raise UsageError(f"--param {shown}: needs finite numbers with LOW < HIGH")
        if path.strip() in out:
            raise UsageError(f"--param {safe_echo(path.strip())}: given twice; give one range")
        out[path.strip()] = (low, high)
    return out


def _no_resume(args: argparse.Namespace) -> None:
    if args.resume:
        raise UsageError(f"{args.command} does not resume; run it again (it is reproducible)")


def _cmd_calibrate(args: argparse.Namespace) -> int:
    _no_resume(args)
    params = _ranges(args.param)
    if args.overrides:
        raise UsageError("calibrate fits the file as it is; put --set changes in the file")
    _preflight(args)
    table = _read_incidents(args, args.incidents, "--incidents")
    signals = None if args.signals is None else _read_signals(args.signals, "--signals")
    import pandas as pd

    from .analysis.calibrate import calibrate
    from .io import write_csv

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
            method=args.method,
            generations=args.generations,
            signals=signals,
        )
    out = Path(args.out)
    write_csv(out / "posterior.csv", cal.posterior, index=False)
    write_csv(out / "samples.csv", cal.samples, index=False)
    write_csv(
        out / "statistics.csv",
        pd.DataFrame({"observed": cal.observed, "simulated_median": cal.simulated.median()}),
    )
    yaml_path = cal.to_yaml(out / "calibrated.yaml")
    _save_figure(cal.plot_diagnostics(), out / "diagnostics.png")
    print(
        f"{safe_echo(cal.base.name)}: {len(cal.posterior)} of {len(cal.samples)} draws "
        "accepted; posterior median [5%, 95%]:"
    )
    print(cal.summary().to_string(float_format=lambda v: f"{v:.4g}"))
    for role, sha in cal.sources.items():
        print(f"{role}: sha256 {sha}")
    for name in ("posterior.csv", "samples.csv", "statistics.csv"):
        print(f"wrote {safe_echo(str(out / name), 200)}")
    print(f"wrote {safe_echo(str(yaml_path), 200)} (extends {safe_echo(args.scenario, 200)})")
    print(f"wrote {safe_echo(str(out / 'diagnostics.png'), 200)}")
    return EXIT_OK


def _csv_columns(path: str) -> list[str]:
    """The header of a CSV file, to tell incident tables, ACLED exports and signals apart.

    Empty when the file is not a readable regular file: the table's loader then names the
    problem (missing, a folder, a FIFO, not UTF-8) in its own words. Checked with stat
    first so that a FIFO is never opened.
    """
    import csv

    if not Path(path).is_file():
        return []
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            return [c.strip() for c in next(csv.reader(fh), [])]
    except (OSError, UnicodeDecodeError, csv.Error):
        return []


def _read_incidents(args: argparse.Namespace, name: str, flag: str) -> Any:
    """An incident table or an ACLED export (by its columns), with --actor/--event-type."""
    from .observations import incidents, is_acled, shipped_incidents

    filters = bool(args.actor or args.event_type)
    if name in shipped_incidents():
        if filters:
            raise UsageError("--actor and --event-type filter an ACLED export only")
        return incidents(name)
    if is_acled(_csv_columns(name)):
        if not filters:
            # An export holds every kind of event (protests, battles...): counting them all
            # as attacks on convoys is never meant, so the user says which ones are.
            raise UsageError(
                f"{flag} {safe_echo(name)}: is an ACLED export (event_date, latitude, "
                "longitude): say which of its events are attacks on fuel convoys with "
                "--actor TEXT and/or --event-type TYPE"
            )
        from .observations import acled_incidents
        from .scenario import load_scenario

        # A filter that matches nothing warns, then raises: show the error line alone.
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            table = acled_incidents(
                name,
                load_scenario(args.scenario),
                actors=args.actor,
                event_types=args.event_type or None,
            )
        for w in caught:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        return table
    if filters:
        raise UsageError(
            f"{flag} {safe_echo(name)}: --actor and --event-type filter an ACLED export "
            "(event_date, latitude, longitude columns) only"
        )
    try:
        return incidents(name)
    except OSError as exc:
        raise UsageError(f"{flag} {safe_echo(name)}: {exc.strerror or exc}") from None


def _read_signals(name: str, flag: str) -> Any:
    from .observations import signals

    try:
        return signals(name)
    except OSError as exc:
        raise UsageError(f"{flag} {safe_echo(name)}: {exc.strerror or exc}") from None


def _cmd_hindcast(args: argparse.Namespace) -> int:
    _no_resume(args)
    params = _ranges(args.param)
    if args.overrides:
        raise UsageError("hindcast fits the file as it is; put --set changes in the file")
    for flag, value in (("--as-of", args.as_of), ("--until", args.until)):
        if value is not None:
            try:
                dt.date.fromisoformat(value.strip())
            except ValueError:
                raise UsageError(
                    f"{flag} must be a date YYYY-MM-DD (got {safe_echo(value)!r})"
                ) from None
    _preflight(args)
    from .observations import shipped_incidents, shipped_signals

    incident_tables, signal_tables = [], []
    for name in args.observations:
        if name in shipped_incidents() or name in shipped_signals():
            if name in shipped_incidents():
                incident_tables.append(_read_incidents(args, name, "--observations"))
            if name in shipped_signals():
                signal_tables.append(_read_signals(name, "--observations"))
        elif "signal" in _csv_columns(name):
            signal_tables.append(_read_signals(name, "--observations"))
        else:
            incident_tables.append(_read_incidents(args, name, "--observations"))
    if len(incident_tables) > 1 or len(signal_tables) > 1:
        raise UsageError("--observations: give at most one incident table and one signals table")
    from .analysis.hindcast import hindcast

    with _executor(args) as executor:
        h = hindcast(
            args.scenario,
            params,
            as_of=args.as_of,
            until=args.until,
            seed=args.seed,
            incidents=incident_tables[0] if incident_tables else None,
            signals=signal_tables[0] if signal_tables else None,
            method=args.method,
            draws=args.draws,
            accept=args.accept,
            generations=args.generations,
            reps=args.reps,
            forward_draws=args.forward_draws,
            reps_per_draw=args.reps_per_draw,
            report_threshold=args.threshold,
            executor=executor,
            workers=args.workers,
            progress=not args.quiet,
        )
    from .io import write_csv

    out = Path(args.out)
    write_csv(out / "hindcast.csv", h.table, index=False)
    write_csv(out / "posterior.csv", h.calibration.posterior, index=False)
    write_csv(out / "fitted.csv", h.fitted, index=False)
    _save_figure(h.plot(), out / "hindcast.png")
    for line in h.describe().splitlines():
        print(safe_echo(line, 400))
    print("calibration (before as-of): posterior median [5%, 95%]:")
    print(h.calibration.summary().to_string(float_format=lambda v: f"{v:.4g}"))
    for role, sha in h.calibration.sources.items():
        print(f"{role}: sha256 {sha}")
    for name in ("hindcast.csv", "fitted.csv", "posterior.csv", "hindcast.png"):
        print(f"wrote {safe_echo(str(out / name), 200)}")
    return EXIT_OK


def _cmd_report(args: argparse.Namespace) -> int:
    _no_resume(args)
    if args.scenario is None and args.from_store is None:
        raise UsageError("report: give a scenario, or --from DIR (a stored ensemble)")
    _preflight(args)
    _refuse_overwrite(args, "report.html")
    from .reporting import make_report

    if args.from_store is not None:
        given = [
            flag
            for flag, value in (
                ("--set", args.overrides),
                ("--reps", args.reps),
                ("--seed", args.seed),
            )
            if value not in (None, [])
        ]
        if given:
            raise UsageError(
                "report --from shows the stored ensemble as it was run: drop " + ", ".join(given)
            )
        from .ensemble import EnsembleResult

        ensemble = EnsembleResult.from_parquet(args.from_store)
        scenario = _load(args) if args.scenario is not None else None
        place = _destination(args, ensemble.scenario)
        path = make_report(
            scenario, out=args.out, progress=not args.quiet, ensemble=ensemble, destination=place
        )
        sc = ensemble.scenario
        print(
            _header(
                ensemble.provenance, f"{sc.start} .. {sc.end}, {_count(ensemble.n, 'replication')}"
            )
        )
        print(f"wrote {safe_echo(str(path), 200)}")
        return EXIT_OK
    scenario = _load(args)
    place = _destination(args, scenario)
    reps = REPORT_REPS if args.reps is None else args.reps
    seed = DEFAULT_SEED if args.seed is None else args.seed
    with _executor(args) as executor:
        path = make_report(
            scenario if args.overrides else args.scenario,
            reps=reps,
            seed=seed,
            out=args.out,
            workers=args.workers,
            executor=executor,
            progress=not args.quiet,
            destination=place,
        )
    from .scenario.provenance import provenance_of

    what = f"{scenario.start} .. {scenario.end}, {_count(reps, 'replication')}"
    print(_header(provenance_of(scenario, seed=seed), what))
    print(f"wrote {safe_echo(str(path), 200)}")
    return EXIT_OK


def _save_figure(fig: Any, path: Path) -> None:
    from .io import atomic_path

    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=100)


def _cmd_sensitivity(args: argparse.Namespace) -> int:
    _no_resume(args)
    ranges = _ranges(args.param)
    _require("SALib", "sensitivity", "sensitivity analysis")
    from .results import SUMMARY_METRICS

    if args.metric not in SUMMARY_METRICS:
        raise UsageError(
            f"--metric {safe_echo(args.metric)}: unknown metric; known: "
            f"{', '.join(SUMMARY_METRICS)}"
        )
    _preflight(args)
    scenario = _load(args)
    place = _destination(args, scenario)
    _check_params(scenario, {p: [lo, hi] for p, (lo, hi) in ranges.items()})
    from .analysis import sensitivity
    from .io import write_csv

    with _executor(args) as executor:
        result = sensitivity(
            scenario,
            ranges,
            args.metric,
            method=args.method,
            n=args.n,
            reps=args.reps,
            seed=args.seed,
            executor=executor,
            workers=args.workers,
            progress=not args.quiet,
            destination=place,
        )
    table = result.to_df()
    if args.out is not None:
        out = Path(args.out)
        write_csv(out / "indices.csv", table)
        write_csv(out / "samples.csv", result.samples_df(), index=False)
        _save_figure(result.plot().figure, out / "indices.png")
    from .scenario.provenance import provenance_of

    what = f"{args.method} indices of {args.metric}{_at(scenario, place)}, "
    what += _count(result.n_evaluations, "run")
    print(_header(provenance_of(scenario, seed=args.seed), what))
    print(table.to_string(float_format=lambda v: f"{v:.3f}"))
    if args.out is not None:
        print(f"wrote {safe_echo(str(out), 200)}: indices.csv, samples.csv, indices.png")
    return EXIT_OK


def _cmd_size_fleet(args: argparse.Namespace) -> int:
    _no_resume(args)
    _preflight(args)
    scenario = _load(args)
    place = _destination(args, scenario)
    if args.force not in scenario.escorts:
        known = ", ".join(scenario.escorts) or "none"
        raise UsageError(f"--force {safe_echo(args.force)}: no such escort force (known: {known})")
    if args.after is not None and not scenario.start <= args.after <= scenario.end:
        raise UsageError(
            f"--after {args.after}: outside the horizon {scenario.start} .. {scenario.end}"
        )
    from .analysis import size_fleet
    from .io import write_csv

    with _executor(args) as executor:
        sizing = size_fleet(
            scenario,
            args.force,
            units=args.units,
            min_cover_days=args.min_cover,
            day_share=args.day_share,
            probability=args.probability,
            after=args.after,
            reps=args.reps,
            seed=args.seed,
            executor=executor,
            workers=args.workers,
            batch_size=args.batch_size,
            progress=not args.quiet,
            destination=place,
        )
    if args.out is not None:
        out = Path(args.out)
        write_csv(out / "curve.csv", sizing.curve, index=False)
        _save_figure(sizing.plot().figure, out / "curve.png")
    print(sizing.describe())
    print(sizing.curve.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    if args.out is not None:
        print(f"wrote {safe_echo(str(out), 200)}: curve.csv, curve.png")
    return EXIT_OK


def _cmd_scenarios(args: argparse.Namespace) -> int:
    from .scenario import shipped_scenarios

    listed = shipped_scenarios()
    width = max(map(len, listed), default=0)
    for name, what in listed.items():
        print(f"{name:<{width}}  {safe_echo(what, 200)}")
    return EXIT_OK


def _cmd_init(args: argparse.Namespace) -> int:
    from .scenario import init_scenario

    written = init_scenario(args.name, args.dir, overwrite=args.force)
    for path in written:
        print(f"wrote {safe_echo(str(path), 200)}")
    first = safe_echo(str(written[0]), 200)
    print(f"edit {first}, then: simfuel run {first}")
    return EXIT_OK


#: Longest line ``simfuel validate`` prints for a file: room for every problem of a badly
#: broken scenario (other commands cut their error line at 1,000 characters).
_VALIDATE_LINE_CHARS = 50_000


def _cmd_validate(args: argparse.Namespace) -> int:
    import yaml

    from .scenario import load_scenario

    status = EXIT_OK
    for path in args.scenarios:
        try:
            sc = load_scenario(path)
        except (ValueError, OSError, yaml.YAMLError) as exc:
            # One line per file, whatever the loader raised; the next file is still checked.
            # Every problem of a scenario error, not the first five other commands show
            # (their line points here for the rest).
            if isinstance(exc, OSError):
                text = _os_text(exc)
            elif _instance_of(exc, "simfuel.scenario.errors", "ScenarioError"):
                text = _problems_text(exc, most=None)
            else:
                text = describe_error(exc)[1]
            print(f"invalid: {one_line(text, limit=_VALIDATE_LINE_CHARS)}", file=sys.stderr)
            status = EXIT_INVALID
        else:
            print(
                f"ok: {safe_echo(path, 200)} ({safe_echo(sc.name)}, {sc.start} .. {sc.end}, "
                f"{len(sc.events)} event{'' if len(sc.events) == 1 else 's'})"
            )
    return status


def _cmd_schema(args: argparse.Namespace) -> int:
    _check_out(args.out, folder=False)
    if args.markdown:
        from .scenario.reference import format_reference

        text = format_reference()
    else:
        from .scenario import Scenario

        text = json.dumps(Scenario.model_json_schema(by_alias=True), indent=2) + "\n"
    if args.out is None:
        sys.stdout.write(text)
    else:
        from .io import write_text

        write_text(args.out, text)
        print(f"wrote {safe_echo(str(args.out), 200)}")
    return EXIT_OK


# ---------------------------------------------------------------- compare: a decision brief


def _add_compare_parser(sub: Any) -> None:
    """``simfuel compare A B ...``: its parser (the handler, :func:`_cmd_compare`, follows)."""
    cp = sub.add_parser(
        "compare",
        help="run options on the same seeds and write a decision brief (compare.html)",
        description="Run two or more options (scenarios) with the same seeds, replication "
        "by replication (common random numbers), and write one self-contained HTML page "
        "that opens with the bottom line: each option's probability of a stock-out, its "
        "median date and the tankers lost, with the paired differences against the first "
        "option and their 90 % intervals (paired bootstrap of the mean difference).",
        epilog="Example: simfuel compare mali-2025 early=ground-escort-mid-september "
        "--reps 100 --out out/escort-brief",
    )
    cp.add_argument(
        "options",
        nargs="+",
        metavar="OPTION",
        help="a scenario file or shipped name, or LABEL=FILE; the first is the reference; "
        "labels default to file stems",
    )
    _add_reps(cp, 200, "replications per option")
    _add_seed(cp, "root seed, shared by every option")
    cp.add_argument(
        "-o",
        "--out",
        type=Path,
        default=Path("out/compare"),
        metavar="DIR",
        help="folder for compare.html",
    )
    cp.add_argument(
        "--incidents",
        metavar="FILE",
        help="incident table (CSV) or a shipped name (mali-2025): adds the reported losses",
    )
    cp.add_argument(
        "-w", "--workers", type=_int_at_least(1), metavar="K", help="local processes (default: all)"
    )
    cp.add_argument(
        "--force", action="store_true", help="overwrite the folder's compare.html if it exists"
    )
    cp.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    cp.add_argument(
        "--destination",
        metavar="PLACE",
        help="the place with stock the brief is about, in every option (default: the main "
        "destination, the depot); a place key of the depot or of a destination",
    )


def _cmd_compare(args: argparse.Namespace) -> int:
    _preflight(args)
    _refuse_overwrite(args, "compare.html")
    table = None
    if args.incidents is not None:
        from .observations import incidents as load_incidents

        try:
            table = load_incidents(args.incidents)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise UsageError(f"--incidents {safe_echo(args.incidents)}: {reason}") from None
    from .reporting.compare import compare, parse_options
    from .scenario.provenance import provenance_of

    # Loaded here too (a few milliseconds) for the headers: compare() loads every option
    # (labels, files) itself before the first replication runs.
    scenarios, _ = parse_options(args.options)
    places = {label: _destination(args, sc) for label, sc in scenarios.items()}  # exit 2
    path = compare(
        args.options,
        reps=args.reps,
        seed=args.seed,
        out=args.out,
        incidents=table,
        workers=args.workers,
        progress=not args.quiet,
        destination=args.destination,
    )
    for label, sc in scenarios.items():
        provenance = provenance_of(sc, seed=args.seed)
        what = f"{sc.start} .. {sc.end}, {_count(args.reps, 'replication')}"
        header = _header(provenance, what + _at(sc, places[label]))
        # An option labelled otherwise than its scenario says which option it is.
        print(header if label == provenance.scenario else f"{safe_echo(label, 100)} = {header}")
    print(f"wrote {safe_echo(str(path), 200)}")
    return EXIT_OK


def format_ensemble_summary(
    table: Any, n: int | None = None, vocab: Any = None, place: str | None = None
) -> str:
    """Render :meth:`EnsembleResult.summary_table` as text: median [5%, 95%] per metric.

    With ``n`` (the replications), the text opens with the share of replications that
    ran dry and its 95 % Wilson interval, printed even when every replication did.
    ``vocab``: the scenario's :class:`~simfuel.labels.Vocabulary` (default: fuel's words);
    ``place``: the name of the destination shown, when it is not the main one.
    """
    vocab = FUEL if vocab is None else vocab
    labs = [_label(str(key), vocab, place) for key in table.index]
    width = max(len(lab.label) for lab in labs)
    lines = []
    for lab, (_, row) in zip(labs, table.iterrows(), strict=True):
        cells = [lab.format(row[c]) for c in ("median", "low", "high")]
        missing = cells[0] in _NO_VALUE
        text = cells[0] if missing else f"{cells[0]} [{cells[1]}, {cells[2]}]"
        unit = _unit(lab, cells[0] if missing or cells[0] == cells[2] else "", vocab)
        never = row.get("share_never")
        if isinstance(never, float) and not math.isnan(never) and never > 0:
            text += f"  (never in {never:.0%})"
        lines.append(f"  {lab.label:<{width}}  {text} {unit}".rstrip())
    rule = f"median [5%, 95%] across replications; dates: {MEDIAN_DATE_RULE}"
    head = textwrap.wrap(rule, 90, initial_indent="  ", subsequent_indent="  ")
    if n is not None and "first_stockout" in table.index:
        head.insert(0, "  stock-out in " + _proportion(table.loc["first_stockout"], n))
    return "\n".join([*head, *lines])


def _proportion(row: Any, n: int) -> str:
    """``96 % of replications (48 of 50; 95 % CI 87–99 %)`` of a date metric's row."""
    from .model.binomial import wilson_interval

    count = n - round(float(row["share_never"]) * n)
    low, high = wilson_interval(count, n)
    return format_proportion(count, n, float(low), float(high))


# Values shown without a unit: "mean escort wait  n/a", not "n/a h".
_NO_VALUE = ("n/a", "never", "none", "")


def _unit(lab: Any, text: str, vocab: Any = FUEL) -> str:
    """The unit to print after ``text``: none for a date or a missing value, singular for 1.

    ``text`` is the value as shown (empty for a range, whose unit stays plural); ``vocab``
    gives the vehicle word's singular (``1 bus``, not ``1 buse``).
    """
    if lab.is_date or (text in _NO_VALUE and text):
        return ""
    unit = str(lab.unit)
    if text == "1" and unit == vocab.vehicles:
        return str(vocab.vehicle)
    # Counted units are plural words ("tankers", "attacks", "days"); "1 tankers" is not.
    if text == "1" and unit.endswith("s") and unit.isalpha():
        return unit[:-1]
    return unit


def format_summary(summary: dict[str, Any], vocab: Any = None, place: str | None = None) -> str:
    """Render a run summary as an aligned two-column text table.

    ``vocab``: the scenario's :class:`~simfuel.labels.Vocabulary`, whose words and units
    the labels use (default: fuel's, litres shown in ML); ``place``: the name of the
    destination shown, when it is not the main one.
    """
    vocab = FUEL if vocab is None else vocab
    rows = []
    for key, value in summary.items():
        lab = _label(key, vocab, place)
        text = lab.format(value)
        rows.append((lab.label, text, _unit(lab, text, vocab)))
    width = max(len(r[0]) for r in rows)
    vwidth = max(len(r[1]) for r in rows)
    lines = [f"  {lab:<{width}}  {txt:>{vwidth}} {unit}".rstrip() for lab, txt, unit in rows]
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
