"""Sampled mutation testing of the engine: `make mutation SAMPLE=N`.

The engine (simfuel/model, simfuel/sim; `[tool.mutmut]` in pyproject.toml) has thousands of
mutants, and a full `mutmut run` takes many hours on a shared machine. This script measures
the kill rate on a fixed-seed random sample instead:

1. generate every mutant, as `mutmut run` does (into mutants/), and list their names;
2. draw N of them, stratified by file (each file gets its share of N, largest remainders
   first; the sample is self-weighting, so its kill rate estimates the whole set's);
3. run only those (`mutmut run --max-children J NAME...`);
4. print killed / timeout / survived / no-tests counts, the kill rate
   (killed + timeout) / (all checked) with its 95 % Wilson interval, and the names of the
   mutants that were not killed (look at one with `mutmut show NAME`).

`--report` prints step 4 from the results already in mutants/ without running anything
(e.g. after re-running survivors with `mutmut run NAME...`). The sample depends only on the
seed, N and the set of mutant names, so the same command draws the same mutants until the
engine's source changes; `--resume` runs only the sampled mutants that have no result yet.

Uses mutmut's (3.8) own functions to generate the mutants, so that the names are exactly
those `mutmut run` tests. Run from the repository root, with PYTHONPATH unset.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import os
import random
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

# Exit codes as mutmut 3.8 records them (mutmut.stats.status_by_exit_code).
STATUS_BY_EXIT_CODE: dict[int | None, str] = {
    1: "killed",
    3: "killed",
    0: "survived",
    5: "no tests",
    33: "no tests",
    2: "interrupted",
    None: "not checked",
    34: "skipped",
    35: "suspicious",
    36: "timeout",
    37: "caught by type check",
    -24: "timeout",
    24: "timeout",
    152: "timeout",
    255: "timeout",
    -11: "segfault",
    -9: "segfault",
}
KILLED = ("killed", "timeout", "caught by type check")
NOT_KILLED = ("survived", "no tests")
Z_95 = 1.959963984540054
# Stops a mutant that hangs in the test that hangs (see that module).
HANG_GUARD = "-p tests.mutmut_hang_guard"


def wilson_interval(successes: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval for a binomial proportion.

    Parameters
    ----------
    successes : int
        Number of successes (killed mutants).
    n : int
        Number of trials (checked mutants).
    z : float
        Normal quantile (1.96 for 95 %).

    Returns
    -------
    tuple of float
        (low, high), both in [0, 1]; (0, 1) when n is 0.
    """
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def stratified_sample(names_by_file: dict[str, list[str]], size: int, seed: int) -> list[str]:
    """Draw `size` names, each file's share proportional to its number of mutants.

    Parameters
    ----------
    names_by_file : dict of str to list of str
        Mutant names of each source file.
    size : int
        Sample size (capped at the number of mutants).
    seed : int
        Seed of the draw.

    Returns
    -------
    list of str
        The sampled names, sorted.
    """
    files = sorted(names_by_file)
    total = sum(len(names_by_file[f]) for f in files)
    size = min(size, total)
    quotas = {f: size * len(names_by_file[f]) / total for f in files}
    counts = {f: math.floor(quotas[f]) for f in files}
    by_remainder = sorted(files, key=lambda f: (-(quotas[f] - counts[f]), f))
    for f in by_remainder[: size - sum(counts.values())]:
        counts[f] += 1
    rng = random.Random(seed)
    sample: list[str] = []
    for f in files:
        sample += rng.sample(sorted(names_by_file[f]), counts[f])
    return sorted(sample)


def generate_mutants() -> None:
    """Write every mutant into mutants/ as `mutmut run` does before it tests any."""
    import mutmut.__main__ as mutmut_main  # sets multiprocessing's start method

    Path("mutants").mkdir(exist_ok=True)
    with contextlib.redirect_stdout(io.StringIO()):  # mutmut prints every file's name
        mutmut_main.copy_src_dir()
        mutmut_main.copy_also_copy_files()
        mutmut_main.setup_source_paths()
        mutmut_main.store_lines_covered_by_tests()
        mutmut_main.create_mutants(1)


