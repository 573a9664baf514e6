"""Who undergoes violence when the text names them only by a noun, and who does it.

* Victims named after a death noun or carried in a vehicle are the target of a use of force,
  never its doer: "the death of six regime soldiers", "a bomb struck a vehicle carrying
  Pakistani soldiers" (:func:`victim_mentions`).
* People who attack are armed, whatever their noun: "herders attacked the village", "armed
  youths stormed the station" name a militia (ACLED codes them so), an identity militia when a
  communal name qualifies them ("Fulani herders") (:func:`armed_crowd`).
* Violence on a crowd outranks the crowd's protest: "security forces shot dead three protesters
  during demonstrations" is the shooting (:func:`force_on_crowd`).
"""

from __future__ import annotations

import functools
import re
from dataclasses import replace

from events.gazetteer import country_by_code
from events.lexicon import also_clear
from events.lexicon import toll_words as toll_words_seed
from events.pipeline.actors import is_crowd
from events.pipeline.doc import ActorMention, Claim, RoleFiller
from events.pipeline.sentence import CodingSentence
from events.pipeline.tolls import toll_words

#: "the death of six", "the bodies of three", "killing of two", "a vehicle carrying",
#: "a bus transporting": what follows is the undergoer, up to two words (a figure, a qualifier)
#: before the noun.
_VICTIM_BEFORE = re.compile(
    r"(?:\b(?:deaths?|killings?|murders?|bodies|body|loss|losses|kidnapping|abduction|"
    r"assassination|massacre)\s+of|\b(?:carrying|transporting|ferrying|carried|transported)|"
    r"\b(?:near|on|at|against|hit|struck|targeted|ambushed|attacked)\s+(?:an?|the)\s+"
    r"(?:[\w-]+\s+)?(?:convoy|patrol|column|vehicle|bus|truck)s?\s+of)"
    r"\s+(?:the\s+|at\s+least\s+|some\s+|about\s+)?(?:[\w-]+\s+){0,2}$",
    re.I,
)
#: "Rebels claimed the death of ...": a group claiming a toll claims the act.
CLAIMED_TOLL = re.compile(
    r"^\s*(?:claim(?:ed|s)?|announced|reported)\s+(?:the\s+)?(?:deaths?|killings?|"
    r"killing|elimination|liquidation)\s+of\b",
    re.I,
)
#: The sector of unarmed people in seeds/agents.tsv ("villagers", "herders", "youths").
POPULATION_SECTOR = "CVL"
MILITIA_SECTOR = "UAF"
#: Words before an actor's noun that do not name a community ("Armed", "Local", "Angry").
_NOT_COMMUNAL = frozenset(
    """
    armed unidentified unknown suspected local angry rival some several many other the a an
    hundreds dozens scores groups group of two three four five six seven eight nine ten
    suicide heavily
    """.split()
)


def victim_mentions(s: CodingSentence, actors: list[ActorMention], left: int) -> set[int]:
    """Return ids of ``actors`` named as undergoers: after a death noun or a carrying verb."""
    return {
        id(a) for a in actors if _VICTIM_BEFORE.search(s.text(max(left, a.start - 80), a.start))
    }


def _communal_name(s: CodingSentence, actor: ActorMention) -> str | None:
    """Return the capitalised word qualifying ``actor`` ("Fulani herders"), if it is no country."""
    if not actor.text[:1].islower() and " " in actor.text:
        first = actor.text.split()[0]
        if first.lower() not in _NOT_COMMUNAL and not _is_country_word(first):
            return first
    m = re.search(r"([A-Z][\w'’-]+)\s+$", s.text(max(s.sent.start, actor.start - 40), actor.start))
    if m is None:
        return None
    word, at = m.group(1), max(s.sent.start, actor.start - 40) + m.start(1)
    if any(p.start <= at < p.end for p in s.places):
        return None  # "Kaduna youths": a place, not a community
    if word.lower() in _NOT_COMMUNAL or _is_country_word(word) or "-" in word:
        return None
    return word


@functools.cache
def _country_words() -> frozenset[str]:
    """Return country names, aliases and adjectives, lowercased ("Nigerian", "Mali")."""
    return frozenset(
        w.lower() for c in country_by_code().values() for w in (c.name, *c.aliases, *c.adjectives)
    )


def _is_country_word(word: str) -> bool:
    return word.lower() in _country_words()


