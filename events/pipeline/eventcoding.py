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

import logging
import re

from events.pipeline.claims import (
    find_cues,
    inside_actor,
    strongest,
)
from events.pipeline.context import discourse, inside_any, pick_date, pick_place
from events.pipeline.crowds import (
    RELATIVE_CROWD_RULE,
    allegations,
    crowd_events,
    crowd_protest,
)
from events.pipeline.doc import (
    Attribution,
    Claim,
    DateMention,
    Document,
    RoleFiller,
)
from events.pipeline.modality import is_future, is_negated, trigger_modality
from events.pipeline.report import (
    ArticleGeography,
    attach_fatalities,
    carry_toll,
    mark_main,
    weigh_bare,
)
from events.pipeline.roles import (
    affiliate,
    assign_roles,
    clause,
    dedupe,
    role_pool,
    speaker_is_subject,
    unarmed_victims,
)
from events.pipeline.runner import stage
from events.pipeline.sentence import (
    BY,
    PHYSICAL_TYPES,
    REMOTE_MODES,
    VERBAL_TYPES,
    CodingSentence,
    attribution_for,
    base_claim,
    clause_end,
    confidence,
)
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
from events.pipeline.victims import (
    armed_crowd,
    battle_toll,
    civilian_site,
    communal_sides,
    force_on_crowd,
    members_of_unknown_group,
    protesters,
)

log = logging.getLogger(__name__)


log = logging.getLogger(__name__)


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
#: The sector given to victims named only by a civilian noun ("a village chief", "two peasants").
UNARMED_SECTOR = "CVL"
#: Complements that make a promise a threat ("is prepared to impose martial law", "vowed to
#: crush"): coercion and force against another. Sending forces ("offered to send troops") and
#: cooperative moves stay promises (AGREE).
HOSTILE_COMPLEMENTS = frozenset({"ASSAULT", "COERCE", "SANCTION", "THREATEN"})


DEMAND_MODE = {"RETREAT": "yield", "CONCEDE": "yield", "AGREE": "meet", "CONSULT": "meet"}


THREAT_MODE = {
    "ASSAULT": "violence",
    "MOBILIZE": "violence",
    "COERCE": "restrict",
    "SANCTION": "relations",
}


#: Words between a control trigger and the trigger of its complement ("agreed to fully withdraw").
COMPLEMENT_WINDOW_WORDS = 5


#: The first event of a sentence that has a subject is its main predicate ("Libya has offered to
#: hand over two nationals suspected of blowing up a plane" is an offer, not a bombing).
CONF_MAIN = 0.1


#: Events that report a protest's content or policing, outranked by the protest itself.
OUTRANKED_BY_PROTEST = frozenset({"REQUEST", "COERCE", "ACCUSE", "REJECT", "THREATEN"})


CONF_OUTRANKED = 0.05


#: When two claims of one type merge, a mode learned from context outranks the verb's own:
#: a riot outranks a demonstration, an attack on civilians a shooting, and an armed clash keeps
#: its battle reading when grenades are also used.
MODE_OUTRANKS = {
    "": ("civilians", "repression", *REMOTE_MODES),
    "civilians": REMOTE_MODES,
    "firearms": ("civilians", "repression"),
    "grenade": ("firearms",),
}


def _complements(
    s: CodingSentence, triggers: list[TriggerMatch]
) -> tuple[dict[int, int], set[int]]:
    """Return the absorbed triggers (inner index -> outer index: "agreed to withdraw") and the
    embedded ones ("condemned the attack")."""
    absorbed: dict[int, int] = {}
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
                absorbed.setdefault(j, i)
            else:
                embedded.add(j)
                s.embedding.setdefault(inner.start, outer.end)
    return absorbed, embedded


#: Words that open a clause subordinate to the one before: "lifted the curfew in X, where 28
#: were killed in riots", "eased the measures as authorities elsewhere cracked down".
_SUBORDINATOR = re.compile(
    r"\b(?:where|as|while|whereas|although|though|because|which|who|whom|whose)\b", re.I
)


#: Relative words: what follows describes a place or an actor of the main clause ("in Jos,
#: where dozens died in riots last year"), background even when it is a crowd's protest.
_RELATIVE = re.compile(r"\b(?:where|which|who|whom|whose)\b", re.I)


