"""Read articles from JSON and JSON Lines records (the design's input contract).

JSON Lines are read line by line, so a stream of any length stays within ``max_bytes`` a line;
a bad record is an InputError naming its line, and the others still load.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
from collections.abc import Iterator
from typing import IO, Any, Protocol

from events.errors import InputError
from events.pipeline.doc import DatePrecision, Document
from events.pipeline.load_documents import (
    Format,
    Overrides,
    _apply,
    _make_document,
    _too_large,
    check_metadata,
    decode_bytes,
)
from events.pipeline.load_html import parse_iso_date

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
