"""View copies: the views read one table each, so counting and filtering stay cheap.

``claims_flat`` joined nine tables and ``events_flat`` five. SQLite (3.40 at least) keeps
every LEFT JOIN of a view in an aggregate even when no joined column is used, so counting
claims by type through ``claims_flat`` cost ~56 times the same count on ``claims``; and a
filter on a joined column (``actor1 = 'X' OR actor2 = 'X'``) could use no index on either
engine.

This revision copies the joined columns into the row that uses them:

- ``claims`` gains the article's (``article_external_id``, ``article_source``,
  ``article_url``, ``article_published``, ``article_title``, ``article_copy_of``), the
  actors' (``actor1_name`` ... ``relayed_by_name``), the place's (``location_name`` ...
  ``location_geonames_id``) and the crosswalk's (``acled_event_type``,
  ``acled_sub_event_type``, ``cameo_root``) columns, and ``assoc_actors`` (the other
  actors' names, from ``claim_actors``); ``events`` gains the actors', the place's, the
  crosswalk's and its ``assoc_actors`` (from ``event_actors``).
- The database keeps the copies true, whoever writes: triggers recompute a row's copies
  when it is inserted or its keys change (a claim's ``actor1_id``, an event's
  ``location_id`` ...), and push a parent's change (an actor renamed, an article marked a
  copy, a crosswalk row added, an actor link added or removed) to the rows that use it. Foreign-key actions (an actor
  deleted: ``SET NULL``) are updates of the key, so they refresh the copies too.
- The views read only ``claims`` / ``events``; same columns, same order, same types,
  same values. ``contradictions`` reads the copies as well.
- Indexes for the filters researchers type: actor names, country with date, source, and
  type with status (the views' own ``status`` filter, so a count by type is answered
  from the index alone).

Existing rows get their copies here. Downgrade restores 0006's views and drops the rest.

Revision ID: 0007_view_copies
Revises: 0006_event_resolution
Create Date: 2026-12-05 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType

import sqlalchemy as sa
from alembic import op

revision: str = "0007_view_copies"
down_revision: str | None = "0006_event_resolution"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VIEWS = ("claims_flat", "events_flat")

_NAME = sa.String(length=255)
_COUNTRY = sa.String(length=3)
_SECTOR = sa.String(length=8)


class _Group:
    """Columns copied from one parent row, found through the child's key columns.

    A plain class: Alembic loads revisions outside ``sys.modules``, where a dataclass
    cannot be built.
    """

    def __init__(
        self,
        name: str,
        keys: tuple[str, ...],  # the child's columns that find the parent row
        parent: str,  # parent table
        columns: tuple[tuple[str, str, sa.types.TypeEngine], ...],  # (parent, copy, type)
        link: tuple[str, str] | None = None,  # assoc: the link table and its key column
    ) -> None:
        self.name, self.keys, self.parent, self.columns = name, keys, parent, columns
        self.link = link

    def select(self, child: str, parent_column: str, dialect: str) -> str:
        """A scalar sub-query: the parent's column for the child row ``child``."""
        if self.link is not None:
            return _assoc(dialect, *self.link, child)
        if self.name == "source":
            return (
                f"(SELECT s.name FROM articles ar JOIN sources s ON s.id = ar.source_id "
                f"WHERE ar.id = {child}.article_id)"
            )
        if self.name == "crosswalk":
            # The mode's own row first, then the type's default row (mode '').
            return (
                f"COALESCE((SELECT et.{parent_column} FROM event_types et "
                f"WHERE et.plover_type = {child}.event_type AND et.mode = {child}.event_mode), "
                f"(SELECT et.{parent_column} FROM event_types et "
                f"WHERE et.plover_type = {child}.event_type AND et.mode = ''))"
            )
        return (
            f"(SELECT p.{parent_column} FROM {self.parent} p WHERE p.id = {child}.{self.keys[0]})"
        )

    def assignments(self, child: str, dialect: str) -> str:
        return ", ".join(
            f"{copy} = {self.select(child, col, dialect)}" for col, copy, _ in self.columns
        )