def _background(s: CodingSentence, claims: list[Claim]) -> list[Claim]:
    """Return the claims in a relative clause after the sentence's first event with a source."""
    sourced = [c for c in claims if c.actors("source")]
    first = min(sourced, key=lambda c: c.trigger_start, default=None)
    if first is None:
        return []
    return [
        c
        for c in claims
        if c.trigger_start > first.trigger_end
        and _RELATIVE.search(s.text(first.trigger_end, c.trigger_start))
        and not c.rule.endswith(RELATIVE_CROWD_RULE)  # "dispersed nurses who marched"
    ]


def _subordinate(
    s: CodingSentence, main: Claim, claims: list[Claim], background: list[Claim]
) -> None:
    """Rank below the main event the events of a clause subordinate to it.

    The background a report gives after its main clause (where, as, while, which ...) is a
    side remark: it keeps its claim but no longer outranks what the sentence reports. A crowd's
    protest after "as"/"while" stays (police "fired tear gas as protesters marched").
    """
    for c in claims:
        if c is main or c.trigger_start <= main.trigger_end:
            continue
        if c not in background and crowd_protest(c):
            continue
        if c in background or _SUBORDINATOR.search(s.text(main.trigger_end, c.trigger_start)):
            c.confidence = round(min(c.confidence, main.confidence - CONF_OUTRANKED), 3)


#: Words a name may hold in lower case ("Memorandum of Understanding on Cessation of Hostilities").
_NAME_JOINERS = frozenset({"of", "on", "for", "the", "and", "de", "al"})
#: Share of capitalised words above which a sentence is a title-case headline, not prose.
TITLE_CASE_SHARE = 0.6


def _in_name(s: CodingSentence, trig: TriggerMatch) -> bool:
    """Return True for a trigger word inside a capitalised name ("Emergency Relief Coordinator",
    "the Relief Committee", "an agreement on Cessation of Hostilities"): a title, not an event.

    Only in prose: in a title-case headline every word is capitalised.
    """
    if s.sent.section == "title" or not trig.text[:1].isupper() or trig.start == s.sent.start:
        return False
    words = re.findall(r"[A-Za-z][\w'-]*", s.sent.text)
    if sum(w[0].isupper() for w in words) > TITLE_CASE_SHARE * len(words):
        return False
    before = re.findall(r"[\w'-]+", s.text(s.sent.start, trig.start))
    while before and before[-1].lower() in _NAME_JOINERS:
        before.pop()
    after = re.findall(r"[\w'-]+", s.text(trig.end, s.sent.end))[:1]
    return bool(before and before[-1][0].isupper() and len(before) > 1) or bool(
        after and after[0][0].isupper()
    )


#: A determiner right before a one-word trigger makes it a noun ("the occupation army").
_DETERMINER = re.compile(
    r"(?:\b(?:the|an?|its|their|this|that|two|three|four|five|six|seven|eight|nine|ten|eleven|"
    r"twelve|\w+teen|\w+ty|several|many|dozens of|hundreds of)|\d)\s+$",
    re.I,
)


_POSSESSOR = re.compile(r"\b(?:their|its|his|her|our)\s+$", re.I)


def _attributive(s: CodingSentence, trig: TriggerMatch) -> bool:
    """Return True for a noun trigger qualifying the actor right after it: "the occupation army",
    "the coup leaders" name an actor, they report no event."""
    if " " in trig.text:
        return False
    before = s.text(s.sent.start, trig.start)
    if _POSSESSOR.search(before) and trig.trigger.event_type == "MOBILIZE":
        return True  # "gunmen ambushed their patrol": the patrol is the object, not an event
    if not _DETERMINER.search(before):
        return False
    return any(a.start > trig.end and not s.text(trig.end, a.start).strip() for a in s.actors)


def _promise_or_threat(claim: Claim, complements: list[TriggerMatch]) -> None:
    """Make a promise of force or coercion a threat: "is prepared to impose martial law".

    PLOVER codes an announced intention by what is intended: cooperation promised is AGREE,
    coercion or force announced against another is THREATEN.
    """
    if claim.event_type != "AGREE" or claim.negated:
        return
    # The verb of the complement is its first trigger: "ready to release the detained students"
    # promises a release; the arrest named in its object is no part of the promise.
    hostile = min(complements, key=lambda t: t.start) if complements else None
    if hostile is not None and hostile.trigger.event_type in HOSTILE_COMPLEMENTS:
        claim.event_type = "THREATEN"
        claim.event_mode = THREAT_MODE.get(hostile.trigger.event_type) or None
        claim.rule = f"{claim.rule}+complement:{hostile.trigger.event_type}"


