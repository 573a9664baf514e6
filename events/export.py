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
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import itertools
import json
import os
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import IO, Any

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from events import EXTRACTOR_VERSION, __version__, readonly
from events.catalog import normalize_alias
from events.db import Database, current_revision, describe, take_denial
from events.errors import EventsError, QueryError, ReadOnlyViolation, SeedError
from events.seeds import read_tsv
from events.sqlexpr import check_condition
from events.views import CLAIMS_FLAT_COLUMNS, EVENTS_FLAT_COLUMNS

PROFILES = ("native", "acled", "ucdp")
LEVELS = ("claims", "events")
FORMATS = ("csv", "tsv", "nl")

#: Rows fetched per round trip from a PostgreSQL server-side cursor: big enough to
#: amortise the round trip, small enough that memory stays flat (a few MB).
PG_FETCH_ROWS = 5000

#: How often (rows) the progress callback is called; only used when it is given,
#: because counting in Python costs a function call per row.
PROGRESS_EVERY = 10_000

#: Buffer of the output file: fewer, larger writes than the 8 KiB default.
WRITE_BUFFER = 1 << 20

#: First characters that make a spreadsheet evaluate a cell as a formula (OWASP "CSV
#: injection": = + - @, tab, carriage return; line feed too, since a quoted cell can
#: begin with one and a spreadsheet that trims it reads on). They get a leading quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
#: Leading characters some spreadsheets trim on import (LibreOffice's "Trim spaces"),
#: so " =1+1" can run too: a cell of these followed by a formula start is neutralised.
FORMULA_PADDING = " \t\r\n"

#: Rows the CSV writer formats at a time before it looks for a carriage return in
#: their text (see csv_writer). Measured on 300,000 claims (bench/export.py's data):
#: 20 to 100 rows cost the same CPU as the plain csv.writer, 1,000 some 10 % more
#: (the batch, ~50 KB of text a hundred rows, no longer stays in the CPU cache).
CSV_BATCH_ROWS = 100

# ACLED codebook precision codes. time_precision: 1 the exact day, 2 a specific week,
# 3 a month or longer. geo_precision: 1 the town itself, 2 a small part of a region or
# near a town, 3 a larger region (the codebook's provincial capital fallback).
ACLED_TIME_PRECISION = {"day": 1, "week": 2, "month": 3, "year": 3}
ACLED_GEO_PRECISION = {"point": 1, "admin2": 2, "admin1": 3, "region": 3, "country": 3}
#: A date interval wider than this many days is no longer "a specific week" for ACLED.
ACLED_WEEK_DAYS = 6

# UCDP GED precision codes. date_prec: 1 exact day, 2 two to six days, 3 a week,
# 4 a month, 5 a year or more. where_prec: 1 exact place, 2 within 25 km, 3 second-order
# administrative division, 4 first-order division, 5 a named region, 6 the country,
# 7 international waters or airspace (never produced: our gazetteer has no such place).
UCDP_DATE_PREC = {"day": 1, "week": 3, "month": 4, "year": 5}
#: UCDP date_prec by the width of the date interval (days from start to end).
UCDP_SPAN_DAYS = ((0, 1), (5, 2), (7, 3), (31, 4))
UCDP_WHERE_PREC = {"point": 1, "admin2": 3, "admin1": 4, "region": 5, "country": 6}

# The disorder type ACLED derives from each of its event types.
ACLED_DISORDER = {
    "Battles": "Political violence",
    "Explosions/Remote violence": "Political violence",
    "Violence against civilians": "Political violence",
    "Protests": "Demonstrations",
    "Riots": "Political violence; Demonstrations",
    "Strategic developments": "Strategic developments",
}

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


# --- the ACLED inter-code rules (seed) ------------------------------------------------

_SAFE_CELL = re.compile(r"^[\w /&,.()-]*$")


