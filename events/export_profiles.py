"""The columns of the ACLED and UCDP export profiles, as SQL expressions over the flat views.

Codes come from the codebooks (precision codes, disorder types) and from the seeds through
:mod:`events.lexicon` (ACLED inter codes, regions, Gleditsch-Ward numbers). Spreadsheet formulas
are neutralised in SQL too (:class:`_Sql`), so no Python code runs per cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from events.lexicon import UCDP_REGIONS as UCDP_REGIONS  # re-exported: the codebook's names
from events.lexicon import CountryCodes, country_regions
from events.lexicon import InterRule as InterRule
from events.lexicon import inter_rules as inter_rules
from events.views import CLAIMS_FLAT_COLUMNS, EVENTS_FLAT_COLUMNS

#: First characters that make a spreadsheet evaluate a cell as a formula (OWASP "CSV
#: injection": = + - @, tab, carriage return; line feed too, since a quoted cell can
#: begin with one and a spreadsheet that trims it reads on). They get a leading quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
#: Leading characters some spreadsheets trim on import (LibreOffice's "Trim spaces"),
#: so " =1+1" can run too: a cell of these followed by a formula start is neutralised.
FORMULA_PADDING = " \t\r\n"

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


# --- the ACLED inter-code rules (seed: events.lexicon.inter_rules) -------------------


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

EMPTY = CountryCodes(None, None, None)


def country_codes() -> dict[str, CountryCodes]:
    """Return the country -> ACLED region, UCDP region, G&W number seed (events.lexicon)."""
    return country_regions()


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
