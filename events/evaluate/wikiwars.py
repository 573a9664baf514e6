"""Score date finding and normalisation against the WikiWars TIMEX3 gold (``events eval wikiwars``).

Gold: ``wikiwars/tagged_timex3/*.tml`` (Mazur & Dale 2010, TimeML), chosen over
the TIMEX2 key files because TIMEX3 types tell dates from durations and sets.

What counts as gold: TIMEX3 ``type="DATE"`` whose value is a calendar date at
year, month or day granularity (``1939``, ``1939-09``, ``1939-09-01``) -- what
the pipeline stores. Other DATE and TIME expressions (``PRESENT_REF``, BC
years, seasons ``1940-SU``, decades ``194``, partial ``XXXX-XX-XX``) are
*don't care*: a prediction overlapping one is neither right nor wrong.
A prediction overlapping nothing, or only a DURATION or SET ("four years"),
is a false positive.

Fields:

* ``date.span``  -- a prediction overlapping a gold expression (one-to-one);
* ``date.value`` -- overlap AND the same value at the gold's granularity: gold
  ``1939-09`` matches a month-precision 1939-09-01..1939-09-30, not a day.

The narratives are read in the stage's ``narrative`` mode: relative and
year-less expressions are anchored on the most recent resolved date before them
(the gold anchors them on narrative time too); the document creation date
(2009-12-19) serves only when no date precedes.
"""

from __future__ import annotations

import datetime as dt
import re
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from events.errors import EventsError
from events.evaluate import Report
from events.pipeline.doc import DateMention, Document, Sentence

SCORED_VALUE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
DONT_CARE_TYPES = ("DATE", "TIME")


@dataclass(frozen=True)
class GoldTimex:
    """One gold TIMEX3 with offsets in the stripped text."""

    start: int
    end: int
    text: str
    type: str
    value: str

    @property
    def scored(self) -> bool:
        return self.type == "DATE" and bool(SCORED_VALUE.match(self.value))


def read_tml(path: Path) -> tuple[str, list[GoldTimex], dt.date | None]:
    """Return the plain text of a ``.tml`` file, its TIMEX3s with offsets, and its creation date."""
    root = ET.parse(path).getroot()
    dct = None
    dct_el = root.find("DCT/TIMEX3")
    if dct_el is not None and dct_el.get("value"):
        dct = dt.date.fromisoformat(dct_el.get("value", "")[:10])
    text_el = root.find("TEXT")
    if text_el is None:
        return "", [], dct
    parts: list[str] = []
    gold: list[GoldTimex] = []
    pos = 0

    def walk(el: ET.Element) -> None:
        nonlocal pos
        if el.text:
            start = pos
            parts.append(el.text)
            pos += len(el.text)
        else:
            start = pos
        for child in el:
            walk(child)
            if child.tail:
                parts.append(child.tail)
                pos += len(child.tail)
        if el.tag == "TIMEX3":
            inner = "".join(parts)[start:pos]
            gold.append(GoldTimex(start, pos, inner, el.get("type", ""), el.get("value", "")))

    walk(text_el)
    return "".join(parts), gold, dct


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences with offsets: the pipeline's segmenter, or a plain fallback."""
    try:
        from events.pipeline import segment as segment_module  # noqa: F401
        from events.pipeline.runner import _REGISTRY

        doc = Document(raw=text)
        doc.body = text
        _REGISTRY["segment"](doc)
        if doc.sentences:
            return [s for s in doc.sentences if s.section in ("body", "caption")]
    except Exception:  # segment not written yet, or it wants more than a body: fall back
        pass
    return fallback_sentences(text)


_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“(]?[A-Z0-9])|\n\s*")


def fallback_sentences(text: str) -> list[Sentence]:
    """Split on line breaks and sentence-final punctuation followed by a capital."""
    out: list[Sentence] = []
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        _add_sentence(out, text, pos, m.start())
        pos = m.end()
    _add_sentence(out, text, pos, len(text))
    return out


def _add_sentence(out: list[Sentence], text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped:
        return
    start += len(chunk) - len(chunk.lstrip())
    out.append(
        Sentence(
            index=len(out), section="body", start=start, end=start + len(stripped), text=stripped
        )
    )


def value_matches(gold_value: str, mention: DateMention) -> bool:
    """Return True when ``mention`` has the gold value at the gold's granularity."""
    if mention.date_start is None:
        return False
    granularity = {4: "year", 7: "month", 10: "day"}[len(gold_value)]
    if mention.precision != granularity:
        return False
    return mention.date_start.isoformat()[: len(gold_value)] == gold_value


def score_document(report: Report, gold: list[GoldTimex], predicted: list[DateMention]) -> None:
    """Add one document's span and value matches to ``report``."""
    span, value = report.score("date.span"), report.score("date.value")
    scored = [g for g in gold if g.scored]
    dont_care = [g for g in gold if not g.scored and g.type in DONT_CARE_TYPES]
    matched: set[int] = set()
    for m in predicted:
        hit = next(
            (
                i
                for i, g in enumerate(scored)
                if i not in matched and g.start < m.end and m.start < g.end
            ),
            None,
        )
        if hit is None:
            if any(g.start < m.end and m.start < g.end for g in dont_care):
                continue
            span.fp += 1
            value.fp += 1
            continue
        matched.add(hit)
        span.tp += 1
        if value_matches(scored[hit].value, m):
            value.tp += 1
        else:
            value.fp += 1
            value.fn += 1
    missed = len(scored) - len(matched)
    span.fn += missed
    value.fn += missed


def evaluate(data_dir: Path, limit: int | None = None) -> Report:
    """Score the dates stage on the WikiWars narratives under ``data_dir/wikiwars``."""
    from events.pipeline.dates import date_mentions

    folder = data_dir / "wikiwars" / "tagged_timex3"
    files = sorted(folder.glob("*.tml"))
    if not files:
        raise EventsError(
            f"no WikiWars narratives (*.tml) in {folder}: pass --data pointing at the shared "
            "data folder"
        )
    if limit is not None:
        files = files[:limit]
    report = Report("wikiwars")
    started = time.perf_counter()
    chars = 0
    for path in files:
        text, gold, dct = read_tml(path)
        chars += len(text)
        sentences = split_sentences(text)
        predicted = date_mentions(sentences, dct, mode="narrative")
        score_document(report, gold, predicted)
    elapsed = time.perf_counter() - started
    report.notes.append(
        f"{len(files)} narratives, {chars:,} characters, {elapsed:.2f} s "
        "(narrative anchoring: the most recent resolved date before each expression)"
    )
    return report
