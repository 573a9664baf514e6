"""Build the actor and place dictionaries and match them against text.

Everything a researcher may extend lives in ``seeds/``:

* ``countries.tsv`` -- ISO 3166-1 countries with short names, adjectives and
  demonyms, and the capital used as a metonym ("Ankara" for Turkey);
* ``actors.tsv``    -- organisations, armed groups, media, well-known persons;
* ``agents.tsv``    -- agent nouns giving a sector ("forces" -> MIL);
* ``titles.tsv``    -- titles written before a person's name;
* ``locatives.tsv`` -- words that make the following name a place;
* ``place_words.tsv`` -- words next to a place name that say what kind of place
  it is ("Borno state", "Goni village", "a Mogadishu hotel");
* ``placeword_stoplist.tsv`` -- English words that are also place names ("Most").

The actor dictionary is compiled once per process into one Aho-Corasick
automaton (:class:`Matcher`), so matching costs one pass over the text whatever
the number of aliases. Places are not matched here: the places stage looks
names up in the place index (:mod:`events.geoindex`). The DB loader reuses
:func:`countries`, :func:`named_actors` and :func:`agents` to fill the
``actors`` tables.
"""

from __future__ import annotations

import functools
import logging
import re
import time
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import ahocorasick

from events.seeds import read_tsv, split_multi

log = logging.getLogger(__name__)

# --------------------------------------------------------------------------
# Dictionary rows
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Country:
    """One ISO 3166-1 country as ``seeds/countries.tsv`` describes it."""

    alpha3: str
    name: str
    aliases: tuple[str, ...]
    adjectives: tuple[str, ...]
    capital: str
    latitude: float | None
    longitude: float | None
    capital_metonym: bool


@dataclass(frozen=True)
class Agent:
    """An agent noun ("forces", "militants") and the sector it gives an actor."""

    words: tuple[str, ...]
    sector: str
    kind: str
    label: str


@dataclass(frozen=True)
class Title:
    """A title written before a person's name ("foreign minister")."""

    canonical: str
    variants: tuple[str, ...]
    sector: str
    kind: str


@dataclass(slots=True, eq=False)  # eq=False: identity hash; 40k of these are built per run
class Entry:
    """What one alias stands for: the payload of an automaton hit.

    ``type`` says which dictionary it came from: ``country``, ``adjective``,
    ``capital``, ``named`` (actors.tsv), ``agent``.
    """

    type: str
    key: str
    name: str
    alias: str
    country: str | None = None
    kind: str = ""
    sector: str | None = None
    wikidata: str | None = None
    label: str = ""
    latitude: float | None = None
    longitude: float | None = None
    admin1: str | None = None
    precision: str = "unknown"
    population: int = 0


@dataclass(frozen=True)
class Match:
    """One dictionary hit in a text: ``text[start:end]`` and what it may mean."""

    start: int
    end: int
    text: str
    entries: tuple[Entry, ...]

    @property
    def best(self) -> Entry:
        """Return the first (highest-priority) entry."""
        return self.entries[0]


def _float(cell: str) -> float | None:
    try:
        return float(cell) if cell else None
    except ValueError:
        return None


@functools.cache
def countries() -> tuple[Country, ...]:
    """Return the countries of ``seeds/countries.tsv``."""
    rows = read_tsv("countries.tsv")
    return tuple(
        Country(
            alpha3=r["alpha3"],
            name=r["name"],
            aliases=tuple(split_multi(r["aliases"])),
            adjectives=tuple(split_multi(r["adjectives"])),
            capital=r["capital"],
            latitude=_float(r["capital_lat"]),
            longitude=_float(r["capital_lon"]),
            capital_metonym=r.get("capital_metonym", "yes") != "no",
        )
        for r in rows
    )


@functools.cache
def country_by_code() -> dict[str, Country]:
    """Return countries indexed by alpha-3 code."""
    return {c.alpha3: c for c in countries()}


@functools.cache
def named_actors() -> tuple[dict[str, str], ...]:
    """Return the rows of ``seeds/actors.tsv``."""
    return tuple(read_tsv("actors.tsv"))


@functools.cache
def agents() -> tuple[Agent, ...]:
    """Return the agent nouns of ``seeds/agents.tsv``."""
    return tuple(
        Agent(tuple(split_multi(r["word"])), r["sector"], r["kind"], r.get("label") or r["sector"])
        for r in read_tsv("agents.tsv")
    )


@functools.cache
def titles() -> tuple[Title, ...]:
    """Return the person titles of ``seeds/titles.tsv``."""
    out = []
    for r in read_tsv("titles.tsv"):
        variants = tuple(split_multi(r["title"]))
        if variants:
            out.append(Title(variants[0].lower(), variants, r["sector"], r["kind"]))
    return tuple(out)


@functools.cache
def locative_cues() -> tuple[str, ...]:
    """Return the locative cue phrases of ``seeds/locatives.tsv``."""
    return tuple(r["cue"].lower() for r in read_tsv("locatives.tsv") if r["cue"])


