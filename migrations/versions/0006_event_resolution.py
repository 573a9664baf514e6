"""Event resolution: claim links, syndicated copies, curation, event summaries, contradictions.

Tables:

- ``articles.copy_of_id`` (the article a syndicated copy copies) and ``articles.minhash``
  (its MinHash signature, hex); ``article_bands`` indexes the signature's bands so a new
  article finds its near-duplicates without reading the others.
- ``claims.status`` (auto, curated, rejected) and ``claims.event_pinned`` (a person chose
  the claim's event); ``claim_links`` says why each claim is in its event (the claim it
  matched, the rule, the score, the evidence compared).
- ``events`` gains its blocking key (``type_family``, ``country``; index ``ix_events_block``
  with ``date_start``) and the summary of its claims that the store keeps: ``num_claims``,
  ``num_articles``, ``num_sources``, ``num_reports`` (independent reports: copies count
  once), ``first_reported``, ``date_first``/``date_last``, ``places``, ``contested`` and
  ``contested_fields``. Existing events get them computed here from their claims.
- ``edits`` gains ``article_id``, ``claim_span`` and ``status`` so that re-extraction can
  re-apply a claim edit, or say it no longer applies.

Views (DESIGN.md "Contract": additions keep old columns, appended at the end):

- ``claims_flat`` hides rejected claims and appends ``curated`` (0/1) and ``copy_of``
  (the article id the claim's article copies, NULL for an original).
- ``events_flat`` reads the stored summary (no per-row aggregation of claims), hides
  rejected and empty events, and appends ``num_reports``, ``contested``,
  ``contested_fields``, ``date_first``, ``date_last``, ``places`` and ``link_reason``.
- ``contradictions`` (new): per event, field and distinct claimed value, the claimants,
  sources, modalities and claim ids behind it; only fields on which the event's claims
  disagree. Fields: event_type, date, location, actor1, actor2, fatalities, modality.

On PostgreSQL the two views are replaced in place (columns appended; grants and
dependent views kept); SQLite drops and creates them. Downgrade restores 0005.

Revision ID: 0006_event_resolution
Revises: 0005_claim_is_main
Create Date: 2026-12-04 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType

import sqlalchemy as sa
from alembic import op

revision: str = "0006_event_resolution"
down_revision: str | None = "0005_claim_is_main"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VIEWS = ("claims_flat", "events_flat")

#: Type families as this revision first fills them (seeds/type_families.tsv is the
#: live source; ``events relink`` recomputes them). Frozen here on purpose.
_FAMILIES = {"ASSAULT": "violence", "COERCE": "violence"}

_EVENT_COLUMNS = (
    ("type_family", sa.String(length=16), None),
    ("country", sa.String(length=3), None),
    ("num_claims", sa.Integer(), "0"),
    ("num_articles", sa.Integer(), "0"),
    ("num_sources", sa.Integer(), "0"),
    ("num_reports", sa.Integer(), "0"),
    ("first_reported", sa.Date(), None),
    ("date_first", sa.Date(), None),
    ("date_last", sa.Date(), None),
    ("places", sa.Text(), None),
    ("contested", sa.Boolean(), "false"),
    ("contested_fields", sa.String(length=255), None),
)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    # Plain ALTER TABLE, not batch mode (see 0004): batch mode breaks the views on SQLite.
    if dialect == "postgresql":
        op.add_column("articles", sa.Column("copy_of_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            op.f("fk_articles_copy_of_id_articles"), "articles", "articles",
            ["copy_of_id"], ["id"],
        )  # fmt: skip
    else:
        op.execute(
            "ALTER TABLE articles ADD COLUMN copy_of_id INTEGER "
            "CONSTRAINT fk_articles_copy_of_id_articles REFERENCES articles (id)"
        )
    op.create_index(op.f("ix_articles_copy_of_id"), "articles", ["copy_of_id"], unique=False)
    op.add_column("articles", sa.Column("minhash", sa.Text(), nullable=True))
    op.create_table(
        "article_bands",
        sa.Column("band", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("bucket", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"],
            name=op.f("fk_article_bands_article_id_articles"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("band", "bucket", "article_id", name=op.f("pk_article_bands")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_article_bands_article_id"), "article_bands", ["article_id"], unique=False
    )

    statuses = "status IN ('auto', 'curated', 'rejected')"
    if dialect == "postgresql":
        op.add_column(
            "claims",
            sa.Column("status", sa.String(length=16), nullable=False, server_default="auto"),
        )
        op.create_check_constraint(op.f("ck_claims_status"), "claims", statuses)
    else:
        op.execute(
            "ALTER TABLE claims ADD COLUMN status VARCHAR(16) DEFAULT 'auto' NOT NULL "
            f"CONSTRAINT ck_claims_status CHECK ({statuses})"
        )
    op.add_column(
        "claims",
        sa.Column("event_pinned", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "claim_links",
        sa.Column("claim_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("other_claim_id", sa.Integer(), nullable=True),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column(
            "created", sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"],
            name=op.f("fk_claim_links_claim_id_claims"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["other_claim_id"], ["claims.id"],
            name=op.f("fk_claim_links_other_claim_id_claims"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("claim_id", name=op.f("pk_claim_links")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_claim_links_other_claim_id"), "claim_links", ["other_claim_id"], unique=False
    )

    for name, type_, default in _EVENT_COLUMNS:
        server_default = None
        if default == "false":
            server_default = sa.false()
        elif default is not None:
            server_default = sa.text(default)
        op.add_column(
            "events",
            sa.Column(name, type_, nullable=default is None, server_default=server_default),
        )
    op.create_index(
        "ix_events_block", "events", ["type_family", "country", "date_start"], unique=False
    )

    op.add_column("edits", sa.Column("article_id", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_edits_article_id"), "edits", ["article_id"], unique=False)
    op.add_column("edits", sa.Column("claim_span", sa.String(length=64), nullable=True))
    op.add_column(
        "edits",
        sa.Column("status", sa.String(length=16), nullable=False, server_default="applied"),
    )

    _summarise_existing_events()

    if dialect != "postgresql":
        for view in VIEWS:
            op.execute(f"DROP VIEW IF EXISTS {view}")
    _create_views(replace=dialect == "postgresql")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    previous = _revision_module("0004_place_admin2_geonames")
    grants = previous._grants() if dialect == "postgresql" else []
    op.execute("DROP VIEW IF EXISTS contradictions")
    for view in reversed(VIEWS):
        op.execute(f"DROP VIEW IF EXISTS {view}")
    op.drop_index(op.f("ix_edits_article_id"), table_name="edits")
    for column in ("status", "claim_span", "article_id"):
        op.execute(f"ALTER TABLE edits DROP COLUMN {column}")
    op.drop_index("ix_events_block", table_name="events")
    for name, _, _ in reversed(_EVENT_COLUMNS):
        op.execute(f"ALTER TABLE events DROP COLUMN {name}")
    op.drop_index(op.f("ix_claim_links_other_claim_id"), table_name="claim_links")
    op.drop_table("claim_links")
    op.execute("ALTER TABLE claims DROP COLUMN event_pinned")
    if dialect == "postgresql":
        op.drop_constraint(op.f("ck_claims_status"), "claims", type_="check")
    op.execute("ALTER TABLE claims DROP COLUMN status")
    op.drop_index(op.f("ix_article_bands_article_id"), table_name="article_bands")
    op.drop_table("article_bands")
    op.execute("ALTER TABLE articles DROP COLUMN minhash")
    op.drop_index(op.f("ix_articles_copy_of_id"), table_name="articles")
    if dialect == "postgresql":
        op.drop_constraint(op.f("fk_articles_copy_of_id_articles"), "articles", type_="foreignkey")
    op.execute("ALTER TABLE articles DROP COLUMN copy_of_id")
    # 0004's function creates both views as 0004 left them; 0005 appended is_main.
    previous._create_views(replace=False)
    op.execute("DROP VIEW claims_flat")
    _revision_module("0005_claim_is_main")._create_claims_flat(replace=False)
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


def _summarise_existing_events() -> None:
    """Fill the new event columns from the claims already stored (same rules as the store's)."""
    family = " ".join(f"WHEN '{t}' THEN '{f}'" for t, f in _FAMILIES.items())
    op.execute(
        f"""
        UPDATE events SET
            type_family = CASE event_type {family} ELSE lower(event_type) END,
            country = (SELECT l.country FROM locations l WHERE l.id = events.location_id),
            num_claims = (SELECT count(*) FROM claims c WHERE c.event_id = events.id),
            num_articles = (SELECT count(DISTINCT c.article_id) FROM claims c
                            WHERE c.event_id = events.id),
            num_sources = (SELECT count(DISTINCT ar.source_id) FROM claims c
                           JOIN articles ar ON ar.id = c.article_id WHERE c.event_id = events.id),
            num_reports = (SELECT count(DISTINCT c.article_id) FROM claims c
                           WHERE c.event_id = events.id),
            first_reported = (SELECT min(ar.published) FROM claims c
                              JOIN articles ar ON ar.id = c.article_id
                              WHERE c.event_id = events.id),
            date_first = (SELECT min(c.date_start) FROM claims c WHERE c.event_id = events.id),
            date_last = (SELECT max(COALESCE(c.date_end, c.date_start)) FROM claims c
                         WHERE c.event_id = events.id)
        """
    )


# --- views (contract: see DESIGN.md "the views researchers query") ----------------
# Frozen here on purpose, built with 0004's helpers (_iso, _flag, _assoc, _crosswalk)
# so the rendering of the older columns is the same.


def _create_views(*, replace: bool) -> None:
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
            {m._flag(dialect, "c.is_main")} AS is_main,
            CASE WHEN c.status = 'curated' THEN 1 ELSE 0 END AS curated,
            ar.copy_of_id AS copy_of
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
        WHERE c.status <> 'rejected'
        """
    )
    op.execute(
        f"""
        {create} events_flat AS
        SELECT
            e.id AS event_id,
            e.event_type, e.event_mode,
            {m._crosswalk("acled_event_type", "acled_event_type")},
            {m._crosswalk("acled_sub_event_type", "acled_sub_event_type")},
            {m._crosswalk("cameo_root", "cameo_root")},
            {m._iso(dialect, "e.date_start")} AS date_start,
            {m._iso(dialect, "e.date_end")} AS date_end, e.date_precision,
            a1.name AS actor1, a1.country AS actor1_country, a1.sector AS actor1_sector,
            a2.name AS actor2, a2.country AS actor2_country, a2.sector AS actor2_sector,
            {m._assoc(dialect, "event_actors", "event_id", "e")} AS assoc_actors,
            loc.name AS location, loc.admin1, loc.country,
            loc.latitude, loc.longitude, COALESCE(loc.precision, 'unknown') AS geo_precision,
            e.fatalities_low, e.fatalities_best, e.fatalities_high,
            {_count(dialect, "e.num_claims")} AS num_claims,
            {_count(dialect, "e.num_articles")} AS num_articles,
            {_count(dialect, "e.num_sources")} AS num_sources,
            {m._iso(dialect, "e.first_reported")} AS first_reported,
            e.status, e.actor1_id, e.actor2_id, e.location_id,
            loc.admin2, loc.geonames_id,
            e.num_reports, {m._flag(dialect, "e.contested")} AS contested, e.contested_fields,
            {m._iso(dialect, "e.date_first")} AS date_first,
            {m._iso(dialect, "e.date_last")} AS date_last,
            e.places, e.link_reason
        FROM events e
        LEFT JOIN actors a1 ON a1.id = e.actor1_id
        LEFT JOIN actors a2 ON a2.id = e.actor2_id
        LEFT JOIN locations loc ON loc.id = e.location_id
        LEFT JOIN event_types etm ON etm.plover_type = e.event_type AND etm.mode = e.event_mode
        LEFT JOIN event_types etd ON etd.plover_type = e.event_type AND etd.mode = ''
        WHERE e.status <> 'rejected' AND e.num_claims > 0
        """
    )
    _create_contradictions(dialect)


def _count(dialect: str, column: str) -> str:
    """Render a stored count with the type count(*) gave it in 0001-0005 (bigint on PostgreSQL)."""
    return f"CAST({column} AS BIGINT)" if dialect == "postgresql" else column


def _create_contradictions(dialect: str) -> None:
    """The "who says what" table: one row per event, disputed field and claimed value."""
    text = "TEXT"
    iso = _revision_module("0004_place_admin2_geonames")._iso
    fields = {
        "event_type": "c.event_type",
        "date": f"{iso(dialect, 'c.date_start')}",
        "location": "loc.name",
        "actor1": "a1.name",
        "actor2": "a2.name",
        "fatalities": (
            f"CASE WHEN c.fatalities_low IS NOT NULL AND c.fatalities_high IS NOT NULL "
            f"AND c.fatalities_low <> c.fatalities_high "
            f"THEN CAST(c.fatalities_low AS {text}) || '-' || CAST(c.fatalities_high AS {text}) "
            f"ELSE CAST(COALESCE(c.fatalities_best, c.fatalities_low) AS {text}) END"
        ),
        "modality": "c.modality",
    }
    selects = "\n        UNION ALL\n".join(
        f"""        SELECT c.event_id, '{name}' AS field, {expr} AS value, c.id AS claim_id,
               COALESCE(cl.name, s.name, 'the outlet') AS claimant, s.name AS source,
               c.modality
        FROM claims c
        LEFT JOIN articles ar ON ar.id = c.article_id
        LEFT JOIN sources s ON s.id = ar.source_id
        LEFT JOIN actors cl ON cl.id = c.claimant_id
        LEFT JOIN actors a1 ON a1.id = c.actor1_id
        LEFT JOIN actors a2 ON a2.id = c.actor2_id
        LEFT JOIN locations loc ON loc.id = c.location_id
        WHERE c.event_id IS NOT NULL AND c.status <> 'rejected' AND ({expr}) IS NOT NULL"""
        for name, expr in fields.items()
    )
    if dialect == "postgresql":
        agg_ids = "string_agg(CAST(v.claim_id AS TEXT), ',' ORDER BY v.claim_id)"
        agg = "string_agg(DISTINCT {col}, '; ' ORDER BY {col})"
    else:
        agg_ids = "group_concat(v.claim_id, ',')"
        # SQLite's group_concat takes no separator with DISTINCT: join with ',' after
        # hiding the values' own commas (unit separator), then give them back.
        agg = (
            "replace(replace(group_concat(DISTINCT replace({col}, ',', char(31))), ',', '; '),"
            " char(31), ',')"
        )
    op.execute(
        f"""
        CREATE VIEW contradictions AS
        WITH v AS (
{selects}
        ),
        disputed AS (
            SELECT event_id, field FROM v GROUP BY event_id, field
            HAVING count(DISTINCT value) > 1
        )
        SELECT v.event_id, v.field, v.value,
               {agg.format(col="v.claimant")} AS claimants,
               {agg.format(col="v.source")} AS sources,
               {agg.format(col="v.modality")} AS modalities,
               {agg_ids} AS claim_ids,
               count(*) AS num_claims
        FROM v JOIN disputed d ON d.event_id = v.event_id AND d.field = v.field
        GROUP BY v.event_id, v.field, v.value
        """
    )
