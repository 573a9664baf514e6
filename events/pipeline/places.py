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
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from events.gazetteer import (
    actor_matcher,
    countries,
    dateline,
    locative_pattern,
    place_word,
    place_word_pattern,
    placeword_stoplist,
)
from events.geoindex import (
    CURATED_SOURCES,
    PROMINENT_POPULATION,
    GeoIndex,
    PlaceRow,
    bare_admin_name,
    open_index,
)
from events.pipeline.doc import ActorMention, Document, PlaceMention, Sentence
from events.pipeline.runner import stage

#: A town named without any place cue, outside the article's countries, must be at least
#: this big to count: small towns share names with common words and surnames ("Van", "Ali");
#: large ones are what news text names bare ("Kabul residents"). The automaton gazetteer used
#: the same cut; in the article's own countries PROMINENT_POPULATION (15,000) is enough.
CUELESS_CITY_MIN_POPULATION = 100_000
#: ... and in an article whose countries are known, a bare name elsewhere must be a city of
#: this size ("Beirut", "Istanbul" named in a report on Syria); below it a bare foreign name
#: is more often a surname or a namesake hamlet ("Hassan", Karnataka, 155,000 people).
CUELESS_FOREIGN_MIN_POPULATION = 1_000_000

#: A reading this close (km) to a place already resolved in the article wins over a distant
#: one when the article's countries do not decide: two districts of one province named in
#: the same report lie within ~150 km of each other; same-name places in one country are
#: usually further apart.
NEARBY_KM = 150.0

#: The article's countries choose among the readings of a name only those at least this
#: fraction of the most prominent one's size: "Tripoli" in a Lebanese report is Lebanon's
#: (230,000 people, a sixth of Libya's capital), but one "U.S." in a sentence does not make
#: "Geneva" the Illinois town (22,000, a ninth of the Swiss city). An administrative unit
#: named next to it, a nearby place or the cue of a unit word still decide for a small one.
FIT_MAX_POPULATION_RATIO = 8

#: Readings of one name weighed at most (the index returns them most likely first): past a
#: dozen they are hamlets of the same name that no evidence in a news text tells apart.
MAX_READINGS = 12

#: An all-capital word this short is an acronym ("UN", "IED", "ISWAP"), not a name, outside a
#: dateline: it may stand only for a country or a curated place ("US", "DRC"). Same cut as the
#: index's MAX_CODE_LENGTH for codes among alternate names.
MAX_ACRONYM_LENGTH = 5

#: Weights of the evidence for the article's countries (see :func:`_article_countries`):
#: a dateline says where the report is from; an unambiguous place named with a cue says where
#: things happen; each actor mention says who takes part (a foreign one too).
WEIGHT_DATELINE = 3
WEIGHT_PLACE = 2
WEIGHT_ACTOR = 1
WEIGHT_SOURCE = 1

# Closed-class words (grammar, not lexicon): inside a place name they join its parts
# ("Ma'arrat al-Nu'man", "Republic of the Congo"); capitalised at a sentence start they are
# not part of a name ("In Kabul ...").
_ARTICLES = frozenset("al el ad as ar an at az ash ath adh ed es ez en um".split())
_PARTICLES = frozenset(
    "de du di da des del della la le les los las bin ben ibn bint abu e i".split()
)  # "e", "i": the Persian ezafe ("Pul-e-Khumri", "Mazar-i-Sharif")
_JOINERS = frozenset({"of", "the"})
_FUNCTION_WORDS = frozenset(
    "a an the and or but in on at to of for from by with as if when while after before since "
    "during under over near into onto this that these those there here it he she they we i "
    "you his her its their our my mr mrs ms dr".split()
)
#: Sectors whose country says nothing about where the article is: outlets and IGOs.
_PLACELESS_SECTORS = frozenset({"MED", "IGO", "NGO"})

