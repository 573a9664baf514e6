"""Roles of an event: who did it (source), to whom (target), and with what (assoc).

The actor before a trigger is the source, the one after it the target; the lexicon's
``voice_hint`` tells passive, reciprocal, undergoer and "theme" verbs apart, a by-phrase names
the doer ("killed by gunmen", "an attack by X"), and the speaker is the agent of what it
reports only through a pronoun or as its own verb ("X said it had expelled", "X declared").
"""

from __future__ import annotations

import dataclasses
import re

from events import lexicon
from events.gazetteer import country_by_code
from events.pipeline.actors import (
    ABROAD_QUALIFIER,
)
from events.pipeline.claims import (
    CueMatch,
)
from events.pipeline.doc import (
    ActorMention,
    RoleFiller,
)
from events.pipeline.sentence import (
    BY,
    CLAUSE_BREAK,
    FORCE_TYPES,
    LOCATIVE,
    CodingSentence,
    words_between,
)
from events.pipeline.tolls import toll_words
from events.pipeline.triggers import (
    TriggerMatch,
)
from events.pipeline.victims import CLAIMED_TOLL, victim_mentions

#: Types whose place stands for their target when no actor undergoes them (see place_target):
#: not the uses of force, whose place says where, not whom.
PLACE_TARGET_TYPES = frozenset(
    "AGREE CONCEDE COERCE CONSULT AID MOBILIZE PROTEST RETREAT SANCTION SUPPORT THREATEN "
    "REJECT REQUEST".split()
)

#: Words after a trigger searched for its target ("attack on Armenian forces").
TARGET_WINDOW_WORDS = 8


#: Words after "in an interview", "in a statement" that may name the medium ("on al-Jazeera").
FRAME_TAIL_WORDS = 2


#: Words allowed between the subject and "must"/"should" ("the rebels must", "Armenia alone must").
DEONTIC_GAP_WORDS = 1


#: Words between a speaker and a trigger that make the reporting verb the event's own verb
#: ("X declared a state of siege": "declared a").
SPEAKER_VERB_WORDS = 2


#: Reporting verbs that take a clause ("said a bomb exploded"): the speaker is the agent of the
#: reported event only through a pronoun ("said it had expelled"), never by mere adjacency, unlike
#: performative verbs ("declared a state of siege").
CLAUSAL_REPORT_VERBS = frozenset(
    "said says say told tells added noted stated explained wrote reported reports confirmed "
    "stressed insisted".split()
)


#: The end of a first conjunct whose subject a second predicate shares ("... and is expected").
_COORDINATED = re.compile(r"\band\s+$", re.I)


_BE = re.compile(r"\b(?:was|were|been|being|is|are|be|got|get|gets|getting)\s+(?:\w+ly\s+)?$", re.I)


_STANCE_PREFIX = re.compile(r"\b(?:pro|anti)-$", re.I)


_PARTICIPLE_ADJUNCT = re.compile(r"(?:,|,?\s+and)\s*$", re.I)


_POSSESSIVE_GAP = re.compile(
    r"^['’]s\s+(?:(?:northern|southern|eastern|western|central)\s+)?"
    r"(?:(?:capital|province|city|town|region|district|village)(?:\s+of)?\s+)?$"
)


_BETWEEN = re.compile(r"^\s*(?:\w+\s+)?between\b", re.I)


#: "attack by", "attack launched by", "raid carried out by": the by-phrase of a noun trigger.
_BY_NOUN = re.compile(r"^\s*(?:(?:\w+ed|carried out|staged)\s+)?by\s+(?:the\s+)?$", re.I)


#: "will give Tanzania", "gave the Ivory Coast": the recipient directly after a giving verb.
_DATIVE = re.compile(
    r"\b(?:give|gives|gave|given|giving|offer|offers|offered|offering|grant|grants|granted|"
    r"hand|handed|send|sent|promise|promised|lend|lent|owe|owed)\s+(?:the\s+)?$",
    re.I,
)


#: "sanctions on Burma", "against Nigeria": an actor governed by a preposition is an object.
_OBJECT_OF = re.compile(r"\b(?:on|against|to|for|with|towards|toward)\s+(?:the\s+)?$", re.I)


#: "seized by the rebels": a passive use of force takes its doer with an article too.
_BY_THE = re.compile(r"^\s*by\s+(?:the|an?)\s+$", re.I)