@dataclass(frozen=True)
class InterRule:
    """One row of seeds/acled_inter.tsv: conditions on an actor and the code they give."""

    sector: str
    kind: str
    acled_event_type: str
    abroad: bool
    inter: int


@functools.cache
def inter_rules() -> tuple[InterRule, ...]:
    """Load the ACLED inter-code rules once, validating every cell."""
    rules = []
    for n, row in enumerate(read_tsv("acled_inter.tsv"), start=1):
        cells = (row["sector"], row["kind"], row["acled_event_type"])
        if not all(_SAFE_CELL.match(c) for c in cells):
            raise SeedError(f"acled_inter.tsv rule {n}: unexpected characters in {cells}")
        if row["abroad"] not in ("", "yes", "no"):
            raise SeedError(f"acled_inter.tsv rule {n}: abroad must be yes, no or empty")
        if not row["inter"].isdigit() or not 1 <= int(row["inter"]) <= 8:
            raise SeedError(f"acled_inter.tsv rule {n}: inter must be an ACLED code 1-8")
        rules.append(InterRule(*cells, row["abroad"] == "yes", int(row["inter"])))
    if not rules:
        raise SeedError("acled_inter.tsv has no rules: ACLED inter codes cannot be assigned")
    return tuple(rules)


def _inter_case(actor: str, view: str = "v") -> str:
    """Return a SQL CASE giving the ACLED inter code of the actor row ``actor``."""
    whens = []
    for rule in inter_rules():
        conds = [f"{actor}.id IS NOT NULL"]
        if rule.sector:
            conds.append(f"{actor}.sector = '{rule.sector}'")
        if rule.kind:
            conds.append(f"{actor}.kind = '{rule.kind}'")
        if rule.acled_event_type:
            conds.append(f"{view}.acled_event_type = '{rule.acled_event_type}'")
        if rule.abroad:
            conds.append(f"{actor}.country <> {view}.country")
        whens.append(f"WHEN {' AND '.join(conds)} THEN {rule.inter}")
    return f"CASE {' '.join(whens)} END"


# --- the regions and country numbers of the codebooks (seed) ---------------------------

#: UCDP's five regions (the UCDP/PRIO codebook's, by Gleditsch-Ward number).
UCDP_REGIONS = frozenset({"Africa", "Americas", "Asia", "Europe", "Middle East"})
_REGION_NAME = re.compile(r"^[A-Z][A-Za-z ]*$")


@dataclass(frozen=True)
class CountryCodes:
    """One row of seeds/country_regions.tsv: a country's place in ACLED's and UCDP's lists."""

    acled_region: str | None
    ucdp_region: str | None
    gw_code: int | None  # Gleditsch-Ward number: UCDP's country_id


EMPTY = CountryCodes(None, None, None)


@functools.cache
def country_codes() -> dict[str, CountryCodes]:
    """Load the country -> ACLED region, UCDP region, G&W number seed once, validating it."""
    out: dict[str, CountryCodes] = {}
    for n, row in enumerate(read_tsv("country_regions.tsv"), start=1):
        code, acled, ucdp, gw = (
            row["alpha3"],
            row["acled_region"],
            row["ucdp_region"],
            row["gw_code"],
        )
        where = f"country_regions.tsv row {n} ({code})"
        if not re.fullmatch(r"[A-Z]{3}", code) or code in out:
            raise SeedError(f"{where}: alpha3 must be a new ISO 3166-1 alpha-3 code")
        if acled and not _REGION_NAME.match(acled):
            raise SeedError(f"{where}: unexpected characters in the ACLED region {acled!r}")
        if ucdp and ucdp not in UCDP_REGIONS:
            raise SeedError(
                f"{where}: UCDP region must be one of {', '.join(sorted(UCDP_REGIONS))}"
            )
        if gw and not (gw.isdigit() and 2 <= int(gw) <= 999):
            raise SeedError(f"{where}: gw_code must be a Gleditsch-Ward number (2-999)")
        out[code] = CountryCodes(acled or None, ucdp or None, int(gw) if gw else None)
    if not out:
        raise SeedError("country_regions.tsv has no rows: regions and country_id stay empty")
    return out


