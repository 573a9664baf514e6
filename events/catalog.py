"""Load the seed dictionaries into the database (``events init``).

The rows come from the typed records of :mod:`events.lexicon`, the same the pipeline reads.

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

from events import lexicon
from events.models import Actor, ActorAlias, EventType, Location

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


def seed_rows() -> dict[str, list[Any]]:
    """Turn the lexicon's records into rows for actors, aliases, locations and crosswalk."""
    actors: list[dict[str, Any]] = []
    aliases: list[tuple[str, str, str]] = []  # (actor key, alias, kind)
    locations: list[dict[str, Any]] = []

    for c in lexicon.countries():
        code = c.alpha3
        actors.append(
            {"key": code, "name": c.name, "kind": "state", "country": code,
             "sector": None, "wikidata": None, "origin": "seed"}
        )  # fmt: skip
        aliases.append((code, c.name, "name"))
        aliases += [(code, a, "name") for a in c.aliases]
        aliases += [(code, a, "adjective") for a in c.adjectives]
        if c.capital and c.capital_metonym:
            aliases.append((code, c.capital, "capital"))
        locations.append(
            {"key": f"country:{code}", "name": c.name, "admin1": None, "country": code,
             "latitude": c.latitude, "longitude": c.longitude, "precision": "country"}
        )  # fmt: skip

    for a in lexicon.named_actors():
        actors.append(
            {"key": a.key, "name": a.name, "kind": a.kind or "organisation",
             "country": a.country, "sector": a.sector, "wikidata": a.wikidata, "origin": "seed"}
        )  # fmt: skip
        aliases.append((a.key, a.name, "name"))
        aliases += [(a.key, alias, "name") for alias in a.aliases]

    for r in lexicon.regions():
        locations.append(
            {"key": "region:" + _slug(r.name), "name": r.name, "admin1": r.admin1,
             "country": r.country, "latitude": r.latitude, "longitude": r.longitude,
             "precision": r.precision}
        )  # fmt: skip

    crosswalk = [
        {"plover_type": t.plover_type, "mode": t.mode, "acled_event_type": t.acled_event_type,
         "acled_sub_event_type": t.acled_sub_event_type, "cameo_root": t.cameo_root,
         "description": t.description}
        for t in lexicon.plover_types()
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
