"""Ingest articles: load, extract, and store each in its own transaction."""

from __future__ import annotations

import datetime as dt
import errno
import glob
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from events.errors import DatabaseError, EventsError, InputError
from events.pipeline.doc import DatePrecision, Document

if TYPE_CHECKING:  # SQLAlchemy and the models load when something is stored
    from sqlalchemy.exc import OperationalError, SQLAlchemyError

    from events.db import Database

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
    """Yield the files named by ``paths``: files, directories (recursively), globs.

    A directory that cannot be read, at the top or inside, is named with the
    reason; the readable rest is still ingested.
    """
    for raw in paths:
        path = Path(raw).expanduser()
        try:
            is_dir = path.is_dir()
        except OSError as exc:  # a parent directory denies access
            yield InputError(f"{raw}: {_os_reason(exc)}")
            continue
        if is_dir:
            found, unreadable = _article_files(path)
            yield from unreadable
            if not found and not unreadable:
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


def _article_files(root: Path) -> tuple[list[Path], list[InputError]]:
    """Return the article files under ``root`` (hidden ones left out) and the unreadable dirs."""
    unreadable: list[InputError] = []

    def refused(exc: OSError) -> None:
        unreadable.append(InputError(f"{exc.filename or root}: {_os_reason(exc)}"))

    found = []
    # os.walk, not Path.rglob: rglob skips a directory it may not read without a word.
    for folder, dirs, files in os.walk(root, onerror=refused):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            file = Path(folder, name)
            if (
                not name.startswith(".")
                and file.suffix.lower() in SUPPORTED_SUFFIXES
                and file.is_file()
            ):
                found.append(file)
    return sorted(found), unreadable


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return f"cannot read: {exc.strerror or exc}"


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


def _extract_in_worker(doc: Document) -> tuple[Document, str | None]:
    """Extract in a worker process; return the error text instead of raising."""
    try:
        return extract(doc), None
    except EventsError as exc:
        return doc, str(exc)


def warm_up() -> None:
    """Build the dictionaries and automata once (before forking workers, so they share them)."""
    from events.dates import normalise
    from events.pipeline.load import Overrides, load_bytes

    sample = b"Russian troops attacked rebels in Aleppo on 3 May 2001, officials said."
    extract(load_bytes(sample, origin="warm-up", overrides=Overrides()))
    # The common date forms skip dateparser (events.dates_fast): load its tables too, with a
    # form only dateparser reads (an abbreviated month; ordinals are read fast now).
    normalise("Sept. 3, 2001", dt.date(2001, 5, 3))


#: Largest --max-bytes accepted: character offsets (sentences, mentions) are
#: stored in 32-bit INTEGER columns on PostgreSQL, so no text may reach 2**31
#: characters; 1 GB stays clear of that and of any news article.
MAX_BYTES_CEILING = 1_000_000_000


def field_problem(name: str, value: str) -> str | None:
    """Say why ``value`` cannot be stored as the metadata field ``name``, or return None."""
    from events.pipeline.load import MAX_FIELD_CHARS

    limit = MAX_FIELD_CHARS.get(name)
    if limit is not None and len(value) > limit:
        return f"{name!r} is {len(value):,} characters long; the limit is {limit}"
    return None


#: Articles written per transaction. Each article is stored under its own
#: savepoint, so a failing article loses only itself; a crash loses at most the
#: batch not yet committed -- whole articles, which a rerun stores (the committed
#: ones are skipped by their content hash). Per-article transactions cost a
#: commit, a session and a duplicate look-up each (a third of a short note's time);
#: the store also resolves each source, actor, alias and place once per batch
#: (events.store.BatchCache), so a longer batch looks up less: 64 short notes
#: run 25 statements an article where 16 ran 29.
BATCH_ARTICLES = 64

#: With ``--workers``, batches are smaller and several are in flight, so that the
#: workers extract the next batches while this process writes one: with one 64-article
#: batch in flight, a 60-article run extracted everything before writing anything.
PARALLEL_BATCH_ARTICLES = 8

#: A batch is closed sooner when its input has taken this long to arrive, so the
#: articles of a slow stream (stdin) are stored and reported as they come.
BATCH_SECONDS = 0.5

#: ... or when its texts hold this many bytes (memory stays flat on huge inputs).
BATCH_BYTES = 8_000_000

#: A PostgreSQL deadlock or serialisation failure between concurrent ingests
#: is retried this many times before the article is reported as failed.
STORE_RETRIES = 3


