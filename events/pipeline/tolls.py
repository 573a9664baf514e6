"""Casualty figures: number words, vague quantities and the death words they count.

``seeds/numbers.tsv`` gives number words and ACLED's conservative readings of vague
quantities ("dozens" = 12 as the low/best value); ``seeds/toll_words.tsv`` the nouns that
count people ("a policeman and two civilians" = 3), the outcomes that are not death (injured,
abducted) and the units that make a figure a duration or a quantity of things.
:func:`fatalities` finds the figure beside a death word in a text, refusing years, dates, sums,
injuries, perpetrators ("by two gunmen"), parts ("including seven children") and absurd values.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from events import lexicon
from events.lexicon.coding import TOLL_WORD_KINDS

# ---------------------------------------------------------------------------------------------
# Quantities (fatalities)
# ---------------------------------------------------------------------------------------------


#: Words between a figure and a death word ("hundreds from both sides have been killed").
FATALITY_WINDOW_WORDS = 8
#: Characters beyond which no death word is looked for: FATALITY_WINDOW_WORDS words of 50.
_WINDOW_CHARS = 50 * FATALITY_WINDOW_WORDS
#: Largest death figure taken as one. The Second World War, the deadliest conflict on record,
#: killed some 70-85 million people; a larger number beside a death word is a misreading (an
#: id, a sum of money, a typo) and is no figure at all. The bound also keeps every figure
#: inside the 32-bit INTEGER columns of PostgreSQL, so both engines store the same claims.
MAX_PLAUSIBLE_FATALITIES = 100_000_000


@dataclass(frozen=True)
class Figure:
    """A reported quantity with ACLED-style bounds; ``None`` bounds are not stated."""

    low: int | None
    best: int | None
    high: int | None
    start: int
    end: int


@dataclass(frozen=True)
class _Numbers:
    numbers: dict[str, int]
    scales: dict[str, int]
    vague: dict[str, tuple[int | None, int | None, int | None]]
    modifiers: dict[str, str]
    regex: re.Pattern[str]


@lexicon.also_clear
@functools.cache
def number_lexicon() -> _Numbers:
    """Compile the figure regex from the number words of ``seeds/numbers.tsv``."""
    numbers: dict[str, int] = {}
    scales: dict[str, int] = {}
    vague: dict[str, tuple[int | None, int | None, int | None]] = {}
    modifiers: dict[str, str] = {}
    for row in lexicon.number_words():
        if row.kind == "number" and row.value is not None:
            numbers[row.phrase] = row.value
        elif row.kind == "scale" and row.value is not None:
            scales[row.phrase] = row.value
        elif row.kind == "vague":
            vague[row.phrase] = (row.low, row.best, row.high)
        elif row.kind == "modifier":
            modifiers[row.phrase] = row.modifier

    def alt(words: list[str]) -> str:
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) or r"(?!x)x"

    digits = r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?"
    # Number words compose ("twenty-three", "two hundred and fifty"); "and" only after a scale,
    # so "one and wounding five" stays two figures. Only the first word may be "a".
    later = [w for w in [*numbers, *scales] if not re.match(r"an?\b", w)]
    after_scale = "|".join(rf"(?<={re.escape(s)})" for s in scales) or r"(?!x)x"
    words = (
        rf"(?:{alt([*numbers, *scales])})"
        rf"(?:[\s-]+(?:{alt(later)})|(?:{after_scale})\s+and\s+(?:{alt(later)}))*"
    )
    core = (
        rf"(?P<vague>(?:{alt(list(vague))})(?:\s+of\s+(?:{alt(list(scales))})s)?)"
        rf"|(?P<num>(?:{digits})(?:[\s-]+(?:{alt(list(scales))}))?|{words})"
    )
    regex = re.compile(
        rf"(?<![\w.,])(?:(?P<mod>{alt(list(modifiers))})\s+)?(?:{core})(?![\w])", re.IGNORECASE
    )
    return _Numbers(numbers, scales, vague, modifiers, regex)


#: The number-word pattern of the lexicon in use, with that lexicon (held: compared by identity).
_WORD_REGEX: dict[str, tuple[_Numbers, re.Pattern[str]]] = {}


def _number_words_regex(lex: _Numbers) -> re.Pattern[str]:
    """Return the pattern of ``lex``'s number and scale words (built once per lexicon)."""
    held = _WORD_REGEX.get("current")
    if held is None or held[0] is not lex:
        words = sorted([*lex.numbers, *lex.scales], key=len, reverse=True)
        regex = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b")
        held = _WORD_REGEX["current"] = (lex, regex)
    return held[1]


