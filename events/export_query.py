"""Export options and the SQL statement selecting the rows (filters resolved in the database).

Part of :mod:`events.export`; the codebook columns come from :mod:`events.export_profiles`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from events.catalog import normalize_alias
from events.errors import EventsError
from events.export_profiles import _acled_columns, _Column, _country_columns, _Sql, _ucdp_columns
from events.lexicon import UCDP_REGIONS as UCDP_REGIONS  # re-exported: the codebook's names
from events.lexicon import InterRule as InterRule
from events.lexicon import inter_rules as inter_rules
from events.sqlexpr import check_condition
from events.views import CLAIMS_FLAT_COLUMNS, EVENTS_FLAT_COLUMNS

PROFILES = ("native", "acled", "ucdp")
LEVELS = ("claims", "events")
FORMATS = ("csv", "tsv", "nl")

# Columns that are never text in the native views: they are not neutralised (a
# negative longitude is a number, not a formula).
NATIVE_NUMERIC = frozenset({
    "claim_id", "event_id", "article_id", "sentence_index", "char_start", "char_end",
    "latitude", "longitude", "fatalities_low", "fatalities_best", "fatalities_high",
    "confidence", "negated", "num_claims", "num_articles", "num_sources",
    "actor1_id", "actor2_id", "location_id", "geonames_id", "is_main",
    "curated", "copy_of", "num_reports", "contested",
})  # fmt: skip

# Native columns whose values come from a closed vocabulary (CHECK constraints, ISO
# codes, seed crosswalks, rule ids, dates): they cannot start with a formula character,
# so they skip the per-cell check that free text (sentences, names, titles) needs.
NATIVE_CONTROLLED = frozenset({
    "section", "event_type", "event_mode", "acled_event_type", "acled_sub_event_type",
    "cameo_root", "date_start", "date_end", "date_precision", "actor1_country",
    "actor1_sector", "actor2_country", "actor2_sector", "country", "geo_precision",
    "claimant_country", "modality", "rule", "extractor_version", "claim_date",
    "article_published", "first_reported", "status", "date_first", "date_last",
    "contested_fields",
})  # fmt: skip


class ExportError(EventsError):
    """An export cannot run as asked (unknown actor or country, unwritable file ...)."""


@dataclass(frozen=True)
class Filters:
    """Which rows to export; every value is bound as a parameter, never pasted into SQL."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    countries: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    min_confidence: float | None = None
    where: str | None = None

    def as_json(self) -> dict[str, Any]:
        """Return the filters as JSON-ready values (for the manifest)."""
        out = asdict(self)
        for key in ("date_from", "date_to"):
            if out[key] is not None:
                out[key] = out[key].isoformat()
        return {k: list(v) if isinstance(v, tuple) else v for k, v in out.items()}


@dataclass(frozen=True)
class ExportOptions:
    """What to export and how to write it."""

    profile: str = "native"
    level: str | None = None  # None: claims for native, events for acled and ucdp
    fmt: str = "csv"
    filters: Filters = field(default_factory=Filters)
    neutralise: bool = True
    headers: bool = True
    jobs: int = 1  # processes; each exports one range of ids (see export_parallel)
    key_range: tuple[int, int] | None = None  # internal: the ids one process exports

    @property
    def resolved_level(self) -> str:
        return self.level or ("claims" if self.profile == "native" else "events")


@dataclass
class ExportResult:
    """What was written: the columns, the row count and (for files) the manifest."""

    columns: list[str]
    rows: int
    path: Path | None = None
    manifest: dict[str, Any] | None = None


