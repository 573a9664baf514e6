"""Turn input files, byte strings and streams into :class:`Document` objects.

Load runs before the stage runner. It decodes bytes (byte-order mark, strict
UTF-8, then charset-normalizer), refuses what is not an article (empty,
whitespace only, binary, larger than the size limit) with an
:class:`~events.errors.InputError` whose message is one readable line, and
reads the design's input formats: plain text, HTML, JSON (one object or a list
of objects) and JSON Lines.

HTML: ``Document.raw`` keeps the HTML source (so the stored article and its
content hash are the page as given, and ``reextract`` can start again from
it) and ``Document.format`` is ``"html"``. :func:`extract_html` runs
trafilatura once per distinct page (the result is cached), giving the main
text, the comments, and metadata; load copies title, date, site name and URL
into the document where the user did not give them, and the clean stage asks
:func:`extract_html` for the text, which hits the cache.

Precedence of metadata: a value given by the user for this run
(:class:`Overrides`, i.e. the ``--published --source --url --title`` flags)
wins over a value in a JSON record, which wins over what is detected in the
page.

:func:`load_path` and :func:`load_stream` never raise for bad input: they yield
a :class:`Document` or an :class:`InputError` per article, so one bad JSON line
is reported with its line number while the others still load.
"""

from __future__ import annotations

import codecs
import datetime as dt
import functools
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal, Protocol

import charset_normalizer

from events.errors import InputError
from events.pipeline.doc import DatePrecision, Document

log = logging.getLogger(__name__)

#: Largest article (or JSON Lines line, or .json file) accepted, in bytes. A
#: long news article is ~50 kB of text and a heavy web page ~2 MB of HTML;
#: 20 MB leaves room for both while refusing database dumps fed by mistake.
DEFAULT_MAX_BYTES = 20_000_000

#: Share of control characters (other than tab, newline, carriage return, form
#: feed) above which decoded input is called binary. Text we have seen,
#: including scraped pages, has none; compressed or image data decoded as a
#: single-byte code page has about 10-15 %.
MAX_CONTROL_RATIO = 0.01

#: Bytes read from a stream to decide whether it is JSON, HTML or text.
SNIFF_BYTES = 4096

#: Deepest element nesting libxml2 (under lxml and trafilatura) reads by
#: default: whatever is nested deeper is silently dropped, so a page nested
#: 300 levels deep came back without its text. Its huge-tree mode reads 2,048
#: levels; past that a plain-text reading of the page is all there is.
LIBXML_MAX_DEPTH = 255
LIBXML_HUGE_MAX_DEPTH = 2048

Format = Literal["text", "html", "json", "jsonl"]

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# charset-normalizer tells single-byte Latin code pages apart poorly on short
# Western text (it reads "naïve" in cp1252 as cp1250 "naďve" or cp775). When
# its best reading holds only Latin letters and the bytes are valid cp1252,
# cp1252 wins: it is by far the most common mislabelled encoding of English
# and Western European pages. Cyrillic, Greek, Arabic ... readings are kept.
_NON_LATIN_LETTER = re.compile(r"[^\W\d_\u0000-\u024f\u1e00-\u1eff]")

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")

# Characters no stored string may hold, whatever the engine: a lone surrogate
# (a JSON "\ud800" escape, a file name or argument that is not UTF-8) cannot be
# encoded as UTF-8, and PostgreSQL's text type refuses NUL. Load replaces the
# first with U+FFFD and drops the second, with a warning, so both engines store
# the same text.
_SURROGATE = re.compile("[\ud800-\udfff]")

#: Widest values of the short metadata columns (``sources.name``,
#: ``articles.external_id``, ``articles.language``). SQLite would store a longer
#: value and PostgreSQL refuse it; load refuses it on both, naming the field.
MAX_FIELD_CHARS = {"source": 255, "id": 255, "language": 16}