def _word_value(text: str, lex: _Numbers) -> int | None:
    """Add up composed number words: "two hundred and fifty" = 250, "a dozen" = 12."""
    tokens = _number_words_regex(lex).findall(text)
    if not tokens:
        return None
    total = current = 0
    for token in tokens:
        if token in lex.numbers:
            current += lex.numbers[token]
        elif lex.scales[token] < 1000:  # "hundred", "dozen" multiply the group they close
            current = max(current, 1) * lex.scales[token]
        else:
            total, current = total + max(current, 1) * lex.scales[token], 0
    return total + current


def _value(text: str, lex: _Numbers) -> int | None:
    text = re.sub(r"\s+", " ", text.lower().strip())
    parts = re.split(r"[\s-]+", text)
    if not re.match(r"[\d.,]", text):
        return _word_value(text, lex)
    scale = 1
    if len(parts) > 1 and parts[-1] in lex.scales:
        scale = lex.scales[parts[-1]]
        text = " ".join(parts[:-1])
    digits = text.replace(",", "")
    try:
        # Whole numbers exactly: a float turns 26 nines into 1e26 and 400 digits into inf.
        return int(digits) * scale if digits.isdigit() else int(float(digits) * scale)
    except (ValueError, OverflowError):  # beyond int()'s 4,300 digits, or inf
        return None


def parse_figure(m: re.Match[str], lex: _Numbers | None = None) -> Figure | None:
    """Turn one match of the figure regex into bounds (ACLED's conservative convention)."""
    lex = lex or number_lexicon()
    effect = lex.modifiers.get((m.group("mod") or "").lower(), "exact")
    if m.group("vague"):
        words = m.group("vague").lower().split()
        low, best, high = lex.vague.get(" ".join(words), (None, None, None))
        if len(words) >= 3 and words[-2] == "of":  # "hundreds of thousands"
            base = lex.vague.get(words[0], (None, None, None))
            mult = lex.scales.get(words[-1].rstrip("s"), 1)
            low, best, high = (
                None if v is None else (v + 1) * mult - 1 if i == 2 else v * mult
                for i, v in enumerate(base)
            )
        if effect == "at_least" or effect == "more_than":
            best, high = None, None
        return Figure(low, best, high, m.start(), m.end())
    n = _value(m.group("num"), lex)
    if n is None:
        return None
    if effect == "at_least":
        return Figure(n, None, None, m.start(), m.end())
    if effect == "more_than":
        return Figure(n + 1, None, None, m.start(), m.end())
    if effect == "up_to":
        return Figure(None, None, n, m.start(), m.end())
    if effect == "fewer_than":
        return Figure(None, None, max(n - 1, 0), m.start(), m.end())
    if effect == "about":
        return Figure(None, n, None, m.start(), m.end())
    return Figure(n, n, n, m.start(), m.end())