_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_POSSESSIVE_S = re.compile(r"['’]s$")
_RUN_GAP = re.compile(r"[ \t]+|[ \t]*-[ \t]*")
_SENTENCE_OPEN = re.compile(r"^[\W\d_]*$")
_HONORIFIC_BEFORE = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Dr|Sheikh|Mullah|Haji)\.?\s+$")
_SPEECH_BEFORE = re.compile(r"\b(?:said|says|told|according\s+to|named|identified\s+as)\s+$", re.I)
_SPEECH_AFTER = re.compile(r"^,?\s+(?:said|says|told|added|explained|noted)\b", re.I)
_AGE_AFTER = re.compile(r"^\s*,\s*(?:aged\s+)?\d{1,3}\s*,")
_LIST_GAP = re.compile(r"^\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+|&\s*)(?:the\s+)?$", re.I)
_DISTANCE_BEFORE = re.compile(
    r"\b(?:\d[\d,.]*|a\s+few|several|some|dozens\s+of|tens\s+of)\s*-?\s*"
    r"(?:km|kms|kilometres|kilometers|kilometre|kilometer|miles|mile|mi)\b"
    r"(?:\s*\([^)]{1,20}\))?\s+(?:\([^)]{0,20}\)\s+)?"
    r"(?:north|south|east|west)(?:-?(?:east|west))?(?:ern)?\s+of\s+"
    r"(?:the\s+(?:capital|city|town|provincial\s+capital)\s*,?\s*)?$",
    re.IGNORECASE,
)


def distance_reference(text_before: str) -> bool:
    """Return True if a place after ``text_before`` is the origin of a distance ("40 km north of").

    Such a place says where the event is not: "a town 400 km north of Bamako" is not Bamako.
    """
    return bool(_DISTANCE_BEFORE.search(text_before[-80:]))


@functools.cache
def _index() -> GeoIndex:
    return open_index()


@functools.cache
def _demonyms() -> frozenset[str]:
    """Return the country adjectives of ``countries.tsv`` ("Thai", "Somali"), lower-cased."""
    return frozenset(adj.lower() for c in countries() for adj in c.adjectives)


@functools.cache
def _unit_after() -> re.Pattern[str]:
    words = place_word_pattern("unit", "settlement").pattern
    return re.compile(rf"^[ \t]+{words}")


@functools.cache
def _unit_of_before() -> re.Pattern[str]:
    """Return a regex for "the town of", "X district of" / "the province of" before a name."""
    words = place_word_pattern("unit", "settlement").pattern
    return re.compile(rf"{words}\s+(?:of|de|du)\s+(?:the\s+)?$", re.IGNORECASE)


@functools.cache
def _apposition_gap() -> re.Pattern[str]:
    """Return the gap between a place and the unit it lies in ("X, Y", "X district of Y")."""
    words = place_word_pattern("unit", "settlement").pattern
    return re.compile(
        rf"^(?:[ \t]+{words})?(?:\s*,\s*|\s*\(\s*|\s*,?\s+(?:in|of)\s+(?:the\s+)?)$",
        re.IGNORECASE,
    )


def apposition_gap(gap: str) -> bool:
    """Return True if ``gap`` may join a place to the unit it lies in ("X, Y", "X village in Y")."""
    return bool(_apposition_gap().match(gap))


# --------------------------------------------------------------------------
# Candidates
# --------------------------------------------------------------------------


@dataclass
class _Token:
    start: int
    end: int
    text: str
    cap: bool
    ends_run: bool = False  # a possessive "'s" follows: "Kabul's"


#: Kinds of place that are administrative units (which hold the places named before them).
_UNITS = frozenset({"admin1", "admin2"})


@dataclass
class _Context:
    """What the words around a candidate say about it."""

    cue: str = ""  # "in", "unit word", "dateline", "list", "apposition", "distance" ...
    strong: bool = False  # the cue names the kind of place or ties it to another one
    kinds: tuple[str, ...] = ()  # index kinds a unit/settlement word prefers
    reference: bool = False  # "40 km north of X": X is where the event is not
    weak_capital: bool = False  # capitalised only because it opens the sentence
    exclusion: str = ""  # why it cannot be a place


@dataclass
class _Candidate:
    sentence: Sentence
    start: int  # sentence-relative
    end: int
    text: str
    words: int
    run_full: bool  # fills its run of name words (no other given name beside it)
    rows: list[PlaceRow] = field(default_factory=list)
    ctx: _Context = field(default_factory=_Context)
    container: _Candidate | None = None  # the unit named after it ("Jowhar, Middle Shabelle")
    inner: _Candidate | None = None  # the place it is the unit of
    chosen: PlaceRow | None = None
    evidence: list[str] = field(default_factory=list)


