"""Who speaks: the speaker of a reporting cue among the actor mentions of its sentence.

"X said", "said X", "according to X", "X, a military officer, said", "he said" after a named
speaker: the ``claims`` stage (:mod:`events.pipeline.claims`) calls these with the cue it found.
"""

from __future__ import annotations

import dataclasses
import functools
import re

from events import lexicon
from events.pipeline.doc import ActorMention

#: Words allowed between a speaker mention and its reporting verb ("Kalin, who ..., said" is
#: rare; titles are part of the mention). Three covers "the ministry spokesman Ibrahim Kalin said".
SPEAKER_MAX_GAP_WORDS = 3
#: Actor kinds that can speak. Places used as metonyms ("Ankara said") are states.
SPEAKING_KINDS = frozenset(
    {
        "person",
        "government",
        "state",
        "military",
        "armed_group",
        "militia",
        "identity_militia",
        "organisation",
        "media",
    }
)
#: Pronouns that take the last named speaker of matching kind.
PRONOUN_SPEAKERS = {"he": "person", "she": "person", "they": None, "it": None}
#: The start of a clause, then at most two determiners or adjectives a speaking group takes.
_CLAUSE_OPENING = re.compile(
    r"(?:^|[,;:“\"(—–])\s*(?:(?:the|some|several|many|other|local|two|three|four|five|a|few|"
    r"angry|frightened|terrified|displaced)\s+){0,2}$",
    re.IGNORECASE,
)


def _words(text: str) -> list[str]:
    return re.findall(r"[\w'’-]+", text)


def _can_speak(actor: ActorMention) -> bool:
    return actor.kind in SPEAKING_KINDS or actor.kind not in {"population", "place"}


def _population_speaker(text: str, base: int, actor: ActorMention) -> bool:
    """Return True when a population group opens its own clause ("..., residents said").

    Witnesses speak in news text, but a population noun is far more often the object of the
    event ("killing five civilians, said the army"): it speaks only at the start of a clause,
    after at most a few determiners ("Local residents said", ", several witnesses said").
    """
    if actor.kind != "population":
        return False
    return bool(_CLAUSE_OPENING.search(text[: actor.start - base]))


def _prefer(actors: list[ActorMention], key_pos: int, before: bool) -> ActorMention | None:
    """Return the actor closest to ``key_pos``; among ties prefer persons, then longer text."""
    if not actors:
        return None

    def score(a: ActorMention) -> tuple[int, int, int]:
        dist = key_pos - a.end if before else a.start - key_pos
        return (dist, 0 if a.kind == "person" else 1, -(a.end - a.start))

    return min(actors, key=score)


def speaker_before(
    text: str, base: int, cue_start: int, actors: list[ActorMention]
) -> ActorMention | None:
    """Return the actor that ends right before ``cue_start`` (the subject of "said")."""
    candidates = []
    for a in actors:
        if a.end > cue_start or not (_can_speak(a) or _population_speaker(text, base, a)):
            continue
        gap = text[a.end - base : cue_start - base]
        if re.search(r"[.;:!?\"“”]", gap):
            continue
        if a.kind == "person" and APPOSITION.match(gap):
            # "Captain Ahmed Idow, a military officer, said": the person speaks, not "military".
            return a
        if "," in gap and not APPOSITION.match(gap):
            continue  # "fighters of a jihadist faction, the Observatory said": another clause
        if len(_words(gap)) <= SPEAKER_MAX_GAP_WORDS:
            candidates.append(a)
    return _prefer(candidates, cue_start, before=True)


#: An apposition between a speaker and the verb: ", a military officer," / ", the spokesman of X,".
APPOSITION = re.compile(r"^\s*,\s+(?:a|an|the|who)\b[^,.;:!?]{1,80},\s*$", re.IGNORECASE)
#: The end of a clause the subject of "said" is coordinated with: "X condemned ... and said".
COORDINATED_VERB = re.compile(r"\s(?:and|but|then)\s*$", re.IGNORECASE)
#: After an inverted speaker ("..., said the Syrian Observatory."), only a few words remain.
INVERTED_TAIL_WORDS = 4


def clause_subject(
    text: str, base: int, cue_start: int, actors: list[ActorMention]
) -> ActorMention | None:
    """Return the subject of a clause coordinated with the cue's ("X condemned ... and said")."""
    head = text[: cue_start - base]
    clause_start = max(head.rfind(ch) for ch in '.;:!?"“”') + 1
    first = [a for a in actors if clause_start <= a.start - base and a.end <= cue_start]
    if not first:
        return None
    subject = min(first, key=lambda a: (a.start, -(a.end - a.start)))
    before = text[clause_start : subject.start - base]
    if len(_words(before)) > 2 or not _can_speak(subject) or subject.kind == "population":
        return None
    # The subject of "said" is ellipted in the second conjunct: the speaker stands for it at the
    # verb, as a copy placed there. The mention itself stays the agent of its own clause
    # ("Arafat defended Iraq and Libya ... and said"), so the event coder keeps its roles.
    return dataclasses.replace(subject, start=cue_start, end=cue_start)