# --- SQL building ---------------------------------------------------------------------


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _map_case(column: str, mapping: dict[str, Any], default: str = "NULL") -> str:
    whens = " ".join(
        f"WHEN {_lit(k)} THEN {v if isinstance(v, int) else _lit(v)}" for k, v in mapping.items()
    )
    return f"CASE {column} {whens} ELSE {default} END"


class _Sql:
    """Dialect-specific fragments (SQLite and PostgreSQL)."""

    def __init__(self, dialect: str) -> None:
        self.pg = dialect == "postgresql"

    def days(self, start: str, end: str) -> str:
        """Return the number of days from ``start`` to ``end`` (ISO text dates)."""
        if self.pg:
            return f"(CAST({end} AS DATE) - CAST({start} AS DATE))"
        return f"CAST(julianday({end}) - julianday({start}) AS INTEGER)"

    def epoch(self, column: str) -> str:
        if self.pg:
            return f"CAST(extract(epoch FROM {column}) AS BIGINT)"
        return f"CAST(strftime('%s', {column}) AS INTEGER)"

    def join_distinct(self, expr: str, source: str, sep: str) -> str:
        """Return a scalar subquery joining the distinct values of ``expr`` from ``source``."""
        if self.pg:
            return f"(SELECT string_agg(DISTINCT {expr}, {_lit(sep)}) FROM {source})"
        return (
            f"(SELECT group_concat(x, {_lit(sep)}) FROM "
            f"(SELECT DISTINCT {expr} AS x FROM {source} ORDER BY 1))"
        )

    def text(self, expr: str) -> str:
        return f"CAST({expr} AS TEXT)"

    def neutralise(self, expr: str) -> str:
        """Wrap a text expression so a formula-looking cell starts with a quote."""
        # Compare the first code point as an integer: no substring is built per cell,
        # and only a cell starting with padding (a space) is trimmed to look further.
        code = "ascii" if self.pg else "unicode"
        first = f"{code}({expr})"

        def codes(chars: Iterable[str]) -> str:
            return ", ".join(str(ord(c)) for c in chars)

        formula = f"{first} IN ({codes(FORMULA_STARTS)})"
        pads = [c for c in FORMULA_PADDING if c not in FORMULA_STARTS]
        if pads:
            padding = (
                " || ".join(f"chr({ord(c)})" for c in FORMULA_PADDING)
                if self.pg
                else f"char({codes(FORMULA_PADDING)})"
            )
            formula = (
                f"{first} IN ({codes([*FORMULA_STARTS, *pads])}) AND ({first} NOT IN "
                f"({codes(pads)}) OR {code}(ltrim({expr}, {padding})) IN ({codes(FORMULA_STARTS)}))"
            )
        return f"CASE WHEN {formula} THEN '''' || {expr} ELSE {expr} END"


@dataclass
class _Column:
    name: str
    expr: str
    is_text: bool = True


def _precision_code(
    sql: _Sql, mapping: dict[str, int], span_codes: Sequence[tuple[int, int]]
) -> str:
    """Return the coarser of the precision's code and the date interval's width code."""
    base = _map_case("q.date_precision", mapping)
    span = sql.days("q.date_start", "COALESCE(q.date_end, q.date_start)")
    width = " ".join(f"WHEN {span} <= {days} THEN {code}" for days, code in span_codes)
    widest = max(mapping.values())
    width_code = f"CASE WHEN q.date_start IS NULL THEN NULL {width} ELSE {widest} END"
    return (
        f"CASE WHEN q.date_start IS NULL OR q.date_precision NOT IN "
        f"({', '.join(_lit(k) for k in mapping)}) THEN NULL "
        f"WHEN ({base}) >= ({width_code}) THEN ({base}) ELSE ({width_code}) END"
    )


