"""The trigger lexicon: words that report an event, with their PLOVER type and mode.

The rows of ``seeds/triggers.tsv`` (:func:`events.lexicon.trigger_rows`) become one
:class:`Trigger` per pattern and one phrase index (inflected forms included);
:func:`find_triggers` returns the matches of a text.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import re
from dataclasses import dataclass

from events import lexicon
from events.lexicon import PhraseIndex

log = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------------------
# Trigger lexicon
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Trigger:
    """One pattern of ``seeds/triggers.tsv``."""

    pattern: str
    event_type: str
    mode: str
    voice: str
    words: int  # tokens in the pattern: multiword patterns are more specific
    generic: bool

    @property
    def rule(self) -> str:
        lemma = self.pattern.replace(" ... ", " ").split("/")[0].rstrip("=")
        return f"trigger:{lemma}/{self.event_type}"


@dataclass(frozen=True)
class TriggerMatch:
    """A trigger found in a section container."""

    trigger: Trigger
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class _TriggerLexicon:
    triggers: tuple[Trigger, ...]
    index: PhraseIndex


@lexicon.also_clear
@functools.cache
def trigger_lexicon() -> _TriggerLexicon:
    """Index the patterns of the trigger lexicon by first word (once per process)."""
    triggers: list[Trigger] = []
    for row in lexicon.trigger_rows():
        for pattern in row.patterns:
            words = len([t for t in pattern.split() if t != "..."])
            triggers.append(
                Trigger(pattern, row.event_type, row.mode, row.voice, words, row.generic)
            )
    # Longer patterns first where patterns share a first word ("launch ... attack" over "launch").
    priority = [-1000 * t.words - len(t.pattern) for t in triggers]
    index = PhraseIndex.build([t.pattern for t in triggers], inflect=True, priority=priority)
    log.debug("loaded %d trigger patterns", len(triggers))
    return _TriggerLexicon(tuple(triggers), index)


# A capitalised trigger followed by an organisation's head noun is part of a name: the "Relief" of
# "the Al-Nour Relief Committee" or the "Protest" of "the Popular Protest Movement" reports no
# event. Up to three capitalised words (or "and", "for", "of") may come between.
_NAME_HEAD = re.compile(
    r"^(?:\s+(?:and|for|of|&|[A-Z][\w'’-]*)){0,3}?\s+(?:Committee|Council|Commission|"
    r"Organi[sz]ation|Society|Foundation|Front|Movement|Union|Association|Agency|Fund|Cent(?:er|re)|"
    r"Party|Network|Group|Office|Coalition|Mission|Service|Services|Department|Authority|Institute|"
    r"Bureau|Corps|Brigades?|Directorate)\b"
)
# "strike" is a labour strike unless the sentence speaks of weapons: "the strike killed four",
# "a strike on the convoy" after "air strikes" is the use of force. Labour words keep the strike.
_MILITARY_CONTEXT = re.compile(
    r"\b(?:air|airstrikes?|drones?|missiles?|rockets?|warplanes?|jets?|aircraft|bomb\w*|"
    r"military|army|forces|troops|killed|killing|wounded|injured|targeted|artillery|shell\w*|"
    r"coalition|militants?|rebels?)\b",
    re.I,
)
_LABOUR_CONTEXT = re.compile(
    r"\b(?:workers?|unions?|employees|strikers|wages?|salar\w+|pay|teachers|doctors|nurses|"
    r"drivers|miners|staff|general strike|hunger|went on|go on|on strike|pickets?)\b",
    re.I,
)
_AERIAL_CONTEXT = re.compile(r"\b(?:air|airstrikes?|warplanes?|jets?|aircraft)\b", re.I)
_DRONE_CONTEXT = re.compile(r"\bdrones?\b", re.I)


# "told Reuters by telephone", "said over the phone": the channel of a report, not a phone call
# between the parties (CONSULT phone).
_REPORT_CHANNEL = re.compile(
    r"\b(?:told|tells|tell|said|says|say|reported|confirmed|added|speaking|spoke)\b"
    r"(?:\s+\S+){0,3}?\s+(?:by|over\s+the|via)\s+$",
    re.I,
)


def _report_channel(trig: Trigger, text: str, start: int) -> bool:
    return trig.mode == "phone" and trig.words == 1 and bool(_REPORT_CHANNEL.search(text[:start]))


def _in_name(text: str, start: int, end: int) -> bool:
    """Return True for a trigger inside an organisation's name ("X Relief Committee")."""
    word = text[start:end]
    return bool(word[:1].isupper() and _NAME_HEAD.match(text[end:]))