#: "the killing of five civilians by ADF combatants": the doer named after the undergoer.
_LATE_BY = re.compile(r"^[^;]{0,60}?\bby\s+(?:(?:the|an?|unknown|unidentified)\s+)?$", re.I)


#: "Russia, France and the U.S.", "the president and his party": the determiner of a conjunct.
_CONJ_GAP = re.compile(
    r"^\s*(?:,|and|or|&|,\s*and|as well as)?\s*(?:(?:the|his|her|its|their)\s+)?$", re.I
)
#: "the rebels in Darfur must": a place after its actor qualifies it.
_PLACE_QUALIFIER = re.compile(r"^\s*(?:in|of|from)\s+(?:the\s+)?$", re.I)


_ADJACENT_GAP = re.compile(r"^[\s,’'s-]*$")


#: "King Hassan of Morocco", "opposition groups in Zimbabwe" / "Kenya's Vice-President".
_ATTACHED_AFTER = re.compile(r"^\s*(?:of|in|from)\s+(?:the\s+)?$", re.I)


_ATTACHED_BEFORE = re.compile(r"^(?:['’]s)?\s*$")


_PRONOUN_SUBJECT = re.compile(
    r"\b(?:it|he|she|they|we|the (?:group|movement|organi[sz]ation|militia|force))\b", re.I
)


#: Words opening an adjunct whose gerund shares the main clause's subject ("after fighting").
_ADJUNCT_WORDS = frozenset({"after", "before", "while", "when", "since"})


_PARTICIPLE_IRREGULAR = frozenset(
    "shot slain struck fought met sworn hit seized taken retaken overtaken beaten hurt sent "
    "freed held brought caught thrown blown burnt burned stolen".split()
)


def _group(
    s: CodingSentence, seed: ActorMention, pool: list[ActorMention], leftwards: bool
) -> list[ActorMention]:
    """Return ``seed`` with the actors conjoined to it ("Russia, France and the U.S.")."""
    group = [seed]
    ordered = sorted(pool, key=lambda a: a.start, reverse=leftwards)
    edge = seed
    for a in ordered:
        if a is seed or a in group:
            continue
        if leftwards and a.end <= edge.start:
            gap = s.text(a.end, edge.start)
        elif not leftwards and a.start >= edge.end:
            gap = s.text(edge.end, a.start)
        else:
            if a.start < edge.end and edge.start < a.end:  # overlapping mention of the same span
                continue
            continue
        if _CONJ_GAP.match(gap) or _ADJACENT_GAP.match(gap):
            group.append(a)
            edge = a
        else:
            break
    return sorted(group, key=lambda a: a.start)


def dedupe(actors: list[ActorMention]) -> list[ActorMention]:
    """Keep one mention per actor key, and drop mentions nested in a longer one of the same key."""
    seen: dict[str, ActorMention] = {}
    for a in actors:
        if a.key not in seen:
            seen[a.key] = a
    return list(seen.values())


def clause(s: CodingSentence, trig: TriggerMatch) -> tuple[int, int]:
    """Return the bounds of the clause around a trigger, minus the attribution frame."""
    key = (trig.start, trig.end, trig.text)
    bounds = s.break_bounds.get(key)
    if bounds is None:
        bounds = s.break_bounds[key] = _break_bounds(s, trig)
    left, right = bounds
    for cue in s.cues:
        if cue.cue.kind in {"report", "relay"} and cue.cue.speaker in {"before", "inside"}:
            if cue.end <= trig.start:
                left = max(left, cue.end)
            elif cue.start >= trig.end:
                right = min(right, _frame_start(s, cue))
    return left, right


def _break_bounds(s: CodingSentence, trig: TriggerMatch) -> tuple[int, int]:
    """Return the clause breaks nearest a trigger: after the last one before it, the next one."""
    left = s.sent.start
    for m in CLAUSE_BREAK.finditer(s.text(s.sent.start, trig.start)):
        if _gerund_adjunct(m.group(), s.text(s.sent.start + m.end(), trig.start), trig):
            continue  # "after fighting near Gao": the subject of the main clause fought
        left = s.sent.start + m.end()
    right = s.sent.end
    brk = CLAUSE_BREAK.search(s.text(trig.end, s.sent.end))
    if brk:
        right = trig.end + brk.start()
    return left, right


def _shared_subject(s: CodingSentence, pool: list[ActorMention], left: int) -> list[ActorMention]:
    """Return the subject of the first conjunct ("The EU condemned X and is expected to ...")."""
    first = next((t for t in s.triggers if t.start < left), None)
    if first is None:
        return []
    return [a for a in pool if a.end <= first.start and a.start >= clause(s, first)[0]]


