"""Fetch one article with its claims for ``events show``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select, text

from events.db import Database
from events.errors import EventsError
from events.models import Article


class UnknownArticle(EventsError):
    """No article has that id or external id."""


@dataclass
class ArticleView:
    article: dict[str, Any]
    claims: list[dict[str, Any]]


def get_article(database: Database, ref: str) -> ArticleView:
    """Return the article with id or external id ``ref`` and its claims (claims_flat rows)."""
    with database.session() as session:
        conditions = [Article.external_id == ref]
        if ref.isdigit() and int(ref) < 2**31:  # ids are 32-bit integers on PostgreSQL
            conditions.append(Article.id == int(ref))
        art = session.execute(
            select(Article).where(or_(*conditions)).order_by(Article.id).limit(1)
        ).scalar_one_or_none()
        if art is None:
            raise UnknownArticle(
                f"no article {ref!r}: list them with "
                '`events query "select id, external_id, title from articles" --table`'
            )
        article = {
            "id": art.id, "external_id": art.external_id, "title": art.title,
            "source": art.source.name if art.source else None, "url": art.url,
            "published": art.published, "published_inferred": art.published_inferred,
            "body": art.body, "comments": art.comments, "warnings": art.warnings or [],
            "extractor_version": art.extractor_version,
        }  # fmt: skip
        result = session.execute(
            text(
                "SELECT * FROM claims_flat WHERE article_id = :id ORDER BY sentence_index, claim_id"
            ),
            {"id": art.id},
        )
        claims = [dict(row._mapping) for row in result]
    return ArticleView(article, claims)
