"""The schema: SQLAlchemy 2.x typed models.

Alembic owns the real schema (``migrations/``); these models must agree with it,
which ``events db check`` proves. Researchers query the views ``claims_flat`` and
``events_flat`` (created by the migrations, see ``events.views``), not these tables.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Named constraints: SQLite batch migrations can only drop what has a name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Reusable column types, so the models read like a schema.
intpk = Annotated[int, mapped_column(Integer, primary_key=True)]
country_code = Annotated[str | None, mapped_column(String(3))]  # ISO 3166-1 alpha-3
short_text = Annotated[str, mapped_column(String(255))]
created_at = Annotated[
    dt.datetime, mapped_column(DateTime(timezone=True), server_default=func.now())
]

DATE_PRECISIONS = ("day", "week", "month", "year", "unknown")
GEO_PRECISIONS = ("point", "admin2", "admin1", "country", "region", "unknown")
MODALITIES = ("asserted", "alleged", "denied", "predicted", "conditional")
SECTIONS = ("title", "body", "caption", "comment")
ROLES = ("source", "target", "assoc")
EVENT_STATUSES = ("auto", "curated", "rejected")
CLAIM_STATUSES = ("auto", "curated", "rejected")
EDIT_STATUSES = ("applied", "stale")


#: Expression indexes on PostgreSQL only (migrations 0002 and 0007), which the models
#: do not declare; schema comparison (``events db check``) leaves them alone.
MIGRATION_ONLY_INDEXES = frozenset(
    {"ix_claims_location_isodate", "ix_claims_isodate",
     "ix_events_location_isodate", "ix_events_isodate",
     "ix_claims_country_isodate", "ix_events_country_isodate"}
)  # fmt: skip


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Tell Alembic's comparison which schema objects the models are responsible for."""
    return not (type_ == "index" and name in MIGRATION_ONLY_INDEXES)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        str: String(255),
        dt.date: Date,
        dt.datetime: DateTime(timezone=True),
        float: Float,
        dict: JSON,
    }


class Source(Base):
    """An outlet: SouthFront, Reuters, TASS."""

    __tablename__ = "sources"

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(255), unique=True)
    domain: Mapped[str | None]
    country: Mapped[country_code]
    created: Mapped[created_at]


class Article(Base):
    """One ingested document, with its cleaned body and comments kept apart."""

    __tablename__ = "articles"
    __table_args__ = (
        CheckConstraint(_in("published_precision", DATE_PRECISIONS), name="published_precision"),
    )

    id: Mapped[intpk]
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"), index=True)
    external_id: Mapped[str | None] = mapped_column(String(255), index=True)
    url: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    comments: Mapped[str | None] = mapped_column(Text)
    published: Mapped[dt.date | None] = mapped_column(Date, index=True)
    published_precision: Mapped[str] = mapped_column(String(8), default="unknown")
    published_inferred: Mapped[bool] = mapped_column(default=False)
    language: Mapped[str | None] = mapped_column(String(16))
    origin: Mapped[str | None] = mapped_column(Text)  # file name or file.jsonl:LINE
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)  # the input as given
    # The article's identity: the hash of its cleaned body (migration 0003). NULL
    # only on copies stored before that revision, whose oldest twin holds it.
    text_hash: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    warnings: Mapped[list[str] | None] = mapped_column(JSON)
    extractor_version: Mapped[str] = mapped_column(String(64))
    ingested: Mapped[created_at]
    # Migration 0006: a syndicated copy (the same wire story republished, trimmed or
    # retitled) points at the article it copies; its MinHash signature (hex) finds it.
    # (No ON DELETE clause: SQLite cannot add one that its reflection reads back.)
    copy_of_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id"), index=True)
    minhash: Mapped[str | None] = mapped_column(Text)

    source: Mapped[Source | None] = relationship()
    claims: Mapped[list[Claim]] = relationship(
        back_populates="article", cascade="all, delete-orphan", passive_deletes=True
    )


