"""Attribute every sentence to whoever claims it (the ``claims`` stage).

A news sentence is rarely the outlet's own observation: "Azerbaijan's attack will not stop,
Defense Minister Hulusi Akar said" is Akar's claim, relayed by the outlet. This stage finds the
reporting cue ("said", "according to", "quoted X as saying"), resolves the speaker to one of the
actor mentions found by the ``actors`` stage, notes the outlet that relays it, the date of
speaking ("said on October 9") and the modality (asserted, alleged, denied, predicted,
conditional). Cues are data (``seeds/cues.tsv``, read by :func:`events.lexicon.cue_rows`),
matched through the phrase index of :mod:`events.lexicon.phrases`, which the trigger lexicon
shares.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass

from events import lexicon
from events.lexicon import CueRow, PhraseIndex
from events.lexicon.phrases import inflections as inflections  # re-exported for callers
from events.pipeline.doc import ActorMention, Attribution, DateMention, Document, Modality, Sentence
from events.pipeline.runner import stage
from events.pipeline.speakers import (
    APPOSITION,
    COORDINATED_VERB,
    actor_inside,
    capitalised_after,
    capitalised_before,
    clause_subject,
    inverted_speaker,
    noun_phrase_before,
    pronoun_before,
    speaker_after,
    speaker_before,
    speaker_words,
)

log = logging.getLogger(__name__)

# --- thresholds (calibrated on the sample articles in seeds/samples and the seed article) ---
#: Characters after the reporting cue in which a date is the date of speaking ("said on Friday",
#: "said in a statement on October 9").
CLAIM_DATE_WINDOW = 40
#: Order of strength when several modality cues occur in one sentence: an inference or a denial
#: of the whole statement outranks the grammar of one clause.
MODALITY_RANK: dict[str, int] = {
    "asserted": 0,
    "predicted": 1,
    "conditional": 2,
    "alleged": 3,
    "denied": 4,
}
#: Cue kinds whose modality colours the sentence ("claimed responsibility" is a claim too).
HEDGING_KINDS = frozenset({"modality", "condition", "agentive"})

# ---------------------------------------------------------------------------------------------
# Cue lexicon
# ---------------------------------------------------------------------------------------------


#: A row of ``seeds/cues.tsv`` (kind, modality, speaker position, demand, estimate, observation).
Cue = CueRow


@dataclass(frozen=True)
class CueMatch:
    """A cue found in a text, with offsets into that text."""

    cue: Cue
    start: int
    end: int
    slot: tuple[int, int] | None = None

    @property
    def text(self) -> str:
        return self.cue.phrase


@dataclass(frozen=True)
class _Lexicon:
    cues: tuple[Cue, ...]
    index: PhraseIndex


@lexicon.also_clear
@functools.cache
def cue_lexicon() -> _Lexicon:
    """Index the phrases of the cue lexicon by first word (once per process)."""
    cues = lexicon.cue_rows()
    # Longer phrases first so "in a statement released" wins over "in a statement".
    priority = [-1000 * len(c.phrase.split()) - len(c.phrase) for c in cues]
    index = PhraseIndex.build([c.phrase for c in cues], inflect=False, priority=priority)
    log.debug("loaded %d attribution cues", len(cues))
    return _Lexicon(cues, index)


def find_cues(text: str, offset: int = 0) -> list[CueMatch]:
    """Return the cues in ``text``; offsets are shifted by ``offset``."""
    lex = cue_lexicon()
    found: list[CueMatch] = []
    for i, m in lex.index.finditer(text):
        slot = None
        if "slot" in m.re.groupindex and m.group("slot") is not None:
            slot = (m.start("slot") + offset, m.end("slot") + offset)
        found.append(CueMatch(lex.cues[i], m.start() + offset, m.end() + offset, slot))
    return found


def strongest(modalities: Iterable[str]) -> Modality:
    """Return the strongest modality of ``modalities`` (asserted when empty)."""
    best = "asserted"
    for m in modalities:
        if m and MODALITY_RANK.get(m, 0) > MODALITY_RANK[best]:
            best = m
    return best  # type: ignore[return-value]


# ---------------------------------------------------------------------------------------------
# Attribution of one sentence
# ---------------------------------------------------------------------------------------------


@dataclass
class _Context:
    """What earlier sentences tell later ones: the last speaker of each kind."""

    last_person: Attribution | None = None
    last_any: Attribution | None = None


def _is_media(actor: ActorMention) -> bool:
    return actor.kind == "media" or actor.sector in {"MED", "JRN"}


def attribute_sentence(
    sent: Sentence,
    actors: list[ActorMention],
    dates: list[DateMention],
    ctx: _Context | None = None,
) -> Attribution:
    """Return the attribution of one sentence from its cues, actors and dates."""
    ctx = ctx or _Context()
    text, base = sent.text, sent.start
    cues = find_cues(text, base)
    cues = [c for c in cues if not _inside_date(c, dates) and not inside_actor(c, actors)]
    att = Attribution()
    att.modality = strongest(c.cue.modality for c in cues if c.cue.kind in HEDGING_KINDS)
    main: CueMatch | None = None
    for cue in cues:
        kind, where = cue.cue.kind, cue.cue.speaker
        if kind not in {"report", "relay", "modality", "agentive"} or where == "none":
            continue
        speaker, relay = _resolve(cue, text, base, actors)
        if relay is not None and att.relayed_by is None:
            att.relayed_by, att.relayed_by_text = relay, relay.text
        if speaker is None and where == "before":
            pronoun = pronoun_before(text, base, cue.start)
            previous = ctx.last_person if pronoun in {"he", "she"} else ctx.last_any
            if pronoun and previous is not None and previous.claimant is not None:
                speaker = previous.claimant
        if speaker is not None and att.claimant is None:
            att.claimant, att.claimant_text, main = (
                speaker,
                speaker_words(text, base, speaker),
                cue,
            )
        elif (
            speaker is None and att.claimant_text is None and kind == "report" and where == "before"
        ):
            name = None
            if re.search(r"[,”\"]\s*$", text[: cue.start - base]):
                name = capitalised_after(text, base, cue.end)
            name = name or capitalised_before(text, base, cue.start)
            name = name or noun_phrase_before(text, base, cue.start)
            if name:
                att.claimant_text, main = name, cue
    if main is None:
        main = next((c for c in cues if c.cue.kind in {"report", "relay"}), None)
    if main is not None:
        att.cue = main.cue.phrase
        inverted = bool(re.search(r"[,”\"]\s*$", text[: main.start - base]))
        if not main.cue.observation:  # a monitor's observation is dated by what it saw
            att.claim_date = _claim_date(
                main, att.claimant, dates, inverted=inverted, text=text, base=base
            )
    elif att.modality != "asserted":
        att.cue = next(c.cue.phrase for c in cues if c.cue.modality == att.modality)
    return att


def inside_actor(cue: CueMatch, actors: list[ActorMention]) -> bool:
    """Return True when a cue is part of a name ("states" in "United States")."""
    return any(a.start <= cue.start and cue.end <= a.end for a in actors)


def _inside_date(cue: CueMatch, dates: list[DateMention]) -> bool:
    # "May" the month is not the modal "may".
    return any(d.start <= cue.start and cue.end <= d.end for d in dates)


def _resolve(
    cue: CueMatch, text: str, base: int, actors: list[ActorMention]
) -> tuple[ActorMention | None, ActorMention | None]:
    """Return (speaker, relay) for one reporting cue."""
    where = cue.cue.speaker
    if where == "object" and cue.slot is not None:
        # "X told Reuters": X speaks; the addressee relays only when it is an outlet.
        addressee = actor_inside(actors, cue.slot)
        relay = addressee if addressee is not None and _is_media(addressee) else None
        return speaker_before(text, base, cue.start, actors), relay
    if where == "inside" and cue.slot is not None:
        return actor_inside(actors, cue.slot), speaker_before(text, base, cue.start, actors)
    if where == "after":
        found = speaker_after(text, base, cue.end, actors)
        if cue.cue.kind == "relay":
            return None, found
        return found, None
    if where == "before":
        head = text[: cue.start - base]
        if re.search(r"[,”\"]\s*$", head) and not APPOSITION.search(head):
            # Inverted order after a quote or a comma: "..., said Kalin." -- before any actor
            # that merely ends the reported clause ("killing two soldiers, said the army").
            inverted = inverted_speaker(text, base, cue.end, actors)
            if inverted is not None:
                return inverted, None
        found = speaker_before(text, base, cue.start, actors)
        if found is None and COORDINATED_VERB.search(head):
            found = clause_subject(text, base, cue.start, actors)
        if found is None and re.search(r"[,”\"]\s*$", head):
            found = speaker_after(text, base, cue.end, actors)
        return found, None
    return None, None


#: Between a cue and a date, words that open the reported clause: the date is then the
#: event's ("UNAMA said nine worshippers were killed on Tuesday"), not the date of speaking.
_REPORTED_CLAUSE = re.compile(
    r"\b(?:that|was|were|is|are|had|has|have|been|will|would|its|their|his|her)\b"
    r"|\b(?!(?:released|issued|published|posted)\b)\w+ed\b",
    re.IGNORECASE,
)


def _claim_date(
    cue: CueMatch,
    speaker: ActorMention | None,
    dates: list[DateMention],
    *,
    inverted: bool = False,
    text: str = "",
    base: int = 0,
) -> DateMention | None:
    """Return the date of speaking: right after the cue, or right before the speaker.

    In inverted order ("... killed on Sunday, said X") the date before the cue ends the
    reported clause: it dates the event, never the saying.
    """
    after = [
        d
        for d in dates
        if 0 <= d.start - cue.end <= CLAIM_DATE_WINDOW
        and not (text and _REPORTED_CLAUSE.search(text[cue.end - base : d.start - base]))
    ]
    if after:
        return min(after, key=lambda d: d.start - cue.end)
    if inverted or (speaker is not None and speaker.start >= cue.end):
        return None
    anchor = speaker.start if speaker is not None else cue.start
    before = [d for d in dates if 0 <= anchor - d.end <= CLAIM_DATE_WINDOW // 2]
    if before:
        return min(before, key=lambda d: anchor - d.end)
    return None


# ---------------------------------------------------------------------------------------------
# Quotations spanning sentences
# ---------------------------------------------------------------------------------------------

_OPEN_QUOTES = '“"«‘'
_CLOSE_QUOTES = '”"»’'


def _starts_quoted(sent: Sentence) -> bool:
    stripped = sent.text.lstrip()
    return bool(stripped) and stripped[0] in '“"«'


def _ends_quoted(sent: Sentence) -> bool:
    stripped = sent.text.rstrip()
    return bool(stripped) and stripped[-1] in '”"»'


def _quote_open_at_end(sent: Sentence) -> bool:
    """Return True if a quotation opened in the sentence is still open at its end."""
    opened = sent.text.count("“") + sent.text.count("«")
    closed = sent.text.count("”") + sent.text.count("»")
    straight = sent.text.count('"')
    return opened > closed or straight % 2 == 1


def propagate_quotes(sentences: list[Sentence], atts: dict[int, Attribution]) -> None:
    """Give quoted sentences without a speaker the speaker named after or before the quote."""
    by_par: dict[tuple[str, int], list[Sentence]] = {}
    for s in sentences:
        by_par.setdefault((s.section, s.paragraph), []).append(s)
    for group in by_par.values():
        open_quote = False
        for i, s in enumerate(group):
            att = atts.get(s.index)
            quoted = open_quote or _starts_quoted(s)
            open_quote = (
                (open_quote or _starts_quoted(s))
                and not _ends_quoted(s)
                or (not open_quote and _quote_open_at_end(s))
            )
            if att is None or att.claimant is not None or att.claimant_text or not quoted:
                continue
            donor = _next_speaker(group[i + 1 :], atts) or _previous_speaker(group[:i], atts)
            if donor is not None:
                att.claimant, att.claimant_text = donor.claimant, donor.claimant_text
                att.relayed_by, att.relayed_by_text = donor.relayed_by, donor.relayed_by_text
                att.claim_date = att.claim_date or donor.claim_date
                att.cue = att.cue or "quotation"


def _next_speaker(rest: list[Sentence], atts: dict[int, Attribution]) -> Attribution | None:
    for s in rest:
        att = atts.get(s.index)
        if att is not None and (att.claimant is not None or att.claimant_text):
            return att
        if not (_starts_quoted(s) or _ends_quoted(s)):
            return None
    return None


def _previous_speaker(done: list[Sentence], atts: dict[int, Attribution]) -> Attribution | None:
    for s in reversed(done):
        att = atts.get(s.index)
        if att is not None and (att.claimant is not None or att.claimant_text):
            return att
    return None


# ---------------------------------------------------------------------------------------------
# The stage
# ---------------------------------------------------------------------------------------------


@stage("claims", requires=("sentences", "actors", "dates"), assigns=("attributions",))
def attribute(doc: Document) -> None:
    """Set ``doc.attributions``: who claims each sentence, relayed by whom, how firmly, when."""
    actors_by: dict[int, list[ActorMention]] = {}
    for a in doc.actors:
        actors_by.setdefault(a.sentence_index, []).append(a)
    dates_by: dict[int, list[DateMention]] = {}
    for d in doc.dates:
        dates_by.setdefault(d.sentence_index, []).append(d)
    ctx = _Context()
    atts: dict[int, Attribution] = {}
    for sent in doc.sentences:
        att = attribute_sentence(
            sent, actors_by.get(sent.index, []), dates_by.get(sent.index, []), ctx
        )
        atts[sent.index] = att
        if att.claimant is not None:
            ctx.last_any = att
            if att.claimant.kind == "person":
                ctx.last_person = att
    propagate_quotes(doc.sentences, atts)
    doc.attributions = atts
