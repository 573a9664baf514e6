"""Benchmark: start-up of `events --help`, `events query`, a cold one-article ingest.

Each command runs N times as a fresh process, interleaved with the two yardsticks
`python -c pass` (the interpreter alone) and `python -c "import click"` (the
smallest possible click program), so the ratios hold on a shared, noisy machine.
The query runs against a database initialised once beforehand (untimed); each
ingest gets its own copy of that database and stores seeds/samples/kharkiv-shelling.txt.

    python bench/startup.py [--runs 7]

Prints medians and ratios; asserts nothing (benchmarks are not tests).
"""

from __future__ import annotations

import argparse
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


def timed(command: list[str]) -> float:
    """Run ``command`` once; return its wall time in seconds (it must succeed)."""
    t0 = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base.db"
        subprocess.run([EVENTS, "--db", str(base), "init"], check=True, capture_output=True)
        python = sys.executable
        commands: dict[str, list[str] | None] = {
            "python -c pass": [python, "-c", "pass"],
            'python -c "import click"': [python, "-c", "import click"],
            "events --help": [EVENTS, "--help"],
            'events query "select 1"': [EVENTS, "--db", str(base), "query", "select 1"],
            "events ingest (one article, cold)": None,  # a fresh database copy per run
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for run in range(args.runs):
            for name, command in commands.items():
                if command is None:
                    copy = Path(tmp) / f"run{run}.db"
                    shutil.copy(base, copy)
                    command = [EVENTS, "--db", str(copy), "ingest", "-q", str(ARTICLE)]
                times[name].append(timed(command))

    median = {name: statistics.median(values) for name, values in times.items()}
    bare, click_ = median["python -c pass"], median['python -c "import click"']
    print(f"median of {args.runs} runs each, interleaved")
    print(f"{'command':<36} {'median':>9} {'vs pass':>8} {'vs click':>9}")
    for name, value in median.items():
        print(f"{name:<36} {value * 1000:7.0f} ms {value / bare:7.1f}x {value / click_:8.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
