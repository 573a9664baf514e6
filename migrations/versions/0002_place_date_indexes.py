"""Indexes for filtering claims and events by country and period.

A researcher's most common filter is a country and a month (``claims_flat``
where ``country = 'UKR' and date_start >= '2022-03-01' and date_start <
'2022-04-01'``). The view reaches the country through ``locations``; with only
``claims(location_id)`` the engine then fetches every claim of every place in
the country to test its date (546 ms at 1,000,000 claims on SQLite, see
bench/README.md). ``(location_id, date_start)`` turns that into one range
search per place (156 ms, most of it returning 10,000 rows).

Revision ID: 0002_place_date_indexes
Revises: 0001_initial
Create Date: 2026-11-27 16:05:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002_place_date_indexes"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# PostgreSQL: the views show dates through events_iso_date() (0001); index that
# expression so filters written against the views' text dates can use it.
# (Expression indexes are invisible to autogenerate, so they live only here.)
PG_EXPRESSION_INDEXES = {
    "ix_claims_location_isodate": "claims (location_id, events_iso_date(date_start))",
    "ix_claims_isodate": "claims (events_iso_date(date_start))",
    "ix_events_location_isodate": "events (location_id, events_iso_date(date_start))",
    "ix_events_isodate": "events (events_iso_date(date_start))",
}


def upgrade() -> None:
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.create_index(
            "ix_claims_location_date", ["location_id", "date_start"], unique=False
        )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_events_location_date", ["location_id", "date_start"], unique=False
        )
    if op.get_bind().dialect.name == "postgresql":
        for name, target in PG_EXPRESSION_INDEXES.items():
            op.execute(f"CREATE INDEX {name} ON {target}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in PG_EXPRESSION_INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {name}")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_location_date")
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_index("ix_claims_location_date")