_DEATH = re.compile(
    r"\b(?:kill(?:s|ed|ing)?|dead|deaths?|died|dies|dying|fatalit(?:y|ies)|casualt(?:y|ies)|lives|"
    r"bodies|body(?=\s+of\b)|perished|death toll|toll|massacred|slain|executed|murdered|"
    r"martyred)\b",
    re.I,
)
#: "We lost seven soldiers": a death word only for the people right after it.
_LOSS = re.compile(r"\blos(?:t|e|es|ing)\b", re.I)
#: Active death verbs: a figure before one, with another figure as its object, is the killers.
_ACTIVE = re.compile(r"kill(?:s|ed|ing)?|massacred|murdered|executed|martyred", re.I)
#: Death nouns: a bare "civilian" before one is an adjective, not a person.
_DEATH_NOUN = re.compile(
    r"deaths?|fatalit(?:y|ies)|casualt(?:y|ies)|lives|bodies|(?:death )?toll", re.I
)
_GAP = re.compile(
    r"\b(?:was|were|is|are|been|being|has|have|had|be|reportedly|allegedly|shot)\b", re.I
)
_AUXILIARY = re.compile(r"\b(?:was|were|been|being|is|are|be)\b", re.I)
#: A figure right after these is a part of the toll ("including seven children"), not the total.
_PART_BEFORE = re.compile(
    r"\b(?:including|includ(?:es|ed)|among\s+(?:them|whom|the\s+(?:dead|victims))|incl\.?)"
    r"\s*(?:at\s+least\s+)?$",
    re.I,
)
_PART_AFTER = re.compile(r"\s+of\s+(?:them|whom)\b", re.I)
_MONEY_BEFORE = re.compile(r"(?:\bRs\.?|\bUSD|\bEUR|[$€£])\s*$", re.I)
#: "by" before a figure makes it the perpetrators ("shot dead by two armed men").
_AGENT_BEFORE = re.compile(r"\bby\s*$", re.I)
#: Characters before a figure searched for "including", "by", "Rs" (the longest cue is 36).
_CUE_CHARS = 48
#: Determiners that count a singular person noun as one ("a man", "their mother").
_ONE = ("a", "an", "one", "another")
_POSSESSIVE = ("the", "their", "his", "her", "its")
#: Words between a determiner or figure and its person noun ("two young Afghan soldiers").
_MODIFIER_WORDS = 3
_NOT_A_MODIFIER = (
    "and|or|of|were|was|is|are|by|in|on|at|who|from|with|to|after|as|killed|died|dead|said"
)


@dataclass(frozen=True)
class _TollWords:
    person: re.Pattern[str]
    plural: frozenset[str]
    outcome: re.Pattern[str]
    unit: re.Pattern[str]
    death: re.Pattern[str]  # the built-in death words and the seed's ("eliminated")
    active: re.Pattern[str]  # the death verbs whose object is the dead ("beheaded two")
    civilian: re.Pattern[str]  # the person nouns of unarmed people ("villagers", "a merchant")


@lexicon.also_clear
@functools.cache
def toll_words() -> _TollWords:
    """Compile the toll words (person nouns, outcomes other than death, units, death words)."""
    kinds: dict[str, list[str]] = {kind: [] for kind in TOLL_WORD_KINDS}
    plural: set[str] = set()
    for row in lexicon.toll_words():  # every kind present, checked by the lexicon
        kinds[row.kind] += [w for w in (row.word, row.plural) if w]
        if row.kind in ("person", "civilian") and row.plural and row.plural != row.word:
            plural.add(row.plural)

    def words_re(words: list[str]) -> re.Pattern[str]:
        body = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
        return re.compile(rf"\b(?:{body})\b", re.I)

    extra = "|".join(re.escape(w) for w in sorted(set(kinds["death"]), key=len, reverse=True))
    verbs = [w for w in kinds["death"] if re.search(r"(?:ed|ing)$", w)]
    active = "|".join([_ACTIVE.pattern, *(re.escape(w) for w in verbs)])
    return _TollWords(
        words_re(kinds["person"] + kinds["civilian"]),
        frozenset(plural),
        words_re(kinds["outcome"]),
        words_re(kinds["unit"]),
        re.compile(rf"{_DEATH.pattern}|\b(?:{extra})\b", re.I),
        re.compile(rf"(?:{active})", re.I),
        words_re(kinds["civilian"]),
    )


@dataclass(frozen=True)
class _Candidate:
    fig: Figure
    people: bool  # counted from person nouns ("a man and two boys")
    part: bool  # "including seven children"
    adjacent_only: bool = False  # taken only right beside its death word