def inverted_speaker(
    text: str, base: int, cue_end: int, actors: list[ActorMention]
) -> ActorMention | None:
    """Return X of "..., said X." when X ends the clause (else X is the subject of what follows)."""
    found = speaker_after(text, base, cue_end, actors)
    if found is None:
        return None
    tail = re.split(r"[,.;:!?]", text[found.end - base :], maxsplit=1)[0]
    if len(_words(tail)) > INVERTED_TAIL_WORDS or re.match(r"\s+(?:that|had|has|was|were)\b", tail):
        return None
    return found


def speaker_after(
    text: str, base: int, cue_end: int, actors: list[ActorMention]
) -> ActorMention | None:
    """Return the actor that starts right after ``cue_end`` ("according to X", "said X")."""
    candidates = []
    for a in actors:
        if a.start < cue_end or not (_can_speak(a) or a.kind == "population"):
            continue
        gap = text[cue_end - base : a.start - base]
        if re.search(r"[.;:!?\"“”]", gap):
            continue
        if len(_words(gap)) <= SPEAKER_MAX_GAP_WORDS:
            candidates.append(a)
    return _prefer(candidates, cue_end, before=False)


def actor_inside(actors: list[ActorMention], span: tuple[int, int]) -> ActorMention | None:
    inside = [a for a in actors if a.start >= span[0] and a.end <= span[1]]
    return _prefer(inside, span[1], before=True)


def capitalised_before(text: str, base: int, cue_start: int) -> str | None:
    """Return a capitalised name right before the cue when no actor was found ("Smith said")."""
    m = re.search(r"((?:[A-Z][\w'’-]+\s+){0,3}[A-Z][\w'’-]+)\s*,?\s*$", text[: cue_start - base])
    if not m:
        return None
    name = m.group(1)
    if name.split()[-1].lower() in PRONOUN_SPEAKERS or len(name) < 3 or _not_a_name(name):
        return None
    return name


@lexicon.also_clear
@functools.cache
def _date_words() -> re.Pattern[str]:
    """Capitalised words that are dates, not speakers ("... on Sunday, said ...").

    The month and weekday names are those of ``seeds/date_patterns.tsv``.
    """
    names = set(lexicon.month_names())
    names |= {w for d in lexicon.date_words() if d.kind == "weekday" for w in d.words}
    names |= {"On", "Last", "Early", "Late"}
    alternation = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"^(?:(?:{alternation})\s*)+$")


def _not_a_name(text: str) -> bool:
    return bool(_date_words().match(text))


#: A speaker no dictionary knows, opening the clause of its verb: "..., a provincial official
#: said", "..., the spokesman of the Islamic Emirate said", "\"...,\" a security official said".
_SPEAKER_PHRASE = re.compile(
    r"(?:^|[,;:“”\"]\s*)((?:the|a|an|his|her|their|its|our|one|two|three|several|local)\s+"
    r"[^,;:.!?“”\"]{2,60}?)\s*$",
    re.IGNORECASE,
)
#: Words that show the phrase is a clause, not a speaker ("the attack that killed ...").
_NOT_SPEAKER_WORDS = frozenset(
    "that which who when while was were is are had has have been killed died attacked".split()
)


def speaker_words(text: str, base: int, speaker: ActorMention) -> str:
    """Return the speaker as written, with the words that qualify an agent noun.

    "a security official" says more than the agent word "official" the actor was found by.
    """
    if speaker.kind == "person" or not base <= speaker.start <= speaker.end <= base + len(text):
        return speaker.text
    phrase = noun_phrase_before(text, base, speaker.end)
    if phrase and phrase.endswith(speaker.text) and len(phrase) > len(speaker.text):
        return phrase
    return speaker.text


def noun_phrase_before(text: str, base: int, cue_start: int) -> str | None:
    """Return the lower-case noun phrase right before the cue when it opens its clause."""
    m = _SPEAKER_PHRASE.search(text[: cue_start - base])
    if m is None:
        return None
    phrase = m.group(1).strip()
    words = _words(phrase)
    if len(words) > 7 or _NOT_SPEAKER_WORDS & {w.lower() for w in words}:
        return None
    return phrase


def capitalised_after(text: str, base: int, cue_end: int) -> str | None:
    """Return the name of an inverted speaker that is no actor ("..., said Rami Abdel Rahman")."""
    m = re.match(
        r"\s+((?:[A-Z][\w'’.-]+\s+){0,3}[A-Z][\w'’-]+)(?=\s*(?:[,.;]|$))", text[cue_end - base :]
    )
    if not m or _not_a_name(m.group(1)):
        return None
    return m.group(1)


def pronoun_before(text: str, base: int, cue_start: int) -> str | None:
    m = re.search(r"\b(\w+)\s*$", text[: cue_start - base])
    if m and m.group(1).lower() in PRONOUN_SPEAKERS:
        return m.group(1).lower()
    return None
