"""Casualty figures: number words, vague quantities and the death words they count.

``seeds/numbers.tsv`` gives number words and ACLED's conservative readings of vague
quantities ("dozens" = 12 as the low/best value); :func:`fatalities` finds the figure beside a
death word in a text, refusing years, dates, injuries and absurd values.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from events.errors import SeedError
from events.seeds import read_tsv

# ---------------------------------------------------------------------------------------------
# Quantities (fatalities)
# ---------------------------------------------------------------------------------------------


#: Words between a figure and a death word ("hundreds from both sides have been killed").
FATALITY_WINDOW_WORDS = 8
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


def _int_or_none(cell: str) -> int | None:
    return int(cell) if cell.strip() else None


@functools.cache
def number_lexicon() -> _Numbers:
    """Load ``seeds/numbers.tsv`` and compile the figure regex."""
    numbers: dict[str, int] = {}
    scales: dict[str, int] = {}
    vague: dict[str, tuple[int | None, int | None, int | None]] = {}
    modifiers: dict[str, str] = {}
    for row in read_tsv("numbers.tsv"):
        phrase, kind = row["phrase"].lower(), row["kind"]
        if kind == "number":
            numbers[phrase] = int(row["value"])
        elif kind == "scale":
            scales[phrase] = int(row["value"])
        elif kind == "vague":
            vague[phrase] = (
                _int_or_none(row["low"]),
                _int_or_none(row["best"]),
                _int_or_none(row["high"]),
            )
        elif kind == "modifier":
            modifiers[phrase] = row["value"]
        else:
            raise SeedError(f"numbers.tsv: unknown kind {kind!r} for {phrase!r}")

    def alt(words: list[str]) -> str:
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) or r"(?!x)x"

    digits = r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?"
    core = (
        rf"(?P<vague>(?:{alt(list(vague))})(?:\s+of\s+(?:{alt(list(scales))})s)?)"
        rf"|(?P<num>(?:{digits}|{alt(list(numbers))})(?:[\s-]+(?:{alt(list(scales))}))?)"
    )
    regex = re.compile(
        rf"(?<![\w.,])(?:(?P<mod>{alt(list(modifiers))})\s+)?(?:{core})(?![\w])", re.IGNORECASE
    )
    return _Numbers(numbers, scales, vague, modifiers, regex)


def _value(text: str, lex: _Numbers) -> int | None:
    text = text.lower().strip()
    parts = re.split(r"[\s-]+", text)
    scale = 1
    if len(parts) > 1 and parts[-1] in lex.scales:
        scale = lex.scales[parts[-1]]
        text = " ".join(parts[:-1])
    if text in lex.numbers:
        return lex.numbers[text] * scale
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
    r"bodies|perished|death toll|toll|massacred|slain|executed|murdered)\b",
    re.I,
)


_INJURY = re.compile(r"^\s*(?:\S+\s+){0,1}?(?:wounded|injured|hurt)\b", re.I)


def fatalities(text: str) -> Figure | None:
    """Return the death figure of a sentence: the figure nearest a death word, if close enough."""
    deaths = [m for m in _DEATH.finditer(text)]
    if not deaths:
        return None
    lex = number_lexicon()
    best: tuple[int, Figure] | None = None
    for m in lex.regex.finditer(text):
        fig = parse_figure(m, lex)
        if fig is None or _looks_like_year_or_date(text, m) or _INJURY.match(text[m.end() :]):
            continue
        for d in deaths:
            lo, hi = (m.end(), d.start()) if m.end() <= d.start() else (d.end(), m.start())
            # A figure before its death word is the usual order ("17 soldiers were killed"); one
            # after it ("killed and dozens wounded") costs a word more.
            dist = len(re.findall(r"\S+", text[lo:hi])) + (0 if m.end() <= d.start() else 1)
            if dist <= FATALITY_WINDOW_WORDS and (best is None or dist < best[0]):
                best = (dist, fig)
    if best is None or _implausible(best[1]):
        return None  # an absurd toll is no toll, not a reason to take the next number
    return best[1]


def _implausible(fig: Figure) -> bool:
    return any(
        v is not None and v > MAX_PLAUSIBLE_FATALITIES for v in (fig.low, fig.best, fig.high)
    )


def _looks_like_year_or_date(text: str, m: re.Match[str]) -> bool:
    token = m.group("num") or ""
    if re.fullmatch(r"1[89]\d\d|20\d\d", token):
        return True
    around = text[max(0, m.start() - 12) : m.end() + 12]
    return (
        bool(_MONTH_BEFORE.search(text[max(0, m.start() - 12) : m.start()]))
        or bool(_MONTH_AFTER.match(text, m.end()))  # "on 3 May": a day, not a toll
        or "%" in around[len(around) // 2 :][:3]
    )


_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|"
    r"November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)"
)
_MONTH_BEFORE = re.compile(_MONTH + r"\.?\s*$")
_MONTH_AFTER = re.compile(r"(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r"\b")
