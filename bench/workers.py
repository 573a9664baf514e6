"""Benchmark: ``events ingest --workers 2`` against ``--workers 1`` on the same corpus.

The corpus is bench/ingest.py's: the WikiWars narratives (../shared/data/wikiwars)
cut into ~600-word articles plus the seed article, written into a temporary
directory as .txt files. Each run ingests all of them into a fresh SQLite
database (``events init`` first, untimed), through the real command line, and
the wall time of the ``ingest`` command alone is compared.

    python bench/workers.py [--words 600] [--limit N] [--workers 2] [--data ../shared/data]

Prints figures; asserts nothing. The speed-up cannot exceed the number of CPUs
(printed), nor what SQLite's single writer leaves to parallelise.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import corpus  # noqa: E402  (bench/ingest.py, run as a script too)

EVENTS = str(Path(sys.executable).with_name("events"))


def has_workers_option() -> bool:
    """Return whether this ``events ingest`` accepts ``--workers``."""
    probe = subprocess.run([EVENTS, "ingest", "--help"], capture_output=True, text=True)
    return "--workers" in probe.stdout


def write_corpus(texts: list[str], folder: Path) -> None:
    """Write each text as its own .txt file."""
    folder.mkdir()
    for i, text in enumerate(texts):
        (folder / f"piece-{i:04d}.txt").write_text(text, encoding="utf-8")


def timed_ingest(folder: Path, db: Path, workers: int) -> tuple[float, str]:
    """Ingest ``folder`` into a new database with ``workers``; return (seconds, summary)."""
    subprocess.run([EVENTS, "--db", str(db), "init"], check=True, capture_output=True)
    argv = [EVENTS, "--db", str(db), "ingest", str(folder), "--published", "2009-12-19", "--quiet"]
    if workers:  # 0: a program without --workers, timed as the sequential baseline
        argv += ["--workers", str(workers)]
    t0 = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if proc.returncode not in (0, 1):  # 1 = some article failed, reported below
        raise SystemExit(f"ingest --workers {workers} failed:\n{proc.stderr}")
    summary = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else ""
    return seconds, summary


def count_claims(db: Path) -> str:
    """Return 'articles/claims/events' stored in ``db``, to check both runs agree."""
    sql = ("select (select count(*) from articles), (select count(*) from claims), "
           "(select count(*) from events)")  # fmt: skip
    out = subprocess.run([EVENTS, "--db", str(db), "query", sql, "--csv", "--no-headers"],
                         check=True, capture_output=True, text=True)  # fmt: skip
    return out.stdout.strip().replace(",", "/")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    shared = Path(__file__).resolve().parents[2] / "shared" / "data"
    parser.add_argument("--data", type=Path, default=shared)
    parser.add_argument("--words", type=int, default=600)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--workers", type=int, default=2, help="the parallel run's workers")
    args = parser.parse_args()
    if not (args.data / "wikiwars").is_dir():
        print(f"{args.data}/wikiwars not found: pass --data", file=sys.stderr)
        return 2
    parallel = has_workers_option()
    if not parallel:
        print("`events ingest` has no --workers option yet: timing the sequential baseline only",
              file=sys.stderr)  # fmt: skip

    texts = corpus(args.data, args.words)[: args.limit]
    chars = sum(len(t) for t in texts)
    print(f"corpus: {len(texts)} articles, {chars:,} characters; {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        write_corpus(texts, folder)
        results = {}
        for workers in (1, args.workers) if parallel else (0,):
            db = Path(tmp) / f"workers{workers}.db"
            seconds, summary = timed_ingest(folder, db, workers)
            results[workers] = seconds
            rate = len(texts) / seconds
            print(f"--workers {workers or '(none)'}: {seconds:7.2f} s  {rate:6.1f} articles/s"
                  f"  stored articles/claims/events {count_claims(db)}  [{summary}]")  # fmt: skip
    if not parallel:
        return 2
    print(f"speed-up (--workers {args.workers} over --workers 1): "
          f"{results[1] / results[args.workers]:.2f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
