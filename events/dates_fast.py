"""The commonest date forms, read without dateparser, exactly as dateparser reads them.

News and codebook notes write most dates in a handful of forms: "3 May 2021",
"May 3, 2021", "May 2021", "2021", "2021-05-03", "on Tuesday", "yesterday", "last week", "March";
histories add ordinals and "the": "3rd March 1918", "May 7th", "the 25th of August".
dateparser reads each in about a millisecond (translation, locale checks,
strptime); these few regular expressions give the same answer in microseconds.
Anything else -- an abbreviation, a season, a lone ordinal, an impossible day --
returns None and goes to dateparser as before.

:func:`parse` returns what :func:`events.dates._dateparse` returns for the same
text, base and preference: ``(day, period, parts)``; tests/test_dates_fast.py
holds the two to the same answers over every month, weekday and preference.
"""

from __future__ import annotations

import datetime as dt
import re

MONTHS = {
    name: number
    for number, name in enumerate(
        "january february march april may june july august september october november "
        "december".split(),
        start=1,
    )
}
WEEKDAYS = {
    name: number
    for number, name in enumerate(
        "monday tuesday wednesday thursday friday saturday sunday".split()
    )
}
_MONTH = "(?P<month>" + "|".join(MONTHS) + ")"
_DAY = r"(?P<day>\d{1,2})"
_YEAR = r"(?P<year>\d{4})"
#: A day written before or after a month may be an ordinal ("3rd", "May 7th"); before the
#: month it may follow "the" and come before "of" ("the 25th of August", "the 20 September").
_ORDINAL_DAY = _DAY + r"(?:st|nd|rd|th)?"
_DAY_FIRST = rf"(?:the\s+)?{_ORDINAL_DAY}\s+(?:of\s+)?"

#: (pattern, parts the text gives); each matched against the whole text, case ignored.
_FORMS = [
    (rf"{_YEAR}-(?P<mm>\d\d)-{_DAY}", ("year", "month", "day")),
    (rf"{_DAY_FIRST}{_MONTH},?\s+{_YEAR}", ("year", "month", "day")),
    (rf"{_MONTH}\s+{_ORDINAL_DAY},?\s+{_YEAR}", ("year", "month", "day")),
    (rf"{_MONTH},?\s+(?:of\s+)?{_YEAR}", ("year", "month")),
    (_YEAR, ("year",)),
    (rf"{_DAY_FIRST}{_MONTH}", ("month", "day")),
    (rf"{_MONTH}\s+{_ORDINAL_DAY}", ("month", "day")),
]
_COMPILED = [(re.compile(pattern, re.IGNORECASE), parts) for pattern, parts in _FORMS]
_WEEKDAY = re.compile(r"(?:on\s+)?(?P<weekday>" + "|".join(WEEKDAYS) + ")", re.IGNORECASE)
_DEICTIC = {"yesterday": -1, "today": 0, "tomorrow": 1}
#: The shifts events.pipeline.dates writes for dateparser: "in 2 days", "3 weeks ago", "this month".
_SHIFT = re.compile(
    r"(?:in\s+(?P<ahead>\d{1,4})|(?P<back>\d{1,4}))\s+(?P<unit>day|week|month|year)s?"
    r"(?(back)\s+ago|)",
    re.IGNORECASE,
)
_THIS = re.compile(r"(?P<which>this|last|next)\s+(?P<unit>week|month|year)", re.IGNORECASE)
_STEP = {"this": 0, "last": -1, "next": 1}
_BARE_MONTH = re.compile(_MONTH, re.IGNORECASE)

Parsed = tuple[dt.date, str, tuple[str, ...]]


def parse(text: str, base: dt.datetime, prefer: str) -> Parsed | None:
    """Return dateparser's (day, period, parts) for a common form, or None for any other text.

    ``prefer`` is dateparser's PREFER_DATES_FROM: past, future or current_period.
    """
    try:
        return _parse(text, base.date(), prefer)
    except (ValueError, OverflowError):
        return None  # past the calendar's ends: dateparser decides