def _acled_columns(sql: _Sql, level: str) -> tuple[list[_Column], list[_Column]]:
    """Return the inner (joined) and outer (coded) columns of the ACLED profile."""
    claims = level == "claims"
    if claims:
        notes = "v.sentence"
        source = "v.source"
        tags = (
            "'claim=' || " + sql.text("v.claim_id") + " || '; modality=' || v.modality"
            " || COALESCE('; claimant=' || v.claimant, '')"
        )
        stamp = sql.epoch("ar.ingested")
    else:
        notes = (
            "(SELECT c.sentence FROM claims c WHERE c.event_id = v.event_id "
            "ORDER BY c.confidence DESC, c.id LIMIT 1)"
        )
        source = sql.join_distinct(
            "s.name",
            "claims c JOIN articles ar2 ON ar2.id = c.article_id "
            "JOIN sources s ON s.id = ar2.source_id WHERE c.event_id = v.event_id",
            "; ",
        )
        tags = (
            "'claims=' || "
            + sql.text("v.num_claims")
            + " || '; sources=' || "
            + sql.text("v.num_sources")
        )
        stamp = sql.epoch("k.created")
    inner = [
        _Column("event_id", "v.event_id", False),
        _Column("country_code", "v.country"),
        _Column("date_start", "v.date_start"),
        _Column("date_end", "v.date_end"),
        _Column("date_precision", "v.date_precision"),
        _Column("acled_event_type", "v.acled_event_type"),
        _Column("acled_sub_event_type", "v.acled_sub_event_type"),
        _Column("actor1", "v.actor1"),
        _Column("assoc_actors", "v.assoc_actors"),
        _Column("inter1", _inter_case("a1"), False),
        _Column("actor2", "v.actor2"),
        # ACLED codes a missing second actor as 0.
        _Column("inter2", f"CASE WHEN a2.id IS NULL THEN 0 ELSE {_inter_case('a2')} END", False),
        _Column("country_name", "cn.name"),
        _Column("admin1", "v.admin1"),
        _Column("admin2", "v.admin2"),
        _Column("location", "v.location"),
        _Column("latitude", "v.latitude", False),
        _Column("longitude", "v.longitude", False),
        _Column("geo_precision", "v.geo_precision"),
        _Column("source", source),
        _Column("notes", notes),
        _Column("fatalities", "COALESCE(v.fatalities_best, v.fatalities_low, 0)", False),
        _Column("tags", tags),
        _Column("stamp", stamp, False),
    ]
    interaction = (
        "CASE WHEN q.inter1 IS NULL OR q.inter2 IS NULL THEN NULL "
        "WHEN q.inter2 = 0 THEN q.inter1 * 10 "
        "WHEN q.inter1 <= q.inter2 THEN q.inter1 * 10 + q.inter2 "
        "ELSE q.inter2 * 10 + q.inter1 END"
    )
    time_precision = _precision_code(sql, ACLED_TIME_PRECISION, [(0, 1), (ACLED_WEEK_DAYS, 2)])
    outer = [
        _Column("event_id_cnty", "COALESCE(q.country_code, '') || " + sql.text("q.event_id")),
        _Column("event_date", "q.date_start"),
        _Column("year", "CAST(substr(q.date_start, 1, 4) AS INTEGER)", False),
        _Column("time_precision", time_precision, False),
        _Column("disorder_type", _map_case("q.acled_event_type", ACLED_DISORDER)),
        _Column("event_type", "q.acled_event_type"),
        _Column("sub_event_type", "q.acled_sub_event_type"),
        _Column("actor1", "q.actor1"),
        _Column("assoc_actor_1", "q.assoc_actors"),
        _Column("inter1", "q.inter1", False),
        _Column("actor2", "q.actor2"),
        _Column("assoc_actor_2", "NULL"),
        _Column("inter2", "q.inter2", False),
        _Column("interaction", interaction, False),
        _Column(
            "civilian_targeting",
            "CASE WHEN q.inter2 = 7 AND q.acled_event_type IN ('Violence against civilians', "
            "'Explosions/Remote violence') THEN 'Civilian targeting' END",
        ),
        # iso and region: filled in by _country_columns (they need the database)
        _Column("iso", "NULL", False),
        _Column("region", "NULL", False),
        _Column("country", "q.country_name"),
        _Column("admin1", "q.admin1"),
        _Column("admin2", "q.admin2"),
        _Column("admin3", "NULL"),  # no place of ours is finer than admin2
        _Column("location", "q.location"),
        _Column("latitude", "q.latitude", False),
        _Column("longitude", "q.longitude", False),
        _Column("geo_precision", _map_case("q.geo_precision", ACLED_GEO_PRECISION), False),
        _Column("source", "q.source"),
        _Column("source_scale", "NULL"),
        _Column("notes", "q.notes"),
        _Column("fatalities", "q.fatalities", False),
        _Column("tags", "q.tags"),
        _Column("timestamp", "q.stamp", False),
    ]
    return inner, outer


