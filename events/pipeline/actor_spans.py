"""Spans shared by the actor readers: a mention at sentence offsets, and modifier chains.

A modifier chain is the run of countries or organisations before a head noun ("Russian,
Azerbaijani and Armenian Foreign Ministers", "Turkish F-16 fighter jets"): both the agent reader
(:mod:`events.pipeline.actors`) and the title reader (:mod:`events.pipeline.persons`) use it.
"""

from __future__ import annotations

import re

from events.gazetteer import Match
from events.pipeline.doc import ActorMention, Sentence

#: At most this many words may stand between a country and its agent noun
#: ("Turkish F-16 fighter jets", "Armenian armed forces"). Three let through
#: the equipment names seen in news text without reaching across clauses.
MAX_MODIFIER_GAP_WORDS = 3

# Closed-class words (grammar, not lexicon): they end a gap between a country
# and its agent noun ("Turkey said troops ...") and can't be part of a name.
_GAP_STOPWORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "and",
        "or",
        "but",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "into",
        "that",
        "which",
        "who",
        "whom",
        "said",
        "says",
        "say",
        "told",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "will",
        "would",
        "could",
        "should",
        "may",
        "might",
        "can",
        "its",
        "their",
        "his",
        "her",
        "our",
        "your",
        "this",
        "these",
        "those",
        "than",
        "as",
        "if",
        "when",
        "while",
        "not",
        "no",
        "after",
        "before",
        "since",
        "during",
        "against",
        "over",
        "under",
        "between",
        "about",
    ]
)
# "-backed", "-funded": the noun's country is not the modifier's ("Turkish-backed militants").
# "-led" is not among them: "Vietnamese-led forces" are led, hence commanded, by Vietnam.
# "-occupied", "-held": the noun is in a territory the modifier holds ("Israeli-occupied").
_SPONSOR_WORDS = re.compile(
    r"-(?:backed|supported|sponsored|allied|funded|trained|occupied|held|controlled)\b", re.I
)
#: "anti-Syria journalist", "pro-Russian separatists": a stance, not the noun's country.
_STANCE_BEFORE = re.compile(r"(?:^|[\s(])(?:anti|pro)-$", re.IGNORECASE)
#: A count opens a new noun phrase ("... killed two civilians"): a modifier never reaches over it.
_COUNT_WORD = re.compile(
    r"\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|scores"
    r"|hundreds|thousands|several|many|some",
    re.IGNORECASE,
)
#: A lower-case "-ed" word followed by more words is a verb ("shelling killed two"); right before
#: the head it is an adjective ("unmanned drones", "guided missiles") and may stay.
_PARTICIPLE = re.compile(r"[a-z]+ed")
_LEADING_POSSESSIVE = re.compile(r"^(?:'s|’s)(?=\s)")
_MODIFIER_TYPES = frozenset({"country", "adjective", "named"})
_CHAIN_SEP = re.compile(r"\s*(?:,|and|,\s*and|&)\s*")


def mention(sentence: Sentence, start: int, end: int, **fields: object) -> ActorMention:
    """Build a mention at sentence-relative ``start:end``."""
    return ActorMention(
        start=sentence.start + start,
        end=sentence.start + end,
        text=sentence.text[start:end],
        sentence_index=sentence.index,
        **fields,  # type: ignore[arg-type]
    )


# --------------------------------------------------------------------------
# Modifier chains: "Russian, Azerbaijani and Armenian" before a head noun
# --------------------------------------------------------------------------


def modifier_chain(text: str, matches: list[Match], head: int, allow_gap: bool) -> list[int]:
    """Return indexes of the country/organisation matches modifying the word at ``head``.

    The nearest modifier may be separated from the head by a possessive and,
    if ``allow_gap``, a few words; earlier ones must be joined to it by commas
    or "and". Returned in text order.
    """
    before = [i for i, m in enumerate(matches) if m.end <= head]
    if not before:
        return []
    last = before[-1]
    if matches[last].best.type not in _MODIFIER_TYPES:
        return []
    if not _gap_ok(text[matches[last].end : head], allow_gap):
        return []
    if _STANCE_BEFORE.search(text[max(0, matches[last].start - 5) : matches[last].start]):
        return []
    if matches[last].best.type == "named":
        return [last]
    chain = [last]
    for i in reversed(before[:-1]):
        if matches[i].best.type not in ("country", "adjective"):
            break
        if not _CHAIN_SEP.fullmatch(text[matches[i].end : matches[chain[0]].start]):
            break
        chain.insert(0, i)
    return chain


def _gap_ok(gap: str, allow_gap: bool) -> bool:
    """Return True if ``gap`` may stand between a modifier and its head noun."""
    if _SPONSOR_WORDS.match(gap):
        return False
    words = _LEADING_POSSESSIVE.sub("", gap).split()
    if not words:
        return not gap.strip() or bool(_LEADING_POSSESSIVE.match(gap))
    if not allow_gap or len(words) > MAX_MODIFIER_GAP_WORDS:
        return False
    if any(_COUNT_WORD.fullmatch(w) for w in words) or any(
        _PARTICIPLE.fullmatch(w) for w in words[:-1]
    ):
        return False  # "Russian shelling killed two civilians": a clause, not one noun phrase
    return all(w.lower() not in _GAP_STOPWORDS and re.fullmatch(r"[\w.\-]+", w) for w in words)
