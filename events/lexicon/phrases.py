"""Compile lexicon phrases (triggers, cues) to regexes and index them by first word.

A phrase is written in lemmas: the compiler adds regular inflections ("attack" also matches
"attacks", "attacked", "attacking"); ``a/b`` lists irregular forms ("meet/met"), ``word=``
turns inflection off, ``...`` allows a few words between tokens (``... ...`` twice as many)
and ``*`` is a speaker slot.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from events.errors import SeedError
from events.lexicon.automaton import fold_case

#: Words in a speaker slot ("quoted * as saying"); longer slots are not a speaker name.
SLOT_MAX_WORDS = 6
#: Texts whose phrase matches a PhraseIndex keeps (a long article's sentences, many times over).
RECENT_TEXTS = 4096
#: Words ``...`` allows between two tokens; each further ``...`` allows as many again.
GAP_WORDS = 4

FUNCTION_WORDS = frozenset(
    "the a an of on in at to for by with from and or but as into onto over under its his her "
    "their our your this that these those is are was were be been has have had will would "
    "out up down off".split()
)


def inflections(word: str) -> set[str]:
    """Return ``word`` with its regular inflections (plural, -ed, -ing, third person)."""
    w = word.lower()
    if len(w) < 3 or not w.isalpha() or w in FUNCTION_WORDS:
        return {w}
    forms = {w}
    if w.endswith("e"):
        forms |= {w + "s", w + "d", w[:-1] + "ing"}
    elif w.endswith("y") and w[-2] not in "aeiou":
        forms |= {w[:-1] + "ies", w[:-1] + "ied", w + "ing"}
    elif w.endswith(("s", "sh", "ch", "x", "z")):
        forms |= {w + "es", w + "ed", w + "ing"}
    else:
        forms |= {w + "s", w + "ed", w + "ing"}
        if re.search(r"[^aeiou][aeiou][bdgklmnprt]$", w):
            # Double the final consonant (ban -> banned); the undoubled form stays too, since
            # stress decides and a harmless extra alternative costs nothing.
            forms |= {w + w[-1] + "ed", w + w[-1] + "ing"}
    if w.endswith("ize"):
        forms |= inflections(w[:-3] + "ise")
    return forms


def _token_regex(token: str, inflect: bool) -> str:
    alternatives: set[str] = set()
    for alt in token.split("/"):
        exact = alt.endswith("=")
        alt = alt.rstrip("=")
        if not alt:
            continue
        forms = inflections(alt) if inflect and not exact else {alt.lower()}
        alternatives |= forms
    parts = sorted(alternatives, key=len, reverse=True)
    escaped = [re.escape(p).replace("'", "['’]").replace("’", "['’]") for p in parts]
    return "(?:" + "|".join(escaped) + ")"


def phrase_regex(phrase: str, *, inflect: bool, slot_group: str | None = None) -> str:
    """Compile one lexicon phrase to a regex fragment (see the header of seeds/triggers.tsv).

    ``...`` allows a few words between tokens (``... ...`` twice as many, for a place and a
    date between a verb and its purpose), ``*`` is a speaker slot captured in
    ``slot_group``, ``a/b`` lists irregular forms and ``word=`` turns inflection off.
    """
    out: list[str] = []
    joiner_pending = False
    gaps = 0
    for token in phrase.split():
        if token == "...":
            gaps += 1
            continue
        if token == "*":
            name = f"?P<{slot_group}>" if slot_group else "?:"
            piece = rf"({name}\S+(?:\s+\S+){{0,{SLOT_MAX_WORDS - 1}}}?)"
        else:
            piece = _token_regex(token, inflect)
        if joiner_pending:
            out.append(rf"(?:\s+\S+){{0,{GAP_WORDS * gaps}}}?\s+" if gaps else r"\s+")
        out.append(piece)
        joiner_pending = True
        gaps = 0
    if not out:
        raise SeedError(f"empty lexicon phrase {phrase!r}")
    return r"(?<![\w-])" + "".join(out) + r"(?![\w-])"


_WORD = re.compile(r"\w[\w'’-]*")


def _first_forms(phrase: str, inflect: bool) -> set[str]:
    token = phrase.split()[0]
    forms: set[str] = set()
    for alt in token.split("/"):
        exact = alt.endswith("=")
        alt = alt.rstrip("=").lower()
        if alt:
            forms |= inflections(alt) if inflect and not exact else {alt}
    return {f.replace("’", "'") for f in forms}


@dataclass(frozen=True)
class PhraseIndex:
    """Lexicon phrases indexed by their first word: one hash lookup per word of the text.

    Each phrase is its own anchored regex, tried only where its first word occurs, so the cost
    grows with the words of the text, not with the size of the lexicon. A phrase's regex is
    compiled the first time its first word is met: a short report meets few of them, and
    compiling all (1,300 regexes) cost a one-article ingest a second.
    """

    by_first: dict[str, tuple[int, ...]]  # first word -> phrase numbers, in priority order
    phrases: tuple[str, ...]  # each phrase, written to a regex and compiled on first use
    inflect: bool
    compiled: dict[int, re.Pattern[str]] = field(default_factory=dict, compare=False, repr=False)
    #: The matches of recent texts: a sentence is scanned by the place stage (an unknown name
    #: after "shelled"), then by event coding and attribution; the answer does not change.
    recent: dict[str, tuple[tuple[int, re.Match[str]], ...]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @classmethod
    def build(cls, phrases: list[str], *, inflect: bool, priority: list[int]) -> PhraseIndex:
        """Index ``phrases``; among those sharing a first word, lower ``priority`` goes first."""
        table: dict[str, list[tuple[int, int]]] = {}
        for i, phrase in enumerate(phrases):
            if all(token == "..." for token in phrase.split()):
                raise SeedError(f"empty lexicon phrase {phrase!r}")  # as phrase_regex says
            for form in _first_forms(phrase, inflect):
                table.setdefault(form, []).append((priority[i], i))
        by_first = {k: tuple(i for _, i in sorted(v)) for k, v in table.items()}
        return cls(by_first, tuple(phrases), inflect)

    def source(self, i: int) -> str:
        """Return phrase ``i``'s regex (written when first needed, like its compiled form)."""
        return phrase_regex(self.phrases[i], inflect=self.inflect, slot_group="slot")

    def regex(self, i: int) -> re.Pattern[str]:
        """Return phrase ``i``'s compiled regex."""
        found = self.compiled.get(i)
        if found is None:
            found = self.compiled[i] = re.compile(self.source(i), re.IGNORECASE)
        return found

    def finditer(self, text: str) -> Iterator[tuple[int, re.Match[str]]]:
        """Yield (phrase index, match), leftmost first, without overlaps."""
        found = self.recent.get(text)
        if found is None:
            if len(self.recent) >= RECENT_TEXTS:
                self.recent.clear()
            found = self.recent[text] = tuple(self._scan(text))
        return iter(found)

    def _scan(self, text: str) -> Iterator[tuple[int, re.Match[str]]]:
        # Fold the text once (same length, so offsets hold), not each of its words.
        folded = fold_case(text).replace("’", "'")
        by_first = self.by_first
        pos = 0
        for w in _WORD.finditer(folded):
            start = w.start()
            if start < pos:
                continue
            word = w.group()
            candidates = by_first.get(word)
            if not candidates:
                # "aid-agency": try the part before a hyphen too.
                if "-" not in word:
                    continue
                candidates = by_first.get(word.split("-")[0])
                if not candidates:
                    continue
            for i in candidates:
                m = self.regex(i).match(text, start)
                if m:
                    yield i, m
                    pos = m.end()
                    break


