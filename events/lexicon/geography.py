"""Countries, regions, curated places and the words around place names, as typed records."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from events import seeds
from events.errors import SeedError
from events.lexicon._load import seed_loader

#: UCDP's five regions (the UCDP/PRIO codebook's, by Gleditsch-Ward number).
UCDP_REGIONS = frozenset({"Africa", "Americas", "Asia", "Europe", "Middle East"})
#: Precision of a curated place or region: what its coordinates stand for.
PLACE_PRECISIONS = ("point", "admin2", "admin1", "region", "country")
#: What a place word says about the name next to it (seeds/place_words.tsv ``role``).
PLACE_WORD_ROLES = ("unit", "settlement", "direction", "facility", "affiliation")
#: Place kinds a place word may prefer (seeds/place_words.tsv ``kind``).
PLACE_KINDS = ("admin1", "admin2", "city", "region")

_ALPHA3 = re.compile(r"[A-Z]{3}")
_REGION_NAME = re.compile(r"^[A-Z][A-Za-z ]*$")


def _alpha3(row: seeds.SeedRow, column: str, *, optional: bool = False) -> str:
    value = row[column]
    if (value or not optional) and not _ALPHA3.fullmatch(value):
        raise row.error(f"{column} {value!r} is not an ISO 3166-1 alpha-3 code")
    return value


@dataclass(frozen=True)
class Country:
    """One ISO 3166-1 country as ``seeds/countries.tsv`` describes it."""

    alpha3: str
    name: str
    aliases: tuple[str, ...]
    adjectives: tuple[str, ...]
    capital: str
    latitude: float | None  # of the capital
    longitude: float | None
    capital_metonym: bool  # "Ankara said" stands for Turkey


@seed_loader("countries.tsv")
def countries() -> tuple[Country, ...]:
    """Return the countries of ``seeds/countries.tsv``."""
    out = []
    for r in seeds.table("countries.tsv"):
        out.append(
            Country(
                alpha3=_alpha3(r, "alpha3"),
                name=r["name"],
                aliases=r.multi("aliases"),
                adjectives=r.multi("adjectives"),
                capital=r["capital"],
                latitude=r.number("capital_lat", low=-90, high=90),
                longitude=r.number("capital_lon", low=-180, high=180),
                capital_metonym=r.flag("capital_metonym", default=True),
            )
        )
    return tuple(out)


@dataclass(frozen=True)
class CountryCodes:
    """One row of seeds/country_regions.tsv: a country's place in ACLED's and UCDP's lists."""

    acled_region: str | None
    ucdp_region: str | None
    gw_code: int | None  # Gleditsch-Ward number: UCDP's country_id


@seed_loader("country_regions.tsv")
def country_regions() -> dict[str, CountryCodes]:
    """Return the country -> ACLED region, UCDP region, G&W number table, validated."""
    out: dict[str, CountryCodes] = {}
    for r in seeds.table("country_regions.tsv"):
        code = _alpha3(r, "alpha3")
        if code in out:
            raise r.error(f"alpha3 {code} is listed twice")
        acled = r["acled_region"]
        if acled and not _REGION_NAME.match(acled):
            raise r.error(f"unexpected characters in the ACLED region {acled!r}")
        ucdp = r.choice("ucdp_region", ("", *sorted(UCDP_REGIONS)))
        gw = r.integer("gw_code", low=2, high=999)
        out[code] = CountryCodes(acled or None, ucdp or None, gw)
    if not out:
        raise SeedError("country_regions.tsv has no rows: regions and country_id stay empty")
    return out


@dataclass(frozen=True)
class UcdpCountry:
    """A UCDP country name (``seeds/ucdp_countries.tsv``) and the ISO countries it covers."""

    ucdp_name: str
    alpha3: tuple[str, ...]


@seed_loader("ucdp_countries.tsv")
def ucdp_countries() -> tuple[UcdpCountry, ...]:
    """Return the UCDP names that are not an ISO short name, with their countries."""
    out = []
    for r in seeds.table("ucdp_countries.tsv"):
        codes = r.multi("alpha3")
        for code in codes:
            if not _ALPHA3.fullmatch(code):
                raise r.error(f"alpha3 {code!r} is not an ISO 3166-1 alpha-3 code")
        out.append(UcdpCountry(r["ucdp_name"], codes))
    return tuple(out)


@dataclass(frozen=True)
class Region:
    """A curated region or unit of ``seeds/regions.tsv`` (Nagorno-Karabakh, Donbas)."""

    name: str
    aliases: tuple[str, ...]
    country: str | None
    admin1: str | None
    latitude: float | None
    longitude: float | None
    precision: str