@dataclass(frozen=True)
class _Group:
    fig: Figure | None  # None: a member cannot be counted ("a soldier and the attackers")
    start: int
    end: int
    adjacent_only: bool  # counted only right beside its death word ("Civilian killed")


#: What joins the members of a coordinated noun phrase ("a man, a woman and two children").
_JOINT = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s+as\s+well\s+as\s+)", re.I)


@lexicon.also_clear
@functools.cache
def _member_regex() -> re.Pattern[str]:
    """Return the pattern of one member of a counted noun phrase (built once per lexicon).

    Built on every call, its pattern string (thousands of characters) cost a sentence with
    a death word ~0.3 ms before the regex cache could even be consulted.
    """
    lex, tw = number_lexicon(), toll_words()
    number = lex.regex.pattern
    numbers = "|".join(re.escape(w) for w in [*lex.numbers, *lex.scales, *lex.vague])
    det = "|".join(_ONE + _POSSESSIVE)
    noun = tw.person.pattern[2:]  # without the leading \b
    return re.compile(
        rf"(?:(?P<det>\b(?:{det}))\b(?!\s+(?:dozen|hundred|couple|pair|few|handful)\b)"
        rf"|(?:\b(?:{'|'.join(_POSSESSIVE)})\s+)?{number})"
        rf"\s+(?:(?:(?!(?:{_NOT_A_MODIFIER}|{numbers})\b)(?!\d)[\w'-]+|\d+-year-old)\s+)"
        rf"{{0,{_MODIFIER_WORDS}}}?"
        rf"(?P<noun>{noun})"
        rf"|(?<![\w'-])(?P<bare>{noun})",
        re.I,
    )


def _people(text: str, lex: _Numbers, tw: _TollWords) -> list[_Group]:
    """Count the people of coordinated noun phrases: "a policeman and two civilians" = 3.

    A member is a figure or "a"/"one" before a person noun, or a weaker "the"/"their" or bare
    singular ("their mother", headlines' "Civilian killed"). Weak phrases also name speakers
    and killers ("the commander said"), so a phrase of weak members only counts right beside
    its death word ("killed the commander", "Husband, wife and baby killed").
    """
    member = _member_regex()
    joint = _JOINT
    groups: list[list[tuple[Figure | None, bool, int, int]]] = []
    listed: list[bool] = []  # the group has an "and" ("a man, a woman and a child")
    for m in member.finditer(text):
        word = (m.group("noun") or m.group("bare")).lower()
        fig: Figure | None = Figure(1, 1, 1, m.start(), m.end())
        if m.group("bare"):
            if word in tw.plural:
                continue  # "soldiers were killed" has no figure
            weak = True
        elif m.group("det"):
            fig = fig if word not in tw.plural else None
            weak = m.group("det").lower() in _POSSESSIVE
        elif _looks_like_year_or_date(text, m, m.end("num") if m.group("num") else m.end()):
            continue
        else:
            fig = parse_figure(m, lex)
            weak = False
        item = (fig, weak, m.start(), m.end())
        gap = text[groups[-1][-1][3] : m.start()] if groups else ""
        if groups and joint.fullmatch(gap):
            if "," in gap and "and" not in gap and m.group("det") and not listed[-1]:
                # "a woman, an indigenous leader", "11 students, an official said": a comma
                # before "a"/"the" opens an apposition or a new phrase unless an "and" closes
                # the list later ("a man, a woman and a child").
                rest = text[m.end() : m.end() + 80]
                if not re.match(r"\s*(?:,\s*[\w' -]+)*?(?:,\s*)?\s+and\s+", rest):
                    continue
            groups[-1].append(item)
            listed[-1] = listed[-1] or "and" in gap
        else:
            groups.append([item])
            listed.append(False)
    out: list[_Group] = []
    for g in groups:
        start, end = g[0][2], g[-1][3]
        weak = all(w for _, w, _, _ in g)
        figs = [f for f, _, _, _ in g]
        if any(f is None for f in figs):
            low = sum(f.low or 0 for f in figs if f is not None)
            out.append(
                _Group(Figure(low, None, None, start, end) if low else None, start, end, weak)
            )
            continue
        total: list[int | None] = [
            None if any(getattr(f, b) is None for f in figs) else sum(getattr(f, b) for f in figs)
            for b in ("low", "best", "high")
        ]
        out.append(_Group(Figure(total[0], total[1], total[2], start, end), start, end, weak))
    return out


