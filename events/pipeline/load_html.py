"""Read HTML pages: sniff them, extract the article and its metadata with trafilatura.

Part of the ``load`` stage (:mod:`events.pipeline.load`); the depth guards keep libxml2 from
refusing or overflowing on deeply nested pages.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
from dataclasses import dataclass
from typing import Any

from events.pipeline.doc import DatePrecision

log = logging.getLogger(__name__)


#: Bytes read from a stream to decide whether it is JSON, HTML or text.
SNIFF_BYTES = 4096

#: Deepest element nesting libxml2 (under lxml and trafilatura) reads by
#: default: whatever is nested deeper is silently dropped, so a page nested
#: 300 levels deep came back without its text. Its huge-tree mode reads 2,048
#: levels; past that a plain-text reading of the page is all there is.
LIBXML_MAX_DEPTH = 255
LIBXML_HUGE_MAX_DEPTH = 2048

# ISO 8601 dates of reduced precision: 2024, 2024-05, 2024-W19.
_ISO_YEAR = re.compile(r"(\d{4})")
_ISO_MONTH = re.compile(r"(\d{4})-(\d{2})")
_ISO_WEEK = re.compile(r"(\d{4})-?W(\d{2})")
_HTML_SNIFF = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)
_HTML_SNIFF_ANYWHERE = re.compile(rb"<(?:html|body)\b", re.I)


@dataclass(frozen=True)
class HtmlExtract:
    """What trafilatura found in one HTML page."""

    text: str  # main text, one paragraph per block, paragraphs separated by a blank line
    comments: str
    title: str | None
    published: dt.date | None
    sitename: str | None
    url: str | None
    note: str | None = None  # why the text is not trafilatura's main text, if it is not


def sniff_html(data: bytes) -> bool:
    """Return True if ``data`` looks like an HTML page rather than plain text."""
    head = data[:SNIFF_BYTES].lstrip(b"\xef\xbb\xbf")
    return bool(_HTML_SNIFF.match(head) or _HTML_SNIFF_ANYWHERE.search(head))


@functools.lru_cache(maxsize=16)
def extract_html(html: str) -> HtmlExtract:
    """Extract the main text, comments and metadata of an HTML page with trafilatura.

    Cached so that load (metadata) and clean (text) share one extraction.
    """
    page: Any = html
    note = None
    if nesting_depth(html) > LIBXML_MAX_DEPTH:  # rare: measure on a parse without the limit
        tree = _huge_tree(html)
        depth = _tree_depth(tree) if tree is not None else 0
        if depth >= LIBXML_HUGE_MAX_DEPTH:
            note = (
                f"HTML nested {LIBXML_HUGE_MAX_DEPTH} or more levels deep, too deep for "
                "main-text extraction: kept the page's plain text, boilerplate included"
            )
            return HtmlExtract(_blocks(plain_text(html)), "", None, None, None, None, note)
        if depth > LIBXML_MAX_DEPTH:
            page = tree
            note = (
                f"HTML nested {depth} levels deep (libxml2 reads {LIBXML_MAX_DEPTH}): "
                "parsed in lxml's huge-tree mode"
            )
    result, failure = _bare_extraction(page)
    if result is not None:
        return _html_extract(result, note=note)
    # trafilatura found no main text: fall back to the whole page's text.
    text = _html2txt(page) or plain_text(html)
    if failure:
        note = f"{failure}: kept the page's whole text"
    return HtmlExtract(_blocks(text), "", None, None, None, None, note)


def _bare_extraction(page: Any) -> tuple[Any, str | None]:
    """Run trafilatura on a page (text or lxml tree); return (result or None, failure)."""
    import trafilatura  # slow to import; only HTML input needs it

    try:
        result = trafilatura.bare_extraction(
            page,
            with_metadata=True,
            include_comments=True,
            include_tables=False,
            # Only dates in the page's markup: htmldate's extensive search guesses
            # from any date in the text, which is the anchor stage's job (flagged).
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception as exc:  # a third-party parser on arbitrary input: degrade, never crash
        log.debug("trafilatura failed on a page", exc_info=True)
        return None, f"main-text extraction failed ({type(exc).__name__})"
    return result, None


def _html_extract(result: Any, note: str | None = None) -> HtmlExtract:
    return HtmlExtract(
        text=_blocks(result.text or ""),
        comments=_blocks(result.comments or ""),
        title=(result.title or None),
        published=_iso_date(result.date) if result.date else None,
        sitename=(result.sitename or None),
        url=(result.url or None),
        note=note,
    )


def _huge_tree(html: str) -> Any:
    """Parse ``html`` with libxml2's limits lifted (deep nesting), or return None."""
    import lxml.html

    try:
        return lxml.html.fromstring(html, parser=lxml.html.HTMLParser(huge_tree=True))
    except Exception:  # empty or unparsable: the plain-text reading remains
        log.debug("lxml could not parse a page in huge-tree mode", exc_info=True)
        return None


