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

This module holds the entry points; decoding and document building are in
:mod:`events.pipeline.load_documents`, HTML in :mod:`events.pipeline.load_html`
and JSON records in :mod:`events.pipeline.load_records`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from events.errors import InputError
from events.pipeline.doc import Document
from events.pipeline.load_documents import MAX_CONTROL_RATIO as MAX_CONTROL_RATIO
from events.pipeline.load_documents import MAX_FIELD_CHARS as MAX_FIELD_CHARS
from events.pipeline.load_documents import Format as Format
from events.pipeline.load_documents import Overrides as Overrides
from events.pipeline.load_documents import _check_size, _make_document, _too_large
from events.pipeline.load_documents import check_metadata as check_metadata
from events.pipeline.load_documents import decode_bytes as decode_bytes
from events.pipeline.load_documents import storable as storable
from events.pipeline.load_html import LIBXML_HUGE_MAX_DEPTH as LIBXML_HUGE_MAX_DEPTH
from events.pipeline.load_html import LIBXML_MAX_DEPTH as LIBXML_MAX_DEPTH
from events.pipeline.load_html import SNIFF_BYTES as SNIFF_BYTES
from events.pipeline.load_html import HtmlExtract as HtmlExtract
from events.pipeline.load_html import extract_html as extract_html
from events.pipeline.load_html import nesting_depth as nesting_depth
from events.pipeline.load_html import parse_iso_date as parse_iso_date
from events.pipeline.load_html import plain_text as plain_text
from events.pipeline.load_html import sniff_html as sniff_html
from events.pipeline.load_records import _EncodingReader, _iter_json, _iter_jsonl, _PrefixedReader

log = logging.getLogger(__name__)

#: Largest article (or JSON Lines line, or .json file) accepted, in bytes. A
#: long news article is ~50 kB of text and a heavy web page ~2 MB of HTML;
#: 20 MB leaves room for both while refusing database dumps fed by mistake.
DEFAULT_MAX_BYTES = 20_000_000

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})


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