def _ucdp_columns(sql: _Sql, level: str) -> tuple[list[_Column], list[_Column]]:
    """Return the inner and outer columns of the UCDP GED profile."""
    if level == "claims":
        relid = "'claim:' || " + sql.text("v.claim_id")
        n_sources = "1"
        office = "v.source"
        pub = "v.article_published"
        headline = "v.article_title"
        original = "COALESCE(v.claimant, v.relayed_by)"
        article = (
            "trim(COALESCE(v.source, '') || ' ' || COALESCE(v.article_published, '') "
            "|| COALESCE(' \"' || v.article_title || '\"', ''))"
        )
        where_desc = "COALESCE(k.location_text, v.location)"
    else:
        relid = "'event:' || " + sql.text("v.event_id")
        n_sources = "v.num_sources"
        src = (
            "claims c JOIN articles ar2 ON ar2.id = c.article_id "
            "LEFT JOIN sources s ON s.id = ar2.source_id WHERE c.event_id = v.event_id"
        )
        office = sql.join_distinct("s.name", src, ";")
        pub = sql.join_distinct(_iso_date(sql, "ar2.published"), src, ";")
        headline = sql.join_distinct("ar2.title", src, ";")
        original = sql.join_distinct(
            "cl.name",
            "claims c JOIN actors cl ON cl.id = c.claimant_id WHERE c.event_id = v.event_id",
            ";",
        )
        article = sql.join_distinct(
            "trim(COALESCE(s.name, '') || ' ' || COALESCE("
            + _iso_date(sql, "ar2.published")
            + ", '') || COALESCE(' \"' || ar2.title || '\"', ''))",
            src,
            ";",
        )
        where_desc = "v.location"
    inner = [
        _Column("id", "v.event_id", False),
        _Column("relid", relid),
        _Column("date_start", "v.date_start"),
        _Column("date_end", "v.date_end"),
        _Column("date_precision", "v.date_precision"),
        _Column("side_a", "v.actor1"),
        _Column("side_b", "v.actor2"),
        _Column("number_of_sources", n_sources, False),
        _Column("source_article", article),
        _Column("source_office", office),
        _Column("source_date", pub),
        _Column("source_headline", headline),
        _Column("source_original", original),
        _Column("geo_precision", "v.geo_precision"),
        _Column("location", "v.location"),
        _Column("where_description", where_desc),
        _Column("admin1", "v.admin1"),
        _Column("admin2", "v.admin2"),
        _Column("latitude", "v.latitude", False),
        _Column("longitude", "v.longitude", False),
        _Column("country_name", "cn.name"),
        _Column("country_code", "v.country"),
        _Column("f_low", "v.fatalities_low", False),
        _Column("f_best", "v.fatalities_best", False),
        _Column("f_high", "v.fatalities_high", False),
    ]
    date_prec = _precision_code(sql, UCDP_DATE_PREC, UCDP_SPAN_DAYS)
    best = "COALESCE(q.f_best, q.f_low)"
    outer = [
        _Column("id", "q.id", False),
        _Column("relid", "q.relid"),
        _Column("year", "CAST(substr(q.date_start, 1, 4) AS INTEGER)", False),
        _Column("dyad_name", "q.side_a || COALESCE(' - ' || q.side_b, '')"),
        _Column("side_a", "q.side_a"),
        _Column("side_b", "q.side_b"),
        _Column("number_of_sources", "q.number_of_sources", False),
        _Column("source_article", "q.source_article"),
        _Column("source_office", "q.source_office"),
        _Column("source_date", "q.source_date"),
        _Column("source_headline", "q.source_headline"),
        _Column("source_original", "q.source_original"),
        _Column("where_prec", _map_case("q.geo_precision", UCDP_WHERE_PREC), False),
        _Column("where_coordinates", "q.location"),
        _Column("where_description", "q.where_description"),
        _Column("adm_1", "q.admin1"),
        _Column("adm_2", "q.admin2"),
        _Column("latitude", "q.latitude", False),
        _Column("longitude", "q.longitude", False),
        _Column(
            "geom_wkt",
            "CASE WHEN q.latitude IS NOT NULL AND q.longitude IS NOT NULL THEN 'POINT (' || "
            + sql.text("q.longitude")
            + " || ' ' || "
            + sql.text("q.latitude")
            + " || ')' END",
        ),
        _Column("country", "q.country_name"),
        # country_id and region: filled in by _country_columns (they need the database)
        _Column("country_id", "NULL", False),
        _Column("region", "NULL", False),
        _Column("date_prec", date_prec, False),
        _Column("date_start", "q.date_start"),
        _Column("date_end", "COALESCE(q.date_end, q.date_start)"),
        # We do not know whose dead they are: UCDP's deaths_unknown, and best is their sum.
        _Column("deaths_unknown", best, False),
        _Column("best", best, False),
        _Column("high", f"COALESCE(q.f_high, {best})", False),
        _Column("low", f"COALESCE(q.f_low, {best})", False),
    ]
    return inner, outer


