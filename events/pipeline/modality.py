"""Modality per trigger: hedged, denied, conditional, negated or announced (future)."""

from __future__ import annotations

import re

from events.pipeline.claims import (
    HEDGING_KINDS,
    CueMatch,
    strongest,
)
from events.pipeline.sentence import CodingSentence, clause_end, words_between
from events.pipeline.triggers import (
    TriggerMatch,
)

#: Words between "will" and a trigger for the intention shift ("will soon provide").
INTENT_WINDOW_WORDS = 3


#: Words between a negation and the trigger it negates ("did not immediately attack").
NEGATION_WINDOW_WORDS = 3


def trigger_modality(s: CodingSentence, trig: TriggerMatch) -> str:
    """Return the modality that covers one trigger.

    Hedges and denials (alleged, denied) cover the whole sentence; tense and conditions cover
    the rest of their clause, so "the attack will not stop" keeps the attack asserted.
    """
    found = []
    for cue in s.cues:
        m = cue.cue.modality
        if not m or cue.cue.kind not in HEDGING_KINDS:
            continue
        if m in {"alleged", "denied"}:
            if m == "denied" and cue.start < trig.end and trig.start < cue.end:
                continue  # "denied access" is the REJECT trigger itself
            if _later_report(s, cue, trig):
                continue  # "denied the figures and said the group had killed ...": a new claim
            found.append(m)
        elif cue.start <= trig.start < clause_end(s, cue.end) or (
            cue.end <= trig.start and m == "conditional" and _in_condition(s, cue, trig)
        ):
            found.append(m)
    return strongest(found)


def _later_report(s: CodingSentence, cue: CueMatch, trig: TriggerMatch) -> bool:
    """Return True when a reporting cue stands between a hedging verb and a later trigger.

    A denial or claim made with a verb governs its own complement; "X denied A and said B"
    asserts B. Adverbs ("reportedly") and postposed hedges (", a claim the army denied") have no
    such limit.
    """
    if cue.cue.speaker != "before" or trig.start < cue.end:
        return False
    return any(
        c.cue.kind in {"report", "relay"} and cue.end <= c.start and c.end <= trig.start
        for c in s.cues
    )


def _in_condition(s: CodingSentence, cue: CueMatch, trig: TriggerMatch) -> bool:
    return trig.start < clause_end(s, cue.end)


def is_negated(s: CodingSentence, trig: TriggerMatch) -> bool:
    for cue in s.cues:
        if (
            cue.cue.kind == "negation"
            and cue.end <= trig.start
            and words_between(s, cue.end, trig.start) <= NEGATION_WINDOW_WORDS
            and not re.search(r"[,;]", s.text(cue.end, trig.start))
        ):
            return True
    return False


def is_future(s: CodingSentence, trig: TriggerMatch) -> bool:
    """Return True when the agent announces the event ("will impose sanctions").

    An estimate by someone else ("is expected to impose sanctions") predicts the event itself.
    """
    for cue in s.cues:
        if (
            cue.cue.kind == "modality"
            and cue.cue.modality == "predicted"
            and not cue.cue.estimate
            and cue.end <= trig.start
        ):
            gap = s.text(cue.end, trig.start)
            if len(re.findall(r"\S+", gap)) <= INTENT_WINDOW_WORDS and not re.search(r"[,;]", gap):
                return True
    return False
