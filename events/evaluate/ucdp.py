"""Score place, date, deaths and sides against UCDP GED events (``events eval ucdp``).

Gold: ``ucdp-ged-sample/ucdpged_sample1000.csv`` (1,000 random UCDP GED 23.1 events, CC BY 4.0
Uppsala Conflict Data Program). UCDP does not ship its articles, only their references, so each
row becomes a small article in memory (no database) and goes through the whole pipeline:

* **text** -- the row's headlines (``source_headline``; a row citing several sources joins them
  with ``;``), one paragraph each. Rows without a headline (a third of the sample: the older
  events, coded from wire copy) use ``source_article`` instead, the free-text reference that in
  those rows holds the headline ("Reuters 1989-05-17 \"ANGOLAN UNITA REBELS BLOW UP ...").
  ``source_original`` names who first reported ("SOHR", "Ministry of Defence", "police"), not
  what they said: it is the document's ``source`` (outlet) and not part of its text (added as
  a last paragraph, it moved no score by more than 0.6 points when measured).
* **publication date** -- the first date of ``source_date``, else ``date_start`` (rows without a
  headline have no source date). The pipeline dates a physical event by its text, never by
  the publication date, so ``date_start`` standing in for it leaks little: only an undated
  statement, or a relative date ("yesterday"), is dated from it (2 of 97 right dates, measured).

The prediction for a row is its *top claim*: the highest-confidence claim, the earliest in the
text among ties (:func:`events.evaluate.match.top_claim` without ``main_first``). A row's text
bundles the headlines of several reports, so the main event the pipeline marks -- the one of
the first headlines, taken as one report's title and lead -- is not the row's event any more
than another headline's (measured: main first moved side_a 0.222 -> 0.219, date 0.101 -> 0.098,
admin1 0.107 -> 0.110). A row without a claim is wrong on every field. Fields (accuracy; rows
whose gold field is empty are not counted):

* ``location`` -- the claim's place lies within :data:`MAX_DISTANCE_KM` of the gold
  coordinates (not a country or region: their point is a capital or a centroid), or its name
  (as resolved or as written) is the gold ``where_description`` or ``adm_2`` name;
* ``admin1``   -- the place's first-order division (the place itself when it is one) is
  ``adm_1``;
* ``country``  -- the place's country is the gold ``country`` (UCDP names through
  ``seeds/ucdp_countries.tsv``, then pycountry);
* ``date``     -- the claim's date interval overlaps ``date_start..date_end`` and spans at most
  :data:`MAX_DATE_SPAN_DAYS` (a year is no answer to "when");
* ``deaths``   -- the claim's toll (best, else low: what the exports store,
  :func:`events.evaluate.match.toll`) equals ``best`` (no figure is wrong, also
  for a gold 0); ``deaths.within25`` -- within :data:`DEATHS_TOLERANCE` of it;
* ``side_a`` / ``side_b`` -- one of the claim's principal actors (first source; first other
  target, else second source) is that side: see :func:`side_matches`.

Names are compared by :func:`events.evaluate.match.name_key`: folded (accents, case,
transliteration variants) and without type words ("Idlib governorate" = "Idlib").

Many headlines name no event ("Incident #19384", "VDC 2014-04-30", a victim's name), so every
field is reported twice: over all rows, and over the rows where the pipeline found at least one
claim (``with_claim:<field>``); ``claimed`` is the share of such rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from events.errors import EventsError, StageError
from events.evaluate import Report
from events.evaluate.match import (
    country_codes,
    distance_km,
    folded,
    government_of,
    is_state,
    name_key,
    principal_actors,
    same_name,
    similar_words,
    toll,
    top_claim,
)
from events.pipeline.doc import ActorMention, Claim, Document, PlaceMention

GOLD = Path("ucdp-ged-sample") / "ucdpged_sample1000.csv"

#: UCDP's own radius for "near" (where_prec 2: within 25 km of a known point); a predicted point
#: this close is the same location.
MAX_DISTANCE_KM = 25.0
#: Places whose point says little about where in them something happened: a country's point is
#: its capital, a region's a centroid ("Kashmir", "Donbas"). Only their names can match.
UNPLACED_PRECISIONS = frozenset({"country", "region"})
#: A predicted date is an answer only if it names at most a month (a month-precision date, or a
#: day range inside one); a year overlaps nearly every gold date.
MAX_DATE_SPAN_DAYS = 31
#: Relative tolerance of ``deaths.within25``: early reports and final counts differ that much.
DEATHS_TOLERANCE = 0.25
#: Words of side names that say what kind of group, not which: left out of the word overlap.
GENERIC_WORDS = frozenset(
    """
    of the and de del la los las el al y et du des government forces force republic supporters
    insurgents rebels militants group army front movement party organization organisation armed
    """.split()
)
#: Words an acronym skips ("Liberation Tigers of Tamil Eelam" is LTTE).
SMALL_WORDS = frozenset({"of", "the", "and", "for", "de", "del", "la", "el", "al", "y", "et", "du"})
#: Side names of a generic rebel opposition ("Syrian insurgents", "Kashmir insurgents"): any
#: non-state armed actor stands for it.
INSURGENT_WORDS = frozenset({"insurgents", "rebels", "militants"})
ARMED_SECTORS = frozenset({"REB", "INS", "UAF"})  # rebels, insurgents, unidentified armed forces

FIELDS = (
    "location",
    "admin1",
    "country",
    "date",
    "deaths",
    "deaths.within25",
    "side_a",
    "side_b",
)


@dataclass(frozen=True)
class GoldEvent:
    """One UCDP GED row: the article built from it and the gold fields."""

    id: str
    text: str
    source: str
    published: dt.date | None
    from_headline: bool  # False: no source_headline, the text is source_article
    date_start: dt.date
    date_end: dt.date
    where_description: str
    adm_1: str
    adm_2: str
    country: str
    latitude: float
    longitude: float
    best: int
    side_a: str
    side_b: str

    def document(self) -> Document:
        """Return the in-memory article of this row."""
        return Document(
            raw=self.text,
            origin=f"ucdp:{self.id}",
            external_id=self.id,
            source=self.source or None,
            given_published=self.published,
        )


def _date(cell: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(cell.strip()[:10])
    except ValueError:
        return None


def _headlines(row: dict[str, str]) -> list[str]:
    return [h.strip() for h in row.get("source_headline", "").split(";") if h.strip(" .")]


def gold_events(data_dir: Path) -> Iterator[GoldEvent]:
    """Yield the rows of the UCDP sample as :class:`GoldEvent` objects."""
    path = data_dir / GOLD
    if not path.is_file():
        raise EventsError(
            f"UCDP GED sample not found at {path}: pass --data pointing at the shared data folder"
        )
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            start = _date(row["date_start"])
            if start is None:
                continue
            headlines = _headlines(row)
            text = "\n\n".join(headlines) if headlines else row["source_article"].strip()
            yield GoldEvent(
                id=row["id"].removesuffix(".0"),
                text=text,
                source=" ".join(row.get("source_original", "").split()),
                published=_date(row.get("source_date", "").split(";")[0]) or start,
                from_headline=bool(headlines),
                date_start=start,
                date_end=_date(row["date_end"]) or start,
                where_description=row["where_description"].strip(),
                adm_1=row["adm_1"].strip(),
                adm_2=row["adm_2"].strip(),
                country=row["country"].strip(),
                latitude=float(row["latitude"]),
                longitude=float(row["longitude"]),
                best=round(float(row["best"] or 0)),
                side_a=row["side_a"].strip(),
                side_b=row["side_b"].strip(),
            )


# --------------------------------------------------------------------------
# One field each
# --------------------------------------------------------------------------


def location_right(place: PlaceMention | None, gold: GoldEvent) -> bool:
    """Return True when the place is the gold location (distance or name)."""
    if place is None:
        return False
    if (
        place.precision not in UNPLACED_PRECISIONS
        and place.latitude is not None
        and place.longitude is not None
        and distance_km(place.latitude, place.longitude, gold.latitude, gold.longitude)
        <= MAX_DISTANCE_KM
    ):
        return True
    golds = [g for g in (gold.where_description, gold.adm_2) if g]
    return any(same_name(name, g) for name in (place.name, place.text) for g in golds)


def predicted_admin1(place: PlaceMention | None) -> str | None:
    """Return the first-order division of a place (the place itself when it is one)."""
    if place is None:
        return None
    if place.admin1:
        return place.admin1
    return place.name if place.precision == "admin1" else None


def date_right(claim: Claim | None, gold: GoldEvent) -> bool:
    """Return True when the claim's date overlaps the gold interval and names a month at most."""
    date = claim.date if claim is not None else None
    if date is None or date.date_start is None:
        return False
    end = date.date_end or date.date_start
    if (end - date.date_start).days >= MAX_DATE_SPAN_DAYS:
        return False
    return date.date_start <= gold.date_end and gold.date_start <= end


