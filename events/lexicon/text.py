"""Abbreviations, boilerplate lines and the date vocabulary (month names ...), as typed records."""

from __future__ import annotations

import re
from dataclasses import dataclass

from events import seeds
from events.lexicon._load import seed_loader

#: Kinds of abbreviations.tsv: never ends a sentence, may end one, precedes a number.
ABBREVIATION_KINDS = ("never", "final", "number")


@dataclass(frozen=True)
class Abbreviation:
    """An abbreviation of ``seeds/abbreviations.tsv`` and whether a sentence may end on it."""

    abbreviation: str
    kind: str  # never, final, number


@seed_loader("abbreviations.tsv")
def abbreviations() -> tuple[Abbreviation, ...]:
    """Return the abbreviations of ``seeds/abbreviations.tsv``."""
    return tuple(
        Abbreviation(r["abbreviation"], r.choice("kind", ABBREVIATION_KINDS))
        for r in seeds.table("abbreviations.tsv")
    )


#: Kinds of boilerplate.tsv lines (events.pipeline.clean keeps these out of the body).
BOILERPLATE_KINDS = ("widget", "comments_start", "banner", "donation", "closing", "caption")


@dataclass(frozen=True)
class BoilerplateRule:
    """A line of page furniture of ``seeds/boilerplate.tsv``, as a regex over a whole line."""

    kind: str
    regex: str  # the seed's literal line escaped, or its regex


@seed_loader("boilerplate.tsv")
def boilerplate() -> tuple[BoilerplateRule, ...]:
    """Return the boilerplate rules, each checked to compile."""
    out = []
    for r in seeds.table("boilerplate.tsv"):
        kind = r.choice("kind", BOILERPLATE_KINDS)
        match = r.choice("match", ("line", "regex"))
        regex = re.escape(r["pattern"]) if match == "line" else r["pattern"]
        try:
            re.compile(regex)  # fail here, naming the bad row, not in the combined regex
        except re.error as exc:
            raise r.error(f"bad pattern {r['pattern']!r}: {exc}") from exc
        out.append(BoilerplateRule(kind, regex))
    return tuple(out)


#: Kinds of date_patterns.tsv (see events.pipeline.dates.Vocabulary).
DATE_WORD_KINDS = (
    "month", "weekday", "deictic", "unit", "number", "relation_next", "relation_prev",
    "relation_same", "shift_later", "shift_earlier", "deictic_prefix", "modifier", "year_cue",
    "not_year_after", "future_cue",
)  # fmt: skip


@dataclass(frozen=True)
class DateWords:
    """A row of ``seeds/date_patterns.tsv``: words of one kind and the value they stand for."""

    kind: str
    words: tuple[str, ...]
    value: str


@seed_loader("date_patterns.tsv")
def date_words() -> tuple[DateWords, ...]:
    """Return the date vocabulary of ``seeds/date_patterns.tsv``."""
    out = []
    for r in seeds.table("date_patterns.tsv"):
        kind = r.choice("kind", DATE_WORD_KINDS)
        if kind in ("month", "weekday", "number"):
            r.integer("value", low=0)  # a month 1-12, a weekday 0-6, a number
        out.append(DateWords(kind, r.multi("words"), r["value"]))
    return tuple(out)


def month_names() -> dict[str, int]:
    """Return every month name and abbreviation ("January", "Jan", "Jan.") with its number."""
    return {w: int(d.value) for d in date_words() if d.kind == "month" for w in d.words}
