"""Re-extract stored articles with the current pipeline, keeping people's decisions.

After an upgrade of the rules, ``events reextract`` runs the pipeline again on each
stored article's text, one transaction per article: the old claims go (their actors
and links with them), the new ones are stored and linked as at ingest
(:func:`events.store.store_claims`), and then every curated decision about the
article (``edits`` rows: merge, split, set, reject) is applied again to the claim
it concerned, found by the article and its evidence span:

1. the same span (``sentence_start:sentence_end:trigger_start``) and section;
2. else the same sentence span with the same trigger word.

An edit whose claim is not found any more is reported and marked ``stale``, never
dropped; a later re-extraction tries it again. An applied edit follows its claim:
its ``row_id`` and ``claim_span`` name the new claim.

The Document is rebuilt from what the article keeps: the cleaned title, body and
comments are given to the stages after ``clean`` (the stored body is clean
stage output); caption paragraphs are recognised again with clean's own rule; the
publication date is the stored one unless it was inferred from the text (then it
is inferred again); comments are read only if the old claims read them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import String, delete, func, or_, select, update
from sqlalchemy.orm import Session

from events import EXTRACTOR_VERSION
from events.curate import FIELDS, CurationError, claim_span, coerce
from events.db import Database
from events.errors import EventsError
from events.linking.summary import refresh_events
from events.models import Article, Claim, ClaimLink, Edit, Event, Source
from events.pipeline.doc import Document

log = logging.getLogger(__name__)


@dataclass
class Report:
    """Totals of one re-extraction run."""

    articles: int = 0
    claims_before: int = 0
    claims_after: int = 0
    reapplied: int = 0
    stale: int = 0
    failed: list[str] = field(default_factory=list)

    def line(self) -> str:
        failed = f", {len(self.failed)} failed" if self.failed else ""
        articles = f"{self.articles} article{'' if self.articles == 1 else 's'}"
        return (
            f"{articles} re-extracted{failed}; claims {self.claims_before} -> "
            f"{self.claims_after}; {self.reapplied} edits re-applied, {self.stale} stale"
        )


# --------------------------------------------------------------------------
# Rebuilding the document
# --------------------------------------------------------------------------


def caption_spans(body: str) -> list[tuple[int, int]]:
    """Return the caption paragraphs of a cleaned body, by the clean stage's own rule.

    Clean makes every caption a one-line paragraph, and marks every one-line paragraph
    that reads as a caption (it stood alone between gaps) or is a photo credit.
    """
    from events.pipeline.clean import _classify, _looks_like_caption

    spans, pos = [], 0
    for para in body.split("\n\n"):
        if (
            para
            and "\n" not in para
            and (_looks_like_caption(para) or _classify(para).kind == "caption")
        ):
            spans.append((pos, pos + len(para)))
        pos += len(para) + 2
    return spans


def rebuild(session: Session, article: Article) -> Document:
    """Return the Document the pipeline stages after clean need, from a stored article."""
    source = session.get(Source, article.source_id) if article.source_id else None
    read_comments = session.execute(
        select(Claim.id).where(Claim.article_id == article.id, Claim.section == "comment").limit(1)
    ).first()
    given = article.published if not article.published_inferred else None
    return Document(
        raw=article.body,
        origin=article.origin or f"article {article.id}",
        external_id=article.external_id,
        url=article.url,
        source=source.name if source else None,
        language=article.language,
        given_title=article.title,
        given_published=given,
        given_published_precision=article.published_precision if given else "day",  # type: ignore[arg-type]
        include_comments=read_comments is not None,
        title=article.title or "",
        body=article.body,
        comments=article.comments or "",
        caption_spans=caption_spans(article.body),
    )


def extract(doc: Document) -> Document:
    """Run every stage after clean on a rebuilt document."""
    from events.pipeline.runner import default_pipeline, run

    return run(doc, [s for s in default_pipeline() if s.name != "clean"])


# --------------------------------------------------------------------------
# Re-applying the edits
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Old:
    """What identified a claim before re-extraction."""

    section: str
    span: str
    sentence: tuple[int, int]
    trigger: str


def _claims_of(session: Session, article_id: int) -> list[Claim]:
    return list(session.scalars(select(Claim).where(Claim.article_id == article_id)
                                .order_by(Claim.id)))  # fmt: skip


def _find(new: list[Claim], span: str, old: _Old | None) -> Claim | None:
    """Return the new claim an edit concerns (see the module docstring), or None."""
    section = old.section if old else None
    exact = [c for c in new if claim_span(c) == span and section in (None, c.section)]
    if exact:
        return exact[0]
    if old is None or not old.trigger:
        return None
    return next(
        (c for c in new if c.section == old.section and (c.char_start, c.char_end) == old.sentence
         and (c.trigger or "").casefold() == old.trigger),
        None,
    )  # fmt: skip


def _apply(session: Session, edit: Edit, claim: Claim) -> set[int]:
    """Apply one edit to a new claim; return the events it touched. CurationError if it cannot."""
    touched = {claim.event_id} if claim.event_id else set()
    if edit.action in ("merge", "split"):
        target = int(edit.new_value or 0)
        if session.get(Event, target) is None:
            raise CurationError(f"event {edit.new_value} no longer exists")
        claim.event_id, claim.event_pinned = target, True
        session.flush()
        lead = session.execute(
            select(func.min(Claim.id)).where(Claim.event_id == target, Claim.id != claim.id,
                                             Claim.event_pinned.is_(True))
        ).scalar()  # fmt: skip
        session.execute(delete(ClaimLink).where(ClaimLink.claim_id == claim.id))
        if lead is not None:
            evidence = f"by {edit.author} (re-applied)"
            session.add(
                ClaimLink(claim_id=claim.id, other_claim_id=lead, rule="curated", score=1.0,
                          evidence=evidence)
            )  # fmt: skip
        return touched | {target}
    if edit.action == "reject":
        claim.status = "rejected"
        return touched
    if edit.action == "set" and edit.field in FIELDS:
        value, _ = coerce(session, claim, edit.field, edit.new_value or "")
        # Not checked against the claim's other figures: the command that made the
        # edit checked the combination, and its sibling edits follow in this loop.
        setattr(claim, FIELDS[edit.field], value)
        if claim.status != "rejected":
            claim.status = "curated"
        return touched
    raise CurationError(f"action {edit.action} on {edit.field} cannot be re-applied")


def _describe(edit: Edit) -> str:
    what = f"{edit.field}={edit.new_value}" if edit.action == "set" else edit.action
    if edit.action in ("merge", "split"):
        what = f"{edit.action} into event {edit.new_value}"
    return f"edit {edit.id} ({what}, by {edit.author}) on claim at {edit.claim_span}"


def reextract_article(
    session: Session, article_id: int, doc: Document, warn: Callable[[str], None]
) -> tuple[int, int, int, int]:
    """Replace an article's claims by ``doc``'s and re-apply its edits (caller's transaction).

    Return (claims before, claims after, edits re-applied, edits stale).
    """
    from events.store import store_claims

    old_claims = _claims_of(session, article_id)
    old = {c.id: _Old(c.section, claim_span(c), (c.char_start, c.char_end),
                      (c.trigger or "").casefold()) for c in old_claims}  # fmt: skip
    touched = {c.event_id for c in old_claims if c.event_id}
    last_event = session.execute(select(func.max(Event.id))).scalar() or 0
    session.execute(delete(Claim).where(Claim.article_id == article_id))
    session.expunge_all()
    store_claims(session, article_id, doc)
    new = _claims_of(session, article_id)
    touched |= {c.event_id for c in new if c.event_id}
    edits = list(
        session.scalars(
            select(Edit)
            .where(Edit.table_name == "claims", Edit.article_id == article_id)
            .order_by(Edit.id)
        )
    )
    applied = stale = 0
    for edit in edits:
        claim = _find(new, edit.claim_span or "", old.get(edit.row_id))
        problem = "no claim at that span any more"
        if claim is not None:
            try:
                touched |= _apply(session, edit, claim)
            except CurationError as exc:
                claim, problem = None, str(exc)
        if claim is None:
            warn(f"article {article_id}: {_describe(edit)} no longer applies: {problem}")
            edit.status = "stale"
            stale += 1
            continue
        edit.row_id, edit.claim_span, edit.status = claim.id, claim_span(claim), "applied"
        applied += 1
    session.flush()
    # Events left without any claim: those this run created and then emptied (their
    # claims went back to a person's event), and machine-made ones whose claims were
    # replaced. An event a person made or named in an edit keeps its row.
    cited = (
        select(Edit.new_value)
        .where(Edit.field == "event_id")
        .union(select(Edit.old_value).where(Edit.field == "event_id", Edit.old_value.is_not(None)))
    )
    session.execute(
        delete(Event).where(
            or_(Event.id > last_event, Event.id.in_(touched)),
            Event.status == "auto",
            ~select(Claim.id).where(Claim.event_id == Event.id).exists(),
            func.cast(Event.id, String).not_in(cited),
        )
    )
    alive = set(session.scalars(select(Event.id).where(Event.id.in_(touched))))
    refresh_events(session, alive)
    session.execute(
        update(Article).where(Article.id == article_id)
        .values(extractor_version=EXTRACTOR_VERSION, warnings=doc.warnings or None)
    )  # fmt: skip
    return len(old_claims), len(new), applied, stale


def article_ids(session: Session, article: int | None) -> list[int]:
    """Return the ids to re-extract: one article (checked) or all, in id order."""
    if article is not None:
        if session.get(Article, article) is None:
            raise EventsError(f"no article {article}")
        return [article]
    return list(session.scalars(select(Article.id).order_by(Article.id)))


def reextract(
    database: Database,
    ids: Iterable[int],
    *,
    warn: Callable[[str], None],
    on_article: Callable[[int, int, int], None] | None = None,
) -> Report:
    """Re-extract each article in its own transaction; return the totals."""
    from events.curate import load_manual_aliases

    load_manual_aliases(database)
    report = Report()
    for article_id in ids:
        with database.session() as session:
            article = session.get(Article, article_id)
            if article is None:
                continue
            doc = rebuild(session, article)
        try:
            extract(doc)
        except EventsError as exc:
            report.failed.append(f"article {article_id}: {exc}")
            warn(f"article {article_id} not re-extracted (its claims kept): {exc}")
            continue
        with database.session() as session, session.begin():
            before, after, applied, stale = reextract_article(session, article_id, doc, warn)
        report.articles += 1
        report.claims_before += before
        report.claims_after += after
        report.reapplied += applied
        report.stale += stale
        if on_article:
            on_article(article_id, before, after)
    return report
