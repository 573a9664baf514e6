"""Score what the pipeline reads in one report against our own dev set (``events eval reading``).

Gold: ``tests/data/reading_dev.jsonl`` (written for this project, invented events at real
places; or any file of the same shape), one report a line::

    {"text": "...", "published": "2021-05-05", "acled_event_type": "Battles",
     "actor1_class": "state", "actor2_class": "rebel", "fatalities": 4,
     "date": "2021-05-03", "claimant": "", "style": "note"}

``date_end`` (optional) closes a gold range ("between 2 and 4 May"); ``style`` is one of
``note`` (codebook-style event notes), ``wire``, ``monitor`` (SOHR-style, ceasefire monitors),
``partisan``. The prediction for a report is its *top claim*, the main event the pipeline
marks (``is_main``, :func:`events.evaluate.match.top_claim`); a report without a claim is wrong
on every field.
Fields (accuracy):

* ``acled_event_type`` -- the claim's PLOVER type and mode through the crosswalk of
  ``seeds/plover_types.tsv`` (the mode's row, else the type's default row: what exports do);
* ``actor1_class`` / ``actor2_class`` -- the ACLED inter class of the claim's principal actors
  (:func:`events.evaluate.match.principal_actors`) by the rules of ``seeds/acled_inter.tsv``
  (:func:`events.lexicon.inter_rules`, tried top to bottom as the ACLED export does); reports
  whose gold class is empty are not counted;
* ``fatalities`` -- the claim's figure equals a non-zero gold toll (reports with a toll only):
  its best value, else its low one ("at least 12" is low 12, best unknown: ACLED's reading and
  what the exports store, ``COALESCE(best, low)``: :func:`events.evaluate.match.toll`);
  ``fatalities.none`` -- no figure, or 0, where the gold toll is 0 (injured are not dead);
* ``date`` -- the claim's interval contains the gold date (or range) and is at most
  :data:`DATE_SLACK_DAYS` longer than it: a one-day gold date takes a day or a night (two days);
* ``claimant`` -- who says so: an empty gold claimant wants no claimant (the outlet says it);
  a named one wants a claimant whose name shares a word with it (see :func:`claimant_matches`).

``no_claim`` is the share of reports with no claim at all. Every field is also given per style
(``wire:date``) and over the reports with a claim (``with_claim:date``, not pinned: it rises
when the pipeline claims less).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from events import lexicon
from events.errors import EventsError, StageError
from events.evaluate import Report
from events.evaluate.match import (
    folded,
    name_key,
    principal_actors,
    similar_words,
    toll,
    top_claim,
)
from events.pipeline.doc import ActorMention, Claim, Document

#: The dev set shipped with the checkout (ours, always present).
DEFAULT_FILE = Path(__file__).resolve().parents[2] / "tests" / "data" / "reading_dev.jsonl"

ACLED_EVENT_TYPES = frozenset(
    {
        "Battles",
        "Explosions/Remote violence",
        "Violence against civilians",
        "Protests",
        "Riots",
        "Strategic developments",
    }
)
#: ACLED inter codes (codebook) by the class names of the dev set.
INTER_CLASSES = {
    1: "state",
    2: "rebel",
    3: "political_militia",
    4: "identity_militia",
    5: "rioters",
    6: "protesters",
    7: "civilians",
    8: "external",
}
STYLES = ("note", "wire", "monitor", "partisan")
#: How much longer than the gold date a predicted interval may be: one day lets "overnight"
#: and "late on Monday" (a day and the next) count, a week does not.
DATE_SLACK_DAYS = 1
#: Words of claimant names that say what kind of body, not which one (country names and
#: adjectives, from ``seeds/countries.tsv``, are left out too).
GENERIC_CLAIMANT_WORDS = frozenset(
    """
    said says group spokesman spokeswoman official officials
    statement its their local regional provincial
    """.split()
)
#: Words that never tell names apart.
FUNCTION_WORDS = frozenset({"the", "of", "for", "and", "a", "an", "on", "in", "'s"})

FIELDS = (
    "acled_event_type",
    "actor1_class",
    "actor2_class",
    "fatalities",
    "fatalities.none",
    "date",
    "claimant",
)


@dataclass(frozen=True)
class GoldReport:
    """One report of the dev set with its gold fields."""

    line: int
    text: str
    published: dt.date
    acled_event_type: str
    actor1_class: str
    actor2_class: str
    fatalities: int
    date: dt.date
    date_end: dt.date
    claimant: str
    style: str

    def document(self) -> Document:
        """Return the in-memory article of this report."""
        return Document(
            raw=self.text, origin=f"reading:{self.line}", given_published=self.published
        )


def gold_reports(path: Path) -> Iterator[GoldReport]:
    """Yield the reports of a dev-set file, checking every gold cell."""
    if not path.is_file():
        raise EventsError(f"reading dev set not found at {path}: pass a JSON-lines file")
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                yield _gold(n, row)
            except (ValueError, KeyError, TypeError) as exc:
                raise EventsError(f"{path}:{n}: not a gold report ({exc})") from exc


def _gold(n: int, row: dict[str, object]) -> GoldReport:
    event_type = str(row["acled_event_type"])
    if event_type not in ACLED_EVENT_TYPES:
        raise ValueError(f"unknown acled_event_type {event_type!r}")
    classes = [str(row.get(k) or "") for k in ("actor1_class", "actor2_class")]
    for c in classes:
        if c and c not in INTER_CLASSES.values():
            raise ValueError(f"unknown actor class {c!r}")
    style = str(row["style"])
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}")
    date = dt.date.fromisoformat(str(row["date"]))
    end = dt.date.fromisoformat(str(row["date_end"])) if row.get("date_end") else date
    return GoldReport(
        line=n,
        text=str(row["text"]),
        published=dt.date.fromisoformat(str(row["published"])),
        acled_event_type=event_type,
        actor1_class=classes[0],
        actor2_class=classes[1],
        fatalities=int(str(row.get("fatalities") or 0)),
        date=date,
        date_end=end,
        claimant=str(row.get("claimant") or ""),
        style=style,
    )


# --------------------------------------------------------------------------
# Predictions in ACLED's terms
# --------------------------------------------------------------------------


@functools.cache
def _crosswalk() -> dict[tuple[str, str], str]:
    return {(t.plover_type, t.mode): t.acled_event_type or "" for t in lexicon.plover_types()}


def acled_event_type(claim: Claim | None) -> str | None:
    """Return the ACLED event type of a claim: its mode's crosswalk row, else its type's."""
    if claim is None:
        return None
    table = _crosswalk()
    found = table.get((claim.event_type, claim.event_mode or "")) or table.get(
        (claim.event_type, "")
    )
    return found or None


def inter_class(actor: ActorMention | None, event_type: str | None, country: str | None) -> str:
    """Return the ACLED inter class of an actor ("" when no rule of the seed matches)."""
    if actor is None:
        return ""
    for rule in lexicon.inter_rules():
        if rule.sector and actor.sector != rule.sector:
            continue
        if rule.kind and actor.kind != rule.kind:
            continue
        if rule.acled_event_type and event_type != rule.acled_event_type:
            continue
        # As in SQL, an unknown country is never "abroad".
        if rule.abroad and not (actor.country and country and actor.country != country):
            continue
        return INTER_CLASSES[rule.inter]
    return ""


@functools.cache
def _country_words() -> frozenset[str]:
    """Return country names and adjectives ("Syrian"): they say whose, not which body."""
    out: set[str] = set()
    for c in lexicon.countries():
        out.update(w for phrase in (c.name, *c.adjectives) for w in name_key(phrase).split())
    return frozenset(out)


def _words(name: str) -> tuple[set[str], set[str]]:
    """Return a name's words (without function words) and those that tell it apart."""
    words = {w for w in name_key(name).split() if len(w) > 1} - folded(FUNCTION_WORDS)
    return words, words - folded(GENERIC_CLAIMANT_WORDS) - _country_words()


