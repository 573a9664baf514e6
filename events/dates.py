"""Normalise one date expression to an interval: the project's one wrapper around dateparser.

Every date the pipeline stores goes through :func:`normalise`. It

* anchors relative and year-less expressions on a given date (the article's
  publication date, or the narrative's reference time) through dateparser's
  ``RELATIVE_BASE`` -- never on today's date: without an anchor such an
  expression comes back unresolved (``resolved=False``, no dates);
* takes the tense preference from the caller (``future`` for "will meet on
  Friday", ``past`` otherwise);
* keeps dateparser's ``period`` as the precision and widens the parsed day to
  the interval the expression covers ("March 1940" -> 1940-03-01..1940-03-31);
* checks which parts the *text* gave (``DateData.parts``), because dateparser
  silently fills a missing year, month or day from its base date;
* returns lists -- empty when the text is not a date -- never ``None``.

Parses are cached on ``(text, anchor, prefer)``; the pipeline only ever hands
this module short candidate spans found by a compiled regex, never whole texts.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
import warnings
from dataclasses import dataclass, replace
from typing import Literal

from events import dates_fast
from events.pipeline.doc import DatePrecision

Prefer = Literal["past", "future", "current"]

#: Size of the parse cache. An article yields tens of distinct spans; a large
#: ingest repeats the same spans ("on Monday", "last week") with few anchors.
CACHE_SIZE = 8192

#: A year-less date up to this many days after the anchor is still read in the
#: anchor's year under the "past" preference: publication dates and datelines are
#: often a day off (time zones, late edits). Calibrated on nothing finer than
#: "an article of October 10 saying 'on October 11'" meaning the same year.
PAST_GRACE_DAYS = 2

#: Dateparser needs some base to parse year-less text at all; when there is no
#: anchor the resulting dates are thrown away, only the period and parts kept.
_PLACEHOLDER_BASE = dt.datetime(2000, 6, 15, 12, 0)

#: Words that make an expression depend on the moment it is read from.
_RELATIVE_WORDS = re.compile(
    r"\b(?:yesterday|today|tomorrow|ago|in\s+\w+\s+(?:days?|weeks?|months?|years?)|"
    r"last|next|this|past|coming|previous)\b",
    re.IGNORECASE,
)
#: A weekday is relative unless the text also names the month ("Saturday, September 2, 1939").
_WEEKDAY = re.compile(
    r"\b(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\b", re.IGNORECASE
)
#: Something a date must contain: a digit, a month or weekday name, or a deictic word.
_DATE_EVIDENCE = re.compile(
    r"\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun)"
    r"[a-z]*\.?(?![a-z])|\b(?:yesterday|today|tomorrow|day|week|month|year)s?\b",
    re.IGNORECASE,
)
#: "30 years", "two weeks": a duration, not a date (unless "ago"/"in ..." make it one).
_BARE_DURATION = re.compile(
    r"^\s*(?:for\s+)?(?:the\s+)?(?:last\s+|past\s+|next\s+)?(?:\d[\d,]*|an?|one|two|three|four|"
    r"five|six|seven|eight|nine|ten|several|many|some|few)\s+(?:or\s+so\s+)?"
    r"(?:days?|weeks?|months?|years?|decades?)(?:\s+or\s+so)?\s*$",
    re.IGNORECASE,
)

_PERIOD_TO_PRECISION: dict[str, DatePrecision] = {
    "day": "day",
    "time": "day",
    "part_of_day": "day",
    "week": "week",
    "month": "month",
    "quarter": "month",
    "year": "year",
}
_PRECISION_RANK: dict[str, int] = {"day": 0, "week": 1, "month": 2, "year": 3, "unknown": 4}


@dataclass(frozen=True)
class DateInterval:
    """A normalised date: the interval the expression covers and how precise it is."""

    date_start: dt.date | None
    date_end: dt.date | None
    precision: DatePrecision
    resolved: bool = True  # False: it needed an anchor and had none
    relative: bool = False  # it depends on when it is read ("yesterday", "on Friday")
    has_year: bool = True  # the text itself gave the year


def coarser(a: DatePrecision, b: DatePrecision) -> DatePrecision:
    """Return the less precise of two precisions."""
    return a if _PRECISION_RANK[a] >= _PRECISION_RANK[b] else b


def shift(day: dt.date, days: int) -> dt.date:
    """Return ``day`` moved by ``days``, held inside the calendar (years 1 to 9999).

    Dates at the calendar's ends reach the pipeline as sentinels ("0001-01-01",
    "9999-12-31" for "no date" in many databases); arithmetic on them must not raise.
    """
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.min if days < 0 else dt.date.max


def interval_of(day: dt.date, precision: DatePrecision) -> tuple[dt.date, dt.date]:
    """Return the calendar interval of ``precision`` that contains ``day``."""
    if precision == "year":
        return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
    if precision == "month":
        last = calendar.monthrange(day.year, day.month)[1]
        return day.replace(day=1), day.replace(day=last)
    if precision == "week":  # ISO week, Monday to Sunday (cut at the calendar's ends)
        monday = shift(day, -day.weekday())
        return monday, shift(monday, 6)
    return day, day


def ongoing_interval(start: DateInterval | dt.date, published: dt.date | None) -> DateInterval:
    """Return the interval of something going on from ``start`` until publication ("thus far").

    "Hundreds have been killed thus far", after "the attack on September 27", is
    2020-09-27..published. Without a publication date (or a start after it) the
    interval is just the start's own.
    """
    if isinstance(start, dt.date):
        start = DateInterval(start, start, "day")
    if start.date_start is None or published is None or published < start.date_start:
        return start
    return replace(start, date_end=published, precision=start.precision)


_BARE_WEEKDAY = re.compile(
    r"(?:on\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    r"(?:\s+(?:morning|afternoon|evening|night))?",
    re.IGNORECASE,
)


def normalise(
    text: str, anchor: dt.date | None = None, prefer: Prefer = "past"
) -> list[DateInterval]:
    """Normalise one date expression; return ``[]`` when ``text`` is not a date.

    ``anchor`` is the date relative and year-less expressions are read from;
    without it they come back with ``resolved=False`` and no dates. ``prefer``
    picks among the readings of a year-less or weekday expression: ``past``
    (the latest one not after the anchor), ``future`` (the first one not before
    it) or ``current`` (the anchor's year; for narratives).
    """
    if not isinstance(text, str):
        return []
    found = _normalise_cached(text.strip(), anchor, prefer)
    return [found] if found is not None else []


@functools.lru_cache(maxsize=CACHE_SIZE)
def _normalise_cached(text: str, anchor: dt.date | None, prefer: Prefer) -> DateInterval | None:
    try:
        return _normalise_one(text, anchor, prefer)
    except (OverflowError, ValueError):
        # A reading past the calendar's ends ("next year" in 9999): not a date we can store.
        return None


def _normalise_one(text: str, anchor: dt.date | None, prefer: Prefer) -> DateInterval | None:
    if not text or len(text) > 80 or not _DATE_EVIDENCE.search(text) or _BARE_DURATION.match(text):
        return None
    base = dt.datetime.combine(anchor, dt.time(12)) if anchor else _PLACEHOLDER_BASE
    data = _dateparse(text, base, _dateparser_prefer(prefer))
    if data is None:
        return None
    day, period, parts = data
    relative = bool(_RELATIVE_WORDS.search(text)) or (
        bool(_WEEKDAY.search(text)) and not any(ch.isdigit() for ch in text)
    )
    # News usage: "on Tuesday" in a Tuesday paper is that day, not a week away
    # (dateparser reads it as the previous or next Tuesday).
    if (
        relative
        and anchor is not None
        and _BARE_WEEKDAY.fullmatch(text)
        and abs((day - anchor).days) == 7
    ):
        day = anchor
    precision = _PERIOD_TO_PRECISION.get(period, "unknown")
    has_year = "year" in parts and not relative
    if "month" not in parts and precision in ("day", "month") and not relative:
        return None  # "the 1st", a lone day number: nothing to place in a calendar
    if anchor is None and (relative or not has_year):
        return DateInterval(
            None, None, precision, resolved=False, relative=relative, has_year=has_year
        )
    if not has_year and not relative and anchor is not None:
        placed = _place_yearless(day, precision, anchor, prefer)
        if placed is None:
            return None
        day = placed
    start, end = interval_of(day, precision)
    return DateInterval(start, end, precision, resolved=True, relative=relative, has_year=has_year)


def _dateparser_prefer(prefer: Prefer) -> str:
    return {"past": "past", "future": "future"}.get(prefer, "current_period")


def _place_yearless(
    day: dt.date, precision: DatePrecision, anchor: dt.date, prefer: Prefer
) -> dt.date | None:
    """Put a month (and day) without a year in the year ``prefer`` asks for, around ``anchor``."""
    candidates = []
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            candidates.append(day.replace(year=year))
        except ValueError:  # February 29 in a common year
            continue
    if not candidates:
        return None
    if prefer == "current":
        same = [c for c in candidates if c.year == anchor.year]
        return same[0] if same else None
    spans = [(c, *interval_of(c, precision)) for c in candidates]
    if prefer == "future":
        # The first reading that has not wholly passed: "in October" read in October is this one.
        return next((c for c, _, end in spans if end >= anchor), spans[-1][0])
    grace = shift(anchor, PAST_GRACE_DAYS)
    past = [c for c, start, _ in spans if start <= grace]
    return past[-1] if past else spans[0][0]


@functools.lru_cache(maxsize=256)
def _parser(base: dt.datetime, prefer: str):  # type: ignore[no-untyped-def]
    from dateparser.date import DateDataParser

    settings = {
        "RELATIVE_BASE": base,
        "PREFER_DATES_FROM": prefer,
        "PREFER_DAY_OF_MONTH": "first",
        "RETURN_TIME_AS_PERIOD": True,
        "TIMEZONE": "UTC",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    # languages=['en'] skips dateparser's slow per-call language detection.
    return DateDataParser(languages=["en"], settings=settings)


@functools.lru_cache(maxsize=CACHE_SIZE)
def _dateparse(
    text: str, base: dt.datetime, prefer: str
) -> tuple[dt.date, str, tuple[str, ...]] | None:
    """Run dateparser on one short span; return (date, period, parts the text gave) or None.

    The commonest forms ("3 May 2021", "on Tuesday") are read by events.dates_fast,
    which gives dateparser's own answer some hundred times faster.
    """
    common = dates_fast.parse(text, base, prefer)
    if common is not None:
        return common
    return dateparser_reading(text, base, prefer)


def dateparser_reading(
    text: str, base: dt.datetime, prefer: str
) -> tuple[dt.date, str, tuple[str, ...]] | None:
    """Return dateparser's own (date, period, parts) for ``text``, or None: no fast path."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            data = _parser(base, prefer).get_date_data(text)
    except (ValueError, OverflowError, TypeError, RecursionError):
        return None  # dateparser raises on some malformed inputs; that is "not a date"
    if data is None or data.date_obj is None:
        return None
    parts = tuple(getattr(data, "parts", None) or ())
    return data.date_obj.date(), str(data.period or "day"), parts