@seed_loader("regions.tsv")
def regions() -> tuple[Region, ...]:
    """Return the curated regions of ``seeds/regions.tsv``."""
    return tuple(
        Region(
            name=r["name"],
            aliases=r.multi("aliases"),
            country=_alpha3(r, "country", optional=True) or None,
            admin1=r.optional("admin1"),
            latitude=r.number("latitude", low=-90, high=90),
            longitude=r.number("longitude", low=-180, high=180),
            precision=r.choice("precision", ("", *PLACE_PRECISIONS)) or "region",
        )
        for r in seeds.table("regions.tsv")
    )


@dataclass(frozen=True)
class Place:
    """A researcher's place of ``seeds/places.tsv``: replaces GeoNames' place of that name."""

    name: str
    aliases: tuple[str, ...]
    country: str | None
    admin1: str | None
    admin2: str | None
    latitude: float | None
    longitude: float | None
    precision: str


@seed_loader("places.tsv")
def places() -> tuple[Place, ...]:
    """Return the curated places of ``seeds/places.tsv``."""
    return tuple(
        Place(
            name=r["name"],
            aliases=r.multi("aliases"),
            country=_alpha3(r, "country", optional=True) or None,
            admin1=r.optional("admin1"),
            admin2=r.optional("admin2"),
            latitude=r.number("latitude", low=-90, high=90),
            longitude=r.number("longitude", low=-180, high=180),
            precision=r.choice("precision", ("", *PLACE_PRECISIONS)) or "point",
        )
        for r in seeds.table("places.tsv")
    )


@dataclass(frozen=True)
class Admin1:
    """A GeoNames first-level unit (``seeds/geonames_admin1.tsv``)."""

    country: str  # ISO alpha-2, as GeoNames writes it
    code: str
    name: str


@seed_loader("geonames_admin1.tsv")
def geonames_admin1() -> tuple[Admin1, ...]:
    """Return the GeoNames first-level units."""
    return tuple(
        Admin1(r["country"], r["admin1code"], r["name"]) for r in seeds.table("geonames_admin1.tsv")
    )


def geonames_admin2() -> Iterator[tuple[int, str]]:
    """Yield (GeoNames id, second-level unit) pairs; not cached: 125,000 rows read by one build."""
    for r in seeds.iter_rows("geonames_admin2.tsv"):
        geonameid = r.integer("geonameid", low=1)
        if geonameid is None:
            raise r.error("geonameid is empty")
        yield geonameid, r["admin2"]


@dataclass(frozen=True)
class PlaceWord:
    """A word of ``seeds/place_words.tsv``: its role and the place kinds it prefers."""

    word: str
    role: str  # unit, settlement, direction, facility, affiliation
    kinds: tuple[str, ...]


@seed_loader("place_words.tsv")
def place_words() -> dict[str, PlaceWord]:
    """Return the words of ``seeds/place_words.tsv`` by lower-cased, space-normalised form."""
    out: dict[str, PlaceWord] = {}
    for r in seeds.table("place_words.tsv"):
        role = r.choice("role", PLACE_WORD_ROLES)
        kinds = r.multi("kind")
        for kind in kinds:
            if kind not in PLACE_KINDS:
                raise r.error(f"kind {kind!r} is not one of {', '.join(PLACE_KINDS)}")
        for variant in r.multi("word"):
            word = " ".join(variant.lower().split())
            out[word] = PlaceWord(word, role, kinds)
    return out


@seed_loader("locatives.tsv")
def locative_cues() -> tuple[str, ...]:
    """Return the locative cue phrases of ``seeds/locatives.tsv`` ("in", "near the")."""
    return tuple(r["cue"].lower() for r in seeds.table("locatives.tsv") if r["cue"])


@seed_loader("placeword_stoplist.tsv")
def placeword_stoplist() -> frozenset[str]:
    """Return the lower-case English words that are also place names ("Most")."""
    return frozenset(r["word"].lower() for r in seeds.table("placeword_stoplist.tsv") if r["word"])


@dataclass(frozen=True)
class Transliteration:
    """A spelling rule of ``seeds/transliteration.tsv`` that folds variants of a name together."""

    pattern: str
    replacement: str


@seed_loader("transliteration.tsv")
def transliterations() -> tuple[Transliteration, ...]:
    """Return the transliteration rules, each checked to compile and apply."""
    out = []
    for r in seeds.table("transliteration.tsv"):
        try:
            re.compile(r["pattern"]).sub(r["replacement"], "test")
        except (re.error, IndexError) as exc:
            raise r.error(f"bad rule {r['pattern']!r}: {exc}") from exc
        out.append(Transliteration(r["pattern"], r["replacement"]))
    return tuple(out)