def deaths_within(predicted: int | None, gold: int, tolerance: float) -> bool:
    """Return True when ``predicted`` is ``gold`` give or take ``tolerance`` (relative)."""
    if predicted is None:
        return False
    return abs(predicted - gold) <= tolerance * gold


def _words(name: str) -> set[str]:
    generic = folded(GENERIC_WORDS)
    return {w for w in name_key(name).split() if w not in generic and len(w) > 1}


def _initials(name: str) -> str:
    """Return the acronym of a name: "Liberation Tigers of Tamil Eelam" -> "LTTE"."""
    words = [w for w in name.split() if w.casefold() not in SMALL_WORDS and w[:1].isalpha()]
    return "".join(w[0] for w in words).upper()


def side_matches(side: str, actor: ActorMention | None) -> bool:
    """Return True when a predicted actor stands for a UCDP side.

    * "Government of X": a state actor (state, government, military, police ... or such a
      sector) of country X;
    * "Civilians": an actor of the civilian sector or a population;
    * "<people> insurgents" (rebels, militants): any non-state armed actor;
    * any other side (a named group): the side is the actor's acronym or one of its written
      forms ("IS" = Islamic State, "SDF"), or the two names share a word that is not generic
      ("Taleban" ~ "Taliban", "Jalisco Cartel New Generation" ~ "Jalisco cartel").
    """
    if actor is None or not side:
        return False
    codes = government_of(side)
    if codes:
        return actor.country in codes and is_state(actor)
    words = name_key(side).split()
    if " ".join(words) == name_key("Civilians"):
        return actor.sector == "CVL" or actor.kind == "population"
    if is_state(actor):
        return False
    if words and words[-1] in folded(INSURGENT_WORDS):
        return actor.kind == "armed_group" or actor.sector in ARMED_SECTORS
    written = {actor.name, actor.text, *actor.aliases}
    if side.replace("-", "").isupper():
        compact = side.replace("-", "")
        if any(w.replace("-", "") == compact for w in written) or _initials(actor.name) == compact:
            return True
    mine = _words(side)
    theirs = set().union(*(_words(w) for w in written))
    return any(similar_words(a, b) for a in mine for b in theirs)


