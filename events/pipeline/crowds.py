"""Crowds and accusations: a crowd's actions make a protest (a violent one a riot), and the
events inside an accusation are the accuser's allegation."""

from __future__ import annotations

import copy
import re

from events.pipeline.actors import (
    is_crowd,
    population_of,
)
from events.pipeline.claims import (
    strongest,
)
from events.pipeline.context import pick_date, pick_place
from events.pipeline.doc import (
    ActorMention,
    Claim,
    RoleFiller,
)
from events.pipeline.modality import trigger_modality
from events.pipeline.sentence import (
    CLAUSE_BREAK,
    CodingSentence,
    attribution_for,
    base_claim,
    clause_end,
    confidence,
)
from events.pipeline.triggers import (
    Trigger,
    TriggerMatch,
)

#: The main event of a sentence is its first with a source, but a protest outranks what its
#: crowd demands, and the dispersal and arrests that follow it ("protesters demanded ...").
MAIN_FIRST_TYPES = frozenset({"PROTEST"})


#: Events of which a crowd is the source that imply it is protesting.
#: Policing that shows a crowd is gathered (dispersal, tear gas, crackdown; not arrests).
DISPERSAL_MODES = frozenset({"restrict", "repression"})


CROWD_IMPLIES_PROTEST = frozenset({"REQUEST", "ACCUSE", "REJECT", "COERCE", "THREATEN", "ASSAULT"})


def _same_clause(s: CodingSentence, a: Claim, b: Claim) -> bool:
    lo, hi = sorted((a.trigger_start, b.trigger_start))
    return not CLAUSE_BREAK.search(s.text(lo, hi))


def _implies_protest(claim: Claim, crowd: ActorMention) -> bool:
    """Return True when a claim shows its crowd gathered: the crowd acts, or is dispersed.

    "Protesters demanded ..." and "police dispersed the demonstrators" report a gathering;
    "police arrested ten protesters" may come days after it and reports only the arrest.
    """
    if claim.event_type not in CROWD_IMPLIES_PROTEST:
        return False
    if any(a.key == crowd.key for a in claim.actors("source")):
        return True
    return claim.event_mode in DISPERSAL_MODES and any(
        a.key == crowd.key for a in claim.actors("target")
    )


def crowd_protest(claim: Claim) -> bool:
    """Return True for a protest by a crowd or population: the main event of its sentence."""
    return claim.event_type in MAIN_FIRST_TYPES and any(
        a.kind == "population" for a in claim.actors("source")
    )


def crowd_events(s: CodingSentence, claims: list[Claim]) -> None:
    """Make a crowd's actions a protest, and a violent one a riot.

    "Protesters demanded his resignation" reports a protest whose demand is the content: a
    crowd that is the source of an event adds the protest it implies. Violence by the crowd
    ("protesters clashed with police", "burned tyres") makes every protest of the sentence a
    riot (ACLED Riots); the crowd's clash is that riot, not a battle.
    """
    for c in claims:
        if c.event_type == "PROTEST":
            c.roles = [
                RoleFiller(r.role, population_of(r.actor)) if r.role == "source" else r
                for r in c.roles
            ]
            _relative_crowd(s, c)
    crowd = next(
        (r.actor for c in claims for r in c.roles if r.role == "source" and is_crowd(r.actor)),
        None,
    )
    if crowd is None:
        crowd = next((a for a in s.actors if is_crowd(a)), None)
    if crowd is not None:
        for c in claims:
            if c.event_type == "PROTEST" and not c.actors("source"):
                # "rioted ... joining thousands of demonstrators": the crowd protests.
                c.roles.insert(0, RoleFiller("source", crowd))
    # A riot cue is the protest's violence when the crowd does it ("protesters burned tyres") or
    # people do it in the protest's own clause ("students marched and threw stones"); "where 24
    # were killed in riots last March" is another event.
    protests = [c for c in claims if c.event_type == "PROTEST" and c.event_mode != "riot"]
    violent = any(
        c.event_type == "PROTEST"
        and c.event_mode == "riot"
        and (
            any(is_crowd(a) for a in c.actors("source"))
            or any(
                a.kind == "population" and _same_clause(s, p, c)
                for p in protests
                for a in c.actors("source")
            )
        )
        for c in claims
    )
    for c in claims:
        if c.event_type == "ASSAULT" and any(
            r.role == "source" and is_crowd(r.actor) for r in c.roles
        ):
            c.event_type, c.event_mode, violent = "PROTEST", "riot", True
    if (
        crowd is not None
        and not any(c.event_type == "PROTEST" for c in claims)
        and any(_implies_protest(c, crowd) for c in claims)
    ):
        trig = Trigger(crowd.text.lower(), "PROTEST", "demo", "", 1, False)
        span = TriggerMatch(trig, crowd.start, crowd.end, crowd.text)
        claim = base_claim(s, span, "PROTEST", "demo", f"crowd:{trig.pattern}/PROTEST")
        claim.roles = [RoleFiller("source", crowd)]
        claim.attribution = attribution_for(s, trigger_modality(s, span))
        claim.date = pick_date(s, span, False)
        claim.place = pick_place(s, span)
        claim.confidence = confidence(claim, trig, embedded=False)
        claims.append(claim)
    for c in claims:
        if c.event_type != "PROTEST":
            continue
        if violent:
            c.event_mode = "riot"
        elif c.event_mode == "riot" and protests:
            # Another riot than this protest: the sentence's one (merged) protest claim keeps
            # the protest's mode.
            c.event_mode = protests[0].event_mode


RELATIVE_CROWD_RULE = "+crowd:relative"
#: "nurses who marched", "students who were protesting": the antecedent of the relative
#: clause is the crowd.
_RELATIVE_GAP = re.compile(r"^\s*,?\s*(?:who|that)\s+(?:(?:were|had|have|are)\s+)?(?:\w+ly\s+)?$")


def _relative_crowd(s: CodingSentence, claim: Claim) -> None:
    """Make the people a relative clause's protest hangs on its source ("teachers who marched")."""
    if any(a.kind == "population" for a in claim.actors("source")):
        return
    people = [
        a
        for a in s.actors
        if a.kind == "population"
        and a.end <= claim.trigger_start
        and _RELATIVE_GAP.match(s.text(a.end, claim.trigger_start))
    ]
    if people:
        claim.roles = [RoleFiller("source", people[-1])] + [
            r for r in claim.roles if r.role != "source"
        ]
        claim.rule += RELATIVE_CROWD_RULE  # no background remark: the crowd's own protest


def allegations(s: CodingSentence, claims: list[Claim], alleging: list[Claim]) -> None:
    """Make the events inside an accusation the accuser's allegation.

    "The RSF accused the army of carrying out an airstrike that killed hundreds" asserts the
    accusation; the airstrike is alleged, and the RSF claims it. The complement runs from the
    accusing trigger to the end of its clause.
    """
    for accusation in alleging:
        accuser = next(iter(accusation.actors("source")), None)
        end = clause_end(s, accusation.trigger_end)
        for c in claims:
            if c is accusation or not (accusation.trigger_end <= c.trigger_start < end):
                continue
            att = copy.copy(c.attribution)
            if accuser is not None and accuser is not att.claimant:
                att.claimant, att.claimant_text = accuser, accuser.text
            att.modality = strongest([att.modality, "alleged"])
            att.cue = accusation.trigger
            c.attribution = att