def _distance(text: str, fig: Figure, word: re.Match[str]) -> float:
    """Words between a figure and an event word; a figure after its word costs half a word."""
    if fig.end <= word.start():
        return len(re.findall(r"\S+", text[fig.end : word.start()]))
    return len(re.findall(r"\S+", text[word.end() : fig.start])) + 0.5


@lexicon.also_clear
@functools.lru_cache(maxsize=4096)
def fatalities(text: str) -> Figure | None:
    """Return the death figure of a sentence: the figure nearest a death word, if close enough.

    Figures are numbers and counted people ("a man and a woman"). A figure is dropped when it
    is nearer another outcome ("two wounded"), counts time or things ("two days", "three
    vehicles"), is the perpetrators ("by two gunmen"; "two gunmen killed a farmer") or a date;
    a part ("including seven children") is the toll only when nothing else is.
    """
    tw = toll_words()
    deaths = list(tw.death.finditer(text))
    losses = list(_LOSS.finditer(text))
    if not deaths and not losses:
        return None
    lex = number_lexicon()
    candidates: list[_Candidate] = []
    taken: list[tuple[int, int]] = []
    for g in _people(text, lex, tw):
        taken.append((g.start, g.end))
        if g.fig is not None:
            part = _is_part(text, g.start, g.end, tw)
            candidates.append(_Candidate(g.fig, True, part, g.adjacent_only))
    # An outcome word inside a counted phrase qualifies its people ("nine displaced persons").
    outcomes = [
        o
        for o in tw.outcome.finditer(text)
        if not any(s < o.start() and o.end() < e for s, e in taken)
    ]
    for m in lex.regex.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        fig = parse_figure(m, lex)
        if (
            fig is None
            or _looks_like_year_or_date(text, m, m.end())
            or _counts_things(text, m.end(), tw)
        ):
            continue
        if _MONEY_BEFORE.search(_before(text, m.start())):
            continue  # "a reward of Rs 4 lakh"
        if m.group("num") and m.group("num").lower() in ("a", "an"):
            continue  # "a village": "a" counts only a person ("a man")
        candidates.append(_Candidate(fig, False, _is_part(text, m.start(), m.end(), tw)))
    best: tuple[float, Figure] | None = None
    for part in (False, True):
        for c in candidates:
            if c.part != part or _AGENT_BEFORE.search(_before(text, c.fig.start)):
                continue
            dist = _binding(text, c, deaths, losses, outcomes, candidates, tw)
            if dist is None or dist > FATALITY_WINDOW_WORDS:
                continue
            if best is None or dist < best[0]:
                # A part alone says only that at least so many died.
                best = (dist, c.fig if not part else Figure(c.fig.low, None, None, 0, 0))
        if best is not None:
            break
    if best is None or _implausible(best[1]):
        return None  # an absurd toll is no toll, not a reason to take the next number
    return best[1]


