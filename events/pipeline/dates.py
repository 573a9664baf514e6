"""Find date expressions in sentences and normalise them to intervals (stage ``dates``).

Candidates are found with ONE compiled regex built from ``seeds/date_patterns.tsv``
(month and weekday names, deictic words, units, modifiers); only those short
spans go to dateparser, through the wrapper :mod:`events.dates`. Each candidate
is one of four kinds, which decides what it is anchored on:

* ``absolute``  "September 1, 1939", "March 1940", "in 1939": needs no anchor;
* ``yearless``  "on October 9", "in April": the year comes from the anchor;
* ``deictic``   "yesterday", "last week", "on Friday", "three days ago": read
  from the moment of writing, the publication date;
* ``anaphoric`` "the next day", "two days later", "that year": read from the
  last date the text mentioned (its *reference time*), else the publication date.

Two shapes carry an interval of their own: a range ("between 2 and 4 May": the
last day is parsed, the first kept aside) and a window that ends at the anchor
("in the past week": 7 days back, week precision; "over the last three days":
the exact span). "around 5 May" widens to the week holding the day. In news
text an anaphor ("the next day", "two days after the strike") counts from the
last date mentioned of any kind, "on Monday" included; a shift in apposition to
a date ("on Sunday, a day after he was abducted") dates its own clause's event
before that date. Captions never set the time line of the body.

In the default ``news`` mode year-less and deictic expressions are anchored on
the publication date; in ``narrative`` mode (history texts, long reports) every
anchor-dependent expression is read from the reference time, the most recent
resolved date before it -- "In April" after "February of 1940" is April 1940.
Without any anchor such expressions are kept unresolved, never read against today.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
from dataclasses import dataclass, replace
from typing import Literal

from events import lexicon
from events.dates import (
    DateInterval,
    Prefer,
    coarser,
    interval_of,
    normalise,
    ongoing_interval,
    shift,
)
from events.pipeline.doc import DateMention, DatePrecision, Document, Sentence
from events.pipeline.runner import stage

log = logging.getLogger(__name__)

Mode = Literal["news", "narrative"]
Kind = Literal["absolute", "yearless", "deictic", "anaphoric"]

SEED = "date_patterns.tsv"

#: Characters before a date looked at for a tense cue ("will meet on Friday"):
#: about one clause. Wider windows pick up the "will" of an unrelated clause.
TENSE_WINDOW = 60

#: A sentence longer than this is cut before matching: a "sentence" of a
#: megabyte is a segmentation failure, and the regex must stay linear anyway.
MAX_SENTENCE_CHARS = 20_000

#: Characters after a bare 4-digit number that make it a year ("in Poland in 1939.").
YEAR_FOLLOWERS = ("", ",", ".", ";", ":", ")", "'", "\u2019", "\n")

#: "thus far", "so far", "to date", "until now": an ongoing count or state that
#: runs from its start date to the publication date (see ongoing_interval).
ONGOING_CUES = re.compile(
    r"\b(?:thus|so)\s+far\b|\bto\s+date\b|\buntil\s+now\b|\bup\s+to\s+now\b", re.I
)


#: How a narrative's year-less date ("In April") is placed around its reference
#: time: "current" = the reference's year. Calibrated on WikiWars (date.value F1):
#: see the report of events/evaluate/wikiwars.py for the figures.
NARRATIVE_PREFER: Prefer = "current"


@dataclass(frozen=True)
class Vocabulary:
    """The date finder's word lists, loaded from the seed file."""

    months: tuple[str, ...]
    weekdays: tuple[str, ...]
    deictic: dict[str, str]
    units: dict[str, str]
    numbers: dict[str, int]
    relation: dict[str, int]  # next/following -> 1, previous -> -1, same -> 0
    shift: dict[str, int]  # later -> 1, earlier -> -1
    deictic_prefix: dict[str, str]
    modifiers: tuple[str, ...]
    year_cues: frozenset[str]
    not_year_after: frozenset[str]
    future_cues: tuple[str, ...]


