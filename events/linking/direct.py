"""Run the store's pre-built Core statements on the driver's cursor (SQLite).

Storing a short article runs a dozen small statements. Through SQLAlchemy's
``Connection.execute`` each paid ~0.1 ms of execution-context set-up, parameter
processing and result wrapping, more than SQLite's own work. :func:`run` compiles
a statement once per set of parameter names (SQLAlchemy's compiler, with its
bind and result processors: the same SQL and the same stored values) and then
executes it straight on the ``sqlite3`` cursor of the connection's transaction.
Driver errors are raised as SQLAlchemy's exceptions (``IntegrityError``,
``OperationalError`` ...), as ``Connection.execute`` raises them.

On other engines (PostgreSQL) :func:`run` is ``Connection.execute``: a statement
there costs a round trip to the server, which the set-up does not dominate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

_Row = tuple[Any, ...]
_Params = Mapping[str, Any] | Sequence[Mapping[str, Any]] | None


class _Plan:
    """A statement compiled for SQLite, with what it takes to bind and read it."""

    __slots__ = (
        "stmt", "sql", "names", "procs", "processed", "static", "expanding", "results", "sized",
    )  # fmt: skip

    def __init__(self, stmt: Any, keys: tuple[str, ...] | None, dialect: Any) -> None:
        compiled = stmt.compile(dialect=dialect, column_keys=list(keys) if keys else None)
        self.stmt = stmt  # held so that the id() keying the plan stays this statement's
        self.sql: str = compiled.string
        self.names: list[str] = list(compiled.positiontup or [])
        binds = compiled.binds
        self.procs: list[Callable[[Any], Any] | None] = [
            binds[n].type._cached_bind_processor(dialect) for n in self.names
        ]
        self.processed = [(i, p) for i, p in enumerate(self.procs) if p is not None]
        self.expanding = {n for n in self.names if binds[n].expanding}
        # Values the statement carries itself (LIMIT 1) and scalar column defaults.
        self.static: dict[str, Any] = {
            n: binds[n].effective_value for n in self.names if not binds[n].required
        }
        for col in getattr(compiled, "insert_prefetch", ()):
            if col.default is None or not col.default.is_scalar:
                raise NotImplementedError(f"default of {col} is not a constant")
            self.static[col.key] = col.default.arg
        columns: list[Any] = []
        if not getattr(stmt, "is_dml", False) and hasattr(stmt, "selected_columns"):
            columns = [c.type for c in stmt.selected_columns]
        elif getattr(stmt, "returning_column_descriptions", None):
            columns = [d["type"] for d in stmt.returning_column_descriptions]
        procs = [t._cached_result_processor(dialect, None) for t in columns]
        self.results: list[Callable[[Any], Any] | None] | None = (
            procs if any(p is not None for p in procs) else None
        )
        self.sized: dict[tuple[int, ...], str] = {}

    def bind(self, params: Mapping[str, Any]) -> tuple[str, list[Any]]:
        if not self.expanding:  # the common case, kept short
            if self.static:
                params = {**self.static, **params}
            values = [params[name] for name in self.names]
            for i, proc in self.processed:
                values[i] = proc(values[i])
            return self.sql, values
        values = []
        sizes: list[int] = []
        static = self.static
        for name, maybe in zip(self.names, self.procs, strict=True):
            value = params[name] if name in params else static[name]
            if name in self.expanding:
                items = list(value)
                if not items:
                    raise _Fallback
                sizes.append(len(items))
                values.extend(items if maybe is None else [maybe(v) for v in items])
            else:
                values.append(value if maybe is None else maybe(value))
        if not sizes:
            return self.sql, values
        key = tuple(sizes)
        sql = self.sized.get(key)
        if sql is None:
            sql = self.sql
            expanded = [n for n in self.names if n in self.expanding]
            for name, size in zip(expanded, sizes, strict=True):
                sql = sql.replace(f"__[POSTCOMPILE_{name}]", ", ".join("?" * size), 1)
            sql = self.sized[key] = sql
        return sql, values

    def rows(self, raw: list[_Row]) -> list[_Row]:
        procs = self.results
        if procs is None:
            return raw
        return [
            tuple(v if p is None else p(v) for p, v in zip(procs, row, strict=True)) for row in raw
        ]


class _Fallback(Exception):
    """A statement or parameters this module does not bind itself (an empty IN list)."""


_PLANS: dict[tuple[int, tuple[str, ...] | None], _Plan | None] = {}


def _plan_of(stmt: Any, keys: tuple[str, ...] | None, dialect: Any) -> _Plan | None:
    key = (id(stmt), keys)
    if key in _PLANS:
        plan = _PLANS[key]
        if plan is None or plan.stmt is stmt:
            return plan
    try:
        plan = _Plan(stmt, keys, dialect)
    except NotImplementedError:
        plan = None
    _PLANS[key] = plan
    return plan


def run(conn: Connection, stmt: Any, params: _Params = None) -> list[_Row]:
    """Execute ``stmt`` with ``params`` (a dict, or a list for executemany) on ``conn``.

    Return the rows it gives (RETURNING too) as tuples, values as ``execute`` gives them.
    ``stmt`` must be built once and kept (its plan is cached by identity); insert and
    update parameters name columns.
    """
    if conn.dialect.name != "sqlite":
        return _through_sqlalchemy(conn, stmt, params)
    many = isinstance(params, Sequence) and not isinstance(params, Mapping)
    rows_in: Sequence[Mapping[str, Any]] = (
        params if many else [params or {}]  # type: ignore[list-item,assignment]
    )
    if not rows_in:
        return []
    is_dml = getattr(stmt, "is_dml", False)
    keys = tuple(rows_in[0]) if is_dml else None
    plan = _plan_of(stmt, keys, conn.dialect)
    if plan is None:
        return _through_sqlalchemy(conn, stmt, params)
    try:
        bound = [plan.bind(p) for p in rows_in]
    except _Fallback:
        return _through_sqlalchemy(conn, stmt, params)
    dbapi = conn.connection.driver_connection
    assert dbapi is not None
    cursor = dbapi.cursor()
    sql = bound[0][0]
    try:
        if len(bound) == 1:
            cursor.execute(sql, bound[0][1])
            raw = cursor.fetchall() if cursor.description is not None else []
        elif _no_rows(plan) and all(b[0] == sql for b in bound):
            cursor.executemany(sql, [values for _, values in bound])
            raw = []
        else:
            raw = []
            for sql_i, values in bound:
                cursor.execute(sql_i, values)
                if cursor.description is not None:
                    raw.extend(cursor.fetchall())
    except conn.dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(
            sql, bound[0][1], exc, conn.dialect.loaded_dbapi.Error, dialect=conn.dialect
        ) from exc
    finally:
        cursor.close()
    return plan.rows(raw)


def _no_rows(plan: _Plan) -> bool:
    """Whether the statement returns no rows (no SELECT, no RETURNING): executemany is fine."""
    return not plan.sql.lstrip().upper().startswith("SELECT") and " RETURNING " not in plan.sql


def _through_sqlalchemy(conn: Connection, stmt: Any, params: _Params) -> list[_Row]:
    result = conn.execute(stmt, params)  # type: ignore[arg-type]
    return [tuple(row) for row in result] if result.returns_rows else []


@contextmanager
def savepoint(conn: Connection) -> Iterator[None]:
    """Run the block under a savepoint of ``conn``'s transaction: an error undoes the block only.

    On SQLite the three statements go straight to the driver (the connection-level
    ``begin_nested`` costs more than the small article it guards); elsewhere this is
    ``Connection.begin_nested``.
    """
    if conn.dialect.name != "sqlite":
        with conn.begin_nested():
            yield
        return
    dbapi = conn.connection.driver_connection
    assert dbapi is not None
    _driver(conn, dbapi, "SAVEPOINT events_article")
    try:
        yield
    except BaseException:
        _driver(conn, dbapi, "ROLLBACK TO SAVEPOINT events_article")
        _driver(conn, dbapi, "RELEASE SAVEPOINT events_article")
        raise
    _driver(conn, dbapi, "RELEASE SAVEPOINT events_article")


def _driver(conn: Connection, dbapi: Any, sql: str) -> None:
    try:
        dbapi.execute(sql)
    except conn.dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(
            sql, (), exc, conn.dialect.loaded_dbapi.Error, dialect=conn.dialect
        ) from exc
