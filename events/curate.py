"""Curation: a person's decisions about claims and events, each one recorded.

ACLED and UCDP coders correct machine suggestions; here every correction is a
row of ``edits`` (who, when, what, the old and the new value, a note), written in
the same transaction as the change itself:

- :func:`merge` puts the claims of several events into the lowest-numbered one;
- :func:`split` moves claims to a new event;
- :func:`set_fields` corrects a claim's coded fields (``claims_flat`` names);
- :func:`reject` hides a false positive from the views (the claim is kept);
- :func:`add_alias` names an actor by one more surface form, for later ingests.

Claim edits carry the claim's article and evidence span
(``sentence_start:sentence_end:trigger_start``), so that ``events reextract`` can
find the claim again in a new extraction and apply the decision once more
(:mod:`events.reextract`). Values of actors and places are written as
``Name [key]``: readable, and resolved to the same row when re-applied.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from events import EXTRACTOR_VERSION
from events.catalog import insert_ignore, normalize_alias
from events.errors import EventsError
from events.linking.summary import refresh_events
from events.models import (
    DATE_PRECISIONS,
    MODALITIES,
    Actor,
    ActorAlias,
    Claim,
    ClaimLink,
    Edit,
    Event,
    EventType,
    Location,
)


class CurationError(EventsError):
    """A curation command cannot be applied (unknown id, field or value)."""


#: ``events set`` fields: the claims_flat column name -> the claims column it sets.
FIELDS: dict[str, str] = {
    "event_type": "event_type", "event_mode": "event_mode",
    "date_start": "date_start", "date_end": "date_end", "date_precision": "date_precision",
    "fatalities_low": "fatalities_low", "fatalities_best": "fatalities_best",
    "fatalities_high": "fatalities_high", "modality": "modality",
    "location": "location_id", "actor1": "actor1_id", "actor2": "actor2_id",
    "claimant": "claimant_id", "negated": "negated",
}  # fmt: skip
#: Values that clear a field which may be empty.
NONE_WORDS = frozenset({"", "none", "null", "-"})
_TRUE = frozenset({"1", "true", "yes", "y"})
_FALSE = frozenset({"0", "false", "no", "n"})
_KEYED = re.compile(r"^(?P<name>.*?)\s*\[(?P<key>[^\[\]]+)\]$")
ACTIONS = ("merge", "split", "set", "reject", "alias")


@dataclass(frozen=True)
class Who:
    """The author of a change and the note they give."""

    author: str
    note: str | None = None


def claim_span(claim: Any) -> str:
    """Return where a claim's evidence is: 'sentence_start:sentence_end:trigger_start'."""
    trigger = "" if claim.trigger_start is None else claim.trigger_start
    return f"{claim.char_start}:{claim.char_end}:{trigger}"


# --------------------------------------------------------------------------
# Looking rows up
# --------------------------------------------------------------------------


def get_claims(session: Session, ids: Sequence[int], *, with_rejected: bool = False) -> list[Claim]:
    """Return the claims ``ids`` (in the order given); CurationError names a missing one."""
    found = {c.id: c for c in session.scalars(select(Claim).where(Claim.id.in_(set(ids))))}
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise CurationError(f"no claim {', '.join(missing)}")
    rejected = [str(i) for i in ids if found[i].status == "rejected"]
    if rejected and not with_rejected:
        raise CurationError(f"claim {', '.join(rejected)} is rejected")
    return [found[i] for i in ids]


def find_actor(session: Session, value: str) -> Actor:
    """Return the actor named ``value``: 'Name [key]', its key, name or an alias."""
    keyed = _KEYED.match(value.strip())
    text = keyed.group("key") if keyed else value.strip()
    actor = session.scalars(select(Actor).where(Actor.key == text)).first()
    if actor is None:
        by_name = list(
            session.scalars(
                select(Actor).where(func.lower(Actor.name) == text.lower()).order_by(Actor.id)
            )
        )
        if not by_name:
            by_name = list(
                session.scalars(
                    select(Actor)
                    .join(ActorAlias, ActorAlias.actor_id == Actor.id)
                    .where(ActorAlias.normalized == normalize_alias(text))
                    .distinct()
                    .order_by(Actor.id)
                )
            )
        if not by_name:
            raise CurationError(f"no actor with the key, name or alias {value!r}")
        if len(by_name) > 1:
            keys = ", ".join(a.key for a in by_name[:6])
            raise CurationError(f"{value!r} names several actors ({keys}): give the key")
        actor = by_name[0]
    seen = {actor.id}
    while actor.merged_into_id is not None and actor.merged_into_id not in seen:
        survivor = session.get(Actor, actor.merged_into_id)
        if survivor is None:
            break
        seen.add(survivor.id)
        actor = survivor
    return actor