class _Params:
    """Collect bound parameters under generated names that cannot clash with user SQL."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def add(self, value: Any) -> str:
        name = f"xp_{len(self.values)}"
        self.values[name] = value
        return f":{name}"

    def many(self, values: Iterable[Any]) -> str:
        return ", ".join(self.add(v) for v in values)


def _filter_clauses(conn: Connection, filters: Filters, level: str, params: _Params) -> list[str]:
    """Return SQL conditions on the view ``v`` for ``filters``, with values bound."""
    clauses: list[str] = []
    claims = level == "claims"
    if filters.date_from:
        clauses.append(f"v.date_start >= {params.add(filters.date_from.isoformat())}")
    if filters.date_to:
        clauses.append(f"v.date_start <= {params.add(filters.date_to.isoformat())}")
    if filters.countries:
        codes = _resolve_countries(conn, filters.countries)
        clauses.append(f"v.country IN ({params.many(codes)})")
    if filters.actors:
        # By id, on indexed columns (actor1/actor2, and the link table that holds
        # every role): index look-ups instead of comparing names on every row.
        ids = params.many(_resolve_actors(conn, filters.actors))
        key, link = ("claim_id", "claim_actors") if claims else ("event_id", "event_actors")
        clauses.append(
            f"(v.actor1_id IN ({ids}) OR v.actor2_id IN ({ids}) OR v.{key} IN "
            f"(SELECT {key} FROM {link} WHERE actor_id IN ({ids})))"
        )
    if filters.types:
        _check_types(conn, filters.types)
        upper = params.many(t.upper() for t in filters.types)
        lower = params.many(t.casefold() for t in filters.types)
        clauses.append(
            f"(v.event_type IN ({upper}) OR lower(v.acled_event_type) IN ({lower}) "
            f"OR lower(v.acled_sub_event_type) IN ({lower}))"
        )
    if filters.sources:
        names = params.many(s.casefold() for s in filters.sources)
        if claims:
            clauses.append(f"lower(v.source) IN ({names})")
        else:
            clauses.append(
                "EXISTS (SELECT 1 FROM claims c JOIN articles ar ON ar.id = c.article_id "
                "JOIN sources s ON s.id = ar.source_id WHERE c.event_id = v.event_id "
                f"AND lower(s.name) IN ({names}))"
            )
    if filters.min_confidence is not None:
        bound = params.add(filters.min_confidence)
        if claims:
            clauses.append(f"v.confidence >= {bound}")
        else:  # an event qualifies when one of its claims does
            clauses.append(
                "EXISTS (SELECT 1 FROM claims c WHERE c.event_id = v.event_id "
                f"AND c.confidence >= {bound})"
            )
    return clauses


def _like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _resolve_countries(conn: Connection, values: Sequence[str]) -> list[str]:
    """Map ISO alpha-3 codes or country names/aliases to alpha-3 codes."""
    codes = []
    for value in values:
        row = conn.execute(
            text(
                "SELECT a.key FROM actors a WHERE a.kind = 'state' AND (a.key = :code OR a.id IN "
                "(SELECT actor_id FROM actor_aliases WHERE normalized = :norm)) ORDER BY a.key"
            ),
            {"code": value.strip().upper(), "norm": normalize_alias(value)},
        ).first()
        if row is None:
            raise ExportError(
                f"unknown country {value!r} for --country: give an ISO 3166 alpha-3 code "
                "such as ARM, or the country's name"
            )
        codes.append(row[0])
    return codes


def _check_types(conn: Connection, values: Sequence[str]) -> None:
    """Refuse a --type that names no PLOVER type nor ACLED event or sub-event type."""
    rows = conn.execute(
        text("SELECT plover_type, acled_event_type, acled_sub_event_type FROM event_types")
    ).all()
    known = {str(v).casefold() for row in rows for v in row if v}
    unknown = [v for v in values if v.casefold() not in known]
    if unknown:
        plover = sorted({row[0] for row in rows})
        raise ExportError(
            f"unknown --type {', '.join(map(repr, unknown))}: use a PLOVER type "
            f"({', '.join(plover)}) or an ACLED event or sub-event type (Battles, Protests ...)"
        )


def _resolve_actors(conn: Connection, values: Sequence[str]) -> list[int]:
    """Map actor names or aliases to the ids of the actors they name."""
    ids: list[int] = []
    for value in values:
        found = (
            conn.execute(
                text(
                    "SELECT a.id FROM actors a WHERE lower(a.name) = :norm OR a.id IN "
                    "(SELECT actor_id FROM actor_aliases WHERE normalized = :norm) ORDER BY a.id"
                ),
                {"norm": normalize_alias(value)},
            )
            .scalars()
            .all()
        )
        if not found:
            raise ExportError(
                f"no actor is named or aliased {value!r} (--actor): list them with "
                'events query "select name from actors order by name"'
            )
        ids += [i for i in found if i not in ids]
    return ids


def build_query(
    conn: Connection, options: ExportOptions, dialect: str
) -> tuple[str, dict[str, Any], list[str]]:
    """Return the export's SQL, its bound parameters and its column names."""
    sql = _Sql(dialect)
    level = options.resolved_level
    view, key = ("claims_flat", "claim_id") if level == "claims" else ("events_flat", "event_id")
    params = _Params()
    clauses = _filter_clauses(conn, options.filters, level, params)
    if options.profile != "native" and level == "events":
        clauses.append("v.status <> 'rejected'")  # curators rejected them: not events
    if options.key_range is not None:
        low, high = options.key_range
        clauses.append(f"v.{key} BETWEEN {params.add(low)} AND {params.add(high)}")
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    neutralise = options.neutralise and options.fmt in ("csv", "tsv")

    if options.profile == "native":
        names = list(CLAIMS_FLAT_COLUMNS if level == "claims" else EVENTS_FLAT_COLUMNS)
        plain = NATIVE_NUMERIC | NATIVE_CONTROLLED
        cols = [_Column(n, f"v.{n}", n not in plain) for n in names]
        select = ", ".join(_render(c, neutralise, sql) for c in cols)
        source = _rows_source(view, where, options.filters.where)
        return f"SELECT {select} FROM {source} v ORDER BY v.{key}", params.values, names

    if options.profile == "acled":
        inner, outer = _acled_columns(sql, level)
        outer = _country_columns(conn, outer, {"iso": "iso", "region": "acled_region"})
    elif options.profile == "ucdp":
        inner, outer = _ucdp_columns(sql, level)
        outer = _country_columns(conn, outer, {"country_id": "gw_code", "region": "ucdp_region"})
    else:
        raise ExportError(f"unknown profile {options.profile!r}: use one of {', '.join(PROFILES)}")
    base = "claims" if level == "claims" else "events"
    joins = (
        f" LEFT JOIN {base} k ON k.id = v.{key}"
        " LEFT JOIN actors a1 ON a1.id = k.actor1_id"
        " LEFT JOIN actors a2 ON a2.id = k.actor2_id"
        " LEFT JOIN actors cn ON cn.key = v.country AND cn.kind = 'state'"
    )
    if level == "claims":
        joins += " LEFT JOIN articles ar ON ar.id = v.article_id"
    inner_sql = ", ".join(f"{c.expr} AS {c.name}" for c in inner)
    select = ", ".join(_render(c, neutralise, sql) for c in outer)
    statement = (
        f"SELECT {select} FROM (SELECT {inner_sql}, v.{key} AS sort_key "
        f"FROM {_rows_source(view, where, options.filters.where)} v{joins}) q "
        "ORDER BY q.sort_key"
    )
    return statement, params.values, [c.name for c in outer]


