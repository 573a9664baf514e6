"""Ingest articles: load, extract, and store each in its own transaction."""

from __future__ import annotations

import datetime as dt
import glob
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from events.db import Database
from events.errors import EventsError, InputError
from events.pipeline.doc import Document
from events.store import content_hash, find_article, store_document

log = logging.getLogger(__name__)

#: File endings picked up when a directory is ingested; others (README.md, images)
#: are skipped quietly. A file named explicitly is loaded whatever its ending.
SUPPORTED_SUFFIXES = (".txt", ".text", ".html", ".htm", ".json", ".jsonl", ".ndjson")


@dataclass
class Outcome:
    """What happened to one input article."""

    origin: str
    status: str  # stored, skipped, failed
    message: str = ""
    article_id: int | None = None
    claims: int = 0
    events: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass
class Summary:
    """Totals of one ingest run."""

    stored: int = 0
    skipped: int = 0
    failed: int = 0
    claims: int = 0
    events_new: int = 0
    events_linked: int = 0
    failures: list[Outcome] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        if outcome.status == "stored":
            self.stored += 1
            self.claims += outcome.claims
        elif outcome.status == "skipped":
            self.skipped += 1
        else:
            self.failed += 1
            self.failures.append(outcome)

    def line(self) -> str:
        return (
            f"{self.stored} stored, {self.skipped} skipped (already stored), "
            f"{self.failed} failed; {self.claims} claims, {self.events_new} new events, "
            f"{self.events_linked} claims linked to existing events"
        )


def expand_paths(paths: Iterable[str]) -> Iterator[Path | InputError]:
    """Yield the files named by ``paths``: files, directories (recursively), globs."""
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )  # fmt: skip
            if not found:
                yield InputError(f"{raw}: no article files ({', '.join(SUPPORTED_SUFFIXES)})")
            yield from found
        elif path.is_file():
            yield path
        elif glob.has_magic(raw):
            matches = sorted(Path(p) for p in glob.glob(raw, recursive=True) if Path(p).is_file())
            if not matches:
                yield InputError(f"{raw}: no file matches this pattern")
            yield from matches
        else:
            yield InputError(f"{raw}: no such file or directory")


def iter_documents(
    paths: Iterable[str],
    *,
    stdin: IO[bytes] | None = None,
    limits: dict[str, int] | None = None,
    **overrides: Any,
) -> Iterator[Document | InputError]:
    """Yield a Document (or the InputError that stopped one) per article in ``paths``."""
    from events.pipeline import load

    given = load.Overrides(**overrides)
    for item in expand_paths(paths):
        if isinstance(item, InputError):
            yield item
            continue
        try:
            yield from load.load_path(item, overrides=given, **(limits or {}))
        except InputError as exc:
            yield exc
        except OSError as exc:
            yield InputError(f"{item}: cannot read: {exc.strerror or exc}")
    if stdin is not None:
        try:
            yield from load.load_stream(stdin, name="stdin", overrides=given, **(limits or {}))
        except InputError as exc:
            yield exc


def extract(doc: Document) -> Document:
    """Run the extraction pipeline on one loaded document."""
    from events.pipeline.runner import run

    return run(doc)


def ingest(
    database: Database,
    items: Iterable[Document | InputError],
    *,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> Summary:
    """Extract and store every document; a failure loses only its own article."""
    summary = Summary()
    for item in items:
        outcome = ingest_one(database, item)
        if outcome.status == "stored":
            summary.events_new += outcome.events
            summary.events_linked += outcome.claims - outcome.events
        summary.add(outcome)
        if on_outcome:
            on_outcome(outcome)
    return summary


def ingest_one(database: Database, item: Document | InputError) -> Outcome:
    """Ingest one document in one transaction and say what happened."""
    if isinstance(item, InputError):
        return Outcome(_origin_of(item), "failed", str(item))
    doc = item
    digest = content_hash(doc.raw)
    with database.session() as session:
        if find_article(session, digest) is not None:
            return Outcome(doc.origin, "skipped", "already stored (same text)")
    try:
        extract(doc)
    except EventsError as exc:
        return Outcome(doc.origin, "failed", str(exc))
    if not doc.body.strip() and not doc.title.strip():
        return Outcome(doc.origin, "failed", "no article text left after cleaning")
    try:
        with database.session() as session, session.begin():
            stored = store_document(session, doc, digest)
    except IntegrityError:
        # Another process stored the same text between our check and insert.
        return Outcome(doc.origin, "skipped", "already stored (same text)")
    except SQLAlchemyError as exc:
        # The transaction was rolled back: nothing of this article is stored.
        return Outcome(doc.origin, "failed", f"database error, article not stored: {_first_line(exc)}")
    if stored is None:
        return Outcome(doc.origin, "skipped", "already stored (same text)")
    return Outcome(
        doc.origin, "stored", article_id=stored.article_id, claims=stored.claims,
        events=stored.events_new, warnings=list(doc.warnings),
    )  # fmt: skip


def _first_line(exc: SQLAlchemyError) -> str:
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _origin_of(exc: InputError) -> str:
    text = str(exc)
    return text.split(": ", 1)[0] if ": " in text else "input"


def parse_published(value: str | None) -> dt.date | None:
    """Parse a --published value (ISO 8601 date or datetime)."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        raise InputError(f"--published {value!r} is not an ISO date (YYYY-MM-DD)") from None
