"""Code event mentions into PLOVER claims (the ``events`` stage).

A trigger lexicon (``seeds/triggers.tsv``, one compiled regex) finds the words that report an
event and gives its PLOVER type and mode. Around each trigger the stage reads the roles (the
actor before the trigger is the source, the one after it the target; passive voice, reciprocal
and "theme" verbs are told apart by the lexicon's ``voice_hint``), then attaches the date, place
and fatality figures of the same sentence and the sentence's attribution (claims stage).

Three mechanisms go beyond one-trigger-one-claim, all driven by the lexicons:

* **Demand by condition.** "X's efforts will fail if Armenia does not withdraw" and "the attack
  will not stop until Armenia withdraws" are demands on the conditioned actor: a condition cue
  (``cues.tsv`` kind ``condition`` with ``demand``) governing a cooperative trigger codes a
  REQUEST (or THREATEN, when the consequence is violence) with that actor as target.
* **Intentions.** PLOVER codes promised cooperation as AGREE and announced conflict as THREATEN:
  a cooperative trigger right after "will"/"would" becomes AGREE, a conflictive one THREATEN.
* **Complements.** "agreed to withdraw" is one AGREE: a ``control`` trigger absorbs the trigger of
  its infinitive complement.
"""

from __future__ import annotations

import copy
import dataclasses
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass

from events.dates import DateInterval, interval_of, ongoing_interval
from events.pipeline.actors import (
    ABROAD_QUALIFIER,
    ARTICLE_CONTEXT_MIN_SHARE,
    is_crowd,
    population_of,
)
from events.pipeline.claims import (
    HEDGING_KINDS,
    CueMatch,
    find_cues,
    inside_actor,
    strongest,
)
from events.pipeline.doc import (
    ActorMention,
    Attribution,
    Claim,
    DateMention,
    Document,
    PlaceMention,
    RoleFiller,
    Sentence,
)
from events.pipeline.places import apposition_gap, country_place, distance_reference
from events.pipeline.runner import stage
from events.pipeline.tolls import (
    Figure,
    fatalities,
    number_lexicon,
)
from events.pipeline.triggers import (
    WEAPON_REFINES,
    Trigger,
    TriggerMatch,
    find_triggers,
    target_mode,
    trigger_lexicon,
    weapon_mode,
)

log = logging.getLogger(__name__)

#: Verbal event types: the speaker is the source when the sentence names no other subject.
VERBAL_TYPES = frozenset(
    {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "REQUEST", "ACCUSE", "REJECT", "THREATEN"}
)
#: What a future-tense event becomes (PLOVER manual, AGREE: "cooperative actions reported in
#: future tense are also taken to imply intentions"; THREATEN covers announced coercion).
INTENT_SHIFT = {
    **dict.fromkeys(["SUPPORT", "AID", "COOPERATE", "RETREAT", "CONCEDE", "CONSULT"], "AGREE"),
    **dict.fromkeys(["SANCTION", "COERCE", "MOBILIZE", "PROTEST"], "THREATEN"),
}
#: Actions a condition can demand ("until X withdraws"): cooperative moves by the target.
DEMANDABLE = frozenset({"RETREAT", "CONCEDE", "AGREE", "CONSULT", "COOPERATE", "AID", "SUPPORT"})
#: Consequences that make a demand a threat ("the attack will not stop until ...").
THREATENING = frozenset({"ASSAULT", "COERCE", "SANCTION", "MOBILIZE", "THREATEN"})
DEMAND_MODE = {"RETREAT": "yield", "CONCEDE": "yield", "AGREE": "meet", "CONSULT": "meet"}
THREAT_MODE = {
    "ASSAULT": "violence",
    "MOBILIZE": "violence",
    "COERCE": "restrict",
    "SANCTION": "relations",
}

# --- thresholds (calibrated on seeds/samples and the PLOVER gold development set) ---
#: Words after a trigger searched for its target ("attack on Armenian forces").
TARGET_WINDOW_WORDS = 8
#: Words between "will" and a trigger for the intention shift ("will soon provide").
INTENT_WINDOW_WORDS = 3
#: Words between a control trigger and the trigger of its complement ("agreed to fully withdraw").
COMPLEMENT_WINDOW_WORDS = 5
#: Words between a negation and the trigger it negates ("did not immediately attack").
NEGATION_WINDOW_WORDS = 3
#: Words after "in an interview", "in a statement" that may name the medium ("on al-Jazeera").
FRAME_TAIL_WORDS = 2
#: Words allowed between the subject and "must"/"should" ("the rebels must", "Armenia alone must").
DEONTIC_GAP_WORDS = 1
#: Words between a speaker and a trigger that make the reporting verb the event's own verb
#: ("X declared a state of siege": "declared a").
SPEAKER_VERB_WORDS = 2
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
#: A claim with no actor (in a role or as claimant), no date, no place and no figure says only
#: that something of a type happened somewhere ("Talks" as a headline): it loses this much ...
CONF_BARE = -0.2
#: ... and claims below this confidence are dropped. With the weights above a bare one-word
#: trigger scores 0.15 (dropped) and a bare specific one ("a roadside bomb exploded") 0.3 or
#: more (kept, flagged by its low confidence); anything with an actor, date or place scores 0.4+.
MIN_CLAIM_CONFIDENCE = 0.2
#: Sentences back in which an earlier event of the same type lends its date to a physical event
#: reported without one ("clashed on Saturday. The army said ... it had killed 20"): the report
#: of the event follows its narration closely in wire copy; further back it may be another event.
CONTEXT_DATE_MAX_SENTENCES = 3
#: Reporting verbs that take a clause ("said a bomb exploded"): the speaker is the agent of the
#: reported event only through a pronoun ("said it had expelled"), never by mere adjacency, unlike
#: performative verbs ("declared a state of siege").
CLAUSAL_REPORT_VERBS = frozenset(
    "said says say told tells added noted stated explained wrote reported reports confirmed "
    "stressed insisted".split()
)
#: The first event of a sentence that has a subject is its main predicate ("Libya has offered to
#: hand over two nationals suspected of blowing up a plane" is an offer, not a bombing).
CONF_MAIN = 0.1
#: The main event of a sentence is its first with a source, but a protest outranks what its
#: crowd demands, and the dispersal and arrests that follow it ("protesters demanded ...").
MAIN_FIRST_TYPES = frozenset({"PROTEST"})
#: Events that report a protest's content or policing, outranked by the protest itself.
OUTRANKED_BY_PROTEST = frozenset({"REQUEST", "COERCE", "ACCUSE", "REJECT", "THREATEN"})
CONF_OUTRANKED = 0.05
#: Types whose noun trigger takes its doer in a by-phrase ("an attack by X").
FORCE_TYPES = frozenset({"ASSAULT", "COERCE"})
#: Weapon modes (ACLED Explosions/Remote violence): they tell how, whoever was hit.
REMOTE_MODES = ("heavy-weapons", "aerial", "drone", "explosives", "suicide-attack", "cbrn")
#: Events of which a crowd is the source that imply it is protesting.
#: Policing that shows a crowd is gathered (dispersal, tear gas, crackdown; not arrests).
DISPERSAL_MODES = frozenset({"restrict", "repression"})
CROWD_IMPLIES_PROTEST = frozenset({"REQUEST", "ACCUSE", "REJECT", "COERCE", "THREATEN", "ASSAULT"})
#: When two claims of one type merge, a mode learned from context outranks the verb's own:
#: a riot outranks a demonstration, an attack on civilians a shooting, and an armed clash keeps
#: its battle reading when grenades are also used.
MODE_OUTRANKS = {
    "": ("civilians", "repression", *REMOTE_MODES),
    "civilians": REMOTE_MODES,
    "firearms": ("civilians", "repression"),
    "grenade": ("firearms",),
}

