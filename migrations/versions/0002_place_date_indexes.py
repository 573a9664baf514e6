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


def upgrade() -> None:
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.create_index(
            "ix_claims_location_date", ["location_id", "date_start"], unique=False
        )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_events_location_date", ["location_id", "date_start"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_location_date")
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_index("ix_claims_location_date")