# ISO 8601 dates of reduced precision: 2024, 2024-05, 2024-W19.
_ISO_YEAR = re.compile(r"(\d{4})")
_ISO_MONTH = re.compile(r"(\d{4})-(\d{2})")
_ISO_WEEK = re.compile(r"(\d{4})-?W(\d{2})")
_HTML_SNIFF = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)
_HTML_SNIFF_ANYWHERE = re.compile(rb"<(?:html|body)\b", re.I)


@dataclass(frozen=True)
class Overrides:
    """Values the user gave for this run; they win over anything detected."""

    published: dt.date | None = None
    source: str | None = None
    url: str | None = None
    title: str | None = None
    external_id: str | None = None
    include_comments: bool = False
    published_precision: DatePrecision = "day"  # of ``published``: day, week, month or year


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


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------


def load_bytes(
    data: bytes,
    *,
    origin: str,
    fmt: Format | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    overrides: Overrides | None = None,
) -> Document:
    """Decode one text or HTML article, raising InputError if it is not one.

    ``fmt`` is ``"text"`` or ``"html"``; ``None`` sniffs the content.
    """
    if fmt in ("json", "jsonl"):
        raise ValueError("load_bytes reads one text or HTML article; use load_path for JSON")
    _check_size(len(data), origin, max_bytes)
    text = decode_bytes(data, origin=origin)
    if fmt is None:
        fmt = "html" if sniff_html(data) else "text"
    doc = _make_document(text, fmt=fmt, origin=origin, overrides=overrides or Overrides())
    check_metadata(doc)
    return doc


def load_path(
    path: Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    overrides: Overrides | None = None,
) -> Iterator[Document | InputError]:
    """Yield the articles in ``path``, or an InputError for each one that cannot load.

    The format follows the suffix (.txt .text .md, .html .htm, .json, .jsonl);
    anything else is sniffed. For JSON Lines, ``max_bytes`` limits each line.
    """
    overrides = overrides or Overrides()
    origin = str(path)
    try:
        if path.is_dir():
            yield InputError(f"{origin}: is a directory; pass the files in it instead")
            return
        size = path.stat().st_size
        suffix = path.suffix.lower()
        if suffix == ".jsonl":
            with path.open("rb") as fh:
                yield from _iter_jsonl(fh, origin, max_bytes, overrides)
            return
        # A whole-file limit: JSON lists of many articles should be JSON Lines.
        limit_hint = "; raise --max-bytes" + (" or use JSON Lines" if suffix == ".json" else "")
        _check_size(size, origin, max_bytes, hint=limit_hint)
        data = path.read_bytes()
    except InputError as exc:
        yield exc
        return
    except FileNotFoundError:
        yield InputError(f"{origin}: file not found")
        return
    except OSError as exc:
        yield InputError(f"{origin}: cannot read: {exc.strerror or exc}")
        return
    fmt = _format_for_suffix(suffix)
    yield from _load_data(data, origin=origin, fmt=fmt, max_bytes=max_bytes, overrides=overrides)


def _format_for_suffix(suffix: str) -> Format | None:
    if suffix in TEXT_SUFFIXES:
        return "text"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix == ".json":
        return "json"
    return None  # unknown suffix: sniff the content


def load_stream(
    fh: IO[bytes] | IO[str],
    *,
    name: str = "stdin",
    max_bytes: int = DEFAULT_MAX_BYTES,
    overrides: Overrides | None = None,
) -> Iterator[Document | InputError]:
    """Yield the articles read from a stream (standard input), sniffing the format.

    A stream that fits in ``max_bytes`` is read whole and sniffed like a file.
    A longer one is accepted only as JSON Lines and read line by line.
    """
    overrides = overrides or Overrides()
    buf = fh.read(max_bytes + 1)
    if isinstance(buf, str):
        buf = buf.encode("utf-8")
        binary: IO[bytes] = _EncodingReader(fh)  # type: ignore[arg-type,assignment]
    else:
        binary = fh  # type: ignore[assignment]
    if len(buf) <= max_bytes:
        yield from _load_data(buf, origin=name, fmt=None, max_bytes=max_bytes, overrides=overrides)
        return
    if buf.lstrip()[:1] == b"{":
        yield from _iter_jsonl(_PrefixedReader(buf, binary), name, max_bytes, overrides)
        return
    yield _too_large(name, max_bytes, hint="; raise --max-bytes")


