"""Build the Datasette application that ``events serve`` runs and the tests query.

Imported only when Datasette is installed (the ``web`` extra).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.request import pathname2url

from datasette.app import Datasette
from datasette.database import Database
from datasette.plugins import pm

from events.errors import DatabaseError
from events.web import plugin
from events.web.metadata import DB_NAME, build_metadata

PLUGIN_NAME = "conflict-events"


@dataclass(frozen=True)
class ServeMode:
    """How the file is opened: immutable (fastest, nothing may write it) or read-only."""

    immutable: bool
    reason: str


def choose_mode(path: Path, *, live: bool = False) -> ServeMode:
    """Serve immutable unless asked to follow writes or a write-ahead log holds data.

    Immutable mode reads the main file only: rows still in a non-empty ``-wal`` file
    (an ingest running, or one that has not checkpointed) would be invisible, so such a
    database is served in plain read-only mode, which sees them.
    """
    if live:
        return ServeMode(False, "read-only, following writes (--live)")
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        return ServeMode(
            False, "read-only (not immutable: its write-ahead log holds rows not yet in the file)"
        )
    return ServeMode(True, "immutable (do not write to it while serving; --live follows writes)")


class _EventsDatabase(Database):  # type: ignore[misc]
    """Datasette's file database, opened by a URI that survives any character in the path."""

    def connect(self, write: bool = False) -> sqlite3.Connection:
        if write:
            raise DatabaseError("events serve never writes to the database")
        mode = "immutable=1" if not self.is_mutable else "mode=ro"
        uri = f"file:{pathname2url(str(Path(self.path).resolve()))}?{mode}"
        conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
        conn.execute("PRAGMA query_only = 1")
        self._all_file_connections.append(conn)
        return conn


def check_database(path: Path) -> None:
    """Refuse a path that is not an events database, in one readable line."""
    if not path.is_file():
        raise DatabaseError(f"database {path} does not exist: run `events init` first")
    uri = f"file:{pathname2url(str(path.resolve()))}?mode=ro"
    try:
        con = sqlite3.connect(uri, uri=True)
        try:
            names = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{path} is not a SQLite database ({exc})") from None
    if "events_flat" not in names or "claims_flat" not in names:
        raise DatabaseError(f"{path} has no events schema: run `events --db {path} init`")


def make_datasette(
    path: Path, *, immutable: bool = True, settings: dict[str, Any] | None = None
) -> Datasette:
    """Return a Datasette serving ``path`` as /events, with the project's metadata."""
    check_database(path)
    if not pm.is_registered(plugin):
        pm.register(plugin, name=PLUGIN_NAME)
    templates = Path(str(resources.files("events.web") / "templates"))
    ds = Datasette(
        files=[],
        metadata=build_metadata(path.name),
        template_dir=str(templates),
        settings={
            "sql_time_limit_ms": 5000,
            "facet_time_limit_ms": 500,
            # Suggesting facets tries every column of the wide views: seconds per page.
            "suggest_facets": False,
            **(settings or {}),
        },
    )
    ds.remove_database("_memory")
    ds.add_database(_EventsDatabase(ds, str(path), is_mutable=not immutable), name=DB_NAME)
    return ds
