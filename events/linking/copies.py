"""Syndicated copies: the same wire story republished by several outlets is one report.

An outlet that republishes a wire story trims it, gives it a new headline, changes
a few words, moves a paragraph or appends its own boilerplate line. Its claims are
not an independent confirmation of the event, so the store links the article to
the one it copies (``articles.copy_of_id``) and the event summary counts the two
as one report (``num_reports``) and one source (``num_sources``, see
:mod:`events.linking.summary`).

How a copy is found, at ingest, in time that does not grow with the database:

1. The cleaned body is cut into *shingles*: runs of :data:`SHINGLE_WORDS`
   consecutive words (lower-cased), inside a paragraph, so that reordering
   paragraphs changes nothing.
2. A MinHash *signature* keeps, for each of :data:`NUM_PERM` hash functions, the
   smallest hash of the article's shingles. The hash functions are the successive
   32-bit words of the shingle's SHAKE-128 digest (one C call per shingle, then a
   column-wise ``min``: a few milliseconds for a 600-word story, see
   ``bench/copies.py``). Two signatures agree at a position with probability equal
   to the Jaccard similarity of the two shingle sets, so the share of agreeing
   positions estimates it. Stored in ``articles.minhash``
   (hex, 8 digits per position).
3. Locality-sensitive hashing: the signature is cut into :data:`BANDS` bands of
   :data:`ROWS` positions; each band is hashed to a bucket and stored in
   ``article_bands`` (band, bucket, article_id), whose primary key is the index
   of the look-up. Articles sharing a bucket with the new one are its candidates;
   their stored signatures decide (:data:`COPY_THRESHOLD`).

Pure Python (hashlib, struct): no dependency, and cheap to import.

Limits: the original is the first *stored* report, not the first published one;
two ingesters storing two copies of one story at the same moment do not see each
other's uncommitted article, so both stay originals (one report counted twice).
:func:`index_stored` indexes articles stored before revision 0006.
"""

from __future__ import annotations

import functools
import hashlib
import re
import struct
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Select, Table, and_, bindparam, insert, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from events.models import Article, ArticleBand

#: Words per shingle. Five words make a shingle specific to a text (two different
#: reports of one attack share names and figures, rarely five words in a row),
#: while one changed word disturbs only the five shingles that contain it.
SHINGLE_WORDS = 5
#: Texts with fewer distinct shingles are never compared, as new article or as
#: candidate. Codebook-style one-line notes ("On 3 May 2021, suspected JNIM
#: militants attacked ...") written from one template share most of their
#: shingles although they report different incidents; a single sentence of up
#: to about 44 words stays below this, while a wire story of three short
#: paragraphs (60 words and more) is above it.
MIN_SHINGLES = 40
#: Bands x rows = positions of the signature. With 40 bands of 3 rows, two texts
#: become candidates with probability 1 - (1 - J^3)^40: 0.995 at J = 0.5 (a
#: republication with its last paragraph cut and a boilerplate line added is
#: about 0.6-0.8), 0.94 at J = 0.4, but 0.04 at J = 0.1 and 0.005 at J = 0.05
#: (different reports of one event), so the look-up reads few rows. 120 positions
#: estimate J within about +-0.05 (one standard deviation at J = 0.5).
BANDS = 40
ROWS = 3
NUM_PERM = BANDS * ROWS
#: Estimated Jaccard similarity from which an article is a copy of a candidate.
#: Half the shingles in common is far above two independent reports of one
#: incident (they share a few names and figures: J < 0.1) and below what trimming
#: a fifth of a story and editing a few words leave (J about 0.6 and more).
COPY_THRESHOLD = 0.5
#: Look-up bounds: band rows read per new article, and candidates compared. A
#: bucket shared by very many articles (an outlet's boilerplate that survived
#: cleaning) cannot make one ingest slow; the candidates sharing most bands come first.
MAX_BAND_ROWS = 2_000
MAX_CANDIDATES = 50

_MASK63 = (1 << 63) - 1  # buckets are stored as signed 64-bit integers (BIGINT)
_WORD = re.compile(r"\w+")
_PARAGRAPH = re.compile(r"\n\s*")
_ARTICLES = cast(Table, Article.__table__)
_BANDS = cast(Table, ArticleBand.__table__)