def _assoc(dialect: str, link_table: str, key: str, owner: str) -> str:
    """The '; '-joined names of the other actors (not actor1/actor2), in role order.

    0004's ``_assoc``, frozen here (``refresh_sql`` runs outside a migration too).
    """
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


def _actor(role: str, columns: Sequence[str]) -> _Group:
    return _Group(
        role, (f"{role}_id",), "actors",
        tuple((c, f"{role}_{c}", {"name": _NAME, "country": _COUNTRY, "sector": _SECTOR}[c])
              for c in columns),
    )  # fmt: skip


_LOCATION = _Group(
    "location", ("location_id",), "locations",
    (
        ("name", "location_name", _NAME),
        ("admin1", "location_admin1", _NAME),
        ("admin2", "location_admin2", _NAME),
        ("country", "location_country", _COUNTRY),
        ("latitude", "location_latitude", sa.Float()),
        ("longitude", "location_longitude", sa.Float()),
        ("precision", "location_precision", sa.String(length=8)),
        ("geonames_id", "location_geonames_id", sa.Integer()),
    ),
)  # fmt: skip
_CROSSWALK = _Group(
    "crosswalk", ("event_type", "event_mode"), "event_types",
    (
        ("acled_event_type", "acled_event_type", _NAME),
        ("acled_sub_event_type", "acled_sub_event_type", _NAME),
        ("cameo_root", "cameo_root", sa.String(length=2)),
    ),
)  # fmt: skip

#: What each table copies, group by group (frozen here: the copies of this revision).
COPIES: dict[str, tuple[_Group, ...]] = {
    "claims": (
        _Group(
            "article", ("article_id",), "articles",
            (
                ("external_id", "article_external_id", _NAME),
                ("url", "article_url", sa.Text()),
                ("published", "article_published", sa.Date()),
                ("title", "article_title", sa.Text()),
                ("copy_of_id", "article_copy_of", sa.Integer()),
            ),
        ),
        _Group("source", ("article_id",), "sources", (("name", "article_source", _NAME),)),
        _actor("actor1", ("name", "country", "sector")),
        _actor("actor2", ("name", "country", "sector")),
        _actor("claimant", ("name", "country")),
        _actor("relayed_by", ("name",)),
        _LOCATION,
        _CROSSWALK,
        _Group("assoc", ("actor1_id", "actor2_id"), "actors",
               (("name", "assoc_actors", sa.Text()),), link=("claim_actors", "claim_id")),
    ),
    "events": (
        _actor("actor1", ("name", "country", "sector")),
        _actor("actor2", ("name", "country", "sector")),
        _LOCATION,
        _CROSSWALK,
        _Group("assoc", ("actor1_id", "actor2_id"), "actors",
               (("name", "assoc_actors", sa.Text()),), link=("event_actors", "event_id")),
    ),
}  # fmt: skip

#: Plain indexes on the copies (PostgreSQL adds the ISO-date expression twins below).
INDEXES: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "claims": (
        ("ix_claims_actor1_name", ("actor1_name",)),
        ("ix_claims_actor2_name", ("actor2_name",)),
        ("ix_claims_country_date", ("location_country", "date_start")),
        ("ix_claims_article_source", ("article_source",)),
        ("ix_claims_type_status", ("event_type", "status")),
        ("ix_claims_relayed_by_id", ("relayed_by_id",)),
    ),
    "events": (
        ("ix_events_actor1_name", ("actor1_name",)),
        ("ix_events_actor2_name", ("actor2_name",)),
        ("ix_events_country_date", ("location_country", "date_start")),
        ("ix_events_type_status", ("event_type", "status", "num_claims")),
    ),
}
PG_EXPRESSION_INDEXES = {
    "ix_claims_country_isodate": "claims (location_country, events_iso_date(date_start))",
    "ix_events_country_isodate": "events (location_country, events_iso_date(date_start))",
}

_TRIGGER_PREFIX = "events_copies"


