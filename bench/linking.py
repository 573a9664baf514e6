"""Benchmark: the per-article cost of event resolution with 10,000 and 1,000,000 claims stored.

For each size, a SQLite database (or PostgreSQL with ``--pg URL``, one database per
size, created here) is filled with synthetic events and claims written directly
with bulk inserts, then a few real reports (our own template text, extracted
beforehand) are stored one at a time with :func:`events.store.store_document`, each
in a transaction that is rolled back, so every measurement sees the same database.
Printed per size: the median time of the linking step (``link_article``: the
candidate look-up in the block, the comparisons, the event updates and the
summary refresh) and of the whole store; then the ratio of the two sizes.

The synthetic archive grows the way a real one does, by covering more time: at
every size the density is the same (``--per-day`` claims per country and day,
about 2.5 claims per event, 40 countries), so a block (type family, country,
date window) holds as many candidates in the large database as in the small one.
The ratio measures what the indexes cost as the tables grow, which is what must
stay flat; a database that grows by packing more events into each day has
bigger blocks, and any linker must compare more candidates there.

    python bench/linking.py                        # 10,000 and 1,000,000 claims
    python bench/linking.py --sizes 10000 200000
    python bench/linking.py --pg postgresql://postgres@127.0.0.1/postgres

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from events import EXTRACTOR_VERSION, admin
from events import db as dblib
from events import store as store_module
from events.ingest import extract
from events.lexicon import type_families
from events.pipeline.doc import Document
from events.pipeline.load import Overrides, load_bytes

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import open_writer  # noqa: E402  (bench/ is not a package)

LAST_DAY = dt.date(2023, 6, 30)
COUNTRIES = ["MLI", "BFA", "NER", "NGA", "TCD", "SDN", "SSD", "ETH", "SOM", "KEN",
             "COD", "CAF", "CMR", "MOZ", "LBY", "EGY", "YEM", "SYR", "IRQ", "AFG",
             "PAK", "IND", "MMR", "PHL", "UKR", "RUS", "ARM", "AZE", "GEO", "COL",
             "VEN", "MEX", "HTI", "BRA", "PER", "ISR", "PSE", "LBN", "IRN", "TUR"]  # fmt: skip
TOWNS_PER_COUNTRY = 25
CLAIMS_PER_EVENT = 2.5
CLAIMS_PER_ARTICLE = 4
BATCH = 50_000
PROBES = [
    ("Gao", 12, 8), ("Kidal", 14, 5), ("Mopti", 16, 11), ("Menaka", 18, 3), ("Timbuktu", 20, 6),
]  # fmt: skip


def probe_documents() -> list[Document]:
    """Extract the reports stored during the measurement (once, outside the timings)."""
    docs = []
    for town, day, toll in PROBES:
        text = (
            f"Bomb attack in {town}\n\nA roadside bomb struck an army convoy near {town} on "
            f"{day} March 2023, killing {toll} soldiers, the defence ministry said.\n\n"
            f"Residents said the explosion was heard across {town}. The attack was the "
            "deadliest in the area this month."
        )
        doc = load_bytes(text.encode(), origin=f"probe-{town}.txt",
                         overrides=Overrides(published=dt.date(2023, 3, day + 1)))  # fmt: skip
        docs.append(extract(doc))
    return docs


def fill(url: str, claims: int, per_day: float, seed: int = 7) -> None:
    """Create the schema and write ``claims`` synthetic claims with their events and articles."""
    admin.init(url)
    rng = random.Random(seed)
    writer = open_writer(url)
    writer.drop_indexes(["articles", "events", "claims", "locations"])
    days = max(1, math.ceil(claims / (len(COUNTRIES) * per_day)))
    first = LAST_DAY - dt.timedelta(days=days - 1)
    loc_rows, towns = [], {}
    base_loc = writer.max_id("locations") + 1
    for ci, country in enumerate(COUNTRIES):
        lat, lon = rng.uniform(-30, 50), rng.uniform(-80, 100)
        towns[country] = []
        for t in range(TOWNS_PER_COUNTRY):
            loc_id = base_loc + ci * TOWNS_PER_COUNTRY + t
            towns[country].append(loc_id)
            loc_rows.append((loc_id, f"bench:{country}:{t}", f"Town {country} {t}", f"R{t % 5}",
                             country, lat + rng.uniform(-3, 3), lon + rng.uniform(-3, 3),
                             "point"))  # fmt: skip
    writer.insert("locations", ("id", "key", "name", "admin1", "country", "latitude",
                                "longitude", "precision"), loc_rows)  # fmt: skip
    base_actor = writer.max_id("actors") + 1
    actors = list(range(base_actor, base_actor + 200))
    writer.insert("actors", ("id", "key", "name", "kind", "origin"),
                  [(a, f"bench:actor:{a}", f"Actor {a}", "group", "extracted")
                   for a in actors])  # fmt: skip
    families = type_families()
    kinds = [t for t in families if t in ("ASSAULT", "PROTEST", "COERCE", "MOBILIZE")]
    weights = [0.55, 0.2, 0.15, 0.1][: len(kinds)]
    n_events = math.ceil(claims / CLAIMS_PER_EVENT)
    event_id = writer.max_id("events")
    claim_id = writer.max_id("claims")
    article_id = writer.max_id("articles")
    events_out: list[tuple[Any, ...]] = []
    claims_out: list[tuple[Any, ...]] = []
    articles_out: list[tuple[Any, ...]] = []
    written = 0
    in_article = CLAIMS_PER_ARTICLE
    for _ in range(n_events):
        if written >= claims:
            break
        event_id += 1
        country = rng.choice(COUNTRIES)
        day = first + dt.timedelta(days=rng.randrange(days))
        etype = rng.choices(kinds, weights)[0]
        loc = rng.choice(towns[country])
        a1, a2 = rng.choice(actors), rng.choice(actors)
        size = min(claims - written, rng.choice((1, 2, 2, 3, 4)))
        events_out.append((event_id, etype, day, day, "day", a1, a2, loc, "auto", EXTRACTOR_VERSION,
                           families[etype].family, country, size, 1, 1, 1, day, day))  # fmt: skip
        for _c in range(size):
            if in_article == CLAIMS_PER_ARTICLE:
                article_id += 1
                in_article = 0
                articles_out.append((article_id, "synthetic", day + dt.timedelta(days=1), "day",
                                     False, f"bench-{article_id}", f"bench-text-{article_id}",
                                     EXTRACTOR_VERSION))  # fmt: skip
            claim_id += 1
            claims_out.append((claim_id, article_id, event_id, "body", in_article, 0, 9,
                               "synthetic", etype, day, day, "day", a1, a2, loc, "asserted",
                               False, False, 0.8, EXTRACTOR_VERSION, "auto", False))  # fmt: skip
            in_article += 1
            written += 1
        if len(claims_out) >= BATCH:
            _flush(writer, articles_out, events_out, claims_out)
    _flush(writer, articles_out, events_out, claims_out)
    writer.finish()


def _flush(writer: Any, articles: list, events: list, claims: list) -> None:
    writer.insert("articles", ("id", "body", "published", "published_precision",
                               "published_inferred", "content_hash", "text_hash",
                               "extractor_version"), articles)  # fmt: skip
    writer.insert("events", ("id", "event_type", "date_start", "date_end", "date_precision",
                             "actor1_id", "actor2_id", "location_id", "status",
                             "extractor_version", "type_family", "country", "num_claims",
                             "num_articles", "num_sources", "num_reports", "date_first",
                             "date_last"), events)  # fmt: skip
    writer.insert("claims", ("id", "article_id", "event_id", "section", "sentence_index",
                             "char_start", "char_end", "sentence", "event_type", "date_start",
                             "date_end", "date_precision", "actor1_id", "actor2_id",
                             "location_id", "modality", "negated", "is_main", "confidence",
                             "extractor_version", "status", "event_pinned"), claims)  # fmt: skip
    writer.commit()
    articles.clear()
    events.clear()
    claims.clear()


class Probe:
    """Stores the probe reports in one database, timing each store and its linking step."""

    def __init__(self, url: str, docs: list[Document]) -> None:
        self.database = dblib.open_database(url)
        self.docs = docs
        self.linking: list[float] = []
        self.storing: list[float] = []
        self.candidates = 0

    def round(self, keep: bool = True) -> None:
        real_link = store_module.link_article
        real_candidates = real_link.__globals__["block_candidates"]
        linking: list[float] = []

        def timed_link(session: Any, claim_ids: Any) -> Any:
            start = time.perf_counter()
            out = real_link(session, claim_ids)
            linking.append((time.perf_counter() - start) * 1000)
            return out

        def counted(*args: Any) -> Any:
            found = real_candidates(*args)
            self.candidates += len(found) if keep else 0
            return found

        store_module.link_article = timed_link  # type: ignore[assignment]
        real_link.__globals__["block_candidates"] = counted
        storing: list[float] = []
        try:
            for doc in self.docs:
                with self.database.session() as session:
                    session.begin()
                    start = time.perf_counter()
                    store_module.store_document(session, doc)
                    storing.append((time.perf_counter() - start) * 1000)
                    session.rollback()  # every round sees the same database
        finally:
            store_module.link_article = real_link  # type: ignore[assignment]
            real_link.__globals__["block_candidates"] = real_candidates
        if keep:
            self.linking += linking
            self.storing += storing


def _pg_url(base: str, name: str) -> str:
    import psycopg

    admin_url = make_url(base).set(drivername="postgresql")
    with psycopg.connect(admin_url.render_as_string(hide_password=False), autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {name}")
        c.execute(f"CREATE DATABASE {name}")
    return make_url(base).set(database=name).render_as_string(hide_password=False)


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs=2, default=[10_000, 1_000_000],
                        metavar=("SMALL", "LARGE"), help="Claims stored first.")  # fmt: skip
    parser.add_argument("--per-day", type=float, default=2.0,
                        help="Claims per country and day (the same at both sizes).")  # fmt: skip
    parser.add_argument("--repeat", type=int, default=5, help="Rounds over the probe reports.")
    parser.add_argument("--pg", metavar="URL", help="PostgreSQL server (databases created).")
    parser.add_argument("--dir", type=Path, help="Where the SQLite files go (default: temp).")
    args = parser.parse_args(list(argv) if argv is not None else None)
    docs = probe_documents()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="bench-linking-"))
    probes = []
    for size in args.sizes:
        if args.pg:
            url = _pg_url(args.pg, f"bench_linking_{size}")
        else:
            path = folder / f"linking-{size}.db"
            path.unlink(missing_ok=True)
            url = f"sqlite:///{path}"
        start = time.perf_counter()
        fill(url, size, args.per_day)
        print(f"{size:>9,} claims written in {time.perf_counter() - start:.0f} s", flush=True)
        probes.append(Probe(url, docs))
    for probe in probes:
        probe.round(keep=False)  # warm the caches
    for _ in range(args.repeat):  # alternate, so that machine load hits both alike
        for probe in probes:
            probe.round()
    medians = []
    for size, probe in zip(args.sizes, probes, strict=True):
        link_ms = statistics.median(probe.linking)
        medians.append(link_ms)
        per_article = probe.candidates / args.repeat / len(docs)
        print(f"{size:>9,} claims stored: linking {link_ms:.2f} ms per article (median), "
              f"whole store {statistics.median(probe.storing):.2f} ms, "
              f"{per_article:.1f} candidates per article")  # fmt: skip
        probe.database.dispose()
    print(f"ratio {args.sizes[1]:,} / {args.sizes[0]:,}: {medians[1] / medians[0]:.2f} "
          "(target <= 1.5)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