def decode_bytes(data: bytes, *, origin: str = "<bytes>") -> str:
    """Decode ``data`` to text, raising InputError for empty or binary data."""
    if not data:
        raise InputError(f"{origin}: empty file")
    text = _decode(data)
    if text is None:
        raise InputError(f"{origin}: binary data (not text)")
    if not text.strip():
        raise InputError(f"{origin}: only whitespace, no text")
    if len(_CONTROL.findall(text)) > MAX_CONTROL_RATIO * len(text):
        raise InputError(f"{origin}: binary data (not text)")
    return text


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


# --------------------------------------------------------------------------
# Decoding
# --------------------------------------------------------------------------


def _decode(data: bytes) -> str | None:
    """Return ``data`` decoded, or None if it is binary."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                return None
    if b"\x00" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        return None
    text = str(best)
    if not _NON_LATIN_LETTER.search(text):
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            pass
    return text


def _check_size(
    size: int, origin: str, max_bytes: int, *, hint: str = "; raise --max-bytes"
) -> None:
    if size > max_bytes:
        raise _too_large(origin, max_bytes, hint=hint)


def _too_large(origin: str, max_bytes: int, *, hint: str) -> InputError:
    return InputError(f"{origin}: larger than the {_human(max_bytes)} limit{hint}")


def _human(n: int) -> str:
    for unit, size in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if n >= size:
            return f"{n / size:g} {unit}"
    return f"{n} bytes"


# --------------------------------------------------------------------------
# Documents
# --------------------------------------------------------------------------


def _load_data(
    data: bytes, *, origin: str, fmt: Format | None, max_bytes: int, overrides: Overrides
) -> Iterator[Document | InputError]:
    """Yield the documents in ``data`` (a whole file or stream), sniffing if fmt is None."""
    try:
        if fmt is None:
            fmt = _sniff(data)
        if fmt == "jsonl":
            yield from _iter_jsonl(_PrefixedReader(data, None), origin, max_bytes, overrides)
            return
        if fmt == "json":
            yield from _iter_json(data, origin, overrides)
            return
        yield load_bytes(data, origin=origin, fmt=fmt, max_bytes=max_bytes, overrides=overrides)
    except InputError as exc:
        yield exc


def _sniff(data: bytes) -> Format:
    head = data[:SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] in (b"{", b"["):
        try:
            json.loads(data)
            return "json"
        except RecursionError:  # valid so far, nested too deep: let the reader say so
            return "jsonl" if head[:1] == b"{" else "json"
        except (ValueError, UnicodeDecodeError):
            return "jsonl" if head[:1] == b"{" else "text"
    return "html" if sniff_html(data) else "text"


def _make_document(text: str, *, fmt: Format, origin: str, overrides: Overrides) -> Document:
    doc = Document(format="html" if fmt == "html" else "text")
    doc.origin = storable(origin, "file name", doc.warnings)
    doc.raw = storable(text, fmt, doc.warnings)
    if fmt == "html":
        meta = extract_html(doc.raw)
        if not meta.text.strip():
            why = f" ({meta.note})" if meta.note else ""
            raise InputError(f"{doc.origin}: no article text found in the HTML page{why}")
        if meta.note:
            doc.warnings.append(meta.note)
        doc.given_title = meta.title
        doc.given_published = meta.published
        doc.url = meta.url
        if meta.sitename:
            doc.source = meta.sitename
            doc.source_detected = True
    _apply(doc, overrides)
    return doc


def storable(value: str, name: str, warnings: list[str]) -> str:
    """Return ``value`` as both engines can store it, adding a warning if it had to change.

    Lone surrogates become U+FFFD and NUL characters are dropped (see ``_SURROGATE``).
    """
    surrogates = len(_SURROGATE.findall(value))
    if surrogates:
        value = _SURROGATE.sub("\ufffd", value)
        warnings.append(
            f"{name}: {surrogates} invalid character(s) (lone surrogates) replaced by U+FFFD"
        )
    nuls = value.count("\x00")
    if nuls:
        value = value.replace("\x00", "")
        warnings.append(f"{name}: {nuls} NUL character(s) removed")
    return value


def check_metadata(doc: Document) -> None:
    """Make the document's metadata storable on every engine, or raise InputError naming the field.

    Called once a document's fields are final (after the user's overrides).
    """
    for name, attr in (("title", "given_title"), ("source", "source"), ("url", "url"),
                       ("id", "external_id"), ("language", "language")):  # fmt: skip
        value = getattr(doc, attr)
        if value is None:
            continue
        value = storable(value, name, doc.warnings)
        setattr(doc, attr, value)
        limit = MAX_FIELD_CHARS.get(name)
        if limit is not None and len(value) > limit:
            raise InputError(
                f"{doc.origin}: {name!r} is {len(value):,} characters long; the limit is {limit}"
            )


def _apply(doc: Document, overrides: Overrides) -> None:
    """Let the user's values win over what the input or the page said."""
    if overrides.published is not None:
        doc.given_published = overrides.published
        doc.given_published_precision = overrides.published_precision
    if overrides.source:
        doc.source = overrides.source
        doc.source_detected = False
    if overrides.url:
        doc.url = overrides.url
    if overrides.title:
        doc.given_title = overrides.title
    if overrides.external_id:
        doc.external_id = overrides.external_id
    doc.include_comments = doc.include_comments or overrides.include_comments