def _revision_module(revision_id: str) -> ModuleType:
    """Return the module of another revision (its frozen view definitions)."""
    from alembic.script import ScriptDirectory

    config = op.get_context().config
    assert config is not None
    script = ScriptDirectory.from_config(config).get_revision(revision_id)
    assert script is not None
    return script.module


# --- the statements that keep the copies ------------------------------------------------


def refresh_sql(table: str, where: str = "", dialect: str = "sqlite") -> str:
    """UPDATE recomputing every copy of ``table``'s rows (those matching ``where``).

    Used to fill existing rows, by the SQLite triggers, and by ``bench/generate.py``
    after a bulk load with the triggers off.
    """
    sets = ", ".join(group.assignments(table, dialect) for group in COPIES[table])
    return f"UPDATE {table} SET {sets}" + (f" WHERE {where}" if where else "")


def _parent_updates(parent: str, new: str, dialect: str) -> list[str]:
    """The UPDATEs pushing a changed ``parent`` row (``new`` = NEW) to its children."""
    statements = []
    for table, groups in COPIES.items():
        for group in groups:
            if group.parent != parent and not (group.name == "source" and parent == "articles"):
                continue
            if group.name == "source" and parent == "sources":
                where = f"article_id IN (SELECT id FROM articles WHERE source_id = {new}.id)"
            elif group.name == "source":  # an article moved to another source
                where = f"article_id = {new}.id"
            elif group.name == "crosswalk":
                where = f"event_type = {new}.plover_type"
            elif group.link is not None:  # an actor renamed: the rows it is linked to
                link_table, key = group.link
                where = f"id IN (SELECT {key} FROM {link_table} WHERE actor_id = {new}.id)"
            else:
                where = f"{group.keys[0]} = {new}.id"
            statements.append(
                f"UPDATE {table} SET {group.assignments(table, dialect)} WHERE {where}"
            )
    return statements


def _link_updates(table: str, row: str, dialect: str) -> tuple[str, str]:
    """(link table, the UPDATE recomputing its owner's assoc_actors for link row ``row``)."""
    group = next(g for g in COPIES[table] if g.link is not None)
    assert group.link is not None
    link_table, key = group.link
    return link_table, (
        f"UPDATE {table} SET {group.assignments(table, dialect)} WHERE id = {row}.{key}"
    )


#: Parent table -> the columns whose change is copied (what fires its trigger).
_PARENT_COLUMNS = {
    "actors": ("name", "country", "sector"),
    "locations": (
        "name", "admin1", "admin2", "country", "latitude", "longitude", "precision",
        "geonames_id",
    ),
    "articles": ("external_id", "url", "published", "title", "copy_of_id", "source_id"),
    "sources": ("name",),
    "event_types": ("acled_event_type", "acled_sub_event_type", "cameo_root"),
}  # fmt: skip


def _keys(table: str) -> list[str]:
    return sorted({key for group in COPIES[table] for key in group.keys})