class ArticleBand(Base):
    """One locality-sensitive band of an article's MinHash signature (0006).

    Articles sharing a (band, bucket) are candidate near-duplicates; the index on
    (band, bucket) keeps the look-up for a new article cheap however many are stored.
    """

    __tablename__ = "article_bands"

    band: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    bucket: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Actor(Base):
    """A state, government body, armed force or group, person, organisation ..."""

    __tablename__ = "actors"

    id: Mapped[intpk]
    # Stable identity used to deduplicate across articles and concurrent writers:
    # "TUR", "ARM:MIL", "person:ibrahim-kalin", "org:reuters".
    key: Mapped[str] = mapped_column(String(255), unique=True)
    name: Mapped[str] = mapped_column(String(255), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    country: Mapped[country_code] = mapped_column(index=True)
    sector: Mapped[str | None] = mapped_column(String(8), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id", ondelete="SET NULL"))
    title: Mapped[str | None]
    wikidata: Mapped[str | None] = mapped_column(String(32))
    origin: Mapped[str] = mapped_column(String(16), default="seed")  # seed, extracted, manual
    # When curation merges this actor into another, it points at the survivor.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id", ondelete="SET NULL"))
    created: Mapped[created_at]

    aliases: Mapped[list[ActorAlias]] = relationship(
        back_populates="actor", cascade="all, delete-orphan", passive_deletes=True
    )


class ActorAlias(Base):
    """A surface form that names an actor ("Ankara", "Turkish", "Turkey's")."""

    __tablename__ = "actor_aliases"
    __table_args__ = (UniqueConstraint("actor_id", "normalized"),)

    id: Mapped[intpk]
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    alias: Mapped[str]
    normalized: Mapped[str] = mapped_column(String(255), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="name")  # name, adjective, capital ...

    actor: Mapped[Actor] = relationship(back_populates="aliases")


class Location(Base):
    """A place from the gazetteer (city, admin1, country or curated region)."""

    __tablename__ = "locations"
    __table_args__ = (CheckConstraint(_in("precision", GEO_PRECISIONS), name="precision"),)

    id: Mapped[intpk]
    key: Mapped[str] = mapped_column(String(255), unique=True)  # geonames:524901, region:...
    name: Mapped[str]
    admin1: Mapped[str | None]
    country: Mapped[country_code] = mapped_column(index=True)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    precision: Mapped[str] = mapped_column(String(8))
    # Migration 0004: the second-order division (district, raion, LGA) and, for a
    # place taken from GeoNames, its id (indexed: the way to join other GeoNames data).
    admin2: Mapped[str | None]
    geonames_id: Mapped[int | None] = mapped_column(Integer, index=True)


class EventType(Base):
    """The PLOVER type/mode crosswalk to ACLED and CAMEO (seeds/plover_types.tsv)."""

    __tablename__ = "event_types"

    plover_type: Mapped[str] = mapped_column(String(16), primary_key=True)
    mode: Mapped[str] = mapped_column(String(32), primary_key=True)  # '' = type default
    acled_event_type: Mapped[str | None]
    acled_sub_event_type: Mapped[str | None]
    cameo_root: Mapped[str | None] = mapped_column(String(2))
    description: Mapped[str | None] = mapped_column(Text)


class _Coded:
    """Columns shared by claims and events: what happened, when, where, how many died."""

    event_type: Mapped[str] = mapped_column(String(16), index=True)
    event_mode: Mapped[str | None] = mapped_column(String(32))
    date_start: Mapped[dt.date | None] = mapped_column(Date, index=True)
    date_end: Mapped[dt.date | None] = mapped_column(Date)
    date_precision: Mapped[str] = mapped_column(String(8), default="unknown")
    fatalities_low: Mapped[int | None]
    fatalities_best: Mapped[int | None]
    fatalities_high: Mapped[int | None]
    # who did it to whom (the principal actors; all actors are in the link tables) and where
    actor1_id: Mapped[int | None] = mapped_column(
        ForeignKey("actors.id", ondelete="SET NULL"), index=True
    )
    actor2_id: Mapped[int | None] = mapped_column(
        ForeignKey("actors.id", ondelete="SET NULL"), index=True
    )
    location_id: Mapped[int | None] = mapped_column(
        ForeignKey("locations.id", ondelete="SET NULL"), index=True
    )


class _Copies:
    """Copies of the parent rows' columns the views show (migration 0007).

    The database keeps them (triggers on this table and on actors, locations and
    event_types), so ``events_flat`` / ``claims_flat`` read one table: a count or a
    filter through a view costs what it costs on the table. Never written by code.
    """

    actor1_name: Mapped[str | None] = mapped_column(index=True)
    actor1_country: Mapped[country_code]
    actor1_sector: Mapped[str | None] = mapped_column(String(8))
    actor2_name: Mapped[str | None] = mapped_column(index=True)
    actor2_country: Mapped[country_code]
    actor2_sector: Mapped[str | None] = mapped_column(String(8))
    location_name: Mapped[str | None]
    location_admin1: Mapped[str | None]
    location_admin2: Mapped[str | None]
    location_country: Mapped[country_code]
    location_latitude: Mapped[float | None]
    location_longitude: Mapped[float | None]
    location_precision: Mapped[str | None] = mapped_column(String(8))
    location_geonames_id: Mapped[int | None] = mapped_column(Integer)
    acled_event_type: Mapped[str | None]
    acled_sub_event_type: Mapped[str | None]
    cameo_root: Mapped[str | None] = mapped_column(String(2))
    # the other actors' names (claim_actors / event_actors, not actor1/actor2), '; '
    assoc_actors: Mapped[str | None] = mapped_column(Text)


class Event(_Coded, _Copies, Base):
    """A real-world happening reconstructed from one or more claims."""

    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint(_in("date_precision", DATE_PRECISIONS), name="date_precision"),
        CheckConstraint(_in("status", EVENT_STATUSES), name="status"),
        # Country (through the location) and period: migration 0002.
        Index("ix_events_location_date", "location_id", "date_start"),
        # Candidate blocking for event resolution (0006).
        Index("ix_events_block", "type_family", "country", "date_start"),
        # Filters and counts through events_flat (0007): country and period, and the
        # view's own filter beside the type, so a count by type reads the index alone.
        Index("ix_events_country_date", "location_country", "date_start"),
        Index("ix_events_type_status", "event_type", "status", "num_claims"),
    )

    id: Mapped[intpk]
    status: Mapped[str] = mapped_column(String(16), default="auto")
    link_reason: Mapped[str | None] = mapped_column(Text)  # why these claims are one event
    extractor_version: Mapped[str] = mapped_column(String(64))
    created: Mapped[created_at]
    # Migration 0006: the blocking key of event resolution (type family, country) and
    # the summary of the event's claims, kept by the store (events.linking.summary) so
    # that events_flat reads columns instead of aggregating claims on every query.
    type_family: Mapped[str | None] = mapped_column(String(16))
    country: Mapped[country_code]
    num_claims: Mapped[int] = mapped_column(default=0, server_default="0")
    num_articles: Mapped[int] = mapped_column(default=0, server_default="0")
    num_sources: Mapped[int] = mapped_column(default=0, server_default="0")
    num_reports: Mapped[int] = mapped_column(default=0, server_default="0")  # independent
    first_reported: Mapped[dt.date | None] = mapped_column(Date)
    date_first: Mapped[dt.date | None] = mapped_column(Date)  # the claims' date range
    date_last: Mapped[dt.date | None] = mapped_column(Date)
    places: Mapped[str | None] = mapped_column(Text)  # the claims' distinct places, '; '
    contested: Mapped[bool] = mapped_column(default=False, server_default=false())
    contested_fields: Mapped[str | None]  # e.g. 'fatalities; modality'

    claims: Mapped[list[Claim]] = relationship(back_populates="event")


class EventActor(Base):
    """An actor in an event, with its role."""

    __tablename__ = "event_actors"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    actor_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(8), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)  # order within the role


