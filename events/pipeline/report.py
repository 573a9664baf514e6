"""Report-level coding: the main event, a toll stated on its own, the country of claims that
name no place, and the confidence floor of claims that name nothing."""

from __future__ import annotations

import re
from collections.abc import Iterable

from events.pipeline.actors import (
    ARTICLE_CONTEXT_MIN_SHARE,
    CROWD_SECTOR,
)
from events.pipeline.context import in_dateline, modifies_agent
from events.pipeline.doc import (
    Claim,
    Document,
    PlaceMention,
)
from events.pipeline.places import country_place
from events.pipeline.sentence import NONSTATE_SECTORS, PHYSICAL_TYPES, CodingSentence
from events.pipeline.tolls import (
    Figure,
    fatalities,
)

#: A claim with no actor (in a role or as claimant), no date, no place and no figure says only
#: that something of a type happened somewhere ("Talks" as a headline): it loses this much ...
CONF_BARE = -0.2


#: ... and claims below this confidence are dropped. With the weights above a bare one-word
#: trigger scores 0.15 (dropped) and a bare specific one ("a roadside bomb exploded") 0.3 or
#: more (kept, flagged by its low confidence); anything with an actor, date or place scores 0.4+.
MIN_CLAIM_CONFIDENCE = 0.2


def attach_fatalities(claims: list[Claim], fig: Figure, s: CodingSentence) -> None:
    assaults = [c for c in claims if c.event_type == "ASSAULT"]
    if not assaults:
        return
    pos = s.sent.start + fig.start
    target = min(assaults, key=lambda c: abs(c.trigger_start - pos))
    target.fatalities_low, target.fatalities_best, target.fatalities_high = (
        fig.low,
        fig.best,
        fig.high,
    )


#: How many body sentences after the title count as the lead (the headline's event).
LEAD_SENTENCES = 2


def mark_main(doc: Document) -> None:
    """Set ``is_main`` on exactly one claim of ``doc`` (none when it has no claim): its main event.

    The main event is the one the headline and lead describe. Each sentence of the title and of
    the first ``LEAD_SENTENCES`` body sentences offers its own event, its highest-confidence
    claim (the confidence already ranks the main clause over a complement, a relative or a
    subordinate clause: "X accused Y of shelling ..." is an accusation, not the shelling); among
    these a physical event (``PHYSICAL_TYPES``) comes before any other type, then the highest
    confidence, then the earliest (title first, then text order). With no claim there, the
    article's highest-confidence claim (the earliest among ties). Confidences are not changed:
    side remarks keep theirs.
    """
    for claim in doc.claims:
        claim.is_main = False
    if not doc.claims:
        return
    body = sorted(s.index for s in doc.sentences if s.section == "body")
    lead = {s.index for s in doc.sentences if s.section == "title"} | set(body[:LEAD_SENTENCES])
    order = {s.index: n for n, s in enumerate(doc.sentences)}

    def earliest(c: Claim) -> tuple[int, int]:
        return (-order.get(c.sentence_index, c.sentence_index), -c.trigger_start)

    def standing(c: Claim) -> tuple[float, tuple[int, int]]:
        return (c.confidence, earliest(c))

    headline = [c for c in doc.claims if c.sentence_index in lead and c.section != "comment"]
    if headline:
        # A sentence's own event is its strongest claim (the main clause outranks a complement
        # or a subordinate clause); across the lead a physical event comes first.
        tops: dict[int, Claim] = {}
        for c in headline:
            if c.sentence_index not in tops or standing(c) > standing(tops[c.sentence_index]):
                tops[c.sentence_index] = c
        # A crowd shot at outranks its march: "Thousands marched ... Police fired on the crowd,
        # killing three" reports the killing (ACLED: excessive force against protesters).
        main = max(
            tops.values(),
            key=lambda c: (c.event_type in PHYSICAL_TYPES, lethal_on_crowd(c), *standing(c)),
        )
    else:
        main = max(doc.claims, key=standing)
    main.is_main = True


def lethal_on_crowd(claim: Claim) -> bool:
    """Return True for a use of force that killed people of a crowd (protesters, rioters)."""
    return (
        claim.event_type == "ASSAULT"
        and bool(claim.fatalities_best or claim.fatalities_low)
        and any(a.sector == CROWD_SECTOR and a.kind == "population" for a in claim.actors("target"))
    )


class ArticleGeography:
    """Where an article is, for claims that name no place: their country (geo_precision country).

    In this order: a place of the claim's own sentence that is not the event's (the origin of
    a distance, a unit); the countries of the claim's actors ("Somali soldiers", "the Nigerian
    army") -- but when the article's places (its dateline, else the country most of its places
    lie in) point to one country, an actor from elsewhere does not move the event there
    ("Turkish drones struck ..." in a report from Syria); then the dateline's country, the
    country of most places, the country of most actors.
    """

    def __init__(self, doc: Document) -> None:
        self.dateline = next(
            (p for p in doc.places if p.country and p.evidence.startswith("cue: dateline")), None
        )
        self.place_country = _dominant(p.country for p in doc.places)
        self.actor_country = _dominant(
            a.country for a in doc.actors if a.sector not in NONSTATE_SECTORS | {"MED"}
        )
        self.article = (self.dateline.country if self.dateline else None) or self.place_country

    def country_of(self, s: CodingSentence, claim: Claim) -> PlaceMention | None:
        """Return a country-level place for ``claim``, with the evidence it comes from."""
        spare = {
            p.country
            for p in s.places
            if p.country and not modifies_agent(s, p) and not in_dateline(s, p)
        }
        if len(spare) == 1:
            p = next(p for p in s.places if p.country in spare)
            return country_place(spare.pop(), f"country of {p.text} in the sentence", s.sent, p)
        actors = [
            a
            for role in ("target", "source")
            for a in claim.actors(role)  # type: ignore[arg-type]
            if a.country and a.sector not in NONSTATE_SECTORS
        ]
        if self.article:
            same = next((a for a in actors if a.country == self.article), None)
            if same is not None:
                return country_place(
                    self.article, f"country of the actor {same.text}", s.sent, same
                )
            if self.dateline is not None and self.dateline.country == self.article:
                return country_place(self.article, "the dateline's country", s.sent, self.dateline)
            return country_place(self.article, "the country of the article's places", s.sent)
        if actors:
            first = actors[0]
            return country_place(
                first.country or "", f"country of the actor {first.text}", s.sent, first
            )
        if self.actor_country:
            return country_place(self.actor_country, "the country of the article's actors", s.sent)
        return None


