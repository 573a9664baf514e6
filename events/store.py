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
from dataclasses import dataclass, field
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
    union,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from events import EXTRACTOR_VERSION
from events.catalog import dedupe, normalize_alias
from events.linking.copies import mark_copy
from events.linking.direct import run
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
class BatchCache:
    """What the store has read or written in the current transaction (ingest's batch).

    Sources, actors, places and aliases repeat from one article to the next; each is
    inserted (insert-ignore) and looked up once per transaction, then taken from
    here. ``stored`` holds the content and text hashes known to be stored: those
    found by :meth:`load_stored` at the start of the batch and those of the
    articles committed to the batch since. After an article is rolled back to its
    savepoint the rows it may have written are unknown: call :meth:`forget_rows`.
    """

    conn: Connection | None = None  # the transaction's connection, once known
    stored: set[str] = field(default_factory=set)
    checked: set[str] = field(default_factory=set)  # hashes load_stored asked about
    text_hashes: dict[str, str | None] = field(default_factory=dict)  # content: text hash
    sources: dict[str, int] = field(default_factory=dict)
    actors: dict[str, tuple[int, int | None]] = field(default_factory=dict)  # key: id, parent
    actor_misses: set[str] = field(default_factory=set)  # parent keys with no actor
    aliases: set[tuple[int, str]] = field(default_factory=set)  # (actor id, normalized)
    places: dict[str, tuple[int, str | None, int | None]] = field(default_factory=dict)

    def connection(self, session: Session | Connection) -> Connection:
        """Return the connection of ``session``'s transaction (asked once: ingest's
        session holds no ORM objects to flush)."""
        if self.conn is None:
            self.conn = connection_of(session)
        return self.conn

    def load_stored(self, session: Session, digests: set[str]) -> None:
        """Find which of ``digests`` (content or text hashes) are stored: one query."""
        wanted = sorted(digests - self.checked)
        conn = self.connection(session)
        for start in range(0, len(wanted), 250):
            chunk = wanted[start : start + 250]
            for (found,) in run(conn, _STORED_HASHES, {"digests": chunk}):
                self.stored.add(found)
        self.checked.update(wanted)

    def forget_rows(self) -> None:
        self.sources.clear()
        self.actors.clear()
        self.actor_misses.clear()
        self.aliases.clear()
        self.places.clear()


@dataclass
class Stored:
    """What storing one document produced."""

    article_id: int
    claims: int
    events_new: int
    events_linked: int


