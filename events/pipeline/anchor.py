"""Decide the article's publication date, the anchor of its relative dates (stage ``anchor``).

Order of evidence:

1. the date the user or the metadata gave (``Document.given_published``), not
   inferred, with the precision it was given in (``2024-05`` is a month: its
   first day and ``month``; the dates stage reads relative dates against the
   whole month);
2. a dateline: the first full date (day, month and year) in the opening
   :data:`DATELINE_CHARS` characters of the body ("MOSCOW, Oct. 9, 2020 --");
3. otherwise the latest full date in the body that is told in the past tense
   and is not after today. An article reports events that happened before it
   was written, so the latest such date is a lower bound of the publication
   date -- the best guess the text allows, and flagged as inferred.

Today's date serves only to reject impossible (future) candidates; it never
becomes the anchor. With no evidence the date stays unknown, with a warning,
and the dates stage leaves relative and year-less expressions unresolved.
"""

from __future__ import annotations

import datetime as dt
import re

from events.dates import normalise
from events.pipeline.dates import find_candidates, tense_preference
from events.pipeline.doc import Document
from events.pipeline.runner import stage

#: How far into the body a full date still counts as a dateline. Datelines and
#: "Published on ..." bylines sit in the first one or two lines (~200 chars);
#: 600 leaves room for a caption or a lead-in line before them.
DATELINE_CHARS = 600

#: Bodies are scanned paragraph by paragraph, at most this much in all: the
#: anchor must not cost more than the dates stage itself on a huge input.
MAX_SCAN_CHARS = 200_000

WARN_INFERRED = "publication date inferred from the text as {date}; pass --published to set it"
WARN_UNKNOWN = "no publication date: relative and year-less dates left unresolved; pass --published"
WARN_EDGE = (
    "publication date {date} is at the end of the calendar (a placeholder?): relative dates "
    "beyond years 1-9999 are left out; pass --published"
)


def full_dates(text: str, offset: int = 0) -> list[tuple[int, dt.date, bool]]:
    """Return (position, date, past tense?) for every day-precise date with a year in ``text``."""
    out: list[tuple[int, dt.date, bool]] = []
    for para_match in re.finditer(r"[^\n]+", text):
        para = para_match.group(0)
        for cand in find_candidates(para):
            if cand.kind != "absolute":
                continue
            found = normalise(cand.query, None, "past")
            if found and found[0].precision == "day" and found[0].date_start is not None:
                past = tense_preference(para, cand.start) == "past"
                out.append((offset + para_match.start() + cand.start, found[0].date_start, past))
    return out


def infer_published(body: str, today: dt.date | None = None) -> dt.date | None:
    """Infer the publication date from the text, or return None when it gives no evidence."""
    today = today or dt.date.today()
    body = body[:MAX_SCAN_CHARS] if isinstance(body, str) else ""
    candidates = [(pos, day, past) for pos, day, past in full_dates(body) if day <= today]
    dateline = [day for pos, day, _ in candidates if pos < DATELINE_CHARS]
    if dateline:
        return dateline[0]
    past = [day for _, day, is_past in candidates if is_past]
    return max(past) if past else None


def _without_captions(body: str, spans: list[tuple[int, int]]) -> str:
    """Blank the photo captions out of ``body`` (offsets kept): a caption's date is the photo's.

    "Troops in Gao, 12 March 2019 (AFP)" under a 2020 report must not become its anchor.
    """
    if not spans or not isinstance(body, str):
        return body
    chars = list(body)
    for start, end in spans:
        for i in range(max(0, start), min(end, len(chars))):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)


@stage(
    "anchor",
    requires=("body", "caption_spans"),
    assigns=("published", "published_precision", "published_inferred"),
)
def anchor(doc: Document) -> None:
    """Set the publication date: given, else inferred from the text (flagged), else unknown."""
    if doc.given_published is not None:
        doc.published = doc.given_published
        doc.published_precision = doc.given_published_precision
        doc.published_inferred = False
        if doc.published.year in (dt.MINYEAR, dt.MAXYEAR):
            doc.warnings.append(WARN_EDGE.format(date=doc.published.isoformat()))
        return
    inferred = infer_published(_without_captions(doc.body, doc.caption_spans))
    if inferred is not None:
        doc.published = inferred
        doc.published_precision = "day"
        doc.published_inferred = True
        doc.warnings.append(WARN_INFERRED.format(date=inferred.isoformat()))
        return
    doc.published = None
    doc.published_precision = "unknown"
    doc.published_inferred = False
    doc.warnings.append(WARN_UNKNOWN)