@functools.cache
def vocabulary() -> Vocabulary:
    """Load the date vocabulary from ``seeds/date_patterns.tsv`` (once)."""
    by_kind: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for row in lexicon.date_words():
        by_kind.setdefault(row.kind, []).append((row.words, row.value))

    def words(kind: str) -> list[str]:
        return [w for ws, _ in by_kind.get(kind, []) for w in ws]

    def mapping(kind: str) -> dict[str, str]:
        return {w.lower(): v for ws, v in by_kind.get(kind, []) for w in ws}

    vocab = Vocabulary(
        months=tuple(words("month")),
        weekdays=tuple(words("weekday")),
        deictic=mapping("deictic"),
        units=mapping("unit"),
        numbers={k: int(v) for k, v in mapping("number").items()},
        relation={
            **{w: 1 for w in mapping("relation_next")},
            **{w: -1 for w in mapping("relation_prev")},
            **{w: 0 for w in mapping("relation_same")},
        },
        shift={
            **{w: 1 for w in mapping("shift_later")},
            **{w: -1 for w in mapping("shift_earlier")},
        },
        deictic_prefix=mapping("deictic_prefix"),
        modifiers=tuple(words("modifier")),
        year_cues=frozenset(w.lower() for w in words("year_cue")),
        not_year_after=frozenset(w.lower() for w in words("not_year_after")),
        future_cues=tuple(words("future_cue")),
    )
    if not vocab.months:
        log.warning("%s has no month names: the dates stage will find almost nothing", SEED)
    log.debug("date vocabulary: %d rows", len(lexicon.date_words()))
    return vocab


def _alt(words: list[str] | tuple[str, ...]) -> str:
    """Return a regex alternation of ``words``, longest first, spaces matching any whitespace."""
    ordered = sorted(set(words), key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)


@functools.cache
def candidate_regex() -> re.Pattern[str]:
    """Compile the one regex that finds candidate date expressions."""
    v = vocabulary()
    # Month and weekday names count only when capitalised: "may", "march" are verbs.
    month = rf"(?-i:{_alt(v.months)})(?![\w])"
    weekday = rf"(?-i:{_alt(v.weekdays)})\b"
    day = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?![\d,]\d)(?!\w)"
    year = r"(?:1\d{3}|20\d{2})(?![\d])"
    # A modifier starts a word: "Nearly 2000 labourers" holds no "early 2000".
    mod = rf"(?:(?<![\w])(?:{_alt(v.modifiers)})(?:\s+|-\s*|(?<=-)))?"
    unit = _alt(list(v.units))
    number = rf"(?:\d{{1,3}}|{_alt(list(v.numbers))})"
    relation = _alt(list(v.relation))
    shift = _alt(list(v.shift))
    prefix = _alt(list(v.deictic_prefix))
    deictic = _alt(list(v.deictic))
    patterns = [
        # between 2 and 4 May / 2-4 May 2020 / from 2 to 4 May: one interval, day by day
        rf"(?P<range>(?:\b(?:between|from)\s+)?(?:the\s+)?\b{day}\s*(?:and|[-–]|to)\s*(?:the\s+)?"
        rf"{day}\s+(?:of\s+)?{month}(?:,?\s+(?:of\s+)?{year})?"
        rf"|(?:\b(?:between|from)\s+)?{month}\s+{day}\s*(?:and|[-–]|to)\s*{day}\b"
        rf"(?:,?\s+{year})?)",
        # in the past week / over the last three days: an interval that ends at publication
        rf"(?P<window>\b(?:in|over|during|within)\s+the\s+(?:past|last|previous)\s+"
        rf"(?:(?:{number})\s+)?(?:{unit})\b)",
        # 2020-10-09, 9/10/2020, 09.10.2020
        r"(?P<iso>\b\d{4}-[01]\d-[0-3]\d\b|\b\d{1,2}[/.]\d{1,2}[/.]\d{4}\b)",
        # Saturday, 27 September 2020 / the 27th of September / 27 Sept.
        rf"(?P<dm>{mod}(?:{weekday},?\s+)?(?:the\s+)?\b{day}\s+(?:of\s+)?{month}(?:,?\s+(?:of\s+)?{year})?)",
        # September 27, 2020 / September 27 / Sept. 1-3, 1939
        rf"(?P<md>{mod}(?:{weekday},?\s+)?{month}\s+{day}(?:\s*[-–]\s*{day})?(?:,?\s+(?:of\s+)?{year})?)",
        # September 1939, February of 1940, early 1943
        rf"(?P<my>{mod}{month},?\s+(?:of\s+)?{year})",
        rf"(?P<month>{mod}{month})",
        # 1939, 1861-1863 (each year of a range is a date), not 1,939 nor F-1939 nor the 1990s
        rf"(?P<year>{mod}(?<![\d$£€.,/])(?<![^\d\s]-){year}(?!s\b|\s*%|[,.]\d))",
        rf"(?P<shift>\b{number}\s+(?:{unit})\s+(?:{shift}|ago)\b)",
        rf"(?P<deictic>\b(?:{deictic})\b|\b(?:{prefix})\s+(?:{unit})\b|\b(?:earlier|later)\s+this\s+(?:{unit})\b)",
        rf"(?P<weekday>\b(?:(?:on|last|next|this|coming|past)\s+)?{weekday})",
        rf"(?P<anaphor>{mod}\b(?:the\s+(?:{relation})|that(?:\s+same)?)\s+(?:{unit})\b"
        rf"|\b(?:the\s+)?(?:{unit})\s+(?:before|after)(?=\s*[,.;])"
        rf"|\b(?:later|earlier|late|early)\s+(?:in|that)\s+(?:the\s+)?(?:{unit})\b"
        rf"|\bthe\s+(?:end|beginning|start|middle)\s+of\s+the\s+(?:{unit})\b)",
    ]
    # Every date starts a word: saying so up front lets the scan reject the
    # positions inside words at once instead of trying each alternative there
    # (2.4x faster on WikiWars sentences, the same matches).
    return re.compile(r"(?=\w)(?<!\w)(?:" + "|".join(patterns) + ")", re.IGNORECASE)


