"""Initial schema: tables, indexes and the claims_flat / events_flat views.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-27 15:36:59.364752
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_initial"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "actors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("country", sa.String(length=3), nullable=True),
        sa.Column("sector", sa.String(length=8), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=255), nullable=True),
        sa.Column("wikidata", sa.String(length=32), nullable=True),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column(
            "created",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["merged_into_id"],
            ["actors.id"],
            name=op.f("fk_actors_merged_into_id_actors"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["actors.id"],
            name=op.f("fk_actors_parent_id_actors"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actors")),
        sa.UniqueConstraint("key", name=op.f("uq_actors_key")),
    )
    with op.batch_alter_table("actors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_actors_country"), ["country"], unique=False)
        batch_op.create_index(batch_op.f("ix_actors_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_actors_sector"), ["sector"], unique=False)

    op.create_table(
        "edits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("table_name", sa.String(length=32), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=True),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("author", sa.String(length=255), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column(
            "created",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_edits")),
    )
    op.create_table(
        "event_types",
        sa.Column("plover_type", sa.String(length=16), nullable=False),
        sa.Column("mode", sa.String(length=32), nullable=False),
        sa.Column("acled_event_type", sa.String(length=255), nullable=True),
        sa.Column("acled_sub_event_type", sa.String(length=255), nullable=True),
        sa.Column("cameo_root", sa.String(length=2), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("plover_type", "mode", name=op.f("pk_event_types")),
    )
    op.create_table(
        "locations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("admin1", sa.String(length=255), nullable=True),
        sa.Column("country", sa.String(length=3), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("precision", sa.String(length=8), nullable=False),
        sa.CheckConstraint(
            "precision IN ('point', 'admin2', 'admin1', 'country', 'region', 'unknown')",
            name=op.f("ck_locations_precision"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_locations")),
        sa.UniqueConstraint("key", name=op.f("uq_locations_key")),
    )
    with op.batch_alter_table("locations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_locations_country"), ["country"], unique=False)

    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("domain", sa.String(length=255), nullable=True),
        sa.Column("country", sa.String(length=3), nullable=True),
        sa.Column(
            "created",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sources")),
        sa.UniqueConstraint("name", name=op.f("uq_sources_name")),
    )
    op.create_table(
        "actor_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=255), nullable=False),
        sa.Column("normalized", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["actors.id"],
            name=op.f("fk_actor_aliases_actor_id_actors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actor_aliases")),
        sa.UniqueConstraint(
            "actor_id", "normalized", name=op.f("uq_actor_aliases_actor_id_normalized")
        ),
    )
    with op.batch_alter_table("actor_aliases", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_actor_aliases_normalized"), ["normalized"], unique=False
        )

    op.create_table(
        "articles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("external_id", sa.String(length=255), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("comments", sa.Text(), nullable=True),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column("published_precision", sa.String(length=8), nullable=False),
        sa.Column("published_inferred", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("origin", sa.Text(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=True),
        sa.Column("extractor_version", sa.String(length=64), nullable=False),
        sa.Column(
            "ingested",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "published_precision IN ('day', 'week', 'month', 'year', 'unknown')",
            name=op.f("ck_articles_published_precision"),
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_articles_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_articles")),
        sa.UniqueConstraint("content_hash", name=op.f("uq_articles_content_hash")),
    )
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_articles_external_id"), ["external_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_articles_published"), ["published"], unique=False)
        batch_op.create_index(batch_op.f("ix_articles_source_id"), ["source_id"], unique=False)

    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor1_id", sa.Integer(), nullable=True),
        sa.Column("actor2_id", sa.Integer(), nullable=True),
        sa.Column("location_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("link_reason", sa.Text(), nullable=True),
        sa.Column("extractor_version", sa.String(length=64), nullable=False),
        sa.Column(
            "created",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("event_type", sa.String(length=16), nullable=False),
        sa.Column("event_mode", sa.String(length=32), nullable=True),
        sa.Column("date_start", sa.Date(), nullable=True),
        sa.Column("date_end", sa.Date(), nullable=True),
        sa.Column("date_precision", sa.String(length=8), nullable=False),
        sa.Column("fatalities_low", sa.Integer(), nullable=True),
        sa.Column("fatalities_best", sa.Integer(), nullable=True),
        sa.Column("fatalities_high", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "date_precision IN ('day', 'week', 'month', 'year', 'unknown')",
            name=op.f("ck_events_date_precision"),
        ),
        sa.CheckConstraint(
            "status IN ('auto', 'curated', 'rejected')", name=op.f("ck_events_status")
        ),
        sa.ForeignKeyConstraint(
            ["actor1_id"],
            ["actors.id"],
            name=op.f("fk_events_actor1_id_actors"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["actor2_id"],
            ["actors.id"],
            name=op.f("fk_events_actor2_id_actors"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name=op.f("fk_events_location_id_locations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_events_actor1_id"), ["actor1_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_events_actor2_id"), ["actor2_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_events_date_start"), ["date_start"], unique=False)
        batch_op.create_index(batch_op.f("ix_events_event_type"), ["event_type"], unique=False)
        batch_op.create_index(batch_op.f("ix_events_location_id"), ["location_id"], unique=False)

    op.create_table(
        "claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("section", sa.String(length=8), nullable=False),
        sa.Column("sentence_index", sa.Integer(), nullable=False),
        sa.Column("char_start", sa.Integer(), nullable=False),
        sa.Column("char_end", sa.Integer(), nullable=False),
        sa.Column("sentence", sa.Text(), nullable=False),
        sa.Column("trigger", sa.String(length=255), nullable=True),
        sa.Column("trigger_start", sa.Integer(), nullable=True),
        sa.Column("trigger_end", sa.Integer(), nullable=True),
        sa.Column("date_text", sa.String(length=255), nullable=True),
        sa.Column("actor1_id", sa.Integer(), nullable=True),
        sa.Column("actor2_id", sa.Integer(), nullable=True),
        sa.Column("location_id", sa.Integer(), nullable=True),
        sa.Column("location_text", sa.String(length=255), nullable=True),
        sa.Column("claimant_id", sa.Integer(), nullable=True),
        sa.Column("claimant_text", sa.Text(), nullable=True),
        sa.Column("relayed_by_id", sa.Integer(), nullable=True),
        sa.Column("relayed_by_text", sa.String(length=255), nullable=True),
        sa.Column("claim_date", sa.Date(), nullable=True),
        sa.Column("modality", sa.String(length=12), nullable=False),
        sa.Column("negated", sa.Boolean(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("rule", sa.String(length=128), nullable=True),
        sa.Column("extractor_version", sa.String(length=64), nullable=False),
        sa.Column("event_type", sa.String(length=16), nullable=False),
        sa.Column("event_mode", sa.String(length=32), nullable=True),
        sa.Column("date_start", sa.Date(), nullable=True),
        sa.Column("date_end", sa.Date(), nullable=True),
        sa.Column("date_precision", sa.String(length=8), nullable=False),
        sa.Column("fatalities_low", sa.Integer(), nullable=True),
        sa.Column("fatalities_best", sa.Integer(), nullable=True),
        sa.Column("fatalities_high", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "date_precision IN ('day', 'week', 'month', 'year', 'unknown')",
            name=op.f("ck_claims_date_precision"),
        ),
        sa.CheckConstraint(
            "modality IN ('asserted', 'alleged', 'denied', 'predicted', 'conditional')",
            name=op.f("ck_claims_modality"),
        ),
        sa.CheckConstraint(
            "section IN ('title', 'body', 'caption', 'comment')", name=op.f("ck_claims_section")
        ),
        sa.ForeignKeyConstraint(
            ["actor1_id"],
            ["actors.id"],
            name=op.f("fk_claims_actor1_id_actors"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["actor2_id"],
            ["actors.id"],
            name=op.f("fk_claims_actor2_id_actors"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_claims_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["claimant_id"],
            ["actors.id"],
            name=op.f("fk_claims_claimant_id_actors"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_claims_event_id_events"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name=op.f("fk_claims_location_id_locations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["relayed_by_id"],
            ["actors.id"],
            name=op.f("fk_claims_relayed_by_id_actors"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claims")),
    )
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claims_actor1_id"), ["actor1_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_claims_actor2_id"), ["actor2_id"], unique=False)
        batch_op.create_index(
            "ix_claims_article_sentence", ["article_id", "sentence_index"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_claims_claimant_id"), ["claimant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_claims_confidence"), ["confidence"], unique=False)
        batch_op.create_index(batch_op.f("ix_claims_date_start"), ["date_start"], unique=False)
        batch_op.create_index(batch_op.f("ix_claims_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_claims_event_type"), ["event_type"], unique=False)
        batch_op.create_index(batch_op.f("ix_claims_location_id"), ["location_id"], unique=False)

    op.create_table(
        "event_actors",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=8), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["actors.id"],
            name=op.f("fk_event_actors_actor_id_actors"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_actors_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", "actor_id", "role", name=op.f("pk_event_actors")),
    )
    with op.batch_alter_table("event_actors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_actors_actor_id"), ["actor_id"], unique=False)

    op.create_table(
        "claim_actors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=8), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("mention", sa.String(length=255), nullable=True),
        sa.Column("char_start", sa.Integer(), nullable=True),
        sa.Column("char_end", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["actors.id"],
            name=op.f("fk_claim_actors_actor_id_actors"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["claims.id"],
            name=op.f("fk_claim_actors_claim_id_claims"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_actors")),
    )
    with op.batch_alter_table("claim_actors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_actors_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_claim_actors_claim_id"), ["claim_id"], unique=False)

    _create_views()


def downgrade() -> None:
    for view in ("events_flat", "claims_flat"):
        op.execute(f"DROP VIEW IF EXISTS {view}")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS events_iso_date(date)")
    with op.batch_alter_table("claim_actors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_actors_claim_id"))
        batch_op.drop_index(batch_op.f("ix_claim_actors_actor_id"))

    op.drop_table("claim_actors")
    with op.batch_alter_table("event_actors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_actors_actor_id"))

    op.drop_table("event_actors")
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claims_location_id"))
        batch_op.drop_index(batch_op.f("ix_claims_event_type"))
        batch_op.drop_index(batch_op.f("ix_claims_event_id"))
        batch_op.drop_index(batch_op.f("ix_claims_date_start"))
        batch_op.drop_index(batch_op.f("ix_claims_confidence"))
        batch_op.drop_index(batch_op.f("ix_claims_claimant_id"))
        batch_op.drop_index("ix_claims_article_sentence")
        batch_op.drop_index(batch_op.f("ix_claims_actor2_id"))
        batch_op.drop_index(batch_op.f("ix_claims_actor1_id"))

    op.drop_table("claims")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_events_location_id"))
        batch_op.drop_index(batch_op.f("ix_events_event_type"))
        batch_op.drop_index(batch_op.f("ix_events_date_start"))
        batch_op.drop_index(batch_op.f("ix_events_actor2_id"))
        batch_op.drop_index(batch_op.f("ix_events_actor1_id"))

    op.drop_table("events")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_articles_source_id"))
        batch_op.drop_index(batch_op.f("ix_articles_published"))
        batch_op.drop_index(batch_op.f("ix_articles_external_id"))

    op.drop_table("articles")
    with op.batch_alter_table("actor_aliases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_actor_aliases_normalized"))

    op.drop_table("actor_aliases")
    op.drop_table("sources")
    with op.batch_alter_table("locations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_locations_country"))

    op.drop_table("locations")
    op.drop_table("event_types")
    op.drop_table("edits")
    with op.batch_alter_table("actors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_actors_sector"))
        batch_op.drop_index(batch_op.f("ix_actors_name"))
        batch_op.drop_index(batch_op.f("ix_actors_country"))

    op.drop_table("actors")


# --- views (contract: see DESIGN.md "the views researchers query") ----------------
# Frozen here on purpose: a later change to a view is a new migration, so old
# revisions keep creating the views they shipped with.


def _iso(dialect: str, column: str) -> str:
    """Render a DATE column as 'YYYY-MM-DD' text on either engine."""
    if dialect == "postgresql":
        return f"events_iso_date({column})"
    return column  # SQLAlchemy stores SQLite dates as ISO text already


# to_char() is only STABLE (some formats depend on settings), so no index could
# serve a filter on the views' text dates. This format depends on none: wrapped
# in an IMMUTABLE function (not inlined, so index expressions match), migration
# 0002 can index it and `date_start >= '2022-03-01'` on a view uses the index.
ISO_DATE_FUNCTION = """
CREATE OR REPLACE FUNCTION events_iso_date(d date) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT to_char(d, 'YYYY-MM-DD') $$
"""


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


def _create_views() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(ISO_DATE_FUNCTION)
    coded = """
        {type_}.event_type, {type_}.event_mode,
        {acled}, {acled_sub}, {cameo},
        {start} AS date_start, {end} AS date_end, {type_}.date_precision,"""
    op.execute(
        f"""
        CREATE VIEW claims_flat AS
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
            c.actor1_id, c.actor2_id, c.location_id
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
        CREATE VIEW events_flat AS
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
            e.status, e.actor1_id, e.actor2_id, e.location_id
        FROM events e
        LEFT JOIN actors a1 ON a1.id = e.actor1_id
        LEFT JOIN actors a2 ON a2.id = e.actor2_id
        LEFT JOIN locations loc ON loc.id = e.location_id
        LEFT JOIN event_types etm ON etm.plover_type = e.event_type AND etm.mode = e.event_mode
        LEFT JOIN event_types etd ON etd.plover_type = e.event_type AND etd.mode = ''
        """
    )
