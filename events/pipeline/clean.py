"""Clean stage: turn the loaded text into title, body and comments.

What it does, in order:

1. Normalise the text: ``\\r\\n`` and ``\\r`` become ``\\n``; no-break and
   other Unicode spaces become a space; zero-width characters and control
   characters go; every line is trimmed and runs of spaces collapse.
2. Classify each line against ``seeds/boilerplate.tsv`` (one compiled regex):
   donation amounts, "Support X" banners (which can name the outlet), share,
   login and comment widgets, closing calls to comment, photo-credit lines.
3. Split off the reader-comment section at the first comment marker ("Notify
   of", "12 comments", "Leave a reply" ...) that follows body text.
4. Find the title: the user's (or the page metadata's) if given, else the first
   headline-like line before the first prose paragraph. The title line and its
   repetitions are removed from the body.
5. Mark photo captions: short, capitalised, verb-less lines right after the
   title or standing alone between paragraphs, plus photo-credit lines.

The body is rebuilt as paragraphs separated by one blank line (a caption is
always its own paragraph); lines inside a paragraph keep their single line
breaks. ``caption_spans`` are offsets into that body. The stage never raises
on odd input: an article with nothing left gets an empty body and a warning.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from events import lexicon
from events.pipeline.doc import Document
from events.pipeline.runner import stage

log = logging.getLogger(__name__)

#: A headline has at most this many words. News headlines run 6-15 words; the
#: longest in the PLOVER and SouthFront samples we read had 17.
MAX_TITLE_WORDS = 25
#: ... and at least this many (one- and two-word lines are menu items).
MIN_TITLE_WORDS = 3
#: The title is looked for among this many content lines before the first prose
#: paragraph (menus, datelines and banners come first on scraped pages).
MAX_TITLE_SCAN_LINES = 8
#: Share of long words that must be capitalised for a line to read as Title
#: Case. Title-case headlines score 0.8-1.0; prose sentences 0.1-0.3.
TITLE_CASE_RATIO = 0.6
#: A photo caption is a short noun phrase ("Turkish Presidential Spokesman
#: Ibrahim Kalin"): 2-12 words, nearly all capitalised.
MIN_CAPTION_WORDS = 2
MAX_CAPTION_WORDS = 12
CAPTION_CASE_RATIO = 0.75

# Words that never make a line Title Case or a caption non-capitalised.
_MINOR_WORDS = frozenset(
    """
    a an and as at but by for from in into of on or over the to under up via vs with
    """.split()  # noqa: SIM905 - a word list reads best as words
)
# Finite verbs and auxiliaries: a line holding one is a sentence or a
# headline, not a caption. A closed class of English grammar, not a lexicon.
_VERBISH = frozenset(
    """
    is are was were be been being am will would shall should can could may might must
    has have had does do did says said claims claimed say tells told warns warned accuses
    accused denies denied vows vowed
    """.split()  # noqa: SIM905 - a word list reads best as words
)

# A byline ("By Jane Doe") is Title Case and short, but never the headline.
_BYLINE_STARTS = frozenset({"By", "BY", "Posted", "Published", "Updated", "Written"})

LineKind = Literal[
    "blank",
    "content",
    "donation",
    "banner",
    "widget",
    "comments_start",
    "closing",
    "caption",
    "metadata",
]
_REMOVED_KINDS = frozenset(
    {"donation", "banner", "widget", "comments_start", "closing", "metadata"}
)

#: A leading "key value" line of a note or a feed dump ("date 2020-02-20", "Source: AFP"): a
#: field of the record, not the first words of the first sentence. Only the opening lines
#: qualify; the same words further down are prose.
_METADATA_LINE = re.compile(
    r"(?P<key>date|published|pubdate|dateline|source|url|id|event_id|country|author)"
    r"(?:\s*[:=]\s*|\s+(?=\S*\d))(?P<value>\S+(?:\s+\S+){0,3})",
    re.IGNORECASE,
)
_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
#: Opening lines looked at for metadata.
METADATA_MAX_LINES = 6
_TERMINAL = ".!?…"
_WORD = re.compile(r"[^\W\d_][\w'’.-]*")
_SPACES = re.compile(r"[ \t]+")
# Unicode spaces to a plain space; zero-width characters and soft hyphens
# removed; line/paragraph separators to a newline; other controls to a space.
_TRANSLATE = {
    **{cp: " " for cp in (0xA0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000)},
    **{cp: None for cp in (0x200B, 0x2060, 0xFEFF, 0xAD)},
    0x2028: "\n",
    0x2029: "\n",
    0x85: "\n",
    **{cp: " " for cp in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)},
}


@dataclass
class _Line:
    text: str
    kind: LineKind
    outlet: str | None = None


@dataclass(frozen=True)
class _Boilerplate:
    regex: re.Pattern[str]
    kinds: dict[str, str]  # regex group name -> kind
    outlet_groups: dict[str, str]  # regex group name -> its outlet group name


@stage("clean", requires=("raw",), assigns=("title", "body", "comments", "caption_spans", "source"))
def clean(doc: Document) -> None:
    """Set the document's title, body, comments and caption spans from its raw text."""
    text, html_comments = _source_text(doc)
    lines = [_classify(line) for line in normalise(text).split("\n")]
    _mark_metadata(doc, lines)
    body_lines, comment_lines = _split_comments(lines)
    _detect_source(doc, lines)

    title_norm: str | None = None
    if doc.given_title and doc.given_title.strip():
        doc.title = _SPACES.sub(" ", normalise(doc.given_title).replace("\n", " ")).strip()
        title_norm = _norm(doc.title)
    else:
        index = _find_title(body_lines)
        if index is not None:
            doc.title = body_lines[index].text
            title_norm = _norm(doc.title)
    after_title = _drop_title_lines(body_lines, title_norm)
    _mark_captions(body_lines, after_title)

    doc.body, doc.caption_spans = _build_body(body_lines)
    comments = _join_paragraphs(comment_lines)
    if html_comments:
        extra = _join_paragraphs(_classify(line) for line in normalise(html_comments).split("\n"))
        comments = f"{comments}\n\n{extra}" if comments and extra else comments or extra
    doc.comments = comments
    if not doc.body:
        doc.warnings.append("clean: no article text left after removing boilerplate")