def find_article(
    session: Session | Connection, digest: str, text_digest: str | None = None
) -> int | None:
    """Return the id of the article with this content hash (or this text hash), if stored."""
    conn = connection_of(session)
    if text_digest is None:
        rows = run(conn, _BY_DIGEST, {"digest": digest})
    else:
        rows = run(conn, _BY_DIGESTS, {"digest": digest, "text_digest": text_digest})
    return rows[0][0] if rows else None


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
_STORED_HASHES: Any = union(
    select(Article.content_hash).where(
        Article.content_hash.in_(bindparam("digests", expanding=True))
    ),
    select(Article.text_hash).where(Article.text_hash.in_(bindparam("digests", expanding=True))),
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


def store_document(
    session: Session,
    doc: Document,
    digest: str | None = None,
    *,
    cache: BatchCache | None = None,
) -> Stored | None:
    """Insert ``doc`` with everything extracted from it; None if already stored.

    Already stored means the same input (``content_hash``) or the same cleaned
    text (``text_hash``), so ``doc`` must have been through the clean stage.
    With ``cache`` (ingest's batch), the hashes it was asked about
    (:meth:`BatchCache.load_stored`) are not looked up again, nor the shared rows
    it holds.
    """
    digest = digest or content_hash(doc.raw)
    cache = cache if cache is not None else BatchCache()
    identity = cache.text_hashes[digest] if digest in cache.text_hashes else text_hash(doc)
    hashes = {digest} if identity is None else {digest, identity}
    if hashes & cache.stored:
        return None
    if (
        not hashes <= cache.checked
        and find_article(cache.connection(session), digest, identity) is not None
    ):
        return None
    conn = cache.connection(session)
    source_id = _cached_source_id(conn, doc.source, cache) if doc.source else None
    article_id = run(
        conn,
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
    )[0][0]
    mark_copy(conn, article_id, doc.body)  # a syndicated copy links to its original
    new, linked, claims = store_claims(session, article_id, doc, cache=cache)
    return Stored(article_id, claims, new, linked)


def store_claims(
    session: Session | Connection,
    article_id: int,
    doc: Document,
    *,
    cache: BatchCache | None = None,
) -> tuple[int, int, int]:
    """Insert the claims of ``doc`` for the stored article ``article_id`` and link them.

    Used by ingest (a new article) and by re-extraction (a stored article whose old
    claims were removed). Returns (new events, claims linked to events, claims).
    """
    if not doc.claims:
        return 0, 0, 0
    cache = cache if cache is not None else BatchCache()
    conn = cache.connection(session)
    actor_ids = _actor_ids(conn, _all_actor_mentions(doc), cache)
    place_ids = _location_ids(conn, [c.place for c in doc.claims if c.place], cache)
    rows = [_claim_row(claim, article_id, actor_ids, place_ids) for claim in doc.claims]
    claim_ids = [row[0] for row in run(conn, _NEW_CLAIMS, rows)]
    links = [
        link
        for claim_id, claim in zip(claim_ids, doc.claims, strict=True)
        for link in _claim_actor_rows(claim_id, claim, actor_ids)
    ]
    if links:
        run(conn, _NEW_CLAIM_ACTORS, links)
    new, linked = link_article(conn, claim_ids)  # type: ignore[arg-type]
    return new, linked, len(rows)


def _cached_source_id(conn: Connection, name: str, cache: BatchCache) -> int:
    found = cache.sources.get(name)
    if found is None:
        found = cache.sources[name] = _source_id(conn, name)
    elif not _skips_known(conn):
        _insert_ignore(conn, _SOURCES, [{"name": name}])  # see _skips_known
    return found


def _skips_known(conn: Connection) -> bool:
    """Whether rows known to be stored are left out of an insert-ignore.

    On SQLite a row that collides takes no id. PostgreSQL's ON CONFLICT DO NOTHING
    draws the next value of the table's sequence for every row offered, so leaving
    known rows out would give later new rows other ids than before (the same
    content): there the rows are offered as before, and only the look-ups are saved.
    """
    return conn.dialect.name == "sqlite"


def _source_id(session: Session | Connection, name: str) -> int:
    conn = connection_of(session)
    _insert_ignore(conn, _SOURCES, [{"name": name}])
    return cast(int, run(conn, _SOURCE_ID, {"name": name})[0][0])


_SOURCES = cast(Table, Source.__table__)
_ALIASES = cast(Table, ActorAlias.__table__)
_IGNORING: dict[tuple[str, str], Any] = {}


def _insert_ignore(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows``, skipping those that collide with a stored unique key.

    As :func:`events.catalog.insert_ignore`: one order for every writer (concurrent
    transactions lock unique-index entries in the same sequence: no deadlock).
    """
    if not rows:
        return
    rows = sorted(rows, key=lambda r: tuple(str(v) for v in r.values()))
    name = conn.dialect.name
    stmt = _IGNORING.get((table.name, name))
    if stmt is None:
        dialect_insert = postgresql.insert if name == "postgresql" else sqlite.insert
        stmt = _IGNORING[(table.name, name)] = dialect_insert(table).on_conflict_do_nothing()
    for start in range(0, len(rows), 500):
        run(conn, stmt, rows[start : start + 500])


def _all_actor_mentions(doc: Document) -> list[ActorMention]:
    mentions = list(doc.actors)
    for claim in doc.claims:
        mentions += [r.actor for r in claim.roles]
        for m in (claim.attribution.claimant, claim.attribution.relayed_by):
            if m is not None:
                mentions.append(m)
    return mentions


def _actor_ids(conn: Connection, mentions: list[ActorMention], cache: BatchCache) -> dict[str, int]:
    """Insert unknown actors (and their surface forms as aliases); map key -> id.

    Actors and aliases already met in this transaction (``cache``) are neither
    inserted nor looked up again.
    """
    by_key: dict[str, ActorMention] = {}
    for m in mentions:
        by_key.setdefault(m.key, m)
    if not by_key:
        return {}
    known = cache.actors
    skip = _skips_known(conn)
    rows = [
        {"key": m.key, "name": m.name[:255], "kind": m.kind or "unknown", "country": m.country,
         "sector": m.sector, "title": (m.title or None) and m.title[:255],
         "wikidata": m.wikidata, "origin": "extracted"}
        for m in by_key.values()
        if m.key not in known or not skip
    ]  # fmt: skip
    _insert_ignore(conn, _ACTORS, rows)
    cache.actor_misses.difference_update(by_key)
    parents = {m.parent_key for m in by_key.values() if m.parent_key}
    wanted = sorted((set(by_key) | parents) - set(known) - cache.actor_misses)
    if wanted:
        found = run(conn, _ACTORS_BY_KEY, {"keys": wanted})
        for key, id_, parent in found:
            known[key] = (id_, parent)
        cache.actor_misses.update(set(wanted) - {row[0] for row in found})
    ids = {key: known[key][0] for key in set(by_key) | parents if key in known}
    orphans = [
        m
        for m in by_key.values()
        if m.key in ids
        and known[m.key][1] is None
        and m.parent_key in ids
        and m.parent_key != m.key
    ]
    if orphans:
        parent_of = {m.key: ids[cast(str, m.parent_key)] for m in orphans}
        run(conn, _SET_PARENT, [{"child": ids[k], "parent": p} for k, p in parent_of.items()])
        for key, parent in parent_of.items():
            known[key] = (ids[key], parent)
    aliases = []
    for m in mentions:
        for form in {m.text, *m.aliases}:
            if form and len(form) <= 255 and m.key in ids:
                aliases.append(
                    {"actor_id": ids[m.key], "alias": form, "normalized": normalize_alias(form),
                     "kind": "mention"}
                )  # fmt: skip
    fresh = [
        row
        for row in dedupe(aliases, "actor_id", "normalized")
        if (row["actor_id"], row["normalized"]) not in cache.aliases or not skip
    ]
    _insert_ignore(conn, _ALIASES, fresh)
    cache.aliases.update((row["actor_id"], row["normalized"]) for row in fresh)
    return ids


def _location_ids(
    conn: Connection, places: list[PlaceMention], cache: BatchCache
) -> dict[str, int]:
    """Insert unknown places, complete stored ones (see _FILL_PLACE); map key -> id."""
    rows = {
        p.key: {"key": p.key, "name": p.name[:255], "admin1": p.admin1, "country": p.country,
                "latitude": p.latitude, "longitude": p.longitude, "precision": p.precision,
                "admin2": p.admin2[:255] if p.admin2 else None, "geonames_id": p.geonames_id}
        for p in places
    }  # fmt: skip
    if not rows:
        return {}
    known = cache.places
    skip = _skips_known(conn)
    _insert_ignore(
        conn, _LOCATIONS, [row for key, row in rows.items() if key not in known or not skip]
    )
    keys = sorted(key for key in rows if key not in known)
    for start in range(0, len(keys), 500):
        for key, id_, admin2, geonames_id in run(
            conn, _PLACES_BY_KEY, {"keys": keys[start : start + 500]}
        ):
            known[key] = (id_, admin2, geonames_id)
    ids: dict[str, int] = {}
    fills: list[dict[str, Any]] = []
    for key in sorted(rows):
        if key not in known:
            continue
        id_, admin2, geonames_id = known[key]
        ids[key] = id_
        new = rows[key]
        if (admin2 is None and new["admin2"]) or (
            geonames_id is None and new["geonames_id"] is not None
        ):
            fills.append(
                {"row_id": id_, "new_admin2": new["admin2"], "new_gid": new["geonames_id"]}
            )
            known[key] = (
                id_,
                admin2 if admin2 is not None else cast(str | None, new["admin2"]),
                geonames_id if geonames_id is not None else cast(int | None, new["geonames_id"]),
            )
    if fills:
        # In id order, so two writers completing the same places cannot deadlock.
        run(conn, _FILL_PLACE, sorted(fills, key=lambda f: f["row_id"]))
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