def _iso_date(sql: _Sql, column: str) -> str:
    return f"to_char({column}, 'YYYY-MM-DD')" if sql.pg else column


#: The columns each profile writes (level-independent), for docs and tests.
def profile_columns(profile: str, level: str = "events") -> list[str]:
    """Return the column names ``profile`` writes."""
    if profile == "native":
        return list(CLAIMS_FLAT_COLUMNS if level == "claims" else EVENTS_FLAT_COLUMNS)
    build = _acled_columns if profile == "acled" else _ucdp_columns
    return [c.name for c in build(_Sql("sqlite"), level)[1]]


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


def _country_columns(conn: Connection, outer: list[_Column], fill: dict[str, str]) -> list[_Column]:
    """Give the columns named in ``fill`` a CASE over the row's country (``q.country_code``).

    ``fill`` maps a column to what it holds: ``iso`` (ISO 3166 numeric, from
    pycountry), or a field of :class:`CountryCodes`. Only the countries present
    in ``locations`` are listed, so the CASE stays short.
    """
    import pycountry

    present = conn.execute(
        text("SELECT DISTINCT country FROM locations WHERE country IS NOT NULL ORDER BY 1")
    ).scalars()
    mappings: dict[str, dict[str, Any]] = {what: {} for what in fill.values()}
    seed = country_codes()
    for code in present:
        country = pycountry.countries.get(alpha_3=code)
        known = seed.get(code)
        values = {"iso": int(country.numeric) if country else None, **asdict(known or EMPTY)}
        for what, mapping in mappings.items():
            if values[what] is not None:
                mapping[code] = values[what]
    cases = {
        name: _map_case("q.country_code", mappings[what]) if mappings[what] else "NULL"
        for name, what in fill.items()
    }
    return [_Column(c.name, cases[c.name], False) if c.name in cases else c for c in outer]


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


