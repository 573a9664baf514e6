"""Score event typing, actor coding and location against the PLOVER gold standard records.

The gold file (``plover-gsr/PLOVER_GSR_CAMEO.json``, Open Event Data Alliance, CC BY-SA 4.0) holds
322 English sentences adapted from the CAMEO manual, each with one gold event type and its
source/target actors (country code and sector). Every sentence goes through the whole pipeline
as a one-sentence article; the prediction for a sentence is its highest-confidence claim.

Fields:

* ``event_type``      accuracy of the top claim's type (no claim counts as wrong), with per-type
                      precision/recall/F1 in ``event_type:<TYPE>``
* ``source.country``  the top claim's source actors include one with a gold source code
* ``target.country``  the same for targets (records with a gold target only)
* ``source.sector``   the top claim's source actors include one with the gold primary sector
* ``location.place``  the top claim's place is the gold event location (``eventLoc``, 48 records):
                      the same name (resolved or as written, compared by
                      :func:`events.evaluate.match.name_key`, so "province of Herat" = "Herat"),
                      or -- for a gold name that is a country ("Bosnia") -- that country; and in
                      the gold country when there is one
* ``location.country`` the top claim's place is in the gold country: the record's alpha-2
                      ``country code`` (4 records), else the location's name when it names a
                      country ("Iraq", "Britain"); records locating a city without a code carry
                      no country gold

The gold file predates the current PLOVER names; older labels are mapped (DEMAND -> REQUEST,
DISAPPROVE and INVESTIGATE -> ACCUSE, FIGHT -> ASSAULT) and so are its few non-ISO codes.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from events.errors import EventsError
from events.evaluate import Report
from events.evaluate.match import alpha3, country_codes, same_name, top_claim
from events.pipeline.doc import ActorMention, Claim, Document, PlaceMention

log = logging.getLogger(__name__)

GOLD = Path("plover-gsr") / "PLOVER_GSR_CAMEO.json"

#: Labels of the 2016 gold file that later PLOVER versions renamed or merged.
LEGACY_TYPES = {
    "DEMAND": "REQUEST",
    "DISAPPROVE": "ACCUSE",
    "INVESTIGATE": "ACCUSE",
    "FIGHT": "ASSAULT",
    "YIELD": "CONCEDE",
    "COOP": "COOPERATE",
}
#: Country codes of the gold file that are not ISO 3166-1 alpha-3 (CAMEO legacy spellings).
LEGACY_CODES = {"JAP": "JPN", "ITL": "ITA", "VTN": "VAT", "ROM": "ROU", "SRB": "SRB", "ZAR": "COD"}
#: Non-state actor codes of PLOVER: matched against the predicted actor's sector as well.
NONSTATE_CODES = frozenset({"IGO", "NGO", "ISM", "IMG", "MNC"})
#: PLOVER sectors a predicted sector may stand for ("CIV" is a gold misspelling of CVL).
SECTOR_ALIASES = {"CIV": "CVL", "ELI": "GOV"}


def gold_records(data_dir: Path) -> Iterator[dict[str, Any]]:
    """Yield the gold event records (the DOCUMENT records are file documentation)."""
    path = data_dir / GOLD
    if not path.is_file():
        raise EventsError(
            f"PLOVER gold file not found at {path}: pass --data pointing at the shared data folder"
        )
    for record in json.loads(path.read_text(encoding="utf-8")):
        if record.get("event") != "DOCUMENT" and record.get("text"):
            yield record


def gold_type(record: dict[str, Any]) -> str:
    """Return the record's event type in current PLOVER names."""
    event = str(record.get("event", "")).upper()
    return LEGACY_TYPES.get(event, event)


def _codes(actors: Any) -> set[str]:
    out: set[str] = set()
    for actor in actors or []:
        if isinstance(actor, dict) and actor.get("code"):
            code = str(actor["code"]).upper()
            out.add(LEGACY_CODES.get(code, code))
    return out


def _sectors(actors: Any) -> set[str]:
    out: set[str] = set()
    for actor in actors or []:
        sector = str(actor.get("sector") or "") if isinstance(actor, dict) else ""
        primary = sector[:3].upper()
        if primary.isalpha():
            out.add(SECTOR_ALIASES.get(primary, primary))
    return out


def predicted_codes(actors: list[ActorMention]) -> set[str]:
    """Return the codes a set of predicted actors stands for: countries and non-state codes."""
    out: set[str] = set()
    for a in actors:
        if a.country:
            out.add(a.country)
        if a.sector in NONSTATE_CODES:
            out.add(a.sector)
    return out


