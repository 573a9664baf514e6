"""Decode input bytes and build documents from them (the ``load`` stage's common steps).

Decoding tolerates BOMs and legacy encodings and refuses binary data; every text and metadata
field is made storable on both database engines; the user's overrides win over the input's.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from events.errors import InputError
from events.pipeline.doc import DatePrecision, Document
from events.pipeline.load_html import extract_html

#: Share of control characters (other than tab, newline, carriage return, form
#: feed) above which decoded input is called binary. Text we have seen,
#: including scraped pages, has none; compressed or image data decoded as a
#: single-byte code page has about 10-15 %.
MAX_CONTROL_RATIO = 0.01

Format = Literal["text", "html", "json", "jsonl"]

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
    import charset_normalizer  # only for text that is not UTF-8 (its import costs ~0.1 s)

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