class Claim(_Coded, _Copies, Base):
    """One assertion found in one article, with its evidence and its claimant."""

    __tablename__ = "claims"
    __table_args__ = (
        CheckConstraint(_in("date_precision", DATE_PRECISIONS), name="date_precision"),
        CheckConstraint(_in("modality", MODALITIES), name="modality"),
        CheckConstraint(_in("section", SECTIONS), name="section"),
        CheckConstraint(_in("status", CLAIM_STATUSES), name="status"),
        Index("ix_claims_article_sentence", "article_id", "sentence_index"),
        # Country (through the location) and period: migration 0002.
        Index("ix_claims_location_date", "location_id", "date_start"),
        # Filters and counts through claims_flat (0007), as on events.
        Index("ix_claims_country_date", "location_country", "date_start"),
        Index("ix_claims_type_status", "event_type", "status"),
    )

    id: Mapped[intpk]
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="SET NULL"), index=True
    )
    section: Mapped[str] = mapped_column(String(8))
    sentence_index: Mapped[int]
    char_start: Mapped[int]
    char_end: Mapped[int]
    sentence: Mapped[str] = mapped_column(Text)
    trigger: Mapped[str | None]
    trigger_start: Mapped[int | None]
    trigger_end: Mapped[int | None]
    date_text: Mapped[str | None]
    location_text: Mapped[str | None]
    # Why the place was chosen among its readings ("article country SOM"), for
    # `events show`; per claim, since one name resolves differently by context (0004).
    location_evidence: Mapped[str | None]
    claimant_id: Mapped[int | None] = mapped_column(
        ForeignKey("actors.id", ondelete="SET NULL"), index=True
    )
    claimant_text: Mapped[str | None] = mapped_column(Text)
    relayed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("actors.id", ondelete="SET NULL"), index=True
    )
    relayed_by_text: Mapped[str | None]
    claim_date: Mapped[dt.date | None] = mapped_column(Date)
    modality: Mapped[str] = mapped_column(String(12), default="asserted")
    negated: Mapped[bool] = mapped_column(default=False)
    # The report's main event: exactly one claim per article (0005).
    is_main: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Migration 0006: curation. 'curated' when a person changed a field, 'rejected'
    # when a person called it a false positive (kept, hidden from the views);
    # event_pinned when a person chose its event (merge, split): relink keeps it.
    status: Mapped[str] = mapped_column(String(16), default="auto", server_default="auto")
    event_pinned: Mapped[bool] = mapped_column(default=False, server_default=false())
    confidence: Mapped[float] = mapped_column(Float, index=True)
    rule: Mapped[str | None] = mapped_column(String(128))
    extractor_version: Mapped[str] = mapped_column(String(64))

    # Copies for claims_flat (0007, see _Copies): the article's, its source's, the
    # claimant's and the relaying actor's columns.
    article_external_id: Mapped[str | None]
    article_source: Mapped[str | None] = mapped_column(index=True)
    article_url: Mapped[str | None] = mapped_column(Text)
    article_published: Mapped[dt.date | None] = mapped_column(Date)
    article_title: Mapped[str | None] = mapped_column(Text)
    article_copy_of: Mapped[int | None] = mapped_column(Integer)
    claimant_name: Mapped[str | None]
    claimant_country: Mapped[country_code]
    relayed_by_name: Mapped[str | None]

    article: Mapped[Article] = relationship(back_populates="claims")
    event: Mapped[Event | None] = relationship(back_populates="claims")