def _tree_depth(root: Any) -> int:
    deepest = 0
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in element)
    return deepest


_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)[^<>]*?(/?)>")
#: Elements whose end tag HTML lets out (the parser closes them): they do not nest.
_OPTIONAL_END_TAGS = frozenset(
    "p li dt dd tr td th thead tbody tfoot option optgroup rb rt rp colgroup caption".split()
)


def nesting_depth(html: str) -> int:
    """Estimate how deep the elements of ``html`` nest, from its tags alone (fast)."""
    depth = deepest = 0
    for closing, name, self_closing in _TAG.findall(html):  # ~0.1 s per MB of markup
        if self_closing or name.lower() in _NON_NESTING_TAGS:
            continue
        if closing:
            depth = max(depth - 1, 0)
        else:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def _html2txt(page: Any) -> str:
    import trafilatura

    try:
        return trafilatura.html2txt(page) or ""
    except Exception:  # see _bare_extraction
        log.debug("trafilatura could not read a page at all", exc_info=True)
        return ""


#: Elements whose text is not the page's text.
_HIDDEN_TAGS = frozenset({"script", "style", "noscript", "template", "head"})
#: Elements that end a line of text.
_BLOCK_TAGS = frozenset(
    """address article aside blockquote br dd div dl dt figcaption figure footer form h1 h2
    h3 h4 h5 h6 header hr li main nav ol p pre section table td th tr ul""".split()
)
#: Elements that have no end tag, so never nest.
_VOID_TAGS = frozenset(
    "area base br col embed hr img input link meta param source track wbr".split()
)
_NON_NESTING_TAGS = _VOID_TAGS | _OPTIONAL_END_TAGS


def plain_text(html: str) -> str:
    """Return the text of ``html``, one block per line (scripts and styles left out).

    The standard library's tokenizer has no depth limit and never gives up, so
    this is the reading of last resort (no boilerplate removal).
    """
    from collections import Counter
    from html.parser import HTMLParser

    class Reader(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []
            self.stack: list[str] = []
            self.open: Counter[str] = Counter()

        def handle_starttag(self, tag: str, attrs: Any) -> None:
            if tag in _BLOCK_TAGS:
                self.parts.append("\n")
            if tag in _VOID_TAGS:
                return
            self.stack.append(tag)
            self.open[tag] += 1

        def handle_endtag(self, tag: str) -> None:
            if tag in _BLOCK_TAGS:
                self.parts.append("\n")
            while self.open[tag] and self.stack:  # close what was left open inside it
                closed = self.stack.pop()
                self.open[closed] -= 1
                if closed == tag:
                    break

        def handle_data(self, data: str) -> None:
            if not any(self.open[t] for t in _HIDDEN_TAGS):
                self.parts.append(data)

    reader = Reader()
    try:
        reader.feed(html)
        reader.close()
    except Exception:  # the tokenizer is lenient; keep whatever it read
        log.debug("html.parser stopped on a page", exc_info=True)
    lines = (" ".join(line.split()) for line in "".join(reader.parts).split("\n"))
    return "\n".join(line for line in lines if line)


def parse_iso_date(value: str) -> tuple[dt.date, DatePrecision] | None:
    """Return the first day and the precision of an ISO 8601 date, or None.

    Full dates and timestamps have day precision; ``2024-W19`` is a week,
    ``2024-05`` a month and ``2024`` a year (ISO 8601's reduced precision).
    """
    value = value.strip()
    try:
        if m := _ISO_YEAR.fullmatch(value):
            return dt.date(int(m[1]), 1, 1), "year"
        if m := _ISO_MONTH.fullmatch(value):
            return dt.date(int(m[1]), int(m[2]), 1), "month"
        if m := _ISO_WEEK.fullmatch(value):
            return dt.date.fromisocalendar(int(m[1]), int(m[2]), 1), "week"
    except ValueError:
        return None
    day = _iso_date(value)
    return (day, "day") if day is not None else None


def _iso_date(value: str) -> dt.date | None:
    """Return the calendar date of an ISO 8601 date or timestamp, or None."""
    value = value.strip()
    try:
        return dt.datetime.fromisoformat(value).date()
    except ValueError:
        pass
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _blocks(text: str) -> str:
    # trafilatura puts one block (paragraph, heading, list item) per line;
    # clean and segment read a blank line as the paragraph break.
    return "\n\n".join(line.strip() for line in text.splitlines() if line.strip())
