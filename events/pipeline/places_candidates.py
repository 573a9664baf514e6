"""Candidate place names of a sentence: runs of capitalised words and their sub-sequences.

Step 1 of the places stage (:mod:`events.pipeline.places`), with the shapes of text around a
name that the later steps read (a distance phrase, an apposition).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from events.gazetteer import (
    place_word,
    place_word_pattern,
    placeword_stoplist,
)
from events.geoindex import (
    PlaceRow,
)
from events.pipeline.doc import Sentence

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

_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_POSSESSIVE_ENDINGS = ("'s", "’s")
_RUN_GAP = re.compile(r"[ \t]+|[ \t]*-[ \t]*")
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


@dataclass(slots=True)
class _Token:
    start: int
    end: int
    text: str
    cap: bool
    ends_run: bool = False  # a possessive "'s" follows: "Kabul's"


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
        word, start = m.group(), m.start()
        if len(word) > 3 and word[-2:] in _POSSESSIVE_ENDINGS:  # "Kabul's"
            out.append(_Token(start, m.end() - 2, word[:-2], word[:1].isupper(), True))
        else:
            out.append(_Token(start, m.end(), word, word[:1].isupper()))
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
        # The name words of each piece, found once (not once per sub-sequence of the run).
        names: dict[int, list[_Token]] = {}
        for piece in pieces:
            words = _name_words(piece, actors)
            for tok in piece:
                names[id(tok)] = words
        for i in range(len(run)):
            if not _startable(run, i):
                continue
            for j in range(i, min(len(run), i + max_words)):
                if not run[j].cap:
                    continue
                start, end = run[i].start, run[j].end
                given = names.get(id(run[i]))
                if given is None:  # pragma: no cover - a startable word is in a piece
                    given = _name_words(run[i : j + 1], actors)
                # The words of a run are in text order: outside run[i..j] is before or after.
                full = all(start <= t.start < end for t in given)
                out.append(_Candidate(sentence, start, end, text[start:end], j - i + 1, full))
        # "Bosnia and Herzegovina", "Trinidad and Tobago": two runs joined by "and"
    for m in re.finditer(r"\b([A-Z][\w'’-]+) and ([A-Z][\w'’-]+)\b", text):
        out.append(_Candidate(sentence, m.start(), m.end(), m.group(), 3, run_full=True))
    return out


def _overlaps(a: int, b: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(s < b and a < e for s, e in spans)