def _initials(name: str) -> str:
    """Return the acronym of a name: "Syrian Observatory for Human Rights" -> "SOHR"."""
    return "".join(w[0] for w in name.replace("-", " ").split() if w[:1].isupper())


def _acronym_of(short: str, name: str) -> bool:
    compact = short.replace(".", "").strip()
    return len(compact) > 1 and compact.isupper() and _initials(name) == compact


def names_match(gold: str, name: str) -> bool:
    """Return True when a predicted claimant name is the gold one.

    They share a telling word, give or take spelling ("the Observatory" = "Syrian Observatory
    for Human Rights"); a name made only of generic words shares any word ("officials" =
    "regional officials"); or one is the acronym of the other ("SOHR").
    """
    (mine, mine_telling), (theirs, theirs_telling) = _words(gold), _words(name)
    if mine_telling and theirs_telling:
        if any(similar_words(a, b) for a in mine_telling for b in theirs_telling):
            return True
    elif mine & theirs:
        return True
    return _acronym_of(gold, name) or _acronym_of(name, gold)


def claimant_matches(gold: str, claim: Claim | None) -> bool:
    """Return True when the claim's claimant is the gold one (see :func:`names_match`).

    An empty gold claimant wants none: the outlet itself says it.
    """
    if claim is None:
        return False
    att = claim.attribution
    written = [w for w in (att.claimant_text,) if w]
    if att.claimant is not None:
        written += [att.claimant.name, att.claimant.text, *att.claimant.aliases]
    if not gold:
        return not written
    return any(names_match(gold, name) for name in written)


