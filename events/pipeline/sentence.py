"""The sentence the event coder works on, and what its claims are built from.

Shared by the modules of the ``events`` stage (``eventcoding``): the sentence with its
mentions (``CodingSentence``), the clause boundaries, the type sets and the confidence
features of a claim.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from dataclasses import dataclass

from events import lexicon
from events.pipeline.claims import (
    CueMatch,
)
from events.pipeline.doc import (
    ActorMention,
    Attribution,
    Claim,
    DateMention,
    PlaceMention,
    Sentence,
)
from events.pipeline.triggers import (
    Trigger,
    TriggerMatch,
)

#: Verbal event types: the speaker is the source when the sentence names no other subject.
VERBAL_TYPES = frozenset(
    {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "REQUEST", "ACCUSE", "REJECT", "THREATEN"}
)


#: Confidence features, summed and clipped to [0, 1]. Chosen so that a specific trigger with
#: both roles and a date (0.85) outranks a generic one-word trigger with a source only (0.55).
CONF_BASE = 0.35


CONF_MULTIWORD = 0.1


CONF_MODE = 0.05


CONF_SOURCE = 0.2


CONF_TARGET = 0.1


CONF_DATE = 0.05


CONF_PLACE = 0.05


CONF_EMBEDDED = -0.15  # a trigger inside the complement of another event ("condemned the attack")


CONF_NEGATED = -0.2


CONF_GENERIC = -0.1  # weak triggers marked "low specificity" in the lexicon notes


#: Types whose noun trigger takes its doer in a by-phrase ("an attack by X").
FORCE_TYPES = frozenset({"ASSAULT", "COERCE"})


#: Weapon modes (ACLED Explosions/Remote violence): they tell how, whoever was hit.
REMOTE_MODES = ("heavy-weapons", "aerial", "drone", "explosives", "suicide-attack", "cbrn")


BY = re.compile(r"^\s*(?:\S+\s+){0,4}?by\s+$", re.I)


#: Words that open another clause: roles are not read across them. Sentences are already
#: split, so a period here is an abbreviation ("U.S.") and not a boundary.
CLAUSE_BREAK = re.compile(
    r";|—|–|:|\band\s+(?=(?:is|are|was|were|has|have|had|will|would|also)\b)|\b(?:when|while|whereas|because|although|though|but|which|who|whom|after|before|since|"
    r"whereby|where|if|unless|until|without)\b",
    re.I,
)


LOCATIVE = re.compile(
    r"\b(?:in|at|near|inside|into|across|throughout|within|outside|around|on)\s+(?:the\s+)?$", re.I
)


#: Sectors of state organs, which a place word before them would make national (sectors.tsv
#: ``state``; kept as a name for the modules that import it).
STATE_AGENT_SECTORS = lexicon.state_sectors()


#: Sectors of actors that have no country by nature (sectors.tsv ``transnational``).
NONSTATE_SECTORS = lexicon.transnational_sectors()


#: Physical events: their date is when they happened, never when somebody spoke about them.
PHYSICAL_TYPES = frozenset(
    {"ASSAULT", "COERCE", "MOBILIZE", "PROTEST", "RETREAT", "AID", "SANCTION", "COOPERATE"}
)


@dataclass
class CodingSentence:
    """A sentence with the mentions the coder needs, offsets in the section container."""

    sent: Sentence
    actors: list[ActorMention]
    dates: list[DateMention]
    places: list[PlaceMention]
    att: Attribution
    cues: list[CueMatch]
    triggers: list[TriggerMatch] = dataclasses.field(default_factory=list)
    #: Start of an embedded trigger -> end of the verbal trigger embedding it.
    embedding: dict[int, int] = dataclasses.field(default_factory=dict)
    #: (start, end, text) of a trigger -> the clause breaks around it (roles.clause asks
    #: several times per trigger; the sentence's text does not change).
    break_bounds: dict[tuple[int, int, str], tuple[int, int]] = dataclasses.field(
        default_factory=dict, compare=False, repr=False
    )

    def text(self, start: int, end: int) -> str:
        base = self.sent.start
        return self.sent.text[max(start - base, 0) : max(end - base, 0)]


def words_between(s: CodingSentence, a: int, b: int) -> int:
    return len(re.findall(r"\S+", s.text(a, b)))


def nearest(items: list, pos: int):  # type: ignore[no-untyped-def,type-arg]
    return min(items, key=lambda m: abs(m.start - pos)) if items else None


def clause_end(s: CodingSentence, pos: int) -> int:
    m = re.search(r"[,;:”\"]|\.\s|\.$", s.text(pos, s.sent.end))
    return pos + m.start() if m else s.sent.end


def confidence(claim: Claim, trig: Trigger, embedded: bool) -> float:
    score = CONF_BASE
    score += CONF_MULTIWORD if trig.words > 1 else 0.0
    score += CONF_MODE if claim.event_mode else 0.0
    score += CONF_SOURCE if claim.actors("source") else 0.0
    score += CONF_TARGET if claim.actors("target") else 0.0
    score += CONF_DATE if claim.date is not None else 0.0
    score += CONF_PLACE if claim.place is not None else 0.0
    score += CONF_EMBEDDED if embedded else 0.0
    score += CONF_NEGATED if claim.negated else 0.0
    score += CONF_GENERIC if trig.generic else 0.0
    return round(min(max(score, 0.0), 1.0), 3)


def attribution_for(s: CodingSentence, modality: str) -> Attribution:
    att = copy.copy(s.att)
    att.modality = modality  # type: ignore[assignment]
    return att


def base_claim(
    s: CodingSentence, trig: TriggerMatch, event_type: str, mode: str | None, rule: str
) -> Claim:
    return Claim(
        sentence_index=s.sent.index,
        section=s.sent.section,
        char_start=s.sent.start,
        char_end=s.sent.end,
        sentence=s.sent.text,
        trigger=trig.text,
        trigger_start=trig.start,
        trigger_end=trig.end,
        event_type=event_type,
        event_mode=mode or None,
        rule=rule,
    )
