"""Find the places of a document and resolve them against the gazetteer.

One automaton pass per sentence (:func:`events.gazetteer.place_matcher`) finds
curated regions, countries, GeoNames cities and ISO 3166-2 subdivisions. A hit
is a place when

* a locative cue comes right before it ("meeting in Moscow", "deployed in
  Azerbaijan", "on the frontlines of Idlib"), or
* it is not used as an actor (the actors stage found nothing there: "Moscow
  said" is the Russian state, not a place) and is not a bare word that only
  looks like a name (see the thresholds below).

A name shared by several places ("Georgia", "Tripoli") goes to the one in a
country the article's actors mention most, then to the curated/country/city/
admin1 order, then to the largest population.
"""

from __future__ import annotations

from collections import Counter

from events.gazetteer import Entry, Match, has_locative_cue, place_matcher
from events.pipeline.doc import Document, PlaceMention, Sentence
from events.pipeline.runner import stage

#: A city named without a locative cue must be at least this big to count:
#: small towns share names with common words and surnames ("Most", "Van",
#: "Batman"); large ones are what news text names bare ("Kabul residents").
CUELESS_CITY_MIN_POPULATION = 100_000


@stage("places", requires=("sentences", "actors", "dates"), assigns=("places",))
def find_places(doc: Document) -> None:
    """Fill ``doc.places`` with the place mentions of every sentence."""
    weights = _article_countries(doc)
    taken = _actor_spans(doc)
    dated: dict[int, list[tuple[int, int]]] = {}
    for d in doc.dates:  # "in March" is a month, not March in Cambridgeshire
        dated.setdefault(d.sentence_index, []).append((d.start, d.end))
    places: list[PlaceMention] = []
    for sentence in doc.sentences:
        for m in place_matcher().find(sentence.text):
            start, end = sentence.start + m.start, sentence.start + m.end
            if any(s < end and start < e for s, e in dated.get(sentence.index, [])):
                continue
            mention = _place(sentence, m, weights, taken)
            if mention is not None:
                places.append(mention)
    doc.places = places


def _article_countries(doc: Document) -> Counter[str]:
    """Count the countries of the article's actors (the disambiguation prior)."""
    return Counter(a.country for a in doc.actors if a.country)


def _actor_spans(doc: Document) -> dict[int, list[tuple[int, int]]]:
    spans: dict[int, list[tuple[int, int]]] = {}
    for a in doc.actors:
        spans.setdefault(a.sentence_index, []).append((a.start, a.end))
    return spans


def _place(
    sentence: Sentence, m: Match, weights: Counter[str], taken: dict[int, list[tuple[int, int]]]
) -> PlaceMention | None:
    """Return the place ``m`` names, or None when it is not used as a place."""
    start, end = sentence.start + m.start, sentence.start + m.end
    cued = has_locative_cue(sentence.text, m.start)
    if not cued and any(s < end and start < e for s, e in taken.get(sentence.index, [])):
        return None  # an actor: "Moscow said", "Azerbaijan launched"
    entry = choose(m.entries, weights)
    if not cued and not _bare_name_ok(sentence, m, entry):
        return None
    return PlaceMention(
        start=start,
        end=end,
        text=m.text,
        sentence_index=sentence.index,
        key=entry.key,
        name=entry.name,
        country=entry.country,
        admin1=entry.admin1,
        latitude=entry.latitude,
        longitude=entry.longitude,
        precision=entry.precision,  # type: ignore[arg-type]
    )


def choose(entries: tuple[Entry, ...], weights: Counter[str]) -> Entry:
    """Pick the entry of a shared name: article countries first, then type, then size."""
    rank = {e: i for i, e in enumerate(entries)}  # gazetteer order: type, then population
    return min(entries, key=lambda e: (-weights.get(e.country or "", 0), rank[e]))


def _bare_name_ok(sentence: Sentence, m: Match, entry: Entry) -> bool:
    """Return True if a name without a locative cue is still taken as a place."""
    if entry.type != "city":
        return True
    if m.start == 0 and " " not in m.text:
        return False  # sentence-initial capital tells nothing: "Most", "Split"
    return entry.population >= CUELESS_CITY_MIN_POPULATION