def _tokens(text: str) -> list[_Token]:
    out = []
    for m in _TOKEN.finditer(text):
        word, end, ends = m.group(), m.end(), False
        possessive = _POSSESSIVE_S.search(word)
        if possessive and len(word) > 3:
            word, end, ends = word[: possessive.start()], m.start() + possessive.start(), True
        out.append(_Token(m.start(), end, word, word[:1].isupper(), ends))
    return out


def _runs(text: str) -> list[list[_Token]]:
    """Return the sequences of capitalised words and connectors that may hold a name."""
    runs: list[list[_Token]] = []
    current: list[_Token] = []
    for tok in _tokens(text):
        low = tok.text.lower()
        joins = bool(current) and bool(_RUN_GAP.fullmatch(text[current[-1].end : tok.start]))
        joins = joins and not current[-1].ends_run
        member = tok.cap or low in _ARTICLES or low in _PARTICLES or low in _JOINERS
        if member and joins:
            current.append(tok)
            continue
        if current:
            runs.append(current)
        current = [tok] if member else []
    if current:
        runs.append(current)
    return runs


def _startable(run: list[_Token], i: int) -> bool:
    tok = run[i]
    if tok.cap:
        return True
    # "al-Bab", "ad Dali": a lower-case article opens a name only right before a capital
    return tok.text.lower() in _ARTICLES and i + 1 < len(run) and run[i + 1].cap


def common_word(word: str) -> bool:
    """Return True for a word that is no name: grammar, a common word or a place-kind word."""
    low = word.lower()
    if low in _FUNCTION_WORDS or low in placeword_stoplist():
        return True
    kind = place_word(low)
    return kind is not None and kind.role in ("unit", "settlement", "direction")


def _name_words(run: list[_Token], actors: list[tuple[int, int]]) -> list[_Token]:
    """Return the words of ``run`` that look like given names.

    Not grammar, common or place-kind words, and not the words of an actor found there:
    "the Syrian Golan Heights" is Golan Heights with a demonym before it. A capitalised
    facility word makes an institution's name ("Baghdad University").
    """
    return [
        t
        for t in run
        if t.cap
        and (not common_word(t.text) or _facility(t.text))
        and not _overlaps(t.start, t.end, actors)
    ]


def _facility(word: str) -> bool:
    kind = place_word(word)
    return kind is not None and kind.role == "facility"


def _candidates(
    sentence: Sentence, max_words: int, actors: list[tuple[int, int]]
) -> list[_Candidate]:
    text = sentence.text
    out: list[_Candidate] = []
    for run in _runs(text):
        # A run holds names joined by "of"/"the" ("Governor of Kandahar"): the name-shape test
        # looks at the stretch between joiners only.
        pieces: list[list[_Token]] = [[]]
        for tok in run:
            if tok.text.lower() in _JOINERS and not tok.cap:
                pieces.append([])
            else:
                pieces[-1].append(tok)
        for i in range(len(run)):
            if not _startable(run, i):
                continue
            for j in range(i, min(len(run), i + max_words)):
                if not run[j].cap:
                    continue
                inside = run[i : j + 1]
                piece = next((p for p in pieces if run[i] in p), inside)
                rest = [t for t in _name_words(piece, actors) if t not in inside]
                start, end = run[i].start, run[j].end
                out.append(
                    _Candidate(sentence, start, end, text[start:end], j - i + 1, run_full=not rest)
                )
        # "Bosnia and Herzegovina", "Trinidad and Tobago": two runs joined by "and"
    for m in re.finditer(r"\b([A-Z][\w'’-]+) and ([A-Z][\w'’-]+)\b", text):
        out.append(_Candidate(sentence, m.start(), m.end(), m.group(), 3, run_full=True))
    return out


# --------------------------------------------------------------------------
# The stage
# --------------------------------------------------------------------------


@stage("places", requires=("sentences", "actors", "dates"), assigns=("places",))
def find_places(doc: Document) -> None:
    """Fill ``doc.places`` with the place mentions of every sentence."""
    index = _index()
    max_words = max(1, index.max_words)
    actors: dict[int, list[tuple[int, int]]] = {}
    for a in doc.actors:
        base = next((s.start for s in doc.sentences if s.index == a.sentence_index), 0)
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