# --------------------------------------------------------------------------
# JSON and JSON Lines
# --------------------------------------------------------------------------


def _iter_json(data: bytes, origin: str, overrides: Overrides) -> Iterator[Document | InputError]:
    try:
        value = json.loads(decode_bytes(data, origin=origin))
    except json.JSONDecodeError as exc:
        yield InputError(f"{origin}:{exc.lineno}: invalid JSON: {exc.msg} (column {exc.colno})")
        return
    except (ValueError, RecursionError) as exc:
        yield InputError(f"{origin}: invalid JSON: {_json_problem(exc)}")
        return
    records = value if isinstance(value, list) else [value]
    for i, record in enumerate(records, start=1):
        where = f"{origin}[{i}]" if isinstance(value, list) else origin
        yield _record_or_error(record, where, overrides)


def _iter_jsonl(
    fh: _Reader, origin: str, max_bytes: int, overrides: Overrides
) -> Iterator[Document | InputError]:
    lineno = 0
    while True:
        line = fh.readline(max_bytes + 1)
        if not line:
            return
        lineno += 1
        where = f"{origin}:{lineno}"
        if len(line) > max_bytes and not line.endswith(b"\n"):
            _skip_rest_of_line(fh)
            yield _too_large(where, max_bytes, hint=" for one line; raise --max-bytes")
            continue
        if lineno == 1:
            line = line.removeprefix(codecs.BOM_UTF8)
        if not line.strip():
            continue  # blank lines between records are harmless
        try:
            record = json.loads(decode_bytes(line, origin=where).strip())
        except InputError as exc:
            yield exc
            continue
        except json.JSONDecodeError as exc:
            yield InputError(f"{where}: invalid JSON: {exc.msg} (column {exc.colno})")
            continue
        except (ValueError, RecursionError) as exc:
            yield InputError(f"{where}: invalid JSON: {_json_problem(exc)}")
            continue
        yield _record_or_error(record, where, overrides)


def _json_problem(exc: Exception) -> str:
    """Say in one line why the JSON parser gave up on valid-looking JSON."""
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    if "integer string conversion" in str(exc):
        # Python's own message names an interpreter setting, which no user can act on.
        return "a number with more than 4,300 digits"
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _skip_rest_of_line(fh: _Reader) -> None:
    while True:
        chunk = fh.readline(1 << 20)
        if not chunk or chunk.endswith(b"\n"):
            return


