"""Run researchers' ad-hoc SQL read-only, streaming the rows.

Read-only is enforced by each database's own mechanism, never by parsing SQL:
SQLite opens the file with ``mode=ro`` (and an authorizer that refuses ATTACH);
PostgreSQL runs the query in a ``READ ONLY`` transaction.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, StatementError

from events.db import Database, take_denial, user_sql
from events.errors import QueryError, ReadOnlyViolation

#: Rows fetched per round trip when streaming; small enough for flat memory,
#: large enough that the driver overhead is amortised.
STREAM_BATCH = 1000

#: SQLite calls the progress handler every N virtual-machine steps; at this
#: interval a timeout is noticed within a few milliseconds.
SQLITE_PROGRESS_STEPS = 10_000


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
def run_query(
    database: Database,
    sql: str,
    params: Mapping[str, Any] | None = None,
    *,
    timeout: float | None = None,
) -> Iterator[QueryResult]:
    """Execute ``sql`` read-only and yield its streamed result."""
    if not sql.strip():
        raise QueryError("empty query")
    if database.dialect == "postgresql":
        with _postgres(database, sql, dict(params or {}), timeout) as result:
            yield result
        return
    with database.engine.connect() as conn:
        streamed: QueryResult | None = None
        try:
            streamed = _sqlite(conn, sql, params, timeout)
            yield streamed
        except (DBAPIError, StatementError) as exc:
            raise _translate(exc, timeout) from None
        finally:
            # Close the cursor while the connection is still open, also when the
            # reader stopped early (a closed pipe, an error while rendering).
            close = getattr(streamed.rows, "close", None) if streamed is not None else None
            if close is not None:
                close()
            raw = conn.connection.dbapi_connection
            if raw is not None:
                raw.set_progress_handler(None, 0)  # type: ignore[attr-defined]


def _stream(conn: Connection, sql: str, params: Mapping[str, Any] | None) -> QueryResult:
    with user_sql():  # prepared under the stricter authorizer (no BEGIN/COMMIT/PRAGMA x=y)
        result = conn.execute(
            text(sql),
            dict(params or {}),
            execution_options={"stream_results": True, "yield_per": STREAM_BATCH},
        )
    if not result.returns_rows:
        result.close()
        return QueryResult([], iter(()))
    columns = list(result.keys())

    def rows() -> Iterator[tuple[Any, ...]]:
        try:
            for row in result:
                yield tuple(row)
        finally:
            result.close()

    return QueryResult(columns, rows())


def _sqlite(
    conn: Connection, sql: str, params: Mapping[str, Any] | None, timeout: float | None
) -> QueryResult:
    if timeout:
        deadline = time.monotonic() + timeout
        raw = conn.connection.dbapi_connection
        assert raw is not None
        raw.set_progress_handler(  # type: ignore[attr-defined]
            lambda: 1 if time.monotonic() > deadline else 0, SQLITE_PROGRESS_STEPS
        )
    conn.begin()
    return _stream(conn, sql, params)


@contextmanager
def _postgres(
    database: Database, sql: str, params: dict[str, Any], timeout: float | None
) -> Iterator[QueryResult]:
    """Run one user statement through the read-only guard (see events.readonly)."""
    import psycopg

    from events import readonly

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


def _translate(exc: DBAPIError | StatementError, timeout: float | None) -> Exception:
    orig = getattr(exc, "orig", None)
    message = str(orig) if orig is not None else str(exc)
    first = message.strip().splitlines()[0] if message.strip() else type(exc).__name__
    lowered = first.lower()
    sqlstate = getattr(orig, "sqlstate", None)
    if "one statement at a time" in lowered:
        return ReadOnlyViolation("refused: a query is one SQL statement; this text holds several")
    if isinstance(orig, sqlite3.DatabaseError) and lowered.startswith("not authorized"):
        reason = take_denial()
        if reason is not None:
            return ReadOnlyViolation(f"refused: {reason}")
    if (
        sqlstate == "25006"  # PostgreSQL: read_only_sql_transaction
        or "attempt to write a readonly database" in lowered
        or (isinstance(orig, sqlite3.DatabaseError) and lowered == "not authorized")
    ):
        return ReadOnlyViolation(
            f"refused: queries are read-only ({first}); change data with the other commands"
        )
    if timeout and (lowered == "interrupted" or sqlstate == "57014"):  # 57014: query_canceled
        return QueryError(f"query stopped after the {timeout:g} s timeout (--timeout)")
    if isinstance(exc, StatementError) and "parameter" in lowered:
        return QueryError(f"{first}: pass it with -p NAME VALUE")
    return QueryError(f"SQL error: {first}")