def _create_triggers(dialect: str) -> None:
    if dialect == "postgresql":
        _create_pg_triggers()
        return
    for table in COPIES:
        refresh = refresh_sql(table, "id = NEW.id", dialect)
        changed = " OR ".join(f"NEW.{k} IS NOT OLD.{k}" for k in _keys(table))
        op.execute(
            f"CREATE TRIGGER {_TRIGGER_PREFIX}_{table}_insert AFTER INSERT ON {table} "
            f"BEGIN {refresh}; END"
        )
        op.execute(
            f"CREATE TRIGGER {_TRIGGER_PREFIX}_{table}_keys "
            f"AFTER UPDATE OF {', '.join(_keys(table))} ON {table} WHEN {changed} "
            f"BEGIN {refresh}; END"
        )
    for parent, columns in _PARENT_COLUMNS.items():
        changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in columns)
        body = "; ".join(_parent_updates(parent, "NEW", dialect))
        op.execute(
            f"CREATE TRIGGER {_TRIGGER_PREFIX}_{parent}_update "
            f"AFTER UPDATE OF {', '.join(columns)} ON {parent} WHEN {changed} "
            f"BEGIN {body}; END"
        )
    # A crosswalk row added or removed changes what its type's rows read.
    op.execute(
        f"CREATE TRIGGER {_TRIGGER_PREFIX}_event_types_insert AFTER INSERT ON event_types "
        f"BEGIN {'; '.join(_parent_updates('event_types', 'NEW', dialect))}; END"
    )
    op.execute(
        f"CREATE TRIGGER {_TRIGGER_PREFIX}_event_types_delete AFTER DELETE ON event_types "
        f"BEGIN {'; '.join(_parent_updates('event_types', 'OLD', dialect))}; END"
    )
    # A claim's or event's actor links added, changed or removed: its assoc_actors.
    for table in COPIES:
        link_table, _ = _link_updates(table, "NEW", dialect)
        for when, rows in (("INSERT", ("NEW",)), ("DELETE", ("OLD",)), ("UPDATE", ("OLD", "NEW"))):
            body = "; ".join(_link_updates(table, row, dialect)[1] for row in rows)
            op.execute(
                f"CREATE TRIGGER {_TRIGGER_PREFIX}_{link_table}_{when.lower()} "
                f"AFTER {when} ON {link_table} BEGIN {body}; END"
            )


def _pg_row_function(table: str) -> str:
    """PL/pgSQL body filling NEW's copies, one SELECT INTO per parent row."""
    lines = []
    for group in COPIES[table]:
        targets = ", ".join(f"NEW.{copy}" for _, copy, _ in group.columns)
        if group.name == "source":
            lines.append(f"NEW.article_source := {group.select('NEW', 'name', 'postgresql')};")
            continue
        if group.link is not None:
            lines.append(f"NEW.assoc_actors := {group.select('NEW', 'name', 'postgresql')};")
            continue
        if group.name == "crosswalk":
            # One statement: the mode's row, else the type's default row, column by column.
            cols = ", ".join(f"COALESCE(m.{col}, d.{col})" for col, _, _ in group.columns)
            lines.append(
                f"SELECT {cols} INTO {targets} FROM (SELECT 1) one "
                "LEFT JOIN event_types m ON m.plover_type = NEW.event_type "
                "AND m.mode = NEW.event_mode "
                "LEFT JOIN event_types d ON d.plover_type = NEW.event_type AND d.mode = '';"
            )
            continue
        cols = ", ".join(f"p.{col}" for col, _, _ in group.columns)
        # No parent row (a NULL key): SELECT INTO sets the targets to NULL.
        lines.append(
            f"SELECT {cols} INTO {targets} FROM {group.parent} p WHERE p.id = NEW.{group.keys[0]};"
        )
    return "\n            ".join(lines)