def find_location(session: Session, value: str) -> Location:
    """Return the place ``value``: 'Name [key]', a key or a name of the locations table,
    else the most likely place of that name in the place index (stored on the way)."""
    keyed = _KEYED.match(value.strip())
    text = keyed.group("key") if keyed else value.strip()
    row = session.scalars(select(Location).where(Location.key == text)).first()
    if row is not None:
        return row
    named = list(
        session.scalars(
            select(Location).where(func.lower(Location.name) == text.lower()).order_by(Location.id)
        )
    )
    if len(named) > 1:
        keys = ", ".join(f"{p.key} ({p.country or '?'})" for p in named[:6])
        raise CurationError(f"{value!r} names several places ({keys}): give the key")
    if named:
        return named[0]
    from events.geoindex import GeoIndexError, open_index

    try:
        with open_index(build=False) as index:
            found = index.by_key(text) or next(iter(index.lookup(text)), None)
    except GeoIndexError as exc:
        raise CurationError(f"no place named {value!r} in the database ({exc})") from None
    if found is None:
        raise CurationError(f"no place named {value!r} in the database or the place index")
    insert_ignore(session, cast(Table, Location.__table__), [{
        "key": found.key, "name": found.name[:255], "admin1": found.admin1,
        "country": found.country, "latitude": found.latitude, "longitude": found.longitude,
        "precision": found.precision, "admin2": found.admin2[:255] if found.admin2 else None,
        "geonames_id": found.geonameid,
    }])  # fmt: skip
    return session.scalars(select(Location).where(Location.key == found.key)).one()


def _label(name: str | None, key: str | None) -> str | None:
    return None if key is None else f"{name} [{key}]"


# --------------------------------------------------------------------------
# Field values
# --------------------------------------------------------------------------


def parse_assignments(pairs: Sequence[str]) -> list[tuple[str, str]]:
    """Split 'FIELD=VALUE' arguments; CurationError for an unknown field or no '='."""
    out = []
    for pair in pairs:
        field, sep, value = pair.partition("=")
        field = field.strip()
        if not sep:
            raise CurationError(f"{pair!r} is not FIELD=VALUE (e.g. fatalities_best=12)")
        if field not in FIELDS:
            raise CurationError(f"cannot set {field!r}: use one of {', '.join(FIELDS)}")
        out.append((field, value.strip()))
    return out


def coerce(session: Session, claim: Claim, field: str, value: str) -> tuple[Any, str | None]:
    """Return (the column value, its text for the edits table) for ``field=value``."""
    empty = value.lower() in NONE_WORDS
    if field == "event_type":
        types = set(session.scalars(select(EventType.plover_type).distinct()))
        if value.upper() not in types:
            raise CurationError(f"event_type {value!r} is not a PLOVER type ({_few(types)})")
        return value.upper(), value.upper()
    if field == "event_mode":
        if empty:
            return None, None
        modes = set(session.scalars(select(EventType.mode).where(EventType.mode != "")))
        if value not in modes:
            raise CurationError(f"event_mode {value!r} is not a PLOVER mode ({_few(modes)})")
        return value, value
    if field in ("date_start", "date_end"):
        if empty:
            return None, None
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            raise CurationError(f"{field} {value!r} is not an ISO date (YYYY-MM-DD)") from None
        return day, day.isoformat()
    if field == "date_precision":
        return _choice(field, value, DATE_PRECISIONS), value
    if field == "modality":
        return _choice(field, value, MODALITIES), value
    if field.startswith("fatalities_"):
        if empty:
            return None, None
        if not value.isdigit() or len(value) > 9:
            raise CurationError(f"{field} {value!r} is not a whole number of people (0 or more)")
        return int(value), str(int(value))
    if field == "negated":
        if value.lower() in _TRUE:
            return True, "1"
        if value.lower() in _FALSE:
            return False, "0"
        raise CurationError(f"negated {value!r}: use 1 or 0 (true/false)")
    if field == "location":
        if empty:
            return None, None
        place = find_location(session, value)
        return place.id, _label(place.name, place.key)
    # actor1, actor2, claimant
    if empty:
        return None, None
    actor = find_actor(session, value)
    return actor.id, _label(actor.name, actor.key)


