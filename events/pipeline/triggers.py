"""The trigger lexicon: words that report an event, with their PLOVER type and mode.

``seeds/triggers.tsv`` is read once into :class:`Trigger` records and one phrase index
(inflected forms included); :func:`find_triggers` returns the matches of a text.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

from events.errors import SeedError
from events.pipeline.claims import PhraseIndex
from events.seeds import read_tsv

log = logging.getLogger(__name__)

PLOVER_TYPES = (
    "ACCUSE AGREE AID ASSAULT COERCE CONCEDE CONSULT COOPERATE MOBILIZE PROTEST REJECT "
    "REQUEST RETREAT SANCTION SUPPORT THREATEN"
).split()

# ---------------------------------------------------------------------------------------------
# Trigger lexicon
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Trigger:
    """One pattern of ``seeds/triggers.tsv``."""

    pattern: str
    event_type: str
    mode: str
    voice: str
    words: int  # tokens in the pattern: multiword patterns are more specific
    generic: bool

    @property
    def rule(self) -> str:
        lemma = self.pattern.replace(" ... ", " ").split("/")[0].rstrip("=")
        return f"trigger:{lemma}/{self.event_type}"


@dataclass(frozen=True)
class TriggerMatch:
    """A trigger found in a section container."""

    trigger: Trigger
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class _TriggerLexicon:
    triggers: tuple[Trigger, ...]
    index: PhraseIndex


_VOICES = {"", "reciprocal", "theme", "undergoer", "control", "deontic", "allege"}


@functools.cache
def trigger_lexicon() -> _TriggerLexicon:
    """Load ``seeds/triggers.tsv`` once and index its patterns by first word."""
    triggers: list[Trigger] = []
    for row in read_tsv("triggers.tsv"):
        if row["event_type"] not in PLOVER_TYPES:
            raise SeedError(f"triggers.tsv: unknown event type {row['event_type']!r}")
        if row["voice_hint"] not in _VOICES:
            raise SeedError(f"triggers.tsv: unknown voice_hint {row['voice_hint']!r}")
        generic = "low specificity" in row["notes"]
        for pattern in row["pattern"].split("|"):
            pattern = pattern.strip()
            if pattern:
                words = len([t for t in pattern.split() if t != "..."])
                triggers.append(
                    Trigger(
                        pattern, row["event_type"], row["mode"], row["voice_hint"], words, generic
                    )
                )
    # Longer patterns first where patterns share a first word ("launch ... attack" over "launch").
    priority = [-1000 * t.words - len(t.pattern) for t in triggers]
    index = PhraseIndex.build([t.pattern for t in triggers], inflect=True, priority=priority)
    log.debug("loaded %d trigger patterns", len(triggers))
    return _TriggerLexicon(tuple(triggers), index)


def find_triggers(text: str, offset: int = 0) -> list[TriggerMatch]:
    """Return the triggers in ``text`` (non-overlapping, leftmost-longest by pattern order)."""
    lex = trigger_lexicon()
    return [
        TriggerMatch(lex.triggers[i], m.start() + offset, m.end() + offset, m.group())
        for i, m in lex.index.finditer(text)
    ]