_STRING_FIELDS = ("title", "url", "source", "language")


def _record_or_error(record: Any, where: str, overrides: Overrides) -> Document | InputError:
    try:
        return _record_document(record, where, overrides)
    except InputError as exc:
        return exc


def _record_document(record: Any, where: str, overrides: Overrides) -> Document:
    """Build a document from one JSON record of the design's input contract."""
    if not isinstance(record, dict):
        raise InputError(f"{where}: expected a JSON object, got {type(record).__name__}")
    text, fmt = _record_text(record, where)
    for key in _STRING_FIELDS:
        if record.get(key) is not None and not isinstance(record[key], str):
            raise InputError(f"{where}: {key!r} must be a string")
    record_id = record.get("id")
    if record_id is not None and not isinstance(record_id, str | int):
        raise InputError(f"{where}: 'id' must be a string or a number")
    published, precision = _record_date(record.get("published"), where)
    # Record fields act as overrides for the page's own metadata; the user's
    # flags for this run still win over them.
    from_record = Overrides(
        published=published,
        published_precision=precision,
        source=record.get("source") or None,
        url=record.get("url") or None,
        title=record.get("title") or None,
        external_id=str(record_id) if record_id is not None else None,
    )
    doc = _make_document(text, fmt=fmt, origin=where, overrides=from_record)
    doc.language = record.get("language") or None
    _apply(doc, overrides)
    check_metadata(doc)
    return doc


def _record_text(record: dict[str, Any], where: str) -> tuple[str, Format]:
    for key, fmt in (("text", "text"), ("html", "html")):
        value = record.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise InputError(f"{where}: {key!r} must be a string")
        if not value.strip():
            raise InputError(f"{where}: empty {key!r}")
        return value, fmt  # type: ignore[return-value]
    raise InputError(f"{where}: missing 'text' or 'html'")


def _record_date(value: Any, where: str) -> tuple[dt.date | None, DatePrecision]:
    if value is None or value == "":
        return None, "day"
    if isinstance(value, str):
        found = parse_iso_date(value)
        if found is not None:
            return found
    raise InputError(f"{where}: bad 'published' date {value!r}: use ISO 8601 such as 2020-10-10")


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


# --------------------------------------------------------------------------
# Stream helpers
# --------------------------------------------------------------------------


class _Reader(Protocol):
    """The part of a binary file object the JSON Lines reader uses."""

    def readline(self, limit: int = -1, /) -> bytes: ...


class _PrefixedReader:
    """Read lines from ``prefix`` and then from ``rest`` (already-read head of a stream)."""

    def __init__(self, prefix: bytes, rest: IO[bytes] | None) -> None:
        self._head = _BytesLines(prefix)
        self._rest = rest

    def readline(self, limit: int = -1, /) -> bytes:
        line = self._head.readline(limit)
        if self._rest is None or line.endswith(b"\n") or (0 <= limit <= len(line)):
            return line
        return line + self._rest.readline(-1 if limit < 0 else limit - len(line))


class _BytesLines:
    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pos = 0

    def readline(self, limit: int = -1) -> bytes:
        end = self._data.find(b"\n", self._pos)
        end = len(self._data) if end < 0 else end + 1
        if limit >= 0:
            end = min(end, self._pos + limit)
        line = self._data[self._pos : end]
        self._pos = end
        return line


class _EncodingReader:
    """Present a text stream as bytes (UTF-8) to the JSON Lines reader."""

    def __init__(self, fh: IO[str]) -> None:
        self._fh = fh

    def readline(self, limit: int = -1) -> bytes:
        return self._fh.readline(limit).encode("utf-8")


__all__ = [
    "DEFAULT_MAX_BYTES",
    "HtmlExtract",
    "Overrides",
    "decode_bytes",
    "extract_html",
    "load_bytes",
    "load_path",
    "load_stream",
    "sniff_html",
]