def read_results() -> dict[str, dict[str, int | None]]:
    """Exit code of every mutant, by source file, from mutants/**/*.py.meta."""
    from mutmut.utils.file_utils import walk_mutatable_files

    results: dict[str, dict[str, int | None]] = {}
    for path in sorted(walk_mutatable_files()):
        meta = Path("mutants") / (str(path) + ".meta")
        if meta.exists():
            results[str(path)] = json.loads(meta.read_text())["exit_code_by_key"]
    return results


def report(sample: list[str], results: dict[str, dict[str, int | None]]) -> int:
    """Print the sample's counts, kill rate and interval; return the number not killed."""
    exit_codes = {name: code for codes in results.values() for name, code in codes.items()}
    file_of = {name: path for path, codes in results.items() for name in codes}
    status = {name: STATUS_BY_EXIT_CODE.get(exit_codes[name], "suspicious") for name in sample}
    counts = Counter(status.values())
    checked = [n for n in sample if status[n] not in ("not checked", "skipped", "interrupted")]
    killed = sum(status[n] in KILLED for n in checked)
    print(
        f"sample: {len(sample)} mutants; "
        + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()))
    )
    by_file: dict[str, Counter[str]] = defaultdict(Counter)
    for name in sample:
        by_file[file_of[name]][status[name]] += 1
    for path in sorted(by_file):
        print(f"  {path}: " + ", ".join(f"{k} {v}" for k, v in sorted(by_file[path].items())))
    if checked:
        low, high = wilson_interval(killed, len(checked))
        print(
            f"kill rate (killed + timeout) / checked: {killed}/{len(checked)} = "
            f"{killed / len(checked):.1%} (95 % Wilson interval {low:.1%} to {high:.1%})"
        )
    not_killed = [n for n in checked if status[n] not in KILLED]
    for name in not_killed:
        print(f"  {status[name]}: {name}")
    unchecked = len(sample) - len(checked)
    if unchecked:
        print(f"{unchecked} sampled mutants not checked (run interrupted?)")
    return len(not_killed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, default=300, help="number of mutants (300)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the draw (0)")
    parser.add_argument("--max-children", type=int, default=1, help="mutmut workers (1)")
    parser.add_argument("--list", action="store_true", help="print the sample, run nothing")
    parser.add_argument(
        "--report", action="store_true", help="report results in mutants/, run nothing"
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="run only the sampled mutants without a result in mutants/ (an interrupted run, "
        "with the same tests)",
    )
    args = parser.parse_args(argv)

    generate_mutants()
    results = read_results()
    names_by_file = {path: list(codes) for path, codes in results.items() if codes}
    total = sum(len(v) for v in names_by_file.values())
    sample = stratified_sample(names_by_file, args.sample, args.seed)
    print(
        f"{total} mutants in {len(names_by_file)} files; sample of {len(sample)}, seed {args.seed}"
    )
    Path("mutants", f"sample-{args.sample}-seed-{args.seed}.txt").write_text(
        "\n".join(sample) + "\n"
    )
    if args.list:
        print("\n".join(sample))
        return 0
    to_run = sample
    if args.resume:
        checked = {n for codes in results.values() for n, code in codes.items() if code is not None}
        to_run = [n for n in sample if n not in checked]
        print(f"--resume: {len(sample) - len(to_run)} already checked, {len(to_run)} to run")
    if not args.report and to_run:
        mutmut = shutil.which("mutmut", path=str(Path(sys.executable).parent)) or "mutmut"
        command = [mutmut, "run", "--max-children", str(args.max_children), *to_run]
        env = dict(os.environ)
        env.pop("PYTHONPATH", None)  # the tests must import the mutated copy in mutants/
        env["PYTEST_ADDOPTS"] = (env.get("PYTEST_ADDOPTS", "") + " " + HANG_GUARD).strip()
        done = subprocess.run(command, check=False, env=env)
        if done.returncode != 0:
            print(f"mutmut run exited with {done.returncode}", file=sys.stderr)
            return done.returncode
        results = read_results()
    report(sample, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
