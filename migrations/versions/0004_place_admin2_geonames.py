"""Places carry their second-order division and GeoNames id; claims say why a place won.

``locations.admin2`` (district, raion, LGA) and ``locations.geonames_id`` (the
GeoNames id of a place taken from GeoNames, indexed so other GeoNames data can be
joined) are new, and so is ``claims.location_evidence``: why the place stage chose
this reading of the name (per claim, since one name resolves differently in two
articles). All three start empty on existing rows.

The views gain ``admin2`` and ``geonames_id`` (``claims_flat`` also
``location_evidence``) at the END of their column lists, so every older column
keeps its name and position (DESIGN.md, "Contract": additions keep old columns).
On PostgreSQL the views are replaced in place (CREATE OR REPLACE VIEW may append
columns), which keeps their grants (the ``events_reader`` role's SELECT, any
analyst role's) and any view a researcher built on top of them. SQLite has no
grants nor view dependencies: its views are dropped and created again.

Downgrade drops the new views and columns and creates the views of revision
0003 (those of 0001, taken from that migration so they are the very same);
on PostgreSQL the grants the views had are given again.

Revision ID: 0004_place_admin2_geonames
Revises: 0003_article_text_hash
Create Date: 2026-12-02 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType

import sqlalchemy as sa
from alembic import op

revision: str = "0004_place_admin2_geonames"
down_revision: str | None = "0003_article_text_hash"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VIEWS = ("claims_flat", "events_flat")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    # Plain ALTER TABLE, not batch mode: on SQLite batch mode rebuilds the table
    # under a new name, which breaks the views reading it.
    op.add_column("locations", sa.Column("admin2", sa.String(length=255), nullable=True))
    op.add_column("locations", sa.Column("geonames_id", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_locations_geonames_id"), "locations", ["geonames_id"], unique=False)
    op.add_column("claims", sa.Column("location_evidence", sa.String(length=255), nullable=True))
    if dialect != "postgresql":
        for view in VIEWS:
            op.execute(f"DROP VIEW IF EXISTS {view}")
    _create_views(replace=dialect == "postgresql")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    grants = _grants() if dialect == "postgresql" else []
    # The views read the columns about to go: they go first (PostgreSQL refuses
    # to drop a column a view uses; SQLite refuses once the schema is checked).
    for view in reversed(VIEWS):
        op.execute(f"DROP VIEW IF EXISTS {view}")
    op.drop_index(op.f("ix_locations_geonames_id"), table_name="locations")
    # Not batch mode (see upgrade); both engines drop a column in place (SQLite 3.35+).
    op.execute("ALTER TABLE claims DROP COLUMN location_evidence")
    op.execute("ALTER TABLE locations DROP COLUMN geonames_id")
    op.execute("ALTER TABLE locations DROP COLUMN admin2")
    # 0001's own function (it also re-runs its CREATE OR REPLACE of events_iso_date,
    # the very same definition, which 0002's expression indexes keep using).
    _revision_module("0001_initial")._create_views()
    for grant in grants:
        op.execute(grant)


def _revision_module(revision_id: str) -> ModuleType:
    """Return the module of another revision (its frozen view definitions)."""
    from alembic.script import ScriptDirectory

    config = op.get_context().config
    assert config is not None
    script = ScriptDirectory.from_config(config).get_revision(revision_id)
    assert script is not None
    return script.module


def _grants() -> list[str]:
    """Return GRANT statements giving back what the views grant today (PostgreSQL).

    A dropped view loses its grants: without them the reader role (and any role a
    DBA let read the views) could no longer query them after the downgrade.
    """
    query = (
        sa.text(
            "SELECT c.relname, a.privilege_type, a.is_grantable, "
            "CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END "
            "FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a "
            "LEFT JOIN pg_roles r ON r.oid = a.grantee "
            "WHERE c.relnamespace = current_schema()::regnamespace "
            "AND c.relname IN :views AND a.grantee <> c.relowner "
            "ORDER BY 1, 4, 2"
        )
    ).bindparams(sa.bindparam("views", expanding=True))
    rows = op.get_bind().execute(query, {"views": list(VIEWS)}).all()
    return [
        f"GRANT {privilege} ON {view} TO {grantee}{' WITH GRANT OPTION' if grantable else ''}"
        for view, privilege, grantable, grantee in rows
    ]


# --- views (contract: see DESIGN.md "the views researchers query") ----------------
# Frozen here on purpose, like 0001's: a later change to a view is a new migration.
# These are 0001's views with admin2, geonames_id (and location_evidence) appended.


def _iso(dialect: str, column: str) -> str:
    """Render a DATE column as 'YYYY-MM-DD' text on either engine."""
    if dialect == "postgresql":
        # IMMUTABLE wrapper created by 0001; 0002's expression indexes match it.
        return f"events_iso_date({column})"
    return column  # SQLAlchemy stores SQLite dates as ISO text already


def _flag(dialect: str, column: str) -> str:
    """Render a boolean as 0/1 on both engines (SQLite stores it so already)."""
    return f"CAST({column} AS INTEGER)" if dialect == "postgresql" else column


def _assoc(dialect: str, link_table: str, key: str, owner: str) -> str:
    """Render the '; '-joined names of the other actors (not actor1/actor2), in role order."""
    distinct = "IS DISTINCT FROM" if dialect == "postgresql" else "IS NOT"
    ranked = (
        f"SELECT x.name, min(CASE l.role WHEN 'source' THEN 0 WHEN 'target' THEN 1000 "
        f"ELSE 2000 END + l.position) AS rank FROM {link_table} l "
        f"JOIN actors x ON x.id = l.actor_id WHERE l.{key} = {owner}.id "
        f"AND l.actor_id {distinct} {owner}.actor1_id AND l.actor_id {distinct} {owner}.actor2_id "
        f"GROUP BY x.id, x.name"
    )
    if dialect == "postgresql":
        return f"(SELECT string_agg(t.name, '; ' ORDER BY t.rank, t.name) FROM ({ranked}) t)"
    return f"(SELECT group_concat(t.name, '; ') FROM ({ranked} ORDER BY rank, x.name) t)"


def _crosswalk(alias: str, column: str) -> str:
    return f"COALESCE(etm.{column}, etd.{column}) AS {alias}"


def _create_views(*, replace: bool) -> None:
    dialect = op.get_bind().dialect.name
    create = "CREATE OR REPLACE VIEW" if replace else "CREATE VIEW"
    coded = """
        {type_}.event_type, {type_}.event_mode,
        {acled}, {acled_sub}, {cameo},
        {start} AS date_start, {end} AS date_end, {type_}.date_precision,"""
    op.execute(
        f"""
        {create} claims_flat AS
        SELECT
            c.id AS claim_id, c.event_id, c.article_id,
            ar.external_id AS article_external_id, s.name AS source, ar.url AS article_url,
            {_iso(dialect, "ar.published")} AS article_published,
            c.section, c.sentence_index, c.char_start, c.char_end, c.sentence, c.trigger,
            {
            coded.format(
                type_="c",
                acled=_crosswalk("acled_event_type", "acled_event_type"),
                acled_sub=_crosswalk("acled_sub_event_type", "acled_sub_event_type"),
                cameo=_crosswalk("cameo_root", "cameo_root"),
                start=_iso(dialect, "c.date_start"),
                end=_iso(dialect, "c.date_end"),
            )
        }
            c.date_text,
            a1.name AS actor1, a1.country AS actor1_country, a1.sector AS actor1_sector,
            a2.name AS actor2, a2.country AS actor2_country, a2.sector AS actor2_sector,
            {_assoc(dialect, "claim_actors", "claim_id", "c")} AS assoc_actors,
            loc.name AS location, loc.admin1, loc.country,
            loc.latitude, loc.longitude, COALESCE(loc.precision, 'unknown') AS geo_precision,
            c.fatalities_low, c.fatalities_best, c.fatalities_high,
            cl.name AS claimant, cl.country AS claimant_country,
            COALESCE(rl.name, c.relayed_by_text) AS relayed_by,
            c.modality, c.confidence, c.rule, c.extractor_version,
            {_iso(dialect, "c.claim_date")} AS claim_date, {_flag(dialect, "c.negated")} AS negated,
            ar.title AS article_title,
            c.actor1_id, c.actor2_id, c.location_id,
            loc.admin2, loc.geonames_id, c.location_evidence
        FROM claims c
        -- LEFT (article_id is never NULL): lets the engines skip the join when a
        -- query uses no article column, e.g. counting claims by type.
        LEFT JOIN articles ar ON ar.id = c.article_id
        LEFT JOIN sources s ON s.id = ar.source_id
        LEFT JOIN actors a1 ON a1.id = c.actor1_id
        LEFT JOIN actors a2 ON a2.id = c.actor2_id
        LEFT JOIN actors cl ON cl.id = c.claimant_id
        LEFT JOIN actors rl ON rl.id = c.relayed_by_id
        LEFT JOIN locations loc ON loc.id = c.location_id
        LEFT JOIN event_types etm ON etm.plover_type = c.event_type AND etm.mode = c.event_mode
        LEFT JOIN event_types etd ON etd.plover_type = c.event_type AND etd.mode = ''
        """
    )
    op.execute(
        f"""
        {create} events_flat AS
        SELECT
            e.id AS event_id,
            {
            coded.format(
                type_="e",
                acled=_crosswalk("acled_event_type", "acled_event_type"),
                acled_sub=_crosswalk("acled_sub_event_type", "acled_sub_event_type"),
                cameo=_crosswalk("cameo_root", "cameo_root"),
                start=_iso(dialect, "e.date_start"),
                end=_iso(dialect, "e.date_end"),
            )
        }
            a1.name AS actor1, a1.country AS actor1_country, a1.sector AS actor1_sector,
            a2.name AS actor2, a2.country AS actor2_country, a2.sector AS actor2_sector,
            {_assoc(dialect, "event_actors", "event_id", "e")} AS assoc_actors,
            loc.name AS location, loc.admin1, loc.country,
            loc.latitude, loc.longitude, COALESCE(loc.precision, 'unknown') AS geo_precision,
            e.fatalities_low, e.fatalities_best, e.fatalities_high,
            (SELECT count(*) FROM claims c WHERE c.event_id = e.id) AS num_claims,
            (SELECT count(DISTINCT c.article_id) FROM claims c
                WHERE c.event_id = e.id) AS num_articles,
            (SELECT count(DISTINCT ar.source_id) FROM claims c
                JOIN articles ar ON ar.id = c.article_id WHERE c.event_id = e.id) AS num_sources,
            (SELECT {_iso(dialect, "min(ar.published)")} FROM claims c
                JOIN articles ar ON ar.id = c.article_id WHERE c.event_id = e.id)
                AS first_reported,
            e.status, e.actor1_id, e.actor2_id, e.location_id,
            loc.admin2, loc.geonames_id
        FROM events e
        LEFT JOIN actors a1 ON a1.id = e.actor1_id
        LEFT JOIN actors a2 ON a2.id = e.actor2_id
        LEFT JOIN locations loc ON loc.id = e.location_id
        LEFT JOIN event_types etm ON etm.plover_type = e.event_type AND etm.mode = e.event_mode
        LEFT JOIN event_types etd ON etd.plover_type = e.event_type AND etd.mode = ''
        """
    )
