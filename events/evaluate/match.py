"""Compare predictions with gold: countries by name, place names, distances, the top claim.

Shared by the evaluators. Everything here reads the pipeline's public document objects
(:class:`~events.pipeline.doc.Claim`, its ``place`` and actors) and the place-name match key
:func:`events.geoindex.fold`, nothing of the stages' internals, so that a rewrite of a stage
changes the scores and not the harness.
"""

from __future__ import annotations

import difflib
import functools
import math
import re

from events import lexicon
from events.pipeline.doc import ActorMention, Claim, Document

#: Words that say what kind of unit or spot a name is, not which: "Idlib governorate" and
#: "Idlib" are one name, so are "province of Herat", "Khalsa city (area of)" and "Khalsa".
#: Dropped from both sides before names are compared (folded spelling, see :func:`name_key`).
TYPE_WORDS = frozenset(
    """
    governorate governorates province provinces district districts region regions state
    department prefecture county municipality municipal oblast raion rayon krai kray
    republic division territory subdistrict nahiya tehsil village villages city town
    area vicinity outskirts countryside camp of the in near at around between outside
    ouside and
    """.split()
)
#: The Arabic article, kept apart by fold ("al rami"), written or not ("Rami").
ARTICLES = frozenset({"al"})

#: Actor kinds and sectors that are the state: what "Government of X" stands for in UCDP.
STATE_KINDS = frozenset(
    {"state", "government", "military", "police", "legislature", "judiciary", "intelligence"}
)
#: Sectors that are organs of a state (``state`` in seeds/sectors.tsv).
STATE_SECTORS = lexicon.state_sectors()


def top_claim(doc: Document, *, main_first: bool = True) -> Claim | None:
    """Return the claim that stands for a report: its main event (``is_main``), or None.

    With ``main_first`` False (a text bundling several reports, where no lead is the lead) the
    highest-confidence claim. Ties go to the highest confidence, then the earliest claim.
    """
    if not doc.claims:
        return None
    return max(
        doc.claims,
        key=lambda c: (main_first and c.is_main, c.confidence, -c.sentence_index, -c.trigger_start),
    )


def toll(claim: Claim | None) -> int | None:
    """Return a claim's death toll as the exports give it: the best figure, else the low one.

    "At least 12 killed" is low 12 with no best (ACLED's conservative reading), and the exports'
    ``fatalities`` is ``COALESCE(best, low)``: 12.
    """
    if claim is None:
        return None
    return claim.fatalities_best if claim.fatalities_best is not None else claim.fatalities_low


def principal_actors(claim: Claim | None) -> tuple[ActorMention | None, ActorMention | None]:
    """Return (actor1, actor2) of a claim: the first source and the first other target.

    With no target but several sources (a clash between sides) the second source is actor2,
    as in ACLED -- the rule the store uses for a claim's principal actors.
    """
    if claim is None:
        return None, None
    sources, targets = claim.actors("source"), claim.actors("target")
    actor1 = sources[0] if sources else None
    key1 = actor1.key if actor1 is not None else None
    if targets:
        return actor1, next((t for t in targets if t.key != key1), targets[0])
    others = [s for s in sources if s.key != key1]
    return actor1, others[0] if others else None


def _fold(name: str) -> str:
    from events.geoindex import fold  # the one place-name key of the project

    return fold(name)


@functools.cache
def folded(words: frozenset[str]) -> frozenset[str]:
    """Return a word list spelled like folded names (fold spells "town" "tovn")."""
    return frozenset(_fold(w) for w in words)


def name_key(name: str | None) -> str:
    """Return the comparison key of a place name: folded, without type words and article."""
    if not name:
        return ""
    dropped = folded(TYPE_WORDS | ARTICLES)
    return " ".join(w for w in _fold(name).split() if w not in dropped)


def same_name(a: str | None, b: str | None) -> bool:
    """Return True when two place names are one name (see :func:`name_key`)."""
    key = name_key(a)
    return bool(key) and key == name_key(b)


@functools.cache
def _crosswalk() -> dict[str, frozenset[str]]:
    return {_country_key(row.ucdp_name): frozenset(row.alpha3) for row in lexicon.ucdp_countries()}


@functools.cache
def _country_aliases() -> dict[str, str]:
    """Return the names and aliases of ``seeds/countries.tsv`` (short names: "Britain")."""
    out: dict[str, str] = {}
    for c in lexicon.countries():
        for name in (c.name, *c.aliases):
            out.setdefault(_country_key(name), c.alpha3)
    return out


def _country_key(name: str) -> str:
    return " ".join(name.casefold().split())


@functools.cache
def country_codes(name: str) -> frozenset[str]:
    """Return the ISO alpha-3 codes a country name stands for (empty when unknown).

    ``seeds/ucdp_countries.tsv`` first (UCDP's names: "DR Congo (Zaire)"; a name may stand for
    several states, "Serbia (Yugoslavia)"), then pycountry, then the names and aliases of
    ``seeds/countries.tsv``.
    """
    import pycountry

    key = _country_key(name)
    if not key:
        return frozenset()
    if key in _crosswalk():
        return _crosswalk()[key]
    try:
        return frozenset({pycountry.countries.lookup(name.strip()).alpha_3})
    except LookupError:
        pass
    code = _country_aliases().get(key)
    return frozenset({code}) if code else frozenset()


def alpha3(alpha2: str) -> str | None:
    """Return the alpha-3 code of an ISO alpha-2 code, or None."""
    import pycountry

    country = pycountry.countries.get(alpha_2=alpha2.strip().upper())
    return country.alpha_3 if country is not None else None


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the great-circle distance in kilometres (haversine, mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


_GOVERNMENT = re.compile(r"^\s*government\s+of\s+(?:the\s+)?(.+?)\s*$", re.IGNORECASE)


def government_of(side: str) -> frozenset[str]:
    """Return the country codes of a UCDP "Government of X" side (empty for other sides)."""
    m = _GOVERNMENT.match(side)
    return country_codes(m.group(1)) if m else frozenset()


def is_state(actor: ActorMention) -> bool:
    """Return True for an actor that is a state or one of its agencies."""
    return actor.kind in STATE_KINDS or actor.sector in STATE_SECTORS


#: Two name words match when one is a spelling of the other (difflib ratio, words of 5+
#: letters): "Taleban" = "Taliban" (0.86), "Shabaab" = "Shabab" (0.92); not at 0.8, where
#: "Ahmed" (a brigade's namesake) = "armed" (a generic armed group).
WORD_SIMILARITY = 0.85


def similar_words(a: str, b: str) -> bool:
    """Return True when two name words are one spelled two ways ("Taleban", "Taliban")."""
    if a == b:
        return True
    return (
        min(len(a), len(b)) >= 5 and difflib.SequenceMatcher(None, a, b).ratio() >= WORD_SIMILARITY
    )
