"""Score the place of coded events on short codebook-style notes and wire paragraphs.

Every text of ``tests/data/places_notes.tsv`` was written for it: invented events, real place
names, in the styles researchers meet -- codebook notes ("On 3 May 2021, ... in X village,
Y district, Z province."), wire paragraphs with and without datelines, monitors and partisan
outlets -- over the Sahel, Somalia, Nigeria, Syria, Afghanistan, Ukraine, Myanmar, Colombia and
Mexico, the DRC, Yemen and the South Caucasus. Each has the location, first-level unit and
country a researcher would code for its event (location and admin1 empty when the text names
only a country).

The event of a text is its first claim of a physical type (ASSAULT, COERCE, PROTEST ...), else
its first claim. Scores, over all texts:

* location -- the claim's place is the gold place: same name (folded, without type words such
  as "District"; the place's own name or its words in the text) in the gold country, and not
  just a country when the gold names a place; a country-level place is right only where the
  gold has no location;
* admin1 -- the claim's first-level unit is the gold one (the same unit of the place index,
  else the same folded bare name); both empty counts as right;
* country -- the claim's place is in the gold country.

Run from the repository root; prints the three figures and, with ``-v``, every miss::

    python bench/places_notes.py [-v]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path

from events.geoindex import GeoIndex, bare_admin_name, open_index
from events.pipeline.doc import Claim, Document
from events.pipeline.load import Overrides, load_bytes
from events.pipeline.runner import run

PHYSICAL = {"ASSAULT", "COERCE", "PROTEST", "MOBILIZE", "RETREAT", "AID", "SANCTION"}


@dataclass(frozen=True)
class Note:
    text: str
    location: str | None
    admin1: str | None
    country: str


DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "places_notes.tsv"


def read_notes(path: Path = DATA) -> list[Note]:
    """Return the notes of ``tests/data/places_notes.tsv``."""
    with path.open(encoding="utf-8", newline="") as fh:
        lines = (line for line in fh if line.strip() and not line.startswith("#"))
        rows = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [
            Note(r["text"], r["location"] or None, r["admin1"] or None, r["country"]) for r in rows
        ]


def event_claim(doc: Document) -> Claim | None:
    """Return the claim a researcher would code for a short text: its first physical event."""
    claims = sorted(doc.claims, key=lambda c: (c.sentence_index, c.trigger_start))
    return next((c for c in claims if c.event_type in PHYSICAL), claims[0] if claims else None)


def unit_key(index: GeoIndex, country: str, name: str | None) -> str | None:
    if not name:
        return None
    row = index.admin(country, name)
    return row.key if row is not None else f"name:{index.fold(bare_admin_name(name))}"


def same_place(index: GeoIndex, note: Note, claim: Claim | None) -> bool:
    place = claim.place if claim is not None else None
    if note.location is None:
        return place is None or place.precision == "country"
    if place is None or place.precision == "country" or place.country != note.country:
        return False
    gold = index.fold(bare_admin_name(note.location))
    return gold in {index.fold(bare_admin_name(place.name)), index.fold(place.text)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="print every miss")
    parser.add_argument(
        "--notes", type=Path, default=DATA, help="a TSV of notes (default: %(default)s)"
    )
    args = parser.parse_args()
    index = open_index()
    notes = read_notes(args.notes)
    right = {"location": 0, "admin1": 0, "country": 0}
    for note in notes:
        doc = run(
            load_bytes(
                note.text.encode(),
                origin="note",
                overrides=Overrides(published=dt.date(2023, 5, 1)),
            )
        )
        claim = event_claim(doc)
        place = claim.place if claim is not None else None
        got = {
            "location": same_place(index, note, claim),
            "admin1": unit_key(index, note.country, note.admin1)
            == unit_key(index, note.country, place.admin1 if place else None),
            "country": place is not None and place.country == note.country,
        }
        for field, ok in got.items():
            right[field] += ok
        if args.verbose and not all(got.values()):
            where = (
                f"{place.name!r} ({place.admin1}, {place.country}, {place.precision})"
                if place
                else None
            )
            misses = ",".join(f for f, ok in got.items() if not ok)
            print(f"MISS {misses}: {note.text[:70]}...\n  gold {note.location!r} "
                  f"({note.admin1}, {note.country}); got {where}")  # fmt: skip
    n = len(notes)
    print(f"{n} notes: " + ", ".join(f"{k} {v / n:.0%} ({v})" for k, v in right.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