def _gerund_adjunct(word: str, gap: str, trig: TriggerMatch) -> bool:
    """Return True for "after"/"while" directly followed by a gerund trigger ("after fighting")."""
    gerund = trig.text.split()[0].lower().endswith("ing")
    return word.lower() in _ADJUNCT_WORDS and not gap.strip() and gerund


def _frame_start(s: CodingSentence, cue: CueMatch) -> int:
    """Return where the attribution frame before ``cue`` begins (", Turkish spokesman X said")."""
    for a in (s.att.claimant, s.att.relayed_by):
        if a is not None and a.sentence_index == s.sent.index and a.end <= cue.start:
            return min(a.start, cue.start)
    return cue.start


def _frame_actors(s: CodingSentence) -> set[int]:
    """Return the ids of the actors that belong to the attribution, not to the event."""
    ids = set()
    for a in (s.att.claimant, s.att.relayed_by):
        if a is not None:
            ids.add(id(a))
    for cue in s.cues:
        # "in an interview on al-Jazeera", "in a statement to the BBC": the medium of the claim.
        if cue.cue.kind in {"report", "relay"} and cue.cue.speaker == "none":
            for a in s.actors:
                if a.start >= cue.end and words_between(s, cue.end, a.start) <= FRAME_TAIL_WORDS:
                    ids.add(id(a))
    return ids


def role_pool(s: CodingSentence) -> list[ActorMention]:
    """Return the actors that may fill roles: not the speaker, not a place after "in"."""
    frame = _frame_actors(s)
    pool = []
    for a in s.actors:
        if id(a) in frame:
            continue
        if any(p.start <= a.start and a.end <= p.end for p in s.places) and LOCATIVE.search(
            s.text(s.sent.start, a.start)[-20:]
        ):
            continue
        if a.kind == "state" and any(
            p.start > a.end and _POSSESSIVE_GAP.match(s.text(a.end, p.start)) for p in s.places
        ):
            continue  # "Syria's Idlib", "Ukraine's Kharkiv region": a place, not an actor
        if ":" not in a.key and _STANCE_PREFIX.search(s.text(s.sent.start, a.start)):
            continue  # "pro-government militiamen": the stance names no actor of the event
        pool.append(a)
    return pool


def _passive(s: CodingSentence, trig: TriggerMatch) -> bool:
    word = trig.text.split()[0].lower()
    participle = word.endswith(("ed", "en")) or word in _PARTICIPLE_IRREGULAR
    return participle and bool(_BE.search(s.text(max(s.sent.start, trig.start - 40), trig.start)))


def _agent_of_noun(s: CodingSentence, trig: TriggerMatch, agent: list[ActorMention]) -> bool:
    """Return True for "an attack by X", "the raid carried out by X": X did the trigger's act."""
    if trig.trigger.event_type not in FORCE_TYPES:
        return False
    return bool(_BY_NOUN.match(s.text(trig.end, agent[0].start)))


#: "gunmen believed to be ISGS fighters": the second names the first.
_IDENTIFIED = re.compile(
    r"^\s*,?\s*(?:(?:believed|thought|suspected|said|presumed)\s+to\s+be|identified\s+as|"
    r"from)\s+(?:the\s+)?$",
    re.I,
)
#: ", a key U.S. ally in the war against terrorism,": an apposition describing the subject.
_APPOSITION = re.compile(r",\s+(?:a|an|the|its|his|her|their)\s+[^,;]{2,80},", re.I)


def _outside_appositions(
    s: CodingSentence, before: list[ActorMention], left: int, end: int
) -> list[ActorMention]:
    """Drop actors named inside an apposition when the subject it describes precedes it.

    "Pakistan, a key U.S. ally in the war, has refused": the subject is Pakistan, not the U.S.
    """
    out = before
    for m in _APPOSITION.finditer(s.text(left, end)):
        lo, hi = left + m.start(), left + m.end()
        if any(a.end <= lo for a in out):
            # A generic noun heading the apposition ("Gunmen of X, a local armed faction,")
            # says what the subject is; a named party inside it ("a U.S. ally") is another actor.
            out = [a for a in out if not (lo <= a.start and a.end <= hi and a.rule != "agent")]
    return out