def date_right(claim: Claim | None, gold: GoldReport) -> bool:
    """Return True when the claim's interval holds the gold date and is not much longer."""
    date = claim.date if claim is not None else None
    if date is None or date.date_start is None:
        return False
    end = date.date_end or date.date_start
    if not (date.date_start <= gold.date and gold.date_end <= end):
        return False
    return (end - date.date_start).days <= (gold.date_end - gold.date).days + DATE_SLACK_DAYS


# --------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------


def field_results(gold: GoldReport, claim: Claim | None) -> dict[str, bool | None]:
    """Return each field's result for one report (None: the field is not scored here)."""
    predicted_type = acled_event_type(claim)
    country = claim.place.country if claim is not None and claim.place is not None else None
    actor1, actor2 = principal_actors(claim)
    best = toll(claim)
    return {
        "acled_event_type": predicted_type == gold.acled_event_type,
        "actor1_class": inter_class(actor1, predicted_type, country) == gold.actor1_class
        if gold.actor1_class
        else None,
        "actor2_class": inter_class(actor2, predicted_type, country) == gold.actor2_class
        if gold.actor2_class
        else None,
        "fatalities": best == gold.fatalities if gold.fatalities else None,
        "fatalities.none": claim is not None and not best if not gold.fatalities else None,
        "date": date_right(claim, gold),
        "claimant": claimant_matches(gold.claimant, claim),
    }


def score_report(report: Report, gold: GoldReport, claim: Claim | None) -> None:
    """Add one report's results to ``report``: overall, per style, and with a claim."""
    prefixes = ["", f"{gold.style}:"] + (["with_claim:"] if claim is not None else [])
    for prefix in ("", f"{gold.style}:"):
        score = report.score(prefix + "no_claim")
        score.total += 1
        score.correct += claim is None
    for name, right in field_results(gold, claim).items():
        if right is None:
            continue
        for prefix in prefixes:
            score = report.score(prefix + name)
            score.total += 1
            score.correct += right


def evaluate(path: Path | None = None, limit: int | None = None) -> Report:
    """Run the pipeline over the dev-set reports and score the top claim of each."""
    from events.pipeline.runner import run

    path = path or DEFAULT_FILE
    report = Report("reading")
    started = time.perf_counter()
    failed: list[str] = []
    styles: Counter[str] = Counter()
    confusion: Counter[tuple[str, str]] = Counter()
    for n, gold in enumerate(gold_reports(path)):
        if limit is not None and n >= limit:
            break
        styles[gold.style] += 1
        doc = gold.document()
        try:
            run(doc)
        except StageError as exc:  # a pipeline bug: score the report as found nothing, and say so
            failed.append(f"line {gold.line} ({exc})")
            doc.claims = []
        claim = top_claim(doc)
        predicted = acled_event_type(claim) or "no claim"
        if predicted != gold.acled_event_type:
            confusion[(gold.acled_event_type, predicted)] += 1
        score_report(report, gold, claim)
    elapsed = time.perf_counter() - started
    report.notes.append(
        f"{sum(styles.values())} reports from {path.name} ("
        + ", ".join(f"{k} {v}" for k, v in sorted(styles.items()))
        + f"), {elapsed:.1f} s"
    )
    if confusion:
        report.notes.append(
            "most frequent event-type confusions (gold -> predicted): "
            + ", ".join(f"{g} -> {p} {k}" for (g, p), k in confusion.most_common(6))
        )
    if failed:
        report.notes.append(f"pipeline failed on {len(failed)} reports: " + "; ".join(failed[:5]))
    return report