def alternation_pattern(phrases: list[str] | tuple[str, ...], template: str) -> re.Pattern[str]:
    """Compile phrases, longest first, into ``template`` (which holds ``{alternation}``).

    Spaces in a phrase match any run of white space; the pattern is case-insensitive. With no
    phrases the pattern matches nothing.
    """
    ordered = sorted(phrases, key=len, reverse=True)
    if not ordered:
        return re.compile(r"(?!x)x")
    alternation = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)
    return re.compile(template.replace("{alternation}", alternation), re.IGNORECASE)


_RUN = re.compile(r"\w+")


def first_words(phrases: Iterable[str]) -> frozenset[str] | None:
    """Return the lower-case first word of each phrase, for :func:`finditer_at_words`.

    None when a phrase does not start with an ASCII word: then the shortcut could miss a
    match (a non-ASCII letter may match an ASCII one when case is ignored).
    """
    out = set()
    for phrase in phrases:
        m = _RUN.match(phrase)
        if m is None or not m.group().isascii():
            return None
        out.add(m.group().lower())
    return frozenset(out)


def finditer_at_words(
    regex: re.Pattern[str], firsts: frozenset[str] | None, text: str
) -> Iterator[re.Match[str]]:
    """Yield what ``regex.finditer(text)`` yields, trying ``regex`` only where it can match.

    For a regex whose every match starts at a word's start with one of ``firsts`` (the
    first word of a phrase, followed in the regex by a space, a hyphen, a full stop or a
    word boundary). A word that is not ASCII is always tried: which letters match one
    another when case is ignored is the regex's business. Same matches, in the same order,
    without running the whole alternation at every position of the text.
    """
    if firsts is None:
        yield from regex.finditer(text)
        return
    pos = 0
    for w in _RUN.finditer(text):
        start = w.start()
        if start < pos:
            continue
        word = w.group()
        if word.isascii() and not word[0].isdigit() and word.lower() not in firsts:
            continue
        m = regex.match(text, start)
        if m is not None:
            yield m
            pos = m.end()