def _hash64(data: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big")


_HASHES = struct.Struct(f">{NUM_PERM}I")


def shingles(text: str) -> set[bytes]:
    """Return the hashed word shingles of ``text``, paragraph by paragraph.

    A paragraph shorter than a shingle is one shingle of its own words.
    """
    out: set[bytes] = set()
    for paragraph in _PARAGRAPH.split(unicodedata.normalize("NFKC", text).casefold()):
        words = _WORD.findall(paragraph)
        if not words:
            continue
        last = max(len(words) - SHINGLE_WORDS, 0)
        for i in range(last + 1):
            out.add(" ".join(words[i : i + SHINGLE_WORDS]).encode())
    return out


def signature(shingle_set: Iterable[bytes]) -> tuple[int, ...]:
    """Return the MinHash signature (NUM_PERM values of 32 bits) of a set of shingles."""
    size = _HASHES.size
    rows = [_HASHES.unpack(hashlib.shake_128(s).digest(size)) for s in shingle_set]
    if not rows:
        raise ValueError("no shingles")
    return tuple(map(min, zip(*rows, strict=True)))


def to_hex(sig: Sequence[int]) -> str:
    return struct.pack(f">{len(sig)}I", *sig).hex()


def from_hex(value: str) -> tuple[int, ...]:
    raw = bytes.fromhex(value)
    return struct.unpack(f">{len(raw) // 4}I", raw)


def similarity(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimate the Jaccard similarity of two texts from their signatures."""
    if len(a) != len(b) or not a:
        return 0.0
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


def buckets(sig: Sequence[int]) -> list[int]:
    """Return the bucket of each band of ``sig`` (63-bit integers)."""
    out = []
    for band in range(BANDS):
        rows = sig[band * ROWS : (band + 1) * ROWS]
        out.append(_hash64(struct.pack(f">{ROWS}I", *rows)) & _MASK63)
    return out


@dataclass(frozen=True)
class CopyMatch:
    """The article a new one copies: the original (first stored) and the closest candidate."""

    original_id: int
    candidate_id: int
    score: float


@functools.cache
def _candidates() -> Select[tuple[int]]:
    """The candidate query, built once (building 40 OR terms costs more than running them)."""
    match = or_(*(and_(_BANDS.c.band == band, _BANDS.c.bucket == bindparam(f"k{band}"))
                  for band in range(BANDS)))  # fmt: skip
    return (
        select(_BANDS.c.article_id)
        .where(match, _BANDS.c.article_id != bindparam("exclude"))
        .limit(MAX_BAND_ROWS)
    )


def _candidate_params(sig: Sequence[int], exclude: int | None) -> dict[str, int]:
    params = {f"k{band}": bucket for band, bucket in enumerate(buckets(sig))}
    params["exclude"] = exclude if exclude is not None else 0
    return params


def candidate_query(sig: Sequence[int], *, exclude: int | None = None) -> Select[tuple[int]]:
    """Return the query of the articles sharing a band bucket with ``sig`` (one row per band).

    Each (band, bucket) pair is an equality on the primary key of ``article_bands``,
    so the engines read the index, not the table; at most :data:`MAX_BAND_ROWS` rows.
    """
    return _candidates().params(_candidate_params(sig, exclude))


def find_original(
    session: Session | Connection, sig: Sequence[int], *, exclude: int | None = None
) -> CopyMatch | None:
    """Return the stored report that ``sig`` copies, or None.

    Among the candidates at or above :data:`COPY_THRESHOLD`, the original is the
    earliest stored report (a candidate that is itself a copy stands for the
    article it copies); the candidate and score kept are the closest one's.
    """
    shared = Counter(session.execute(_candidates(), _candidate_params(sig, exclude)).scalars())
    if not shared:
        return None
    wanted = sorted(shared, key=lambda i: (-shared[i], i))[:MAX_CANDIDATES]
    rows = session.execute(
        select(_ARTICLES.c.id, _ARTICLES.c.copy_of_id, _ARTICLES.c.minhash).where(
            _ARTICLES.c.id.in_(wanted), _ARTICLES.c.minhash.is_not(None)
        )
    ).all()
    scored = [(similarity(sig, from_hex(h)), id_, copy_of) for id_, copy_of, h in rows]
    above = [s for s in scored if s[0] >= COPY_THRESHOLD]
    if not above:
        return None
    original = min(copy_of or id_ for _, id_, copy_of in above)
    score, candidate, _ = max(above, key=lambda s: (s[0], -s[1]))
    return CopyMatch(original, candidate, score)


def mark_copy(session: Session | Connection, article_id: int, body: str) -> CopyMatch | None:
    """Index the stored article ``article_id`` and link it to the report it copies, if any.

    Called by the store right after the article row is inserted (same
    transaction), before its claims are linked, so that the event summary sees
    the copy. A text below :data:`MIN_SHINGLES` is neither indexed nor linked.
    """
    hashes = shingles(body)
    if len(hashes) < MIN_SHINGLES:
        return None
    sig = signature(hashes)
    found = find_original(session, sig, exclude=article_id)
    session.execute(
        update(_ARTICLES)
        .where(_ARTICLES.c.id == article_id)
        .values(minhash=to_hex(sig), copy_of_id=found.original_id if found else None)
    )
    session.execute(
        insert(_BANDS),
        [{"band": band, "bucket": bucket, "article_id": article_id}
         for band, bucket in enumerate(buckets(sig))],
    )  # fmt: skip
    return found


def index_stored(session: Session, batch: int = 500) -> tuple[int, int]:
    """Index the stored articles that have no signature yet, oldest first: (read, copies found).

    For a database ingested before syndicated copies were recognised (revision
    0006), or after a change of :data:`SHINGLE_WORDS`, :data:`BANDS` or
    :data:`ROWS` (clear ``articles.minhash``, ``copy_of_id`` and ``article_bands``
    first: signatures made differently cannot be compared). The events of the
    copies found are summarised again, so ``num_reports`` and ``num_sources``
    count them once. Short texts (below :data:`MIN_SHINGLES`) are read and skipped.
    """
    from events.linking.summary import refresh_events
    from events.models import Claim

    indexed = found = 0
    last = 0
    touched: set[int] = set()
    while True:
        rows = session.execute(
            select(_ARTICLES.c.id, _ARTICLES.c.body)
            .where(_ARTICLES.c.minhash.is_(None), _ARTICLES.c.id > last)
            .order_by(_ARTICLES.c.id)
            .limit(batch)
        ).all()
        if not rows:
            break
        for article_id, body in rows:
            last = article_id
            match = mark_copy(session, article_id, body or "")
            indexed += 1
            if match is not None:
                found += 1
                touched.update(
                    event_id
                    for event_id in session.execute(
                        select(Claim.event_id).where(
                            Claim.article_id == article_id, Claim.event_id.is_not(None)
                        )
                    ).scalars()
                    if event_id is not None
                )
    refresh_events(session, touched)
    return indexed, found