def ingest(
    database: Database,
    items: Iterable[Document | InputError],
    *,
    workers: int = 1,
    on_outcome: Callable[[Outcome], None] | None = None,
    summary: Summary | None = None,
) -> Summary:
    """Extract and store every document; a failure loses only its own article.

    Documents go in batches (BATCH_ARTICLES): one look-up for the texts already
    stored, extraction, then one transaction with a savepoint per article.
    Outcomes are reported once their batch is committed, in input order. With
    ``workers`` > 1, extraction runs in that many processes while this process
    alone writes. Pass ``summary`` to keep the counts of an interrupted run.
    """
    summary = summary if summary is not None else Summary()
    from events.curate import load_manual_aliases

    load_manual_aliases(database)  # `events actors alias` names (before workers fork)

    def record(outcome: Outcome) -> None:
        if outcome.status == "stored":
            summary.events_new += outcome.events
            summary.events_linked += outcome.claims - outcome.events
        summary.add(outcome)
        if on_outcome:
            on_outcome(outcome)

    if workers <= 1:
        for batch in _batches(items):
            entries = _precheck(database, batch)
            for i, entry in enumerate(entries):
                if isinstance(entry, Document):
                    try:
                        extract(entry)
                    except EventsError as exc:
                        entries[i] = Outcome(entry.origin, "failed", str(exc))
            for outcome in _store_batch(database, entries):
                record(outcome)
        return summary

    import multiprocessing
    from collections import deque
    from concurrent.futures import Future, ProcessPoolExecutor

    warm_up()  # forked workers inherit the built dictionaries
    context = multiprocessing.get_context("fork")
    Extracted = Future[tuple[Document, str | None]]
    in_flight: deque[list[Outcome | Extracted]] = deque()
    with ProcessPoolExecutor(workers, mp_context=context) as pool:

        def store_oldest() -> None:
            entries: list[Outcome | Document] = []
            for entry in in_flight.popleft():
                if isinstance(entry, Outcome):
                    entries.append(entry)
                    continue
                doc, error = entry.result()
                entries.append(doc if error is None else Outcome(doc.origin, "failed", error))
            for outcome in _store_batch(database, entries):
                record(outcome)

        for batch in _batches(items, PARALLEL_BATCH_ARTICLES):
            in_flight.append(
                [
                    pool.submit(_extract_in_worker, entry) if isinstance(entry, Document) else entry
                    for entry in _precheck(database, batch)
                ]
            )
            # The workers extract these batches while the oldest is written.
            while len(in_flight) > workers:
                store_oldest()
        while in_flight:
            store_oldest()
    return summary


def _batches(
    items: Iterable[Document | InputError], articles: int = BATCH_ARTICLES
) -> Iterator[list[Document | InputError]]:
    """Group ``items`` into batches of at most ``articles``, BATCH_SECONDS, BATCH_BYTES."""
    batch: list[Document | InputError] = []
    size = 0
    started = time.monotonic()
    for item in items:
        if not batch:
            started = time.monotonic()
        batch.append(item)
        size += len(item.raw) if isinstance(item, Document) else 0
        if (
            len(batch) >= articles
            or size >= BATCH_BYTES
            or time.monotonic() - started >= BATCH_SECONDS
        ):
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _precheck(database: Database, batch: list[Document | InputError]) -> list[Outcome | Document]:
    """Turn input errors and texts already stored (one look-up) into outcomes; keep the rest."""
    from events.store import content_hash

    digests = {id(item): content_hash(item.raw) for item in batch if isinstance(item, Document)}
    stored = _stored_digests(database, set(digests.values()))
    entries: list[Outcome | Document] = []
    seen: set[str] = set()
    for item in batch:
        if isinstance(item, InputError):
            entries.append(Outcome(_origin_of(item), "failed", str(item)))
            continue
        digest = digests[id(item)]
        if digest in stored or digest in seen:
            entries.append(Outcome(item.origin, "skipped", "already stored (same text)"))
        else:
            seen.add(digest)
            entries.append(item)
    return entries


def _stored_digests(database: Database, digests: set[str]) -> set[str]:
    """Return which of ``digests`` are content hashes of stored articles (one query)."""
    if not digests:
        return set()
    from sqlalchemy import bindparam, text

    query = text("SELECT content_hash FROM articles WHERE content_hash IN :digests").bindparams(
        bindparam("digests", expanding=True)
    )
    with database.engine.connect() as conn:
        return {row[0] for row in conn.execute(query, {"digests": sorted(digests)})}


def ingest_one(database: Database, item: Document | InputError) -> Outcome:
    """Ingest one document in one transaction and say what happened."""
    entry = _precheck(database, [item])[0]
    if isinstance(entry, Document):
        try:
            extract(entry)
        except EventsError as exc:
            return Outcome(entry.origin, "failed", str(exc))
    return _store_batch(database, [entry])[0]


def _store_batch(database: Database, entries: list[Outcome | Document]) -> list[Outcome]:
    """Store the extracted documents of a batch in one transaction, a savepoint each.

    Entries that are already outcomes (failures, duplicates) pass through in
    place. A lock conflict at the start or the commit retries the batch; an
    error that will fail every article (read-only, disk full) raises DatabaseError
    with nothing of the batch stored.
    """
    from sqlalchemy.exc import OperationalError

    if not any(isinstance(entry, Document) for entry in entries):
        return [entry for entry in entries if isinstance(entry, Outcome)]
    from events.store import BatchCache

    for attempt in range(1, STORE_RETRIES + 1):
        try:
            with database.session() as session, session.begin():
                _lock_batch(session, entries)
                cache = _batch_cache(session, entries, BatchCache())
                return [
                    entry if isinstance(entry, Outcome) else _store_in(session, entry, cache)
                    for entry in entries
                ]
        except OperationalError as exc:
            if attempt < STORE_RETRIES and _is_transient(exc):
                time.sleep(0.05 * attempt)
                continue
            _raise_if_fatal(exc)
            return [
                entry if isinstance(entry, Outcome) else _db_failure(entry, exc)
                for entry in entries
            ]
    raise AssertionError("unreachable")  # pragma: no cover