# --------------------------------------------------------------------------
# Matching
# --------------------------------------------------------------------------


def fold_case(text: str) -> str:
    """Lower-case ``text`` without changing its length (offsets stay valid).

    ``str.lower`` turns a few characters into two ("İ" -> "i̇"); those keep their
    case so that an offset in the folded text is an offset in the original.
    """
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def capitals_agree(alias: str, surface: str) -> bool:
    """Return True if every capital letter of ``alias`` is a capital in ``surface``.

    This makes one case-insensitive automaton behave as users expect: "US"
    does not match "us", "Turkey" does not match "turkey dinner", but the
    lower-case agent word "forces" matches "Forces" and "FORCES".
    """
    return all(not a.isupper() or s.isupper() for a, s in zip(alias, surface, strict=False))


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


class Matcher:
    """An Aho-Corasick automaton over aliases, matched leftmost-longest on word bounds."""

    def __init__(self, entries: Iterable[Entry], name: str) -> None:
        started = time.perf_counter()
        by_key: dict[str, list[Entry]] = {}
        for entry in entries:
            alias = entry.alias.strip()
            if len(alias) < 2:
                continue
            by_key.setdefault(fold_case(alias), []).append(entry)
        self._automaton = ahocorasick.Automaton()
        for key, group in by_key.items():
            self._automaton.add_word(key, (len(key), tuple(group)))
        self.size = len(by_key)
        if self.size:
            self._automaton.make_automaton()
        else:
            log.warning("the %s dictionary is empty: nothing will be found", name)
        self.build_seconds = time.perf_counter() - started
        log.debug("%s automaton: %d aliases in %.3f s", name, self.size, self.build_seconds)

    def find(self, text: str) -> list[Match]:
        """Return the non-overlapping matches in ``text``, leftmost-longest first."""
        if not self.size or not text:
            return []
        candidates: list[Match] = []
        folded = fold_case(text)
        for end, (length, group) in self._automaton.iter(folded):
            start = end - length + 1
            stop = end + 1
            if start > 0 and _is_word_char(text[start - 1]) and _is_word_char(text[start]):
                continue
            if stop < len(text) and _is_word_char(text[stop]) and _is_word_char(text[end]):
                continue
            surface = text[start:stop]
            ok = tuple(e for e in group if capitals_agree(e.alias, surface))
            if ok:
                candidates.append(Match(start, stop, surface, ok))
        candidates.sort(key=lambda m: (m.start, m.start - m.end))
        chosen: list[Match] = []
        last_end = -1
        for m in candidates:
            if m.start >= last_end:
                chosen.append(m)
                last_end = m.end
        return chosen


# --------------------------------------------------------------------------
# The actor dictionary
# --------------------------------------------------------------------------

#: Entry types in the order a shared alias is resolved (a country name beats
#: an organisation alias, which beats a capital, an adjective, an agent noun).
_ACTOR_PRIORITY = {"country": 0, "named": 1, "capital": 2, "adjective": 3, "agent": 4}


def _actor_entries() -> Iterator[Entry]:
    for c in countries():
        for alias in (c.name, *c.aliases):
            yield Entry("country", c.alpha3, c.name, alias, c.alpha3, "state")
        for adj in c.adjectives:
            yield Entry("adjective", c.alpha3, c.name, adj, c.alpha3, "state")
        if c.capital and c.capital_metonym:
            yield Entry("capital", c.alpha3, c.name, c.capital, c.alpha3, "state")
    for r in named_actors():
        for alias in (r["name"], *split_multi(r["aliases"])):
            yield Entry(
                "named",
                r["key"],
                r["name"],
                alias,
                r["country"] or None,
                r["kind"],
                r["sector"] or None,
                r["wikidata"] or None,
            )
    for a in agents():
        for word in a.words:
            yield Entry("agent", a.sector, a.label, word, None, a.kind, a.sector, label=a.label)


#: Aliases a person added with ``events actors alias`` (actor_aliases of kind
#: 'manual'): (alias, key, name, country, kind, sector). Ingest and reextract read
#: them from the database before extracting (events.curate.load_manual_aliases).
_MANUAL: tuple[tuple[str, str, str, str | None, str, str | None], ...] = ()


def use_manual_aliases(rows: Iterable[tuple[str, str, str, str | None, str, str | None]]) -> None:
    """Match these manual aliases too (the automaton is rebuilt when they change)."""
    global _MANUAL
    given = tuple(rows)
    if given != _MANUAL:
        _MANUAL = given
        actor_matcher.cache_clear()


def _manual_entries() -> Iterator[Entry]:
    codes = country_by_code()
    for alias, key, name, country, kind, sector in _MANUAL:
        if key in codes:  # a state: matched like its own name
            yield Entry("country", key, codes[key].name, alias, key, "state")
        else:
            yield Entry("named", key, name, alias, country, kind, sector)


