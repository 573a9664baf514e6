"""Load the seed dictionaries into the database (``events init``).

Idempotent: rows are keyed (actor key, location key, alias, crosswalk type/mode),
missing ones are inserted with ON CONFLICT DO NOTHING, so running it twice, or two
processes at once, leaves the same rows.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from events.models import Actor, ActorAlias, EventType, Location
from events.seeds import read_tsv, split_multi

log = logging.getLogger(__name__)

_SPACES = re.compile(r"\s+")


def normalize_alias(text: str) -> str:
    """Return the lookup form of an alias: NFKC, casefolded, straight quotes, one space."""
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'")
    return _SPACES.sub(" ", text).strip().casefold()


def insert_ignore(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows``, skipping any that collide with a unique key already stored."""
    if not rows:
        return
    # One order for every writer: concurrent transactions then lock unique-index
    # entries in the same sequence and cannot deadlock each other.
    rows = sorted(rows, key=lambda r: tuple(str(v) for v in r.values()))
    stmt = _insert_ignore_statement(table, session.get_bind().dialect.name)
    for start in range(0, len(rows), 500):
        session.execute(stmt, rows[start : start + 500])


@functools.cache
def _insert_ignore_statement(table: Table, dialect: str) -> Any:
    # Built once per table: constructing ON CONFLICT clauses costs ~1 ms each.
    if dialect == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite.insert(table).on_conflict_do_nothing()
    raise NotImplementedError(dialect)  # pragma: no cover - other engines not supported yet


def _float(cell: str) -> float | None:
    try:
        return float(cell) if cell else None
    except ValueError:
        return None


def seed_rows() -> dict[str, list[Any]]:
    """Read the seed files into rows for actors, aliases, locations and crosswalk."""
    actors: list[dict[str, Any]] = []
    aliases: list[tuple[str, str, str]] = []  # (actor key, alias, kind)
    locations: list[dict[str, Any]] = []

    for row in read_tsv("countries.tsv"):
        code = row["alpha3"]
        actors.append(
            {"key": code, "name": row["name"], "kind": "state", "country": code,
             "sector": None, "wikidata": None, "origin": "seed"}
        )  # fmt: skip
        aliases.append((code, row["name"], "name"))
        aliases += [(code, a, "name") for a in split_multi(row.get("aliases", ""))]
        aliases += [(code, a, "adjective") for a in split_multi(row.get("adjectives", ""))]
        if row.get("capital") and row.get("capital_metonym", "yes") != "no":
            aliases.append((code, row["capital"], "capital"))
        lat = _float(row.get("latitude", "") or row.get("capital_lat", ""))
        lon = _float(row.get("longitude", "") or row.get("capital_lon", ""))
        locations.append(
            {"key": f"country:{code}", "name": row["name"], "admin1": None, "country": code,
             "latitude": lat, "longitude": lon, "precision": "country"}
        )  # fmt: skip

    for row in read_tsv("actors.tsv"):
        actors.append(
            {"key": row["key"], "name": row["name"], "kind": row["kind"] or "organisation",
             "country": row["country"] or None, "sector": row["sector"] or None,
             "wikidata": row.get("wikidata") or None, "origin": "seed"}
        )  # fmt: skip
        aliases.append((row["key"], row["name"], "name"))
        aliases += [(row["key"], a, "name") for a in split_multi(row.get("aliases", ""))]

    for row in read_tsv("regions.tsv"):
        locations.append(
            {"key": "region:" + _slug(row["name"]), "name": row["name"],
             "admin1": row.get("admin1") or None, "country": row.get("country") or None,
             "latitude": _float(row.get("latitude", "")),
             "longitude": _float(row.get("longitude", "")),
             "precision": row.get("precision") or "region"}
        )  # fmt: skip

    crosswalk = [
        {"plover_type": r["plover_type"], "mode": r.get("mode", ""),
         "acled_event_type": r.get("acled_event_type") or None,
         "acled_sub_event_type": r.get("acled_sub_event_type") or None,
         "cameo_root": r.get("cameo_root") or None, "description": r.get("description") or None}
        for r in read_tsv("plover_types.tsv")
    ]  # fmt: skip
    return {"actors": actors, "aliases": aliases, "locations": locations, "crosswalk": crosswalk}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", normalize_alias(text)).strip("-")


def load_seeds(session: Session) -> dict[str, int]:
    """Insert the seed dictionaries that are not stored yet; return table row counts."""
    rows = seed_rows()
    insert_ignore(session, Actor.__table__, dedupe(rows["actors"], "key"))  # type: ignore[arg-type]
    ids: dict[str, int] = {k: i for k, i in session.execute(select(Actor.key, Actor.id))}
    alias_rows = dedupe(
        (
            {"actor_id": ids[key], "alias": alias, "normalized": normalize_alias(alias),
             "kind": kind}
            for key, alias, kind in rows["aliases"]
            if key in ids
        ),
        "actor_id", "normalized",
    )  # fmt: skip
    insert_ignore(session, ActorAlias.__table__, alias_rows)  # type: ignore[arg-type]
    insert_ignore(session, Location.__table__, dedupe(rows["locations"], "key"))  # type: ignore[arg-type]
    insert_ignore(session, EventType.__table__, dedupe(rows["crosswalk"], "plover_type", "mode"))  # type: ignore[arg-type]
    return table_counts(session)


def dedupe(rows: Iterable[dict[str, Any]], *keys: str) -> list[dict[str, Any]]:
    """Keep the first row for each value of ``keys`` (one INSERT must not repeat a key)."""
    seen: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        seen.setdefault(tuple(row[k] for k in keys), row)
    return list(seen.values())


def table_counts(session: Session) -> dict[str, int]:
    """Return the number of rows of every table of the schema."""
    from events.models import Base

    return {
        name: session.execute(select(func.count()).select_from(table)).scalar_one()
        for name, table in sorted(Base.metadata.tables.items())
    }
