"""Match many aliases against a text in one pass: an Aho-Corasick automaton on word bounds.

The actor dictionary of :mod:`events.gazetteer` is one :class:`Matcher` over every alias of
countries, named actors and agent nouns; a hit carries the :class:`Entry` records it stands for.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

log = logging.getLogger(__name__)


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


#: Texts whose matches a Matcher keeps (matches are frozen; each caller gets its own list).
RECENT_TEXTS = 4096


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
        self._recent: dict[str, tuple[Match, ...]] = {}
        log.debug("%s automaton: %d aliases in %.3f s", name, self.size, self.build_seconds)

    def find(self, text: str) -> list[Match]:
        """Return the non-overlapping matches in ``text``, leftmost-longest first."""
        if not self.size or not text:
            return []
        # A sentence is matched twice (the article's countries first, then its actors).
        found = self._recent.get(text)
        if found is None:
            if len(self._recent) >= RECENT_TEXTS:
                self._recent.clear()
            found = self._recent[text] = tuple(self._find(text))
        return list(found)

    def _find(self, text: str) -> list[Match]:
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