@dataclass(frozen=True)
class Candidate:
    """A date expression found in a sentence, before normalisation."""

    start: int  # offsets in the sentence text
    end: int
    text: str
    kind: Kind
    query: str  # what the wrapper is given (modifiers stripped, anaphors rewritten)
    first_day: int | None = None  # "between 2 and 4 May": the query is the last day, this the first
    window: tuple[int, str] | None = None  # "in the past 3 days": (3, "day"), ending at the anchor


#: Words the candidate regex's alternatives may start with besides the vocabulary's own.
_FIXED_FIRST_WORDS = (
    "between from the in over during within on last next this coming past that later earlier "
    "late early"
)


@functools.cache
def _first_words() -> frozenset[str] | None:
    """Return the lower-case first word of everything a candidate can start with.

    A candidate starts at a word's start (see candidate_regex) with a digit, a modifier, a
    month or weekday name, a number, unit, deictic or prefix word, or one of the fixed words;
    each of these is followed in the regex by a space, a hyphen or a word boundary.
    """
    v = vocabulary()
    return lexicon.first_words(
        [
            *v.months,
            *v.weekdays,
            *v.modifiers,
            *v.deictic,
            *v.units,
            *v.numbers,
            *v.deictic_prefix,
            *_FIXED_FIRST_WORDS.split(),
        ]  # fmt: skip
    )


def find_candidates(text: str) -> list[Candidate]:
    """Return the date expressions in ``text``, without durations, counts and non-dates."""
    text = text[:MAX_SENTENCE_CHARS]
    out: list[Candidate] = []
    # Digits are tried at every word too (finditer_at_words): days, years, counts.
    for m in lexicon.finditer_at_words(candidate_regex(), _first_words(), text):
        group = m.lastgroup or ""
        cand = _classify(text, m, group)
        if cand is not None:
            out.append(cand)
    return out