def _overlaps(a: int, b: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(s < b and a < e for s, e in spans)


def _curated(row: PlaceRow) -> bool:
    return row.source in CURATED_SOURCES


def _prominent(row: PlaceRow) -> bool:
    return (
        _curated(row) or row.kind in ("admin1", "region") or row.population >= PROMINENT_POPULATION
    )


def _headline_case(text: str) -> bool:
    """Return True for a sentence written in title case ("Gunmen Kill 12 In Attack Near Gao")."""
    words = re.findall(r"[^\W\d_]{4,}", text)
    lower = sum(not w[0].isupper() for w in words)
    return len(words) >= 3 and lower <= len(words) // 8


class _Resolver:
    """Decide which candidates are places and which place each one is."""

    def __init__(self, doc: Document, index: GeoIndex) -> None:
        self.doc = doc
        self.index = index
        self.stop = placeword_stoplist()
        self.actor_spans: dict[int, list[tuple[int, int]]] = {}
        self.person_spans: dict[int, list[tuple[int, int]]] = {}
        self.person_words: set[str] = set()
        for a in doc.actors:
            target = self.person_spans if a.kind == "person" else self.actor_spans
            target.setdefault(a.sentence_index, []).append((a.start, a.end))
            if a.kind == "person":
                self.person_words.update(w for name in (a.name, *a.aliases) for w in name.split())
        self.date_spans: dict[int, list[tuple[int, int]]] = {}
        for d in doc.dates:  # "in March" is a month, not March in Cambridgeshire
            self.date_spans.setdefault(d.sentence_index, []).append((d.start, d.end))
        self.weights = _article_countries(doc)
        self._ancestors: dict[int, set[int]] = {}

    # --- which spans are places -----------------------------------------------------------

    def sentence(self, sentence: Sentence, cands: list[_Candidate]) -> list[_Candidate]:
        """Return the place candidates of one sentence, longest first, not overlapping."""
        headline = sentence.section == "title" or _headline_case(sentence.text)
        spans = (
            dateline(sentence.text) if sentence.section == "body" and sentence.start == 0 else None
        )
        kept: list[_Candidate] = []
        for c in sorted(cands, key=lambda c: (-(c.end - c.start), c.start)):
            if _overlaps(c.start, c.end, [(k.start, k.end) for k in kept]):
                continue
            c.ctx = self._context(c, headline, spans)
            if not c.ctx.cue and not c.ctx.exclusion:
                c.ctx.cue = _object_of(sentence, c.start)
            if c.ctx.exclusion:
                continue
            kept.append(c)
        kept.sort(key=lambda c: c.start)
        self._link(sentence, kept)
        return [c for c in kept if self._accept(c)]

    def _context(
        self,
        c: _Candidate,
        headline: bool,
        spans: tuple[tuple[int, int], tuple[int, int] | None] | None,
    ) -> _Context:
        text, s = c.sentence.text, c.sentence
        before, after = text[: c.start], text[c.end :]
        ctx = _Context()
        a, b = s.start + c.start, s.start + c.end
        if spans is not None and any(
            sp is not None and sp[0] <= c.start and c.end <= sp[1] for sp in spans
        ):
            ctx.cue, ctx.strong = "dateline", True
            return ctx
        cue = _cue(before)
        if _overlaps(a, b, self.date_spans.get(s.index, [])):
            ctx.exclusion = "a date"
        elif _overlaps(a, b, self.person_spans.get(s.index, [])):
            ctx.exclusion = "a person's name"
        elif self._actor_at(c, a, b, cued=bool(cue)):
            ctx.exclusion = "an actor"  # "Moscow said", "the Thai border", "Somali soldiers"
        elif after.startswith("-") and place_word_pattern("affiliation").match(after, 1):
            ctx.exclusion = "an actor's base"  # "London-based"
        elif not c.run_full and not headline:
            ctx.exclusion = "part of a longer name"  # "Abdiweli Adan", "Ba Goni Hassan Ibrahim"
        elif cue:
            pass  # "in Hassan": whatever it looks like, a place
        elif _HONORIFIC_BEFORE.search(before) or _SPEECH_BEFORE.search(before):
            ctx.exclusion = "a name after a title or speech verb"
        elif _AGE_AFTER.match(after) or (_SPEECH_AFTER.match(after) and not self._is_actor(c)):
            ctx.exclusion = "a speaker's name"
        elif c.words == 1 and c.text in self.person_words:
            ctx.exclusion = "a person's name elsewhere in the article"
        if ctx.exclusion:
            return ctx
        unit = _unit_after().match(after)
        if cue:
            ctx.cue = cue
        if unit:
            ctx.cue = ctx.cue or f"{unit.group('w').lower()} named after it"
            ctx.strong = True
            word = place_word(unit.group("w"))
            ctx.kinds = word.kinds if word else ()
        elif m := _unit_of_before().search(before):
            word = place_word(m.group("w"))
            ctx.kinds = word.kinds if word else ()
            ctx.cue = ctx.cue or f"'{m.group('w').lower()} of' before it"
            ctx.strong = True
        if distance_reference(before):
            ctx.reference = True
            ctx.cue = ctx.cue or "distance"
        opening = _SENTENCE_OPEN.match(before) is not None
        ctx.weak_capital = headline or opening or (c.text.isupper() and ctx.cue != "dateline")
        return ctx

    def _actor_at(self, c: _Candidate, a: int, b: int, cued: bool) -> bool:
        """Return True if the name is used as an actor, or is a demonym.

        After a cue a name inside an actor mention is still a place ("the peacekeeping force in
        Liberia" is an actor, Liberia where it is); a demonym never is ("near the Thai border"),
        unless a unit word follows it ("the Somali region", checked by the caller).
        """
        if c.text.lower() in _demonyms() and not _unit_after().match(c.sentence.text[c.end :]):
            return True
        return not cued and _overlaps(a, b, self.actor_spans.get(c.sentence.index, []))

    def _is_actor(self, c: _Candidate) -> bool:
        s = c.sentence
        return _overlaps(s.start + c.start, s.start + c.end, self.actor_spans.get(s.index, []))

    def _link(self, sentence: Sentence, kept: list[_Candidate]) -> None:
        """Tie places to the unit named after them, and share cues along lists."""
        pairs = list(zip(kept, kept[1:], strict=False))
        lists = []
        for left, right in pairs:
            gap = sentence.text[left.end : right.start]
            if apposition_gap(gap) and self._contains_any(right.rows, left.rows):
                # "Jowhar, Middle Shabelle", "Zhari district of Kandahar", "Beni (North Kivu)"
                left.container, right.inner = right, left
                lists.append((left, right, "apposition"))
                left.ctx.strong = right.ctx.strong = True
            elif gap.strip() == "," and right.rows and right.rows[0].kind in _UNITS:
                # "Bal'ad, Middle Shabelle": a place the index does not know inside the unit
                # named right after it. Its namesakes in other countries are not meant; the
                # event is coded to the unit (as codebooks do for an unknown village).
                countries = {r.country for r in right.rows if r.kind in _UNITS}
                left.rows = [r for r in left.rows if r.country in countries]
            elif _LIST_GAP.match(gap):
                lists.append((left, right, "list"))  # "the Tartar and Agdam districts"
        for _ in range(2):  # both ways along a list of three or more
            for left, right, how in [*lists, *reversed(lists)]:
                for one, other in ((left, right), (right, left)):
                    if other.ctx.cue and not one.ctx.cue and not other.ctx.reference:
                        one.ctx.cue = (
                            "listed with a place" if how == "list" else "in apposition to a place"
                        )
                    if how == "list" and other.ctx.kinds and not one.ctx.kinds:
                        one.ctx.kinds = other.ctx.kinds
                        one.ctx.strong = True  # "the Tartar and Agdam districts"

    def _accept(self, c: _Candidate) -> bool:
        """Return True if ``c`` is a place; narrow ``c.rows`` to the readings that may be meant."""
        ctx = c.ctx
        rows = c.rows
        if c.text.isupper() and len(c.text) <= MAX_ACRONYM_LENGTH and ctx.cue != "dateline":
            rows = [r for r in rows if _curated(r)]  # "UN", "IED": acronyms, unless "US", "DRC"
        words = re.findall(r"[^\W\d_]+", c.text)
        if words and all(common_word(w) for w in words):
            # "Most", "Split", "Southern", "May": a place only with a cue, a real capital and
            # a reading in one of the article's countries
            strict = bool(ctx.cue) and not ctx.weak_capital
            rows = [r for r in rows if _curated(r) or strict and self.weights.get(r.country or "")]
        if not rows:
            return False
        c.rows = rows
        fit = [r for r in rows if self.weights.get(r.country or "")]
        weak = ctx.cue and not ctx.strong and not fit and self.weights
        if weak and not any(_prominent(r) for r in rows):
            return False  # "politicians from Hausa": a hamlet abroad, not the article's

        if ctx.cue:
            c.evidence.append(f"cue: {ctx.cue}")
        elif _curated(rows[0]):
            c.evidence.append("a country or curated place")
        elif any(_prominent(r) for r in fit) or fit and c.words > 1 and not ctx.weak_capital:
            c.evidence.append("no cue; in the article's countries")
        elif ctx.weak_capital:
            return False
        else:
            top = rows[0]
            floor = CUELESS_FOREIGN_MIN_POPULATION if self.weights else CUELESS_CITY_MIN_POPULATION
            if top.population < floor and not (top.kind == "admin1" and not self.weights):
                return False
            c.evidence.append("no cue; prominent")
        meant = [r for r in rows if r.kind in ctx.kinds] or rows  # "Borno state": the state
        countries = {r.country for r in meant}
        if ctx.cue and len(countries) == 1 and None not in countries:
            # an unambiguous place named with a cue says where the article is
            self.weights[meant[0].country or ""] += (
                WEIGHT_DATELINE if ctx.cue == "dateline" else WEIGHT_PLACE
            )
        return True

    # --- which place each one is ----------------------------------------------------------

    def resolve(self, cands: list[_Candidate]) -> None:
        """Choose the reading of every accepted candidate, outer units first."""
        # "Jowhar, Middle Shabelle": Middle Shabelle is chosen first, then Jowhar inside it
        anchors: list[_Candidate] = []
        for c in sorted(cands, key=_height, reverse=True):
            c.chosen = self._choose(c, anchors)
            if len({(r.country, r.admin1) for r in c.rows}) == 1 or c.container or c.inner:
                anchors.append(c)

    def _choose(self, c: _Candidate, anchors: list[_Candidate]) -> PlaceRow:
        rows = list(c.rows)
        why: list[str] = []
        if c.ctx.kinds:
            preferred = [r for r in rows if r.kind in c.ctx.kinds]
            if preferred:
                rows = sorted(preferred, key=lambda r: c.ctx.kinds.index(r.kind))
        elif rows[0].source == "countries.tsv":
            c.evidence.append("a country named")
            return rows[0]
        if c.container is not None:
            units = [c.container.chosen] if c.container.chosen else c.container.rows
            inside = [r for r in rows if self._contains_any(units, [r])]
            if inside:
                rows = inside
                why.append(f"inside {c.container.text}")
        if c.inner is not None:
            holding = [r for r in rows if self._contains_any([r], c.inner.rows)]
            if holding:
                rows = holding
                why.append(f"holds {c.inner.text}")
        if _prominent(rows[0]) and not c.container:
            # a namesake hamlet in an article country does not beat a city: "Baghdad" in a
            # report naming the United States is still the Iraqi capital
            rows = [r for r in rows if _prominent(r)]
        # the article's countries choose among readings of comparable size only
        floor = rows[0].population / FIT_MAX_POPULATION_RATIO
        comparable = [r for r in rows if r.population >= floor or r.population == 0 or c.container]
        best = max((self.weights.get(r.country or "", 0) for r in comparable), default=0)
        if best and len({r.country for r in rows}) > 1:
            rows = [r for r in comparable if self.weights.get(r.country or "", 0) == best]
            why.append(f"article country {rows[0].country}")
        if len({(r.country, r.admin1) for r in rows}) > 1 and anchors:
            near = self._nearest(rows, anchors)
            if near is not None:
                rows = [near[0]]
                why.append(f"near {near[1].text} ({near[2]:.0f} km)")
        spelled = [r for r in rows if _plain(r.alias) == _plain(c.text)]
        if spelled and len(spelled) < len(rows) and not why:
            rows = spelled  # "Samarra" is Sāmarrā’, not Samara, which folds alike
            why.append("spelled so")
        if len(rows) > 1 and not why:
            why.append(f"most prominent of {len(c.rows)}")
        c.evidence.extend(why or ["only reading"])
        return rows[0]

    def _nearest(
        self, rows: list[PlaceRow], anchors: list[_Candidate]
    ) -> tuple[PlaceRow, _Candidate, float] | None:
        best: tuple[PlaceRow, _Candidate, float] | None = None
        for r in rows:
            for a in anchors:
                p = a.chosen
                if p is None or None in (r.latitude, r.longitude, p.latitude, p.longitude):
                    continue
                km = _km(r.latitude, r.longitude, p.latitude, p.longitude)  # type: ignore[arg-type]
                if km <= NEARBY_KM and (best is None or km < best[2]):
                    best = (r, a, km)
        return best

    def _contains_any(self, units: list[PlaceRow], places: list[PlaceRow]) -> bool:
        return any(self._contains(u, p) for u in units for p in places)

    def _contains(self, unit: PlaceRow, place: PlaceRow) -> bool:
        """Return True if ``place`` lies in ``unit`` (by the index's parents, else by names)."""
        if unit.id == place.id or unit.country != place.country or place.kind == "country":
            return False
        if unit.kind == "country":
            return True
        if unit.kind == "city" and place.kind != "city":
            return False
        if unit.id in self._ancestors_of(place):
            return True
        same = _same_unit
        if unit.kind == "admin1" or unit.source == "regions.tsv":
            return place.kind != "admin1" and same(place.admin1, unit.admin1 or unit.name)
        if unit.kind == "admin2":
            return place.kind == "city" and same(place.admin2, unit.admin2 or unit.name)
        # "the Hodan district of Mogadishu": a city holds its own districts
        return unit.kind == "city" and place.kind == "admin2" and same(place.admin1, unit.admin1)

    def _ancestors_of(self, row: PlaceRow) -> set[int]:
        if row.id not in self._ancestors:
            seen: set[int] = set()
            parent = row.parent_id
            while parent is not None and parent not in seen and len(seen) < 4:
                seen.add(parent)
                up = self.index.get(parent)
                parent = up.parent_id if up else None
            self._ancestors[row.id] = seen
        return self._ancestors[row.id]


def _object_of(sentence: Sentence, start: int) -> str:
    """Return a cue for a name that is the object of a physical event ("shelled Jisr al-Shughur").

    An actor there is an actor (the dictionary found it before); an unknown name that is
    attacked, stormed or shelled is most often a place.
    """
    from events.pipeline.eventcoding import PHYSICAL_TYPES  # noqa: PLC0415 - cycle

    before = sentence.text[:start]
    for t in _triggers(sentence.text):
        physical = t.trigger.event_type in PHYSICAL_TYPES and t.end <= start
        if physical and re.fullmatch(r"\s+(?:the\s+)?", before[t.end :]):
            return f"object of '{t.text}'"
    return ""


@functools.lru_cache(maxsize=64)
def _triggers(text: str) -> list[Any]:
    from events.pipeline.triggers import find_triggers  # noqa: PLC0415 - triggers loads claims

    return find_triggers(text)


def _height(c: _Candidate) -> int:
    """Return how many places are nested in ``c`` by apposition ("X, Y district, Z province")."""
    n, inner = 0, c.inner
    while inner is not None and n < 5:
        n, inner = n + 1, inner.inner
    return n


def _cue(before: str) -> str:
    """Return the locative cue before a name, over a direction word ("in northern Idlib")."""
    window = before[-60:]
    m = locative_pattern().search(window)
    if m is None:
        d = _direction_before().search(window)
        m = locative_pattern().search(window[: d.start()]) if d else None
    return " ".join(m.group().split()) if m else ""


@functools.cache
def _direction_before() -> re.Pattern[str]:
    words = place_word_pattern("direction").pattern
    return re.compile(rf"{words}\s+$", re.IGNORECASE)


def _plain(name: str) -> str:
    """Return ``name`` without case, accents and punctuation (no transliteration rules)."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum())


def _same_unit(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    fold = _index().fold
    return fold(bare_admin_name(a)) == fold(bare_admin_name(b))


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, h)))


def _article_countries(doc: Document) -> Counter[str]:
    """Count the evidence for the article's countries: its actors and its source's country."""
    weights: Counter[str] = Counter()
    for a in doc.actors:
        if a.country and a.sector not in _PLACELESS_SECTORS:
            weights[a.country] += WEIGHT_ACTOR
    if doc.source:
        for m in actor_matcher().find(doc.source):
            if m.best.country and m.best.kind == "media":
                weights[m.best.country] += WEIGHT_SOURCE
    return weights