def _late_agent(
    s: CodingSentence, obj: list[ActorMention], after: list[ActorMention]
) -> list[ActorMention]:
    """Return the doer of a force named after its undergoer: "the killing of X by gunmen"."""
    edge = obj[-1].end
    for a in sorted(after, key=lambda m: m.start):
        if a.start < edge or a in obj:
            continue
        if _LATE_BY.match(s.text(edge, a.start)):
            return _group(s, a, after, leftwards=False)
        edge = a.end
    return []


def assign_roles(s: CodingSentence, trig: TriggerMatch) -> list[RoleFiller]:
    """Return the source/target/assoc actors of one trigger."""
    pool = role_pool(s)
    left, right = clause(s, trig)
    # "The EU condemned the shelling": who condemns is not who shelled.
    left = max(left, s.embedding.get(trig.start, left))
    before = [a for a in pool if left <= a.start and a.end <= trig.start]
    after = [
        a
        for a in pool
        if trig.end <= a.start
        and a.end <= right
        and words_between(s, trig.end, a.start) <= TARGET_WINDOW_WORDS
    ]
    # "give Tanzania a grant", "sanctions on Burma are out of the question", "called for
    # sanctions against Nigeria in the wake of the execution": an object before a noun trigger
    # is no subject of it; the recipient of a giving verb is its target.
    recipients = [a for a in before if _DATIVE.search(s.text(left, a.start))]
    objects = [a for a in before if _OBJECT_OF.search(s.text(left, a.start))]
    if recipients or objects:
        before = [a for a in before if a not in recipients and a not in objects]
    before = _outside_appositions(s, before, left, trig.start)
    if not before and _COORDINATED.search(s.text(s.sent.start, left)):
        before = _shared_subject(s, pool, left)
    if _PARTICIPLE_ADJUNCT.search(s.text(s.sent.start, trig.start)) and trig.text.split()[
        0
    ].lower().endswith("ing"):
        # "residents protested ..., burning tyres": the participle's doer is the main subject,
        # not the nearest actor before the comma.
        # With no verb before, the main subject is the first actor ("A suicide bomber rammed a
        # car into a military checkpoint, killing four").
        first = _group(s, min(before, key=lambda a: a.start), before, False) if before else []
        named = [a for a in before if first and _IDENTIFIED.match(s.text(first[-1].end, a.start))]
        first = named[:1] or first  # "gunmen believed to be ISGS fighters"
        before = _shared_subject(s, pool, trig.start) or first
    voice = trig.trigger.voice
    if voice == "reciprocal" and _BETWEEN.match(s.text(trig.end, right)):
        # "clashes between X and Y": both sides follow the trigger.
        before = []
    # "the death of six soldiers", "a vehicle carrying police officers": undergoers, not doers.
    undergone = voice == "undergoer" or _passive(s, trig)  # the subject undergoes it anyway
    force = trig.trigger.event_type in FORCE_TYPES and not undergone
    victims = victim_mentions(s, before, left) if force else set()
    carried = [a for a in before if id(a) in victims]
    before = [a for a in before if id(a) not in victims]
    subject = _group(s, max(before, key=lambda a: a.end), before, leftwards=True) if before else []
    obj = _group(s, min(after, key=lambda a: a.start), after, leftwards=False) if after else []
    obj = obj or carried
    if recipients and not obj:
        obj = recipients
    if voice == "reciprocal" and _BETWEEN.match(s.text(trig.end, right)):
        comma = re.search(r"[,;]", s.text(trig.end, right))
        stop = trig.end + comma.start() if comma else right
        obj = [a for a in after if a.end <= stop]
    agent: list[ActorMention] = []
    gap = s.text(trig.end, obj[0].start) if obj else ""
    if obj and (BY.match(gap) or (trig.trigger.event_type in FORCE_TYPES and _BY_THE.match(gap))):
        agent, obj = obj, []
    elif obj and trig.trigger.event_type in FORCE_TYPES:
        late = _late_agent(s, obj, [a for a in pool if trig.end <= a.start and a.end <= right])
        if late:
            agent, obj = late, [a for a in obj if a not in late]
    # A gapped pattern ("summon ... ambassador", "send ... troops") holds its object inside.
    obj = [a for a in pool if trig.start < a.start and a.end <= trig.end] + obj
    roles: list[RoleFiller] = []

    def add(role: str, actors: list[ActorMention]) -> None:
        for a in dedupe(actors):
            # "herdsmen attacked farmers": two groups named by a noun, one key, two roles.
            if not any(
                r.actor.key == a.key and (r.role == role or not a.rule.startswith("agent"))
                for r in roles
            ):
                roles.append(RoleFiller(role, a))  # type: ignore[arg-type]

    if voice == "reciprocal":
        claimant = s.att.claimant
        if not subject and claimant is not None and speaker_is_subject(s, trig, claimant):
            # "Afghan rebel leaders said they would meet the U.N. mediator": both meet.
            subject = [claimant]
        add("source", subject + agent + obj)
    elif voice == "undergoer":
        add("source", agent + obj)
        add("target", subject)
    elif voice == "theme":
        add("source", subject + agent)
        add("assoc", obj)
    elif voice == "deontic":
        if subject and _deontic_gap(s, subject[-1].end, trig.start) <= DEONTIC_GAP_WORDS:
            add("target", subject)
    elif _passive(s, trig) or (agent and subject and _agent_of_noun(s, trig, agent)):
        # "X repelled an attack by Y": the by-phrase names the doer, the subject undergoes it.
        add("source", agent)
        add("target", subject + obj)
    else:
        add("source", subject + agent)
        add("target", obj)
    if not any(r.role == "target" for r in roles) and voice not in {"reciprocal", "deontic"}:
        host = place_target(s, trig, (left, right), [r.actor for r in roles])
        if host is not None:
            roles.append(RoleFiller("target", host))
    return roles