@functools.cache
def _modifier_regex() -> re.Pattern[str]:
    return re.compile(rf"^(?:{_alt(vocabulary().modifiers)})(?:\s+|-\s*|(?<=-))", re.I)


def _strip_modifier(span: str) -> str:
    """Drop "early", "the end of", "mid-" from the front of ``span``."""
    return _modifier_regex().sub("", span, count=1).strip()


def _previous_word(text: str, pos: int) -> str:
    m = re.search(r"([A-Za-z.]+)[\s,]*$", text[max(0, pos - 30) : pos])
    return m.group(1).lower() if m else ""


def _next_word(text: str, pos: int) -> str:
    m = re.match(r"\s+([A-Za-z]+)", text[pos : pos + 30])
    return m.group(1).lower() if m else ""


def _classify(text: str, m: re.Match[str], group: str) -> Candidate | None:
    """Turn one regex match into a candidate, or reject it (counts, names, verbs)."""
    span = m.group(0)
    start, end = m.start(), m.end()
    v = vocabulary()
    core = _strip_modifier(span)
    has_mod = core != span.strip()
    if group in ("dm", "md", "my") and _next_word(text, end) in v.not_year_after:
        # "early October, 1500 men": the number is a count; keep the date before it.
        head = re.match(r"(.*?)[,\s]+(?:of\s+)?\d{4}$", span, re.S)
        if head is None:
            return None
        span, end = head.group(1), start + len(head.group(1))
        core = _strip_modifier(span)
        if group == "my":
            return (
                Candidate(start, end, span, "yearless", core)
                if has_mod or _previous_word(text, start) in v.year_cues
                else None
            )
    if group == "range":
        return _range_candidate(start, end, span)
    if group == "window":
        return _window_candidate(start, end, span)
    if group in ("iso", "dm", "md", "my"):
        if group in ("dm", "md") and not re.search(r"\b(?:1\d{3}|20\d{2})\b", core):
            return Candidate(start, end, span, "yearless", core)
        return Candidate(start, end, span, "absolute", core)
    if group == "month":
        # A bare month is a date after "in", "by", "early" ...; "May" alone is a verb or a name.
        if not has_mod and _previous_word(text, start) not in v.year_cues:
            return None
        return Candidate(start, end, span, "yearless", core)
    if group == "year":
        return _classify_year(text, start, end, span, core, has_mod)
    if group == "shift":
        cand = _shift_candidate(start, end, span)
        # "two days after the strike": the event named is the date's anchor, not an event of
        # the sentence; the span takes it in so that the event coder sees it as part of the date.
        tail = re.match(r"\s+(?:the|this|that|his|her|its|their)\s+[a-z][\w-]*", text[end:])
        if cand is not None and tail and re.search(r"(?:after|before)$", span, re.I):
            cand = Candidate(start, end + tail.end(), text[start : end + tail.end()],
                             cand.kind, cand.query)  # fmt: skip
        return cand
    if group in ("deictic", "weekday"):
        query = v.deictic.get(span.lower(), span)
        return Candidate(start, end, span, "deictic", query)
    if group == "anaphor":
        return _anaphor_candidate(start, end, span)
    return None


def _classify_year(
    text: str, start: int, end: int, span: str, core: str, has_mod: bool
) -> Candidate | None:
    """Accept a bare 4-digit number as a year only in a year-like context."""
    v = vocabulary()
    if _next_word(text, end) in v.not_year_after:
        return None  # "1500 men", "2000 troops"
    before = _previous_word(text, start)
    after = text[end : end + 1]
    in_range = bool(re.match(r"\s*[-–]\s*\d", text[end : end + 4])) or bool(
        re.search(r"\d\s*[-–]\s*$", text[max(0, start - 6) : start])
    )
    at_start = not text[:start].strip()
    if has_mod or in_range or at_start or before in v.year_cues or after in YEAR_FOLLOWERS:
        return Candidate(start, end, span, "absolute", core)
    return None


