"""Run researchers' ad-hoc SQL read-only, streaming the rows.

Read-only is enforced by each database's own mechanism, never by parsing SQL:
SQLite opens the file with ``mode=ro`` (and an authorizer that refuses ATTACH);
PostgreSQL runs the query in a ``READ ONLY`` transaction (see events.readonly).

``events query`` on a SQLite file runs through the standard library's sqlite3
alone (:func:`query_database`): SQLAlchemy is not imported, which is most of a
query's start-up. Anything else (PostgreSQL, a SQLite URL with options, a file
that is not at the program's schema) goes through SQLAlchemy as before.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from events import readonly
from events.errors import QueryError, ReadOnlyViolation

if TYPE_CHECKING:
    from events.db import Database

#: Rows fetched per round trip when streaming; small enough for flat memory,
#: large enough that the driver overhead is amortised.
STREAM_BATCH = 1000

#: SQLite calls the progress handler every N virtual-machine steps; at this
#: interval a timeout is noticed within a few milliseconds.
SQLITE_PROGRESS_STEPS = 10_000

#: A bind parameter in the SQL text, as SQLAlchemy's text() reads one (:name, not
#: \:name or ::name), so a query binds the same names on SQLite and PostgreSQL.
_BIND = re.compile(r"(?<![:\w\x5c]):(\w+)(?![:\w])")
#: An escaped colon (\:name), which text() passes on as a plain :name.
_ESCAPED_BIND = re.compile(r"\x5c(:\w*)(?![:\w])")

_INT = re.compile(r"[+-]?\d{1,18}")
_FLOAT = re.compile(r"[+-]?(\d+\.\d*|\.\d+)([eE][+-]?\d+)?")


def typed_value(value: str) -> int | float | str:
    """Return a command-line parameter as a number when it is written as one.

    SQLite compares a number with text by type, not value (2 >= '2' is false for
    a computed column), so "-p n 2" must bind the integer 2.
    """
    if _INT.fullmatch(value):
        return int(value)
    if _FLOAT.fullmatch(value):
        return float(value)
    return value


@dataclass
class QueryResult:
    """Column names and a row iterator; iterate inside the ``run_query`` block."""

    columns: list[str]
    rows: Iterator[tuple[Any, ...]]
    warnings: list[str] = field(default_factory=list)


@contextmanager
def query_database(
    db: str | None,
    sql: str,
    params: Mapping[str, Any] | None = None,
    *,
    timeout: float | None = None,
) -> Iterator[QueryResult]:
    """Open the database ``db`` (``--db``) read-only and yield the streamed result of ``sql``.

    Behaves as ``open_database(db, readonly=True)`` followed by :func:`run_query`.
    A SQLite file at the program's schema is read with sqlite3 alone; for anything
    else (or anything wrong with the file) the general path opens the database
    and reports what it finds, in its own words.
    """
    from events import db as dblib

    path = _plain_sqlite_file(dblib.resolve_url(db))
    con = _open_current_sqlite(path) if path is not None else None
    if con is None:
        database = dblib.open_database(db, readonly=True, timeout=timeout)
        try:
            with run_query(database, sql, params, timeout=timeout) as result:
                yield result
        finally:
            database.dispose()
        return
    try:
        if not sql.strip():
            raise QueryError("empty query")
        with _sqlite(con, sql, params, timeout) as result:
            yield result
    finally:
        con.close()


def _plain_sqlite_file(url: str) -> Path | None:
    """Return the file of a ``sqlite:///PATH`` URL that needs no URL parsing, else None.

    Query strings, percent-escapes, drivers (``sqlite+...``) and memory
    databases are left to SQLAlchemy's URL parser on the general path.
    """
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        return None
    name = url[len(prefix) :]
    if not name or name == ":memory:" or any(c in name for c in "?%#\n\r"):
        return None
    return Path(name)


def _open_current_sqlite(path: Path) -> sqlite3.Connection | None:
    """Open ``path`` read-only if it is a database at the program's head, else None.

    None sends the caller to the general path, which opens the file again and
    raises the error it has always raised (missing file, not a database, another
    program's tables, an older or unknown revision).
    """
    from events.db import SQLITE_BUSY_TIMEOUT_MS, head_revision

    if not path.is_file():
        return None
    try:
        con = readonly.open_sqlite_readonly(path, SQLITE_BUSY_TIMEOUT_MS)
    except sqlite3.Error:
        return None
    try:
        # As events.db.current_revision: alembic_version must be a table of main.
        row = con.execute(
            "SELECT (SELECT version_num FROM alembic_version) WHERE EXISTS (SELECT 1 FROM "
            "sqlite_master WHERE type = 'table' AND name = 'alembic_version')"
        ).fetchone()
        if row is not None and row[0] is not None and row[0] == head_revision():
            return con
    except sqlite3.Error:
        pass
    except BaseException:
        con.close()
        raise
    con.close()
    return None


@contextmanager
def run_query(
    database: Database,
    sql: str,
    params: Mapping[str, Any] | None = None,
    *,
    timeout: float | None = None,
) -> Iterator[QueryResult]:
    """Execute ``sql`` read-only on an open database and yield its streamed result."""
    if not sql.strip():
        raise QueryError("empty query")
    if database.dialect == "postgresql":
        with _postgres(database, sql, dict(params or {}), timeout) as result:
            yield result
        return
    # The engine's connection, made by events.readonly.open_sqlite_readonly.
    pooled = database.engine.raw_connection()
    try:
        con = pooled.driver_connection
        assert isinstance(con, sqlite3.Connection)
        with _sqlite(con, sql, params, timeout) as result:
            yield result
    finally:
        pooled.close()


@contextmanager
def _sqlite(
    con: sqlite3.Connection, sql: str, params: Mapping[str, Any] | None, timeout: float | None
) -> Iterator[QueryResult]:
    """Run one user statement on a read-only sqlite3 connection; rows stream from it."""
    if timeout:
        deadline = time.monotonic() + timeout
        con.set_progress_handler(
            lambda: 1 if time.monotonic() > deadline else 0, SQLITE_PROGRESS_STEPS
        )
    cur: sqlite3.Cursor | None = None
    try:
        try:
            con.execute("BEGIN")
            statement, values = _bind(sql, params or {})
            cur = con.cursor()
            with readonly.user_sql():  # prepared under the stricter authorizer
                cur.execute(statement, values)
            if cur.description is None:
                yield QueryResult([], iter(()))
            else:
                yield QueryResult([d[0] for d in cur.description], _fetch(cur))
        except sqlite3.Error as exc:
            raise _translate_sqlite(exc, timeout) from None
    finally:
        # Close the cursor while the connection is still open, also when the
        # reader stopped early (a closed pipe, an error while rendering).
        if cur is not None:
            cur.close()
        con.set_progress_handler(None, 0)
        if con.in_transaction:
            with contextlib.suppress(sqlite3.Error):  # closed (or reset by its pool) next
                con.rollback()


def _bind(sql: str, params: Mapping[str, Any]) -> tuple[str, list[Any]]:
    """Return ``sql`` with each :name as ``?`` and the values in order (as text() does)."""
    names = _BIND.findall(sql)
    missing = [name for name in names if name not in params]
    if missing:
        raise QueryError(
            f"A value is required for bind parameter {missing[0]!r}: pass it with -p NAME VALUE"
        )
    statement = _ESCAPED_BIND.sub(lambda m: m.group(1), _BIND.sub("?", sql))
    return statement, [params[name] for name in names]


def _fetch(cur: sqlite3.Cursor) -> Iterator[tuple[Any, ...]]:
    while batch := cur.fetchmany(STREAM_BATCH):
        yield from batch


@contextmanager
def _postgres(
    database: Database, sql: str, params: dict[str, Any], timeout: float | None
) -> Iterator[QueryResult]:
    """Run one user statement through the read-only guard (see events.readonly)."""
    import psycopg
    from sqlalchemy import text

    compiled = text(sql).compile(dialect=database.engine.dialect)
    missing = [name for name in compiled.params if name not in params]
    if missing:
        raise QueryError(
            f"A value is required for bind parameter {missing[0]!r}: pass it with -p NAME VALUE"
        )
    with database.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        try:
            with readonly.reader_transaction(raw, timeout) as guard:
                bound = {name: params[name] for name in compiled.params}
                statement = guard.parse(readonly.literal_sql(raw, str(compiled), bound))
                rows = readonly.stream_rows(guard.cur, statement.runnable)
                yield QueryResult(statement.columns, rows)
        except psycopg.Error as exc:
            raise _translate_pg(exc, timeout) from None
        finally:
            # The session's settings were changed under the driver: never reuse it.
            conn.invalidate()


def _translate_pg(exc: Exception, timeout: float | None) -> Exception:
    message = str(exc).strip()
    first = message.splitlines()[0] if message else type(exc).__name__
    sqlstate = getattr(exc, "sqlstate", None)
    if sqlstate == "25006":  # read_only_sql_transaction
        return ReadOnlyViolation(
            f"refused: queries are read-only ({first}); change data with the other commands"
        )
    if sqlstate == "42501":  # insufficient_privilege
        return ReadOnlyViolation(
            f"refused: queries run with the rights of the {_reader()} role, which may only "
            f"read the project's tables and views ({first})"
        )
    if sqlstate == "57014":  # query_canceled
        if timeout:
            return QueryError(f"query stopped after the {timeout:g} s timeout (--timeout)")
        return QueryError("query cancelled")
    return QueryError(f"SQL error: {first}")


def _reader() -> str:
    from events.readonly import READER_ROLE

    return READER_ROLE


def _translate_sqlite(exc: sqlite3.Error, timeout: float | None) -> Exception:
    """Return the one-line error for a sqlite3 error raised by a user's statement."""
    message = str(exc)
    first = message.strip().splitlines()[0] if message.strip() else type(exc).__name__
    lowered = first.lower()
    if "one statement at a time" in lowered:
        return ReadOnlyViolation("refused: a query is one SQL statement; this text holds several")
    if isinstance(exc, sqlite3.DatabaseError) and lowered.startswith("not authorized"):
        reason = readonly.take_denial()
        if reason is not None:
            return ReadOnlyViolation(f"refused: {reason}")
    if "attempt to write a readonly database" in lowered or (
        isinstance(exc, sqlite3.DatabaseError) and lowered == "not authorized"
    ):
        return ReadOnlyViolation(
            f"refused: queries are read-only ({first}); change data with the other commands"
        )
    if timeout and lowered == "interrupted":
        return QueryError(f"query stopped after the {timeout:g} s timeout (--timeout)")
    if "parameter" in lowered:
        return QueryError(f"{first}: pass it with -p NAME VALUE")
    return QueryError(f"SQL error: {first}")