class ClaimActor(Base):
    """An actor as mentioned in a claim, with its role and mention offsets."""

    __tablename__ = "claim_actors"

    id: Mapped[intpk]
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(8))
    position: Mapped[int] = mapped_column(default=0)  # order within the role
    mention: Mapped[str | None]
    char_start: Mapped[int | None]
    char_end: Mapped[int | None]


class ClaimLink(Base):
    """Why a claim is in its event: the claim it matched, the rule, the score (0006).

    The first claim of an event has no row. Rows are rewritten by linking and
    ``events relink``; a person's merge or split writes rule 'curated'.
    """

    __tablename__ = "claim_links"

    claim_id: Mapped[int] = mapped_column(
        ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    other_claim_id: Mapped[int | None] = mapped_column(
        ForeignKey("claims.id", ondelete="SET NULL"), index=True
    )
    rule: Mapped[str] = mapped_column(String(64))
    score: Mapped[float | None]
    evidence: Mapped[str | None] = mapped_column(Text)  # what was compared, readable
    created: Mapped[created_at]


class Edit(Base):
    """Audit trail of manual curation (merges, aliases, field corrections)."""

    __tablename__ = "edits"

    id: Mapped[intpk]
    table_name: Mapped[str] = mapped_column(String(32))
    row_id: Mapped[int]
    field: Mapped[str | None] = mapped_column(String(64))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(32))  # merge, alias, update, unlink
    author: Mapped[str | None]
    note: Mapped[str | None] = mapped_column(Text)
    created: Mapped[created_at]
    # Migration 0006: where a claim edit applies, so that re-extraction can find the
    # claim again (the article and the evidence span 'sentence_start:end:trigger_start'),
    # and whether it still applied after the last re-extraction.
    article_id: Mapped[int | None] = mapped_column(Integer, index=True)
    claim_span: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="applied", server_default="applied")