def _count(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return vocabulary().numbers.get(word.lower())


def _shift_candidate(start: int, end: int, span: str) -> Candidate | None:
    """ "two days later" (anaphoric) or "three days ago" (deictic), rewritten for dateparser."""
    v = vocabulary()
    m = re.match(r"(.+?)\s+(\w+)\s+(\w+)$", span.strip())
    if not m:
        return None
    n = _count(re.sub(r"\s+", " ", m.group(1)))
    unit = v.units.get(m.group(2).lower())
    if n is None or unit is None:
        return None
    direction = m.group(3).lower()
    if direction == "ago":
        return Candidate(start, end, span, "deictic", f"{n} {unit}s ago")
    sign = v.shift.get(direction, 0)
    query = f"in {n} {unit}s" if sign > 0 else f"{n} {unit}s ago"
    return Candidate(start, end, span, "anaphoric", query)


def _range_candidate(start: int, end: int, span: str) -> Candidate | None:
    """ "between 2 and 4 May": the last day goes to dateparser, the first is kept aside."""
    m = re.search(
        r"(?P<d1>\d{1,2})(?:st|nd|rd|th)?\s*(?:and|[-–]|to)\s*(?:the\s+)?(?P<d2>\d{1,2})", span
    )
    if m is None:
        return None
    first, last = int(m.group("d1")), int(m.group("d2"))
    if not 1 <= first < last <= 31:
        return None
    core = (span[: m.start()] + span[m.start("d2") :]).strip()
    core = re.sub(r"^(?:between|from)\s+(?:the\s+)?", "", core, flags=re.I)
    kind: Kind = "absolute" if re.search(r"\b(?:1\d{3}|20\d{2})\b", core) else "yearless"
    return Candidate(start, end, span, kind, core, first_day=first)


def _window_candidate(start: int, end: int, span: str) -> Candidate | None:
    """ "in the past week", "over the last three days": (count, unit) back from the anchor."""
    v = vocabulary()
    words = span.split()
    unit = v.units.get(words[-1].lower())
    if unit is None:
        return None
    count_words = " ".join(words[3:-1])
    n = _count(count_words) if count_words else 1
    if n is None:
        return None
    return Candidate(start, end, span, "deictic", f"{n} {unit}s ago", window=(n, unit))


#: Days a unit of "in the past N units" covers.
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}
_UNIT_PRECISION: dict[str, DatePrecision] = {
    "day": "day", "week": "week", "month": "month", "year": "year",
}  # fmt: skip


def _anaphor_candidate(start: int, end: int, span: str) -> Candidate | None:
    """ "the next day", "that year", "the day before", "later in the year" -> a dateparser query."""
    v = vocabulary()
    words = re.findall(r"[a-z]+", span.lower())
    unit = next((v.units[w] for w in reversed(words) if w in v.units), None)
    if unit is None:
        return None
    sign = 0
    for w in words:
        if w in v.relation:
            sign = v.relation[w]
        elif w in ("before",):
            sign = -1
        elif w in ("after",) and words[-1] == "after":
            sign = 1
    if sign > 0:
        query = f"in 1 {unit}"
    elif sign < 0:
        query = f"1 {unit} ago"
    else:
        query = "today" if unit == "day" else f"this {unit}"
    return Candidate(start, end, span, "anaphoric", query)


def tense_preference(sentence: str, start: int) -> Prefer:
    """Return ``future`` when the clause before ``start`` speaks of the future, else ``past``."""
    window = sentence[max(0, start - TENSE_WINDOW) : start]
    window = re.split(r"[.!?;]\s", window)[-1]  # the clause's own words only
    if _future_regex().search(window) or re.search(
        r"\bnext\b|\bcoming\b", sentence[start : start + 12], re.I
    ):
        return "future"
    return "past"


@functools.cache
def _future_regex() -> re.Pattern[str]:
    cues = vocabulary().future_cues
    return re.compile(rf"(?<![\w'])(?:{_alt(cues)})\b" if cues else r"(?!x)x", re.IGNORECASE)


