"""Decide whether a candidate is a place and which place it is (steps 2 and 3 of the places stage).

See :mod:`events.pipeline.places` for the evidence used and its order; the thresholds below were
calibrated on the place notes and the PLOVER and UCDP development sets.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections import Counter
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
from events.pipeline.doc import Document, Sentence
from events.pipeline.places_candidates import (
    _Candidate,
    _Context,
    _overlaps,
    apposition_gap,
    common_word,
    distance_reference,
)

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
#: Sectors whose country says nothing about where the article is: outlets and IGOs.
_PLACELESS_SECTORS = frozenset({"MED", "IGO", "NGO"})
_SENTENCE_OPEN = re.compile(r"^[\W\d_]*$")
_HONORIFIC_BEFORE = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Dr|Sheikh|Mullah|Haji)\.?\s+$")
_SPEECH_BEFORE = re.compile(r"\b(?:said|says|told|according\s+to|named|identified\s+as)\s+$", re.I)
_SPEECH_AFTER = re.compile(r"^,?\s+(?:said|says|told|added|explained|noted)\b", re.I)
_AGE_AFTER = re.compile(r"^\s*,\s*(?:aged\s+)?\d{1,3}\s*,")
_LIST_GAP = re.compile(r"^\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+|&\s*)(?:the\s+)?$", re.I)


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


#: Kinds of place that are administrative units (which hold the places named before them).
_UNITS = frozenset({"admin1", "admin2"})


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
