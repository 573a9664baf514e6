"""Export claims or events as CSV, TSV or JSON lines, in our own or ACLED's or UCDP's columns.

The export is one SQL statement over the ``claims_flat`` / ``events_flat`` views,
run on a read-only connection and streamed straight into :mod:`csv`: filters,
codebook codes and spreadsheet-formula neutralisation are all SQL expressions,
so no Python code runs per cell and memory stays flat whatever the database size.

Profiles:

* ``native`` -- the view's own columns (``events query "select * from claims_flat"``).
* ``acled`` -- ACLED's column names and codes (inter codes from ``seeds/acled_inter.tsv``,
  regions from ``seeds/country_regions.tsv``).
* ``ucdp`` -- the UCDP GED columns we can fill, in UCDP's order; the others are omitted
  (``country_id`` and ``region`` from ``seeds/country_regions.tsv``).

This module runs the export (one process or several, to a path with a manifest); the options
and the SQL statement are in :mod:`events.export_query`, the profiles' columns in
:mod:`events.export_profiles` and the writers in :mod:`events.export_write`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from events import EXTRACTOR_VERSION, __version__, readonly
from events.db import Database, current_revision, describe, take_denial
from events.errors import EventsError, QueryError, ReadOnlyViolation
from events.export_profiles import ACLED_DISORDER as ACLED_DISORDER
from events.export_profiles import ACLED_GEO_PRECISION as ACLED_GEO_PRECISION
from events.export_profiles import ACLED_TIME_PRECISION as ACLED_TIME_PRECISION
from events.export_profiles import ACLED_WEEK_DAYS as ACLED_WEEK_DAYS
from events.export_profiles import EMPTY as EMPTY
from events.export_profiles import FORMULA_PADDING as FORMULA_PADDING
from events.export_profiles import FORMULA_STARTS as FORMULA_STARTS
from events.export_profiles import UCDP_DATE_PREC as UCDP_DATE_PREC
from events.export_profiles import UCDP_SPAN_DAYS as UCDP_SPAN_DAYS
from events.export_profiles import UCDP_WHERE_PREC as UCDP_WHERE_PREC
from events.export_profiles import country_codes as country_codes
from events.export_profiles import profile_columns as profile_columns
from events.export_query import FORMATS as FORMATS
from events.export_query import LEVELS as LEVELS
from events.export_query import NATIVE_CONTROLLED as NATIVE_CONTROLLED
from events.export_query import NATIVE_NUMERIC as NATIVE_NUMERIC
from events.export_query import PROFILES as PROFILES
from events.export_query import ExportError as ExportError
from events.export_query import ExportOptions as ExportOptions
from events.export_query import ExportResult as ExportResult
from events.export_query import Filters as Filters
from events.export_query import _check
from events.export_query import build_query as build_query
from events.export_write import CSV_BATCH_ROWS as CSV_BATCH_ROWS
from events.export_write import PROGRESS_EVERY as PROGRESS_EVERY
from events.export_write import csv_writer as csv_writer
from events.export_write import write_rows as write_rows
from events.lexicon import UCDP_REGIONS as UCDP_REGIONS  # re-exported: the codebook's names
from events.lexicon import InterRule as InterRule
from events.lexicon import inter_rules as inter_rules

#: Rows fetched per round trip from a PostgreSQL server-side cursor: big enough to
#: amortise the round trip, small enough that memory stays flat (a few MB).
PG_FETCH_ROWS = 5000

#: Buffer of the output file: fewer, larger writes than the 8 KiB default.
WRITE_BUFFER = 1 << 20


# --- running and writing --------------------------------------------------------------


@contextmanager
def _rows(database: Database, options: ExportOptions) -> Iterator[tuple[list[str], Iterator[Any]]]:
    """Run the export query read-only and yield its columns and a streaming row iterator."""
    if database.dialect == "postgresql":
        with _pg_guarded(database, options) as (guard, parsed, names):
            yield names, readonly.stream_rows(guard.cur, parsed.runnable)
        return
    with database.engine.connect() as conn:
        try:
            statement, params, columns = build_query(conn, options, database.dialect)
            raw = conn.connection.dbapi_connection
            assert raw is not None
            cursor: Any = raw.cursor()
            cursor.execute(statement, params)
            try:
                yield columns, iter(cursor)
            finally:
                cursor.close()
        except (sqlite3.Error, DBAPIError) as exc:
            raise _sql_error(exc) from None


@contextmanager
def _pg_guarded(
    database: Database, options: ExportOptions
) -> Iterator[tuple[readonly.Guard, readonly.PgStatement, list[str]]]:
    """Build the export's statement, then hold it parsed inside the reader transaction.

    The look-ups behind the filters (countries, actors) run first on the plain
    read-only connection; the statement itself runs through events.readonly
    (one statement, rows only, the reader role).
    """
    with database.engine.connect() as conn:
        try:
            statement, params, columns = build_query(conn, options, database.dialect)
            conn.rollback()
            raw = conn.connection.dbapi_connection
            assert raw is not None
            # psycopg's pyformat: literal % in the SQL (user --where, LIKE) must double.
            statement = re.sub(r":(xp_\d+)\b", r"%(\1)s", statement.replace("%", "%%"))
            with readonly.reader_transaction(raw) as guard:
                literal = readonly.literal_sql(raw, statement, params)
                yield guard, guard.parse(literal, what="the export"), columns
        except DBAPIError as exc:
            raise _sql_error(exc) from None
        except Exception as exc:
            if type(exc).__module__.startswith("psycopg"):
                raise _sql_error(exc) from None
            raise
        finally:
            # The session's settings were changed under the driver: never reuse it.
            conn.invalidate()


def _sql_error(exc: Exception) -> EventsError:
    orig = getattr(exc, "orig", None) or exc
    lines = str(orig).strip().splitlines()
    first = lines[0] if lines else type(orig).__name__
    low = first.lower()
    if low.startswith("not authorized"):
        reason = take_denial()
        if reason is not None:
            return ReadOnlyViolation(f"refused: {reason}")
    if getattr(orig, "sqlstate", None) == "42501":  # insufficient_privilege
        return ReadOnlyViolation(
            f"refused: exports run with the rights of the {readonly.READER_ROLE} role, which "
            f"may only read the project's tables and views ({first})"
        )
    if "read-only" in low or "readonly" in low.replace(" ", "") or "not authorized" in low:
        return ReadOnlyViolation(f"refused: exports are read-only ({first})")
    if "one statement at a time" in low:
        return QueryError(f"refused: --where takes one SQL condition, not statements ({first})")
    return QueryError(f"SQL error (check --where and the filters): {first}")


def export(
    database: Database,
    out: IO[str],
    options: ExportOptions,
    *,
    progress: Callable[[int], None] | None = None,
) -> ExportResult:
    """Stream the export described by ``options`` to the text stream ``out``."""
    _check(options)
    if database.dialect == "postgresql" and options.fmt in ("csv", "tsv"):
        return _copy_out(database, out, options, progress)
    with _rows(database, options) as (columns, rows):
        try:
            count = write_rows(
                out, columns, rows, options.fmt, headers=options.headers, progress=progress
            )
        except (sqlite3.Error, DBAPIError) as exc:
            raise _sql_error(exc) from None
    return ExportResult(columns, count)


def _copy_out(
    database: Database,
    out: IO[str],
    options: ExportOptions,
    progress: Callable[[int], None] | None,
) -> ExportResult:
    """Let PostgreSQL write the CSV itself (COPY ... TO STDOUT), streamed in chunks.

    The server's CSV writer is several times faster than building rows in Python;
    values are the ones the query path prints (dates as text, flags as 0/1), and
    formula neutralisation is already part of the SELECT.
    """
    with _pg_guarded(database, options) as (guard, statement, columns):
        delimiter = "," if options.fmt == "csv" else "\t"
        header = "true" if options.headers else "false"
        copy_sql = (
            f"COPY ({statement.runnable}) TO STDOUT WITH (FORMAT csv, HEADER {header}, "
            f"DELIMITER E'{delimiter}')"
        )
        readonly.check_copy(guard.raw, copy_sql)
        try:
            with guard.cur.copy(copy_sql) as copy:
                # The server sends the header before the first row is computed:
                # hold one chunk back so a failing statement writes nothing.
                pending = None
                for chunk in copy:
                    if pending is not None:
                        out.write(pending)
                    pending = bytes(chunk).decode("utf-8")
                if pending is not None:
                    out.write(pending)
            rows = guard.cur.rowcount
        except (KeyboardInterrupt, BrokenPipeError):
            # Stop the server's COPY: a rollback on a connection still busy with
            # COPY would fail with a second error (the connection is dropped after).
            guard.raw.cancel_safe()
            raise
    if progress is not None:
        progress(rows)
    return ExportResult(columns, rows)


#: Below this many rows one process is quicker than starting several.
PARALLEL_MIN_ROWS = 50_000


def key_ranges(database: Database, options: ExportOptions) -> list[tuple[int, int]]:
    """Split the ids of the exported table into ``options.jobs`` ranges (none if small)."""
    if options.jobs <= 1:
        return []
    table = "claims" if options.resolved_level == "claims" else "events"
    with database.engine.connect() as conn:
        low, high, count = conn.execute(
            text(f"SELECT min(id), max(id), count(*) FROM {table}")
        ).one()
    if not count or count < PARALLEL_MIN_ROWS:
        return []
    step = -(-(high - low + 1) // options.jobs)
    return [(start, min(high, start + step - 1)) for start in range(low, high + 1, step)]


def _export_part(url: str, options: ExportOptions, path: str) -> int:
    """Export one id range to ``path`` (runs in a worker process with its own connection)."""
    from events.db import open_database

    database = open_database(url, readonly=True, require_current=False)
    try:
        with open(path, "w", encoding="utf-8", newline="", buffering=WRITE_BUFFER) as fh:
            return export(database, fh, options).rows
    finally:
        database.dispose()


def export_parallel(
    database: Database, out: IO[bytes], options: ExportOptions
) -> ExportResult | None:
    """Export with ``options.jobs`` processes, one id range each, parts joined in order.

    The rows are the same, in the same order, as a one-process export: each part is
    ordered by id and the ranges are consecutive. Returns None when the table is
    too small to be worth it (the caller then exports in one process).
    """
    import multiprocessing
    import shutil
    import tempfile
    from concurrent.futures import ProcessPoolExecutor
    from dataclasses import replace

    _check(options)
    ranges = key_ranges(database, options)
    if len(ranges) < 2:
        return None
    with database.engine.connect() as conn:  # errors in the filters surface here, once
        statement, _params, columns = build_query(conn, replace(options, key_range=(0, -1)),
                                                  database.dialect)  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="events-export-") as tmp:
        parts = [str(Path(tmp) / f"part-{i}") for i in range(len(ranges))]
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(len(ranges), mp_context=context) as pool:
            futures = [
                pool.submit(_export_part, database.url,
                            replace(options, key_range=r, headers=options.headers and i == 0,
                                    jobs=1), part)
                for i, (r, part) in enumerate(zip(ranges, parts, strict=True))
            ]  # fmt: skip
            counts = [f.result() for f in futures]
        for part in parts:
            with open(part, "rb") as fh:
                shutil.copyfileobj(fh, out, WRITE_BUFFER)
    return ExportResult(columns, sum(counts))


def export_to_path(
    database: Database,
    path: Path,
    options: ExportOptions,
    *,
    progress: Callable[[int], None] | None = None,
    manifest: bool = True,
    overwrite: bool = False,
) -> ExportResult:
    """Export to ``path`` atomically (``PATH.partial`` renamed on success) plus a manifest.

    An existing file (or manifest) is refused unless ``overwrite``: an export
    path mistyped as one of the inputs would otherwise replace it without a word.
    """
    _check(options)
    path = Path(path)
    if path.is_dir():
        raise ExportError(f"{path} is a directory: give a file name")
    if not path.parent.exists():
        raise ExportError(f"directory {path.parent} does not exist")
    written = [path, manifest_path(path)] if manifest else [path]
    # lexists: a dangling symlink would be replaced too.
    existing = next((p for p in written if os.path.lexists(p)), None)
    if existing is not None and not overwrite:
        raise ExportError(f"{existing} exists: add --force to overwrite it, or choose another file")
    partial = path.with_name(path.name + ".partial")
    started = dt.datetime.now(dt.UTC)
    try:
        with partial.open("wb") as out:
            parallel = export_parallel(database, out, options)
        if parallel is not None:
            result = parallel
        else:
            with partial.open("w", encoding="utf-8", newline="", buffering=WRITE_BUFFER) as fh:
                result = export(database, fh, options, progress=progress)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    result.path = path
    if manifest:
        result.manifest = build_manifest(database, path, options, result, started)
        manifest_path(path).write_text(
            json.dumps(result.manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    return result


def manifest_path(path: Path) -> Path:
    """Return where the manifest of an export file goes (``FILE.manifest.json``)."""
    return path.with_name(path.name + ".manifest.json")


def build_manifest(
    database: Database,
    path: Path,
    options: ExportOptions,
    result: ExportResult,
    started: dt.datetime,
) -> dict[str, Any]:
    """Return what a reader needs to cite and reproduce an export file."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    with database.engine.connect() as conn:
        versions = sorted(
            conn.execute(text("SELECT DISTINCT extractor_version FROM claims")).scalars()
        )
        # Curation (issue 10): corrected claims are in the file, rejected ones are not.
        curated, rejected, edits = conn.execute(
            text(
                "SELECT (SELECT count(*) FROM claims WHERE status = 'curated'),"
                " (SELECT count(*) FROM claims WHERE status = 'rejected'),"
                " (SELECT count(*) FROM edits)"
            )
        ).one()
    return {
        "file": path.name,
        "sha256": digest.hexdigest(),
        "rows": result.rows,
        "columns": result.columns,
        "profile": options.profile,
        "level": options.resolved_level,
        "format": options.fmt,
        "formula_neutralisation": options.neutralise and options.fmt in ("csv", "tsv"),
        "filters": options.filters.as_json(),
        "database": {
            "url": describe(database.url),
            "dialect": database.dialect,
            "revision": current_revision(database.engine, database.url),
        },
        "extractor_versions_in_database": versions,
        "curation_in_database": {
            "curated_claims": curated,
            "rejected_claims_hidden": rejected,
            "edits": edits,
        },
        "program": {
            "name": "conflict-events",
            "version": __version__,
            "extractor_version": EXTRACTOR_VERSION,
        },
        "started": started.isoformat(timespec="seconds"),
        "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