def _parse(text: str, today: dt.date, prefer: str) -> Parsed | None:
    deictic = _DEICTIC.get(text.lower())
    if deictic is not None:
        return today + dt.timedelta(days=deictic), "day", ("year", "month", "day")
    weekday = _WEEKDAY.fullmatch(text)
    if weekday:
        return _weekday(today, WEEKDAYS[weekday.group("weekday").lower()], prefer), "day", (
            "year", "month", "day",
        )  # fmt: skip
    shift = _SHIFT.fullmatch(text)
    if shift:
        ahead = shift.group("ahead")
        n = int(ahead) if ahead else -int(shift.group("back"))
        return _shifted(today, n, shift.group("unit").lower())
    this = _THIS.fullmatch(text)
    if this:
        return _shifted(today, _STEP[this.group("which").lower()], this.group("unit").lower())
    month = _BARE_MONTH.fullmatch(text)
    if month:
        return _bare_month(MONTHS[month.group("month").lower()], today, prefer)
    for pattern, parts in _COMPILED:
        match = pattern.fullmatch(text)
        if match:
            return _date(match, parts, today, prefer)
    return None


def _shifted(today: dt.date, n: int, unit: str) -> Parsed:
    if unit == "day":
        return today + dt.timedelta(days=n), "day", ("year", "month", "day")
    if unit == "week":
        return today + dt.timedelta(weeks=n), "week", ("year", "month", "day")
    if unit == "month":
        years, month0 = divmod(today.month - 1 + n, 12)
        return dt.date(today.year + years, month0 + 1, 1), "month", ("year", "month")
    return dt.date(today.year + n, today.month, 1), "year", ("year",)


def _bare_month(month: int, today: dt.date, prefer: str) -> Parsed | None:
    year = today.year
    if prefer == "past" and month > today.month:
        year -= 1
    elif prefer == "future" and month <= today.month:
        year += 1  # "January" read on 1 January, from the future: next year's (as dateparser)
    try:
        dt.date(year, month, today.day)
    except ValueError:
        return None  # "February" read on 29 February: dateparser's year is its own
    return dt.date(year, month, 1), "month", ("month",)


def _weekday(today: dt.date, weekday: int, prefer: str) -> dt.date:
    if prefer == "future":
        return today + dt.timedelta(days=(weekday - today.weekday()) % 7 or 7)
    back = (today.weekday() - weekday) % 7
    if back == 0 and prefer == "past":
        back = 7
    return today - dt.timedelta(days=back)


def _date(
    match: re.Match[str], parts: tuple[str, ...], today: dt.date, prefer: str
) -> Parsed | None:
    groups = match.groupdict()
    if "year" in parts and int(groups["year"]) < 1:
        return None
    if parts == ("year",):
        return dt.date(int(groups["year"]), today.month, 1), "year", parts
    month = int(groups["mm"]) if groups.get("mm") else MONTHS[groups["month"].lower()]
    if not 1 <= month <= 12:
        return None  # dateparser swaps "2020-13-01" to January 13: leave such text to it
    if parts == ("year", "month"):
        return dt.date(int(groups["year"]), month, 1), "month", parts
    day = int(groups["day"])
    if parts == ("month", "day"):
        return _yearless(month, day, today, prefer)
    try:
        return dt.date(int(groups["year"]), month, day), "day", parts
    except ValueError:
        return None  # "31 April 2021": dateparser says no date; let it say so


def _yearless(month: int, day: int, today: dt.date, prefer: str) -> Parsed | None:
    if month == 2 and day == 29:
        return None  # dateparser's choice of a leap year is its own
    try:
        this_year = dt.date(today.year, month, day)
    except ValueError:
        return None
    if prefer == "past" and this_year > today:
        return this_year.replace(year=today.year - 1), "day", ("month", "day")
    if prefer == "future" and this_year <= today:
        return this_year.replace(year=today.year + 1), "day", ("month", "day")
    return this_year, "day", ("month", "day")
