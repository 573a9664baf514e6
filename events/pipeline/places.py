"""Find the places of a document and resolve them against the place index.

1. **Candidates.** Every sentence is read for capitalised word sequences -- a run of
   capitalised words, joined by spaces, hyphens or connectors ("Ma'arrat al-Nu'man",
   "Democratic Republic of the Congo", "Deir ez-Zor"), or an upper-case dateline
   ("MOGADISHU (Reuters) -") -- and every sub-sequence of up to ``index.max_words`` words that
   starts and ends with a capitalised word is a candidate. All candidates of the document are
   looked up at once (:meth:`events.geoindex.GeoIndex.lookup_many`); the longest
   non-overlapping ones that name a place are kept.
2. **Is it a place?** What is around a name decides (:class:`_Context`): a locative cue
   before it (``locatives.tsv``), a unit or settlement word next to it ("Borno state", "Goni
   village", from ``place_words.tsv``), a distance phrase ("90 km north of"), a dateline, a
   list or an administrative apposition shared with such a place ("the Tartar and Agdam
   districts", "Jowhar, Middle Shabelle"), or being the object of an attack ("shelled Jisr
   al-Shughur"). A capital used as a modifier ("a Mogadishu hotel") is left to this stage by
   the actors stage.
   Without any of these a name must be prominent (a country, a first-level unit, a sizeable
   town) or lie in one of the article's countries. Never a place: dates, actors ("Moscow
   said"), persons and anything shaped like a person's name (part of a longer capitalised
   name, "Abdiweli Adan"; after "said" or "Mr"; before "said"), names an actor is "based" in,
   and a common English word (``placeword_stoplist.tsv``) unless it has a cue, a capital that
   is not merely sentence-initial, and a reading in one of the article's countries.
3. **Which place?** Among the places sharing a name, by evidence, in this order: the
   administrative unit named next to it ("X, Y province", "X district of Y", "X (Y)", "X in
   Y"); the countries established in the article (its actors, its unambiguous places, its
   dateline, its source's country), among readings of comparable size
   (:data:`FIT_MAX_POPULATION_RATIO`); a nearby named place; the spelling as written
   ("Samarra" is not Samara, which folds alike); then the index's own prior (curated rows,
   prominence, population). A country named as such stays that country. The reason is kept
   in :attr:`PlaceMention.evidence`.

Step 1 is :mod:`events.pipeline.places_candidates`, steps 2 and 3
:mod:`events.pipeline.places_resolve`; this module is the stage.
"""

from __future__ import annotations

from events.pipeline.doc import ActorMention, Document, PlaceMention, Sentence
from events.pipeline.places_candidates import _Candidate, _candidates
from events.pipeline.places_candidates import apposition_gap as apposition_gap
from events.pipeline.places_candidates import common_word as common_word
from events.pipeline.places_candidates import distance_reference as distance_reference
from events.pipeline.places_resolve import (
    CUELESS_CITY_MIN_POPULATION as CUELESS_CITY_MIN_POPULATION,
)
from events.pipeline.places_resolve import (
    CUELESS_FOREIGN_MIN_POPULATION as CUELESS_FOREIGN_MIN_POPULATION,
)
from events.pipeline.places_resolve import FIT_MAX_POPULATION_RATIO as FIT_MAX_POPULATION_RATIO
from events.pipeline.places_resolve import MAX_ACRONYM_LENGTH as MAX_ACRONYM_LENGTH
from events.pipeline.places_resolve import NEARBY_KM as NEARBY_KM
from events.pipeline.places_resolve import WEIGHT_ACTOR as WEIGHT_ACTOR
from events.pipeline.places_resolve import WEIGHT_DATELINE as WEIGHT_DATELINE
from events.pipeline.places_resolve import WEIGHT_PLACE as WEIGHT_PLACE
from events.pipeline.places_resolve import WEIGHT_SOURCE as WEIGHT_SOURCE
from events.pipeline.places_resolve import _index as _index
from events.pipeline.places_resolve import _Resolver
from events.pipeline.runner import stage

#: Readings of one name weighed at most (the index returns them most likely first): past a
#: dozen they are hamlets of the same name that no evidence in a news text tells apart.
MAX_READINGS = 12


# --------------------------------------------------------------------------
# The stage
# --------------------------------------------------------------------------


@stage("places", requires=("sentences", "actors", "dates"), assigns=("places",))
def find_places(doc: Document) -> None:
    """Fill ``doc.places`` with the place mentions of every sentence."""
    index = _index()
    max_words = max(1, index.max_words)
    actors: dict[int, list[tuple[int, int]]] = {}
    starts: dict[int, int] = {}
    for s in doc.sentences:
        starts.setdefault(s.index, s.start)
    for a in doc.actors:
        base = starts.get(a.sentence_index, 0)
        actors.setdefault(a.sentence_index, []).append((a.start - base, a.end - base))
    by_sentence = {
        s.index: _candidates(s, max_words, actors.get(s.index, [])) for s in doc.sentences
    }
    found = index.lookup_many({c.text for cands in by_sentence.values() for c in cands})
    resolver = _Resolver(doc, index)
    chosen: list[_Candidate] = []
    for sentence in doc.sentences:
        cands = by_sentence[sentence.index]
        for c in cands:
            c.rows = found.get(c.text, [])[:MAX_READINGS]
        chosen.extend(resolver.sentence(sentence, [c for c in cands if c.rows]))
    resolver.resolve(chosen)
    doc.places = [_mention(c) for c in chosen if c.chosen is not None]


def _mention(c: _Candidate) -> PlaceMention:
    row = c.chosen
    assert row is not None
    return PlaceMention(
        start=c.sentence.start + c.start,
        end=c.sentence.start + c.end,
        text=c.text,
        sentence_index=c.sentence.index,
        key=row.key,
        name=row.name,
        country=row.country,
        admin1=row.admin1,
        latitude=row.latitude,
        longitude=row.longitude,
        precision=row.precision,  # type: ignore[arg-type]
        admin2=row.admin2,
        geonames_id=row.geonameid,
        evidence="; ".join(c.evidence),
    )


def country_place(
    code: str,
    evidence: str,
    sentence: Sentence,
    at: ActorMention | PlaceMention | None = None,
) -> PlaceMention | None:
    """Return a country-level place (key ``country:XXX``) standing for where a claim is.

    ``at`` is the mention the country comes from (an actor, the dateline), whose words the
    place keeps; without it the place is an empty span at the start of ``sentence``.
    """
    row = _index().by_key(f"country:{code}")
    if row is None:
        return None
    if at is not None:
        start, end, text, index = at.start, at.end, at.text, at.sentence_index
    else:
        start, end, text, index = sentence.start, sentence.start, "", sentence.index
    return PlaceMention(
        start=start,
        end=end,
        text=text,
        sentence_index=index,
        key=row.key,
        name=row.name,
        country=row.country,
        latitude=row.latitude,
        longitude=row.longitude,
        precision="country",
        evidence=evidence,
    )
