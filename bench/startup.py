"""Benchmark: start-up of `events --help`, `events query`, a cold one-article ingest.

Each command runs N times as a fresh process, interleaved with the two yardsticks
`python -c pass` (the interpreter alone) and `python -c "import click"` (the
smallest possible click program), so the ratios hold on a shared, noisy machine.
The query runs against a database initialised once beforehand (untimed); each
ingest gets its own copy of that database and stores seeds/samples/kharkiv-shelling.txt.

Besides wall time, each run's CPU time (user + system of the child process) is
measured: on a machine shared with other work it moves much less than wall time.

    python bench/startup.py [--runs 7] [--baseline OTHER/bin/events] [--no-ingest]

``--baseline`` times a second build's ``events`` (e.g. a venv of an older commit)
in the same loop, each of its commands right after this build's, so the two are
compared in the same minutes.

Prints medians and ratios; asserts nothing (benchmarks are not tests).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EVENTS = str(Path(sys.executable).with_name("events"))
ARTICLE = REPO / "seeds" / "samples" / "kharkiv-shelling.txt"


def timed(command: list[str]) -> tuple[float, float]:
    """Run ``command`` once; return its wall and CPU seconds (it must succeed)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _commands(label: str, events: str, python: str, base: Path, ingest: bool) -> dict:
    commands: dict[str, list[str] | None] = {
        f"events --help{label}": [events, "--help"],
        f'events query "select 1"{label}': [events, "--db", str(base), "query", "select 1"],
        f'events query "select 1" --csv{label}': [
            events, "--db", str(base), "query", "select 1", "--csv",
        ],
    }  # fmt: skip
    if ingest:
        commands[f"events ingest (one article, cold){label}"] = None  # a fresh copy per run
    return {name: (events, command) for name, command in commands.items()}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--baseline", metavar="EVENTS", help="another build's events executable to time alike"
    )
    parser.add_argument("--no-ingest", action="store_true", help="skip the one-article ingest")
    args = parser.parse_args()

    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        builds = [("", EVENTS)] + ([(" [baseline]", args.baseline)] if args.baseline else [])
        commands: dict[str, tuple[str, list[str] | None]] = {
            "python -c pass": (python, [python, "-c", "pass"]),
            'python -c "import click"': (python, [python, "-c", "import click"]),
        }
        bases: dict[str, Path] = {}
        for n, (_, events) in enumerate(builds):
            bases[events] = Path(tmp) / f"base{n}.db"
            subprocess.run(
                [events, "--db", str(bases[events]), "init"], check=True, capture_output=True
            )
        # This build's command, then the baseline's same command: alternated.
        per_build = [
            _commands(label, events, python, bases[events], not args.no_ingest)
            for label, events in builds
        ]
        for rows in zip(*(list(c.items()) for c in per_build), strict=True):
            commands.update(rows)
        wall: dict[str, list[float]] = {name: [] for name in commands}
        cpu: dict[str, list[float]] = {name: [] for name in commands}
        for run in range(args.runs):
            for name, (events, command) in commands.items():
                if command is None:
                    copy = Path(tmp) / f"run{run}.db"
                    shutil.copy(bases[events], copy)
                    command = [events, "--db", str(copy), "ingest", "-q", str(ARTICLE)]
                w, c = timed(command)
                wall[name].append(w)
                cpu[name].append(c)

    med_wall = {name: statistics.median(values) for name, values in wall.items()}
    med_cpu = {name: statistics.median(values) for name, values in cpu.items()}
    bare, click_ = med_wall["python -c pass"], med_wall['python -c "import click"']
    bare_cpu, click_cpu = med_cpu["python -c pass"], med_cpu['python -c "import click"']
    print(f"median of {args.runs} runs each, interleaved; CPU = user + system of the process")
    print(
        f"{'command':<48} {'wall':>8} {'vs pass':>8} {'vs click':>9}"
        f" {'CPU':>8} {'vs pass':>8} {'vs click':>9}"
    )
    for name in commands:
        w, c = med_wall[name], med_cpu[name]
        print(
            f"{name:<48} {w * 1000:5.0f} ms {w / bare:7.1f}x {w / click_:8.1f}x"
            f" {c * 1000:5.0f} ms {c / bare_cpu:7.1f}x {c / click_cpu:8.1f}x"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
