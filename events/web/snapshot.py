"""``events snapshot``: a SQLite copy of a database (PostgreSQL or SQLite), to serve or share.

The copy is made by the real migrations (so it has the same tables and views), then
filled table by table in dependency order. With filters, it holds the matching events
(as ``events_flat`` selects them: rejected and empty events are never matched), their
claims and what those need: the claims' articles (and the originals they copy), link
rows, actor and claim-actor rows, edits about them; the dictionaries (sources, actors
and aliases, places, event types) are copied whole. It is written to a temporary file
beside the target and renamed into place when complete, so a crash leaves no half copy.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, select, text

from events import db as dblib
from events.errors import EventsError
from events.models import Base

#: How many ids go into one IN (...) list.
CHUNK = 500
#: How many rows one INSERT carries.
BATCH = 1000


class SnapshotError(EventsError):
    """A snapshot cannot be written as asked."""


@dataclass(frozen=True)
class SnapshotFilters:
    countries: tuple[str, ...] = ()
    since: dt.date | None = None
    until: dt.date | None = None
    types: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        return bool(self.countries or self.since or self.until or self.types)


@dataclass
class SnapshotResult:
    path: Path
    counts: dict[str, int] = field(default_factory=dict)


def snapshot(
    db_arg: str | None, out: Path, filters: SnapshotFilters, *, force: bool = False
) -> SnapshotResult:
    """Write the database (or its filtered part) to the SQLite file ``out``."""
    out = out.expanduser()
    if out.exists() and not force:
        raise SnapshotError(f"{out} exists: add --force to replace it")
    if not out.parent.is_dir():
        raise SnapshotError(f"directory {out.parent} does not exist")
    source = dblib.open_database(db_arg, readonly=True)
    src_path = dblib.sqlite_path(source.url)
    if src_path is not None and src_path.resolve() == out.resolve():
        source.dispose()
        raise SnapshotError(f"{out} is the database being copied: choose another file")
    partial = out.with_name(f".{out.name}.partial-{os.getpid()}")
    _remove(partial)
    try:
        url = f"sqlite:///{partial}"
        dblib.upgrade(url)
        target = dblib.make_engine(url)
        try:
            with source.engine.connect() as src, target.connect() as dst:
                # References are checked once, over the whole copy, below: row by row
                # checks (and index upkeep) took most of the time of a large copy.
                dst.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")  # type: ignore[union-attr]
                with dst.begin():
                    indexes = _drop_indexes(dst)
                    counts = _copy(src, dst, filters)
                    for create in indexes:
                        dst.exec_driver_sql(create)
                    problems = dst.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if problems:
                        raise SnapshotError(
                            f"the copy would break {len(problems)} references (first: table "
                            f"{problems[0][0]} row {problems[0][1]}): nothing written"
                        )
        finally:
            target.dispose()
        _single_file(partial)
        os.replace(partial, out)
        for suffix in ("-wal", "-shm"):
            _remove(out.with_name(out.name + suffix))
    finally:
        source.dispose()
        for suffix in ("", "-wal", "-shm", "-journal"):
            _remove(partial.with_name(partial.name + suffix))
    return SnapshotResult(out, counts)


def _drop_indexes(dst: Connection) -> list[str]:
    """Drop the copy's secondary indexes (rebuilt after the load); return their DDL."""
    rows = dst.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    ).all()
    for name, _sql in rows:
        dst.exec_driver_sql(f"DROP INDEX {dst.dialect.identifier_preparer.quote(name)}")
    return [sql for _name, sql in rows]


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def _single_file(path: Path) -> None:
    """Fold the write-ahead log into the file and leave it in rollback mode (one file)."""
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.execute("PRAGMA journal_mode = DELETE")
    finally:
        con.close()


def _tables() -> list[Table]:
    return list(Base.metadata.sorted_tables)


def _copy(src: Connection, dst: Connection, filters: SnapshotFilters) -> dict[str, int]:
    if not filters.active:
        return {
            t.name: _insert(dst, t, _stream(src, select(t).order_by(*t.primary_key)))
            for t in _tables()
        }
    keep = _selection(src, filters)
    tables = Base.metadata.tables
    counts: dict[str, int] = {}
    for table in _tables():
        name = table.name
        if name in keep.by_table:
            column, ids = keep.by_table[name]
            rows = _rows_in(src, table, column, ids)
        elif name == "edits":
            rows = _edits(src, table, keep)
        else:  # a dictionary: copied whole
            rows = _stream(src, select(table).order_by(*table.primary_key))
        if name == "claim_links":
            rows = _unlink_missing(rows, "other_claim_id", keep.claims)
        counts[name] = _insert(dst, tables[name], rows)
    return counts