def normalise(text: str) -> str:
    """Return ``text`` with normalised newlines, spaces and trimmed lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_TRANSLATE)
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))


# --------------------------------------------------------------------------
# Seeds
# --------------------------------------------------------------------------


@functools.cache
def _boilerplate() -> _Boilerplate:
    """Compile seeds/boilerplate.tsv into one alternation of whole-line patterns."""
    parts: list[str] = []
    kinds: dict[str, str] = {}
    outlets: dict[str, str] = {}
    for i, rule in enumerate(lexicon.boilerplate()):
        pattern = rule.regex
        name = f"p{i}"
        if "(?P<outlet>" in pattern:  # group names must be unique in one regex
            pattern = pattern.replace("(?P<outlet>", f"(?P<outlet{i}>")
            outlets[name] = f"outlet{i}"
        parts.append(f"(?P<{name}>{pattern})")
        kinds[name] = rule.kind
    log.debug("boilerplate: %d patterns", len(parts))
    regex = re.compile("|".join(parts) or r"(?!)", re.IGNORECASE)
    return _Boilerplate(regex, kinds, outlets)


def _classify(line: str) -> _Line:
    if not line:
        return _Line(line, "blank")
    bp = _boilerplate()
    m = bp.regex.fullmatch(line)
    if m is None or m.lastgroup is None:
        return _Line(line, "content")
    kind: LineKind = bp.kinds[m.lastgroup]  # type: ignore[assignment]
    outlet_group = bp.outlet_groups.get(m.lastgroup)
    return _Line(line, kind, m.group(outlet_group) if outlet_group else None)


# --------------------------------------------------------------------------
# Steps
# --------------------------------------------------------------------------


def _source_text(doc: Document) -> tuple[str, str]:
    """Return the text to clean and any comments found by the HTML extractor."""
    if doc.format == "html":
        from events.pipeline.load import extract_html  # trafilatura only for HTML

        page = extract_html(doc.raw)
        return page.text, page.comments
    return doc.raw, ""


def _mark_metadata(doc: Document, lines: list[_Line]) -> None:
    """Mark the leading "key value" lines as metadata; a ``date`` line is the publication date."""
    for line in lines[:METADATA_MAX_LINES]:
        if line.kind == "blank":
            continue
        m = _METADATA_LINE.fullmatch(line.text)
        if m is None or _is_prose(line.text):
            return
        line.kind = "metadata"
        day = _ISO_DAY.fullmatch(m.group("value"))
        is_date = m.group("key").lower() in {"date", "published", "pubdate"}
        if is_date and day is not None and doc.given_published is None:
            try:
                doc.given_published = dt.date(*(int(x) for x in day.groups()))
                doc.given_published_precision = "day"
            except ValueError:
                pass  # "date 2020-02-30": metadata all the same, but no anchor


def _split_comments(lines: list[_Line]) -> tuple[list[_Line], list[_Line]]:
    """Split at the first comment marker that follows prose."""
    seen_prose = False
    for i, line in enumerate(lines):
        if line.kind == "comments_start" and seen_prose:
            return lines[:i], lines[i:]
        if line.kind == "content" and _is_prose(line.text):
            seen_prose = True
    return lines, []


def _detect_source(doc: Document, lines: list[_Line]) -> None:
    if doc.source:
        return
    for line in lines:
        if line.outlet:
            doc.source = line.outlet
            doc.source_detected = True
            return


def _find_title(lines: list[_Line]) -> int | None:
    """Return the index of the headline among the lines before the first prose line."""
    candidates: list[int] = []
    scanned = 0
    for i, line in enumerate(lines):
        if line.kind != "content":
            continue
        if _is_prose(line.text) or scanned >= MAX_TITLE_SCAN_LINES:
            break
        scanned += 1
        if _looks_like_headline(line.text):
            candidates.append(i)
    if not candidates or not any(_is_prose(x.text) for x in lines if x.kind == "content"):
        return None  # a lone short line is the text itself, not a title over it
    norms = [_norm(x.text) for x in lines]
    for i in candidates:  # a line the page repeats is the headline
        if norms.count(norms[i]) > 1:
            return i
    for i in candidates:
        if _title_case_ratio(lines[i].text) >= TITLE_CASE_RATIO:
            return i
    return candidates[-1]  # a sentence-case headline stands right above the text


def _drop_title_lines(lines: list[_Line], title_norm: str | None) -> int:
    """Mark the title and its repetitions as removed; return the index after the last one."""
    after = 0
    if not title_norm:
        return after
    for i, line in enumerate(lines):
        if line.kind == "content" and _norm(line.text) == title_norm:
            line.kind = "widget"  # removed like page furniture
            after = i + 1
    return after


def _mark_captions(lines: list[_Line], after_title: int) -> None:
    """Mark caption lines: photo credits, and caption-like lines in caption positions."""
    first_content = next(
        (i for i in range(after_title, len(lines)) if lines[i].kind == "content"), None
    )
    for i, line in enumerate(lines):
        if line.kind != "content" or not _looks_like_caption(line.text):
            continue
        alone = _is_gap(lines, i - 1) and _is_gap(lines, i + 1)
        if (i == first_content and after_title > 0) or alone:
            line.kind = "caption"


def _build_body(lines: list[_Line]) -> tuple[str, list[tuple[int, int]]]:
    """Join the kept lines into paragraphs; return the body and caption spans."""
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0
    for para, is_caption in _paragraphs(lines):
        if parts:
            parts.append("\n\n")
            length += 2
        if is_caption:
            spans.append((length, length + len(para)))
        parts.append(para)
        length += len(para)
    return "".join(parts), spans


def _join_paragraphs(lines: Iterable[_Line]) -> str:
    return "\n\n".join(para for para, _ in _paragraphs(list(lines)))


def _paragraphs(lines: list[_Line]) -> Iterable[tuple[str, bool]]:
    """Yield (paragraph, is_caption); removed lines and blanks separate paragraphs."""
    current: list[str] = []
    for line in lines:
        if line.kind == "content":
            current.append(line.text)
            continue
        if current:
            yield "\n".join(current), False
            current = []
        if line.kind == "caption":
            yield line.text, True
    if current:
        yield "\n".join(current), False


# --------------------------------------------------------------------------
# Line tests
# --------------------------------------------------------------------------


def _norm(text: str) -> str:
    """Return a comparison key: case-folded words without edge punctuation."""
    return " ".join(text.casefold().split()).strip(" .:;,!?\"'“”‘’")


def _is_gap(lines: list[_Line], i: int) -> bool:
    return i < 0 or i >= len(lines) or lines[i].kind != "content"


def _is_prose(text: str) -> bool:
    """Return True for a line that reads as running text (ends a sentence or is long)."""
    stripped = text.rstrip("\"'”’)]")
    return bool(stripped) and (stripped[-1] in _TERMINAL or len(text.split()) > MAX_TITLE_WORDS)


def _looks_like_headline(text: str) -> bool:
    words = text.split()
    if not MIN_TITLE_WORDS <= len(words) <= MAX_TITLE_WORDS or words[0] in _BYLINE_STARTS:
        return False
    if len(_WORD.findall(text)) < MIN_TITLE_WORDS:  # a dateline: "October 10, 2020"
        return False
    first = text[0]
    return (first.isupper() or first.isdigit() or first in "\"'“‘") and text[-1] not in ".,;:"


def _looks_like_caption(text: str) -> bool:
    words = text.split()
    if not MIN_CAPTION_WORDS <= len(words) <= MAX_CAPTION_WORDS or text[-1] in _TERMINAL + ",;:":
        return False
    alpha = [w for w in _WORD.findall(text)]
    if not alpha or any(w.casefold() in _VERBISH for w in alpha):
        return False
    counted = [w for w in alpha if w.casefold() not in _MINOR_WORDS]
    capitalised = sum(1 for w in counted if w[0].isupper())
    return bool(counted) and capitalised >= CAPTION_CASE_RATIO * len(counted)


def _title_case_ratio(text: str) -> float:
    long_words = [w for w in _WORD.findall(text) if len(w) > 3 and w.casefold() not in _MINOR_WORDS]
    if not long_words:
        return 0.0
    return sum(1 for w in long_words if w[0].isupper()) / len(long_words)
