"""Benchmark: short one-event notes (2-3 sentences each) ingested in one process.

The notes are written here, from our own templates: invented events over real
places, each with one actor pair, a date, often a toll and a source, in five
styles (codebook note, wire paragraph with a dateline, monitor report, toll
first, protest). ``--seed`` gives another set of unseen notes. They go to a JSON
Lines file and through `events ingest`'s own code path (`iter_documents` then
`ingest`) into a fresh SQLite database, in this one process.

    python bench/notes.py [--count 1000] [--seed 1] [--out notes.jsonl] [--profile FILE]

Prints notes/s (the pipeline warmed up first, as a long-running ingest is; the
first-note cost is printed apart) and the claim counts: what the ingest reported,
what the database holds, and notes that gave no claim. Asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import tempfile
import time
from pathlib import Path

#: Country -> (state forces, their opponents, places as (place, first-level unit)).
THEATRES: dict[str, tuple[list[str], list[str], list[tuple[str, str]]]] = {
    "Ukraine": (
        ["Russian forces", "Russian troops", "the Russian army"],
        ["Ukrainian soldiers", "Ukrainian forces", "the Ukrainian army"],
        [
            ("Kharkiv", "Kharkiv region"),
            ("Kherson", "Kherson region"),
            ("Sumy", "Sumy region"),
            ("Nikopol", "Dnipropetrovsk region"),
            ("Pokrovsk", "Donetsk region"),
        ],
    ),
    "Nigeria": (
        ["Nigerian troops", "the Nigerian army", "soldiers"],
        ["Boko Haram fighters", "ISWAP militants", "bandits"],
        [
            ("Maiduguri", "Borno State"),
            ("Konduga", "Borno State"),
            ("Gusau", "Zamfara State"),
            ("Damaturu", "Yobe State"),
        ],
    ),
    "Mali": (
        ["Malian soldiers", "the Malian army"],
        ["JNIM fighters", "jihadists", "Islamic State militants"],
        [
            ("Gao", "Gao Region"),
            ("Mopti", "Mopti Region"),
            ("Timbuktu", "Timbuktu Region"),
            ("Menaka", "Menaka Region"),
        ],
    ),
    "Somalia": (
        ["Somali troops", "the Somali National Army"],
        ["al-Shabaab militants", "al-Shabaab fighters"],
        [
            ("Baidoa", "Bay"),
            ("Afgoye", "Lower Shabelle"),
            ("Beledweyne", "Hiran"),
            ("Mogadishu", "Banadir"),
        ],
    ),
    "Syria": (
        ["Syrian government forces", "Syrian army troops"],
        ["HTS fighters", "rebels", "Islamic State militants"],
        [
            ("Idlib", "Idlib Governorate"),
            ("Aleppo", "Aleppo Governorate"),
            ("Deir ez-Zor", "Deir ez-Zor Governorate"),
            ("Daraa", "Daraa Governorate"),
        ],
    ),
    "Myanmar": (
        ["the Myanmar military", "junta troops", "Myanmar soldiers"],
        ["Arakan Army fighters", "resistance fighters", "the Kachin Independence Army"],
        [
            ("Lashio", "Shan State"),
            ("Sittwe", "Rakhine State"),
            ("Monywa", "Sagaing Region"),
            ("Myitkyina", "Kachin State"),
        ],
    ),
    "Colombia": (
        ["the Colombian army", "Colombian soldiers", "police officers"],
        ["ELN guerrillas", "FARC dissidents", "Clan del Golfo gunmen"],
        [
            ("Arauca", "Arauca"),
            ("Popayan", "Cauca"),
            ("Tumaco", "Narino"),
            ("Cucuta", "Norte de Santander"),
        ],
    ),
    "Democratic Republic of the Congo": (
        ["Congolese troops", "the Congolese army"],
        ["M23 rebels", "ADF militants", "CODECO fighters"],
        [
            ("Goma", "North Kivu"),
            ("Beni", "North Kivu"),
            ("Bunia", "Ituri"),
            ("Uvira", "South Kivu"),
        ],
    ),
    "Yemen": (
        ["Yemeni government forces", "Saudi-led coalition aircraft"],
        ["Houthi fighters", "Houthi forces"],
        [
            ("Marib", "Marib Governorate"),
            ("Taiz", "Taiz Governorate"),
            ("Hodeidah", "Hodeidah Governorate"),
        ],
    ),
    "Sudan": (
        ["the Sudanese army", "Sudanese soldiers"],
        ["RSF fighters", "the Rapid Support Forces"],
        [
            ("El Fasher", "North Darfur"),
            ("Omdurman", "Khartoum State"),
            ("Wad Madani", "Gezira State"),
        ],
    ),
}

SOURCES = ["officials said", "a local official said", "witnesses said", "the army said",
           "a monitoring group said", "residents told reporters", "police said"]  # fmt: skip
OUTLETS = ["Bench Wire", "Sahel Monitor", "Frontline Daily", "Regional Observer"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
NUMBER_WORDS = ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "a dozen"]

#: Violent acts: (verb phrase with the target, noun for a follow-up sentence).
ATTACKS = [
    ("attacked", "the attack"), ("ambushed", "the ambush"),
    ("shelled positions of", "the shelling"),
    ("clashed with", "the fighting"), ("fired rockets at", "the rocket fire"),
    ("launched an assault on", "the assault"), ("raided a camp of", "the raid"),
]  # fmt: skip
CIVILIAN_ACTS = [
    "killed {n} civilians in an attack on a market in {place}",
    "abducted {n} villagers near {place}",
    "burned houses in a village near {place}",
    "shot dead {n} farmers outside {place}",
]
PROTESTS = [
    ("Hundreds of students", "protested", "against rising fuel prices"),
    ("Thousands of residents", "marched", "to demand the release of detained relatives"),
    ("Traders", "staged a protest", "over new market taxes"),
    ("Dozens of women", "rallied", "against the killing of a local chief"),
]
POLICE_RESPONSES = [
    "Police fired tear gas to disperse the crowd.",
    "Security forces arrested {n} demonstrators, {source}.",
    "The protest ended peacefully in the afternoon.",
]
DIPLOMACY = [
    "{a} and {b} agreed to a ceasefire in {place}",
    "Officials of {a} met representatives of {b} in {place} to discuss a prisoner exchange",
    "{a} accused {b} of violating a truce around {place}",
]


def cap(text: str) -> str:
    """Upper-case the first letter only ('the Somali army' -> 'The Somali army')."""
    return text[:1].upper() + text[1:]


def _date_phrase(rng: random.Random, when: dt.date, published: dt.date) -> str:
    if when == published - dt.timedelta(days=1) and rng.random() < 0.5:
        return "yesterday"
    if (published - when).days < 7 and rng.random() < 0.6:
        return f"on {WEEKDAYS[when.weekday()]}"
    return f"on {when.day} {when:%B} {when.year}"


def note(rng: random.Random, index: int) -> dict[str, str]:
    """Return one invented note as a JSON Lines record."""
    country = rng.choice(list(THEATRES))
    forces, opponents, places = THEATRES[country]
    place, unit = rng.choice(places)
    a, b = rng.choice(forces), rng.choice(opponents)
    if rng.random() < 0.4:
        a, b = b, a
    published = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(6 * 365))
    when = published - dt.timedelta(days=rng.randrange(0, 6))
    on = _date_phrase(rng, when, published)
    source = rng.choice(SOURCES)
    killed = rng.choice([rng.randrange(2, 40), rng.choice(NUMBER_WORDS)])
    style = rng.randrange(5)
    if style == 0:  # codebook note
        verb, noun = rng.choice(ATTACKS)
        text = (
            f"On {when.day} {when:%B} {when.year}, {a} {verb} {b} in {place}, {unit}, "
            f"{country}. {cap(str(killed))} people were killed in {noun}. "
            f"Source: {rng.choice(OUTLETS)}."
        )
    elif style == 1:  # wire paragraph with a dateline
        verb, noun = rng.choice(ATTACKS)
        text = (
            f"{place.upper()}, {country} ({rng.choice(OUTLETS)}) - {cap(a)} "
            f"{verb} {b} near {place} {on}, {source}. At least {killed} people died in {noun}."
        )
    elif style == 2:  # monitor report about civilians
        act = rng.choice(CIVILIAN_ACTS).format(n=rng.choice(NUMBER_WORDS), place=place)
        actor = rng.choice(opponents)
        text = (
            f"{rng.choice(OUTLETS)} reported that {actor} {act} {on}. "
            f"The victims were buried the next day, {source}."
        )
        if rng.random() < 0.5:
            text += f" {cap(forces[0])} said they had sent reinforcements to {unit}."
    elif style == 3:  # toll first, or a diplomatic note
        if rng.random() < 0.7:
            verb, noun = rng.choice(ATTACKS)
            text = (
                f"{cap(str(killed))} soldiers were killed when {a} {verb} {b} "
                f"outside {place} {on}. {cap(noun)} lasted several hours, {source}."
            )
        else:
            act = rng.choice(DIPLOMACY).format(a=forces[0], b=opponents[0], place=place)
            text = f"{cap(act)} {on}, {source}. No further details were given."
    else:  # protest
        crowd, verb, why = rng.choice(PROTESTS)
        response = rng.choice(POLICE_RESPONSES).format(n=rng.choice(NUMBER_WORDS), source=source)
        text = f"{crowd} {verb} in {place}, {country}, {on} {why}. {response}"
    return {
        "id": f"bench-note-{index:06d}",
        "published": published.isoformat(),
        "source": rng.choice(OUTLETS),
        "text": text,
    }


def write_notes(path: Path, count: int, seed: int) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            out.write(json.dumps(note(rng, i), ensure_ascii=False) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="Keep the notes in this JSON Lines file.")
    parser.add_argument("--profile", type=Path, help="Write a cProfile of the timed ingest here.")
    args = parser.parse_args()

    from sqlalchemy import text

    from events import admin
    from events.db import open_database
    from events.ingest import ingest, iter_documents, warm_up

    with tempfile.TemporaryDirectory() as tmp:
        notes = args.out or Path(tmp) / "notes.jsonl"
        write_notes(notes, args.count, args.seed)
        db_path = str(Path(tmp) / "notes.db")
        admin.init(db_path)
        database = open_database(db_path)
        t0 = time.perf_counter()
        warm_up()
        warm_s = time.perf_counter() - t0

        profiler = None
        if args.profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        t0, c0 = time.perf_counter(), time.process_time()
        summary = ingest(database, iter_documents([str(notes)]))
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(str(args.profile))

        with database.engine.connect() as conn:
            stored_claims = conn.execute(text("select count(*) from claims")).scalar()
            stored_articles = conn.execute(text("select count(*) from articles")).scalar()
            silent = conn.execute(
                text(
                    "select count(*) from articles where id not in (select article_id from claims)"
                )
            ).scalar()
        database.dispose()

    print(f"notes: {args.count} (seed {args.seed}); first-note warm-up {warm_s:.2f} s, untimed")
    print(
        f"ingest: {elapsed:.2f} s wall, {args.count / elapsed:.1f} notes/s; "
        f"{cpu:.2f} s CPU of this process, {args.count / cpu:.1f} notes/s of CPU"
    )
    print(f"stored: {summary.stored} notes ({stored_articles} in the database), "
          f"{summary.failed} failed, {summary.skipped} skipped")  # fmt: skip
    lost = summary.claims - (stored_claims or 0)
    verdict = "none lost" if lost == 0 else f"{lost} LOST"
    print(f"claims: {summary.claims} reported, {stored_claims} in the database ({verdict}); "
          f"notes with no claim: {silent}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