def resolve(
    cand: Candidate,
    sentence: str,
    published: dt.date | None,
    reference: DateInterval | None,
    mode: Mode = "news",
) -> DateInterval | None:
    """Normalise one candidate, choosing its anchor by kind and mode."""
    prefer = tense_preference(sentence, cand.start)
    ref_day = reference.date_start if reference and reference.resolved else None
    if cand.window is not None:
        anchor_day = ref_day if mode == "narrative" and ref_day is not None else published
        if anchor_day is None:
            return DateInterval(None, None, "unknown", resolved=False, relative=True)
        n, unit = cand.window
        first = shift(anchor_day, -n * _UNIT_DAYS[unit])
        precision = _UNIT_PRECISION[unit] if n == 1 else "day"
        return DateInterval(first, anchor_day, precision, resolved=True, relative=True,
                            has_year=False)  # fmt: skip
    if cand.kind == "absolute":
        found = normalise(cand.query, published, prefer)
    elif cand.kind == "yearless":
        if mode == "narrative" and ref_day is not None:
            found = normalise(cand.query, ref_day, NARRATIVE_PREFER)
        else:
            found = normalise(cand.query, published, prefer)
    elif cand.kind == "deictic":
        anchor = ref_day if mode == "narrative" and ref_day is not None else published
        found = normalise(cand.query, anchor, prefer)
    else:  # anaphoric: from the last date mentioned, else the publication date
        anchor = ref_day if ref_day is not None else published
        found = normalise(cand.query, anchor, prefer)
        if found and reference is not None and ref_day is not None and found[0].date_start:
            # "the next day" after "in May 1940" is no more precise than a month.
            precision = coarser(found[0].precision, reference.precision)
            lo, hi = interval_of(found[0].date_start, precision)
            found = [DateInterval(lo, hi, precision, True, True, False)]
    if not found:
        return None
    if cand.first_day is not None and found[0].date_start is not None:
        last = found[0].date_start
        if found[0].precision != "day" or cand.first_day >= last.day:
            return found[0]
        return replace(found[0], date_start=last.replace(day=cand.first_day), date_end=last)
    return found[0]


def _since_end(
    sentence: str, cand: Candidate, interval: DateInterval, published: dt.date | None
) -> DateInterval:
    """Stretch "since September 27" to the publication date."""
    if re.search(r"\bsince\s*$", sentence[max(0, cand.start - 8) : cand.start], re.I):
        return ongoing_interval(interval, published)
    return interval


def _appositive_shift(
    text: str,
    cand: Candidate,
    previous: tuple[int, DateInterval] | None,
    ref: DateInterval | None,
) -> tuple[Candidate, DateInterval | None]:
    """Read "on Sunday, a day after he was abducted" as the abduction's date: Sunday minus a day.

    The shift stands in apposition to the date before it: that date is the shift's anchor, and
    what the shift dates is the event of its own clause, which came before, not after.
    """
    if previous is None or cand.kind != "anaphoric" or not cand.query.startswith("in "):
        return cand, ref
    end, interval = previous
    if not re.fullmatch(r"\s*,\s*", text[end : cand.start]) or not re.search(
        r"\bafter$", cand.text.strip(), re.I
    ):
        return cand, ref
    return replace(cand, query=cand.query[3:] + " ago"), interval


#: Hedges that make a day an approximation ("around 5 May", "on or about 5 May").
APPROXIMATE_CUES = re.compile(
    r"\b(?:around|about|approximately|circa|c\.|roughly|on\s+or\s+about)\s*$", re.I
)


def _approximate(sentence: str, cand: Candidate, interval: DateInterval) -> DateInterval:
    """Widen "around 5 May" to the week holding the day, with week precision."""
    if interval.precision != "day" or interval.date_start is None:
        return interval
    if interval.date_end not in (None, interval.date_start):
        return interval  # already a span
    if not APPROXIMATE_CUES.search(sentence[max(0, cand.start - 20) : cand.start]):
        return interval
    lo, hi = interval_of(interval.date_start, "week")
    return replace(interval, date_start=lo, date_end=hi, precision="week")