def _binding(
    text: str,
    c: _Candidate,
    deaths: list[re.Match[str]],
    losses: list[re.Match[str]],
    outcomes: list[re.Match[str]],
    candidates: list[_Candidate],
    tw: _TollWords,
) -> float | None:
    """Return the distance to the death word a figure belongs to, or None if it is no toll."""
    near: tuple[float, str, re.Match[str]] | None = None
    for kind, words in (("death", deaths), ("loss", losses), ("outcome", outcomes)):
        for w in words:
            if w.start() > c.fig.end + _WINDOW_CHARS or w.end() < c.fig.start - _WINDOW_CHARS:
                continue  # beyond FATALITY_WINDOW_WORDS anyway; keeps long texts fast
            inside = w.start() < c.fig.end and c.fig.start < w.end()  # "two dead soldiers"
            d = 0.0 if inside else _distance(text, c.fig, w)
            if near is None or d < near[0]:
                near = (d, kind, w)
    if near is None or near[1] == "outcome":
        return None
    dist, kind, word = near
    if c.adjacent_only and (_DEATH_NOUN.fullmatch(word.group()) or not _beside(text, c.fig, word)):
        return None  # "civilian casualties" is no count of one
    if kind == "loss" and not (c.people and word.end() <= c.fig.start and dist <= 1):
        return None
    if kind == "death" and c.fig.end <= word.start() and tw.active.fullmatch(word.group()):
        between = text[c.fig.end : word.start()]
        # Only an object right after the verb: "2 killed, 3 wounded" lists two outcomes.
        objects = [o for o in candidates if o is not c and word.end() <= o.fig.start]
        if not _AUXILIARY.search(between) and any(
            not text[word.end() : o.fig.start].strip() for o in objects
        ):
            return None  # "two gunmen killed a farmer": the subject of "killed" is the killers
    return dist


def _beside(text: str, fig: Figure, word: re.Match[str]) -> bool:
    """Tell whether only auxiliaries stand between a figure and its word ("chief was shot dead")."""
    gap = text[fig.end : word.start()] if fig.end <= word.start() else text[word.end() : fig.start]
    return not _GAP.sub("", gap).strip()


def _before(text: str, pos: int) -> str:
    # The cues before a figure are short; a bounded window keeps a long text linear.
    return text[max(0, pos - _CUE_CHARS) : pos]


def _is_part(text: str, start: int, end: int, tw: _TollWords) -> bool:
    """Tell whether a figure is a part of the toll: "including seven children", "seven of them".

    Right after a death verb "of them" names whom the figure counts, not a part of another
    figure ("attacked a barracks, killing 14 of them").
    """
    if _PART_BEFORE.search(_before(text, start)):
        return True
    if not _PART_AFTER.match(text, end):
        return False
    verb = re.search(r"(\S+)\s+$", _before(text, start))
    return not (verb and tw.active.fullmatch(verb.group(1)))


def _counts_things(text: str, end: int, tw: _TollWords) -> bool:
    """Tell whether a figure counts time or things: "two days", "three armoured vehicles"."""
    after = re.match(r"[\s-]+((?:[\w'-]+\s+){0,1}[\w'-]+)", text[end:])
    if after is None:
        return False
    words = after.group(1)
    unit = tw.unit.search(words)
    person = tw.person.search(words)
    return unit is not None and (person is None or unit.start() < person.start())


def _implausible(fig: Figure) -> bool:
    return any(
        v is not None and v > MAX_PLAUSIBLE_FATALITIES for v in (fig.low, fig.best, fig.high)
    )


def _looks_like_year_or_date(text: str, m: re.Match[str], end: int) -> bool:
    """Tell whether the figure of ``m`` (ending at ``end``) is a year or a day of a month."""
    token = m.group("num") or ""
    if re.fullmatch(r"1[89]\d\d|20\d\d", token):
        return True
    around = text[max(0, m.start() - 12) : end + 12]
    before, after = _month_patterns()
    return (
        bool(before.search(text[max(0, m.start() - 12) : m.start()]))
        or bool(after.match(text, end))  # "on 3 May": a day, not a toll
        or "%" in around[len(around) // 2 :][:3]
    )


@lexicon.also_clear
@functools.cache
def _month_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Return the patterns of a month name (seeds/date_patterns.tsv) before and after a figure."""
    names = {name.rstrip(".") for name in lexicon.month_names()}
    month = "(?:" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + ")"
    before = re.compile(month + r"\.?\s*$")
    after = re.compile(r"(?:st|nd|rd|th)?\s+(?:of\s+)?" + month + r"\b")
    return before, after