def _choice(field: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise CurationError(f"{field} {value!r}: use one of {', '.join(allowed)}")
    return value


def _few(values: Iterable[str]) -> str:
    ordered = sorted(values)
    return ", ".join(ordered[:12]) + (", ..." if len(ordered) > 12 else "")


def current_text(session: Session, claim: Claim, field: str) -> str | None:
    """Return the claim's present value of ``field`` as the edits table writes it."""
    value = getattr(claim, FIELDS[field])
    if value is None:
        return None
    if field == "location":
        place = session.get(Location, value)
        return _label(place.name, place.key) if place else str(value)
    if field in ("actor1", "actor2", "claimant"):
        actor = session.get(Actor, value)
        return _label(actor.name, actor.key) if actor else str(value)
    if field == "negated":
        return "1" if value else "0"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def check_claim(claim: Claim) -> None:
    """Refuse a combination of values that cannot be true (end before start, low > high)."""
    if claim.date_start and claim.date_end and claim.date_end < claim.date_start:
        raise CurationError(
            f"claim {claim.id}: date_end {claim.date_end} is before date_start {claim.date_start}"
        )
    figures = [("fatalities_low", claim.fatalities_low), ("fatalities_best", claim.fatalities_best),
               ("fatalities_high", claim.fatalities_high)]  # fmt: skip
    present = [(n, v) for n, v in figures if v is not None]
    for (n1, v1), (n2, v2) in zip(present, present[1:], strict=False):
        if v1 > v2:
            raise CurationError(f"claim {claim.id}: {n1} {v1} is more than {n2} {v2}")


# --------------------------------------------------------------------------
# The commands
# --------------------------------------------------------------------------


def _edit(session: Session, who: Who, action: str, claim: Claim | None, **values: Any) -> None:
    row = {"action": action, "author": who.author, "note": who.note, "status": "applied", **values}
    if claim is not None:
        row.update(table_name="claims", row_id=claim.id, article_id=claim.article_id,
                   claim_span=claim_span(claim))  # fmt: skip
    session.execute(insert(cast(Table, Edit.__table__)), [row])


def _link_curated(session: Session, claims: Sequence[Claim], lead: int, who: Who) -> None:
    """Say why each claim is in its event: a person put it there (rule 'curated')."""
    others = [c.id for c in claims if c.id != lead]
    if not others:
        return
    session.execute(delete(ClaimLink).where(ClaimLink.claim_id.in_(others)))
    evidence = f"by {who.author}" + (f": {who.note}" if who.note else "")
    session.execute(
        insert(cast(Table, ClaimLink.__table__)),
        [{"claim_id": i, "other_claim_id": lead, "rule": "curated", "score": 1.0,
          "evidence": evidence[:1000]} for i in others],
    )  # fmt: skip


def merge(session: Session, event_ids: Sequence[int], who: Who) -> tuple[int, int]:
    """Put every claim of ``event_ids`` into the lowest of them; return (event, claims moved)."""
    ids = sorted(set(event_ids))
    if len(ids) < 2:
        raise CurationError("merge needs two events or more")
    found = set(session.scalars(select(Event.id).where(Event.id.in_(ids))))
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise CurationError(f"no event {', '.join(missing)}")
    target = ids[0]
    claims = list(
        session.scalars(
            select(Claim)
            .where(Claim.event_id.in_(ids), Claim.status != "rejected")
            .order_by(Claim.id)
        )
    )
    if not any(c.event_id != target for c in claims):
        raise CurationError(f"events {', '.join(map(str, ids[1:]))} have no claims to merge")
    lead = next((c.id for c in claims if c.event_id == target), claims[0].id)
    moved = 0
    for claim in claims:
        _edit(session, who, "merge", claim, field="event_id",
              old_value=str(claim.event_id), new_value=str(target))  # fmt: skip
        moved += claim.event_id != target
        claim.event_id = target
        claim.event_pinned = True
    session.flush()
    _link_curated(session, claims, lead, who)
    session.execute(update(Event).where(Event.id == target).values(status="curated"))
    refresh_events(session, ids)
    return target, moved


def split(session: Session, claim_ids: Sequence[int], who: Who) -> int:
    """Move ``claim_ids`` to a new event of their own; return its id."""
    claims = get_claims(session, list(dict.fromkeys(claim_ids)))
    first = claims[0]
    event_id = session.execute(
        insert(cast(Table, Event.__table__)).returning(Event.__table__.c.id),  # type: ignore[attr-defined]
        [{"event_type": first.event_type, "date_precision": first.date_precision or "unknown",
          "status": "curated", "link_reason": "split by a person",
          "extractor_version": EXTRACTOR_VERSION}],
    ).scalar_one()  # fmt: skip
    old = {c.event_id for c in claims}
    for claim in claims:
        _edit(session, who, "split", claim, field="event_id",
              old_value=None if claim.event_id is None else str(claim.event_id),
              new_value=str(event_id))  # fmt: skip
        claim.event_id = event_id
        claim.event_pinned = True
    session.flush()
    session.execute(delete(ClaimLink).where(ClaimLink.claim_id == first.id))
    _link_curated(session, claims, first.id, who)
    refresh_events(session, {event_id, *(e for e in old if e is not None)})
    return int(event_id)


def set_fields(session: Session, claim_id: int, pairs: Sequence[str], who: Who) -> list[str]:
    """Correct fields of one claim; return 'field: old -> new' lines."""
    assignments = parse_assignments(pairs)
    if not assignments:
        raise CurationError("nothing to set: give FIELD=VALUE (e.g. fatalities_best=12)")
    (claim,) = get_claims(session, [claim_id])
    changes = []
    for field, value in assignments:
        column_value, text = coerce(session, claim, field, value)
        old = current_text(session, claim, field)
        setattr(claim, FIELDS[field], column_value)
        _edit(session, who, "set", claim, field=field, old_value=old, new_value=text)
        changes.append(f"claim {claim.id} {field}: {old or '-'} -> {text or '-'}")
    check_claim(claim)
    claim.status = "curated"
    session.flush()
    refresh_events(session, [claim.event_id] if claim.event_id else [])
    return changes


def reject(session: Session, claim_id: int, who: Who) -> Claim:
    """Mark a claim a false positive: hidden from the views, kept in the claims table."""
    (claim,) = get_claims(session, [claim_id])
    _edit(session, who, "reject", claim, field="status", old_value=claim.status,
          new_value="rejected")  # fmt: skip
    claim.status = "rejected"
    session.flush()
    refresh_events(session, [claim.event_id] if claim.event_id else [])
    return claim


# --------------------------------------------------------------------------
# Actors and aliases
# --------------------------------------------------------------------------


def add_alias(session: Session, alias: str, actor_ref: str, who: Who) -> tuple[Actor, str]:
    """Make ``alias`` a manual alias of the actor ``actor_ref``; return (actor, message)."""
    text = " ".join(alias.split())
    if len(text) < 2 or len(text) > 255:
        raise CurationError(f"alias {alias!r}: give 2 to 255 characters")
    actor = find_actor(session, actor_ref)
    norm = normalize_alias(text)
    taken = session.execute(
        select(Actor.key).join(ActorAlias, ActorAlias.actor_id == Actor.id)
        .where(ActorAlias.normalized == norm, ActorAlias.kind == "manual", Actor.id != actor.id)
    ).scalar()  # fmt: skip
    if taken is not None:
        raise CurationError(f"{text!r} is already a manual alias of {taken}")
    row = session.scalars(
        select(ActorAlias).where(ActorAlias.actor_id == actor.id, ActorAlias.normalized == norm)
    ).first()
    if row is not None and row.kind == "manual":
        raise CurationError(f"{text!r} is already an alias of {actor.name} [{actor.key}]")
    old = None
    if row is None:
        row = ActorAlias(actor_id=actor.id, alias=text, normalized=norm, kind="manual")
        session.add(row)
    else:
        old, row.kind, row.alias = f"{row.alias} ({row.kind})", "manual", text
    session.flush()
    _edit(session, who, "alias", None, table_name="actor_aliases", row_id=row.id, field="alias",
          old_value=old, new_value=f"{text} -> {actor.name} [{actor.key}]")  # fmt: skip
    return actor, f"{text!r} now names {actor.name} [{actor.key}] in the next ingest"


def manual_aliases(session: Session) -> list[tuple[str, str, str, str | None, str, str | None]]:
    """Return the manual aliases as (alias, key, name, country, kind, sector) rows."""
    rows = session.execute(
        select(ActorAlias.alias, Actor.key, Actor.name, Actor.country, Actor.kind, Actor.sector)
        .join(Actor, Actor.id == ActorAlias.actor_id)
        .where(ActorAlias.kind == "manual")
        .order_by(ActorAlias.id)
    )
    return [tuple(r) for r in rows]  # type: ignore[misc]


def load_manual_aliases(database: Any) -> None:
    """Give the actor matcher the database's manual aliases (before extracting)."""
    from events.gazetteer import use_manual_aliases

    with database.session() as session:
        use_manual_aliases(manual_aliases(session))


ACTOR_COLUMNS = ("id", "name", "key", "kind", "country", "sector", "origin", "claims", "aliases")


def list_actors(session: Session, search: str | None, limit: int) -> list[tuple[Any, ...]]:
    """Return actors (most cited first) whose name, key or an alias contains ``search``."""
    cited = (
        select(func.count(func.distinct(Claim.id)))
        .where(Claim.status != "rejected")
        .where(
            or_(Claim.actor1_id == Actor.id, Claim.actor2_id == Actor.id,
                Claim.claimant_id == Actor.id)
        )
        .scalar_subquery()
    )  # fmt: skip
    stmt = select(Actor.id, Actor.name, Actor.key, Actor.kind, Actor.country, Actor.sector,
                  Actor.origin, cited.label("claims"))  # fmt: skip
    if search:
        like = f"%{normalize_alias(search)}%"
        aliased = select(ActorAlias.actor_id).where(ActorAlias.normalized.like(like))
        stmt = stmt.where(
            or_(func.lower(Actor.name).like(like), func.lower(Actor.key).like(like),
                Actor.id.in_(aliased))
        )  # fmt: skip
    stmt = stmt.order_by(cited.desc(), Actor.name, Actor.id).limit(limit)
    rows = session.execute(stmt).all()
    names: dict[int, list[str]] = {r.id: [] for r in rows}
    if names:
        for actor_id, alias, kind in session.execute(
            select(ActorAlias.actor_id, ActorAlias.alias, ActorAlias.kind)
            .where(ActorAlias.actor_id.in_(names))
            .order_by(ActorAlias.kind != "manual", ActorAlias.id)
        ):
            names[actor_id].append(f"{alias}*" if kind == "manual" else alias)
    return [(*r, "; ".join(dict.fromkeys(names[r.id]))) for r in rows]


# --------------------------------------------------------------------------
# The audit trail
# --------------------------------------------------------------------------

EDIT_COLUMNS = ("id", "created", "author", "action", "table_name", "row_id", "field",
                "old_value", "new_value", "note", "article_id", "claim_span", "status")  # fmt: skip


def list_edits(
    session: Session,
    *,
    claim: int | None = None,
    event: int | None = None,
    by: str | None = None,
    action: str | None = None,
    since: dt.date | None = None,
) -> list[tuple[Any, ...]]:
    """Return the edits matching every filter given, oldest first."""
    stmt = select(*(getattr(Edit, c) for c in EDIT_COLUMNS)).order_by(Edit.id)
    if claim is not None:
        stmt = stmt.where(Edit.table_name == "claims", Edit.row_id == claim)
    if event is not None:
        members = select(Claim.id).where(Claim.event_id == event)
        stmt = stmt.where(
            or_(
                (Edit.table_name == "claims") & Edit.row_id.in_(members),
                (Edit.field == "event_id")
                & or_(Edit.old_value == str(event), Edit.new_value == str(event)),
            )
        )
    if by is not None:
        stmt = stmt.where(Edit.author == by)
    if action is not None:
        if action not in ACTIONS:
            raise CurationError(f"action {action!r}: use one of {', '.join(ACTIONS)}")
        stmt = stmt.where(Edit.action == action)
    if since is not None:
        stmt = stmt.where(Edit.created >= dt.datetime.combine(since, dt.time(), dt.UTC))
    return [tuple(r) for r in session.execute(stmt)]