#: The end of a first conjunct whose subject a second predicate shares ("... and is expected").
_COORDINATED = re.compile(r"\band\s+$", re.I)
#: A dateline: an upper-case place and a date opening the first sentence, then a dash.
_DATELINE_BEFORE = re.compile(r"^\s*(?:[A-Z][A-Z .'’/-]*(?:\([^)]*\))?,\s*)?$")
_DATELINE_AFTER = re.compile(r"^\s*(?:\([^)]*\)\s*)?[-–—]")
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
_BY = re.compile(r"^\s*(?:\S+\s+){0,4}?by\s+$", re.I)
#: "seized by the rebels": a passive use of force takes its doer with an article too.
_BY_THE = re.compile(r"^\s*by\s+the\s+$", re.I)
_CONJ_GAP = re.compile(r"^\s*(?:,|and|or|&|,\s*and|as well as)?\s*(?:the\s+)?$", re.I)
_ADJACENT_GAP = re.compile(r"^[\s,’'s-]*$")
#: Words that open another clause: roles are not read across them. Sentences are already
#: split, so a period here is an abbreviation ("U.S.") and not a boundary.
_CLAUSE_BREAK = re.compile(
    r";|—|–|:|\band\s+(?=(?:is|are|was|were|has|have|had|will|would|also)\b)|\b(?:when|while|whereas|because|although|though|but|which|who|whom|after|before|since|"
    r"whereby|where|if|unless|until|without)\b",
    re.I,
)
_LOCATIVE = re.compile(
    r"\b(?:in|at|near|inside|into|across|throughout|within|outside|around|on)\s+(?:the\s+)?$", re.I
)
#: "King Hassan of Morocco", "opposition groups in Zimbabwe" / "Kenya's Vice-President".
_ATTACHED_AFTER = re.compile(r"^\s*(?:of|in|from)\s+(?:the\s+)?$", re.I)
_ATTACHED_BEFORE = re.compile(r"^(?:['’]s)?\s*$")
#: Sectors of state organs, which a place word before them would make national.
STATE_AGENT_SECTORS = frozenset({"MIL", "COP", "GOV", "LEG", "JUD", "SPY"})
#: Sectors of actors that have no country by nature.
NONSTATE_SECTORS = frozenset({"IGO", "NGO", "MNC"})
_PRONOUN_SUBJECT = re.compile(
    r"\b(?:it|he|she|they|we|the (?:group|movement|organi[sz]ation|militia|force))\b", re.I
)
#: Words opening an adjunct whose gerund shares the main clause's subject ("after fighting").
_ADJUNCT_WORDS = frozenset({"after", "before", "while", "when", "since"})
#: Physical events: their date is when they happened, never when somebody spoke about them.
PHYSICAL_TYPES = frozenset(
    {"ASSAULT", "COERCE", "MOBILIZE", "PROTEST", "RETREAT", "AID", "SANCTION", "COOPERATE"}
)
_BOTH_SIDES = re.compile(
    r"\b(?:both sides|either side|the two sides|each other|both parties)\b", re.I
)
_PARTICIPLE_IRREGULAR = frozenset(
    "shot slain struck fought met sworn hit seized taken retaken overtaken beaten hurt sent "
    "freed held brought caught thrown blown burnt burned stolen".split()
)


# ---------------------------------------------------------------------------------------------
# Roles
# ---------------------------------------------------------------------------------------------


@dataclass
class _Sent:
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

    def text(self, start: int, end: int) -> str:
        base = self.sent.start
        return self.sent.text[max(start - base, 0) : max(end - base, 0)]


def _words_between(s: _Sent, a: int, b: int) -> int:
    return len(re.findall(r"\S+", s.text(a, b)))