def date_mentions(
    sentences: list[Sentence],
    published: dt.date | None,
    mode: Mode = "news",
    published_precision: DatePrecision = "day",
) -> list[DateMention]:
    """Find and normalise the dates of ``sentences``; offsets are in each sentence's container.

    A publication date coarser than a day ("2024-05") anchors relative dates at
    both ends of its interval; the date is the span of the two readings, no more
    precise than the publication date ("yesterday" in May 2024 is 04-30..05-30).
    """
    reference: DateInterval | None = None
    # The last date of any kind, deictic ones included: what "the next day" or "two days after
    # the strike" count from in news text ("attacked on Monday ... the next day" is Tuesday).
    last_any: DateInterval | None = None
    out: list[DateMention] = []
    ends: tuple[dt.date, ...] = ()
    if published is not None and published_precision in ("week", "month", "year"):
        ends = interval_of(published, published_precision)
    for sent in sentences:
        text = sent.text if isinstance(sent.text, str) else ""
        caption = getattr(sent, "section", "body") == "caption"
        previous: tuple[int, DateInterval] | None = None  # (end, interval) in this sentence
        for cand in find_candidates(text):
            ref = reference
            if mode == "news" and cand.kind == "anaphoric" and last_any is not None:
                ref = last_any
            cand, ref = _appositive_shift(text, cand, previous, ref)
            if ends:
                readings = [resolve(cand, text, end, ref, mode) for end in ends]
                interval = _span(readings, published_precision)
            else:
                interval = resolve(cand, text, published, ref, mode)
            if interval is None:
                continue
            interval = _since_end(text, cand, interval, ends[-1] if ends else published)
            interval = _approximate(text, cand, interval)
            out.append(
                DateMention(
                    start=sent.start + cand.start,
                    end=sent.start + cand.end,
                    text=cand.text,
                    sentence_index=sent.index,
                    date_start=interval.date_start,
                    date_end=interval.date_end,
                    precision=interval.precision,
                    resolved=interval.resolved,
                    relative=interval.relative or cand.kind in ("deictic", "anaphoric"),
                )
            )
            if interval.resolved and interval.date_start is not None:
                previous = (cand.end, interval)
            if caption or not interval.resolved or interval.date_start is None:
                continue  # a caption's date is the photo's: it sets no time line for the body
            if cand.kind != "anaphoric" and cand.window is None:
                last_any = interval
            if _is_reference(cand, interval):
                reference = interval
    return out


def _span(readings: list[DateInterval | None], precision: DatePrecision) -> DateInterval | None:
    """Return the interval covering ``readings`` (one per end of a coarse anchor)."""
    found = [r for r in readings if r is not None]
    if not found:
        return None
    first = found[0]
    if all(r == first for r in found) or first.date_start is None:
        return first  # absolute dates do not depend on the anchor
    starts = [r.date_start for r in found if r.date_start is not None]
    stops = [r.date_end or r.date_start for r in found if r.date_start is not None]
    coarse = first.precision
    for r in found:
        coarse = coarser(coarse, r.precision)
    return DateInterval(
        min(starts), max(d for d in stops if d is not None), coarser(coarse, precision),
        resolved=True, relative=first.relative, has_year=first.has_year,
    )  # fmt: skip


def _is_reference(cand: Candidate, interval: DateInterval) -> bool:
    # Deictic dates ("yesterday") speak of the writer's now, not the story's time line,
    # and anaphors ("the next day") are the least certain readings: neither moves the
    # reference time. (On WikiWars letting anaphors move it cost 0.2 points of F1.)
    return cand.kind not in ("deictic", "anaphoric")


def is_ongoing(text: str) -> bool:
    """Return True when ``text`` says something is still going on ("thus far", "so far")."""
    return bool(ONGOING_CUES.search(text or ""))


@stage("dates", requires=("sentences", "published", "published_precision"), assigns=("dates",))
def find_dates(doc: Document) -> None:
    """Find the date expressions of the document's sentences and normalise them."""
    doc.dates = date_mentions(
        doc.sentences, doc.published, mode="news", published_precision=doc.published_precision
    )