@functools.cache
def actor_matcher() -> Matcher:
    """Return the automaton over every actor alias (built once per process)."""
    # Manual aliases first: within one priority, a person's alias wins a shared form.
    entries = sorted([*_manual_entries(), *_actor_entries()], key=lambda e: _ACTOR_PRIORITY[e.type])
    return Matcher(entries, "actor")


@functools.cache
def title_pattern() -> re.Pattern[str]:
    """Return one regex matching any title of ``titles.tsv`` (longest first)."""
    variants = sorted({v for t in titles() for v in t.variants}, key=len, reverse=True)
    if not variants:
        log.warning("titles.tsv is empty: no person will be found by title")
        return re.compile(r"(?!x)x")
    alternation = "|".join(re.escape(v).replace(r"\ ", r"\s+") for v in variants)
    return re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])", re.IGNORECASE)


@functools.cache
def title_by_variant() -> dict[str, Title]:
    """Return titles indexed by each lower-cased, space-normalised variant."""
    return {v.lower(): t for t in titles() for v in t.variants}


def lookup_title(surface: str) -> Title | None:
    """Return the title a matched surface form stands for."""
    return title_by_variant().get(" ".join(surface.lower().split()))


@functools.cache
def locative_pattern() -> re.Pattern[str]:
    """Return a regex matching a locative cue at the very end of a string."""
    cues = sorted(locative_cues(), key=len, reverse=True)
    if not cues:
        log.warning("locatives.tsv is empty: place/actor decisions lose their cue")
        return re.compile(r"(?!x)x")
    alternation = "|".join(re.escape(c).replace(r"\ ", r"\s+") for c in cues)
    return re.compile(rf"(?<![\w-])(?:{alternation})\s+(?:the\s+)?$", re.IGNORECASE)


def has_locative_cue(text: str, start: int) -> bool:
    """Return True if a locative cue ("in", "near the") ends right before ``start``."""
    window = text[max(0, start - 40) : start]
    return bool(locative_pattern().search(window))


def slug(name: str) -> str:
    """Return an ASCII, lower-case, hyphenated form of ``name`` for keys."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


# --------------------------------------------------------------------------
# Words around place names
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class PlaceWord:
    """A word of ``seeds/place_words.tsv``: its role and the place kinds it prefers."""

    word: str
    role: str  # unit, settlement, direction, facility, affiliation
    kinds: tuple[str, ...]


@functools.cache
def place_words() -> dict[str, PlaceWord]:
    """Return the words of ``seeds/place_words.tsv`` by lower-cased, space-normalised form."""
    out: dict[str, PlaceWord] = {}
    for r in read_tsv("place_words.tsv"):
        kinds = tuple(split_multi(r.get("kind") or ""))
        for variant in split_multi(r["word"]):
            word = " ".join(variant.lower().split())
            out[word] = PlaceWord(word, r["role"], kinds)
    return out


@functools.cache
def place_word_pattern(*roles: str) -> re.Pattern[str]:
    """Return a regex matching one place word of ``roles`` (longest first), as group ``w``."""
    words = sorted((w for w, p in place_words().items() if p.role in roles), key=len, reverse=True)
    if not words:
        log.warning("place_words.tsv has no %s words", "/".join(roles))
        return re.compile(r"(?!x)x")
    alternation = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
    return re.compile(rf"(?<![\w-])(?P<w>{alternation})(?![\w-])", re.IGNORECASE)


def place_word(surface: str) -> PlaceWord | None:
    """Return the place word ``surface`` is, if any."""
    return place_words().get(" ".join(surface.lower().split()))


@functools.cache
def placeword_stoplist() -> frozenset[str]:
    """Return the lower-case English words of ``seeds/placeword_stoplist.tsv``."""
    return frozenset(r["word"].lower() for r in read_tsv("placeword_stoplist.tsv") if r["word"])


#: A dateline: an upper-case place (and maybe ", Country" or a date) opening the
#: article, then the agency in brackets and/or a dash: "MOGADISHU (Reuters) -",
#: "KABUL, Afghanistan —", "GOMA, Congo, May 3 (AP) --".
_DATELINE = re.compile(
    r"^\s*(?P<place>[A-Z][A-Z'’.]+(?:[ -][A-Z][A-Z'’.]+){0,3})"
    r"(?:\s*,\s*(?P<region>[A-Z][\w'’.-]+(?: [A-Z][\w'’.-]+){0,3}))?"
    r"(?:\s*,\s*[A-Z][a-z]{2,9}\.?\s+\d{1,2}(?:,\s*\d{4})?)?"
    r"\s*(?:\([^)]{1,40}\)\s*)?(?:[-–—]{1,2}|:)\s"
)


def dateline(text: str) -> tuple[tuple[int, int], tuple[int, int] | None] | None:
    """Return the spans of a dateline's place and its region/country, if ``text`` opens with one.

    ``text`` is the first sentence of the body; the place must be written in capitals.
    """
    m = _DATELINE.match(text)
    if m is None or len(m.group("place")) < 3:
        return None
    region = m.span("region") if m.group("region") else None
    return m.span("place"), region