def _rows_source(view: str, where: str, user_where: str | None) -> str:
    """Return the filtered view as a sub-query, with --where applied on top of it.

    --where is one expression (checked: it cannot close a parenthesis it did not
    open, end the statement or comment the rest out), applied in its own outer
    query, so it can only narrow the rows the other filters selected, never
    widen them behind the manifest's back.
    """
    source = f"(SELECT * FROM {view} v{where})"
    if user_where and user_where.strip():
        source = f"(SELECT * FROM {source} v WHERE ({check_condition(user_where)}))"
    return source


def _render(column: _Column, neutralise: bool, sql: _Sql) -> str:
    expr = sql.neutralise(column.expr) if neutralise and column.is_text else column.expr
    return f"{expr} AS {column.name}"


def _check(options: ExportOptions) -> None:
    if options.profile not in PROFILES:
        raise ExportError(f"unknown profile {options.profile!r}: use one of {', '.join(PROFILES)}")
    if options.resolved_level not in LEVELS:
        raise ExportError(f"unknown level {options.level!r}: use claims or events")
    if options.fmt not in FORMATS:
        raise ExportError(f"unknown format {options.fmt!r}: use one of {', '.join(FORMATS)}")
    f = options.filters
    if f.date_from and f.date_to and f.date_from > f.date_to:
        raise ExportError("--from is after --to: nothing could match")