def _military_strike(trig: Trigger, text: str) -> Trigger | None:
    """Return the use-of-force reading of a labour "strike" in a military sentence, else None."""
    if trig.event_type != "PROTEST" or not trig.pattern.startswith("strike"):
        return None
    if _LABOUR_CONTEXT.search(text) or not _MILITARY_CONTEXT.search(text):
        return None
    mode = (
        "drone" if _DRONE_CONTEXT.search(text) else "aerial" if _AERIAL_CONTEXT.search(text) else ""
    )
    return dataclasses.replace(trig, event_type="ASSAULT", mode=mode, voice="")


def find_triggers(text: str, offset: int = 0) -> list[TriggerMatch]:
    """Return the triggers in ``text`` (non-overlapping, leftmost-longest by pattern order).

    ``text`` is one sentence: a trigger inside an organisation's name is dropped, and a
    "strike" among weapons and casualties is an attack, not a labour strike.
    """
    lex = trigger_lexicon()
    out = []
    for i, m in lex.index.finditer(text):
        trig = lex.triggers[i]
        if _in_name(text, m.start(), m.end()) or _report_channel(trig, text, m.start()):
            continue
        trig = _military_strike(trig, text) or trig
        out.append(TriggerMatch(trig, m.start() + offset, m.end() + offset, m.group()))
    return out


# ---------------------------------------------------------------------------------------------
# Mode by target
# ---------------------------------------------------------------------------------------------


@lexicon.also_clear
@functools.cache
def _target_modes() -> dict[tuple[str, str], dict[str, str]]:
    """Return the target-mode rules: (type, mode) -> {target sector[/kind]: new mode}."""
    table: dict[tuple[str, str], dict[str, str]] = {}
    for rule in lexicon.target_modes():
        table.setdefault((rule.plover_type, rule.mode), {})[rule.target_sector] = rule.new_mode
    return table


def target_mode(
    event_type: str, mode: str | None, targets: list[tuple[str | None, str]]
) -> str | None:
    """Return the mode an event takes from its targets' class, or None to keep its own.

    ``targets`` are (sector, kind) pairs. Every target must map to the same new mode: an attack
    on villagers is violence against civilians, one on villagers and soldiers stays a battle.
    """
    rules = _target_modes().get((event_type, mode or ""))
    if not rules or not targets:
        return None
    modes = {rules.get(f"{sector}/{kind}", rules.get(sector or "")) for sector, kind in targets}
    if len(modes) != 1:
        return None
    return modes.pop()


# ---------------------------------------------------------------------------------------------
# Mode by weapon-as-actor
# ---------------------------------------------------------------------------------------------

# "Russian aircraft killed 46 civilians", "Israeli tanks fired on ...": the doer named by its
# weapon tells how the force was used (ACLED Explosions/Remote violence), whoever was hit. The
# words are those of the weapon row of seeds/agents.tsv.
_WEAPON_MODES = (
    ("drone", re.compile(r"\b(?:drones?|UAVs?)$", re.I)),
    (
        "aerial",
        re.compile(
            r"\b(?:jets?|warplanes?|aircraft|planes|bombers?|helicopters?|gunships?)$", re.I
        ),
    ),
    (
        "heavy-weapons",
        re.compile(r"\b(?:tanks?|artillery|howitzers|missiles|rockets|warships?)$", re.I),
    ),
)
_SUICIDE_ATTACKER = re.compile(r"\bsuicide\s+(?:bombers?|attackers?)$", re.I)
#: Modes a weapon-as-actor refines: the verb said only that force was used.
WEAPON_REFINES = frozenset({"", "firearms", "civilians"})


def weapon_mode(actor_text: str) -> str | None:
    """Return the ASSAULT mode of an actor named by its weapon ("Russian aircraft"), or None."""
    if _SUICIDE_ATTACKER.search(actor_text.strip()):
        return "suicide-attack"  # "suicide bombers" are no aircraft
    for mode, pattern in _WEAPON_MODES:
        if pattern.search(actor_text.strip()):
            return mode
    return None
