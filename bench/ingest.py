"""Benchmark: whole-pipeline ingest rate against dateparser's search_dates alone.

Corpus: the WikiWars narratives (../shared/data/wikiwars) cut into ~600-word
articles, plus the seed article. Both measurements run in this process, on the
same texts, so the ratio is meaningful on a shared, noisy machine.

    python bench/ingest.py [--words 600] [--limit N] [--data ../shared/data] [--profile FILE]

The pipeline side is `events ingest`'s own path (`events.ingest.ingest`: batches of
articles, one transaction each). Both sides are timed in wall and in CPU time of
this process (the CPU ratio is the steadier one on a shared machine). Prints
figures; asserts nothing (benchmarks are not tests).
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

TAG = re.compile(r"<[^>]+>")


def corpus(data: Path, words: int) -> list[str]:
    """Return WikiWars narratives cut into pieces of about ``words`` words, plus the seed."""
    texts = []
    for path in sorted((data / "wikiwars" / "keyinline_timex2").glob("*.key.xml")):
        raw = path.read_text(encoding="utf-8", errors="replace")
        body = raw.split("<TEXT>", 1)[-1].split("</TEXT>", 1)[0]
        plain = TAG.sub("", body)
        paragraphs = [p.strip() for p in plain.split("\n") if p.strip()]
        piece: list[str] = []
        count = 0
        for para in paragraphs:
            piece.append(para)
            count += len(para.split())
            if count >= words:
                texts.append("\n\n".join(piece))
                piece, count = [], 0
        if piece:
            texts.append("\n\n".join(piece))
    seed = data / "seed" / "southfront-2020-10-turkey-karabakh.txt"
    if seed.exists():
        texts.append(seed.read_text(encoding="utf-8"))
    return texts


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data"
    )
    parser.add_argument("--words", type=int, default=600)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--profile", type=Path, help="Write a cProfile of the pipeline side here.")
    args = parser.parse_args()
    if not (args.data / "wikiwars").is_dir():
        print(f"{args.data}/wikiwars not found: pass --data", file=sys.stderr)
        return 2

    import datetime as dt

    from dateparser.search import search_dates

    from events import admin
    from events.db import open_database
    from events.ingest import ingest, ingest_one, warm_up
    from events.pipeline.load import Overrides, load_bytes
    from events.pipeline.runner import default_pipeline

    texts = corpus(args.data, args.words)[: args.limit]
    chars = sum(len(t) for t in texts)
    print(f"corpus: {len(texts)} articles, {chars:,} characters", file=sys.stderr)

    # Warm both sides up (dictionary and automaton builds, dateparser's own
    # lazy loading) so that steady-state rates are compared.
    default_pipeline()
    search_dates("He arrived on 3 March 1915 in Paris.", languages=["en"])

    with tempfile.TemporaryDirectory() as tmp:
        db_path = str(Path(tmp) / "bench.db")
        t0 = time.perf_counter()
        admin.init(db_path)
        init_s = time.perf_counter() - t0
        database = open_database(db_path)
        warm = load_bytes(
            b"Russian troops attacked rebels in Aleppo on 3 May 2001, officials said.",
            origin="warm",
            overrides=Overrides(),
        )
        ingest_one(database, warm)
        warm_up()  # dateparser's own tables too (the common date forms skip it)
        profiler = None
        if args.profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        t0, c0 = time.perf_counter(), time.process_time()
        docs = [
            load_bytes(text.encode("utf-8"), origin=f"bench-{i}",
                       overrides=Overrides(published=dt.date(2009, 12, 19)))
            for i, text in enumerate(texts)
        ]  # fmt: skip
        summary = ingest(database, docs)
        pipeline_cpu = time.process_time() - c0
        pipeline_s = time.perf_counter() - t0
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(str(args.profile))
        database.dispose()
        sentences = sum(len(doc.sentences) for doc in docs)
        for failure in summary.failures:
            print(f"failed: {failure.origin}: {failure.message}", file=sys.stderr)

    t0, c0 = time.perf_counter(), time.process_time()
    found = 0
    for text in texts:
        found += len(search_dates(text, languages=["en"]) or [])
    naive_s, naive_cpu = time.perf_counter() - t0, time.process_time() - c0

    print(f"init (schema + seeds):        {init_s:8.2f} s")
    print(
        f"pipeline + store (SQLite):    {pipeline_s:8.2f} s  "
        f"{len(texts) / pipeline_s:8.1f} articles/s  {sentences / pipeline_s:8.1f} sentences/s"
    )
    print(f"search_dates alone:           {naive_s:8.2f} s  "
          f"{len(texts) / naive_s:8.1f} articles/s  {sentences / naive_s:8.1f} sentences/s  "
          f"({found} dates)")  # fmt: skip
    print(f"ratio (pipeline rate / search_dates rate): {naive_s / pipeline_s:.2f} wall, "
          f"{naive_cpu / pipeline_cpu:.2f} CPU ({sentences / pipeline_cpu:.0f} against "
          f"{sentences / naive_cpu:.0f} sentences per CPU second)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
