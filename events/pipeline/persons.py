"""Persons read by their title: "<country>? <title> ,? <Name Name>", and lists of them.

"Russian, Azerbaijani and Armenian Foreign Ministers, Sergey Lavrov, Jeyhun Bayramov and Zohrab
Mnatsakanyan" pairs names and countries in order; a dictionary person keeps its own key.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from events import lexicon
from events.gazetteer import Entry, Match, Title, actor_matcher, lookup_title, slug, title_matches
from events.pipeline.actor_spans import mention, modifier_chain
from events.pipeline.doc import ActorMention, Sentence

#: A person's name has at most this many capitalised words after the title.
MAX_NAME_WORDS = 4

_NOT_NAME = frozenset(
    [
        "The",
        "A",
        "An",
        "He",
        "She",
        "It",
        "They",
        "We",
        "I",
        "You",
        "This",
        "That",
        "These",
        "Those",
        "There",
        "Here",
        "In",
        "On",
        "At",
        "But",
        "And",
        "Or",
        "If",
        "When",
        "While",
        "As",
        "After",
        "Before",
        "Since",
        "During",
        "For",
        "From",
        "To",
        "By",
        "With",
        "Of",
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
        "Today",
        "Yesterday",
        "Tomorrow",
        "Said",
        "Says",
    ]
)


@functools.cache
def _calendar_words() -> frozenset[str]:
    """Return month and weekday names (the lexicon's), which start no person's name."""
    words = set(lexicon.month_names()) | {
        w for d in lexicon.date_words() if d.kind == "weekday" for w in d.words
    }
    return frozenset(w.rstrip(".") for w in words)


_HONORIFIC = re.compile(r"(?:Mr|Mrs|Ms|Dr)\.?\s+")
_NAME_PARTICLES = frozenset(
    {
        "al",
        "el",
        "bin",
        "ibn",
        "abu",
        "de",
        "da",
        "di",
        "van",
        "von",
        "der",
        "la",
        "le",
        "du",
        "dos",
        "ben",
    }
)
_WORD = re.compile(r"[^\W\d_][\w'’.\-]*")
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_LIST_SEP = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+")
_COMMA_GAP = re.compile(r"\s*,?\s*")


@dataclass
class _Person:
    start: int
    end: int
    name: str


def persons_by_title(
    sentence: Sentence, matches: list[Match], consumed: set[int]
) -> list[ActorMention]:
    text = sentence.text
    out: list[ActorMention] = []
    for tm in title_matches(text):
        if any(
            m.best.type != "agent" and m.start < tm.end() and tm.start() < m.end for m in matches
        ):
            continue  # "General Assembly", "Foreign Ministry of Turkey"-like organisation names
        if any(
            m.best.type == "agent" and m.start < tm.end() < m.end and m.start <= tm.start()
            for m in matches
        ):
            continue  # "the General Staff said": the title word opens a longer agent noun
        title = lookup_title(tm.group())
        if title is None:
            continue
        capitalised = tm.group()[:1].isupper()
        persons = _read_names(text, tm.end(), matches, capitalised)
        if not persons:
            continue
        chain = modifier_chain(text, matches, tm.start(), allow_gap=False)
        countries = [matches[i].best for i in chain]
        if len(persons) > 1 and len(countries) not in (0, 1, len(persons)):
            persons = persons[:1]
        for i, m in enumerate(matches):
            if tm.start() <= m.start and m.end <= persons[-1].end:
                consumed.add(i)
        consumed.update(chain)
        for n, person in enumerate(persons):
            modifier = (
                countries[n]
                if len(countries) == len(persons)
                else (countries[0] if countries else None)
            )
            if len(persons) > 1:
                start = person.start  # each name of a list is its own mention
            else:
                start = matches[chain[0]].start if chain else tm.start()
            out.append(_person(sentence, start, person, title, modifier))
    return out


def _read_names(
    text: str, pos: int, matches: list[Match], capitalised_title: bool
) -> list[_Person]:
    """Read one name, or a list of names, starting at ``pos`` (after a title)."""
    first = _read_name(text, pos + len(_COMMA_GAP.match(text, pos).group()), matches)  # type: ignore[union-attr]
    if first is None:
        return []
    if (
        first.name.count(" ") == 0
        and not capitalised_title
        and not _is_known_person(first, matches)
    ):
        return []  # "the spokesman Monday ..." style noise: a lone word after a lower-case title
    names = [first]
    while True:
        sep = _LIST_SEP.match(text, names[-1].end)
        if not sep:
            break
        nxt = _read_name(text, sep.end(), matches)
        if nxt is None or " " not in nxt.name:
            break
        names.append(nxt)
    return names


def _read_name(text: str, pos: int, matches: list[Match]) -> _Person | None:
    """Read capitalised words from ``pos``; return the name they form, if any."""
    honorific = _HONORIFIC.match(text, pos)
    if honorific:
        pos = honorific.end()
    blocked = {m.start: m for m in matches if m.best.kind != "person"}
    words: list[tuple[int, int]] = []
    cursor = pos
    while len(words) < MAX_NAME_WORDS:
        gap = re.match(r"[ \t]*", text[cursor:]) if words else None
        start = cursor + (len(gap.group()) if gap else 0)
        if words and start == cursor:
            break
        w = _WORD.match(text, start)
        if not w:
            break
        word = w.group()
        bare = _POSSESSIVE.sub("", word).rstrip(".")
        if bare.lower() in _NAME_PARTICLES and words:
            cursor = w.end()
            words.append((start, w.end()))
            continue
        if (
            not bare[:1].isupper()
            or bare in _NOT_NAME
            or bare in _calendar_words()
            or start in blocked
            or len(bare) < 2
        ):
            break
        words.append((start, start + len(word)))
        cursor = w.end()
        if word != bare and not word.endswith("."):
            break  # a possessive ends the name: "Akar’s statement"
    while words and text[words[-1][0] : words[-1][1]].rstrip(".").lower() in _NAME_PARTICLES:
        words.pop()
    if not words:
        return None
    start, end = words[0][0], words[-1][1]
    raw = text[start:end]
    name = _POSSESSIVE.sub("", raw)
    if name.endswith(".") and not re.search(r"\b[A-Z]\.$", name):
        name = name[:-1]
    return _Person(start, start + len(name), name)


def _is_known_person(person: _Person, matches: list[Match]) -> bool:
    return any(m.best.kind == "person" and m.start == person.start for m in matches)


def _person(
    sentence: Sentence, start: int, person: _Person, title: Title, modifier: Entry | None
) -> ActorMention:
    """Build a person mention; a dictionary person keeps its own key and country."""
    known = next(
        (
            m
            for m in actor_matcher().find(person.name)
            if m.best.kind == "person" and m.end == len(person.name)
        ),
        None,
    )
    if known is not None:
        e = known.best
        key, name, country, wikidata = e.key, e.name, e.country, e.wikidata
    else:
        key, name, wikidata = f"person:{slug(person.name)}", person.name, None
        country = None
    rule = "person"
    parent = None
    if modifier is not None:
        if modifier.type == "named":
            parent, country = modifier.key, modifier.country or country
        else:
            country = modifier.country or modifier.key
    parent = parent or country
    return mention(
        sentence,
        start,
        person.end,
        key=key,
        name=name,
        kind="person",
        country=country,
        sector=title.sector,
        parent_key=parent,
        title=title.canonical,
        wikidata=wikidata,
        rule=rule,
        aliases=[person.name],
    )
