"""Write a built place index to its SQLite file (tables, name keys with their priors, metadata).

Part of the place index: :mod:`events.geoindex_build` collects the places,
:class:`events.geoindex.GeoIndex` reads the file.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import sqlite3
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from events.geoindex_cache import (
    DATA_PACKAGES,
    FORMAT_VERSION,
    SEED_FILES,
    _package_version,
    fingerprint,
)
from events.seeds import seed_path

if TYPE_CHECKING:  # the builder imports this module to write what it built
    from events.geoindex_build import _Builder, _Place

log = logging.getLogger(__name__)


#: Prominent GeoNames places found by an ALTERNATE name rank as prominent
#: only from this size: small towns carry foreign spellings that are other
#: places' names ("Borno" for Borna, Germany, 18,000 people, before Borno
#: State). Kyiv by "Kiev", Ar Raqqah by "Raqqa" stay first.
PROMINENT_ALIAS_POPULATION = 100_000

#: Rank of a place among those sharing a name, lowest first (``place.prior``;
#: ``name.prior`` is the same but for PROMINENT_ALIAS_POPULATION): researchers'
#: seeds, countries, curated regions, then GeoNames and ISO 3166-2 by kind.
_PRIOR = {
    "places.tsv": 0,
    "countries.tsv": 1,
    "regions.tsv": 2,
    "prominent": 3,
    "admin1": 4,
    "admin2": 5,
    "point": 6,
}


@dataclass
class BuildStats:
    """What one build wrote and how long it took."""

    path: Path
    seconds: float = 0.0
    size_bytes: int = 0
    places: dict[str, int] = field(default_factory=dict)
    sources: dict[str, int] = field(default_factory=dict)
    names: int = 0
    keys: int = 0


def _write(
    path: Path,
    b: _Builder,
    rules: Sequence[tuple[str, str]],
    wanted: set[str] | None,
    started: float,
) -> BuildStats:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        conn = sqlite3.connect(tmp)
        with contextlib.closing(conn):
            conn.executescript(
                """
                PRAGMA journal_mode = OFF;
                PRAGMA synchronous = OFF;
                CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE place (
                    id INTEGER PRIMARY KEY,
                    key TEXT NOT NULL UNIQUE,
                    geonameid INTEGER,
                    name TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    precision TEXT NOT NULL,
                    country TEXT,
                    admin1 TEXT,
                    admin2 TEXT,
                    parent_id INTEGER REFERENCES place (id),
                    latitude REAL,
                    longitude REAL,
                    population INTEGER NOT NULL,
                    source TEXT NOT NULL,
                    prior INTEGER NOT NULL
                );
                -- WITHOUT ROWID: the (key, place_id) B-tree is the table, so a
                -- lookup is one index descent and the file holds no second copy.
                CREATE TABLE name (
                    key TEXT NOT NULL,
                    place_id INTEGER NOT NULL REFERENCES place (id),
                    display TEXT NOT NULL,
                    is_primary INTEGER NOT NULL,
                    prior INTEGER NOT NULL,
                    PRIMARY KEY (key, place_id)
                ) WITHOUT ROWID;
                """
            )
            conn.executemany(
                "INSERT INTO place VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    (
                        p.id,
                        p.key,
                        p.geonameid,
                        p.name,
                        p.kind,
                        p.precision,
                        p.country,
                        p.admin1,
                        p.admin2,
                        p.parent.id if p.parent else None,
                        p.latitude,
                        p.longitude,
                        p.population,
                        p.source,
                        p.prior,
                    )
                    for p in b.places
                ),
            )
            by_id = {p.id: p for p in b.places}
            conn.executemany(
                "INSERT INTO name VALUES (?, ?, ?, ?, ?)",
                (
                    (k, pid, d, int(primary), _name_prior(by_id[pid], primary))
                    for (k, pid), (d, primary) in sorted(b.names.items())
                ),
            )
            conn.execute("CREATE INDEX place_parent ON place (parent_id)")
            keys = {k for k, _ in b.names}
            meta = {
                "format_version": str(FORMAT_VERSION),
                "fingerprint": fingerprint(),
                "countries": ",".join(sorted(wanted)) if wanted is not None else "all",
                "transliteration": json.dumps(list(rules)),
                "max_key_words": str(max((k.count(" ") + 1 for k in keys), default=1)),
                "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                **{f"seed:{name}": _sha256(seed_path(name)) for name in SEED_FILES},
                **{f"package:{name}": _package_version(name) for name in DATA_PACKAGES},
            }
            conn.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
            conn.commit()
            conn.execute("ANALYZE")
            conn.commit()
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    stats = BuildStats(
        path=path,
        seconds=time.perf_counter() - started,
        size_bytes=path.stat().st_size,
        places=dict(Counter(p.kind for p in b.places)),
        sources=dict(Counter(p.source for p in b.places)),
        names=len(b.names),
        keys=len(keys),
    )
    log.info(
        "place index: %d places, %d names in %.1f s (%s)",
        len(b.places),
        stats.names,
        stats.seconds,
        path,
    )
    return stats


def _name_prior(place: _Place, primary: bool) -> int:
    """Return the rank of a place found by one of its names (see PROMINENT_ALIAS_POPULATION)."""
    prior = place.prior
    alias_of_town = not primary and place.population < PROMINENT_ALIAS_POPULATION
    return _PRIOR["point"] if prior == _PRIOR["prominent"] and alias_of_town else prior


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
