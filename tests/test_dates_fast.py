"""The common date forms read without dateparser give exactly dateparser's answers."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from events import dates, dates_fast

BASES = [
    dt.datetime(2020, 10, 6, 12), dt.datetime(2021, 1, 1, 12), dt.datetime(2019, 12, 31, 12),
    dt.datetime(2024, 2, 29, 12), dt.datetime(2023, 3, 12, 12), dt.datetime(1, 1, 5, 12),
    dt.datetime(9999, 12, 28, 12),
]  # fmt: skip
PREFERS = ["past", "future", "current_period"]
SUFFIX = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}


def _texts() -> list[str]:
    rng = random.Random(1)
    texts = []
    for name in dates_fast.MONTHS:
        month = name.capitalize()
        for day in (1, 3, 9, 12, 28, 29, 30, 31):
            year = rng.choice([1999, 2021, 2024, 1066, 1944])
            texts += [
                f"{day} {month} {year}", f"{month} {day}, {year}", f"{month} {day} {year}",
                f"{day:02d} {name.upper()} {year}", f"{day} {month}", f"{month} {day}",
                f"{day} {month}, {year}",
            ]  # fmt: skip
        texts += [f"{month} 2021", f"{month}, 1999", f"{month} of 2003", month, name]
        for day in (1, 2, 3, 11, 22, 29, 31):
            year = rng.choice([1918, 1944, 2024])
            nth = f"{day}{SUFFIX.get(day, 'th')}"
            texts += [
                f"{nth} {month} {year}", f"{nth} of {month}, {year}", f"the {nth} of {month}",
                f"The {nth} of {month} {year}", f"{month} {nth}", f"{month} {nth}, {year}",
                f"the {day} {month}", f"The {day} {month}, {year}", f"{day} of {month}",
                f"{day}TH {month}", f"{day}nd {month} {year}",
            ]  # fmt: skip
    texts += [str(y) for y in (1000, 1066, 1900, 1999, 2000, 2021, 2999, 9999, 1234, 999)]
    texts += ["2020-03-05", "2021-12-31", "2020-02-29", "2021-02-29", "2020-13-01", "2020-00-05"]
    for name in dates_fast.WEEKDAYS:
        texts += [name.capitalize(), f"on {name.capitalize()}", f"On {name}"]
    for unit in ("day", "week", "month", "year"):
        texts += [f"this {unit}", f"last {unit}", f"next {unit}", f"Last {unit}"]
        for n in (1, 2, 3, 10, 14, 40):
            texts += [f"in {n} {unit}", f"in {n} {unit}s", f"{n} {unit} ago", f"{n} {unit}s ago"]
    return texts + ["yesterday", "today", "tomorrow", "Yesterday", "0000", "3 May 0000"]


def test_every_form_read_fast_is_read_as_dateparser_reads_it() -> None:
    # dateparser itself: _dateparse would answer from dates_fast and agree with itself.
    dateparser_reading = dates.dateparser_reading
    fast = 0
    for text in _texts():
        for base in BASES:
            for prefer in PREFERS:
                mine = dates_fast.parse(text, base, prefer)
                if mine is None:
                    continue
                fast += 1
                assert mine == dateparser_reading(text, base, prefer), (text, base, prefer)
    assert fast > 20_000  # the common forms really are read here, not handed on


@pytest.mark.parametrize(
    "text",
    [
        "last weekend",
        "Sept. 3, 2021",
        "the 1st",
        "Mar 2020",
        "2020-13-01",
        "spring 1943",
        "the 3rd",
    ],
)
def test_other_forms_are_left_to_dateparser(text: str) -> None:
    assert dates_fast.parse(text, BASES[0], "past") is None


def test_normalise_reads_a_news_weekday_as_before() -> None:
    tuesday = dt.date(2020, 10, 6)
    assert dates.normalise("on Tuesday", tuesday)[0].date_start == tuesday
    assert dates.normalise("on Monday", tuesday)[0].date_start == dt.date(2020, 10, 5)
    assert dates.normalise("3 May 2021", tuesday)[0].date_end == dt.date(2021, 5, 3)
