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

The records come from :mod:`events.lexicon`, which reads each seed once; the
actor dictionary is compiled once per process into one Aho-Corasick automaton
(:class:`events.lexicon.Matcher`), so matching costs one pass over the text
whatever the number of aliases. Places are not matched here: the places stage looks
names up in the place index (:mod:`events.geoindex`). The DB loader reuses
:func:`countries`, :func:`named_actors` and :func:`agents` to fill the
``actors`` tables.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator

from events.lexicon import (
    Agent,
    Country,
    Entry,
    Match,
    Matcher,
    NamedActor,
    PlaceWord,
    Title,
    agents,
    also_clear,
    alternation_pattern,
    capitals_agree,
    countries,
    finditer_at_words,
    first_words,
    fold_case,
    locative_cues,
    named_actors,
    place_words,
    placeword_stoplist,
    titles,
)

__all__ = [
    "Agent", "Country", "Entry", "Match", "Matcher", "NamedActor", "PlaceWord", "Title",
    "actor_matcher", "agents", "capitals_agree", "countries", "country_by_code", "dateline",
    "fold_case", "has_locative_cue", "locative_cues", "locative_pattern", "lookup_title",
    "named_actors", "place_word", "place_word_pattern", "place_words", "placeword_stoplist",
    "slug", "title_by_variant", "title_matches", "title_pattern", "titles",
]  # fmt: skip

log = logging.getLogger(__name__)


@also_clear
@functools.cache
def country_by_code() -> dict[str, Country]:
    """Return countries indexed by alpha-3 code."""
    return {c.alpha3: c for c in countries()}


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
        for alias in (r.name, *r.aliases):
            yield Entry("named", r.key, r.name, alias, r.country, r.kind, r.sector, r.wikidata)
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


@also_clear
@functools.cache
def actor_matcher() -> Matcher:
    """Return the automaton over every actor alias (built once per process)."""
    # Manual aliases first: within one priority, a person's alias wins a shared form.
    entries = sorted([*_manual_entries(), *_actor_entries()], key=lambda e: _ACTOR_PRIORITY[e.type])
    return Matcher(entries, "actor")


@also_clear
@functools.cache
def title_pattern() -> re.Pattern[str]:
    """Return one regex matching any title of ``titles.tsv`` (longest first)."""
    variants = sorted({v for t in titles() for v in t.variants})
    if not variants:
        log.warning("titles.tsv is empty: no person will be found by title")
    return alternation_pattern(variants, r"(?<![\w-])(?:{alternation})(?![\w-])")


@also_clear
@functools.cache
def _title_first_words() -> frozenset[str] | None:
    return first_words([v for t in titles() for v in t.variants])


def title_matches(text: str) -> Iterator[re.Match[str]]:
    """Yield ``title_pattern().finditer(text)``, trying the pattern only at a title's first word."""
    return finditer_at_words(title_pattern(), _title_first_words(), text)


@also_clear
@functools.cache
def title_by_variant() -> dict[str, Title]:
    """Return titles indexed by each lower-cased, space-normalised variant."""
    return {v.lower(): t for t in titles() for v in t.variants}


def lookup_title(surface: str) -> Title | None:
    """Return the title a matched surface form stands for."""
    return title_by_variant().get(" ".join(surface.lower().split()))


@also_clear
@functools.cache
def locative_pattern() -> re.Pattern[str]:
    """Return a regex matching a locative cue at the very end of a string."""
    cues = locative_cues()
    if not cues:
        log.warning("locatives.tsv is empty: place/actor decisions lose their cue")
    return alternation_pattern(cues, r"(?<![\w-])(?:{alternation})\s+(?:the\s+)?$")


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


@also_clear
@functools.cache
def place_word_pattern(*roles: str) -> re.Pattern[str]:
    """Return a regex matching one place word of ``roles`` (longest first), as group ``w``."""
    words = [w for w, p in place_words().items() if p.role in roles]
    if not words:
        log.warning("place_words.tsv has no %s words", "/".join(roles))
    return alternation_pattern(words, r"(?<![\w-])(?P<w>{alternation})(?![\w-])")


def place_word(surface: str) -> PlaceWord | None:
    """Return the place word ``surface`` is, if any."""
    return place_words().get(" ".join(surface.lower().split()))


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
