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


# --- events show --event ID ---------------------------------------------------------

#: How events_flat's fatality columns are chosen (events.linking.summary.fatality_range).
FATALITY_RULE = (
    "low and high: the smallest and largest figure asserted or alleged by any claim "
    "(denials and predictions do not count); best: the median of the figures given by "
    "claimants who are not a side of the event, a side's figures only when no one else "
    "gave one"
)


class UnknownEvent(EventsError):
    """No event has that id (or it has no claims left)."""


@dataclass
class EventView:
    event: dict[str, Any]
    contradictions: list[dict[str, Any]]
    claims: list[dict[str, Any]]
    fatality_rule: str = FATALITY_RULE


_SECTION_ORDER = (
    "CASE c.section WHEN 'title' THEN 0 WHEN 'body' THEN 1 WHEN 'caption' THEN 2 ELSE 3 END"
)
_EVENT_CLAIMS = text(
    f"""
    SELECT c.*, k.trigger_start, k.trigger_end,
           l.rule AS link_rule, l.score AS link_score, l.evidence AS link_evidence,
           l.other_claim_id AS link_claim_id, o.article_id AS link_article_id,
           oa.external_id AS link_article_external_id, o.sentence AS link_sentence,
           o.event_id AS link_event_id
    FROM claims_flat c
    JOIN claims k ON k.id = c.claim_id
    LEFT JOIN claim_links l ON l.claim_id = c.claim_id
    LEFT JOIN claims o ON o.id = l.other_claim_id
    LEFT JOIN articles oa ON oa.id = o.article_id
    WHERE c.event_id = :id
    ORDER BY c.article_published, c.article_id, {_SECTION_ORDER}, c.sentence_index, c.claim_id
    """
)


def get_event(database: Database, ref: str | int) -> EventView:
    """Return the event ``ref`` (an id): its events_flat row, contradictions and claims.

    Each claim (a claims_flat row) also carries its trigger's offsets within the
    sentence and its link reason from ``claim_links`` (``link_rule``,
    ``link_score``, ``link_evidence`` and the claim it matched, ``link_claim_id``).
    """
    value = str(ref).strip()
    if not value.isdigit() or int(value) >= 2**31:
        raise UnknownEvent(f"no event {value!r}: an event id is a number")
    event_id = int(value)
    with database.session() as session:
        row = session.execute(
            text("SELECT * FROM events_flat WHERE event_id = :id"), {"id": event_id}
        ).first()
        if row is None:
            stored = session.execute(
                text("SELECT status, num_claims FROM events WHERE id = :id"), {"id": event_id}
            ).first()
            if stored is None:
                raise UnknownEvent(
                    f"no event {event_id}: list them with "
                    '`events query "select event_id, event_type, location from events_flat" '
                    "--table`"
                )
            why = "was rejected" if stored.status == "rejected" else "has no claims left"
            raise UnknownEvent(f"event {event_id} {why} (merged, split or its claims rejected)")
        event = dict(row._mapping)
        contradictions = [
            dict(r._mapping)
            for r in session.execute(
                text(
                    "SELECT field, value, claimants, sources, modalities, claim_ids, num_claims "
                    "FROM contradictions WHERE event_id = :id ORDER BY field, value"
                ),
                {"id": event_id},
            )
        ]
        claims = []
        for r in session.execute(_EVENT_CLAIMS, {"id": event_id}):
            claim = dict(r._mapping)
            start, end = claim.pop("trigger_start"), claim.pop("trigger_end")
            offset = claim["char_start"]
            ok = start is not None and end is not None and offset <= start <= end
            claim["trigger_span"] = [start - offset, end - offset] if ok else None
            claims.append(claim)
    return EventView(event, _in_field_order(contradictions), claims)


def _in_field_order(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Order contradictions as the contested_fields column does (type, date, place ...)."""
    from events.linking.summary import CONTESTED_FIELDS

    rank = {f: i for i, f in enumerate(CONTESTED_FIELDS)}
    return sorted(rows, key=lambda r: (rank.get(r["field"], 99), _number(r["value"]), r["value"]))


def _number(value: str) -> float:
    """The leading number of a value ('8', '8-14'), so tolls sort as numbers; else 0."""
    head = value.split("-", 1)[0]
    return float(head) if head.isdigit() else 0.0