def write_rows(
    out: IO[str],
    columns: Sequence[str],
    rows: Iterator[Any],
    fmt: str,
    *,
    headers: bool = True,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write ``rows`` to ``out`` in ``fmt``, streaming; return how many were written."""
    if progress is not None:
        rows = _reporting(rows, progress)
    # zip() with a counter counts rows without a Python call per row; the row
    # iterator comes first so the counter is not advanced past the last row.
    counter = itertools.count()
    counted = map(itemgetter(0), zip(rows, counter, strict=False))
    if fmt in ("csv", "tsv"):
        writer = csv_writer(out, fmt)
        if headers:
            writer.writerow(columns)
        writer.writerows(counted)
    elif fmt == "nl":
        dumps = json.JSONEncoder(ensure_ascii=False, default=str).encode
        names = list(columns)
        for row in counted:
            out.write(dumps(dict(zip(names, row, strict=True))))
            out.write("\n")
    else:
        raise ExportError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    return next(counter)


def csv_writer(out: IO[str], fmt: str) -> Any:
    """Return the csv writer every export uses (comma or tab, '\\n' line ends).

    Every value holding a carriage return, a line feed, the delimiter or a quote is
    quoted, as PostgreSQL's COPY does. Python's own writer (3.11) quotes only the
    characters of its line terminator, so with '\\n' it leaves a bare '\\r' unquoted
    and a spreadsheet starts a new row there, reading what follows as a cell of its
    own, past formula neutralisation ("x\\r@SUM(1+1)").
    """
    return _QuotingWriter(out, "," if fmt == "csv" else "\t")


class _QuotingWriter:
    """csv.writer with '\\n' line ends that also quotes values holding a '\\r'.

    A '\\n' writer formats CSV_BATCH_ROWS rows at a time into a list (C speed, one
    string a row) and the batch's text is searched for a '\\r' (C speed too). In a
    batch that holds one, the rows that do are formatted again by a '\\r\\n' writer,
    which quotes values holding either character, and their line ends are put back.
    """

    def __init__(self, out: IO[str], delimiter: str) -> None:
        import csv
        from types import SimpleNamespace

        self._out = out
        self._lines: list[str] = []
        self._fast = csv.writer(
            SimpleNamespace(write=self._lines.append), delimiter=delimiter, lineterminator="\n"
        )
        self._careful_lines: list[str] = []
        self._careful = csv.writer(
            SimpleNamespace(write=self._careful_lines.append),
            delimiter=delimiter,
            lineterminator="\r\n",
        )

    def writerow(self, row: Iterable[Any]) -> None:
        self.writerows((row,))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        rows, lines = iter(rows), self._lines
        while batch := list(itertools.islice(rows, CSV_BATCH_ROWS)):
            self._fast.writerows(batch)  # one string a row in lines
            text = "".join(lines)
            if "\r" in text:
                text = "".join([
                    self._careful_line(row) if "\r" in line else line
                    for row, line in zip(batch, lines, strict=True)
                ])  # fmt: skip
            lines.clear()
            self._out.write(text)

    def _careful_line(self, row: Iterable[Any]) -> str:
        self._careful.writerow(row)
        return self._careful_lines.pop()[:-2] + "\n"


def _reporting(rows: Iterator[Any], progress: Callable[[int], None]) -> Iterator[Any]:
    n = 0
    for n, row in enumerate(rows, start=1):  # noqa: B007 - n is read after the loop
        if n % PROGRESS_EVERY == 0:
            progress(n)
        yield row
    progress(n)


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
