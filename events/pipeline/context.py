"""Date and place of an event, and what a sentence leaves to its context.

The date and place of the trigger's clause come first; a physical event reported without a date
takes that of an earlier event of the same type, or the date that opens the report; a speech
act without one is dated by publication.
"""

from __future__ import annotations

import re

from events.dates import DateInterval, interval_of, ongoing_interval
from events.pipeline.claims import (
    CueMatch,
)
from events.pipeline.doc import (
    Claim,
    DateMention,
    Document,
    PlaceMention,
    RoleFiller,
)
from events.pipeline.places import apposition_gap, distance_reference
from events.pipeline.roles import clause
from events.pipeline.sentence import (
    LOCATIVE,
    PHYSICAL_TYPES,
    STATE_AGENT_SECTORS,
    VERBAL_TYPES,
    CodingSentence,
    nearest,
)
from events.pipeline.triggers import (
    TriggerMatch,
)

#: Sentences back in which an earlier event of the same type lends its date to a physical event
#: reported without one ("clashed on Saturday. The army said ... it had killed 20"): the report
#: of the event follows its narration closely in wire copy; further back it may be another event.
CONTEXT_DATE_MAX_SENTENCES = 3


#: A dateline: an upper-case place and a date opening the first sentence, then a dash.
_DATELINE_BEFORE = re.compile(r"^\s*(?:[A-Z][A-Z .'’/-]*(?:\([^)]*\))?,\s*)?$")


_DATELINE_AFTER = re.compile(r"^\s*(?:\([^)]*\)\s*)?[-–—]")


_BOTH_SIDES = re.compile(
    r"\b(?:both sides|either side|the two sides|each other|both parties)\b", re.I
)


def pick_date(
    s: CodingSentence, trig: TriggerMatch, verbal_by_claimant: bool
) -> DateMention | None:
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
    left, right = clause(s, trig)
    in_clause = [d for d in own if left <= d.start and d.end <= right]
    if in_clause:
        return nearest(in_clause, trig.start)
    # A date in another event's clause ("condemned X and will impose sanctions next week") is
    # that event's: keep only the dates this trigger is the nearest trigger to.
    mine = [d for d in own if _nearest_trigger(s, d) in (None, trig)]
    return nearest(mine, trig.start)


def _nearest_trigger(s: CodingSentence, date: DateMention) -> TriggerMatch | None:
    # "two days after the strike": the strike is the date's anchor, not the event it dates.
    outside = [t for t in s.triggers if not (date.start <= t.start and t.end <= date.end)]
    return nearest(outside, date.start) if outside else None


def _dateline(s: CodingSentence, date: DateMention) -> bool:
    """Return True for the date of a dateline ("KHARKIV, March 3, 2023 - ..."): the filing date."""
    return bool(
        _DATELINE_BEFORE.match(s.text(s.sent.start, date.start))
        and _DATELINE_AFTER.match(s.text(date.end, s.sent.end))
    )


#: Cues by which a note dates an event by its report ("As reported on 2 May", "(as reported)").
OUTLET_REPORT_CUES = frozenset({"as reported", "as reported on"})


def _in_frame(s: CodingSentence, date: DateMention | None) -> bool:
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


def pick_place(s: CodingSentence, trig: TriggerMatch) -> PlaceMention | None:
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
        if not modifies_agent(s, p) and not _distance_origin(s, p) and not _holds_place(s, p)
    ]
    own = [p for p in places if not in_dateline(s, p)]
    after = [
        p for p in own if p.start >= trig.end and LOCATIVE.search(s.text(trig.end, p.start)[-20:])
    ]
    if after:
        return min(after, key=lambda p: p.start)
    # a place after a locative is where something happened; a bare one may qualify a person
    # ("a Nangarhar provincial official said")
    located = [p for p in own if LOCATIVE.search(s.text(s.sent.start, p.start)[-20:])]
    return nearest(located or own, trig.start)


#: Geographic precisions from the finest; a unit named after a finer place holds it.
_PRECISION_RANK = {"point": 0, "admin2": 1, "admin1": 2, "region": 3, "country": 4, "unknown": 5}


def _distance_origin(s: CodingSentence, place: PlaceMention) -> bool:
    return distance_reference(s.text(s.sent.start, place.start))


def _holds_place(s: CodingSentence, place: PlaceMention) -> bool:
    """Return True for a unit named right after a finer place of its country ("X, Y province")."""
    rank = _PRECISION_RANK.get(place.precision, 5)
    return any(
        q.end <= place.start
        and q.country == place.country
        and _PRECISION_RANK.get(q.precision, 5) < rank
        and apposition_gap(s.text(q.end, place.start))
        for q in s.places
    )


def in_dateline(s: CodingSentence, place: PlaceMention) -> bool:
    return place.evidence.startswith("cue: dateline")


def modifies_agent(s: CodingSentence, place: PlaceMention) -> bool:
    """Return True for a place word qualifying a state agent it gave no country ("Western
    governments"): the words say whose agents they are, not where anything happened."""
    return any(
        a.start >= place.end
        and not a.country
        and a.sector in STATE_AGENT_SECTORS
        and not s.text(place.end, a.start).strip()
        for a in s.actors
    )


def _ongoing(text: str) -> bool:
    try:
        from events.pipeline.dates import is_ongoing
    except ImportError:  # the dates stage is optional for hand-built documents
        return bool(re.search(r"\b(?:thus|so)\s+far\b|\bto\s+date\b", text, re.I))
    return is_ongoing(text)


def discourse(
    doc: Document,
    s: CodingSentence,
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


def _publication_date(doc: Document, s: CodingSentence) -> DateMention | None:
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


def _context_date(history: list[Claim], s: CodingSentence, claim: Claim) -> DateMention | None:
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


def _opening_date(doc: Document, s: CodingSentence) -> DateMention | None:
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


def _previous_date(history: list[Claim], s: CodingSentence) -> DateMention | None:
    for c in reversed(history):
        if c.section == s.sent.section and c.date is not None and c.date.date_start is not None:
            return c.date
    return None


def _paragraph_date(doc: Document, s: CodingSentence) -> DateMention | None:
    same = {
        x.index
        for x in doc.sentences
        if x.paragraph == s.sent.paragraph and x.section == s.sent.section
    }
    earlier = [d for d in doc.dates if d.sentence_index in same and d.sentence_index < s.sent.index]
    return earlier[-1] if earlier else None


def inside_any(cue: CueMatch, dates: list[DateMention]) -> bool:
    return any(d.start <= cue.start and cue.end <= d.end for d in dates)
