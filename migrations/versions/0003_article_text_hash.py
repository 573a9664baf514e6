"""Articles are identified by their cleaned text, not by the bytes they came in.

``content_hash`` hashes the input as given (for HTML, the page source), so the
same article in two HTML wrappers (another site's menus, a re-scraped page)
was stored twice and its claims counted twice. ``text_hash`` hashes the cleaned
body (the title when there is no body), the text the claims come from; ingest
skips an article when either hash is already stored. ``content_hash`` keeps its
meaning: it lets an identical input be skipped before any extraction.

Existing articles get the hash of their stored body. Where two of them already
share a text (stored twice before this revision), the oldest keeps the hash and
the others get NULL: nothing is deleted, and a later ingest of that text finds
the oldest.

Revision ID: 0003_article_text_hash
Revises: 0002_place_date_indexes
Create Date: 2026-12-01 15:30:00
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_article_text_hash"
down_revision: str | None = "0002_place_date_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000
_WS = re.compile(r"\s+")


def _hash(body: str | None, title: str | None) -> str | None:
    # A frozen copy of events.store.text_hash as of this revision: the migration
    # must compute what the program of its time computed, whatever comes later.
    text = body if body and body.strip() else title
    if not text or not text.strip():
        return None
    norm = _WS.sub(" ", unicodedata.normalize("NFKC", text)).strip()
    return hashlib.sha256(norm.encode("utf-8", "replace")).hexdigest()


def upgrade() -> None:
    op.add_column("articles", sa.Column("text_hash", sa.String(length=64), nullable=True))
    bind = op.get_bind()
    articles = sa.table(
        "articles",
        sa.column("id", sa.Integer),
        sa.column("body", sa.Text),
        sa.column("title", sa.Text),
        sa.column("text_hash", sa.String(64)),
    )
    seen: set[str] = set()
    last = 0
    while True:
        rows = bind.execute(
            sa.select(articles.c.id, articles.c.body, articles.c.title)
            .where(articles.c.id > last)
            .order_by(articles.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        updates = []
        for id_, body, title in rows:
            digest = _hash(body, title)
            if digest is not None and digest not in seen:
                seen.add(digest)
                updates.append({"row_id": id_, "digest": digest})
        if updates:
            bind.execute(
                articles.update()
                .where(articles.c.id == sa.bindparam("row_id"))
                .values(text_hash=sa.bindparam("digest")),
                updates,
            )
        last = rows[-1][0]
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_articles_text_hash"), ["text_hash"], unique=True)


def downgrade() -> None:
    op.drop_index(op.f("ix_articles_text_hash"), table_name="articles")
    # Not in batch mode: on SQLite that rebuilds the table under a new name, which
    # breaks the views reading it. Both engines drop a column in place (SQLite 3.35+).
    op.execute("ALTER TABLE articles DROP COLUMN text_hash")