def _lock_batch(session: Any, entries: list[Outcome | Document]) -> None:
    """Take the linking locks of every article of the batch first (see document_blocks)."""
    from events.linking.incremental import document_blocks, lock_blocks

    keys: set[tuple[str, str]] = set()
    for entry in entries:
        if isinstance(entry, Document):
            keys |= document_blocks(entry.claims)
    lock_blocks(session, keys)


def _batch_cache(session: Any, entries: list[Outcome | Document], cache: Any) -> Any:
    """Ask once, at the start of the batch's transaction, which of its texts are stored."""
    from events.store import content_hash, text_hash

    hashes: set[str] = set()
    for entry in entries:
        if isinstance(entry, Document):
            digest = content_hash(entry.raw)
            identity = cache.text_hashes[digest] = text_hash(entry)
            hashes.add(digest)
            if identity is not None:
                hashes.add(identity)
    cache.load_stored(session, hashes)
    return cache


def _store_in(session: Any, doc: Document, cache: Any) -> Outcome:
    """Store one extracted document under a savepoint of the batch's transaction.

    ``cache`` (a :class:`events.store.BatchCache`) holds what the batch's earlier
    articles looked up; when an article is rolled back to its savepoint, the rows
    it cached are forgotten.
    """
    from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError

    from events.linking.direct import savepoint
    from events.store import content_hash, store_document, text_hash

    if not doc.body.strip() and not doc.title.strip():
        return Outcome(doc.origin, "failed", "no article text left after cleaning")
    digest = content_hash(doc.raw)
    for attempt in range(1, STORE_RETRIES + 1):
        try:
            with savepoint(cache.connection(session)):
                stored = store_document(session, doc, digest, cache=cache)
            break
        except IntegrityError:
            # Another process stored the same text between our check and insert.
            cache.forget_rows()
            return Outcome(doc.origin, "skipped", "already stored (same text)")
        except OperationalError as exc:
            cache.forget_rows()
            if attempt < STORE_RETRIES and _is_transient(exc):
                time.sleep(0.05 * attempt)
                continue
            _raise_if_fatal(exc)
            return _db_failure(doc, exc)
        except SQLAlchemyError as exc:
            cache.forget_rows()
            _raise_if_fatal(exc)
            return _db_failure(doc, exc)
        except BaseException:
            cache.forget_rows()
            raise
    if stored is not None:
        identity = cache.text_hashes[digest] if digest in cache.text_hashes else text_hash(doc)
        cache.stored.update([digest] if identity is None else [digest, identity])
    if stored is None:
        return Outcome(doc.origin, "skipped", "already stored (same text)")
    return Outcome(
        doc.origin, "stored", article_id=stored.article_id, claims=stored.claims,
        events=stored.events_new, warnings=list(doc.warnings),
    )  # fmt: skip


#: Errors that will fail every following article too: stop the batch at once.
FATAL_DATABASE_ERRORS = ("readonly database", "database or disk is full", "unable to open")


def _raise_if_fatal(exc: SQLAlchemyError) -> None:
    """Stop the run on an error every following article would meet too."""
    if any(text in _first_line(exc) for text in FATAL_DATABASE_ERRORS):
        from events.db import explain

        raise DatabaseError(explain(exc, "the database"))  # type: ignore[arg-type]


def _db_failure(doc: Document, exc: SQLAlchemyError) -> Outcome:
    # Rolled back to the article's savepoint: nothing of this article is stored.
    return Outcome(doc.origin, "failed", f"database error, article not stored: {_first_line(exc)}")


def _is_transient(exc: OperationalError) -> bool:
    """Tell whether a concurrent writer caused the error (worth a retry)."""
    code = getattr(exc.orig, "sqlstate", None)
    return code in ("40001", "40P01") or "database is locked" in str(exc.orig)


def _first_line(exc: SQLAlchemyError) -> str:
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _origin_of(exc: InputError) -> str:
    text = str(exc)
    return text.split(": ", 1)[0] if ": " in text else "input"


def parse_published(value: str | None) -> tuple[dt.date | None, DatePrecision]:
    """Parse a --published value: an ISO 8601 date, datetime, week, month or year.

    Return its first day and its precision ("2024-05" is 2024-05-01, month).
    """
    from events.pipeline.load import parse_iso_date

    if not value:
        return None, "day"
    found = parse_iso_date(value)
    if found is None:
        raise InputError(
            f"{value!r} is not an ISO date (YYYY-MM-DD, or YYYY-MM, YYYY for a month or year)"
        )
    return found
