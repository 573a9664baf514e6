"""Store one extracted document: article, actors, places, claims and events together.

The caller wraps :func:`store_document` in one transaction, so an article is
stored whole or not at all. Shared rows (sources, actors, locations) are inserted
with ON CONFLICT DO NOTHING and then read back by key, so concurrent ingests
never create duplicates.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    Date,
    Integer,
    String,
    Table,
    and_,
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
from events.dates import shift
from events.linking.copies import mark_copy
from events.linking.summary import refresh_events
from events.models import (
    Actor,
    ActorAlias,
    Article,
    Claim,
    ClaimActor,
    Event,
    EventActor,
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
# One compiled statement for every event look-up (see _stored_match).
_EVENT_MATCH = (
    select(Event.id, Event.fatalities_low, Event.fatalities_best, Event.fatalities_high)
    .where(
        Event.event_type == bindparam("type"),
        Event.status != "rejected",
        Event.location_id.is_not_distinct_from(bindparam("loc", type_=Integer)),
        Event.date_start.is_not(None),
        Event.date_start <= bindparam("hi", type_=Date),
        Event.date_end >= bindparam("lo", type_=Date),
        or_(
            and_(Event.actor1_id.is_not_distinct_from(bindparam("a1", type_=Integer)),
                 Event.actor2_id.is_not_distinct_from(bindparam("a2", type_=Integer))),
            and_(Event.actor1_id.is_not_distinct_from(bindparam("a2", type_=Integer)),
                 Event.actor2_id.is_not_distinct_from(bindparam("a1", type_=Integer))),
        ),
    )
    .order_by(Event.id)
    .limit(1)
)  # fmt: skip


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
    match = Article.content_hash == digest
    if text_digest is not None:
        match = or_(match, Article.text_hash == text_digest)
    return session.execute(select(Article.id).where(match).limit(1)).scalar_one_or_none()


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
    article_id = session.execute(
        insert(_ARTICLES).returning(_ARTICLES.c.id),
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
    ).scalar_one()
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
    new, linked = _assign_events(session, rows, doc.claims, actor_ids)
    claim_ids = (
        session.execute(insert(_CLAIMS).returning(_CLAIMS.c.id, sort_by_parameter_order=True), rows)
        .scalars()
        .all()
    )
    links = [
        link
        for claim_id, claim in zip(claim_ids, doc.claims, strict=True)
        for link in _claim_actor_rows(claim_id, claim, actor_ids)
    ]
    if links:
        session.execute(insert(cast(Table, ClaimActor.__table__)), links)
    refresh_events(session, {row["event_id"] for row in rows if row.get("event_id")})
    return new, linked, len(rows)


def _source_id(session: Session, name: str) -> int:
    insert_ignore(session, Source.__table__, [{"name": name}])  # type: ignore[arg-type]
    return session.execute(select(Source.id).where(Source.name == name)).scalar_one()


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
    found = session.execute(
        select(Actor.key, Actor.id, Actor.parent_id).where(Actor.key.in_(set(by_key) | parents))
    ).all()
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
        stored = session.execute(
            select(Location.key, Location.id, Location.admin2, Location.geonames_id).where(
                Location.key.in_(keys[start : start + 500])
            )
        )
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


#: Two claims' date intervals "overlap" if they are this close; day-precision
#: reports of one attack often differ by a day (time zones, overnight events).
LINK_DATE_SLACK = dt.timedelta(days=1)


def _link_window(row: dict[str, Any]) -> tuple[dt.date, dt.date]:
    """Return the dates a claim's event may overlap, held inside the calendar (years 1-9999)."""
    days = LINK_DATE_SLACK.days
    return shift(row["date_start"], -days), shift(row["date_end"] or row["date_start"], days)


def _linkable(row: dict[str, Any]) -> bool:
    return (
        row["modality"] != "denied" and not row["negated"]
        and row["date_start"] is not None and row["date_precision"] in ("day", "week")
    )  # fmt: skip


def _matches(event: dict[str, Any], row: dict[str, Any]) -> bool:
    """Tell whether a claim describes the same happening as an event (see _assign_events)."""
    lo, hi = _link_window(row)
    pair = {event["actor1_id"], event["actor2_id"]}
    return (
        event["event_type"] == row["event_type"]
        and event["location_id"] == row["location_id"]
        and event["date_start"] is not None
        and event["date_start"] <= hi
        and event["date_end"] >= lo
        and pair == {row["actor1_id"], row["actor2_id"]}
    )