def _group(
    s: _Sent, seed: ActorMention, pool: list[ActorMention], leftwards: bool
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


def _dedupe(actors: list[ActorMention]) -> list[ActorMention]:
    """Keep one mention per actor key, and drop mentions nested in a longer one of the same key."""
    seen: dict[str, ActorMention] = {}
    for a in actors:
        if a.key not in seen:
            seen[a.key] = a
    return list(seen.values())


def _clause(s: _Sent, trig: TriggerMatch) -> tuple[int, int]:
    """Return the bounds of the clause around a trigger, minus the attribution frame."""
    left = s.sent.start
    for m in _CLAUSE_BREAK.finditer(s.text(s.sent.start, trig.start)):
        if _gerund_adjunct(m.group(), s.text(s.sent.start + m.end(), trig.start), trig):
            continue  # "after fighting near Gao": the subject of the main clause fought
        left = s.sent.start + m.end()
    right = s.sent.end
    brk = _CLAUSE_BREAK.search(s.text(trig.end, s.sent.end))
    if brk:
        right = trig.end + brk.start()
    for cue in s.cues:
        if cue.cue.kind in {"report", "relay"} and cue.cue.speaker in {"before", "inside"}:
            if cue.end <= trig.start:
                left = max(left, cue.end)
            elif cue.start >= trig.end:
                right = min(right, _frame_start(s, cue))
    return left, right


def _shared_subject(s: _Sent, pool: list[ActorMention], left: int) -> list[ActorMention]:
    """Return the subject of the first conjunct ("The EU condemned X and is expected to ...")."""
    first = next((t for t in s.triggers if t.start < left), None)
    if first is None:
        return []
    return [a for a in pool if a.end <= first.start and a.start >= _clause(s, first)[0]]


def _gerund_adjunct(word: str, gap: str, trig: TriggerMatch) -> bool:
    """Return True for "after"/"while" directly followed by a gerund trigger ("after fighting")."""
    gerund = trig.text.split()[0].lower().endswith("ing")
    return word.lower() in _ADJUNCT_WORDS and not gap.strip() and gerund


def _frame_start(s: _Sent, cue: CueMatch) -> int:
    """Return where the attribution frame before ``cue`` begins (", Turkish spokesman X said")."""
    for a in (s.att.claimant, s.att.relayed_by):
        if a is not None and a.sentence_index == s.sent.index and a.end <= cue.start:
            return min(a.start, cue.start)
    return cue.start


def _frame_actors(s: _Sent) -> set[int]:
    """Return the ids of the actors that belong to the attribution, not to the event."""
    ids = set()
    for a in (s.att.claimant, s.att.relayed_by):
        if a is not None:
            ids.add(id(a))
    for cue in s.cues:
        # "in an interview on al-Jazeera", "in a statement to the BBC": the medium of the claim.
        if cue.cue.kind in {"report", "relay"} and cue.cue.speaker == "none":
            for a in s.actors:
                if a.start >= cue.end and _words_between(s, cue.end, a.start) <= FRAME_TAIL_WORDS:
                    ids.add(id(a))
    return ids


def _role_pool(s: _Sent) -> list[ActorMention]:
    """Return the actors that may fill roles: not the speaker, not a place after "in"."""
    frame = _frame_actors(s)
    pool = []
    for a in s.actors:
        if id(a) in frame:
            continue
        if any(p.start <= a.start and a.end <= p.end for p in s.places) and _LOCATIVE.search(
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


def _passive(s: _Sent, trig: TriggerMatch) -> bool:
    word = trig.text.split()[0].lower()
    participle = word.endswith(("ed", "en")) or word in _PARTICIPLE_IRREGULAR
    return participle and bool(_BE.search(s.text(max(s.sent.start, trig.start - 40), trig.start)))


def _agent_of_noun(s: _Sent, trig: TriggerMatch, agent: list[ActorMention]) -> bool:
    """Return True for "an attack by X", "the raid carried out by X": X did the trigger's act."""
    if trig.trigger.event_type not in FORCE_TYPES:
        return False
    return bool(_BY_NOUN.match(s.text(trig.end, agent[0].start)))


def assign_roles(s: _Sent, trig: TriggerMatch) -> list[RoleFiller]:
    """Return the source/target/assoc actors of one trigger."""
    pool = _role_pool(s)
    left, right = _clause(s, trig)
    # "The EU condemned the shelling": who condemns is not who shelled.
    left = max(left, s.embedding.get(trig.start, left))
    before = [a for a in pool if left <= a.start and a.end <= trig.start]
    after = [
        a
        for a in pool
        if trig.end <= a.start
        and a.end <= right
        and _words_between(s, trig.end, a.start) <= TARGET_WINDOW_WORDS
    ]
    if not before and _COORDINATED.search(s.text(s.sent.start, left)):
        before = _shared_subject(s, pool, left)
    if _PARTICIPLE_ADJUNCT.search(s.text(s.sent.start, trig.start)) and trig.text.split()[
        0
    ].lower().endswith("ing"):
        # "residents protested ..., burning tyres": the participle's doer is the main subject,
        # not the nearest actor before the comma.
        before = _shared_subject(s, pool, trig.start) or before
    voice = trig.trigger.voice
    if voice == "reciprocal" and _BETWEEN.match(s.text(trig.end, right)):
        # "clashes between X and Y": both sides follow the trigger.
        before = []
    subject = _group(s, max(before, key=lambda a: a.end), before, leftwards=True) if before else []
    obj = _group(s, min(after, key=lambda a: a.start), after, leftwards=False) if after else []
    if voice == "reciprocal" and _BETWEEN.match(s.text(trig.end, right)):
        comma = re.search(r"[,;]", s.text(trig.end, right))
        stop = trig.end + comma.start() if comma else right
        obj = [a for a in after if a.end <= stop]
    agent: list[ActorMention] = []
    gap = s.text(trig.end, obj[0].start) if obj else ""
    if obj and (_BY.match(gap) or (trig.trigger.event_type in FORCE_TYPES and _BY_THE.match(gap))):
        agent, obj = obj, []
    # A gapped pattern ("summon ... ambassador", "send ... troops") holds its object inside.
    obj = [a for a in pool if trig.start < a.start and a.end <= trig.end] + obj
    roles: list[RoleFiller] = []

    def add(role: str, actors: list[ActorMention]) -> None:
        for a in _dedupe(actors):
            if not any(r.actor.key == a.key for r in roles):
                roles.append(RoleFiller(role, a))  # type: ignore[arg-type]

    if voice == "reciprocal":
        add("source", subject + agent + obj)
    elif voice == "undergoer":
        add("source", agent + obj)
        add("target", subject)
    elif voice == "theme":
        add("source", subject + agent)
        add("assoc", obj)
    elif voice == "deontic":
        if subject and _words_between(s, subject[-1].end, trig.start) <= DEONTIC_GAP_WORDS:
            add("target", subject)
    elif _passive(s, trig) or (agent and subject and _agent_of_noun(s, trig, agent)):
        # "X repelled an attack by Y": the by-phrase names the doer, the subject undergoes it.
        add("source", agent)
        add("target", subject + obj)
    else:
        add("source", subject + agent)
        add("target", obj)
    return roles


# ---------------------------------------------------------------------------------------------
# Dates and places
# ---------------------------------------------------------------------------------------------


def _nearest(items: list, pos: int):  # type: ignore[no-untyped-def,type-arg]
    return min(items, key=lambda m: abs(m.start - pos)) if items else None


def pick_date(s: _Sent, trig: TriggerMatch, verbal_by_claimant: bool) -> DateMention | None:
    """Return the date of the trigger's clause, else the nearest date no other trigger is nearer.

    The date of speaking is taken only for speech acts ("X said on Friday" dates the saying, not
    the shelling of Thursday), and a dateline's date only when nothing else dates the event.
    """
    claim_date = s.att.claim_date if _in_frame(s, s.att.claim_date) else None
    dates = [
        d
        for d in s.dates
        if d.date_start is not None and (verbal_by_claimant or d is not claim_date)
    ]
    own = [d for d in dates if not _dateline(s, d)] or dates
    left, right = _clause(s, trig)
    in_clause = [d for d in own if left <= d.start and d.end <= right]
    if in_clause:
        return _nearest(in_clause, trig.start)
    # A date in another event's clause ("condemned X and will impose sanctions next week") is
    # that event's: keep only the dates this trigger is the nearest trigger to.
    mine = [d for d in own if _nearest_trigger(s, d) in (None, trig)]
    return _nearest(mine, trig.start)


def _nearest_trigger(s: _Sent, date: DateMention) -> TriggerMatch | None:
    # "two days after the strike": the strike is the date's anchor, not the event it dates.
    outside = [t for t in s.triggers if not (date.start <= t.start and t.end <= date.end)]
    return _nearest(outside, date.start) if outside else None


def _dateline(s: _Sent, date: DateMention) -> bool:
    """Return True for the date of a dateline ("KHARKIV, March 3, 2023 - ..."): the filing date."""
    return bool(
        _DATELINE_BEFORE.match(s.text(s.sent.start, date.start))
        and _DATELINE_AFTER.match(s.text(date.end, s.sent.end))
    )


#: Cues by which a note dates an event by its report ("As reported on 2 May", "(as reported)").
OUTLET_REPORT_CUES = frozenset({"as reported", "as reported on"})


def _in_frame(s: _Sent, date: DateMention | None) -> bool:
    """Return True if ``date`` is when the claimant spoke, not when the event happened.

    "The army said on Sunday ..." dates the statement; in "Gunmen killed 15 on Monday, officials
    said" the date before the speaker belongs to the reported event.
    """
    if date is None:
        return False
    claimant = s.att.claimant
    if claimant is None and not s.att.claimant_text and s.att.cue in OUTLET_REPORT_CUES:
        return False  # "As reported on 2 May, gunmen killed ...": the event's reported date
    if claimant is None or claimant.sentence_index != s.sent.index:
        return True
    return date.start >= claimant.start


def pick_place(s: _Sent, trig: TriggerMatch) -> PlaceMention | None:
    """Return the place of the event: after the trigger with a locative, else the nearest one
    after a locative, else the nearest.

    Not the place of the event: a place word qualifying an agent ("Western governments"), the
    origin of a distance ("a town 40 km north of Mogadishu"), a unit named after a place in it
    ("Goni village, Gwoza district, Borno state" is Goni) and the dateline ("KABUL (Reuters) -"
    says where the report was filed; it gives a claim without a place its country).
    """
    places = [
        p
        for p in s.places
        if not _modifies_agent(s, p) and not _distance_origin(s, p) and not _holds_place(s, p)
    ]
    own = [p for p in places if not _in_dateline(s, p)]
    after = [
        p for p in own if p.start >= trig.end and _LOCATIVE.search(s.text(trig.end, p.start)[-20:])
    ]
    if after:
        return min(after, key=lambda p: p.start)
    # a place after a locative is where something happened; a bare one may qualify a person
    # ("a Nangarhar provincial official said")
    located = [p for p in own if _LOCATIVE.search(s.text(s.sent.start, p.start)[-20:])]
    return _nearest(located or own, trig.start)


#: Geographic precisions from the finest; a unit named after a finer place holds it.
_PRECISION_RANK = {"point": 0, "admin2": 1, "admin1": 2, "region": 3, "country": 4, "unknown": 5}


def _distance_origin(s: _Sent, place: PlaceMention) -> bool:
    return distance_reference(s.text(s.sent.start, place.start))


def _holds_place(s: _Sent, place: PlaceMention) -> bool:
    """Return True for a unit named right after a finer place of its country ("X, Y province")."""
    rank = _PRECISION_RANK.get(place.precision, 5)
    return any(
        q.end <= place.start
        and q.country == place.country
        and _PRECISION_RANK.get(q.precision, 5) < rank
        and apposition_gap(s.text(q.end, place.start))
        for q in s.places
    )


def _in_dateline(s: _Sent, place: PlaceMention) -> bool:
    return place.evidence.startswith("cue: dateline")


def _modifies_agent(s: _Sent, place: PlaceMention) -> bool:
    """Return True for a place word qualifying a state agent it gave no country ("Western
    governments"): the words say whose agents they are, not where anything happened."""
    return any(
        a.start >= place.end
        and not a.country
        and a.sector in STATE_AGENT_SECTORS
        and not s.text(place.end, a.start).strip()
        for a in s.actors
    )


# ---------------------------------------------------------------------------------------------
# Modality per trigger
# ---------------------------------------------------------------------------------------------


def _clause_end(s: _Sent, pos: int) -> int:
    m = re.search(r"[,;:”\"]|\.\s|\.$", s.text(pos, s.sent.end))
    return pos + m.start() if m else s.sent.end


def trigger_modality(s: _Sent, trig: TriggerMatch) -> str:
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
        elif cue.start <= trig.start < _clause_end(s, cue.end) or (
            cue.end <= trig.start and m == "conditional" and _in_condition(s, cue, trig)
        ):
            found.append(m)
    return strongest(found)


def _later_report(s: _Sent, cue: CueMatch, trig: TriggerMatch) -> bool:
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


def _in_condition(s: _Sent, cue: CueMatch, trig: TriggerMatch) -> bool:
    return trig.start < _clause_end(s, cue.end)


def _negated(s: _Sent, trig: TriggerMatch) -> bool:
    for cue in s.cues:
        if (
            cue.cue.kind == "negation"
            and cue.end <= trig.start
            and _words_between(s, cue.end, trig.start) <= NEGATION_WINDOW_WORDS
            and not re.search(r"[,;]", s.text(cue.end, trig.start))
        ):
            return True
    return False


def _future(s: _Sent, trig: TriggerMatch) -> bool:
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


# ---------------------------------------------------------------------------------------------
# Claims
# ---------------------------------------------------------------------------------------------


def _affiliate(s: _Sent, actor: ActorMention) -> ActorMention:
    """Give an agent without a country the country its sentence attaches to it.

    "King Hassan of Morocco", "Kenya's Vice-President", "opposition groups in Zimbabwe" name the
    country next to the agent; otherwise a sentence that names exactly one country is taken to be
    about that country's agents (PETRARCH reads agents the same way). The mention in
    ``doc.actors`` is left alone: the claim gets a copy whose rule says where the country came from.
    """
    if actor.country or actor.sector in NONSTATE_SECTORS:
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
        named = [a.country for a in s.actors] + [p.country for p in s.places]
        countries = {c for c in named if c}
    if len(countries) != 1:
        return actor
    return dataclasses.replace(actor, country=countries.pop(), rule=f"{actor.rule}+context")


def _confidence(claim: Claim, trig: Trigger, embedded: bool) -> float:
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


def _attribution_for(s: _Sent, modality: str) -> Attribution:
    att = copy.copy(s.att)
    att.modality = modality  # type: ignore[assignment]
    return att


def _base_claim(
    s: _Sent, trig: TriggerMatch, event_type: str, mode: str | None, rule: str
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


def _complements(s: _Sent, triggers: list[TriggerMatch]) -> tuple[set[int], set[int]]:
    """Return (absorbed, embedded) trigger indexes: "agreed to withdraw", "condemned the attack"."""
    absorbed: set[int] = set()
    embedded: set[int] = set()
    for i, outer in enumerate(triggers):
        if outer.trigger.event_type not in VERBAL_TYPES:
            continue
        for j in range(i + 1, len(triggers)):
            inner = triggers[j]
            gap = s.text(outer.end, inner.start)
            if len(re.findall(r"\S+", gap)) > COMPLEMENT_WINDOW_WORDS or re.search(r"[;.]", gap):
                break
            infinitive = re.search(r"\bto\b", gap, re.I) or re.search(r"\bto$", outer.text, re.I)
            if outer.trigger.voice == "control" and infinitive:
                absorbed.add(j)
            else:
                embedded.add(j)
                s.embedding.setdefault(inner.start, outer.end)
    return absorbed, embedded


def code_trigger(s: _Sent, trig: TriggerMatch, embedded: bool) -> Claim | None:
    """Return the claim of one trigger, or None when it cannot be an event (no actor at all)."""
    event_type, mode = trig.trigger.event_type, trig.trigger.mode
    roles = assign_roles(s, trig)
    claimant = s.att.claimant
    if trig.trigger.voice == "deontic":
        if claimant is None or not roles:
            return None  # an outlet's "should" is opinion, not a demand
        roles.insert(0, RoleFiller("source", claimant))
    negated = _negated(s, trig)
    if _future(s, trig) and event_type in INTENT_SHIFT:
        event_type, mode = INTENT_SHIFT[event_type], ""
    if negated and event_type == "AGREE":
        event_type, negated = "REJECT", False  # "not willing to compromise" is a refusal
    by_claimant = False
    if (
        claimant is not None
        and not any(r.role == "source" for r in roles)
        and (event_type in VERBAL_TYPES or _speaker_is_subject(s, trig, claimant))
    ):
        roles.insert(0, RoleFiller("source", claimant))
        by_claimant = True
    by_claimant = by_claimant or any(r.actor is claimant for r in roles if r.role == "source")
    claim = _base_claim(s, trig, event_type, mode, trig.trigger.rule)
    claim.roles = roles
    claim.negated = negated
    claim.attribution = _attribution_for(s, trigger_modality(s, trig))
    claim.date = pick_date(s, trig, by_claimant and event_type in VERBAL_TYPES)
    claim.place = pick_place(s, trig)
    claim.roles = [RoleFiller(r.role, _affiliate(s, r.actor)) for r in claim.roles]
    targets = [(r.actor.sector, r.actor.kind) for r in claim.roles if r.role == "target"]
    claim.event_mode = target_mode(event_type, claim.event_mode, targets) or claim.event_mode
    if event_type == "ASSAULT" and (claim.event_mode or "") in WEAPON_REFINES:
        weapons = [m for a in claim.actors("source") if (m := weapon_mode(a.text))]
        claim.event_mode = weapons[0] if weapons else claim.event_mode
    claim.confidence = _confidence(claim, trig.trigger, embedded)
    return claim


def _speaker_is_subject(s: _Sent, trig: TriggerMatch, claimant: ActorMention) -> bool:
    """Return True for "X said it had expelled ..." and "X declared a state of siege".

    The speaker is the agent when it precedes the trigger and the words in between hold no other
    subject: a pronoun that refers back to it, or nothing but the reporting verb.
    """
    if claimant.sentence_index != s.sent.index or claimant.end > trig.start or _passive(s, trig):
        return False
    between = s.text(claimant.end, trig.start)
    if any(claimant.end <= a.start and a.end <= trig.start and a is not claimant for a in s.actors):
        return False
    if any(
        c.cue.kind == "agentive" and claimant.end <= c.start <= c.end <= trig.start for c in s.cues
    ):
        return True  # "X claimed responsibility for the attack"
    if _PRONOUN_SUBJECT.search(between):
        return True
    words = re.findall(r"[\w'’-]+", between.lower())
    if any(w in CLAUSAL_REPORT_VERBS for w in words):
        return False  # "police said a bomb exploded": the bomb is not the police's
    return len(words) <= SPEAKER_VERB_WORDS


def demand_claims(s: _Sent, triggers: list[TriggerMatch]) -> tuple[list[Claim], set[int]]:
    """Code demands by condition ("will fail if X does not withdraw").

    Return the claims and the triggers they used.
    """
    claims: list[Claim] = []
    used: set[int] = set()
    pool = _role_pool(s)
    for cue in s.cues:
        if cue.cue.kind != "condition" or cue.cue.demand not in {"yes", "negated"}:
            continue
        end = _clause_end(s, cue.end)
        inside = [(i, t) for i, t in enumerate(triggers) if cue.end <= t.start < end]
        demanded = next(((i, t) for i, t in inside if t.trigger.event_type in DEMANDABLE), None)
        if demanded is None:
            continue
        i, trig = demanded
        if cue.cue.demand == "negated" and not _negated(s, trig):
            continue
        target = [a for a in pool if cue.end <= a.start and a.end <= trig.start]
        if not target:
            target = [
                a
                for a in pool
                if trig.end <= a.start < end and _BY.match(s.text(trig.end, a.start))
            ]
        if not target:
            continue
        consequence = [t for t in triggers if not (cue.start <= t.start < end)]
        threat = next((t for t in consequence if t.trigger.event_type in THREATENING), None)
        if threat is not None:
            event_type, mode = "THREATEN", THREAT_MODE.get(threat.trigger.event_type, "")
        else:
            event_type, mode = "REQUEST", DEMAND_MODE.get(trig.trigger.event_type, "yield")
        span = TriggerMatch(trig.trigger, cue.start, trig.end, s.text(cue.start, trig.end))
        claim = _base_claim(s, span, event_type, mode, f"condition:{cue.cue.phrase}/{event_type}")
        source = [s.att.claimant] if s.att.claimant is not None else []
        if not source:
            first = [a for a in pool if a.end <= cue.start]
            source = first[:1]
        claim.roles = [RoleFiller("source", a) for a in source] + [
            RoleFiller("target", a) for a in _dedupe(target)
        ]
        claim.attribution = _attribution_for(s, strongest([s.att.modality, "conditional"]))
        claim.date = pick_date(s, span, verbal_by_claimant=True)
        claim.place = None
        claim.confidence = _confidence(claim, trig.trigger, embedded=False)
        claims.append(claim)
        used.add(i)
    return claims, used


def _merge_same_type(claims: list[Claim]) -> list[Claim]:
    """Keep one claim per event type and sentence: the most specific, completed by the others."""
    out: list[Claim] = []
    for claim in claims:
        twin = next(
            (
                c
                for c in out
                if c.event_type == claim.event_type
                and c.negated == claim.negated
                and c.attribution.modality == claim.attribution.modality
            ),
            None,
        )
        if twin is None:
            out.append(claim)
            continue
        keep, other = (claim, twin) if claim.confidence > twin.confidence else (twin, claim)
        if other.event_mode in MODE_OUTRANKS.get(keep.event_mode or "", ()):
            keep.event_mode = other.event_mode
        keys = {r.actor.key for r in keep.roles}
        keep.roles += [r for r in other.roles if r.actor.key not in keys]
        keep.date = keep.date or other.date
        keep.place = keep.place or other.place
        for f in ("fatalities_low", "fatalities_best", "fatalities_high"):
            if getattr(keep, f) is None:
                setattr(keep, f, getattr(other, f))
        out[out.index(twin)] = keep
    return out


def code_sentence(s: _Sent) -> list[Claim]:
    """Return the claims of one sentence."""
    # An agent noun that names an actor ("protesters", "peacekeepers") is not an event mention.
    triggers = [
        t
        for t in find_triggers(s.sent.text, s.sent.start)
        if not any(a.start <= t.start and t.end <= a.end for a in s.actors)
    ]
    if not triggers:
        return []
    s.triggers = triggers
    claims, used = demand_claims(s, triggers)
    absorbed, embedded = _complements(s, triggers)
    alleging: list[Claim] = []
    for i, trig in enumerate(triggers):
        if i in used or i in absorbed:
            continue
        claim = code_trigger(s, trig, embedded=i in embedded)
        if claim is not None:
            claims.append(claim)
            if trig.trigger.voice == "allege" and not claim.negated:
                alleging.append(claim)
    figure = fatalities(s.sent.text)
    if figure is not None:
        _attach_fatalities(claims, figure, s)
    _allegations(s, claims, alleging)
    _crowd_events(s, claims)
    ranked = sorted(claims, key=lambda c: (not _crowd_protest(c), c.trigger_start))
    main = next((c for c in ranked if c.actors("source")), None)
    if main is not None:
        main.confidence = round(min(main.confidence + CONF_MAIN, 1.0), 3)
    if main is not None and _crowd_protest(main):
        # What the crowd demands and how it is dispersed or arrested is part of the protest.
        crowd = {a.key for a in main.actors("source")}
        for c in claims:
            if c.event_type in OUTRANKED_BY_PROTEST and any(r.actor.key in crowd for r in c.roles):
                c.confidence = round(min(c.confidence, main.confidence - CONF_OUTRANKED), 3)
                # Who disperses or arrests the crowd is the protest's second actor (ACLED
                # "protest with intervention": actor2 is the police); whom the crowd addresses
                # its demands to is what it protests against.
                if any(a.key in crowd for a in c.actors("target")):
                    other = c.actors("source")
                else:
                    other = c.actors("target")
                keys = {r.actor.key for r in main.roles}
                main.roles += [RoleFiller("target", a) for a in other if a.key not in keys]
    return _merge_same_type(claims)


def _same_clause(s: _Sent, a: Claim, b: Claim) -> bool:
    lo, hi = sorted((a.trigger_start, b.trigger_start))
    return not _CLAUSE_BREAK.search(s.text(lo, hi))


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


def _crowd_protest(claim: Claim) -> bool:
    """Return True for a protest by a crowd or population: the main event of its sentence."""
    return claim.event_type in MAIN_FIRST_TYPES and any(
        a.kind == "population" for a in claim.actors("source")
    )


def _crowd_events(s: _Sent, claims: list[Claim]) -> None:
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
        claim = _base_claim(s, span, "PROTEST", "demo", f"crowd:{trig.pattern}/PROTEST")
        claim.roles = [RoleFiller("source", crowd)]
        claim.attribution = _attribution_for(s, trigger_modality(s, span))
        claim.date = pick_date(s, span, False)
        claim.place = pick_place(s, span)
        claim.confidence = _confidence(claim, trig, embedded=False)
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


def _allegations(s: _Sent, claims: list[Claim], alleging: list[Claim]) -> None:
    """Make the events inside an accusation the accuser's allegation.

    "The RSF accused the army of carrying out an airstrike that killed hundreds" asserts the
    accusation; the airstrike is alleged, and the RSF claims it. The complement runs from the
    accusing trigger to the end of its clause.
    """
    for accusation in alleging:
        accuser = next(iter(accusation.actors("source")), None)
        end = _clause_end(s, accusation.trigger_end)
        for c in claims:
            if c is accusation or not (accusation.trigger_end <= c.trigger_start < end):
                continue
            att = copy.copy(c.attribution)
            if accuser is not None and accuser is not att.claimant:
                att.claimant, att.claimant_text = accuser, accuser.text
            att.modality = strongest([att.modality, "alleged"])
            att.cue = accusation.trigger
            c.attribution = att


def _attach_fatalities(claims: list[Claim], fig: Figure, s: _Sent) -> None:
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


# ---------------------------------------------------------------------------------------------
# Discourse: "both sides", "thus far", "made his remarks"
# ---------------------------------------------------------------------------------------------


def _ongoing(text: str) -> bool:
    try:
        from events.pipeline.dates import is_ongoing
    except ImportError:  # the dates stage is optional for hand-built documents
        return bool(re.search(r"\b(?:thus|so)\s+far\b|\bto\s+date\b", text, re.I))
    return is_ongoing(text)


def _discourse(
    doc: Document,
    s: _Sent,
    claims: list[Claim],
    history: list[Claim],
    speech_dates: dict[str, DateMention],
) -> None:
    """Fill roles and dates a sentence leaves to its context."""
    previous = next(
        (c for c in reversed(history) if c.section == s.sent.section and c.event_type == "ASSAULT"),
        None,
    )
    for claim in claims:
        if (
            claim.event_type == "ASSAULT"
            and not claim.roles
            and previous is not None
            and _BOTH_SIDES.search(s.sent.text)
        ):
            claim.roles = [
                RoleFiller("source", r.actor)
                for r in previous.roles
                if r.role in {"source", "target"}
            ]
        if claim.date is None and _ongoing(s.sent.text):
            start = _previous_date(history, s) or _paragraph_date(doc, s)
            if start is not None and start.date_start is not None:
                span = ongoing_interval(
                    DateInterval(start.date_start, start.date_end, start.precision), doc.published
                )
                m = re.search(
                    r"\b(?:thus|so)\s+far\b|\bto\s+date\b|\buntil\s+now\b", s.sent.text, re.I
                )
                a, b = (m.start(), m.end()) if m else (0, 0)
                claim.date = DateMention(
                    start=s.sent.start + a,
                    end=s.sent.start + b,
                    text=m.group() if m else "",
                    sentence_index=s.sent.index,
                    date_start=span.date_start,
                    date_end=span.date_end,
                    precision=span.precision,
                    resolved=True,
                    relative=True,
                )
        if claim.date is None and claim.event_type in PHYSICAL_TYPES:
            # "The army said on Sunday its soldiers had killed ...": Sunday is when it spoke.
            claim.date = _context_date(history, s, claim) or _opening_date(doc, s)
            continue
        if claim.date is None and s.att.claim_date is not None:
            claim.date = s.att.claim_date
        if claim.date is None and any(c.cue.kind == "speech" for c in s.cues):
            for speaker in s.actors:
                if speaker.key in speech_dates:
                    claim.date = speech_dates[speaker.key]
                    break
        spoken = bool(claim.actors("source")) or claim.attribution.claimant is not None
        if claim.date is None and claim.event_type in VERBAL_TYPES and spoken:
            claim.date = _publication_date(doc, s)
        if claim.date is None:
            claim.date = _opening_date(doc, s)


def _publication_date(doc: Document, s: _Sent) -> DateMention | None:
    """Return the publication date as the date of an undated speech act by a named speaker.

    News reports statements of the day ("The EU condemned the shelling"); a physical event is
    not dated this way, since it may be days old when reported.
    """
    if doc.published is None:
        return None
    precision = doc.published_precision if doc.published_precision != "unknown" else "day"
    first, last = interval_of(doc.published, precision)  # "2024-05": the whole month
    return DateMention(
        start=s.sent.start,
        end=s.sent.start,
        text="",
        sentence_index=s.sent.index,
        date_start=first,
        date_end=last,
        precision=precision,
        resolved=True,
        relative=True,
    )


def _context_date(history: list[Claim], s: _Sent, claim: Claim) -> DateMention | None:
    """Return the date of the latest earlier event of the same type close before ``claim``.

    Only a date not after the claim's date of speaking qualifies (an event is reported after it
    happened), and a claim that names its own place only takes the date of an event there.
    """
    said = claim.attribution.claim_date
    for c in reversed(history):
        too_far = s.sent.index - c.sentence_index > CONTEXT_DATE_MAX_SENTENCES
        if c.section != s.sent.section or too_far:
            break
        if c.event_type != claim.event_type or c.date is None or c.date.date_start is None:
            continue
        if claim.place is not None and (c.place is None or c.place.key != claim.place.key):
            continue  # shelling on Sunday does not date an airstrike named in Omdurman
        if said is not None and said.date_start is not None and c.date.date_start > said.date_start:
            continue
        return c.date
    return None


#: What may stand before the date that opens a report ("On 3 May 2020, ...", "As reported on
#: 2 May, ...", "Overnight on 4 May ..."): prepositions and hedges, nothing that names an event.
_OPENING = re.compile(
    r"^\W*(?:(?:on|in|at|around|about|by|between|from|during|overnight|late|early|as\s+reported"
    r"|reportedly|the\s+night\s+of|the\s+morning\s+of|,)\s*)*$",
    re.I,
)


def _opening_date(doc: Document, s: _Sent) -> DateMention | None:
    """Return the date that opens the report ``s`` belongs to, when it opens with one.

    A codebook note or a wire lead states the date once ("On 3 May 2020, militants attacked
    ... Troops arrested five men."); the following sentences of the same section share it
    unless they name another (then they have a date of their own and never get here).
    """
    lead = next(
        (
            x
            for x in doc.sentences
            if x.section == s.sent.section and x.index <= s.sent.index and x.text.strip()
        ),
        None,
    )
    if lead is None or lead.index == s.sent.index:
        return None
    for d in doc.dates:
        if d.sentence_index != lead.index or d.date_start is None:
            continue
        before = lead.text[: max(0, d.start - lead.start)]
        return d if _OPENING.match(before) else None
    return None


def _previous_date(history: list[Claim], s: _Sent) -> DateMention | None:
    for c in reversed(history):
        if c.section == s.sent.section and c.date is not None and c.date.date_start is not None:
            return c.date
    return None


def _paragraph_date(doc: Document, s: _Sent) -> DateMention | None:
    same = {
        x.index
        for x in doc.sentences
        if x.paragraph == s.sent.paragraph and x.section == s.sent.section
    }
    earlier = [d for d in doc.dates if d.sentence_index in same and d.sentence_index < s.sent.index]
    return earlier[-1] if earlier else None


# ---------------------------------------------------------------------------------------------
# The stage
# ---------------------------------------------------------------------------------------------


def _by_sentence(items: list) -> dict[int, list]:  # type: ignore[type-arg]
    out: dict[int, list] = {}  # type: ignore[type-arg]
    for m in items:
        out.setdefault(m.sentence_index, []).append(m)
    return out


@stage(
    "events",
    requires=("sentences", "actors", "dates", "places", "attributions"),
    assigns=("claims",),
)
def code_events(doc: Document) -> None:
    """Set ``doc.claims``: one claim per event mention, with roles, date, place and attribution."""
    actors, dates, places = (
        _by_sentence(doc.actors),
        _by_sentence(doc.dates),
        _by_sentence(doc.places),
    )
    history: list[Claim] = []
    speech_dates: dict[str, DateMention] = {}
    geo = _ArticleGeography(doc)
    for sent in doc.sentences:
        if sent.section == "comment" and not doc.include_comments:
            continue
        att = doc.attributions.get(sent.index) or Attribution()
        s = _Sent(
            sent,
            sorted(actors.get(sent.index, []), key=lambda a: (a.start, -a.end)),
            dates.get(sent.index, []),
            places.get(sent.index, []),
            att,
            [
                c
                for c in find_cues(sent.text, sent.start)
                if not _inside_any(c, dates.get(sent.index, []))
                and not inside_actor(c, actors.get(sent.index, []))
            ],
        )
        claims = code_sentence(s)
        _discourse(doc, s, claims, history, speech_dates)
        kept = _weigh_bare(claims)
        _carry_toll(s, kept, history)
        for claim in kept:
            if claim.place is None:
                claim.place = geo.country_of(s, claim)
        history.extend(kept)
        if att.claimant is not None and att.claim_date is not None:
            speech_dates[att.claimant.key] = att.claim_date
    doc.claims = history
    mark_main(doc)


#: How many body sentences after the title count as the lead (the headline's event).
LEAD_SENTENCES = 2


def mark_main(doc: Document) -> None:
    """Set ``is_main`` on exactly one claim of ``doc`` (none when it has no claim): its main event.

    The main event is the one the headline and lead describe: among the claims of the title and
    the first ``LEAD_SENTENCES`` body sentences, a physical event (``PHYSICAL_TYPES``) before any
    other type, then the highest confidence, then the earliest (title first, then text order).
    With no claim there, the article's highest-confidence claim (the earliest among ties).
    Confidences are not changed: side remarks keep theirs.
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

    headline = [c for c in doc.claims if c.sentence_index in lead and c.section != "comment"]
    if headline:
        main = max(
            headline, key=lambda c: (c.event_type in PHYSICAL_TYPES, c.confidence, earliest(c))
        )
    else:
        main = max(doc.claims, key=lambda c: (c.confidence, earliest(c)))
    main.is_main = True


class _ArticleGeography:
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

    def country_of(self, s: _Sent, claim: Claim) -> PlaceMention | None:
        """Return a country-level place for ``claim``, with the evidence it comes from."""
        spare = {
            p.country
            for p in s.places
            if p.country and not _modifies_agent(s, p) and not _in_dateline(s, p)
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


def _carry_toll(s: _Sent, claims: list[Claim], history: list[Claim]) -> None:
    """Give a preceding attack without a figure the toll that ``s`` states without an event.

    Reports often put the toll in a sentence of its own ("Gunmen attacked X. Twelve people
    died.", "... At least 12 civilians were killed."): it then has no claim, or only a weaker
    one without a source, and the attack the report is about is left without a figure. The
    figure is copied, never added: an attack that already has a figure keeps it, and a toll
    sentence with an attack of its own (a source named), or naming another place, keeps its toll.
    """
    assaults = [c for c in claims if c.event_type == "ASSAULT" and not c.negated]
    if any(c.actors("source") for c in assaults):
        return  # the sentence reports an event of its own
    toll = next((c for c in assaults if _has_figure(c)), None)
    if toll is not None:
        figure = (toll.fatalities_low, toll.fatalities_best, toll.fatalities_high)
        places = [toll.place] if toll.place is not None else []
    elif not assaults:
        found = fatalities(s.sent.text)
        if found is None or all(f is None for f in (found.low, found.best, found.high)):
            return
        figure = (found.low, found.best, found.high)
        places = [p for p in s.places if not _in_dateline(s, p)]
    else:
        return
    recent = [
        c
        for c in history
        if c.event_type == "ASSAULT"
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


def _weigh_bare(claims: list[Claim]) -> list[Claim]:
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


def _inside_any(cue: CueMatch, dates: list[DateMention]) -> bool:
    return any(d.start <= cue.start and cue.end <= d.end for d in dates)


__all__ = [
    "Figure",
    "Trigger",
    "TriggerMatch",
    "code_events",
    "fatalities",
    "find_triggers",
    "trigger_lexicon",
    "number_lexicon",
]