def armed_crowd(s: CodingSentence, claims: list[Claim]) -> None:
    """Make unarmed-population doers of an attack a militia (an identity one when named).

    Left alone in a sentence with a protest: a crowd's violence there is a riot (crowds.py).
    """
    if any(c.event_type == "PROTEST" for c in claims):
        return
    for c in claims:
        if c.event_type != "ASSAULT":
            continue
        for n, r in enumerate(c.roles):
            a = r.actor
            if r.role != "source" or not a.rule.startswith("agent"):
                continue
            name = _communal_name(s, a)
            if (a.sector, a.kind) == (MILITIA_SECTOR, "militia") and name:
                kind = "identity_militia"  # "Fulani armed men"
            elif a.sector == POPULATION_SECTOR and a.kind == "population":
                kind = "identity_militia" if name else "militia"
            else:
                continue
            prefix = f"{a.country}:" if a.country else ""
            c.roles[n] = replace(
                r,
                actor=replace(
                    a,
                    key=f"{prefix}{MILITIA_SECTOR}:{name.lower()}" if name else f"{prefix}UAF",
                    name=f"{name} militia" if name else "Militia",
                    sector=MILITIA_SECTOR,
                    kind=kind,
                    rule="armed_crowd",
                ),
            )


def force_on_crowd(claim: Claim, claims: list[Claim]) -> bool:
    """Return True for violence done to the crowd of a protest in the same sentence.

    "Security forces shot dead three protesters during demonstrations", "the militia attacked
    students demonstrating": the attack is the main event, not the protest it struck.
    """
    if claim.event_type != "ASSAULT" or not claim.actors("source"):
        return False
    if any(a.kind == "population" for a in claim.actors("source")):
        return False
    crowd = _protest_crowd(claims)
    return any(a.key in crowd or is_crowd(a) for a in claim.actors("target")) and bool(crowd)


def _protest_crowd(claims: list[Claim]) -> set[str]:
    """The keys of the populations protesting in ``claims`` (the protests' sources)."""
    return {
        a.key
        for c in claims
        if c.event_type == "PROTEST"
        for a in c.actors("source")
        if a.kind == "population"
    }


#: The sector of a crowd in seeds/agents.tsv ("protesters", "demonstrators").
CROWD_SECTOR = "OPP"


def protesters(main: Claim, claims: list[Claim]) -> None:
    """Make the people a force struck at a protest the protesters ("students demonstrating").

    The protest's own claim gives way: its confidence drops below the violence's.
    """
    crowd = _protest_crowd(claims)
    for n, r in enumerate(main.roles):
        a = r.actor
        if r.role == "target" and a.key in crowd and a.sector == POPULATION_SECTOR:
            prefix = f"{a.country}:" if a.country else ""
            main.roles[n] = replace(
                r, actor=replace(a, sector=CROWD_SECTOR, key=f"{prefix}{CROWD_SECTOR}")
            )
    for c in claims:
        if c.event_type == "PROTEST":
            c.confidence = min(c.confidence, round(main.confidence - 0.05, 3))


#: Sectors of armed actors: two of them fighting make a battle.
ARMED_SECTORS = frozenset({"MIL", "COP", "REB", "UAF", "SPY", "CRM"})


def _generic_people(actor: ActorMention) -> bool:
    """Return True for a toll noun that says nothing of who died ("people", "persons")."""
    tw = toll_words()
    return bool(tw.person.search(actor.text)) and not tw.civilian.search(actor.text)


def battle_toll(claims: list[Claim], reciprocal: list[Claim]) -> None:
    """Keep a fight between armed actors a battle when its toll counts only "people".

    "Two armed factions fought in the streets, killing 27 people": the dead are the fight's
    toll, not unarmed targets of it (not violence against civilians).
    """
    fights = [
        c
        for c in reciprocal
        if c.event_type == "ASSAULT"
        and c.actors("source")
        and all(a.sector in ARMED_SECTORS for a in c.actors("source"))
    ]
    if not fights:
        return
    sides = {a.key for c in fights for a in c.actors("source")}
    for c in claims:
        if c in fights or c.event_type != "ASSAULT":
            continue
        targets = c.actors("target")
        # "27 people were killed", and "23 civilians were killed as the army and the RSF
        # battled": a toll with no doer of its own is the fight's.
        if not targets or not (all(_generic_people(a) for a in targets) or not c.actors("source")):
            continue
        if not {a.key for a in c.actors("source")} <= sides:
            continue
        c.roles = [r for r in c.roles if r.role != "target"]
        c.event_mode = fights[0].event_mode


