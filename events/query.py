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

from events.db import Database
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
    with database.engine.connect() as conn:
        result: QueryResult | None = None
        try:
            if database.dialect == "sqlite":
                result = _sqlite(conn, sql, params, timeout)
            else:
                result = _postgres(conn, sql, params, timeout)
            yield result
        except (DBAPIError, StatementError) as exc:
            raise _translate(exc, timeout) from None
        finally:
            # Close the cursor while the connection is still open, also when the
            # reader stopped early (a closed pipe, an error while rendering).
            close = getattr(result.rows, "close", None) if result is not None else None
            if close is not None:
                close()
            if database.dialect == "sqlite":
                raw = conn.connection.dbapi_connection
                if raw is not None:
                    raw.set_progress_handler(None, 0)  # type: ignore[attr-defined]


def _stream(conn: Connection, sql: str, params: Mapping[str, Any] | None) -> QueryResult:
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


def _postgres(
    conn: Connection, sql: str, params: Mapping[str, Any] | None, timeout: float | None
) -> QueryResult:
    conn.begin()
    # Before any query, so a SET in the user's SQL cannot make it read-write.
    conn.exec_driver_sql("SET TRANSACTION READ ONLY")
    warnings = []
    if conn.exec_driver_sql(_CAN_WRITE_FILES).scalar():
        warnings.append(
            "connected as a role that may write server files: PostgreSQL runs COPY ... TO "
            "'file' even in a read-only transaction; query shared databases with a role that "
            "is not superuser nor a member of pg_write_server_files"
        )
    if timeout:
        conn.exec_driver_sql(f"SET LOCAL statement_timeout = {int(timeout * 1000)}")
    savepoint = conn.begin_nested()
    try:
        streamed = _stream(conn, sql, params)
        streamed.warnings = warnings
        return streamed
    except DBAPIError as exc:
        # A server-side cursor takes only SELECT/VALUES; run anything else
        # (EXPLAIN, SHOW, a write that the read-only transaction will refuse)
        # on a plain cursor so the user sees the server's own verdict.
        if "DECLARE" not in str(exc.orig) and "multiple commands" not in str(exc.orig):
            raise
        savepoint.rollback()
        result = conn.execute(text(sql), dict(params or {}))
        if not result.returns_rows:
            return QueryResult([], iter(()), warnings)
        return QueryResult(list(result.keys()), (tuple(r) for r in result), warnings)


_CAN_WRITE_FILES = (
    "SELECT rolsuper OR pg_has_role(current_user, 'pg_write_server_files', 'MEMBER') "
    "FROM pg_roles WHERE rolname = current_user"
)


def _translate(exc: DBAPIError | StatementError, timeout: float | None) -> Exception:
    orig = getattr(exc, "orig", None)
    message = str(orig) if orig is not None else str(exc)
    first = message.strip().splitlines()[0] if message.strip() else type(exc).__name__
    lowered = first.lower()
    sqlstate = getattr(orig, "sqlstate", None)
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