def _dominant(countries: Iterable[str | None]) -> str | None:
    """Return the country most mentions name, if it has a clear majority (see actors stage)."""
    counts: dict[str, int] = {}
    for c in countries:
        if c:
            counts[c] = counts.get(c, 0) + 1
    if not counts:
        return None
    code, n = max(counts.items(), key=lambda kv: kv[1])
    return code if n / sum(counts.values()) >= ARTICLE_CONTEXT_MIN_SHARE else None


#: How many sentences back a toll stated on its own may go to the attack it follows: the
#: next sentence or the one after ("Gunmen attacked X. The army said they fled. Twelve died.").
TOLL_CARRY_SENTENCES = 2


def carry_toll(s: CodingSentence, claims: list[Claim], history: list[Claim]) -> None:
    """Give a preceding attack without a figure the toll that ``s`` states without an event.

    Reports often put the toll in a sentence of its own ("Gunmen attacked X. Twelve people
    died.", "... At least 12 civilians were killed."): it then has no claim, or only a weaker
    one without a source, and the attack the report is about is left without a figure. The
    figure is copied, never added: an attack that already has a figure keeps it, and a toll
    sentence with an attack of its own (a source named), or naming another place, keeps its toll.

    Not an attack of its own: one whose only "source" is the dead themselves ("Six militia
    members died in the fighting"), and one named by a definite noun that refers back to the
    attack before ("Government forces repelled the attack; seven soldiers were killed"). The
    riot a crowd's clash became (a protest in mode riot) takes a carried toll like an attack.
    """
    assaults = [c for c in claims if c.event_type == "ASSAULT" and not c.negated]
    counted = fatalities(s.sent.text)
    if any(_own_event(s, c, counted) for c in assaults):
        return  # the sentence reports an event of its own
    toll = next((c for c in assaults if _has_figure(c)), None)
    if toll is not None:
        figure = (toll.fatalities_low, toll.fatalities_best, toll.fatalities_high)
        places = [toll.place] if toll.place is not None else []
    elif not assaults:
        found = counted
        if found is None or all(f is None for f in (found.low, found.best, found.high)):
            return
        figure = (found.low, found.best, found.high)
        places = [p for p in s.places if not in_dateline(s, p)]
    else:
        return
    recent = [
        c
        for c in history
        if (c.event_type == "ASSAULT" or (c.event_type == "PROTEST" and c.event_mode == "riot"))
        and c.section == s.sent.section
        and 0 < s.sent.index - c.sentence_index <= TOLL_CARRY_SENTENCES
        and not c.negated
    ]
    if not recent or any(_has_figure(c) for c in recent):
        return  # nothing to carry to, or the toll may restate (or differ from) a stated one
    attack = max(recent, key=lambda c: (c.confidence, -c.sentence_index, -c.trigger_start))
    if places and attack.place is not None and all(_other_place(p, attack.place) for p in places):
        return
    attack.fatalities_low, attack.fatalities_best, attack.fatalities_high = figure


#: A definite noun trigger refers back to an event already told ("the attack", "the clashes").
_ANAPHORIC = re.compile(r"\b(?:the|this|that|these|those)\s+$", re.I)


def _own_event(s: CodingSentence, claim: Claim, counted: Figure | None) -> bool:
    """Tell whether an attack of the toll sentence is another event than the one told before.

    It is when a source other than the counted dead is named, unless a definite noun names the
    attack ("the attack", "in the fighting"): that is the earlier attack again.
    """
    if _ANAPHORIC.search(s.text(max(s.sent.start, claim.trigger_start - 12), claim.trigger_start)):
        return False
    if counted is None:
        return bool(claim.actors("source"))
    lo, hi = s.sent.start + counted.start, s.sent.start + counted.end
    return any(not (lo <= a.start and a.end <= hi) for a in claim.actors("source"))


def _has_figure(c: Claim) -> bool:
    return any(f is not None for f in (c.fatalities_low, c.fatalities_best, c.fatalities_high))


def _other_place(a: PlaceMention, b: PlaceMention) -> bool:
    """Tell whether ``a`` names somewhere else than ``b`` (a country or region holds its places)."""
    if a.key == b.key:
        return False
    if a.precision == "country" or b.precision == "country":
        return a.country != b.country
    if a.precision == "admin1" or b.precision == "admin1":
        return not (a.country == b.country and a.admin1 is not None and a.admin1 == b.admin1)
    return True


def weigh_bare(claims: list[Claim]) -> list[Claim]:
    """Lower the confidence of claims that name nothing; drop those below the floor."""
    kept = []
    for c in claims:
        named = c.roles or c.attribution.claimant is not None or c.date or c.place
        figures = (c.fatalities_low, c.fatalities_best, c.fatalities_high)
        bare = not named and all(f is None for f in figures)
        if bare:
            c.confidence = round(max(c.confidence + CONF_BARE, 0.0), 3)
        if c.confidence >= MIN_CLAIM_CONFIDENCE:
            kept.append(c)
    return kept