def _assign_events(
    session: Session, rows: list[dict[str, Any]], claims: list[ClaimData], actor_ids: dict[str, int]
) -> tuple[int, int]:
    """Set each claim row's event_id: a matching stored event, or a new one.

    Claims link when they share type, actors (in either order) and place and
    their day-or-week dates overlap (within LINK_DATE_SLACK). Denied claims and
    claims without such a date get an event of their own (denied: none). The
    reason is stored on the event. Returns (new events, claims linked).
    """
    planned: list[dict[str, Any]] = []  # new events of this article, in claim order
    owners: list[int | None] = []  # index into planned, or None (linked/denied)
    new = linked = 0
    for row in rows:
        owners.append(None)
        if row["modality"] == "denied" or row["negated"]:
            continue
        if _linkable(row):
            match = next((e for e in planned if e["date_start"] and _matches(e, row)), None)
            if match is not None:
                owners[-1] = planned.index(match)
                _reconcile(match, row)
                linked += 1
                continue
            stored = _stored_match(session, row)
            if stored is not None:
                row["event_id"] = stored
                linked += 1
                continue
        planned.append(_event_row(row))
        owners[-1] = len(planned) - 1
        new += 1
    if planned:
        ids = (
            session.execute(
                insert(_EVENTS).returning(_EVENTS.c.id, sort_by_parameter_order=True), planned
            )
            .scalars()
            .all()
        )
        members: list[dict[str, Any]] = []
        done: set[tuple[int, int, str]] = set()
        for row, claim, owner in zip(rows, claims, owners, strict=True):
            if owner is None:
                continue
            row["event_id"] = ids[owner]
            for role in ("source", "target", "assoc"):
                for pos, mention in enumerate(claim.actors(role)):  # type: ignore[arg-type]
                    actor_id = actor_ids.get(mention.key)
                    if actor_id is not None and (ids[owner], actor_id, role) not in done:
                        done.add((ids[owner], actor_id, role))
                        members.append({"event_id": ids[owner], "actor_id": actor_id,
                                        "role": role, "position": pos})  # fmt: skip
        if members:
            session.execute(insert(cast(Table, EventActor.__table__)), members)
    return new, linked


def _event_row(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "event_type": row["event_type"],
        "event_mode": row["event_mode"],
        "date_start": row["date_start"],
        "date_end": row["date_end"] or row["date_start"],
        "date_precision": row["date_precision"],
        "actor1_id": row["actor1_id"],
        "actor2_id": row["actor2_id"],
        "location_id": row["location_id"],
        "fatalities_low": row["fatalities_low"],
        "fatalities_best": row["fatalities_best"],
        "fatalities_high": row["fatalities_high"],
        "status": "auto",
        "link_reason": "first claim",
        "extractor_version": EXTRACTOR_VERSION,
    }


def _stored_match(session: Session, row: dict[str, Any]) -> int | None:
    """Find a stored event for the claim; reconcile its fatalities; return its id."""
    lo, hi = _link_window(row)
    event = session.execute(
        _EVENT_MATCH,
        {
            "type": row["event_type"],
            "loc": row["location_id"],
            "lo": lo,
            "hi": hi,
            "a1": row["actor1_id"],
            "a2": row["actor2_id"],
        },
    ).first()
    if event is None:
        return None
    values: dict[str, Any] = {
        "fatalities_low": event.fatalities_low, "fatalities_best": event.fatalities_best,
        "fatalities_high": event.fatalities_high, "link_reason": None,
    }  # fmt: skip
    _reconcile(values, row)
    session.execute(update(_EVENTS).where(_EVENTS.c.id == event.id).values(**values))
    return int(event.id)


def _reconcile(event: dict[str, Any], row: dict[str, Any]) -> None:
    """Keep the most conservative figures across linked claims (ACLED's rule)."""

    def pick(a: int | None, b: int | None, choose: Any) -> int | None:
        present = [v for v in (a, b) if v is not None]
        return choose(present) if present else None

    event["fatalities_low"] = pick(event["fatalities_low"], row["fatalities_low"], min)
    event["fatalities_best"] = pick(event["fatalities_best"], row["fatalities_best"], min)
    event["fatalities_high"] = pick(event["fatalities_high"], row["fatalities_high"], max)
    event["link_reason"] = "same type, actors, place and overlapping dates"