def _create_pg_triggers() -> None:
    for table in COPIES:
        function = f"{_TRIGGER_PREFIX}_{table}_row"
        op.execute(
            f"""
            CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $fn$
            BEGIN
            {_pg_row_function(table)}
            RETURN NEW;
            END
            $fn$
            """
        )
        op.execute(
            f"CREATE TRIGGER {function} BEFORE INSERT ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}()"
        )
        changed = " OR ".join(f"NEW.{k} IS DISTINCT FROM OLD.{k}" for k in _keys(table))
        op.execute(
            f"CREATE TRIGGER {function}_keys BEFORE UPDATE OF {', '.join(_keys(table))} "
            f"ON {table} FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION {function}()"
        )
    for parent, columns in _PARENT_COLUMNS.items():
        function = f"{_TRIGGER_PREFIX}_{parent}_push"
        old = "OLD" if parent == "event_types" else "NEW"
        body = ";\n                ".join(_parent_updates(parent, "NEW", "postgresql"))
        old_body = ";\n                ".join(_parent_updates(parent, "OLD", "postgresql"))
        op.execute(
            f"""
            CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $fn$
            BEGIN
            IF TG_OP = 'DELETE' THEN
                {old_body if old == "OLD" else "NULL"};
                RETURN OLD;
            END IF;
                {body};
            RETURN NEW;
            END
            $fn$
            """
        )
        changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in columns)
        op.execute(
            f"CREATE TRIGGER {function} AFTER UPDATE OF {', '.join(columns)} ON {parent} "
            f"FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION {function}()"
        )
        if parent == "event_types":
            op.execute(
                f"CREATE TRIGGER {function}_rows AFTER INSERT OR DELETE ON {parent} "
                f"FOR EACH ROW EXECUTE FUNCTION {function}()"
            )
    # A claim's or event's actor links added, changed or removed: its assoc_actors.
    for table in COPIES:
        link_table, on_new = _link_updates(table, "NEW", "postgresql")
        _, on_old = _link_updates(table, "OLD", "postgresql")
        function = f"{_TRIGGER_PREFIX}_{link_table}_push"
        op.execute(
            f"""
            CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $fn$
            BEGIN
            IF TG_OP IN ('DELETE', 'UPDATE') THEN
                {on_old};
            END IF;
            IF TG_OP IN ('INSERT', 'UPDATE') THEN
                {on_new};
            END IF;
            RETURN NULL;
            END
            $fn$
            """
        )
        op.execute(
            f"CREATE TRIGGER {function} AFTER INSERT OR UPDATE OR DELETE ON {link_table} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}()"
        )


def _drop_triggers(dialect: str) -> None:
    if dialect == "postgresql":
        for table in COPIES:
            op.execute(f"DROP TRIGGER IF EXISTS {_TRIGGER_PREFIX}_{table}_row ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {_TRIGGER_PREFIX}_{table}_row_keys ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {_TRIGGER_PREFIX}_{table}_row()")
        for parent in _PARENT_COLUMNS:
            function = f"{_TRIGGER_PREFIX}_{parent}_push"
            op.execute(f"DROP TRIGGER IF EXISTS {function} ON {parent}")
            op.execute(f"DROP TRIGGER IF EXISTS {function}_rows ON {parent}")
            op.execute(f"DROP FUNCTION IF EXISTS {function}()")
        for link_table in ("claim_actors", "event_actors"):
            function = f"{_TRIGGER_PREFIX}_{link_table}_push"
            op.execute(f"DROP TRIGGER IF EXISTS {function} ON {link_table}")
            op.execute(f"DROP FUNCTION IF EXISTS {function}()")
        return
    names = [f"{_TRIGGER_PREFIX}_{t}_{k}" for t in COPIES for k in ("insert", "keys")]
    names += [
        f"{_TRIGGER_PREFIX}_{link}_{when}"
        for link in ("claim_actors", "event_actors")
        for when in ("insert", "delete", "update")
    ]
    names += [f"{_TRIGGER_PREFIX}_{p}_update" for p in _PARENT_COLUMNS]
    names += [f"{_TRIGGER_PREFIX}_event_types_insert", f"{_TRIGGER_PREFIX}_event_types_delete"]
    for name in names:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")


# --- migration ----------------------------------------------------------------------------


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    # SQLite: views out of the way while columns are added (see 0006). PostgreSQL
    # replaces them in place below (same columns and types: grants and dependents kept).
    if dialect != "postgresql":
        op.execute("DROP VIEW IF EXISTS contradictions")
        for view in reversed(VIEWS):
            op.execute(f"DROP VIEW IF EXISTS {view}")
    for table, groups in COPIES.items():
        for group in groups:
            for _, copy, type_ in group.columns:
                # Plain ALTER TABLE, not batch mode (see 0004).
                op.add_column(table, sa.Column(copy, type_, nullable=True))
        op.execute(refresh_sql(table, dialect=dialect))
        for name, columns in INDEXES[table]:
            op.create_index(name, table, list(columns), unique=False)
    if dialect == "postgresql":
        for name, target in PG_EXPRESSION_INDEXES.items():
            op.execute(f"CREATE INDEX {name} ON {target}")
    _create_triggers(dialect)
    _create_views(dialect)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.execute("DROP VIEW IF EXISTS contradictions")
    if dialect == "postgresql":
        # 0006's views first (they read no copy), replaced in place; then the copies go.
        _revision_module("0006_event_resolution")._create_views(replace=True)
    else:
        for view in reversed(VIEWS):
            op.execute(f"DROP VIEW IF EXISTS {view}")
    _drop_triggers(dialect)
    if dialect == "postgresql":
        for name in PG_EXPRESSION_INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {name}")
    for table, groups in COPIES.items():
        for name, _ in INDEXES[table]:
            op.drop_index(name, table_name=table)
        for group in groups:
            for _, copy, _ in group.columns:
                op.execute(f"ALTER TABLE {table} DROP COLUMN {copy}")
    if dialect != "postgresql":
        _revision_module("0006_event_resolution")._create_views(replace=False)


