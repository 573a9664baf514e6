"""Benchmark: the cost per article of recognising syndicated copies, as the database grows.

Fills a fresh database (SQLite by default, or an empty PostgreSQL database) with
synthetic stories -- invented words drawn with Zipf weights, paragraphs of 40-90
words, about 400 words a story -- indexed as the store indexes them (articles.minhash
and article_bands). At each size it times, for probe articles, the two steps of
``events.linking.copies.mark_copy`` that ingest pays for: the signature (shingles +
MinHash) and the look-up (candidate query on the band index + comparison of the
candidates' signatures). Half the probes are republications of stored stories (last
paragraph cut, a boilerplate line added, three words changed), half new stories:
the figures also say how many copies were found and how many new stories were
wrongly called copies.

    python bench/copies.py                       # 1,000 then 50,000 stored articles
    python bench/copies.py --sizes 1000,10000,50000 --probes 400
    python bench/copies.py --db postgresql://postgres@127.0.0.1/bench_copies

Prints figures; asserts nothing (benchmarks are not tests).
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import random
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

BOILERPLATE = "Follow the Morning Ledger on social media for breaking news and analysis."
SYLLABLES = ("ka", "ro", "mi", "tan", "el", "su", "bor", "di", "na", "qu", "lev", "om", "za",
             "pri", "ut", "gor", "ve", "sha", "li", "dun")  # fmt: skip


def vocabulary(size: int, rng: random.Random) -> list[str]:
    words: set[str] = {"the", "of", "and", "in", "to", "a", "said", "on", "was", "were"}
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4))))
    return sorted(words)


def story(rng: random.Random, words: list[str], cum_weights: list[float]) -> str:
    paragraphs = []
    for _ in range(rng.randint(5, 7)):
        chosen = rng.choices(words, cum_weights=cum_weights, k=rng.randint(40, 90))
        paragraphs.append(" ".join(chosen) + ".")
    return "\n\n".join(paragraphs)


def republish(text: str, rng: random.Random, words: list[str]) -> str:
    """Cut the last paragraph, add a boilerplate line, change three words."""
    paragraphs = text.split("\n\n")[:-1] + [BOILERPLATE]
    tokens = "\n\n".join(paragraphs).split(" ")
    for _ in range(3):
        tokens[rng.randrange(len(tokens))] = rng.choice(words)
    return " ".join(tokens)


def _index(text: str) -> tuple[str, list[int]]:
    from events.linking import copies

    sig = copies.signature(copies.shingles(text))
    return copies.to_hex(sig), copies.buckets(sig)


def fill(database, texts: list[str], first_id: int, pool: ProcessPoolExecutor) -> None:  # type: ignore[no-untyped-def]
    """Insert ``texts`` as articles with their signatures and bands, in batches."""
    from sqlalchemy import insert

    from events.models import Article, ArticleBand

    batch = 2_000
    for start in range(0, len(texts), batch):
        chunk = texts[start : start + batch]
        indexed = list(pool.map(_index, chunk, chunksize=50))
        articles, bands = [], []
        for offset, (text, (minhash, buckets)) in enumerate(zip(chunk, indexed, strict=True)):
            article_id = first_id + start + offset
            articles.append({
                "id": article_id, "body": text, "minhash": minhash,
                "content_hash": hashlib.sha256(text.encode()).hexdigest(),
                "extractor_version": "bench", "published_precision": "unknown",
            })  # fmt: skip
            bands += [{"band": b, "bucket": k, "article_id": article_id}
                      for b, k in enumerate(buckets)]  # fmt: skip
        with database.session() as session, session.begin():
            session.execute(insert(Article), articles)
            session.execute(insert(ArticleBand), bands)
    _analyze(database)


def _analyze(database) -> None:  # type: ignore[no-untyped-def]
    """Update the planner's statistics (and PostgreSQL's visibility map) as autovacuum would."""
    from sqlalchemy import text

    engine = database.engine
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("VACUUM ANALYZE article_bands, articles"))
        else:
            conn.execute(text("ANALYZE"))


def probe(database, texts: list[str], copied: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Time signature and look-up for ``texts`` (the first ``copied`` are copies)."""
    from events.linking import copies

    sig_ms, look_ms = [], []
    found = wrong = 0
    with database.session() as session:
        for i, text in enumerate(texts):
            t0 = time.perf_counter()
            sig = copies.signature(copies.shingles(text))
            t1 = time.perf_counter()
            match = copies.find_original(session, sig)
            t2 = time.perf_counter()
            sig_ms.append((t1 - t0) * 1000)
            look_ms.append((t2 - t1) * 1000)
            if match is not None:
                found += i < copied
                wrong += i >= copied
    return {
        "signature": statistics.median(sig_ms),
        "lookup": statistics.median(look_ms),
        "lookup_p95": sorted(look_ms)[int(len(look_ms) * 0.95)],
        "found": found,
        "wrong": wrong,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", help="an empty database (default: a temporary SQLite file)")
    parser.add_argument("--sizes", default="1000,50000", help="stored articles, ascending")
    parser.add_argument("--probes", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))

    from events import admin
    from events.db import open_database

    rng = random.Random(args.seed)
    words = vocabulary(20_000, rng)
    weights = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(words))))
    with tempfile.TemporaryDirectory() as tmp, ProcessPoolExecutor() as pool:
        target = args.db or str(Path(tmp) / "copies.db")
        admin.init(target)
        database = open_database(target)
        stored: list[str] = []
        print(f"{'stored':>8} {'fill s':>7} {'signature ms':>13} {'lookup ms':>10} "
              f"{'lookup p95':>10} {'copies found':>13} {'false copies':>13}")  # fmt: skip
        try:
            for size in sizes:
                t0 = time.perf_counter()
                new = [story(rng, words, weights) for _ in range(size - len(stored))]
                fill(database, new, len(stored) + 1, pool)
                stored += new
                fill_s = time.perf_counter() - t0
                half = args.probes // 2
                texts = [republish(rng.choice(stored), rng, words) for _ in range(half)]
                texts += [story(rng, words, weights) for _ in range(args.probes - half)]
                probe(database, texts[:10], 0)  # warm up (caches, connections)
                r = probe(database, texts, half)
                print(f"{size:>8,} {fill_s:>7.1f} {r['signature']:>13.2f} {r['lookup']:>10.2f} "
                      f"{r['lookup_p95']:>10.2f} {r['found']:>6}/{half:<6} "
                      f"{r['wrong']:>6}/{args.probes - half:<6}")  # fmt: skip
        finally:
            database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
