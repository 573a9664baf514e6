"""Store one extracted document: article, actors, places, claims and events together.

The caller wraps :func:`store_document` in one transaction, so an article is
stored whole or not at all. Shared rows (sources, actors, locations) are inserted
with ON CONFLICT DO NOTHING and then read back by key, so concurrent ingests
never create duplicates.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    Integer,
    String,
    Table,
    bindparam,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from events import EXTRACTOR_VERSION
from events.catalog import dedupe, insert_ignore, normalize_alias
from events.linking.copies import mark_copy
from events.linking.incremental import link_article
from events.linking.summary import connection_of
from events.models import (
    Actor,
    ActorAlias,
    Article,
    Claim,
    ClaimActor,
    Event,
    Location,
    Source,
)
from events.pipeline.doc import ActorMention, Document, PlaceMention
from events.pipeline.doc import Claim as ClaimData

_WS = re.compile(r"\s+")
# Core tables: bulk inserts with RETURNING skip the ORM's per-row bookkeeping.
_ARTICLES = cast(Table, Article.__table__)
_CLAIMS = cast(Table, Claim.__table__)
_EVENTS = cast(Table, Event.__table__)
_ACTORS = cast(Table, Actor.__table__)
_SET_PARENT = (
    update(_ACTORS)
    .where(_ACTORS.c.id == bindparam("child"), _ACTORS.c.parent_id.is_(None))
    .values(parent_id=bindparam("parent"))
)
_LOCATIONS = cast(Table, Location.__table__)
# A place stored before its admin2 or GeoNames id was known (before revision 0004,
# or by an older places stage) gets them from a later mention; a stored value is
# never replaced, so the first reading of a place stays its reading.
_FILL_PLACE = (
    update(_LOCATIONS)
    .where(_LOCATIONS.c.id == bindparam("row_id"))
    .values(
        admin2=func.coalesce(_LOCATIONS.c.admin2, bindparam("new_admin2", type_=String)),
        geonames_id=func.coalesce(_LOCATIONS.c.geonames_id, bindparam("new_gid", type_=Integer)),
    )
)


def content_hash(text: str) -> str:
    """Return the hash that makes re-ingesting the same input a no-op.

    Whitespace and Unicode normal form do not count, so the same article saved
    by two tools (CRLF vs LF, NBSP vs space) is recognised.
    """
    norm = _WS.sub(" ", unicodedata.normalize("NFKC", text)).strip()
    return hashlib.sha256(norm.encode("utf-8", "replace")).hexdigest()


def text_hash(doc: Document) -> str | None:
    """Return the article's identity: the hash of its cleaned body (its title if it has none).

    The same article in two HTML wrappers, or with different boilerplate
    around it, has one text: it is stored once and its claims counted once.
    Migration 0003 holds a copy of this definition for existing articles.
    """
    text = doc.body if doc.body.strip() else doc.title
    return content_hash(text) if text.strip() else None


@dataclass
class Stored:
    """What storing one document produced."""

    article_id: int
    claims: int
    events_new: int
    events_linked: int


def find_article(session: Session, digest: str, text_digest: str | None = None) -> int | None:
    """Return the id of the article with this content hash (or this text hash), if stored."""
    if text_digest is None:
        return connection_of(session).execute(_BY_DIGEST, {"digest": digest}).scalar_one_or_none()
    params = {"digest": digest, "text_digest": text_digest}
    return connection_of(session).execute(_BY_DIGESTS, params).scalar_one_or_none()


# Statements of the per-article path, built once (building one per call cost more
# than running it); the values are bound at each call.
_BY_DIGEST = select(Article.id).where(Article.content_hash == bindparam("digest")).limit(1)
_BY_DIGESTS = (
    select(Article.id)
    .where(
        or_(
            Article.content_hash == bindparam("digest"),
            Article.text_hash == bindparam("text_digest"),
        )
    )
    .limit(1)
)
_NEW_ARTICLE = insert(_ARTICLES).returning(_ARTICLES.c.id)
_NEW_CLAIMS = insert(_CLAIMS).returning(_CLAIMS.c.id, sort_by_parameter_order=True)
_NEW_CLAIM_ACTORS = insert(cast(Table, ClaimActor.__table__))
_SOURCE_ID = select(Source.id).where(Source.name == bindparam("name"))
_ACTORS_BY_KEY = select(Actor.key, Actor.id, Actor.parent_id).where(
    Actor.key.in_(bindparam("keys", expanding=True))
)
_PLACES_BY_KEY = select(Location.key, Location.id, Location.admin2, Location.geonames_id).where(
    Location.key.in_(bindparam("keys", expanding=True))
)


def store_document(session: Session, doc: Document, digest: str | None = None) -> Stored | None:
    """Insert ``doc`` with everything extracted from it; None if already stored.

    Already stored means the same input (``content_hash``) or the same cleaned
    text (``text_hash``), so ``doc`` must have been through the clean stage.
    """
    digest = digest or content_hash(doc.raw)
    identity = text_hash(doc)
    if find_article(session, digest, identity) is not None:
        return None
    source_id = _source_id(session, doc.source) if doc.source else None
    article_id = (
        connection_of(session)
        .execute(
            _NEW_ARTICLE,
            {
                "source_id": source_id,
                "external_id": doc.external_id,
                "url": doc.url,
                "title": doc.title or doc.given_title,
                "body": doc.body,
                "comments": doc.comments or None,
                "published": doc.published,
                "published_precision": doc.published_precision if doc.published else "unknown",
                "published_inferred": doc.published_inferred,
                "language": doc.language,
                "origin": doc.origin,
                "content_hash": digest,
                "text_hash": identity,
                "warnings": doc.warnings or None,
                "extractor_version": EXTRACTOR_VERSION,
            },
        )
        .scalar_one()
    )
    mark_copy(session, article_id, doc.body)  # a syndicated copy links to its original
    new, linked, claims = store_claims(session, article_id, doc)
    return Stored(article_id, claims, new, linked)


def store_claims(session: Session, article_id: int, doc: Document) -> tuple[int, int, int]:
    """Insert the claims of ``doc`` for the stored article ``article_id`` and link them.

    Used by ingest (a new article) and by re-extraction (a stored article whose old
    claims were removed). Returns (new events, claims linked to events, claims).
    """
    if not doc.claims:
        return 0, 0, 0
    actor_ids = _actor_ids(session, _all_actor_mentions(doc))
    place_ids = _location_ids(session, [c.place for c in doc.claims if c.place])
    rows = [_claim_row(claim, article_id, actor_ids, place_ids) for claim in doc.claims]
    conn = connection_of(session)
    claim_ids = conn.execute(_NEW_CLAIMS, rows).scalars().all()
    links = [
        link
        for claim_id, claim in zip(claim_ids, doc.claims, strict=True)
        for link in _claim_actor_rows(claim_id, claim, actor_ids)
    ]
    if links:
        conn.execute(_NEW_CLAIM_ACTORS, links)
    new, linked = link_article(session, claim_ids)
    return new, linked, len(rows)


def _source_id(session: Session, name: str) -> int:
    insert_ignore(session, Source.__table__, [{"name": name}])  # type: ignore[arg-type]
    return connection_of(session).execute(_SOURCE_ID, {"name": name}).scalar_one()


def _all_actor_mentions(doc: Document) -> list[ActorMention]:
    mentions = list(doc.actors)
    for claim in doc.claims:
        mentions += [r.actor for r in claim.roles]
        for m in (claim.attribution.claimant, claim.attribution.relayed_by):
            if m is not None:
                mentions.append(m)
    return mentions


def _actor_ids(session: Session, mentions: list[ActorMention]) -> dict[str, int]:
    """Insert unknown actors (and their surface forms as aliases); map key -> id."""
    by_key: dict[str, ActorMention] = {}
    for m in mentions:
        by_key.setdefault(m.key, m)
    if not by_key:
        return {}
    rows = [
        {"key": m.key, "name": m.name[:255], "kind": m.kind or "unknown", "country": m.country,
         "sector": m.sector, "title": (m.title or None) and m.title[:255],
         "wikidata": m.wikidata, "origin": "extracted"}
        for m in by_key.values()
    ]  # fmt: skip
    insert_ignore(session, Actor.__table__, rows)  # type: ignore[arg-type]
    parents = {m.parent_key for m in by_key.values() if m.parent_key}
    found = (
        connection_of(session)
        .execute(_ACTORS_BY_KEY, {"keys": sorted(set(by_key) | parents)})
        .all()
    )
    ids = {key: id_ for key, id_, _ in found}
    orphans = {key for key, _, parent in found if parent is None}
    links = [
        {"child": ids[m.key], "parent": ids[m.parent_key]}
        for m in by_key.values()
        if m.key in orphans and m.parent_key in ids and m.parent_key != m.key
    ]
    if links:
        session.execute(_SET_PARENT, links)
    aliases = []
    for m in mentions:
        for form in {m.text, *m.aliases}:
            if form and len(form) <= 255 and m.key in ids:
                aliases.append(
                    {"actor_id": ids[m.key], "alias": form, "normalized": normalize_alias(form),
                     "kind": "mention"}
                )  # fmt: skip
    insert_ignore(session, ActorAlias.__table__, dedupe(aliases, "actor_id", "normalized"))  # type: ignore[arg-type]
    return ids


def _location_ids(session: Session, places: list[PlaceMention]) -> dict[str, int]:
    """Insert unknown places, complete stored ones (see _FILL_PLACE); map key -> id."""
    rows = {
        p.key: {"key": p.key, "name": p.name[:255], "admin1": p.admin1, "country": p.country,
                "latitude": p.latitude, "longitude": p.longitude, "precision": p.precision,
                "admin2": p.admin2[:255] if p.admin2 else None, "geonames_id": p.geonames_id}
        for p in places
    }  # fmt: skip
    if not rows:
        return {}
    insert_ignore(session, Location.__table__, list(rows.values()))  # type: ignore[arg-type]
    ids: dict[str, int] = {}
    fills: list[dict[str, Any]] = []
    keys = sorted(rows)
    for start in range(0, len(keys), 500):
        stored = connection_of(session).execute(_PLACES_BY_KEY, {"keys": keys[start : start + 500]})
        for key, id_, admin2, geonames_id in stored:
            ids[key] = id_
            new = rows[key]
            if (admin2 is None and new["admin2"]) or (
                geonames_id is None and new["geonames_id"] is not None
            ):
                fills.append(
                    {"row_id": id_, "new_admin2": new["admin2"], "new_gid": new["geonames_id"]}
                )
    if fills:
        # In id order, so two writers completing the same places cannot deadlock.
        session.execute(_FILL_PLACE, sorted(fills, key=lambda f: f["row_id"]))
    return ids


def principal_actors(claim: ClaimData, ids: dict[str, int]) -> tuple[int | None, int | None]:
    """Return (actor1, actor2) ids: the first source and the first target.

    With no target but several sources (a meeting, a clash between sides), the
    second source is actor2, as in ACLED; every other actor is associated.
    """
    sources = [ids[m.key] for m in claim.actors("source") if m.key in ids]
    targets = [ids[m.key] for m in claim.actors("target") if m.key in ids]
    actor1 = sources[0] if sources else None
    if targets:
        return actor1, next((t for t in targets if t != actor1), targets[0])
    others = [s for s in sources if s != actor1]
    return actor1, others[0] if others else None


def _claim_row(
    claim: ClaimData, article_id: int, actor_ids: dict[str, int], place_ids: dict[str, int]
) -> dict[str, Any]:
    att = claim.attribution
    date = claim.date
    actor1, actor2 = principal_actors(claim, actor_ids)
    return {
        "article_id": article_id,
        "event_id": None,
        "section": claim.section,
        "sentence_index": claim.sentence_index,
        "char_start": claim.char_start,
        "char_end": claim.char_end,
        "sentence": claim.sentence,
        "trigger": claim.trigger[:255] if claim.trigger else None,
        "trigger_start": claim.trigger_start,
        "trigger_end": claim.trigger_end,
        "event_type": claim.event_type,
        "event_mode": claim.event_mode or None,
        "date_start": date.date_start if date else None,
        "date_end": date.date_end if date else None,
        "date_precision": date.precision if date and date.date_start else "unknown",
        "date_text": date.text[:255] if date else None,
        "actor1_id": actor1,
        "actor2_id": actor2,
        "location_id": place_ids.get(claim.place.key) if claim.place else None,
        "location_text": claim.place.text[:255] if claim.place else None,
        "location_evidence": _evidence(claim.place),
        "fatalities_low": claim.fatalities_low,
        "fatalities_best": claim.fatalities_best,
        "fatalities_high": claim.fatalities_high,
        "claimant_id": actor_ids.get(att.claimant.key) if att.claimant else None,
        "claimant_text": att.claimant_text or (att.claimant.text if att.claimant else None),
        "relayed_by_id": actor_ids.get(att.relayed_by.key) if att.relayed_by else None,
        "relayed_by_text": att.relayed_by_text or (att.relayed_by.text if att.relayed_by else None),
        "claim_date": att.claim_date.date_start if att.claim_date else None,
        "modality": att.modality,
        "negated": claim.negated,
        "is_main": claim.is_main,
        "confidence": round(float(claim.confidence), 4),
        "rule": claim.rule[:128] if claim.rule else None,
        "extractor_version": EXTRACTOR_VERSION,
    }


def _evidence(place: PlaceMention | None) -> str | None:
    """Return why the claim's place was chosen, cut to its column (255 characters)."""
    return place.evidence[:255] if place is not None and place.evidence else None


def _claim_actor_rows(claim_id: int, claim: ClaimData, ids: dict[str, int]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    seen: set[tuple[int, str]] = set()
    positions: dict[str, int] = {}
    for filler in claim.roles:
        actor_id = ids.get(filler.actor.key)
        if actor_id is None or (actor_id, filler.role) in seen:
            continue
        seen.add((actor_id, filler.role))
        pos = positions.get(filler.role, 0)
        positions[filler.role] = pos + 1
        rows.append(
            {"claim_id": claim_id, "actor_id": actor_id, "role": filler.role, "position": pos,
             "mention": filler.actor.text[:255], "char_start": filler.actor.start,
             "char_end": filler.actor.end}
        )  # fmt: skip
    return rows