# --- views (contract: see DESIGN.md "the views researchers query") ----------------------
# Frozen here on purpose, built with 0004's helpers so every column renders as before.


def _create_views(dialect: str) -> None:
    m = _revision_module("0004_place_admin2_geonames")
    r6 = _revision_module("0006_event_resolution")
    iso, flag = m._iso, m._flag
    create = "CREATE OR REPLACE VIEW" if dialect == "postgresql" else "CREATE VIEW"
    op.execute(
        f"""
        {create} claims_flat AS
        SELECT
            c.id AS claim_id, c.event_id, c.article_id,
            c.article_external_id, c.article_source AS source, c.article_url,
            {iso(dialect, "c.article_published")} AS article_published,
            c.section, c.sentence_index, c.char_start, c.char_end, c.sentence, c.trigger,
            c.event_type, c.event_mode,
            c.acled_event_type, c.acled_sub_event_type, c.cameo_root,
            {iso(dialect, "c.date_start")} AS date_start,
            {iso(dialect, "c.date_end")} AS date_end, c.date_precision,
            c.date_text,
            c.actor1_name AS actor1, c.actor1_country, c.actor1_sector,
            c.actor2_name AS actor2, c.actor2_country, c.actor2_sector,
            c.assoc_actors,
            c.location_name AS location, c.location_admin1 AS admin1,
            c.location_country AS country,
            c.location_latitude AS latitude, c.location_longitude AS longitude,
            COALESCE(c.location_precision, 'unknown') AS geo_precision,
            c.fatalities_low, c.fatalities_best, c.fatalities_high,
            c.claimant_name AS claimant, c.claimant_country,
            COALESCE(c.relayed_by_name, c.relayed_by_text) AS relayed_by,
            c.modality, c.confidence, c.rule, c.extractor_version,
            {iso(dialect, "c.claim_date")} AS claim_date,
            {flag(dialect, "c.negated")} AS negated,
            c.article_title,
            c.actor1_id, c.actor2_id, c.location_id,
            c.location_admin2 AS admin2, c.location_geonames_id AS geonames_id,
            c.location_evidence,
            {flag(dialect, "c.is_main")} AS is_main,
            CASE WHEN c.status = 'curated' THEN 1 ELSE 0 END AS curated,
            c.article_copy_of AS copy_of
        FROM claims c
        WHERE c.status <> 'rejected'
        """
    )
    count = r6._count
    op.execute(
        f"""
        {create} events_flat AS
        SELECT
            e.id AS event_id,
            e.event_type, e.event_mode,
            e.acled_event_type, e.acled_sub_event_type, e.cameo_root,
            {iso(dialect, "e.date_start")} AS date_start,
            {iso(dialect, "e.date_end")} AS date_end, e.date_precision,
            e.actor1_name AS actor1, e.actor1_country, e.actor1_sector,
            e.actor2_name AS actor2, e.actor2_country, e.actor2_sector,
            e.assoc_actors,
            e.location_name AS location, e.location_admin1 AS admin1,
            e.location_country AS country,
            e.location_latitude AS latitude, e.location_longitude AS longitude,
            COALESCE(e.location_precision, 'unknown') AS geo_precision,
            e.fatalities_low, e.fatalities_best, e.fatalities_high,
            {count(dialect, "e.num_claims")} AS num_claims,
            {count(dialect, "e.num_articles")} AS num_articles,
            {count(dialect, "e.num_sources")} AS num_sources,
            {iso(dialect, "e.first_reported")} AS first_reported,
            e.status, e.actor1_id, e.actor2_id, e.location_id,
            e.location_admin2 AS admin2, e.location_geonames_id AS geonames_id,
            e.num_reports, {flag(dialect, "e.contested")} AS contested, e.contested_fields,
            {iso(dialect, "e.date_first")} AS date_first,
            {iso(dialect, "e.date_last")} AS date_last,
            e.places, e.link_reason
        FROM events e
        WHERE e.status <> 'rejected' AND e.num_claims > 0
        """
    )
    _create_contradictions(create, dialect)