# --------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------


def score_row(report: Report, gold: GoldEvent, claim: Claim | None) -> None:
    """Add one row's field results to ``report`` (all rows, and rows with a claim)."""
    place = claim.place if claim is not None else None
    actor1, actor2 = principal_actors(claim)
    results: dict[str, bool | None] = {
        "location": location_right(place, gold),
        "admin1": same_name(predicted_admin1(place), gold.adm_1) if gold.adm_1 else None,
        "country": None,
        "date": date_right(claim, gold),
        "deaths": deaths_within(toll(claim), gold.best, 0.0),
        "deaths.within25": deaths_within(toll(claim), gold.best, DEATHS_TOLERANCE),
        "side_a": any(side_matches(gold.side_a, a) for a in (actor1, actor2))
        if gold.side_a
        else None,
        "side_b": any(side_matches(gold.side_b, a) for a in (actor1, actor2))
        if gold.side_b
        else None,
    }
    codes = country_codes(gold.country)
    if codes:
        results["country"] = place is not None and place.country in codes
    prefixes = ("", "with_claim:") if claim is not None else ("",)
    for name, right in results.items():
        if right is None:
            continue
        for prefix in prefixes:
            score = report.score(prefix + name)
            score.total += 1
            score.correct += right


def evaluate(data_dir: Path, limit: int | None = None) -> Report:
    """Run the pipeline over the UCDP rows and score place, date, deaths and sides."""
    from events.pipeline.runner import run

    report = Report("ucdp")
    claimed = report.score("claimed")
    started = time.perf_counter()
    headline_rows = 0
    failed: list[str] = []
    unknown_countries: Counter[str] = Counter()
    for n, gold in enumerate(gold_events(data_dir)):
        if limit is not None and n >= limit:
            break
        headline_rows += gold.from_headline
        doc = gold.document()
        try:
            run(doc)
        except StageError as exc:  # a pipeline bug: score the row as found nothing, and say so
            failed.append(f"{gold.id} ({exc})")
            doc.claims = []
        claim = top_claim(doc, main_first=False)
        claimed.total += 1
        claimed.correct += claim is not None
        if not country_codes(gold.country):
            unknown_countries[gold.country] += 1
        score_row(report, gold, claim)
    elapsed = time.perf_counter() - started
    report.notes.append(
        f"{claimed.total} UCDP rows ({headline_rows} with a headline, the others read from "
        f"source_article), {claimed.correct} with a claim, {elapsed:.1f} s"
    )
    if unknown_countries:
        report.notes.append(
            "country names with no ISO code (add them to seeds/ucdp_countries.tsv): "
            + ", ".join(f"{k} ({v})" for k, v in unknown_countries.most_common())
        )
    if failed:
        report.notes.append(f"pipeline failed on {len(failed)} rows: " + "; ".join(failed[:5]))
    return report