def code_trigger(s: CodingSentence, trig: TriggerMatch, embedded: bool) -> Claim | None:
    """Return the claim of one trigger, or None when it cannot be an event (no actor at all)."""
    event_type, mode = trig.trigger.event_type, trig.trigger.mode
    roles = assign_roles(s, trig)
    claimant = s.att.claimant
    if trig.trigger.voice == "deontic":
        if claimant is None or not roles:
            return None  # an outlet's "should" is opinion, not a demand
        roles.insert(0, RoleFiller("source", claimant))
    negated = is_negated(s, trig)
    if is_future(s, trig) and event_type in INTENT_SHIFT:
        event_type, mode = INTENT_SHIFT[event_type], ""
    if negated and event_type == "AGREE":
        event_type, negated = "REJECT", False  # "not willing to compromise" is a refusal
    by_claimant = False
    if (
        claimant is not None
        and not any(r.role == "source" for r in roles)
        and (event_type in VERBAL_TYPES or speaker_is_subject(s, trig, claimant))
    ):
        roles.insert(0, RoleFiller("source", claimant))
        by_claimant = True
    by_claimant = by_claimant or any(r.actor is claimant for r in roles if r.role == "source")
    claim = base_claim(s, trig, event_type, mode, trig.trigger.rule)
    claim.roles = roles
    claim.negated = negated
    claim.attribution = attribution_for(s, trigger_modality(s, trig))
    claim.date = pick_date(s, trig, by_claimant and event_type in VERBAL_TYPES)
    claim.place = pick_place(s, trig)
    claim.roles = [RoleFiller(r.role, affiliate(s, r.actor)) for r in claim.roles]
    if event_type == "ASSAULT" and not claim.actors("target"):
        group = members_of_unknown_group(s, trig.end, clause(s, trig)[1])
        claim.roles += [RoleFiller("target", group)] if group is not None else []
    if event_type == "ASSAULT" and not claim.actors("target") and trig.trigger.voice == "":
        country = next((a.country for a in claim.actors("source") if a.country), None)
        site = civilian_site(s, trig.end, clause(s, trig)[1], country)
        claim.roles += [RoleFiller("target", site)] if site is not None else []
    targets = [(r.actor.sector, r.actor.kind) for r in claim.roles if r.role == "target"]
    if not targets and event_type == "ASSAULT" and unarmed_victims(s, trig):
        targets = [(UNARMED_SECTOR, "")]  # "shot dead a village chief": named by a noun only
    claim.event_mode = target_mode(event_type, claim.event_mode, targets) or claim.event_mode
    if event_type == "ASSAULT" and (claim.event_mode or "") in WEAPON_REFINES:
        weapons = [m for a in claim.actors("source") if (m := weapon_mode(a.text))]
        claim.event_mode = weapons[0] if weapons else claim.event_mode
    claim.confidence = confidence(claim, trig.trigger, embedded)
    return claim