def _create_contradictions(create: str, dialect: str) -> None:
    """0006's "who says what" table: same rows, reading the copies, grouped per branch.

    0006 built one list of (event, field, value) rows and grouped it twice (the values,
    and which fields are disputed), so a filter on ``event_id`` could not reach the
    claims: one event's rows cost a pass over every claim. Here each field is its own
    grouped SELECT over ``claims``, and a value is disputed when another claim of the
    event gives a different one (the same as "more than one distinct value"); both
    engines push ``WHERE event_id = ...`` into every branch and use ``ix_claims_event_id``.
    """
    iso = _revision_module("0004_place_admin2_geonames")._iso
    fields = {
        "event_type": "{c}.event_type",
        "date": iso(dialect, "{c}.date_start"),
        "location": "{c}.location_name",
        "actor1": "{c}.actor1_name",
        "actor2": "{c}.actor2_name",
        "fatalities": (
            "CASE WHEN {c}.fatalities_low IS NOT NULL AND {c}.fatalities_high IS NOT NULL "
            "AND {c}.fatalities_low <> {c}.fatalities_high "
            "THEN CAST({c}.fatalities_low AS TEXT) || '-' || CAST({c}.fatalities_high AS TEXT) "
            "ELSE CAST(COALESCE({c}.fatalities_best, {c}.fatalities_low) AS TEXT) END"
        ),
        "modality": "{c}.modality",
    }
    if dialect == "postgresql":
        agg_ids = "string_agg(CAST(c.id AS TEXT), ',' ORDER BY c.id)"
        agg = "string_agg(DISTINCT {col}, '; ' ORDER BY {col})"
    else:
        agg_ids = "group_concat(c.id, ',')"
        # SQLite's group_concat takes no separator with DISTINCT: join with ',' after
        # hiding the values' own commas (unit separator), then give them back.
        agg = (
            "replace(replace(group_concat(DISTINCT replace({col}, ',', char(31))), ',', '; '),"
            " char(31), ',')"
        )
    claimant = "COALESCE(c.claimant_name, c.article_source, 'the outlet')"
    branches = []
    for name, expr in fields.items():
        mine, other = expr.format(c="c"), expr.format(c="o")
        branches.append(
            f"""        SELECT c.event_id, '{name}' AS field, {mine} AS value,
               {agg.format(col=claimant)} AS claimants,
               {agg.format(col="c.article_source")} AS sources,
               {agg.format(col="c.modality")} AS modalities,
               {agg_ids} AS claim_ids,
               count(*) AS num_claims
        FROM claims c
        WHERE c.event_id IS NOT NULL AND c.status <> 'rejected' AND ({mine}) IS NOT NULL
          AND EXISTS (SELECT 1 FROM claims o
                      WHERE o.event_id = c.event_id AND o.status <> 'rejected'
                        AND ({other}) IS NOT NULL AND ({other}) <> ({mine}))
        GROUP BY c.event_id, {mine}"""
        )
    union = "\n        UNION ALL\n".join(branches)
    op.execute(f"{create} contradictions AS\n{union}")