def place_target(
    s: CodingSentence, trig: TriggerMatch, bounds: tuple[int, int], taken: list[ActorMention]
) -> ActorMention | None:
    """Return the country of the place an event is done to, when no actor undergoes it.

    CAMEO and PLOVER code an event aimed at a place rather than at a named party as directed
    at the country of that place: "Serbia lifted a curfew in Montenegro" (Montenegro),
    "Saddam Hussein arrived in Amman" (Jordan), "demonstrators blocked roads in Algiers"
    (Algeria). Uses of force are left alone (:data:`PLACE_TARGET_TYPES`): where a shell fell does
    not say whom it struck. The target keeps the place's words and the rule ``place``, so a
    reader of ``claims_flat`` sees where it came from.
    """
    if trig.trigger.event_type not in PLACE_TARGET_TYPES:
        return None
    left, right = bounds
    spans = [(a.start, a.end) for a in taken]
    inside = [
        p
        for p in s.places
        if p.country
        and left <= p.start
        and p.end <= right
        and not any(a <= p.start and p.end <= b for a, b in spans)
        and not (trig.start <= p.start and p.end <= trig.end)
    ]
    after = [p for p in inside if p.start >= trig.end]
    before = [p for p in inside if p.end <= trig.start]
    place = after[0] if after else (before[-1] if before else None)
    if place is None or place.country is None:
        return None
    country = country_by_code().get(place.country)
    return ActorMention(
        start=place.start,
        end=place.end,
        text=place.text,
        sentence_index=place.sentence_index,
        key=place.country,
        name=country.name if country else place.country,
        kind="state",
        country=place.country,
        rule="place",
    )


def affiliate(s: CodingSentence, actor: ActorMention) -> ActorMention:
    """Give an agent without a country the country its sentence attaches to it.

    "King Hassan of Morocco", "Kenya's Vice-President", "opposition groups in Zimbabwe" name the
    country next to the agent; otherwise a sentence that names exactly one country is taken to be
    about that country's agents (PETRARCH reads agents the same way). The mention in
    ``doc.actors`` is left alone: the claim gets a copy whose rule says where the country came from.
    """
    if actor.country or actor.sector in lexicon.transnational_sectors():
        return actor
    if ABROAD_QUALIFIER.search(s.text(actor.start - 20, actor.start)):
        return actor  # "Western governments" belong to no one country of the sentence
    near = [
        a
        for a in s.actors
        if a.country
        and a is not actor
        and (
            _ATTACHED_AFTER.match(s.text(actor.end, a.start))
            if a.start >= actor.end
            else _ATTACHED_BEFORE.match(s.text(a.end, actor.start))
        )
    ]
    countries: set[str | None] = {a.country for a in near}
    if len(countries) != 1:
        countries = set(_sentence_countries(s, actor))
    if len(countries) != 1:
        return actor
    return dataclasses.replace(actor, country=countries.pop(), rule=f"{actor.rule}+context")


#: "returning to Kyrgyzstan", "in Lebanon", "Independence of Angola": a destination, a place or
#: part of a name.
_PLACE_LIKE_BEFORE = re.compile(
    r"\b(?:to|in|into|from|at|of|across|throughout)\s+(?:the\s+)?$", re.I
)
#: "Haiti's first elections", "Kenya Anti-Corruption Commission": a modifier, not a party.
_PLACE_LIKE_AFTER = re.compile(r"(?:['’]s\b|\s+[A-Z])")