def demand_claims(s: CodingSentence, triggers: list[TriggerMatch]) -> tuple[list[Claim], set[int]]:
    """Code demands by condition ("will fail if X does not withdraw").

    Return the claims and the triggers they used.
    """
    claims: list[Claim] = []
    used: set[int] = set()
    pool = role_pool(s)
    for cue in s.cues:
        if cue.cue.kind != "condition" or cue.cue.demand not in {"yes", "negated"}:
            continue
        end = clause_end(s, cue.end)
        inside = [(i, t) for i, t in enumerate(triggers) if cue.end <= t.start < end]
        demanded = next(((i, t) for i, t in inside if t.trigger.event_type in DEMANDABLE), None)
        if demanded is None:
            continue
        i, trig = demanded
        if cue.cue.demand == "negated" and not is_negated(s, trig):
            continue
        target = [a for a in pool if cue.end <= a.start and a.end <= trig.start]
        if not target:
            target = [
                a for a in pool if trig.end <= a.start < end and BY.match(s.text(trig.end, a.start))
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
        claim = base_claim(s, span, event_type, mode, f"condition:{cue.cue.phrase}/{event_type}")
        source = [s.att.claimant] if s.att.claimant is not None else []
        if not source:
            first = [a for a in pool if a.end <= cue.start]
            source = first[:1]
        claim.roles = [RoleFiller("source", a) for a in source] + [
            RoleFiller("target", a) for a in dedupe(target)
        ]
        claim.attribution = attribution_for(s, strongest([s.att.modality, "conditional"]))
        claim.date = pick_date(s, span, verbal_by_claimant=True)
        claim.place = None
        claim.confidence = confidence(claim, trig.trigger, embedded=False)
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
        elif keep.event_mode == "destroy" and (other.fatalities_best or other.fatalities_low):
            keep.event_mode = other.event_mode  # "destroyed two tanks and killed eleven"
        keys = {r.actor.key for r in keep.roles}
        keep.roles += [r for r in other.roles if r.actor.key not in keys]
        keep.date = keep.date or other.date
        keep.place = keep.place or other.place
        for f in ("fatalities_low", "fatalities_best", "fatalities_high"):
            if getattr(keep, f) is None:
                setattr(keep, f, getattr(other, f))
        out[out.index(twin)] = keep
    return out


def code_sentence(s: CodingSentence) -> list[Claim]:
    """Return the claims of one sentence."""
    # An agent noun that names an actor ("protesters", "peacekeepers") is not an event mention.
    triggers = [
        t
        for t in find_triggers(s.sent.text, s.sent.start)
        if not any(a.start <= t.start and t.end <= a.end for a in s.actors)
        and not _in_name(s, t)
        and not _attributive(s, t)
    ]
    if not triggers:
        return []
    s.triggers = triggers
    claims, used = demand_claims(s, triggers)
    absorbed, embedded = _complements(s, triggers)
    alleging: list[Claim] = []
    reciprocal: list[Claim] = []
    for i, trig in enumerate(triggers):
        if i in used or i in absorbed:
            continue
        claim = code_trigger(s, trig, embedded=i in embedded)
        if claim is not None:
            _promise_or_threat(claim, [triggers[j] for j, o in absorbed.items() if o == i])
            claims.append(claim)
            if trig.trigger.voice == "allege" and not claim.negated:
                alleging.append(claim)
            if trig.trigger.voice == "reciprocal":
                reciprocal.append(claim)
    figure = fatalities(s.sent.text)
    if figure is not None:
        attach_fatalities(claims, figure, s)
    allegations(s, claims, alleging)
    crowd_events(s, claims)
    armed_crowd(s, claims)
    communal_sides(s, reciprocal)
    battle_toll(claims, reciprocal)
    background = _background(s, claims)
    # Violence on a protest's crowd outranks the protest; the protest outranks the rest.
    ranked = sorted(
        (c for c in claims if c not in background),
        key=lambda c: (not force_on_crowd(c, claims), not crowd_protest(c), c.trigger_start),
    )
    main = next((c for c in ranked if c.actors("source")), None)
    if main is not None:
        main.confidence = round(min(main.confidence + CONF_MAIN, 1.0), 3)
        _subordinate(s, main, claims, background)
    if main is not None and force_on_crowd(main, claims):
        protesters(main, claims)
    if main is not None and crowd_protest(main):
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
    geo = ArticleGeography(doc)
    for sent in doc.sentences:
        if sent.section == "comment" and not doc.include_comments:
            continue
        att = doc.attributions.get(sent.index) or Attribution()
        s = CodingSentence(
            sent,
            sorted(actors.get(sent.index, []), key=lambda a: (a.start, -a.end)),
            dates.get(sent.index, []),
            places.get(sent.index, []),
            att,
            [
                c
                for c in find_cues(sent.text, sent.start)
                if not inside_any(c, dates.get(sent.index, []))
                and not inside_actor(c, actors.get(sent.index, []))
            ],
        )
        claims = code_sentence(s)
        discourse(doc, s, claims, history, speech_dates)
        kept = weigh_bare(claims)
        carry_toll(s, kept, history)
        for claim in kept:
            if claim.place is None:
                claim.place = geo.country_of(s, claim)
        history.extend(kept)
        if att.claimant is not None and att.claim_date is not None:
            speech_dates[att.claimant.key] = att.claim_date
    doc.claims = history
    mark_main(doc)


__all__ = [
    "PHYSICAL_TYPES",
    "Figure",
    "Trigger",
    "TriggerMatch",
    "code_events",
    "fatalities",
    "find_triggers",
    "mark_main",
    "trigger_lexicon",
    "number_lexicon",
]