#: "clashes between Meitei and Kuki groups", "fighting between Dinka and Nuer youths": two
#: communities named by a capitalised word before a group noun are two identity militias.
_COMMUNAL_SIDES = re.compile(
    r"\bbetween\s+(?:the\s+)?([A-Z][\w'’-]+)\s+and\s+(?:the\s+)?([A-Z][\w'’-]+)\s+"
    r"(?:groups|communities|tribes|clans|militias|militiamen|youths|herders|farmers|fighters|"
    r"factions|tribesmen|villagers)\b"
)


def communal_sides(s: CodingSentence, reciprocal: list[Claim]) -> None:
    """Give a clash between two named communities its two sides (identity militias)."""
    for c in reciprocal:
        if c.event_type != "ASSAULT" or len(c.actors("source")) > 1:
            continue
        m = _COMMUNAL_SIDES.search(s.text(c.trigger_end, s.sent.end))
        if m is None or any(_is_country_word(w) for w in m.groups()):
            continue
        base = c.trigger_end
        sides = []
        for n in (1, 2):
            name = m.group(n)
            country = next((a.country for a in s.actors if a.country), None)
            prefix = f"{country}:" if country else ""
            sides.append(
                ActorMention(
                    start=base + m.start(n),
                    end=base + m.end(n),
                    text=name,
                    sentence_index=s.sent.index,
                    key=f"{prefix}{MILITIA_SECTOR}:{name.lower()}",
                    name=f"{name} militia",
                    kind="identity_militia",
                    country=country,
                    sector=MILITIA_SECTOR,
                    rule="communal_sides",
                )
            )
        c.roles = [RoleFiller("source", a) for a in sides] + [
            r for r in c.roles if r.role != "source"
        ]


#: "killed nine members of the Popular Mobilisation Front": the members of a group the actor
#: dictionary does not know are that group (a militia: we do not guess more).
_MEMBERS_OF = re.compile(
    r"\b(?:members?|fighters|militants|militiamen|elements|combatants)\s+of\s+(?:the\s+)?"
    r"([A-Z][\w'’-]*(?:\s+(?:of|for|and|the|[A-Z][\w'’-]*))*)"
)
_TRAILING_JOINERS = re.compile(r"(?:\s+(?:of|for|and|the))+$")


def members_of_unknown_group(s: CodingSentence, start: int, end: int) -> ActorMention | None:
    """Return the unknown named group whose members a use of force struck, between start/end."""
    m = _MEMBERS_OF.search(s.text(start, end))
    if m is None:
        return None
    name = _TRAILING_JOINERS.sub("", m.group(1))
    lo = start + m.start(1)
    hi = lo + len(name)
    if len(name.split()) < 2 or _is_country_word(name):
        return None
    if any(a.start < hi and lo < a.end for a in s.actors) or any(
        p.start < hi and lo < p.end for p in s.places
    ):
        return None  # a known actor, or a place ("members of the Kachin State assembly")
    country = next((a.country for a in s.actors if a.country), None)
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return ActorMention(
        start=lo,
        end=hi,
        text=name,
        sentence_index=s.sent.index,
        key=f"group:{slug}",
        name=name,
        kind="militia",
        country=country,
        sector=MILITIA_SECTOR,
        rule="members_of",
    )


@also_clear
@functools.cache
def _civilian_site() -> re.Pattern[str]:
    """Return the pattern of a site where unarmed people are (toll_words.tsv kind ``site``),
    after an optional determiner and up to two qualifiers ("a crowded primary school")."""
    words = {w for t in toll_words_seed() if t.kind == "site" for w in (t.word, t.plural) if w}
    body = "|".join(
        r"\s+".join(map(re.escape, w.split())) for w in sorted(words, key=len, reverse=True)
    )
    return re.compile(
        rf"^\s*(?:an?|the|one|two|three|several)?\s*(?:[\w-]+\s+){{0,2}}?(?:{body})\b", re.I
    )


def civilian_site(
    s: CodingSentence, start: int, end: int, country: str | None
) -> ActorMention | None:
    """Return the civilians of a site a use of force struck right after its verb ("attacked a
    school", "stormed a church"), or None."""
    m = _civilian_site().match(s.text(start, end))
    if m is None:
        return None
    prefix = f"{country}:" if country else ""
    return ActorMention(
        start=start + m.start(),
        end=start + m.end(),
        text=m.group().strip(),
        sentence_index=s.sent.index,
        key=f"{prefix}{POPULATION_SECTOR}",
        name="Civilians",
        kind="population",
        country=country,
        sector=POPULATION_SECTOR,
        rule="site",
    )