def _published(record: dict[str, Any]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(record.get("date")))
    except ValueError:
        return None


def evaluate(data_dir: Path, limit: int | None = None) -> Report:
    """Run the pipeline over the gold sentences and score type and actor fields."""
    from events.pipeline.runner import run

    report = Report("plover-gsr")
    types = report.score("event_type")
    confusion: dict[tuple[str, str], int] = {}
    for n, record in enumerate(gold_records(data_dir)):
        if limit is not None and n >= limit:
            break
        doc = Document(
            raw=record["text"], given_published=_published(record), origin=str(record.get("id"))
        )
        run(doc)
        claim = top_claim(doc)
        gold = gold_type(record)
        predicted = claim.event_type if claim is not None else "NONE"
        types.total += 1
        per_gold = report.score(f"event_type:{gold}")
        if predicted == gold:
            types.correct += 1
            per_gold.tp += 1
        else:
            per_gold.fn += 1
            if claim is not None:
                report.score(f"event_type:{predicted}").fp += 1
            confusion[(gold, predicted)] = confusion.get((gold, predicted), 0) + 1
        _score_actors(report, record, claim)
        _score_location(report, record, claim.place if claim is not None else None)
    worst = sorted(confusion.items(), key=lambda kv: -kv[1])[:8]
    report.notes.append(
        "most frequent confusions (gold -> predicted): "
        + ", ".join(f"{g}->{p} {k}" for (g, p), k in worst)
    )
    return report


def _score_actors(report: Report, record: dict[str, Any], claim: Claim | None) -> None:
    sources = claim.actors("source") if claim is not None else []
    targets = claim.actors("target") if claim is not None else []
    gold_src = _codes(record.get("source"))
    if gold_src:
        score = report.score("source.country")
        score.total += 1
        score.correct += bool(gold_src & predicted_codes(sources))
    gold_tar = _codes(record.get("target"))
    if gold_tar:
        score = report.score("target.country")
        score.total += 1
        score.correct += bool(gold_tar & predicted_codes(targets))
    gold_sec = _sectors(record.get("source"))
    if gold_sec:
        score = report.score("source.sector")
        score.total += 1
        predicted = {SECTOR_ALIASES.get(a.sector, a.sector) for a in sources if a.sector}
        predicted |= {"GOV" for a in sources if a.kind in {"state", "government"} and not a.sector}
        score.correct += bool(gold_sec & predicted)


def gold_location(record: dict[str, Any]) -> tuple[str, frozenset[str]] | None:
    """Return the record's gold event location: its name and its country codes (may be empty)."""
    loc = record.get("eventLoc")
    if not isinstance(loc, dict) or not str(loc.get("name") or "").strip():
        return None
    name = str(loc["name"]).strip()
    code = alpha3(str(loc.get("country code") or ""))
    return name, frozenset({code}) if code else country_codes(name)


def place_right(place: PlaceMention | None, name: str, countries: frozenset[str]) -> bool:
    """Return True when ``place`` is the gold location ``name`` (in ``countries``, if known)."""
    if place is None or (countries and place.country not in countries):
        return False
    if same_name(place.name, name) or same_name(place.text, name):
        return True
    return bool(country_codes(name)) and place.precision == "country"


def _score_location(report: Report, record: dict[str, Any], place: PlaceMention | None) -> None:
    gold = gold_location(record)
    if gold is None:
        return
    name, countries = gold
    score = report.score("location.place")
    score.total += 1
    score.correct += place_right(place, name, countries)
    if countries:
        score = report.score("location.country")
        score.total += 1
        score.correct += place is not None and place.country in countries


def main() -> None:  # pragma: no cover - a convenience for `python -m events.evaluate.plover`
    """Print the figures for the shared data folder."""
    import sys

    from events.evaluate import default_data_dir

    limit = int(sys.argv[1]) if len(sys.argv) > 1 else None
    report = evaluate(default_data_dir(), limit)
    for name in (
        "event_type",
        "source.country",
        "target.country",
        "source.sector",
        "location.place",
        "location.country",
    ):
        s = report.scores.get(name)
        if s is not None:
            print(f"{name:16} accuracy {s.accuracy:.3f}  ({s.correct}/{s.total})")
    for name, s in sorted(report.scores.items()):
        if name.startswith("event_type:"):
            print(
                f"{name:24} P {s.precision:.2f} R {s.recall:.2f} F1 {s.f1:.2f}  "
                f"tp {s.tp} fp {s.fp} fn {s.fn}"
            )
    for note in report.notes:
        print(note)


if __name__ == "__main__":  # pragma: no cover
    main()