def _across_trigger(s: CodingSentence, a: ActorMention, b: ActorMention) -> bool:
    """Return True when a trigger stands between two mentions: they are parties of an event."""
    lo, hi = (a.end, b.start) if a.end <= b.start else (b.end, a.start)
    return any(lo <= t.start and t.end <= hi for t in s.triggers)


def _sentence_countries(s: CodingSentence, actor: ActorMention) -> set[str]:
    """Return the countries the sentence names that may be the agent's own.

    A country named as an actor on the other side of a trigger is that party, not the agent's
    own: "President Bush threatened action against Russia" does not make Bush Russian, nor do
    "demonstrators in Baghdad" protesting "the United States' policies" become American. Only a
    country named as an actor counts as the other party: "threatened to ban Ugandan opposition
    candidates" and "forgive Nigerian President Obasanjo" are about the agent's own country.
    """
    named = [a.country for a in s.actors] + [p.country for p in s.places]
    states = [
        a
        for a in s.actors
        if a.country and a is not actor and a.kind == "state" and a.rule == "alias"
    ]
    other = [
        a
        for a in states
        if _across_trigger(s, actor, a)
        and not _PLACE_LIKE_BEFORE.search(s.text(a.start - 12, a.start))
        and not _PLACE_LIKE_AFTER.match(s.text(a.end, a.end + 12))
    ]
    # "blows to the United States and Israel": a conjunct of the other party is the other party.
    other += [
        a
        for a in states
        if a not in other
        and any(_CONJ_GAP.match(s.text(a.end, o.start)) and a.end <= o.start for o in other)
    ]
    return {c for c in named if c} - {a.country for a in other}


def speaker_is_subject(s: CodingSentence, trig: TriggerMatch, claimant: ActorMention) -> bool:
    """Return True for "X said it had expelled ..." and "X declared a state of siege".

    The speaker is the agent when it precedes the trigger and the words in between hold no other
    subject: a pronoun that refers back to it, or nothing but the reporting verb.
    """
    if claimant.sentence_index != s.sent.index or claimant.end > trig.start or _passive(s, trig):
        return False
    between = s.text(claimant.end, trig.start)
    if CLAIMED_TOLL.match(between):
        return True  # "Rebels claimed the death of six soldiers in the clash"
    if any(claimant.end <= a.start and a.end <= trig.start and a is not claimant for a in s.actors):
        return False
    if any(
        c.cue.kind == "agentive" and claimant.end <= c.start <= c.end <= trig.start for c in s.cues
    ):
        return True  # "X claimed responsibility for the attack"
    if any(c.cue.observation and claimant.end <= c.start < trig.start for c in s.cues):
        return False  # "the Observatory documented the killing": it saw, it did not kill
    if _PRONOUN_SUBJECT.search(between):
        return True
    words = re.findall(r"[\w'’-]+", between.lower())
    if any(w in CLAUSAL_REPORT_VERBS for w in words):
        return False  # "police said a bomb exploded": the bomb is not the police's
    return len(words) <= SPEAKER_VERB_WORDS


def _deontic_gap(s: CodingSentence, start: int, end: int) -> int:
    """Count the words between a subject and "must", a place qualifying the subject aside."""
    for p in s.places:
        if start <= p.start and p.end <= end and _PLACE_QUALIFIER.match(s.text(start, p.start)):
            return words_between(s, p.end, end)
    return words_between(s, start, end)


def unarmed_victims(s: CodingSentence, trig: TriggerMatch) -> bool:
    """Tell whether a use of force with no target actor strikes unarmed people by their noun.

    "Gunmen shot dead a village chief", "murdered two peasants", "the killing of three
    vaccinators", "A social leader was shot dead": the victims' nouns (``toll_words.tsv`` kind
    civilian) say whom the force struck when no actor is named as its target.
    """
    left, right = clause(s, trig)
    civilian = toll_words().civilian
    if _passive(s, trig):
        before = list(civilian.finditer(s.text(left, trig.start)))
        return bool(before) and not any(
            left + before[-1].end() <= a.start and a.end <= trig.start for a in s.actors
        )
    words = re.findall(r"\S+", s.text(trig.end, right))[:TARGET_WINDOW_WORDS]
    return civilian.search(" ".join(words)) is not None