@dataclass
class _Keep:
    events: list[int]
    claims: list[int]
    articles: list[int]

    @property
    def by_table(self) -> dict[str, tuple[str, list[int]]]:
        return {
            "events": ("id", self.events),
            "event_actors": ("event_id", self.events),
            "claims": ("id", self.claims),
            "claim_actors": ("claim_id", self.claims),
            "claim_links": ("claim_id", self.claims),
            "articles": ("id", self.articles),
            "article_bands": ("article_id", self.articles),
        }


def _selection(src: Connection, filters: SnapshotFilters) -> _Keep:
    """The ids of the matching events, their claims and the articles those need."""
    from events.export_query import Filters, _filter_clauses, _Params

    params = _Params()
    clauses = _filter_clauses(
        src,
        Filters(
            date_from=filters.since,
            date_to=filters.until,
            countries=filters.countries,
            types=filters.types,
        ),
        "events",
        params,
    )
    where = " AND ".join(clauses) or "1 = 1"
    events = sorted(
        r[0]
        for r in src.execute(
            text(f"SELECT v.event_id FROM events_flat v WHERE {where}"), params.values
        )
    )
    claims: list[int] = []
    articles: set[int] = set()
    for chunk in _chunks(events):
        marks = ", ".join(str(int(i)) for i in chunk)
        for claim_id, article_id in src.execute(
            text(f"SELECT id, article_id FROM claims WHERE event_id IN ({marks})")
        ):
            claims.append(claim_id)
            articles.add(article_id)
    # The originals the chosen articles are syndicated copies of (claims_flat.copy_of).
    pending = set(articles)
    while pending:
        found: set[int] = set()
        for chunk in _chunks(sorted(pending)):
            marks = ", ".join(str(int(i)) for i in chunk)
            found |= {
                r[0]
                for r in src.execute(
                    text(
                        f"SELECT copy_of_id FROM articles WHERE id IN ({marks}) "
                        "AND copy_of_id IS NOT NULL"
                    )
                )
            }
        pending = found - articles
        articles |= pending
    return _Keep(events, sorted(claims), sorted(articles))


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _stream(src: Connection, stmt: Any) -> Iterator[dict[str, Any]]:
    """Rows as dicts, fetched in batches (a server-side cursor on PostgreSQL), not all at once."""
    result = src.execute(stmt.execution_options(stream_results=True, yield_per=BATCH))
    for row in result.mappings():
        yield dict(row)


def _rows_in(
    src: Connection, table: Table, column: str, ids: Sequence[int]
) -> Iterator[dict[str, Any]]:
    for chunk in _chunks(ids):
        yield from _stream(src, select(table).where(table.c[column].in_(list(chunk))))


def _edits(src: Connection, table: Table, keep: _Keep) -> Iterator[dict[str, Any]]:
    """Edits about a kept article, claim or event."""
    seen: set[int] = set()
    for column, ids, kind in (
        (table.c.article_id, keep.articles, None),
        (table.c.row_id, keep.claims, "claims"),
        (table.c.row_id, keep.events, "events"),
    ):
        for chunk in _chunks(ids):
            cond: Any = column.in_(list(chunk))
            if kind is not None:
                cond = cond & (table.c.table_name == kind)
            for row in _stream(src, select(table).where(cond)):
                if row["id"] not in seen:
                    seen.add(row["id"])
                    yield row


def _unlink_missing(
    rows: Iterable[dict[str, Any]], column: str, kept: Sequence[int]
) -> Iterator[dict[str, Any]]:
    """Point references to rows left out of the copy at nothing."""
    keep = set(kept)
    for row in rows:
        if row.get(column) is not None and row[column] not in keep:
            row = {**row, column: None}
        yield row


def _insert(dst: Connection, table: Table, rows: Iterable[dict[str, Any]]) -> int:
    """Insert ``rows`` into the SQLite copy in batches.

    The column types' own conversions (dates, JSON, booleans) are looked up once per
    table and the driver's executemany is called directly: SQLAlchemy's per-row
    statement handling took most of a copy's time.
    """
    columns = list(table.columns)
    names = [c.name for c in columns]
    converters = [c.type.dialect_impl(dst.dialect).bind_processor(dst.dialect) for c in columns]
    quoted = ", ".join(dst.dialect.identifier_preparer.quote(n) for n in names)
    sql = (
        f"INSERT INTO {dst.dialect.identifier_preparer.quote(table.name)} ({quoted}) "
        f"VALUES ({', '.join('?' for _ in names)})"
    )
    cursor = dst.connection.driver_connection.cursor()  # type: ignore[union-attr]
    count = 0
    batch: list[tuple[Any, ...]] = []
    try:
        for row in rows:
            batch.append(
                tuple(
                    convert(row[n]) if convert is not None else row[n]
                    for n, convert in zip(names, converters, strict=True)
                )
            )
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    finally:
        cursor.close()
    return count
