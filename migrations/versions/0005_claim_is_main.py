"""Claims say which one is the report's main event (``claims.is_main``).

``claims.is_main`` (boolean, not null, default false) marks the one claim per article
that describes the event the headline and lead report (set by the events stage:
``events.pipeline.eventcoding.mark_main``). Existing rows start false: re-ingest an
article (or run the extractor again) to mark its main event.

``claims_flat`` gains ``is_main`` (0/1, like ``negated``) at the END of its column
list, so every older column keeps its name and position (DESIGN.md, "Contract":
additions keep old columns). As in 0004: on PostgreSQL the view is replaced in place
(CREATE OR REPLACE VIEW may append columns), which keeps its grants and any view
built on it; SQLite has neither, its view is dropped and created again.
``events_flat`` does not change.

Downgrade drops the views and the column and creates the views of revision 0004
with 0004's own function, so they are the very same; on PostgreSQL the grants the
views had are given again (0004's ``_grants``).

Revision ID: 0005_claim_is_main
Revises: 0004_place_admin2_geonames
Create Date: 2026-12-03 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType

import sqlalchemy as sa
from alembic import op

revision: str = "0005_claim_is_main"
down_revision: str | None = "0004_place_admin2_geonames"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VIEWS = ("claims_flat", "events_flat")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    # Plain ALTER TABLE, not batch mode (see 0004): batch mode breaks the views on SQLite.
    op.add_column(
        "claims",
        sa.Column("is_main", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    if dialect != "postgresql":
        op.execute("DROP VIEW IF EXISTS claims_flat")
    _create_claims_flat(replace=dialect == "postgresql")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    previous = _revision_module("0004_place_admin2_geonames")
    grants = previous._grants() if dialect == "postgresql" else []
    # The view reads the column about to go: it goes first. events_flat goes too, so
    # that 0004's function creates both views exactly as 0004 left them.
    for view in reversed(VIEWS):
        op.execute(f"DROP VIEW IF EXISTS {view}")
    op.execute("ALTER TABLE claims DROP COLUMN is_main")
    previous._create_views(replace=False)
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


# --- views (contract: see DESIGN.md "the views researchers query") ----------------
# Frozen here on purpose: 0004's claims_flat with is_main appended, built with 0004's
# helpers (_iso, _flag, _assoc, _crosswalk) so the rendering is the same.


def _create_claims_flat(*, replace: bool) -> None:
    m = _revision_module("0004_place_admin2_geonames")
    dialect = op.get_bind().dialect.name
    create = "CREATE OR REPLACE VIEW" if replace else "CREATE VIEW"
    op.execute(
        f"""
        {create} claims_flat AS
        SELECT
            c.id AS claim_id, c.event_id, c.article_id,
            ar.external_id AS article_external_id, s.name AS source, ar.url AS article_url,
            {m._iso(dialect, "ar.published")} AS article_published,
            c.section, c.sentence_index, c.char_start, c.char_end, c.sentence, c.trigger,
            c.event_type, c.event_mode,
            {m._crosswalk("acled_event_type", "acled_event_type")},
            {m._crosswalk("acled_sub_event_type", "acled_sub_event_type")},
            {m._crosswalk("cameo_root", "cameo_root")},
            {m._iso(dialect, "c.date_start")} AS date_start,
            {m._iso(dialect, "c.date_end")} AS date_end, c.date_precision,
            c.date_text,
            a1.name AS actor1, a1.country AS actor1_country, a1.sector AS actor1_sector,
            a2.name AS actor2, a2.country AS actor2_country, a2.sector AS actor2_sector,
            {m._assoc(dialect, "claim_actors", "claim_id", "c")} AS assoc_actors,
            loc.name AS location, loc.admin1, loc.country,
            loc.latitude, loc.longitude, COALESCE(loc.precision, 'unknown') AS geo_precision,
            c.fatalities_low, c.fatalities_best, c.fatalities_high,
            cl.name AS claimant, cl.country AS claimant_country,
            COALESCE(rl.name, c.relayed_by_text) AS relayed_by,
            c.modality, c.confidence, c.rule, c.extractor_version,
            {m._iso(dialect, "c.claim_date")} AS claim_date,
            {m._flag(dialect, "c.negated")} AS negated,
            ar.title AS article_title,
            c.actor1_id, c.actor2_id, c.location_id,
            loc.admin2, loc.geonames_id, c.location_evidence,
            {m._flag(dialect, "c.is_main")} AS is_main
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
